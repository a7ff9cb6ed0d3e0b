//! A running `ruru-dhcp4`: packet threads, timers, control sockets, and the one place where a
//! configuration is put in force (start, SIGHUP, `config-reload`, `config-set`).

use crate::cli::Args;
use crate::control::{
    ControlHandler, Daemon, DaemonInfo, DhcpState, Op, Pending, Running, ServerControl,
};
use crate::dhcp4::{load, open_store, parse};
use crate::logging::Logging;
use crate::shared::Shared;
use crate::{hooks4, service4, sockets4, timers};
use ruru_config::{Dhcp4Config, LeaseDatabase};
use ruru_control::ControlSockets;
use ruru_engine::v4::{reclaim, ReclaimLimits, Snapshot4, Transport4};
use ruru_hooks::HookSet;
use ruru_lease::{LeaseStore4, Memfile4};
use ruru_stats::{Limit, Registry};
use serde_json::{json, Value as Json};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How the DHCPv4 server names itself in commands.
pub(crate) const INFO: DaemonInfo = DaemonInfo {
    object: "Dhcp4",
    protocol: "DHCPv4",
    binary: "ruru-dhcp4",
};

/// Basic-authentication realm of the server's HTTP sockets (CTL-024).
const REALM: &str = "kea-dhcpv4-server";

/// Everything that lives for one configuration: its packet threads. Dropping it stops them and waits,
/// so their sockets are closed before the next configuration binds the same ports.
struct Generation {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
    socket_errors: Vec<String>,
}

impl Drop for Generation {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// Opens sockets, builds the snapshot, installs it in `shared` and starts one packet thread per socket.
async fn start_generation(
    args: &Args,
    cfg: Dhcp4Config,
    store: Arc<Memfile4>,
    hooks: Arc<HookSet>,
    registry: &Arc<Registry>,
    shared: &Arc<Shared<Memfile4>>,
) -> Result<Generation, String> {
    let (listeners, errors) = sockets4::open(&cfg.interfaces, args.server_port);
    for e in &errors {
        tracing::warn!(target: "kea-dhcp4.dhcpsrv", id = "DHCPSRV_OPEN_SOCKET_FAIL", "{e}");
    }
    if cfg.interfaces.service_sockets_require_all && !errors.is_empty() {
        return Err(format!(
            "not every socket could be opened (service-sockets-require-all): {}",
            errors[0]
        ));
    }
    let snapshot = snapshot(args, cfg, &store, hooks, registry, &listeners).await?;
    shared.replace(snapshot, store);
    for l in &listeners {
        tracing::info!(target: "kea-dhcp4.dhcpsrv", iface = %l.ifname, addrs = ?l.addrs, raw = l.raw.is_some(), "listening");
    }
    // One thread per socket: receiving, processing and sending stay on one core with no cross-thread
    // wake-up per batch.
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for l in listeners {
        let (shared, stopped) = (shared.clone(), stop.clone());
        let waiting = tokio::runtime::Handle::current();
        let name = l.ifname.clone();
        let thread = std::thread::Builder::new()
            .name(format!("dhcp4-{name}"))
            .spawn(move || {
                if let Err(e) = service4::serve(shared, l, stopped, waiting) {
                    tracing::error!(target: "kea-dhcp4.dhcpsrv", "packet service on {name} stopped: {e}");
                }
            })
            .map_err(|e| format!("cannot start a packet thread: {e}"))?;
        threads.push(thread);
    }
    Ok(Generation {
        stop,
        threads,
        socket_errors: errors.iter().map(ToString::to_string).collect(),
    })
}

/// The engine's view of a configuration served on `listeners`, with lease totals counted.
async fn snapshot(
    args: &Args,
    cfg: Dhcp4Config,
    store: &Memfile4,
    hooks: Arc<HookSet>,
    registry: &Registry,
    listeners: &[sockets4::Listener4],
) -> Result<Snapshot4, String> {
    let transport = Transport4 {
        server_addresses: listeners
            .iter()
            .flat_map(|l| l.addrs.iter().copied())
            .collect(),
        server_port: args.server_port,
        client_port: args.client_port,
        direct_send: listeners.iter().any(|l| l.raw.is_some()),
    };
    let mut snapshot = Snapshot4::build(Arc::new(cfg), transport, registry);
    snapshot.hooks = hooks;
    snapshot
        .recount(store)
        .await
        .map_err(|e| format!("cannot count leases: {e}"))?;
    Ok(snapshot)
}

/// Sample bounds from `statistic-default-sample-count`/`-age` (CTL-064): a count of 0 means the age.
fn sample_limit(cfg: &Dhcp4Config) -> Limit {
    match cfg.statistic_default_sample_count {
        0 => Limit::AgeSecs(cfg.statistic_default_sample_age),
        n => Limit::Count(n),
    }
}

/// What the commands reach of the DHCPv4 server without going through the main loop.
struct Daemon4 {
    shared: Arc<Shared<Memfile4>>,
}

impl Daemon for Daemon4 {
    fn check(&self, config: &Json) -> Result<(), String> {
        let cfg = parse(config)?;
        hooks4::check(&cfg).map(drop)
    }

