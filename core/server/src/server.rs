//! A running server of either family: packet threads, timers, control sockets, and the one place where
//! a configuration is put in force (start, SIGHUP, `config-reload`, `config-set`).

use crate::cli::Args;
use crate::control::{
    ControlHandler, Daemon, DhcpState, Op, Origin, Pending, Running, ServerControl,
};
use crate::database::{self, Role};
use crate::family::{flog, flog_at, Family, SharedOf};
use crate::shared::Shared;
use crate::store::ServerStore;
use crate::timers;
use ruru_config::LeaseDatabase;
use ruru_control::pidfile::{self, PidFileError};
use ruru_control::ControlSockets;
use ruru_engine::v4::ReclaimLimits;
use ruru_hooks::HookSet;
use ruru_lease_sql::Db;
use ruru_log::Logging;
use ruru_net::Interface;
use ruru_stats::{Limit, Registry};
use serde_json::{json, Value as Json};
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

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

/// `{"Dhcp4": raw}` or `{"Dhcp6": raw}`.
fn wrapped<F: Family>(cfg: &F::Config) -> Json {
    json!({ F::INFO.object: F::settings(cfg).raw })
}

/// Logs the configuration about to be put in force (Kea's `DHCP4_CONFIG_START`, debug level 10),
/// its secrets replaced by asterisks (CTL-115).
fn log_config_start<F: Family>(cfg: &F::Config) {
    flog!(
        F::V6,
        debug,
        "CONFIG_START",
        debuglevel = 10,
        "{} server is processing the configuration: {}",
        F::INFO.protocol,
        ruru_config::redact(&wrapped::<F>(cfg))
    );
}

/// Opens sockets, builds the snapshot, installs it in `shared` and starts one packet thread per socket.
#[allow(clippy::too_many_arguments)]
async fn start_generation<F: Family>(
    args: &Args,
    ifaces: &[Interface],
    cfg: F::Config,
    store: Arc<F::Store>,
    host_dbs: &[Db],
    hooks: Arc<HookSet>,
    registry: &Arc<Registry>,
    shared: &Arc<SharedOf<F>>,
) -> Result<Generation, String> {
    let (listeners, errors) = F::open_sockets(args, &cfg, ifaces)?;
    for e in &errors {
        flog_at!(
            F::V6,
            warn,
            "dhcpsrv",
            id = "DHCPSRV_OPEN_SOCKET_FAIL",
            "{e}"
        );
    }
    if F::settings(&cfg).require_all_sockets && !errors.is_empty() {
        return Err(format!(
            "not every socket could be opened (service-sockets-require-all): {}",
            errors[0]
        ));
    }
    let ddns = crate::ddns::sender_for(F::settings(&cfg).dhcp_ddns, F::V6)?;
    let mut snapshot = F::build_snapshot(args, cfg, &listeners, registry)?;
    F::set_hooks(&mut snapshot, hooks);
    F::set_ddns(&mut snapshot, ddns);
    F::set_host_dbs(&mut snapshot, host_dbs);
    match F::recount(&snapshot, &store).await {
        // retry-on-startup: the database is not there yet; the on-fail watcher recounts when it is.
        Err(e) if e.is_unavailable() => {
            flog_at!(
                F::V6,
                warn,
                "dhcpsrv",
                "lease statistics not counted yet: {e}"
            );
        }
        Err(e) => return Err(format!("cannot count leases: {e}")),
        Ok(()) => {}
    }
    shared.replace(snapshot, store);
    // One thread per socket: receiving, processing and sending stay on one core with no cross-thread
    // wake-up per batch.
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for l in listeners {
        let (shared, stopped) = (shared.clone(), stop.clone());
        let waiting = tokio::runtime::Handle::current();
        let name = F::listener_name(&l);
        flog_at!(F::V6, info, "dhcpsrv", iface = %name, "listening");
        let thread = std::thread::Builder::new()
            .name(format!("{}-{name}", F::PID_NAME))
            .spawn(move || {
                if let Err(e) = F::serve(shared, l, stopped, waiting) {
                    flog!(
                        F::V6,
                        error,
                        "PACKET_SERVICE_STOPPED",
                        "packet service on {name} stopped: {e}"
                    );
                }
            })
            .map_err(|e| format!("cannot start a packet thread: {e}"))?;
        threads.push(thread);
    }
    Ok(Generation {
        stop,
        threads,
        socket_errors: errors,
    })
}

