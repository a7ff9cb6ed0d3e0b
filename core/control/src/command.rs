//! Commands and responses of Kea's management API (CTL-001..006).

use bytes::Bytes;
use serde_json::{Map, Value};

use crate::frame::strip_comments;
use crate::ControlError;

/// One command as a client sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// `command`.
    pub name: String,
    /// `arguments`, of whatever type the client sent (each command checks its own).
    pub arguments: Option<Value>,
    /// `service`; a server ignores it (CTL-008), the agent routes by it.
    pub service: Option<Vec<String>>,
    /// `remote-address` as sent, or the HTTP peer's address (CTL-030).
    pub remote_address: Option<String>,
}

/// One answer: `result`, optional `text` and `arguments` (CTL-004).
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// 0 success, 1 error, 2 unsupported, 3 empty, 4 conflict; plugins may use others (CTL-006).
    pub result: i64,
    /// Human-readable text; present whenever `result` is not 0.
    pub text: Option<String>,
    /// Command-specific payload.
    pub arguments: Option<Arguments>,
}

/// The payload of a response.
#[derive(Debug, Clone, PartialEq)]
pub enum Arguments {
    /// A JSON value, written in Kea's layout when the response is sent.
    Value(Value),
    /// JSON text already in Kea's layout (one line, sorted keys, Kea's spacing), in pieces written
    /// one after another as they are: large answers such as `statistic-get-all` over 10 000 subnets
    /// skip building a tree (CTL-068). The producer guarantees that the pieces joined are one valid
    /// JSON value. Shared: the producer may keep them (the statistics reuse the pieces that did not
    /// change) and the sockets send them without a copy.
    Text(Vec<Bytes>),
}

impl Arguments {
    /// The payload as a JSON value (parsing the text of [`Arguments::Text`]).
    pub fn to_value(&self) -> Value {
        match self {
            Self::Value(v) => v.clone(),
            // The producers write valid JSON; null stands for text that is not.
            Self::Text(pieces) => serde_json::from_slice(&pieces.concat()).unwrap_or_else(|e| {
                debug_assert!(false, "pre-rendered arguments are not JSON: {e}");
                Value::Null
            }),
        }
    }
}

impl Response {
    fn new(result: i64, text: impl Into<String>) -> Self {
        Self {
            result,
            text: Some(text.into()),
            arguments: None,
        }
    }

    /// Result 0.
    pub fn ok(text: impl Into<String>) -> Self {
        Self::new(0, text)
    }

    /// Result 1: the command failed.
    pub fn error(text: impl Into<String>) -> Self {
        Self::new(1, text)
    }

    /// Result 2 with Kea's text for a command the daemon does not know (CTL-005).
    pub fn unsupported(command: &str) -> Self {
        Self::new(2, format!("'{command}' command not supported."))
    }

    /// Result 3: nothing found or nothing affected.
    pub fn empty(text: impl Into<String>) -> Self {
        Self::new(3, text)
    }

    /// Result 4: well formed, but in conflict with the server's state.
    pub fn conflict(text: impl Into<String>) -> Self {
        Self::new(4, text)
    }

    /// The same response carrying `args`.
    pub fn with_arguments(mut self, args: Value) -> Self {
        self.arguments = Some(Arguments::Value(args));
        self
    }

    /// Result 0 carrying only arguments already written as Kea's JSON text, in pieces
    /// ([`Arguments::Text`]).
    pub fn answer_text(pieces: impl IntoIterator<Item = Bytes>) -> Self {
        Self {
            result: 0,
            text: None,
            arguments: Some(Arguments::Text(pieces.into_iter().collect())),
        }
    }

    /// The response map, keys in Kea's (lexicographic) order.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        if let Some(args) = &self.arguments {
            map.insert("arguments".into(), args.to_value());
        }
        map.insert("result".into(), Value::from(self.result));
        if let Some(text) = &self.text {
            map.insert("text".into(), Value::String(text.clone()));
        }
        Value::Object(map)
    }

    /// Reads a response map produced elsewhere (a plugin, a forwarded daemon). Any integer
    /// `result` is kept as it is (CTL-006).
    pub fn from_json(v: &Value) -> Result<Self, ControlError> {
        let invalid = |what: &str| ControlError::InvalidResponse(what.to_string());
        let map = v
            .as_object()
            .ok_or_else(|| invalid("a response must be a map"))?;
        let result = map
            .get("result")
            .ok_or_else(|| invalid("a response needs 'result'"))?
            .as_i64()
            .ok_or_else(|| invalid("'result' must be an integer"))?;
        let text = match map.get("text") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(invalid("'text' must be a string")),
        };
        Ok(Self {
            result,
            text,
            arguments: map.get("arguments").cloned().map(Arguments::Value),
        })
    }
}

/// Reads one command from raw bytes (an HTTP body, a test payload). Comments are allowed
/// (CTL-007). An `Err` is the result-1 response to send back (CTL-003).
pub fn parse_command(bytes: &[u8]) -> Result<Command, Response> {
    parse_plain(&strip_comments(bytes))
}

/// Reads one command from JSON text without comments (as the UNIX framer delivers it).
pub(crate) fn parse_plain(bytes: &[u8]) -> Result<Command, Response> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| Response::error(format!("invalid command: not valid JSON: {e}")))?;
    command_from_value(value)
}

