//! The agent's own commands (CTL-038): `build-report`, `config-get`, `config-hash-get`,
//! `config-reload`, `config-set`, `config-test`, `config-write`, `list-commands`, `shutdown`,
//! `status-get`, `version-get`. The `config-*` commands work on the `Control-agent` object as the
//! servers' work on theirs (CTL-043..048).

use std::io::Write;
use std::path::{Path, PathBuf};

use ruru_control::{Command, Response};
use serde_json::{json, Map, Value};

use crate::config::{self, OBJECT};
use crate::process::Agent;
use crate::version;

/// The commands the agent answers itself, sorted as `list-commands` lists them.
const OWN: &[&str] = &[
    "build-report",
    "config-get",
    "config-hash-get",
    "config-reload",
    "config-set",
    "config-test",
    "config-write",
    "list-commands",
    "shutdown",
    "status-get",
    "version-get",
];

/// Runs one of the agent's own commands; any other name is result 2, with Kea's advice to add
/// `service` (CTL-035).
pub(crate) async fn run(agent: &Agent, cmd: &Command) -> Response {
    let answer = match cmd.name.as_str() {
        "build-report" => Ok(Response::ok(version::build_report())),
        "config-get" => Ok(config_get(agent)),
        "config-hash-get" => Ok(arguments(json!({ "hash": agent.running().hash }))),
        "config-reload" => config_reload(agent).await,
        "config-set" => config_set(agent, cmd).await,
        "config-test" => config_test(cmd),
        "config-write" => config_write(agent, cmd),
        "list-commands" => Ok(arguments(json!(OWN))),
        "shutdown" => shutdown(agent, cmd),
        "status-get" => Ok(arguments(json!({
            "pid": std::process::id(),
            "uptime": agent.uptime(),
            "reload": agent.running().at.elapsed().as_secs(),
        }))),
        "version-get" => Ok(Response::ok(version::short())
            .with_arguments(json!({ "extended": version::extended() }))),
        other => Ok(not_own(other)),
    };
    answer.unwrap_or_else(|refusal| refusal)
}

/// Kea's result-2 text for a command sent to the agent without `service`.
fn not_own(name: &str) -> Response {
    let mut r = Response::unsupported(name);
    r.text = Some(format!(
        "'{name}' command not supported. You did not include \"service\" parameter in the command, \
         which indicates that Kea Control Agent should process this command rather than forward it \
         to one or more Kea servers. If you aimed to send this command to one of the Kea servers \
         you should include the \"service\" parameter in your request, e.g. \"service\": \
         [ \"dhcp4\" ] to forward the command to the DHCPv4 server, or \"service\": [ \"dhcp4\", \
         \"dhcp6\", \"d2\" ] to forward it to DHCPv4, DHCPv6 and D2 servers etc."
    ));
    r
}

/// A success that carries only arguments, as Kea answers queries.
fn arguments(arguments: Value) -> Response {
    Response {
        result: 0,
        text: None,
        arguments: Some(ruru_control::Arguments::Value(arguments)),
    }
}

fn config_get(agent: &Agent) -> Response {
    let running = agent.running();
    let mut shown = running.shown.clone();
    shown["hash"] = json!(running.hash);
    arguments(shown)
}

/// The `arguments` map; `None` when absent.
fn argument_map(cmd: &Command) -> Result<Option<&Map<String, Value>>, Response> {
    match &cmd.arguments {
        None => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(Response::error(
            "'arguments' parameter expected to be a map.",
        )),
    }
}

/// The `{"Control-agent": {...}}` argument of `config-set` and `config-test` (CTL-045).
fn new_config(cmd: &Command) -> Result<Value, Response> {
    let map = argument_map(cmd)?
        .ok_or_else(|| Response::error("Missing mandatory 'arguments' parameter."))?;
    if let Some(extra) = map.keys().find(|k| k.as_str() != OBJECT) {
        return Err(Response::error(format!("Unsupported '{extra}' parameter.")));
    }
    match map.get(OBJECT) {
        None => Err(Response::error(format!(
            "Missing mandatory '{OBJECT}' parameter."
        ))),
        Some(Value::Object(_)) => Ok(json!({ OBJECT: map[OBJECT] })),
        Some(_) => Err(Response::error(format!(
            "'{OBJECT}' parameter expected to be a map."
        ))),
    }
}