/// Sample bounds from `statistic-default-sample-count`/`-age` (CTL-064): a count of 0 means the age.
fn sample_limit<F: Family>(cfg: &F::Config) -> Limit {
    let s = F::settings(cfg);
    match s.sample_count {
        0 => Limit::AgeSecs(s.sample_age),
        n => Limit::Count(n),
    }
}

/// What the commands reach of the server without going through the main loop.
struct DaemonOf<F: Family> {
    shared: Arc<SharedOf<F>>,
}

impl<F: Family> Daemon for DaemonOf<F> {
    fn check(&self, config: &Json) -> Result<(), String> {
        let cfg = F::parse(config)?;
        F::check_hooks(&cfg).map(drop)
    }

    fn hooks(&self) -> Arc<HookSet> {
        F::hooks_of(&self.shared.snapshot()).clone()
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
            F::reclaim(&snap, &store, crate::unix_now(), everything)
                .await
                .map_err(|e| e.to_string())?;
            F::flush(&store).await.map_err(|e| e.to_string())
        })
    }
}

/// The process's running state, owned by its main loop.
struct Server<F: Family> {
    args: Args,
    path: PathBuf,
    registry: Arc<Registry>,
    shared: Arc<SharedOf<F>>,
    generation: Option<Generation>,
    /// The system's interfaces as last listed; kept across reconfigurations with `re-detect` off.
    interfaces: Option<Vec<Interface>>,
    db: LeaseDatabase,
    sockets: ControlSockets,
    logging: Logging,
    control: Arc<ServerControl>,
    /// The `on-fail` watcher of the lease database in use, if it is one (CTL-097).
    /// The `on-fail` watchers of the lease and host databases.
    db_watch: Vec<JoinHandle<()>>,
    /// The host databases of the running configuration.
    host_dbs: Vec<Db>,
    /// Where the watcher asks for a shutdown.
    ops: mpsc::UnboundedSender<Op>,
    state: Arc<DhcpState>,
    family: PhantomData<F>,
}

/// Serves until SIGTERM, SIGINT or `shutdown`; returns the exit value.
pub(crate) async fn serve<F: Family>(
    args: Args,
    path: PathBuf,
    cfg: F::Config,
    logging: Logging,
) -> Result<i32, String> {
    let _pid_file = match pidfile::claim(&path, F::PID_NAME) {
        Ok(file) => Some(file),
        Err(e @ PidFileError::Write { .. }) => {
            if F::V6 {
                tracing::warn!(target: "kea-dhcp6.dhcp6", "{e}");
            } else {
                tracing::warn!(target: "kea-dhcp4.dhcp4", "{e}");
            }
            None
        }
        Err(e) => {
            flog!(F::V6, error, "ALREADY_RUNNING", "{e}");
            return Err(e.to_string());
        }
    };
    log_config_start::<F>(&cfg);
    let registry = Arc::new(Registry::new());
    registry.set_limit_all(sample_limit::<F>(&cfg));
    let state = Arc::new(DhcpState::default());
    let store = Arc::new(F::open_store(&cfg, &path).await?);
    let host_dbs = database::open_hosts(F::settings(&cfg).hosts_databases, F::V6).await?;
    let hooks = F::load_hooks(F::check_hooks(&cfg)?, &cfg)?;
    // A placeholder until start() installs the snapshot of the opened sockets; it serves no packet.
    let first = F::build_snapshot(&args, cfg.clone(), &[], &registry)?;
    let shared = Arc::new(Shared::new(first, store.clone(), state.clone()));
    F::install_lease_admin(&shared);
    let (ops, mut requests) = mpsc::unbounded_channel();
    let control = Arc::new(ServerControl::new(
        F::INFO,
        registry.clone(),
        state.clone(),
        Arc::new(DaemonOf::<F> {
            shared: shared.clone(),
        }),
        ops.clone(),
        path.clone(),
        Running::new(wrapped::<F>(&cfg), Vec::new()),
    ));
    let mut sockets = ControlSockets::new(Arc::new(ControlHandler(control.clone())), F::REALM);
    sockets
        .reconcile(F::settings(&cfg).control_sockets)
        .map_err(|e| format!("cannot open the control sockets: {e}"))?;
    let mut server = Server::<F> {
        db: F::settings(&cfg).lease_database.clone(),
        args,
        path,
        registry,
        shared: shared.clone(),
        generation: None,
        interfaces: None,
        sockets,
        logging,
        control,
        db_watch: Vec::new(),
        host_dbs: Vec::new(),
        ops,
        state,
        family: PhantomData,
    };
    server.start(cfg, store, host_dbs, hooks).await?;
    let background = [
        tokio::spawn(timers::reclaim_loop::<F>(shared.clone())),
        tokio::spawn(timers::flush_reclaimed_loop::<F>(shared.clone())),
        tokio::spawn(timers::lfc_loop::<F>(shared.clone())),
    ];
    // Kea's text, with the Kea level this build reports everywhere (see `version`); Ruru's own
    // version follows as a field.
    flog!(
        F::V6,
        info,
        "STARTED",
        ruru = env!("CARGO_PKG_VERSION"),
        "Kea {} server version {} started",
        F::INFO.protocol,
        crate::version::short()
    );
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
    F::hooks_of(&shared.snapshot()).unload();
    background.iter().for_each(JoinHandle::abort);
    let flushed = F::flush(&shared.store()).await;
    // The `shutdown` command's answer is written by its connection task; give it a moment before the
    // sockets close and the runtime ends.
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.sockets.close();
    flog!(F::V6, info, "SHUTDOWN", "{} shut down", F::INFO.binary);
    flushed
        .map(|()| exit)
        .map_err(|e| format!("final lease file write failed: {e}"))
}

