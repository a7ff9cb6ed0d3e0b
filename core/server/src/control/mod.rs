//! The management API of a server process: Kea's general and statistics commands (CTL-038..063),
//! plugin commands and `command_processed` (HK-070..078), behind `ruru-control`'s sockets.
//!
//! Commands run one at a time (CTL-015, HK-076). What only the process's main loop can do — apply a
//! configuration, shut down — is sent to it as an [`Op`]; everything else is answered here.

mod args;
mod config_cmds;
mod dhcp_state;
mod general;
mod metrics;
mod stats_cmds;

pub(crate) use dhcp_state::{DhcpState, Origin};

use parking_lot::RwLock;
use ruru_control::{config_hash, Command, Handler, Response};
use ruru_hooks::HookSet;
use ruru_stats::Registry;
use serde_json::{json, Value as Json};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};

/// What differs between the DHCPv4 and DHCPv6 servers in their answers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DaemonInfo {
    /// The configuration object: `Dhcp4`.
    pub(crate) object: &'static str,
    /// The protocol in texts: `DHCPv4`.
    pub(crate) protocol: &'static str,
    /// The executable: `ruru-dhcp4`.
    pub(crate) binary: &'static str,
}

impl DaemonInfo {
    /// Whether this is the DHCPv6 server (its loggers are `kea-dhcp6.*`).
    pub(crate) fn is_v6(&self) -> bool {
        self.object == "Dhcp6"
    }
}

/// Requests carried out by the main loop, which owns sockets, packet threads and plugins.
pub(crate) enum Op {
    /// Apply a whole configuration (`{"Dhcp4": …}`), or re-read the `-c` file when `None`
    /// (`config-reload`, SIGHUP). The reply says whether it is now running.
    Apply {
        config: Option<Json>,
        reply: oneshot::Sender<Result<(), String>>,
    },
    /// Stop in order and exit with this value (`shutdown`, CTL-054).
    Shutdown { exit: i32 },
}

/// A boxed future, as the family-specific hooks below return them.
pub(crate) type Pending<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// The family-specific parts the commands need.
pub(crate) trait Daemon: Send + Sync + 'static {
    /// Validates a whole configuration as `config-set` would apply it, changing nothing (`config-test`).
    fn check(&self, config: &Json) -> Result<(), String>;
    /// The plugins loaded now.
    fn hooks(&self) -> Arc<HookSet>;
    /// Reclaims every expired lease now (`leases-reclaim`).
    fn reclaim(&self, remove: bool) -> Pending<Result<(), String>>;
}

/// What `config-get`, `config-hash-get` and `status-get` report of the configuration in force.
#[derive(Debug, Clone)]
pub(crate) struct Running {
    /// `{"Dhcp4": …}` as applied (includes expanded, `comment` folded into `user-context`).
    pub(crate) config: Json,
    /// SHA-256 of the serialized `config`, upper-case hex.
    pub(crate) hash: String,
    /// When it was applied.
    pub(crate) at: Instant,
    /// Sockets that failed to open (`status-get` `sockets`).
    pub(crate) socket_errors: Vec<String>,
}

impl Running {
    /// The record of `config` applied now.
    pub(crate) fn new(config: Json, socket_errors: Vec<String>) -> Self {
        Self {
            hash: config_hash(&config),
            config,
            at: Instant::now(),
            socket_errors,
        }
    }
}

/// The command side of one server process.
pub(crate) struct ServerControl {
    pub(crate) info: DaemonInfo,
    registry: Arc<Registry>,
    state: Arc<DhcpState>,
    daemon: Arc<dyn Daemon>,
    ops: mpsc::UnboundedSender<Op>,
    config_path: PathBuf,
    started: Instant,
    running: RwLock<Running>,
    one_at_a_time: tokio::sync::Mutex<()>,
}

