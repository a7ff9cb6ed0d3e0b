//! The `ruru-dhcp4` command line: flags, checking a configuration, opening the lease store; the running
//! process is in `server4`.

use crate::cli::Args;
use crate::server4::{serve, INFO};
use crate::{hooks4, logging, support, version};
use ruru_config::{Dhcp4Config, LeaseDatabase};
use ruru_lease::{Memfile4, MemfileOptions};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Kea's default memfile location, so an existing installation keeps its leases.
const DEFAULT_LEASE_FILE: &str = "/var/lib/kea/kea-leases4.csv";

/// Runs `ruru-dhcp4` with parsed flags.
pub fn main(args: Args) -> ExitCode {
    if args.version {
        println!("{}", version::short());
        return ExitCode::SUCCESS;
    }
    if args.extended_version {
        println!("{}", version::extended(INFO.binary));
        return ExitCode::SUCCESS;
    }
    if args.build_report {
        println!("{}", version::build_report(INFO.binary));
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
        Ok(exit) => ExitCode::from(exit as u8),
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
pub(crate) fn load(path: &Path) -> Result<Dhcp4Config, String> {
    let cfg = ruru_config::load_dhcp4_file(path)
        .map_err(|e| format!("configuration error in {}: {e}", path.display()))?;
    supported(cfg, &path.display().to_string())
}

/// Validates a configuration given as JSON (`config-set`, `config-test`).
pub(crate) fn parse(config: &serde_json::Value) -> Result<Dhcp4Config, String> {
    let cfg =
        ruru_config::parse_dhcp4_value(config).map_err(|e| format!("configuration error: {e}"))?;
    supported(cfg, "<config>")
}

/// Refuses what this build cannot serve yet, naming it.
fn supported(cfg: Dhcp4Config, name: &str) -> Result<Dhcp4Config, String> {
    let support = support::check(&cfg);
    if !support.refused.is_empty() {
        return Err(format!(
            "configuration {name} needs what this build does not have yet: {}",
            support.refused.join("; ")
        ));
    }
    for w in support.warnings {
        tracing::warn!(target: "kea-dhcp4.dhcp4", "{w}");
    }
    Ok(cfg)
}

pub(crate) fn open_store(cfg: &Dhcp4Config, config_path: &Path) -> Result<Memfile4, String> {
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
