//! The command line of either server: flags, checking a configuration (`-t`, `-T`), and starting the
//! running process ([`crate::server`]).

use crate::cli::Args;
use crate::family::{flog, Family};
use crate::{privileges, server, version};
use ruru_log::{Logging, Startup};
use std::path::Path;
use std::process::ExitCode;

/// Runs a server of family `F` with parsed flags.
pub(crate) fn main<F: Family>(mut args: Args) -> ExitCode {
    let binary = F::INFO.binary;
    if args.version {
        println!("{}", version::short());
        return ExitCode::SUCCESS;
    }
    if args.extended_version {
        println!("{}", version::extended(binary));
        return ExitCode::SUCCESS;
    }
    if args.build_report {
        println!("{}", version::build_report(binary));
        return ExitCode::SUCCESS;
    }
    if let Some(path) = args.test.as_deref().or(args.test_full.as_deref()) {
        return check_only::<F>(path, args.test_full.is_some());
    }
    let Some(path) = args.config.clone() else {
        eprintln!("{binary}: a configuration file is required: {binary} -c FILE (see -h)");
        return ExitCode::FAILURE;
    };
    args.server_port.get_or_insert(F::PORTS.0);
    // The root logger every event of this process falls under (CTL-100).
    let root = if F::V6 { "kea-dhcp6" } else { "kea-dhcp4" };
    let logging = Logging::install(Startup::from_env(root, args.debug));
    // Before anything is read or any thread starts (CTL-113): the configuration, the lease file and
    // every later reconfiguration meet the same limits.
    match privileges::keep_only_needed(F::V6) {
        Ok(limited) => flog!(
            F::V6,
            info,
            "CAPABILITIES_LIMITED",
            kept = %limited.kept.join(","),
            dropped = limited.dropped,
            bounding = limited.bounding,
            "capabilities limited to those the server needs"
        ),
        Err(e) => {
            flog!(F::V6, error, "INIT_FAIL", "{e}");
            eprintln!("{binary}: {e}");
            return ExitCode::FAILURE;
        }
    }
    let cfg = match F::load(&path) {
        Ok(c) => c,
        Err(msg) => {
            flog!(F::V6, error, "INIT_FAIL", "{msg}");
            eprintln!("{msg}");
            return ExitCode::FAILURE;
        }
    };
    let settings = F::settings(&cfg);
    logging.apply(settings.loggers);
    let mt = settings.multi_threading;
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
            eprintln!("{binary}: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(server::serve::<F>(args, path, cfg, logging)) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(msg) => {
            flog!(F::V6, error, "INIT_FAIL", "{msg}");
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

/// `-t`/`-T`: validate, report, exit 0 or 1 with the reason.
fn check_only<F: Family>(path: &Path, open_backends: bool) -> ExitCode {
    let cfg = match F::load(path) {
        Ok(cfg) => cfg,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::FAILURE;
        }
    };
    if open_backends {
        // -T also loads the plugins (HK-042), then unloads them.
        // -T connects to the lease and host databases as the server would (CTL-094), on a runtime
        // of its own.
        let opened = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start a runtime: {e}"))
            .and_then(|rt| {
                rt.block_on(async {
                    F::open_store(&cfg, path).await?;
                    let hosts = F::settings(&cfg).hosts_databases;
                    crate::database::open_hosts(hosts, F::V6).await
                })
            });
        let loaded = opened
            .and_then(|_| F::check_hooks(&cfg))
            .and_then(|checked| F::load_hooks(checked, &cfg));
        match loaded {
            Ok(hooks) => hooks.unload(),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    for w in F::warnings(&cfg) {
        eprintln!("warning: {w}");
    }
    ExitCode::SUCCESS
}
