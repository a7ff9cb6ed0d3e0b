//! Example control agent plugin (`ruru-ctrl-agent`'s `hooks-libraries`):
//!
//! - `control_command_receive`: a command named in `refuse` is answered by the plugin with result 1
//!   and never reaches the agent or the servers, whatever its `service`;
//! - `auth`: a user named in `readers` (basic authentication) may only send commands whose name
//!   ends in `-get` or is `list-commands`; anything else is refused with HTTP 403.
//!
//! ```json
//! "hooks-libraries": [{
//!     "library": "/usr/lib/ruru/libruru_example_agent_guard.so",
//!     "parameters": { "refuse": ["shutdown", "config-write"], "readers": ["monitor"] }
//! }]
//! ```

use ruru_hook_api::sdk::Value;
use ruru_hook_api::{Callout, HookResult, Library, NextStep};
use serde_json::json;
use std::sync::{PoisonError, RwLock};

/// `refuse` and `readers`. A library may be reused across reloads, so `load` fills them and
/// `unload` empties them.
static REFUSED: RwLock<Vec<String>> = RwLock::new(Vec::new());
static READERS: RwLock<Vec<String>> = RwLock::new(Vec::new());

ruru_hook_api::ruru_plugin! {
    name: "agent-guard",
    multi_threading_compatible: true,
    load: load,
    unload: unload,
    callouts: { control_command_receive: control_command_receive, auth: auth },
}

fn load(lib: &mut Library) -> HookResult {
    let list = |name: &str| -> Result<Vec<String>, String> {
        lib.parameter_as(name)
            .map_err(|_| format!("parameter '{name}' must be a list of strings"))
            .map(Option::unwrap_or_default)
    };
    let (refuse, readers) = (list("refuse")?, list("readers")?);
    *REFUSED.write().unwrap_or_else(PoisonError::into_inner) = refuse;
    *READERS.write().unwrap_or_else(PoisonError::into_inner) = readers;
    Ok(())
}

fn unload() -> HookResult {
    REFUSED
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .clear();
    READERS
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .clear();
    Ok(())
}

fn control_command_receive(c: &mut Callout) -> HookResult {
    let command = c.arg("command")?.as_json().unwrap_or_default();
    let name = command["command"].as_str().unwrap_or_default();
    let refused = REFUSED
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .any(|r| r == name);
    if refused {
        let answer =
            json!({"result": 1, "text": format!("'{name}' is refused by the agent-guard plugin")});
        c.set_arg("response", Value::Json(&answer.to_string()))?;
        c.set_status(NextStep::Skip);
    }
    Ok(())
}

fn auth(c: &mut Callout) -> HookResult {
    let request = c.arg("request")?.as_json().unwrap_or_default();
    let Some(user) = request["user"].as_str() else {
        return Ok(());
    };
    let reader = READERS
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .any(|r| r == user);
    let body: serde_json::Value =
        serde_json::from_str(request["body"].as_str().unwrap_or_default()).unwrap_or_default();
    let name = body["command"].as_str().unwrap_or_default();
    if reader && !(name.ends_with("-get") || name == "list-commands") {
        let refusal = json!({"status": 403, "text": format!("'{user}' may not send '{name}'")});
        c.set_arg("response", Value::Json(&refusal.to_string()))?;
    }
    Ok(())
}
