//! Control commands registered by plugins: the request in, a `{"result","text","arguments"}` response out.

use crate::abi::*;
use crate::names::arg;
use crate::sdk::callout::{panic_text, Callout};
use crate::sdk::value::{HookError, Value};
use serde_json::{json, Value as Json};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A command as the control channel received it.
#[derive(Debug, Clone)]
pub struct Command {
    /// The command name.
    pub name: String,
    /// Its `arguments`, if any.
    pub arguments: Option<Json>,
    /// The whole request map (`command`, `arguments`, `service`).
    pub request: Json,
}

/// A command's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// 0 success, 1 error, 2 unsupported, 3 empty, 4 conflict (or a plugin's own code).
    pub result: i64,
    /// Human-readable text.
    pub text: String,
    /// Optional arguments.
    pub arguments: Option<Json>,
}

impl Response {
    /// Result 0 with `text` and optional arguments.
    pub fn success(text: impl Into<String>, arguments: Option<Json>) -> Self {
        Response {
            result: 0,
            text: text.into(),
            arguments,
        }
    }
    /// Result 1 with `text`.
    pub fn error(text: impl Into<String>) -> Self {
        Response {
            result: 1,
            text: text.into(),
            arguments: None,
        }
    }
    /// Result 3 (nothing found) with `text`.
    pub fn empty(text: impl Into<String>) -> Self {
        Response {
            result: 3,
            text: text.into(),
            arguments: None,
        }
    }
    /// The response as its JSON map.
    pub fn to_json(&self) -> Json {
        self.clone().into_json()
    }

    /// The response as its JSON map, without copying the arguments (a page of leases is large).
    pub fn into_json(self) -> Json {
        let mut m = json!({"result": self.result, "text": self.text});
        if let Some(a) = self.arguments {
            m["arguments"] = a;
        }
        m
    }
}

impl From<HookError> for Response {
    fn from(e: HookError) -> Self {
        Response::error(e.to_string())
    }
}

/// Runs a command handler: parses the request, calls `f`, stores its response; a panic becomes result 1.
///
/// # Safety
/// `raw` must be the handle the server passed to the handler.
#[doc(hidden)]
pub unsafe fn run_command(raw: *mut RuruCalloutHandle, f: fn(&Command) -> Response) -> i32 {
    // SAFETY: forwarded from the caller.
    let mut c = unsafe { Callout::from_raw(raw) };
    let request: Json = match c.arg(arg::COMMAND).ok().and_then(Value::as_json) {
        Some(r) => r,
        None => return 1,
    };
    let cmd = Command {
        name: request
            .get("command")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_owned(),
        // `"arguments": null` is no arguments, as Kea reads it.
        arguments: request.get("arguments").filter(|a| !a.is_null()).cloned(),
        request,
    };
    let (resp, rc) = match catch_unwind(AssertUnwindSafe(|| f(&cmd))) {
        Ok(r) => (r, 0),
        Err(p) => (
            Response::error(format!(
                "command '{}' failed: the handler panicked: {}",
                cmd.name,
                panic_text(&*p)
            )),
            RURU_RESULT_EXCEPTION,
        ),
    };
    let text = resp.into_json().to_string();
    if c.set_arg(arg::RESPONSE, Value::Json(&text)).is_err() {
        return 1;
    }
    rc
}
