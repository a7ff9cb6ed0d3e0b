//! Writing JSON the way Kea writes it on its control channels (CTL-009): one line, map keys in
//! lexicographic order (Kea's maps are sorted maps), `{ "a": 1, "b": [ 2, 3 ] }` spacing.
//! Scripts that compare or grep raw responses then see the same text as from Kea.

use serde_json::Value;

use crate::{Arguments, Response};

/// `value` as Kea prints it.
pub(crate) fn to_kea_bytes(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_value(value, &mut out);
    out
}

/// `responses` as a list, as Kea prints it: the HTTP answer (CTL-020).
pub(crate) fn responses_to_kea_bytes(responses: &[Response]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"[ ");
    for (i, response) in responses.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        write_response(response, &mut out);
    }
    out.extend_from_slice(b" ]");
    out
}

/// One response as Kea prints it: the UNIX socket's answer.
pub fn response_to_kea_bytes(response: &Response) -> Vec<u8> {
    let mut out = Vec::new();
    write_response(response, &mut out);
    out
}

/// The text of [`Response::to_json`], written from the response's parts: the arguments of a large
/// answer (`statistic-get-all` over thousands of subnets, CTL-068) are not copied first.
fn write_response(response: &Response, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{ ");
    match &response.arguments {
        Some(Arguments::Value(arguments)) => {
            out.extend_from_slice(b"\"arguments\": ");
            write_value(arguments, out);
            out.extend_from_slice(b", ");
        }
        Some(Arguments::Text(text)) => {
            // One copy into the output, without regrowing it on the way.
            out.reserve(text.len() + 64);
            out.extend_from_slice(b"\"arguments\": ");
            out.extend_from_slice(text.as_bytes());
            out.extend_from_slice(b", ");
        }
        None => {}
    }
    out.extend_from_slice(format!("\"result\": {}", response.result).as_bytes());
    if let Some(text) = &response.text {
        out.extend_from_slice(b", \"text\": ");
        // Writing a string into memory cannot fail.
        let _ = serde_json::to_writer(&mut *out, text);
    }
    out.extend_from_slice(b" }");
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
            // Maps built from sorted sources (the statistics) are in order already.
            if !entries.is_sorted_by(|a, b| a.0 <= b.0) {
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            }
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
    fn ctl009_responses_written_as_their_json() {
        let full = Response::ok("done")
            .with_arguments(json!({"z": [1, {"b": 2, "a": "\u{1}"}], "a": null}));
        let bare = Response {
            result: 1000,
            text: None,
            arguments: None,
        };
        for r in [&full, &bare, &Response::error("x\"y")] {
            assert_eq!(response_to_kea_bytes(r), to_kea_bytes(&r.to_json()));
        }
        let list = [full.clone(), bare];
        assert_eq!(
            responses_to_kea_bytes(&list),
            to_kea_bytes(&Value::Array(list.iter().map(Response::to_json).collect()))
        );
    }

    // CTL-009, CTL-068: pre-rendered arguments go out as they are, in a single map or an HTTP list,
    // the same bytes as the tree they stand for; their JSON value is that tree.
    #[test]
    fn ctl068_text_arguments_written_as_they_are() {
        let tree = json!({"a": [[1, "2026-01-02 03:04:05.000006"]], "b": [[-2, "x"]]});
        let text = String::from_utf8(to_kea_bytes(&tree)).unwrap();
        let rendered = Response::answer_text(text);
        let built = Response {
            result: 0,
            text: None,
            arguments: Some(Arguments::Value(tree.clone())),
        };
        assert_eq!(
            response_to_kea_bytes(&rendered),
            response_to_kea_bytes(&built)
        );
        assert_eq!(
            responses_to_kea_bytes(std::slice::from_ref(&rendered)),
            responses_to_kea_bytes(&[built])
        );
        assert_eq!(rendered.to_json()["arguments"], tree);
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
