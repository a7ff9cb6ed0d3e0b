//! The general commands other than configuration and statistics: `build-report`,
//! `config-backend-pull`, `dhcp-disable`, `dhcp-enable`, `leases-reclaim`, `list-commands`,
//! `server-tag-get`, `shutdown`, `status-get`, `version-get` (CTL-039..042, CTL-049..054).

use super::dhcp_state::Origin;
use super::{args, Op, ServerControl, BUILTIN_COMMANDS};
use crate::version;
use ruru_control::{Command, Response};
use serde_json::{json, Value as Json};
use std::time::{Duration, Instant};

/// Answers a general command; `None` for a name that is not one.
pub(super) async fn run(ctl: &ServerControl, cmd: &Command) -> Option<Response> {
    let r = match cmd.name.as_str() {
        "build-report" => Response::ok(version::build_report(ctl.info.binary)),
        "config-backend-pull" => Response::empty("No config backend."),
        "dhcp-disable" => dhcp_disable(ctl, cmd).unwrap_or_else(|r| r),
        "dhcp-enable" => dhcp_enable(ctl, cmd).unwrap_or_else(|r| r),
        "leases-reclaim" => leases_reclaim(ctl, cmd).await.unwrap_or_else(|r| r),
        "list-commands" => list_commands(ctl),
        "server-tag-get" => server_tag_get(ctl),
        "shutdown" => shutdown(ctl, cmd).unwrap_or_else(|r| r),
        "status-get" => status_get(ctl),
        "version-get" => Response::ok(version::short())
            .with_arguments(json!({ "extended": version::extended(ctl.info.binary) })),
        _ => return None,
    };
    Some(r)
}

/// Built-in names plus every loaded plugin's, sorted (CTL-039, HK-075).
fn list_commands(ctl: &ServerControl) -> Response {
    let hooks = ctl.daemon.hooks();
    let mut names: Vec<String> = BUILTIN_COMMANDS.iter().map(|s| s.to_string()).collect();
    names.extend(hooks.command_names().map(str::to_owned));
    names.sort();
    names.dedup();
    Response::ok(format!("{} commands supported", names.len())).with_arguments(json!(names))
}

fn server_tag_get(ctl: &ServerControl) -> Response {
    let tag = ctl.object()["server-tag"].as_str().unwrap_or("").to_owned();
    args::answer(json!({ "server-tag": tag }))
}

/// `origin-id` wins over `origin`; `"user"` (default), `"ha-partner"` or a number.
fn origin(cmd: &Command) -> Result<Origin, Response> {
    let m = args::map(cmd)?;
    let get = |k: &str| m.and_then(|m| m.get(k));
    if let Some(id) = get("origin-id") {
        return id
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Origin)
            .ok_or_else(|| Response::error("'origin-id' must be an integer"));
    }
    match get("origin") {
        None => Ok(Origin::USER),
        Some(Json::String(s)) if s == "user" => Ok(Origin::USER),
        Some(Json::String(s)) if s == "ha-partner" => Ok(Origin::HA_PARTNER),
        Some(Json::Number(n)) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Origin)
            .ok_or_else(|| {
                Response::error(format!("invalid value used for 'origin' parameter: {n}"))
            }),
        Some(other) => Err(Response::error(format!(
            "invalid value used for 'origin' parameter: {other}"
        ))),
    }
}

