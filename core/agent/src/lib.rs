//! `ruru-ctrl-agent`, the replacement of `kea-ctrl-agent` (CTL-031..035, CTL-038, CTL-042,
//! CTL-080): an HTTP(S) listener that answers its own commands and forwards the others, unchanged,
//! to the servers' UNIX control sockets named in its `Control-agent` configuration.
//!
//! - [`config`]: the `Control-agent` map, read strictly with positions;
//! - `process`: the running agent (listener, forwarding table, signals, reconfiguration);
//! - `forward`: one answer per service in `service`, in order;
//! - `commands`: the agent's own commands;
//! - `plugins`: `hooks-libraries`, asked first about every request and command (CTL-036).
//!
//! The transport (HTTP framing, basic authentication, TLS) is `ruru-control`'s, the same the
//! servers' HTTP sockets use; the agent plugs in a handler whose HTTP answer is a list.

pub mod cli;
mod commands;
pub mod config;
mod error;
mod forward;
mod plugins;
mod process;
mod version;

use std::path::Path;
use std::process::ExitCode;

use cli::Args;

/// Runs `ruru-ctrl-agent` with parsed flags.
pub fn main(args: Args) -> ExitCode {
    if args.version {
        println!("{}", version::short());
        return ExitCode::SUCCESS;
    }
    if args.extended_version {
        println!("{}", version::extended());
        return ExitCode::SUCCESS;
    }
    if args.build_report {
        println!("{}", version::build_report());
        return ExitCode::SUCCESS;
    }
    if let Some(path) = &args.test {
        return check(path);
    }
    if let Some(path) = &args.convert {
        return convert(path);
    }
    let Some(path) = args.config else {
        eprintln!(
            "{0}: a configuration file is required: {0} -c FILE (see -h)",
            version::BINARY
        );
        return ExitCode::FAILURE;
    };
    let logging =
        ruru_log::Logging::install(ruru_log::Startup::from_env(process::ROOT, args.debug));
    let cfg = match process::load(&path) {
        Ok(cfg) => cfg,
        Err(msg) => {
            tracing::error!(target: "kea-ctrl-agent.ctrl-agent", id = "CTRL_AGENT_FAILED", "{msg}");
            eprintln!("{msg}");
            return ExitCode::FAILURE;
        }
    };
    logging.apply(&cfg.loggers);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build();
    let result = match runtime {
        Ok(rt) => rt.block_on(process::serve(path, cfg, logging)),
        Err(source) => Err(error::AgentError::Setup {
            action: "start the runtime",
            source,
        }),
    };
    match result {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(msg) => {
            tracing::error!(target: "kea-ctrl-agent.ctrl-agent", id = "CTRL_AGENT_FAILED", "{msg}");
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

/// `-t`: validate (the plugin files opened and checked too), print warnings, exit 0; or print the
/// reason and exit 1.
fn check(path: &Path) -> ExitCode {
    match process::load(path).and_then(|cfg| plugins::check(&cfg.hooks).map(|_| cfg)) {
        Ok(cfg) => {
            for w in cfg.warnings {
                eprintln!("warning: {w}");
            }
            println!("{}: configuration check successful", path.display());
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

/// `--convert`: the agent's listener as a server's `control-sockets` entry on stdout (CTL-037);
/// which servers the agent forwarded to, on stderr. Exit 1 with the reason for an invalid file.
fn convert(path: &Path) -> ExitCode {
    let converted =
        ruru_config::reader::read_file(path).and_then(|doc| config::server_socket(&doc));
    match converted {
        Ok((entry, services)) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&entry).expect("JSON values serialize")
            );
            if !services.is_empty() {
                eprintln!(
                    "add the entry to \"control-sockets\" of: {}; each server needs its own \
                     socket-address/socket-port pair",
                    services.join(", ")
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
