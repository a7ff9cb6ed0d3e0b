//! The `ruru-dhcp4` process: flags, configuration, sockets, tasks, signals and reconfiguration.

use crate::cli::Args;
use crate::logging::{self, Logging};
use crate::shared::Shared;
use crate::{hooks4, service4, sockets4, support, timers};
use ruru_config::{Dhcp4Config, LeaseDatabase};
use ruru_engine::v4::{Snapshot4, Transport4};
use ruru_hooks::HookSet;
use ruru_lease::{LeaseStore4, Memfile4, MemfileOptions};
use ruru_stats::Registry;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::signal::unix::{signal, SignalKind};
use tokio::task::JoinHandle;

/// Kea's default memfile location, so an existing installation keeps its leases.
const DEFAULT_LEASE_FILE: &str = "/var/lib/kea/kea-leases4.csv";

/// Runs `ruru-dhcp4` with parsed flags.
pub fn main(args: Args) -> ExitCode {
    let version = env!("CARGO_PKG_VERSION");
    if args.version {
        println!("{version}");
        return ExitCode::SUCCESS;
    }
    if args.extended_version {
        println!(
            "{version}\nruru-dhcp4 (Rust {}) lease backends: memfile",
            option_env!("CARGO_PKG_RUST_VERSION").unwrap_or("")
        );
        return ExitCode::SUCCESS;
    }
    if args.build_report {
        println!("Ruru {version}\nbinary: ruru-dhcp4\nlease backends: memfile\nhost backends: configuration file");
        return ExitCode::SUCCESS;
    }
    if let Some(path) = args.test.as_deref().or(args.test_full.as_deref()) {
        return check_only(path, args.test_full.is_some());
    }
    let Some(path) = args.config.clone() else {
        eprintln!("ruru-dhcp4: a configuration file is required: ruru-dhcp4 -c FILE (see -h)");
        return ExitCode::FAILURE;
    };
    let logging = logging::install(args.debug);
    let cfg = match load(&path) {
        Ok(c) => c,
        Err(msg) => {
            tracing::error!(target: "kea-dhcp4.dhcp4", id = "DHCP4_INIT_FAIL", "{msg}");
            eprintln!("{msg}");
            return ExitCode::FAILURE;
        }
    };
    logging.apply(&cfg.loggers);
    let mt = cfg.multi_threading;
    let workers = if mt.enable && mt.thread_pool_size > 0 {
        mt.thread_pool_size as usize
    } else {
        2
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ruru-dhcp4: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(serve(args, path, cfg, logging)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            tracing::error!(target: "kea-dhcp4.dhcp4", id = "DHCP4_INIT_FAIL", "{msg}");
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

/// `-t`/`-T`: validate, report, exit 0 or 1 with the reason.
fn check_only(path: &Path, open_backends: bool) -> ExitCode {
    match load(path) {
        Ok(cfg) => {
            if open_backends {
                // -T also loads the plugins (HK-042), then unloads them.
                let loaded = open_store(&cfg, path)
                    .and_then(|_| hooks4::check(&cfg))
                    .and_then(|checked| hooks4::load(checked, &cfg));
                match loaded {
                    Ok(hooks) => hooks.unload(),
                    Err(e) => {
                        eprintln!("{e}");
                        return ExitCode::FAILURE;
                    }
                }
            }
            for w in support::check(&cfg).warnings {
                eprintln!("warning: {w}");
            }
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

/// Reads and validates a configuration file, refusing what this build cannot serve.
fn load(path: &Path) -> Result<Dhcp4Config, String> {
    let cfg = ruru_config::load_dhcp4_file(path)
        .map_err(|e| format!("configuration error in {}: {e}", path.display()))?;
    let support = support::check(&cfg);
    if !support.refused.is_empty() {
        return Err(format!(
            "configuration {} needs what this build does not have yet: {}",
            path.display(),
            support.refused.join("; ")
        ));
    }
    for w in support.warnings {
        tracing::warn!(target: "kea-dhcp4.dhcp4", "{w}");
    }
    Ok(cfg)
}

fn open_store(cfg: &Dhcp4Config, config_path: &Path) -> Result<Memfile4, String> {
    let LeaseDatabase::Memfile {
        persist,
        name,
        max_row_errors,
        ..
    } = &cfg.lease_database
    else {
        return Err("only the memfile lease backend is built yet".into());
    };
    let path = name
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_LEASE_FILE));
    let lfc_program = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("ruru-lfc")))
        .unwrap_or_else(|| PathBuf::from("ruru-lfc"));
    let opts = MemfileOptions {
        persist: *persist,
        path: path.clone(),
        max_row_errors: *max_row_errors,
        lfc_program,
        config_path: Some(config_path.to_path_buf()),
    };
    let (store, report) = Memfile4::open(opts)
        .map_err(|e| format!("cannot open lease file {}: {e}", path.display()))?;
    tracing::info!(target: "kea-dhcp4.lease-mgr", id = "DHCPSRV_MEMFILE_LEASES_RELOAD", file = %path.display(), ?report, "leases loaded");
    let (fixed, dropped) = store.check_leases(|l| ruru_engine::v4::lease_check(cfg, l));
    if fixed + dropped > 0 {
        tracing::warn!(target: "kea-dhcp4.dhcpsrv", fixed, dropped, "sanity-checks changed loaded leases (in memory only)");
    }
    Ok(store)
}

/// Everything that lives for one configuration: its packet threads. Dropping it stops them and waits,
/// so their sockets are closed before the next configuration binds the same ports.
struct Generation {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Drop for Generation {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// Opens sockets, builds the snapshot and starts one packet task per socket.
async fn start_generation(
    args: &Args,
    cfg: Dhcp4Config,
    store: Arc<Memfile4>,
    hooks: Arc<HookSet>,
    registry: &Arc<Registry>,
    shared: Option<&Arc<Shared<Memfile4>>>,
) -> Result<(Generation, Option<Arc<Shared<Memfile4>>>), String> {
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
        .recount(&*store)
        .await
        .map_err(|e| format!("cannot count leases: {e}"))?;
    let (shared, created) = match shared {
        Some(s) => {
            s.replace(snapshot, store);
            (s.clone(), None)
        }
        None => {
            let s = Arc::new(Shared::new(snapshot, store));
            (s.clone(), Some(s))
        }
    };
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
    Ok((Generation { stop, threads }, created))
}

async fn serve(
    args: Args,
    path: PathBuf,
    cfg: Dhcp4Config,
    logging: Logging,
) -> Result<(), String> {
    let registry = Arc::new(Registry::new());
    let store = Arc::new(open_store(&cfg, &path)?);
    let hooks = hooks4::load(hooks4::check(&cfg)?, &cfg)?;
    let mut db = cfg.lease_database.clone();
    let (mut generation, created) =
        start_generation(&args, cfg, store, hooks, &registry, None).await?;
    let shared = created.ok_or("internal: no shared state")?;
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
    loop {
        tokio::select! {
            _ = hup.recv() => {
                tracing::info!(target: "kea-dhcp4.dhcp4", id = "DHCP4_DYNRECONF", file = %path.display(), "reloading configuration");
                let (cfg, store, checked) = match prepare_reload(&path, &shared, &db).await {
                    Ok(prepared) => prepared,
                    Err(msg) => {
                        tracing::error!(target: "kea-dhcp4.dhcp4", id = "DHCP4_DYNRECONF_FAIL", "configuration rejected, the running one stays: {msg}");
                        continue;
                    }
                };
                let previous = (*shared.snapshot().config).clone();
                let previous_store = shared.store();
                logging.apply(&cfg.loggers);
                // The old sockets close before the new ones bind the same ports; the old plugins are
                // unloaded before the new list loads, even when it is unchanged (HK-043, HK-044).
                drop(generation);
                shared.snapshot().hooks.unload();
                let new_db = cfg.lease_database.clone();
                let started = match hooks4::load(checked, &cfg) {
                    Ok(hooks) => start_generation(&args, cfg, store, hooks, &registry, Some(&shared)).await,
                    Err(e) => Err(e),
                };
                generation = match started {
                    Ok((g, _)) => {
                        db = new_db;
                        tracing::info!(target: "kea-dhcp4.dhcp4", id = "DHCP4_CONFIG_COMPLETE", "configuration reloaded");
                        g
                    }
                    Err(msg) => {
                        tracing::error!(target: "kea-dhcp4.dhcp4", id = "DHCP4_DYNRECONF_FAIL", "new configuration could not start ({msg}); restoring the previous one");
                        logging.apply(&previous.loggers);
                        // HK-046: the previous plugins come back with the previous configuration.
                        let hooks = hooks4::load(hooks4::check(&previous)?, &previous)?;
                        start_generation(&args, previous, previous_store, hooks, &registry, Some(&shared)).await?.0
                    }
                };
            }
            _ = term.recv() => break,
            _ = int.recv() => break,
        }
    }
    drop(generation);
    shared.snapshot().hooks.unload();
    background.iter().for_each(JoinHandle::abort);
    let flushed = shared.store().flush().await;
    tracing::info!(target: "kea-dhcp4.dhcp4", id = "DHCP4_SHUTDOWN", "ruru-dhcp4 shut down");
    flushed.map_err(|e| format!("final lease file write failed: {e}"))
}

/// Reads and validates a new configuration and opens its lease store if that changed; touches nothing
/// that is serving, so an error leaves the running configuration as it is.
async fn prepare_reload(
    path: &Path,
    shared: &Arc<Shared<Memfile4>>,
    db: &LeaseDatabase,
) -> Result<(Dhcp4Config, Arc<Memfile4>, Vec<ruru_hooks::Checked>), String> {
    let cfg = load(path)?;
    let checked = hooks4::check(&cfg)?;
    let store = if cfg.lease_database == *db {
        shared.store()
    } else {
        shared.store().flush().await.map_err(|e| e.to_string())?;
        Arc::new(open_store(&cfg, path)?)
    };
    Ok((cfg, store, checked))
}
