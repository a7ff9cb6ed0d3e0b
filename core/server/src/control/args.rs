//! Reading command arguments with Kea's error texts.

use ruru_control::{Arguments, Command, Response};
use serde_json::{Map, Value as Json};

/// A success that carries only arguments, as Kea answers queries.
pub(super) fn answer(arguments: Json) -> Response {
    Response {
        result: 0,
        text: None,
        arguments: Some(Arguments::Value(arguments)),
    }
}

/// The `arguments` map, `None` when absent; a non-map is an error (result 1).
pub(super) fn map(cmd: &Command) -> Result<Option<&Map<String, Json>>, Response> {
    match &cmd.arguments {
        None => Ok(None),
        Some(Json::Object(m)) => Ok(Some(m)),
        Some(_) => Err(Response::error(
            "'arguments' parameter expected to be a map.",
        )),
    }
}

/// The `arguments` map, which this command requires.
pub(super) fn required_map(cmd: &Command) -> Result<&Map<String, Json>, Response> {
    map(cmd)?.ok_or_else(|| Response::error("Missing mandatory 'arguments' parameter."))
}

/// A mandatory parameter of the arguments.
pub(super) fn required<'a>(cmd: &'a Command, key: &str) -> Result<&'a Json, Response> {
    map(cmd)?
        .and_then(|m| m.get(key))
        .ok_or_else(|| Response::error(format!("Missing mandatory '{key}' parameter.")))
}

/// A mandatory string parameter.
pub(super) fn required_str<'a>(cmd: &'a Command, key: &str) -> Result<&'a str, Response> {
    required(cmd, key)?
        .as_str()
        .ok_or_else(|| Response::error(format!("'{key}' parameter expected to be a string.")))
}

/// A mandatory non-negative integer parameter.
pub(super) fn required_u32(cmd: &Command, key: &str) -> Result<u32, Response> {
    required(cmd, key)?
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| {
            Response::error(format!(
                "'{key}' parameter expected to be a non-negative integer."
            ))
        })
}