/// Checks the shape of a command the way Kea's `parseCommand` does (CTL-001, CTL-002).
fn command_from_value(value: Value) -> Result<Command, Response> {
    let Value::Object(mut map) = value else {
        return Err(Response::error("invalid command: expected a map"));
    };
    let name = map.remove("command").ok_or_else(|| {
        Response::error("invalid command: missing the mandatory 'command' parameter")
    })?;
    if let Some(key) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "arguments" | "service" | "remote-address"))
    {
        return Err(Response::error(format!(
            "invalid command: unsupported parameter '{key}'"
        )));
    }
    let Value::String(name) = name else {
        return Err(Response::error(
            "invalid command: 'command' must be a string",
        ));
    };
    let service = match map.remove("service") {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .into_iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s),
                    _ => Err(Response::error("service value must be a list of strings")),
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(_) => return Err(Response::error("service value must be a list")),
    };
    let remote_address = match map.remove("remote-address") {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    Ok(Command {
        name,
        arguments: map.remove("arguments"),
        service,
        remote_address,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err_text(input: &str) -> String {
        let r = parse_command(input.as_bytes()).unwrap_err();
        assert_eq!(r.result, 1, "{input}");
        r.text.unwrap()
    }

    #[test]
    fn ctl001_command_arguments_service_remote_address() {
        let c = parse_command(
            br#"{"command":"config-get","arguments":{"a":1},"service":["dhcp4"],"remote-address":"10.0.0.1"}"#,
        )
        .unwrap();
        assert_eq!(c.name, "config-get");
        assert_eq!(c.arguments, Some(json!({"a": 1})));
        assert_eq!(c.service, Some(vec!["dhcp4".to_string()]));
        assert_eq!(c.remote_address.as_deref(), Some("10.0.0.1"));
        let bare = parse_command(br#"{"command":"list-commands"}"#).unwrap();
        assert_eq!(
            (bare.arguments, bare.service, bare.remote_address),
            (None, None, None)
        );
    }

    #[test]
    fn ctl002_unknown_key_refused() {
        assert_eq!(
            err_text(r#"{"command":"shutdown","x":1}"#),
            "invalid command: unsupported parameter 'x'"
        );
    }

    #[test]
    fn ctl003_malformed_commands_get_explanations() {
        assert!(err_text("{").starts_with("invalid command: not valid JSON"));
        assert_eq!(err_text("[1]"), "invalid command: expected a map");
        assert_eq!(
            err_text(r#"{"arguments":{}}"#),
            "invalid command: missing the mandatory 'command' parameter"
        );
        assert_eq!(
            err_text(r#"{"command":7}"#),
            "invalid command: 'command' must be a string"
        );
        assert_eq!(
            err_text(r#"{"command":"a","service":"dhcp4"}"#),
            "service value must be a list"
        );
        assert_eq!(
            err_text(r#"{"command":"a","service":[1]}"#),
            "service value must be a list of strings"
        );
        assert!(err_text(r#"{"command":"a"} {"command":"b"}"#).starts_with("invalid command"));
    }

    #[test]
    fn ctl007_comment_forms_accepted() {
        let c = parse_command(
            b"# hash\n{ // line\n \"command\": /* block */ \"status-get\", \"arguments\": {\"p\": \"#//\"} }",
        )
        .unwrap();
        assert_eq!(c.name, "status-get");
        assert_eq!(c.arguments, Some(json!({"p": "#//"})));
    }

    #[test]
    fn ctl003_mangled_inputs_never_panic() {
        let seed: &[u8] = br#"{"command":"config-set","arguments":{"Dhcp4":{"a":[1,2.5,"x\"y",null,true]}},"service":["dhcp4"]} /* c */ # d"#;
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..10_000 {
            let mut bytes = seed.to_vec();
            for _ in 0..(next() % 8 + 1) {
                let at = (next() % bytes.len() as u64) as usize;
                match next() % 3 {
                    0 => bytes[at] = next() as u8,
                    1 => {
                        bytes.remove(at);
                    }
                    _ => bytes.insert(at, b"{}[]\"\\/*#:,"[(next() % 11) as usize]),
                }
                if bytes.is_empty() {
                    bytes.push(b'{');
                }
            }
            if let Err(r) = parse_command(&bytes) {
                assert_eq!(r.result, 1);
                assert!(r.text.is_some());
            }
        }
    }

    #[test]
    fn ctl004_ctl006_response_maps_round_trip() {
        let r = Response::ok("done").with_arguments(json!({"x": 1}));
        assert_eq!(
            r.to_json().to_string(),
            r#"{"arguments":{"x":1},"result":0,"text":"done"}"#
        );
        assert_eq!(Response::from_json(&r.to_json()).unwrap(), r);
        let plugin = Response::from_json(&json!({"result": 1000, "text": "odd"})).unwrap();
        assert_eq!(plugin.result, 1000);
        assert_eq!(
            Response::unsupported("no-such-cmd").text.as_deref(),
            Some("'no-such-cmd' command not supported.")
        );
        assert_eq!(
            [
                Response::error("").result,
                Response::empty("").result,
                Response::conflict("").result
            ],
            [1, 3, 4]
        );
        assert!(Response::from_json(&json!({"text": "x"})).is_err());
        assert!(Response::from_json(&json!([])).is_err());
    }
}