/// A configuration validated and ready to start: the model, its lease store, its host databases,
/// its checked plugins.
type Prepared<F> = (
    <F as Family>::Config,
    Arc<<F as Family>::Store>,
    Vec<Db>,
    Vec<ruru_hooks::Checked>,
);

impl<F: Family> Server<F> {
    /// Starts the packet threads of `cfg` and records it as running.
    async fn start(
        &mut self,
        cfg: F::Config,
        store: Arc<F::Store>,
        host_dbs: Vec<Db>,
        hooks: Arc<HookSet>,
    ) -> Result<(), String> {
        let config = wrapped::<F>(&cfg);
        let limit = sample_limit::<F>(&cfg);
        // V4-012, V6-014: with `re-detect` off, interfaces added since the first start stay unseen.
        if self.interfaces.is_none() || F::settings(&cfg).re_detect {
            let listed =
                ruru_net::interfaces().map_err(|e| format!("cannot list interfaces: {e}"))?;
            self.interfaces = Some(listed);
        }
        self.watch_databases(&cfg, &store, &host_dbs);
        let ifaces = self.interfaces.as_deref().unwrap_or_default();
        let generation = start_generation::<F>(
            &self.args,
            ifaces,
            cfg,
            store,
            &host_dbs,
            hooks,
            &self.registry,
            &self.shared,
        )
        .await?;
        self.registry.set_limit_all(limit);
        self.control
            .committed(Running::new(config, generation.socket_errors.clone()));
        self.generation = Some(generation);
        self.host_dbs = host_dbs;
        Ok(())
    }

    /// Starts the `on-fail` watchers of the lease database (if SQL) and of each host database,
    /// replacing the previous ones. Each holds service off under its own origin, so one database
    /// recovering does not resume service while another is still lost.
    fn watch_databases(&mut self, cfg: &F::Config, store: &F::Store, host_dbs: &[Db]) {
        for w in self.db_watch.drain(..) {
            w.abort();
        }
        self.state.enable_databases();
        let settings = F::settings(cfg);
        let lease = store
            .sql_db()
            .zip(settings.lease_database.sql())
            .map(|(db, p)| (Role::Lease, db, p));
        let hosts = host_dbs
            .iter()
            .zip(settings.hosts_databases)
            .map(|(db, p)| (Role::Host, db, p));
        for (k, (role, db, params)) in lease.into_iter().chain(hosts).enumerate() {
            self.db_watch
                .push(tokio::spawn(database::watch::<F>(database::Watch {
                    role,
                    origin: Origin::db_connection(k),
                    db: db.clone(),
                    params: params.clone(),
                    shared: self.shared.clone(),
                    state: self.state.clone(),
                    ops: self.ops.clone(),
                })));
        }
    }