    fn hooks(&self) -> Arc<HookSet> {
        self.shared.snapshot().hooks.clone()
    }

    fn reclaim(&self, remove: bool) -> Pending<Result<(), String>> {
        let shared = self.shared.clone();
        Box::pin(async move {
            let (snap, store) = (shared.snapshot(), shared.store());
            let everything = ReclaimLimits {
                max_leases: 0,
                max_time: Duration::ZERO,
                remove,
            };
            reclaim(&snap, &*store, crate::unix_now(), everything)
                .await
                .map_err(|e| e.to_string())?;
            store.flush().await.map_err(|e| e.to_string())
        })
    }
}

/// The process's running state, owned by its main loop.
struct Server4 {
    args: Args,
    path: PathBuf,
    registry: Arc<Registry>,
    shared: Arc<Shared<Memfile4>>,
    generation: Option<Generation>,
    db: LeaseDatabase,
    sockets: ControlSockets,
    logging: Logging,
    control: Arc<ServerControl>,
}

/// Serves until SIGTERM, SIGINT or `shutdown`; returns the exit value.
pub(crate) async fn serve(
    args: Args,
    path: PathBuf,
    cfg: Dhcp4Config,
    logging: Logging,
) -> Result<i32, String> {
    let _pid_file = crate::pidfile::claim(&path, "kea-dhcp4").map_err(|e| {
        tracing::error!(target: "kea-dhcp4.dhcp4", id = "DHCP4_ALREADY_RUNNING", "{e}");
        e
    })?;
    let registry = Arc::new(Registry::new());
    registry.set_limit_all(sample_limit(&cfg));
    let state = Arc::new(DhcpState::default());
    let store = Arc::new(open_store(&cfg, &path)?);
    let hooks = hooks4::load(hooks4::check(&cfg)?, &cfg)?;
    // A placeholder until start() installs the snapshot of the opened sockets; it serves no packet.
    let placeholder = Transport4 {
        server_addresses: Vec::new(),
        server_port: args.server_port,
        client_port: args.client_port,
        direct_send: false,
    };
    let first = Snapshot4::build(Arc::new(cfg.clone()), placeholder, &registry);
    let shared = Arc::new(Shared::new(first, store.clone(), state.clone()));
    hooks4::install_lease_admin(&shared);
    let (ops, mut requests) = mpsc::unbounded_channel();
    let control = Arc::new(ServerControl::new(
        INFO,
        registry.clone(),
        state,
        Arc::new(Daemon4 {
            shared: shared.clone(),
        }),
        ops,
        path.clone(),
        Running::new(json!({ "Dhcp4": cfg.raw }), Vec::new()),
    ));
    let mut sockets = ControlSockets::new(Arc::new(ControlHandler(control.clone())), REALM);
    sockets
        .reconcile(&cfg.control_sockets)
        .map_err(|e| format!("cannot open the control sockets: {e}"))?;
    let mut server = Server4 {
        db: cfg.lease_database.clone(),
        args,
        path,
        registry,
        shared: shared.clone(),
        generation: None,
        sockets,
        logging,
        control,
    };
    server.start(cfg, store, hooks).await?;
    let background = [
        tokio::spawn(timers::reclaim_loop(shared.clone())),
        tokio::spawn(timers::flush_reclaimed_loop(shared.clone())),
        tokio::spawn(timers::lfc_loop(shared.clone())),
    ];
    tracing::info!(target: "kea-dhcp4.dhcp4", id = "DHCP4_STARTED", version = env!("CARGO_PKG_VERSION"), "ruru-dhcp4 started");
    let sig = |k| signal(k).map_err(|e| format!("cannot install signal handler: {e}"));
    let (mut hup, mut term, mut int) = (
        sig(SignalKind::hangup())?,
        sig(SignalKind::terminate())?,
        sig(SignalKind::interrupt())?,
    );
    let exit = loop {
        tokio::select! {
            _ = hup.recv() => {
                // SIGHUP is config-reload (CTL-055).
                let _ = server.apply(None).await;
            }
            Some(op) = requests.recv() => match op {
                Op::Apply { config, reply } => {
                    let _ = reply.send(server.apply(config).await);
                }
                Op::Shutdown { exit } => break exit,
            },
            _ = term.recv() => break 0,
            _ = int.recv() => break 0,
        }
    };
    server.generation = None;
    shared.snapshot().hooks.unload();
    background.iter().for_each(JoinHandle::abort);
    let flushed = shared.store().flush().await;
    // The `shutdown` command's answer is written by its connection task; give it a moment before the
    // sockets close and the runtime ends.
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.sockets.close();
    tracing::info!(target: "kea-dhcp4.dhcp4", id = "DHCP4_SHUTDOWN", "ruru-dhcp4 shut down");
    flushed
        .map(|()| exit)
        .map_err(|e| format!("final lease file write failed: {e}"))
}

impl Server4 {
    /// Starts the packet threads of `cfg` and records it as running.
    async fn start(
        &mut self,
        cfg: Dhcp4Config,
        store: Arc<Memfile4>,
        hooks: Arc<HookSet>,
    ) -> Result<(), String> {
        let raw = cfg.raw.clone();
        let limit = sample_limit(&cfg);
        let generation =
            start_generation(&self.args, cfg, store, hooks, &self.registry, &self.shared).await?;
        self.registry.set_limit_all(limit);
        self.control.committed(Running::new(
            json!({ "Dhcp4": raw }),
            generation.socket_errors.clone(),
        ));
        self.generation = Some(generation);
        Ok(())
    }

