//! A running agent: its listener, its forwarding table, signals, and the one place where a
//! configuration is put in force (start, SIGHUP, `config-reload`, `config-set`).
//!
//! Commands are answered on connection tasks; what changes the process is sent to the main loop as
//! an [`Op`], so the listener and the forwarding table are replaced together, in one place, and a
//! refused configuration leaves both as they were (CTL-047, CTL-055).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::RwLock;
use ruru_config::ControlSocket;
use ruru_control::pidfile::{self, PidFileError};
use ruru_control::{Command, ControlSockets, Handler, HttpRequest, Refusal, Response};
use ruru_hooks::HookSet;
use ruru_log::Logging;
use serde_json::Value;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::{mpsc, oneshot};

use crate::config::{self, AgentConfig, REALM};
use crate::error::AgentError;
use crate::{commands, forward, plugins, version};

/// The agent's root logger (CTL-100).
pub(crate) const ROOT: &str = "kea-ctrl-agent";

/// Where the agent's own life cycle is logged.
const DCTL: &str = "kea-ctrl-agent.dctl";
/// Where the agent logs what it does with commands.
const CTRL_AGENT: &str = "kea-ctrl-agent.ctrl-agent";

/// Requests only the main loop carries out.
pub(crate) enum Op {
    /// Put a configuration in force: `{"Control-agent": …}`, or the `-c` file again when `None`.
    /// The reply says whether it now runs.
    Apply {
        config: Option<Value>,
        reply: oneshot::Sender<Result<(), AgentError>>,
    },
    /// Stop and exit with this value (`shutdown`).
    Shutdown { exit: i32 },
}

/// The configuration in force, as the commands report it.
pub(crate) struct Running {
    /// The validated configuration: listener, forwarding table, loggers.
    pub(crate) config: AgentConfig,
    /// `{"Control-agent": …}` as `config-get` shows it.
    pub(crate) shown: Value,
    /// `config-hash-get`'s hash of `shown`.
    pub(crate) hash: String,
    /// When it was put in force (`status-get` `reload`).
    pub(crate) at: Instant,
    /// Its plugins, loaded.
    pub(crate) hooks: Arc<HookSet>,
}

impl Running {
    fn new(config: AgentConfig, hooks: Arc<HookSet>) -> Self {
        let shown = config.to_json();
        Self {
            hash: ruru_control::config_hash(&shown),
            shown,
            config,
            at: Instant::now(),
            hooks,
        }
    }
}

/// What the commands reach of the process.
pub(crate) struct Agent {
    config_path: PathBuf,
    started: Instant,
    running: RwLock<Arc<Running>>,
    ops: mpsc::UnboundedSender<Op>,
}

impl Agent {
    /// The configuration in force now; one consistent snapshot per command.
    pub(crate) fn running(&self) -> Arc<Running> {
        self.running.read().clone()
    }

    /// The `-c` file.
    pub(crate) fn config_path(&self) -> &Path {
        &self.config_path
    }

    /// Seconds since the process started.
    pub(crate) fn uptime(&self) -> u64 {
        self.started.elapsed().as_secs()
    }

    /// Hands a configuration to the main loop and waits until it runs or is refused.
    pub(crate) async fn apply(&self, config: Option<Value>) -> Result<(), AgentError> {
        let (reply, done) = oneshot::channel();
        self.ops
            .send(Op::Apply { config, reply })
            .map_err(|_| AgentError::ShuttingDown)?;
        done.await.map_err(|_| AgentError::ShuttingDown)?
    }

    /// Asks the main loop to stop with `exit`.
    pub(crate) fn shutdown(&self, exit: i32) {
        let _ = self.ops.send(Op::Shutdown { exit });
    }
}

/// `ruru-control` calls this for every request on the listener.
struct AgentHandler(Arc<Agent>);

impl Handler for AgentHandler {
    /// The agent's own answer (no forwarding).
    fn handle(
        &self,
        command: Command,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send + 'static>> {
        let agent = self.0.clone();
        Box::pin(async move { commands::run(&agent, &command).await })
    }

