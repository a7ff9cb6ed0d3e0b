//! Splitting CSV option data the way Kea does, and escaping text back into it.

/// Splits `text` on unescaped `delim`, trimming each field. `\<delim>` is a literal delimiter and `\\` a
/// literal backslash; any other backslash is kept as is. Empty fields (two delimiters in a row, or a
/// leading or trailing one) are dropped, as Kea does; a field of only spaces is kept, as an empty string.
pub(super) fn split(text: &str, delim: char) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut in_field = false;
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            escaped = false;
            if c != delim && c != '\\' {
                field.push('\\');
            }
            field.push(c);
        } else if c == '\\' {
            escaped = true;
            in_field = true;
        } else if c == delim {
            if in_field {
                fields.push(field.trim().to_owned());
                field.clear();
                in_field = false;
            }
        } else {
            in_field = true;
            field.push(c);
        }
    }
    if escaped {
        field.push('\\');
    }
    if in_field {
        fields.push(field.trim().to_owned());
    }
    fields
}

/// Escapes backslashes and every delimiter in `delims` so that [`split`] gives `text` back.
pub(super) fn escape(text: &str, delims: &[char]) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\\' || delims.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // V4-106: a literal comma is written `\,`.
    #[test]
    fn splits_with_escapes_and_trims() {
        assert_eq!(
            split("192.0.2.1, 192.0.2.2", ','),
            ["192.0.2.1", "192.0.2.2"]
        );
        assert_eq!(split("foo\\,bar", ','), ["foo,bar"]);
        assert_eq!(split("a\\\\,b", ','), ["a\\", "b"]);
        assert_eq!(split("a\\nb", ','), ["a\\nb"]);
        assert_eq!(split(",a,,b,", ','), ["a", "b"]);
        assert_eq!(split("a, ,b", ','), ["a", "", "b"]);
        assert!(split("", ',').is_empty());
        assert_eq!(split("x|y\\|z", '|'), ["x", "y|z"]);
    }

    #[test]
    fn escape_is_inverse_of_split() {
        for s in ["plain", "a,b", "back\\slash", "tail\\", "x|y,z"] {
            assert_eq!(split(&escape(s, &[',']), ','), [s]);
        }
    }
}