    /// Puts a new configuration in force: the `-c` file again when `config` is `None`. Everything
    /// that can fail without touching the running service is checked first; a failure after that
    /// brings the previous configuration back (CTL-077, HK-046).
    async fn apply(&mut self, config: Option<Json>) -> Result<(), String> {
        tracing::info!(target: "kea-dhcp4.dhcp4", id = "DHCP4_DYNRECONF", file = %self.path.display(), from_file = config.is_none(), "reconfiguring");
        let prepared = self.prepare(config.as_ref()).await;
        let (cfg, store, checked) = match prepared {
            Ok(p) => p,
            Err(msg) => {
                tracing::error!(target: "kea-dhcp4.dhcp4", id = "DHCP4_DYNRECONF_FAIL", "configuration rejected, the running one stays: {msg}");
                return Err(msg);
            }
        };
        let previous = (*self.shared.snapshot().config).clone();
        let previous_store = self.shared.store();
        if let Err(e) = self.sockets.reconcile(&cfg.control_sockets) {
            let msg = format!("control sockets: {e}");
            tracing::error!(target: "kea-dhcp4.dhcp4", id = "DHCP4_DYNRECONF_FAIL", "configuration rejected, the running one stays: {msg}");
            return Err(msg);
        }
        self.logging.apply(&cfg.loggers);
        // The old sockets close before the new ones bind the same ports; the old plugins are
        // unloaded before the new list loads, even when it is unchanged (HK-043, HK-044).
        self.generation = None;
        self.shared.snapshot().hooks.unload();
        let new_db = cfg.lease_database.clone();
        let started = match hooks4::load(checked, &cfg) {
            Ok(hooks) => self.start(cfg, store, hooks).await,
            Err(e) => Err(e),
        };
        match started {
            Ok(()) => {
                self.db = new_db;
                tracing::info!(target: "kea-dhcp4.dhcp4", id = "DHCP4_CONFIG_COMPLETE", "configuration applied");
                Ok(())
            }
            Err(msg) => {
                tracing::error!(target: "kea-dhcp4.dhcp4", id = "DHCP4_DYNRECONF_FAIL", "new configuration could not start ({msg}); restoring the previous one");
                self.restore(previous, previous_store).await;
                Err(msg)
            }
        }
    }

    /// Brings back the configuration that was running before a failed apply.
    async fn restore(&mut self, previous: Dhcp4Config, store: Arc<Memfile4>) {
        self.logging.apply(&previous.loggers);
        if let Err(e) = self.sockets.reconcile(&previous.control_sockets) {
            tracing::error!(target: "kea-dhcp4.dhcp4", "previous control sockets: {e}");
        }
        let restored = match hooks4::check(&previous).and_then(|c| hooks4::load(c, &previous)) {
            Ok(hooks) => self.start(previous, store, hooks).await,
            Err(e) => Err(e),
        };
        if let Err(e) = restored {
            // CTL-077: no DHCP service, but the control channel stays for a repair.
            tracing::error!(target: "kea-dhcp4.dhcp4", id = "DHCP4_CONFIG_UNRECOVERABLE_ERROR", "the previous configuration cannot run either: {e}");
        }
    }

    /// Reads and validates a new configuration and opens its lease store if that changed; touches
    /// nothing that is serving, so an error leaves the running configuration as it is.
    async fn prepare(
        &self,
        config: Option<&Json>,
    ) -> Result<(Dhcp4Config, Arc<Memfile4>, Vec<ruru_hooks::Checked>), String> {
        let cfg = match config {
            Some(json) => parse(json)?,
            None => load(&self.path)?,
        };
        let checked = hooks4::check(&cfg)?;
        let store = if cfg.lease_database == self.db {
            self.shared.store()
        } else {
            self.shared
                .store()
                .flush()
                .await
                .map_err(|e| e.to_string())?;
            Arc::new(open_store(&cfg, &self.path)?)
        };
        Ok((cfg, store, checked))
    }
}