    /// Routing (CTL-032): without a service the agent answers itself; otherwise each listed
    /// service answers, in order.
    fn handle_list(
        &self,
        command: Command,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Vec<Response>> + Send + 'static>> {
        let agent = self.0.clone();
        Box::pin(async move {
            tracing::info!(target: CTRL_AGENT, id = "CTRL_AGENT_COMMAND_RECEIVED",
                "command {} received from remote address {}",
                command.name, command.remote_address.as_deref().unwrap_or("unknown"));
            let running = agent.running();
            // Plugins first, whatever the service (CTL-036).
            if !running.hooks.is_empty() {
                let sent = forward::as_sent(&command);
                if let Some(answer) = plugins::answer(&running.hooks, &command, &sent) {
                    return answer;
                }
            }
            match command.service.as_deref() {
                None | Some([]) => vec![commands::run(&agent, &command).await],
                Some(services) => {
                    forward::forward(&running.config.services, &command, services).await
                }
            }
        })
    }

    fn authorize(&self, request: &HttpRequest<'_>) -> Option<Refusal> {
        plugins::authorize(&self.0.running().hooks, request)
    }
}

/// The main loop's state: what only it may change.
struct Process {
    agent: Arc<Agent>,
    sockets: ControlSockets,
    logging: Logging,
}

/// Serves until SIGTERM, SIGINT or `shutdown`; returns the exit value.
pub(crate) async fn serve(
    path: PathBuf,
    cfg: AgentConfig,
    logging: Logging,
) -> Result<i32, AgentError> {
    // Kea's PID file, which keactrl and Stork look for; removed when this returns.
    let _pid_file = match pidfile::claim(&path, version::BINARY_KEA) {
        Ok(file) => Some(file),
        Err(e @ PidFileError::Write { .. }) => {
            tracing::warn!(target: DCTL, "{e}");
            None
        }
        Err(e) => return Err(AgentError::AlreadyRunning(e)),
    };
    let hooks = plugins::load(plugins::check(&cfg.hooks)?)?;
    let (ops, mut requests) = mpsc::unbounded_channel();
    let agent = Arc::new(Agent {
        config_path: path,
        started: Instant::now(),
        running: RwLock::new(Arc::new(Running::new(cfg.clone(), hooks))),
        ops,
    });
    let mut sockets = ControlSockets::new(Arc::new(AgentHandler(agent.clone())), REALM);
    sockets
        .reconcile(&[ControlSocket::Http(cfg.listener.clone())])
        .map_err(AgentError::Listener)?;
    let mut process = Process {
        agent,
        sockets,
        logging,
    };
    process.completed(&cfg);
    tracing::info!(target: CTRL_AGENT, id = "CTRL_AGENT_STARTED",
        "Ruru control agent ({}) version {} started", version::BINARY, version::short());
    let sig = |kind| {
        signal(kind).map_err(|source| AgentError::Setup {
            action: "install a signal handler",
            source,
        })
    };
    let (mut hup, mut term, mut int) = (
        sig(SignalKind::hangup())?,
        sig(SignalKind::terminate())?,
        sig(SignalKind::interrupt())?,
    );
    let exit = loop {
        tokio::select! {
            _ = hup.recv() => {
                tracing::info!(target: DCTL, id = "DCTL_CFG_FILE_RELOAD_SIGNAL_RECVD",
                    "OS signal 1 received, reloading configuration from file: {}",
                    process.agent.config_path.display());
                // A refused file is logged by apply; the running configuration stays.
                let _ = process.apply(None);
            }
            Some(op) = requests.recv() => match op {
                Op::Apply { config, reply } => {
                    let _ = reply.send(process.apply(config.as_ref()));
                }
                Op::Shutdown { exit } => break exit,
            },
            _ = term.recv() => break 0,
            _ = int.recv() => break 0,
        }
    };
    // The `shutdown` answer is written by its connection task; let it go out before closing.
    tokio::time::sleep(Duration::from_millis(100)).await;
    process.sockets.close();
    process.agent.running().hooks.unload();
    tracing::info!(target: DCTL, id = "DCTL_SHUTDOWN", "{} has shut down, pid: {}", version::BINARY, std::process::id());
    Ok(exit)
}

