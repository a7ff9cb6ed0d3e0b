//! The agent's plugins (CTL-036, HK-140): `hooks-libraries` opened and checked before anything
//! changes, loaded when the configuration is put in force, and asked about every command
//! (`control_command_receive`) and every HTTP request (`auth`) before the agent acts on it.

use std::sync::Arc;

use ruru_config::HookLibrary;
use ruru_control::{Command, HttpRequest, Refusal, Response};
use ruru_hooks::{Checked, Family, HookSet};
use serde_json::{json, Value};

use crate::error::AgentError;

/// Opens and checks every listed library without running it; names every failing one. The agent
/// serializes the callouts of plugins that are not multi-threading compatible itself, so they are
/// accepted (Kea's agent is single-threaded).
pub(crate) fn check(libs: &[HookLibrary]) -> Result<Vec<Checked>, AgentError> {
    ruru_hooks::check(libs, Family::Agent, false).map_err(|errs| {
        let all: Vec<String> = errs.iter().map(ToString::to_string).collect();
        AgentError::Hooks(format!(
            "One or more hook libraries failed validation: {}",
            all.join("; ")
        ))
    })
}

/// Loads checked libraries in list order.
pub(crate) fn load(checked: Vec<Checked>) -> Result<Arc<HookSet>, AgentError> {
    HookSet::load(checked, Family::Agent, 0, false)
        .map_err(|e| AgentError::Hooks(format!("One or more hook libraries failed to load: {e}")))
}

/// What a plugin made of a command: its own answer (SKIP at `control_command_receive`, or a
/// command handler it registered for a command without `service`), or `None` for the agent's usual
/// routing.
pub(crate) fn answer(hooks: &HookSet, command: &Command, sent: &Value) -> Option<Vec<Response>> {
    if let Some(answer) = hooks.control_command_receive(sent) {
        return Some(responses(&answer));
    }
    if command.service.as_deref().is_none_or(<[String]>::is_empty) {
        return hooks
            .run_command(&command.name, sent)
            .map(|a| responses(&a));
    }
    None
}

/// A plugin's answer as reply elements: a list answers once per element, as forwarding does.
fn responses(answer: &Value) -> Vec<Response> {
    let one = |v: &Value| {
        Response::from_json(v)
            .unwrap_or_else(|e| Response::error(format!("a plugin gave an invalid response: {e}")))
    };
    match answer {
        Value::Array(items) => items.iter().map(one).collect(),
        other => vec![one(other)],
    }
}

/// `auth` (CTL-036): a refusal a plugin gave for `request`.
pub(crate) fn authorize(hooks: &HookSet, request: &HttpRequest<'_>) -> Option<Refusal> {
    let shown = json!({
        "method": request.method,
        "uri": request.uri,
        "remote-address": request.remote_address.to_string(),
        "user": request.user,
        "body": String::from_utf8_lossy(request.body),
    });
    let refusal = hooks.auth(&shown)?;
    let status = refusal["status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .filter(|s| (400..600).contains(s))
        .unwrap_or(403);
    let text = refusal["text"].as_str().unwrap_or("Forbidden").to_owned();
    Some(Refusal { status, text })
}
