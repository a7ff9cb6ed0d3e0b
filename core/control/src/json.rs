//! Writing JSON the way Kea writes it on its control channels (CTL-009): one line, map keys in
//! lexicographic order (Kea's maps are sorted maps), `{ "a": 1, "b": [ 2, 3 ] }` spacing.
//! Scripts that compare or grep raw responses then see the same text as from Kea.

use serde_json::Value;

/// `value` as Kea prints it.
pub(crate) fn to_kea_bytes(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Array(items) => {
            out.extend_from_slice(b"[ ");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b", ");
                }
                write_value(item, out);
            }
            out.extend_from_slice(b" ]");
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.extend_from_slice(b"{ ");
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b", ");
                }
                // Writing a string or a scalar into memory cannot fail.
                let _ = serde_json::to_writer(&mut *out, key);
                out.extend_from_slice(b": ");
                write_value(item, out);
            }
            out.extend_from_slice(b" }");
        }
        scalar => {
            let _ = serde_json::to_writer(out, scalar);
        }
    }
}

/// Kea's configuration hash (`config-hash-get`, the `hash` of `config-get`/`config-set`): SHA-256 of
/// the compact serialization with every map's keys sorted, upper-case hex (CTL-044), so `config-get`
/// output set again hashes the same (CTL-072).
pub fn config_hash(config: &Value) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(sorted(config).to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// `value` with every map's keys in lexicographic order.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(m) => {
            let mut entries: Vec<_> = m.iter().collect();
            entries.sort_unstable_by_key(|(k, _)| *k);
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ctl009_sorted_keys_one_line_kea_spacing() {
        let v =
            json!({"text": "a\"b\n", "result": 0, "arguments": {"z": [1, 2], "a": {}, "e": []}});
        assert_eq!(
            String::from_utf8(to_kea_bytes(&v)).unwrap(),
            r#"{ "arguments": { "a": {  }, "e": [  ], "z": [ 1, 2 ] }, "result": 0, "text": "a\"b\n" }"#
        );
        assert_eq!(
            to_kea_bytes(&json!(18446744073709551615u64)),
            b"18446744073709551615"
        );
    }

    #[test]
    fn ctl044_hash_ignores_key_order() {
        let a = config_hash(&json!({"b": 1, "a": {"y": [1, {"d": 2, "c": 3}], "x": 0}}));
        let b = config_hash(&json!({"a": {"x": 0, "y": [1, {"c": 3, "d": 2}]}, "b": 1}));
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
    }
}
