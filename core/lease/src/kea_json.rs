//! `user_context` as Kea writes it in lease files: JSON text in Kea's own layout
//! (`{ "a": [ 1, 2 ] }`, keys sorted, every byte past ASCII as `\u00XX`), so files match Kea's
//! byte for byte; and the reader's repair of those byte escapes back into UTF-8.

use serde_json::{Map, Value};

/// Appends `map` as Kea formats JSON.
pub(crate) fn write_map(map: &Map<String, Value>, out: &mut String) {
    write_object(map, out);
}

fn write_value(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push_str("[ ");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(item, out);
            }
            out.push_str(" ]");
        }
        Value::Object(map) => write_object(map, out),
    }
}

fn write_object(map: &Map<String, Value>, out: &mut String) {
    out.push_str("{ ");
    // Kea keeps maps sorted by key.
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_string(k, out);
        out.push_str(": ");
        write_value(v, out);
    }
    out.push_str(" }");
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for &b in s.as_bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x20..0x7f => out.push(char::from(b)),
            _ => {
                // Kea escapes each byte, so a UTF-8 character becomes one escape per byte.
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
    }
    out.push('"');
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Parses a `user_context` field: JSON text that must be a map.
pub(crate) fn read_map(text: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(mut map)) => {
            repair_map(&mut map);
            Ok(map)
        }
        Ok(_) => Err(format!("user context {text:?} is not a JSON map")),
        Err(e) => Err(format!("user context is not JSON: {e}")),
    }
}

fn repair_map(map: &mut Map<String, Value>) {
    if map.keys().any(|k| repaired(k).is_some()) {
        let old = std::mem::take(map);
        for (k, mut v) in old {
            repair_value(&mut v);
            map.insert(repaired(&k).unwrap_or(k), v);
        }
    } else {
        map.values_mut().for_each(repair_value);
    }
}

fn repair_value(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let Some(fixed) = repaired(s) {
                *s = fixed;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(repair_value),
        Value::Object(map) => repair_map(map),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Kea's `\u00XX` escapes are bytes: text whose characters all fit a byte and that forms valid
/// UTF-8 once read as bytes was UTF-8 text (`\u00c3\u00a9` is `é`). Anything else is kept as read.
fn repaired(s: &str) -> Option<String> {
    if s.is_ascii() || s.chars().any(|c| u32::from(c) > 0xff) {
        return None;
    }
    let bytes: Vec<u8> = s.chars().map(|c| c as u8).collect();
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kea(v: serde_json::Value) -> String {
        let mut out = String::new();
        write_map(v.as_object().unwrap(), &mut out);
        out
    }

    // CTL-087: the exact text Kea 2.2 wrote for these contexts.
    #[test]
    fn ctl_087_layout_matches_kea() {
        let v = serde_json::json!({"z": 1, "a": {"y": [], "x": {}}, "f": 1.5, "neg": -3, "t": true, "n": null,
            "s": "sl/ash\nnl\ttab\u{1}ctl\u{7f} del"});
        assert_eq!(
            kea(v),
            r#"{ "a": { "x": {  }, "y": [  ] }, "f": 1.5, "n": null, "neg": -3, "s": "sl/ash\nnl\ttab\u0001ctl\u007f del", "t": true, "z": 1 }"#
        );
        assert_eq!(
            kea(serde_json::json!({"a,b": "c,d", "n": [1, 2], "s": "x&y \"q\" \\"})),
            r#"{ "a,b": "c,d", "n": [ 1, 2 ], "s": "x&y \"q\" \\" }"#
        );
    }

    #[test]
    fn utf8_round_trips_through_byte_escapes() {
        let v = serde_json::json!({"é": ["ü", "Ã©", "plain"]});
        let text = kea(v.clone());
        assert_eq!(
            text,
            r#"{ "\u00c3\u00a9": [ "\u00c3\u00bc", "\u00c3\u0083\u00c2\u00a9", "plain" ] }"#
        );
        assert_eq!(Value::Object(read_map(&text).unwrap()), v);
        // A lone Latin-1 escape (not UTF-8 as bytes) stays the character it names.
        assert_eq!(read_map(r#"{"s": "\u00e9"}"#).unwrap()["s"], "é");
    }

    #[test]
    fn non_maps_are_rejected() {
        assert!(read_map("[1]").is_err());
        assert!(read_map("{x").is_err());
        assert!(read_map("").is_err());
    }
}
