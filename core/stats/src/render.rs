//! The arguments of `statistic-get-all` and `statistic-get` written straight as Kea's JSON text
//! (CTL-058, CTL-066, CTL-068).
//!
//! With 10 000 subnets there are some 200 000 statistics: building a JSON tree of them first took
//! about seven allocations per statistic. Here one pass writes each statistic into the output text,
//! in the layout `ruru-control` gives any JSON value (Kea's: `{ "name": [ [ 5, "2026-01-02
//! 03:04:05.000006" ], … ], … }`, names in order), so the only growing allocation is the output.

use crate::{Registry, Sample};
use bytes::Bytes;

impl Registry {
    /// `{ "<name>": [ [ value, "timestamp" ], … ], … }` for every statistic, samples newest first
    /// (`statistic-get-all`), in pieces to send one after another. Shared: the registry keeps them
    /// to reuse in the next answer.
    pub fn all_json(&self) -> Vec<Bytes> {
        let mut rendered = self.rendered.lock();
        self.relist(&mut rendered);
        let changed = std::mem::take(&mut *self.changes.lock());
        rendered.note_changed(changed);
        rendered.refresh();
        rendered.pieces()
    }

    /// Appends `{ "<name>": [ … ] }` for `name`, or `{  }` when it does not exist (`statistic-get`:
    /// an unknown name is not an error).
    pub fn write_one_json(&self, name: &str, out: &mut String) {
        let found = self
            .stats
            .read()
            .get_key_value(name)
            .map(|(k, c)| (k.clone(), c.clone()));
        let mut samples = Vec::new();
        out.push_str("{ ");
        if let Some((name, counter)) = found {
            if counter.samples_into(&mut samples) {
                write_statistic(out, &name, &samples);
            }
        }
        out.push_str(" }");
    }
}

/// Writes `"<name>": [ [ value, "timestamp" ], … ]`.
pub(crate) fn write_statistic(out: &mut String, name: &str, samples: &[Sample]) {
    write_string(out, name);
    out.push_str(": [ ");
    for (i, sample) in samples.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("[ ");
        write_integer(out, sample.value);
        out.push_str(", \"");
        crate::clock::write_timestamp(out, sample.at_micros);
        out.push_str("\" ]");
    }
    out.push_str(" ]");
}

/// `s` as a JSON string, escaped as serde_json escapes it (the text must match what the JSON tree
/// path printed): `\"`, `\\`, the short escapes, other control characters as `\u00XX`.
fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    // Statistic names never need an escape: one scan, one copy.
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        plain = i + 1;
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// `v` in decimal, as serde_json writes integers; 64-bit arithmetic unless the value needs more.
fn write_integer(out: &mut String, v: i128) {
    if v < 0 {
        out.push('-');
    }
    let mut rest = v.unsigned_abs();
    let mut digits = [0u8; 39];
    let mut start = digits.len();
    while rest > u128::from(u64::MAX) {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let mut small = rest as u64;
    loop {
        start -= 1;
        digits[start] = b'0' + (small % 10) as u8;
        small /= 10;
        if small == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&digits[start..]).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{format_timestamp, Limit};

    // CTL-058, CTL-066: the exact text, in Kea's layout, names in order, samples newest first, values
    // beyond 64 bits and below zero exact, hidden statistics left out.
    #[test]
    fn ctl058_ctl066_all_statistics_in_keas_layout() {
        let r = Registry::new();
        r.counter("b").set_wide(-(1 << 70));
        r.counter("a\"\\\n\u{1}").add(3);
        r.counter("gone").inc();
        assert!(r.remove("gone"));
        let out = crate::tests::joined(&r.all_json());
        let stamp = |name: &str| format_timestamp(r.samples(name).unwrap()[0].at_micros);
        let expected = format!(
            r#"{{ "a\"\\\n\u0001": [ [ 3, "{}" ] ], "b": [ [ -1180591620717411303424, "{}" ] ] }}"#,
            stamp("a\"\\\n\u{1}"),
            stamp("b")
        );
        assert_eq!(out, expected);
    }

    // CTL-066: integers of every size as their decimal text.
    #[test]
    fn ctl066_integers_exact() {
        for v in [
            0,
            7,
            -7,
            i128::from(i64::MIN),
            i128::from(u64::MAX),
            1 << 64,
            1 << 100,
            i128::MIN,
            i128::MAX,
        ] {
            let mut out = String::new();
            write_integer(&mut out, v);
            assert_eq!(out, v.to_string());
        }
    }

    // CTL-058: one statistic, or an empty map for an unknown or removed name.
    #[test]
    fn ctl058_one_statistic_or_an_empty_map() {
        let r = Registry::new();
        r.set_limit_all(Limit::Count(5));
        r.counter("x").set(7);
        let mut out = String::new();
        r.write_one_json("x", &mut out);
        let at = format_timestamp(r.samples("x").unwrap()[0].at_micros);
        assert_eq!(out, format!(r#"{{ "x": [ [ 7, "{at}" ] ] }}"#));
        for missing in ["y", ""] {
            let mut out = String::new();
            r.write_one_json(missing, &mut out);
            assert_eq!(out, "{  }");
        }
        assert_eq!(crate::tests::joined(&Registry::new().all_json()), "{  }");
    }
}