/// Validates without applying anything (CTL-046).
fn config_test(cmd: &Command) -> Result<Response, Response> {
    let candidate = new_config(cmd)?;
    config::parse_value(&candidate)
        .map_err(|e| Response::error(format!("configuration error: {e}")))?;
    Ok(Response::ok("Configuration check successful"))
}

async fn config_set(agent: &Agent, cmd: &Command) -> Result<Response, Response> {
    let candidate = new_config(cmd)?;
    agent
        .apply(Some(candidate))
        .await
        .map_err(|e| Response::error(e.to_string()))?;
    Ok(applied(agent))
}

async fn config_reload(agent: &Agent) -> Result<Response, Response> {
    agent
        .apply(None)
        .await
        .map_err(|e| Response::error(format!("Config reload failed: {e}")))?;
    Ok(applied(agent))
}

fn applied(agent: &Agent) -> Response {
    Response::ok("Configuration applied successfully.")
        .with_arguments(json!({ "hash": agent.running().hash }))
}

/// Writes the configuration in force (as `config-get`, without `hash`) to `filename` or the `-c`
/// file, through a temporary file and a rename so a crash never leaves half a file (CTL-048,
/// CTL-122).
fn config_write(agent: &Agent, cmd: &Command) -> Result<Response, Response> {
    let file = match argument_map(cmd)?.and_then(|m| m.get("filename")) {
        None => agent.config_path().to_path_buf(),
        Some(Value::String(s)) if !s.is_empty() => PathBuf::from(s),
        Some(Value::String(_)) => {
            return Err(Response::error(
                "Unable to determine filename. Please specify valid filename.",
            ))
        }
        Some(_) => return Err(Response::error("Argument 'filename' is not a string")),
    };
    let text = serde_json::to_string_pretty(&agent.running().shown)
        .map_err(|e| Response::error(format!("Error during config-write: {e}")))?;
    replace_file(&file, text.as_bytes())
        .map_err(|e| Response::error(format!("Error during config-write: {e}")))?;
    Ok(Response::ok(format!(
        "Configuration written to {} successful",
        file.display()
    ))
    .with_arguments(json!({ "filename": file.display().to_string(), "size": text.len() })))
}

/// Writes `<file>.tmp`, syncs it, renames it over `file`.
fn replace_file(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = file.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, file)
}

/// `shutdown` with an optional `exit-value` (CTL-054).
fn shutdown(agent: &Agent, cmd: &Command) -> Result<Response, Response> {
    let exit = match argument_map(cmd)?.and_then(|m| m.get("exit-value")) {
        None => 0,
        Some(v) => v
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| Response::error("parameter 'exit-value' is not an integer"))?,
    };
    tracing::info!(target: "kea-ctrl-agent.dctl", id = "DCTL_SHUTDOWN_COMMAND", exit, "shutdown requested");
    agent.shutdown(exit);
    Ok(Response::ok("Control Agent is shutting down"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctl045_argument_errors() {
        let cmd = |arguments: Option<Value>| Command {
            name: "config-set".into(),
            arguments,
            service: None,
            remote_address: None,
        };
        let text = |a| new_config(&cmd(a)).unwrap_err().text.unwrap();
        assert_eq!(text(None), "Missing mandatory 'arguments' parameter.");
        assert_eq!(
            text(Some(json!(5))),
            "'arguments' parameter expected to be a map."
        );
        assert_eq!(
            text(Some(json!({}))),
            "Missing mandatory 'Control-agent' parameter."
        );
        assert_eq!(
            text(Some(json!({"Control-agent": {}, "Dhcp4": {}}))),
            "Unsupported 'Dhcp4' parameter."
        );
        assert_eq!(
            text(Some(json!({"Control-agent": []}))),
            "'Control-agent' parameter expected to be a map."
        );
    }

    #[test]
    fn ctl035_unsupported_text_mentions_service() {
        let r = not_own("statistic-get-all");
        assert_eq!(r.result, 2);
        let text = r.text.unwrap();
        assert!(text.starts_with(
            "'statistic-get-all' command not supported. You did not include \"service\""
        ));
        assert!(text.ends_with("to forward it to DHCPv4, DHCPv6 and D2 servers etc."));
    }
}