    /// Puts a new configuration in force: the `-c` file again when `config` is `None`. Everything
    /// that can fail without touching the running service is checked first; a failure after that
    /// brings the previous configuration back (CTL-077, HK-046).
    async fn apply(&mut self, config: Option<Json>) -> Result<(), String> {
        flog!(F::V6, info, "DYNAMIC_RECONFIGURATION", file = %self.path.display(), from_file = config.is_none(), "reconfiguring");
        let (cfg, store, host_dbs, checked) = match self.prepare(config.as_ref()).await {
            Ok(p) => p,
            Err(msg) => {
                flog!(
                    F::V6,
                    error,
                    "DYNAMIC_RECONFIGURATION_FAIL",
                    "configuration rejected, the running one stays: {msg}"
                );
                return Err(msg);
            }
        };
        let previous = F::config_of(&self.shared.snapshot()).clone();
        let previous_store = self.shared.store();
        let previous_hosts = self.host_dbs.clone();
        if let Err(e) = self.sockets.reconcile(F::settings(&cfg).control_sockets) {
            let msg = format!("control sockets: {e}");
            flog!(
                F::V6,
                error,
                "DYNAMIC_RECONFIGURATION_FAIL",
                "configuration rejected, the running one stays: {msg}"
            );
            return Err(msg);
        }
        self.logging.apply(F::settings(&cfg).loggers);
        // The old sockets close before the new ones bind the same ports; the old plugins are
        // unloaded before the new list loads, even when it is unchanged (HK-043, HK-044).
        self.generation = None;
        F::hooks_of(&self.shared.snapshot()).unload();
        let new_db = F::settings(&cfg).lease_database.clone();
        let started = match F::load_hooks(checked, &cfg) {
            Ok(hooks) => self.start(cfg, store, host_dbs, hooks).await,
            Err(e) => Err(e),
        };
        match started {
            Ok(()) => {
                self.db = new_db;
                flog!(F::V6, info, "CONFIG_COMPLETE", "configuration applied");
                Ok(())
            }
            Err(msg) => {
                flog!(
                    F::V6,
                    error,
                    "DYNAMIC_RECONFIGURATION_FAIL",
                    "new configuration could not start ({msg}); restoring the previous one"
                );
                self.restore(previous, previous_store, previous_hosts).await;
                Err(msg)
            }
        }
    }

    /// Brings back the configuration that was running before a failed apply.
    async fn restore(&mut self, previous: F::Config, store: Arc<F::Store>, host_dbs: Vec<Db>) {
        self.logging.apply(F::settings(&previous).loggers);
        if let Err(e) = self
            .sockets
            .reconcile(F::settings(&previous).control_sockets)
        {
            flog!(
                F::V6,
                error,
                "DYNAMIC_RECONFIGURATION_FAIL",
                "previous control sockets: {e}"
            );
        }
        let restored = match F::check_hooks(&previous).and_then(|c| F::load_hooks(c, &previous)) {
            Ok(hooks) => self.start(previous, store, host_dbs, hooks).await,
            Err(e) => Err(e),
        };
        if let Err(e) = restored {
            // CTL-077: no DHCP service, but the control channel stays for a repair.
            flog!(
                F::V6,
                error,
                "CONFIG_UNRECOVERABLE_ERROR",
                "the previous configuration cannot run either: {e}"
            );
        }
    }

    /// Reads and validates a new configuration and opens its lease store if that changed; touches
    /// nothing that is serving, so an error leaves the running configuration as it is.
    async fn prepare(&self, config: Option<&Json>) -> Result<Prepared<F>, String> {
        let cfg = match config {
            Some(json) => {
                // CTL-115: secrets never reach the log.
                flog!(
                    F::V6,
                    debug,
                    "CONFIG_RECEIVED",
                    debuglevel = 10,
                    "received configuration: {}",
                    ruru_config::redact(json)
                );
                F::parse(json)?
            }
            None => F::load(&self.path)?,
        };
        log_config_start::<F>(&cfg);
        let checked = F::check_hooks(&cfg)?;
        let store = if *F::settings(&cfg).lease_database == self.db {
            self.shared.store()
        } else {
            F::flush(&self.shared.store())
                .await
                .map_err(|e| e.to_string())?;
            Arc::new(F::open_store(&cfg, &self.path).await?)
        };
        let host_dbs = database::open_hosts(F::settings(&cfg).hosts_databases, F::V6).await?;
        Ok((cfg, store, host_dbs, checked))
    }
}