impl Process {
    /// Validates `config` (the `-c` file when `None`) and its plugin files, replaces the listener,
    /// then reloads the plugins (every time, as the servers do: parameters or files they read may
    /// have changed); only when all succeed do the forwarding table and loggers change. Otherwise
    /// the running configuration stays, with its plugins loaded again.
    fn apply(&mut self, config: Option<&Value>) -> Result<(), AgentError> {
        self.try_apply(config).inspect_err(|e| {
            tracing::error!(target: CTRL_AGENT, id = "CTRL_AGENT_CONFIG_FAIL",
                "Control Agent configuration failed, the running one stays: {e}");
        })
    }

    fn try_apply(&mut self, config: Option<&Value>) -> Result<(), AgentError> {
        let cfg = match config {
            Some(v) => config::parse_value(v).map_err(|e| AgentError::Config(Box::new(e)))?,
            None => load(&self.agent.config_path)?,
        };
        let checked = plugins::check(&cfg.hooks)?;
        self.sockets
            .reconcile(&[ControlSocket::Http(cfg.listener.clone())])
            .map_err(AgentError::Listener)?;
        // The old plugins go first: an unchanged library is the same object, whose statics its
        // `load` sets up again.
        let old = self.agent.running();
        old.hooks.unload();
        let hooks = match plugins::load(checked) {
            Ok(hooks) => hooks,
            Err(e) => {
                self.restore(&old);
                return Err(e);
            }
        };
        self.logging.apply(&cfg.loggers);
        *self.agent.running.write() = Arc::new(Running::new(cfg.clone(), hooks));
        self.completed(&cfg);
        Ok(())
    }

    /// Puts `old` back after its plugins were unloaded for a configuration that then failed: its
    /// listener and its plugins, loaded again (with none when they now fail too).
    fn restore(&mut self, old: &Running) {
        if let Err(e) = self
            .sockets
            .reconcile(&[ControlSocket::Http(old.config.listener.clone())])
        {
            tracing::error!(target: CTRL_AGENT, id = "CTRL_AGENT_CONFIG_FAIL",
                "cannot reopen the previous listener: {e}");
        }
        let hooks = plugins::check(&old.config.hooks)
            .and_then(plugins::load)
            .unwrap_or_else(|e| {
                tracing::error!(target: CTRL_AGENT, id = "CTRL_AGENT_CONFIG_FAIL",
                    "the previous plugins failed to load again, running without them: {e}");
                Arc::new(HookSet::empty())
            });
        *self.agent.running.write() = Arc::new(Running::new(old.config.clone(), hooks));
    }

    /// Logs what is now in force, as Kea's `DCTL_CONFIG_COMPLETE` summarizes it.
    fn completed(&self, cfg: &AgentConfig) {
        for w in &cfg.warnings {
            tracing::warn!(target: ROOT, "{w}");
        }
        let services: Vec<&str> = cfg.services.keys().map(String::as_str).collect();
        tracing::info!(target: DCTL, id = "DCTL_CONFIG_COMPLETE",
            "server has completed configuration: listening on {}, port {}, use TLS {}, control sockets: {}",
            cfg.listener.address, cfg.listener.port, cfg.listener.https,
            if services.is_empty() { "none".to_string() } else { services.join(" ") });
    }
}

/// Reads and validates the `-c` file, naming it in errors.
pub(crate) fn load(path: &Path) -> Result<AgentConfig, AgentError> {
    config::load_file(path).map_err(|source| AgentError::File {
        file: path.to_path_buf(),
        source: Box::new(source),
    })
}
