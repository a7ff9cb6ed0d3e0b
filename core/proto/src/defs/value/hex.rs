//! Kea's hex text forms.

use crate::defs::ValueError;
use std::fmt::Write;

fn bad(input: &str, reason: &'static str) -> ValueError {
    ValueError::BadHex {
        input: input.to_owned(),
        reason,
    }
}

/// One to two hex digits as a byte (the separated forms allow `a:b` for `0a:0b`).
fn short_byte(input: &str, part: &str) -> Result<u8, ValueError> {
    if part.is_empty() || part.len() > 2 {
        return Err(bad(
            input,
            "each separated byte needs one or two hex digits",
        ));
    }
    u8::from_str_radix(part, 16).map_err(|_| bad(input, "not a hex digit"))
}

/// Parses `"ab:cd"`, `"ab cd"`, `"0xabcd"` or `"abcd"` (an odd digit count gets a leading 0). The empty
/// string is no bytes.
pub(super) fn parse(data: &str) -> Result<Vec<u8>, ValueError> {
    if data.contains(':') {
        return data.split(':').map(|p| short_byte(data, p)).collect();
    }
    if data.contains(' ') {
        return data.split(' ').map(|p| short_byte(data, p)).collect();
    }
    // Kea takes only a lower-case 0x prefix.
    let digits = match data.strip_prefix("0x") {
        Some("") => return Err(bad(data, "no digits after 0x")),
        Some(d) => d,
        None => data,
    };
    digits_to_bytes(data, digits)
}

/// A binary field inside CSV data: an even number of hex digits, spaces ignored, no prefix and no
/// colons (Kea's CSV rule, stricter than [`parse`]).
pub(super) fn parse_csv_field(data: &str) -> Result<Vec<u8>, ValueError> {
    let digits: String = data.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() % 2 != 0 {
        return Err(bad(
            data,
            "a binary field needs an even number of hex digits",
        ));
    }
    digits_to_bytes(data, &digits)
}

/// Hex digits to bytes; an odd count means an implied leading 0 nibble.
fn digits_to_bytes(input: &str, digits: &str) -> Result<Vec<u8>, ValueError> {
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad(input, "not a hex digit"));
    }
    let nibble = |b: u8| match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    };
    let bytes = digits.as_bytes();
    let (head, tail) = bytes.split_at(bytes.len() % 2);
    let mut out = Vec::with_capacity(bytes.len().div_ceil(2));
    out.extend(head.iter().map(|&b| nibble(b)));
    out.extend(tail.chunks(2).map(|p| nibble(p[0]) << 4 | nibble(p[1])));
    Ok(out)
}

/// Upper-case hex without separators (how Kea prints binary values).
pub(super) fn format(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing into a String cannot fail.
        let _ = write!(s, "{b:02X}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    // V4-106: every hex form Kea accepts.
    #[test]
    fn kea_hex_forms() {
        let want = vec![0xab, 0xcd, 0xef];
        for form in [
            "ab:cd:ef", "ab cd ef", "0xabcdef", "abcdef", "AB:Cd:eF", "0xABCDEF",
        ] {
            assert_eq!(parse(form).unwrap(), want, "{form}");
        }
        assert_eq!(parse("abc").unwrap(), vec![0x0a, 0xbc]);
        assert_eq!(parse("a:b").unwrap(), vec![0x0a, 0x0b]);
        assert_eq!(parse("").unwrap(), Vec::<u8>::new());
        assert_eq!(
            parse("C0 00 03 01 C0 00 03 02").unwrap(),
            vec![192, 0, 3, 1, 192, 0, 3, 2]
        );
    }

    #[test]
    fn bad_hex_is_refused() {
        for form in [
            "0x", "zz", "ab::cd", "abc:d", "12 3g", "0x0x12", "0X12", "ab  cd",
        ] {
            assert!(parse(form).is_err(), "{form}");
        }
        let msg = parse("zz").unwrap_err().to_string();
        assert!(msg.contains("'zz'") && msg.contains("hex digit"), "{msg}");
    }

    #[test]
    fn csv_binary_field() {
        assert_eq!(parse_csv_field("0102").unwrap(), [1, 2]);
        assert_eq!(parse_csv_field("01 02").unwrap(), [1, 2]);
        for form in ["102", "0x0102", "01:02", "'ab'"] {
            assert!(parse_csv_field(form).is_err(), "{form}");
        }
    }

    #[test]
    fn format_round_trips() {
        assert_eq!(format(&[0, 0xab, 0x10]), "00AB10");
        assert_eq!(parse(&format(&[1, 2, 255])).unwrap(), vec![1, 2, 255]);
    }
}