fn dhcp_disable(ctl: &ServerControl, cmd: &Command) -> Result<Response, Response> {
    let max_period = match args::map(cmd)?.and_then(|m| m.get("max-period")) {
        None => None,
        Some(v) => match v.as_i64() {
            Some(n) if n > 0 => Some(n as u64),
            Some(_) => return Err(Response::error("'max-period' must be positive integer")),
            None => return Err(Response::error("'max-period' argument must be a number")),
        },
    };
    let origin = origin(cmd)?;
    ctl.state.disable(
        origin,
        max_period.map(|s| Instant::now() + Duration::from_secs(s)),
    );
    let protocol = ctl.info.protocol;
    if ctl.info.is_v6() {
        tracing::info!(target: "kea-dhcp6.commands", id = "DHCP6_DHCP_DISABLE_COMMAND", origin = origin.0, ?max_period, "{protocol} service disabled");
    } else {
        tracing::info!(target: "kea-dhcp4.commands", id = "DHCP4_DHCP_DISABLE_COMMAND", origin = origin.0, ?max_period, "{protocol} service disabled");
    }
    Ok(Response::ok(match max_period {
        Some(s) => format!("{protocol} service disabled for {s} seconds"),
        None => format!("{protocol} service disabled"),
    }))
}

fn dhcp_enable(ctl: &ServerControl, cmd: &Command) -> Result<Response, Response> {
    let origin = origin(cmd)?;
    ctl.state.enable(origin);
    if ctl.info.is_v6() {
        tracing::info!(target: "kea-dhcp6.commands", id = "DHCP6_DHCP_ENABLE_COMMAND", origin = origin.0, "DHCP service enabled");
    } else {
        tracing::info!(target: "kea-dhcp4.commands", id = "DHCP4_DHCP_ENABLE_COMMAND", origin = origin.0, "DHCP service enabled");
    }
    Ok(Response::ok("DHCP service successfully enabled"))
}

async fn leases_reclaim(ctl: &ServerControl, cmd: &Command) -> Result<Response, Response> {
    let remove = args::required(cmd, "remove")?
        .as_bool()
        .ok_or_else(|| Response::error("'remove' parameter expected to be a boolean."))?;
    ctl.daemon
        .reclaim(remove)
        .await
        .map_err(|e| Response::error(format!("Reclamation of expired leases failed: {e}")))?;
    Ok(Response::ok("Reclamation of expired leases is complete."))
}

fn shutdown(ctl: &ServerControl, cmd: &Command) -> Result<Response, Response> {
    let exit = match args::map(cmd)?.and_then(|m| m.get("exit-value")) {
        None => 0,
        Some(v) => v
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| Response::error("parameter 'exit-value' is not an integer"))?,
    };
    crate::family::flog!(
        ctl.info.is_v6(),
        info,
        "SHUTDOWN_REQUEST",
        exit,
        "shutdown requested"
    );
    let _ = ctl.ops.send(Op::Shutdown { exit });
    Ok(Response::ok("Shutting down."))
}

fn status_get(ctl: &ServerControl) -> Response {
    let running = ctl.running();
    let object = &running.config[ctl.info.object];
    let mt = &object["multi-threading"];
    // Kea 2.7 defaults: multi-threading on, pool and queue sized by the machine (0 = automatic).
    let mt_enabled = mt["enable-multi-threading"].as_bool().unwrap_or(true);
    let mut out = json!({
        "pid": std::process::id(),
        "uptime": ctl.started.elapsed().as_secs(),
        "reload": running.at.elapsed().as_secs(),
        "multi-threading-enabled": mt_enabled,
        "dhcp-state": ctl.state.to_json(),
        "extended-info-tables": false,
    });
    if mt_enabled {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get() as u64);
        let pool = mt["thread-pool-size"]
            .as_u64()
            .filter(|n| *n > 0)
            .unwrap_or(threads);
        out["thread-pool-size"] = json!(pool);
        out["packet-queue-size"] = json!(mt["packet-queue-size"]
            .as_u64()
            .filter(|n| *n > 0)
            .unwrap_or(pool * 4));
        // Packets are handled in the batch they arrive in; nothing waits in a queue.
        out["packet-queue-statistics"] = json!([0.0, 0.0, 0.0]);
    }
    out["sockets"] = if running.socket_errors.is_empty() {
        json!({ "status": "ready" })
    } else {
        json!({ "status": "failed", "errors": running.socket_errors })
    };
    args::answer(out)
}
