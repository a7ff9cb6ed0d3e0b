//! Writing JSON the way Kea writes it on its control channels (CTL-009): one line, map keys in
//! lexicographic order (Kea's maps are sorted maps), `{ "a": 1, "b": [ 2, 3 ] }` spacing.
//! Scripts that compare or grep raw responses then see the same text as from Kea.

use bytes::Bytes;
use serde_json::Value;

use crate::{Arguments, Response};

/// `value` as Kea prints it.
pub(crate) fn to_kea_bytes(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_value(value, &mut out);
    out
}

/// The most one write to a control socket hands the kernel (Kea writes its answers in 32 KiB pieces
/// too, CTL-013). A kernel built without preemption runs a write of a whole 16 MB answer to its end,
/// some 4 ms holding its core with the packet threads waiting; between pieces it schedules them
/// (CTL-068).
pub(crate) const WRITE_SIZE: usize = 32 * 1024;

/// Pieces of text shorter than this are copied into the bytes around them rather than sent by a
/// write of their own.
const SHARED_MIN: usize = 64;

/// Bytes to send, in pieces: arguments written ahead ([`Arguments::Text`]) are shared with their
/// producer rather than copied, however large (`statistic-get-all` over 10 000 subnets is 16 MB,
/// CTL-068).
#[derive(Debug)]
pub struct Wire {
    /// Never empty; the last part shares nothing, so writing goes on into it.
    parts: Vec<Part>,
}

#[derive(Debug, Default)]
struct Part {
    written: Vec<u8>,
    shared: Option<Bytes>,
}

impl Default for Wire {
    fn default() -> Self {
        Self {
            parts: vec![Part::default()],
        }
    }
}

impl From<Vec<u8>> for Wire {
    fn from(written: Vec<u8>) -> Self {
        Self {
            parts: vec![Part {
                written,
                shared: None,
            }],
        }
    }
}

impl Wire {
    /// Where the next bytes are written.
    fn tail(&mut self) -> &mut Vec<u8> {
        let last = self.parts.len() - 1;
        &mut self.parts[last].written
    }

    fn share(&mut self, piece: &Bytes) {
        if piece.len() < SHARED_MIN {
            self.tail().extend_from_slice(piece);
            return;
        }
        let last = self.parts.len() - 1;
        self.parts[last].shared = Some(piece.clone());
        self.parts.push(Part::default());
    }

    /// The bytes, piece after piece.
    pub fn chunks(&self) -> impl Iterator<Item = &[u8]> {
        self.parts
            .iter()
            .flat_map(|p| [&p.written[..], p.shared.as_deref().unwrap_or_default()])
            .filter(|c| !c.is_empty())
    }

    /// The bytes in pieces of at most 32 KiB (`WRITE_SIZE`), one write each.
    pub fn writes(&self) -> impl Iterator<Item = &[u8]> {
        self.chunks().flat_map(|piece| piece.chunks(WRITE_SIZE))
    }

    /// How many bytes.
    pub fn len(&self) -> usize {
        self.chunks().map(<[u8]>::len).sum()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes in one buffer.
    pub fn to_vec(&self) -> Vec<u8> {
        self.chunks().flatten().copied().collect()
    }
}

/// `responses` as a list, as Kea prints it: the HTTP answer (CTL-020).
pub(crate) fn responses_to_kea_wire(responses: &[Response]) -> Wire {
    let mut out = Wire::default();
    out.tail().extend_from_slice(b"[ ");
    for (i, response) in responses.iter().enumerate() {
        if i > 0 {
            out.tail().extend_from_slice(b", ");
        }
        write_response(response, &mut out);
    }
    out.tail().extend_from_slice(b" ]");
    out
}

/// One response as Kea prints it: the UNIX socket's answer.
pub fn response_to_kea_wire(response: &Response) -> Wire {
    let mut out = Wire::default();
    write_response(response, &mut out);
    out
}

/// [`response_to_kea_wire`] in one buffer.
pub fn response_to_kea_bytes(response: &Response) -> Vec<u8> {
    response_to_kea_wire(response).to_vec()
}

/// The text of [`Response::to_json`], written from the response's parts.
fn write_response(response: &Response, out: &mut Wire) {
    out.tail().extend_from_slice(b"{ ");
    match &response.arguments {
        Some(Arguments::Value(arguments)) => {
            out.tail().extend_from_slice(b"\"arguments\": ");
            write_value(arguments, out.tail());
            out.tail().extend_from_slice(b", ");
        }
        Some(Arguments::Text(pieces)) => {
            out.tail().extend_from_slice(b"\"arguments\": ");
            pieces.iter().for_each(|piece| out.share(piece));
            out.tail().extend_from_slice(b", ");
        }
        None => {}
    }
    let tail = out.tail();
    tail.extend_from_slice(format!("\"result\": {}", response.result).as_bytes());
    if let Some(text) = &response.text {
        tail.extend_from_slice(b", \"text\": ");
        // Writing a string into memory cannot fail.
        let _ = serde_json::to_writer(&mut *tail, text);
    }
    tail.extend_from_slice(b" }");
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
            responses_to_kea_wire(&list).to_vec(),
            to_kea_bytes(&Value::Array(list.iter().map(Response::to_json).collect()))
        );
    }

    // CTL-009, CTL-068: pre-rendered arguments go out as they are, in a single map or an HTTP list,
    // the same bytes as the tree they stand for; their JSON value is that tree.
    #[test]
    fn ctl068_text_arguments_written_as_they_are() {
        let tree = json!({"a": [[1, "2026-01-02 03:04:05.000006"]], "b": [[-2, "x"]]});
        let text = to_kea_bytes(&tree);
        // Split as the statistics split theirs: a short piece, a long one, a short one.
        let (open, rest) = text.split_at(2);
        let (middle, close) = rest.split_at(rest.len() - 2);
        let rendered = Response::answer_text([open, middle, close].map(Bytes::copy_from_slice));
        let built = Response {
            result: 0,
            text: None,
            arguments: Some(Arguments::Value(tree.clone())),
        };
        assert_eq!(
            response_to_kea_bytes(&rendered),
            response_to_kea_bytes(&built)
        );
        let wire = responses_to_kea_wire(std::slice::from_ref(&rendered));
        assert_eq!(wire.to_vec(), responses_to_kea_wire(&[built]).to_vec());
        assert_eq!(wire.len(), wire.to_vec().len());
        let Some(Arguments::Text(pieces)) = &rendered.arguments else {
            unreachable!()
        };
        assert!(
            wire.chunks().any(|c| std::ptr::eq(c, &pieces[1][..])),
            "the long piece goes out without a copy"
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