impl ServerControl {
    /// The command side of a server whose main loop receives `ops`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        info: DaemonInfo,
        registry: Arc<Registry>,
        state: Arc<DhcpState>,
        daemon: Arc<dyn Daemon>,
        ops: mpsc::UnboundedSender<Op>,
        config_path: PathBuf,
        running: Running,
    ) -> Self {
        Self {
            info,
            registry,
            state,
            daemon,
            ops,
            config_path,
            started: Instant::now(),
            running: RwLock::new(running),
            one_at_a_time: tokio::sync::Mutex::new(()),
        }
    }

    /// Records the configuration the main loop has just put in force.
    pub(crate) fn committed(&self, running: Running) {
        *self.running.write() = running;
    }

    /// Changes the running configuration in place (runtime defaults set by commands, CTL-063); the
    /// hash follows, the reload time does not.
    fn edit_object(&self, f: impl FnOnce(&mut serde_json::Map<String, Json>)) {
        let mut running = self.running.write();
        if let Some(obj) = running
            .config
            .get_mut(self.info.object)
            .and_then(Json::as_object_mut)
        {
            f(obj);
        }
        running.hash = config_hash(&running.config);
    }

    fn running(&self) -> Running {
        self.running.read().clone()
    }

    /// The `Dhcp4` map in force.
    fn object(&self) -> Json {
        self.running.read().config[self.info.object].clone()
    }

    /// Runs one command: a plugin's handler if one registered the name (HK-073, except
    /// `list-commands`), else the built-in; then `command_processed` may rewrite the answer (HK-077).
    async fn dispatch(&self, cmd: Command) -> Response {
        let _serial = self.one_at_a_time.lock().await;
        let hooks = self.daemon.hooks();
        let plugin = if cmd.name == "list-commands" {
            None
        } else {
            self.plugin_command(&hooks, &cmd).await
        };
        let response = match plugin {
            Some(r) => r,
            None => match self.builtin(&cmd).await {
                Some(r) => r,
                None => Response::unsupported(&cmd.name),
            },
        };
        // Large answers (a page of leases) are not copied through JSON when no callout would see them.
        if !hooks.has(ruru_hooks::Point::CommandProcessed) {
            return response;
        }
        let processed =
            hooks.command_processed(&cmd.name, cmd.arguments.as_ref(), response.to_json());
        Response::from_json(&processed).unwrap_or_else(|e| {
            Response::error(format!(
                "a command_processed callout left an invalid response: {e}"
            ))
        })
    }

    /// A plugin command runs on a blocking thread: a handler may take long (a million leases) and must
    /// not stall the runtime that serves the sockets.
    async fn plugin_command(&self, hooks: &Arc<HookSet>, cmd: &Command) -> Option<Response> {
        if !hooks.command_names().any(|n| n == cmd.name) {
            return None;
        }
        let mut request = json!({ "command": cmd.name });
        if let Some(a) = &cmd.arguments {
            request["arguments"] = a.clone();
        }
        if let Some(s) = &cmd.service {
            request["service"] = json!(s);
        }
        let (hooks, name) = (hooks.clone(), cmd.name.clone());
        let answer = tokio::task::spawn_blocking(move || hooks.run_command(&name, &request)).await;
        Some(match answer {
            Ok(Some(json)) => Response::from_json(&json).unwrap_or_else(|e| {
                Response::error(format!(
                    "the plugin's response to '{}' is invalid: {e}",
                    cmd.name
                ))
            }),
            // Unloaded between the check and the call.
            Ok(None) => Response::unsupported(&cmd.name),
            Err(e) => Response::error(format!("the handler of '{}' failed: {e}", cmd.name)),
        })
    }

    async fn builtin(&self, cmd: &Command) -> Option<Response> {
        let r = match cmd.name.as_str() {
            "config-get" | "config-hash-get" | "config-reload" | "config-set" | "config-test"
            | "config-write" => config_cmds::run(self, cmd).await,
            name if name.starts_with("statistic-") => stats_cmds::run(self, cmd).await?,
            _ => general::run(self, cmd).await?,
        };
        Some(r)
    }
}

/// `ruru-control` calls this for every command on every socket.
pub(crate) struct ControlHandler(pub(crate) Arc<ServerControl>);

impl Handler for ControlHandler {
    fn handle(&self, command: Command) -> Pin<Box<dyn Future<Output = Response> + Send + 'static>> {
        let control = self.0.clone();
        Box::pin(async move { control.dispatch(command).await })
    }

    fn metrics(&self) -> Option<String> {
        let daemon = self.0.info.binary.trim_start_matches("ruru-");
        Some(metrics::render(daemon, &self.0.registry.snapshot()))
    }
}

/// The built-in command names, for `list-commands` (CTL-038).
pub(crate) const BUILTIN_COMMANDS: &[&str] = &[
    "build-report",
    "config-backend-pull",
    "config-get",
    "config-hash-get",
    "config-reload",
    "config-set",
    "config-test",
    "config-write",
    "dhcp-disable",
    "dhcp-enable",
    "leases-reclaim",
    "list-commands",
    "server-tag-get",
    "shutdown",
    "statistic-get",
    "statistic-get-all",
    "statistic-remove",
    "statistic-remove-all",
    "statistic-reset",
    "statistic-reset-all",
    "statistic-sample-age-set",
    "statistic-sample-age-set-all",
    "statistic-sample-count-set",
    "statistic-sample-count-set-all",
    "status-get",
    "version-get",
];
