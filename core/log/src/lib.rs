//! Kea-compatible logging for Ruru's processes (spec CTL-099..CTL-110), over `tracing`.
//!
//! - Logger names are tracing targets: code logs with `target: "kea-dhcp4.leases"` and the
//!   `loggers` entry of that name, or of its nearest configured ancestor, decides (`tree`). Events of
//!   other targets (crates logging under their module path) belong to the process's root logger.
//! - Severities are tracing levels; Kea's debug levels 0..99 map onto `debug!`/`trace!` plus an
//!   optional `debuglevel = N` field (`level`). Filtering is tracing's per-callsite interest,
//!   recomputed when a configuration is applied, so a disabled event costs a cached check.
//! - A Kea message is `ID text`: events carry the ID as the field `id = "DHCP4_STARTED"`, and
//!   other fields follow the text as ` key=value` (`layer`).
//! - Each logger's outputs (stdout, stderr, syslog, files with rotation) format lines with their
//!   own log4cplus pattern, compiled when the configuration is applied (`pattern`, `output`).
//!
//! A process calls [`Logging::install`] first thing, then [`Logging::apply`] with every
//! configuration it puts in force.

mod error;
mod layer;
mod level;
mod output;
mod pattern;
mod tree;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ruru_config::{LogOutput, Logger};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub use error::{LogError, PatternError};

/// Targets of plugins' messages (the server's hook host logs them there): each event names the
/// plugin's own logger in a `logger` field and belongs to `<root>.<logger>`, e.g.
/// `kea-dhcp4.lease-cmds-hooks`, configurable like any other logger (HK-036).
pub const PLUGIN_TARGETS: [&str; 2] = ["kea-dhcp4.plugin", "kea-dhcp6.plugin"];

pub(crate) fn is_plugin_target(target: &str) -> bool {
    PLUGIN_TARGETS.contains(&target)
}
use layer::{KeaLayer, Shared};
use level::Threshold;
use output::Opener;
use tree::{Node, Tree};

/// `KEA_LOGGER_DESTINATION`: where logging goes until a configuration says otherwise (CTL-110).
pub const DESTINATION_ENV: &str = "KEA_LOGGER_DESTINATION";

/// `KEA_LOCKFILE_DIR`: where the lock guarding shared log files lives; `none` for no lock (CTL-110).
pub const LOCKFILE_DIR_ENV: &str = "KEA_LOCKFILE_DIR";

/// The lock directory without `KEA_LOCKFILE_DIR`: where Ruru keeps its PID files too.
const DEFAULT_LOCKFILE_DIR: &str = "/run/kea";

/// How logging starts, before any configuration is read (CTL-103, CTL-110).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Startup {
    /// The process's root logger: `kea-dhcp4`, `kea-dhcp6`, `kea-ctrl-agent`.
    pub root: &'static str,
    /// `-d`: DEBUG/99 for every logger, whatever the configuration says.
    pub debug: bool,
    /// An `output` value: `stdout`, `stderr`, `syslog[:facility]` or a file.
    pub destination: String,
    /// The lock file's directory; `None` for no lock.
    pub lock_dir: Option<PathBuf>,
}

impl Startup {
    /// Reads `KEA_LOGGER_DESTINATION` and `KEA_LOCKFILE_DIR`.
    pub fn from_env(root: &'static str, debug: bool) -> Startup {
        let var = |name| std::env::var(name).ok();
        Startup::from_values(
            root,
            debug,
            var(DESTINATION_ENV).as_deref(),
            var(LOCKFILE_DIR_ENV).as_deref(),
        )
    }

    /// As [`Startup::from_env`] with the variables' values given (unset: `None`).
    pub fn from_values(
        root: &'static str,
        debug: bool,
        destination: Option<&str>,
        lock_dir: Option<&str>,
    ) -> Startup {
        let destination = destination.filter(|d| !d.is_empty()).unwrap_or("stdout");
        let lock_dir = match lock_dir.filter(|d| !d.is_empty()) {
            Some("none") => None,
            Some(dir) => Some(PathBuf::from(dir)),
            None => Some(PathBuf::from(DEFAULT_LOCKFILE_DIR)),
        };
        Startup {
            root,
            debug,
            destination: destination.to_owned(),
            lock_dir,
        }
    }

    /// The startup destination as an output entry with Kea's defaults.
    fn output(&self) -> LogOutput {
        LogOutput {
            output: self.destination.clone(),
            flush: true,
            maxsize: 10_240_000,
            maxver: 1,
            pattern: None,
        }
    }
}

/// The installed logging, to follow configuration changes.
#[derive(Debug)]
pub struct Logging {
    shared: Arc<Shared>,
    startup: Startup,
}

impl Logging {
    /// Installs the process's logging: INFO and above (everything with `-d`) to the startup
    /// destination (CTL-103, CTL-110). A second install in one process (tests) keeps the first.
    pub fn install(startup: Startup) -> Logging {
        let (logging, layer) = Logging::new(startup);
        let _ = tracing_subscriber::registry().with(layer).try_init();
        logging
    }

    /// The logging and its layer, not yet installed.
    fn new(startup: Startup) -> (Logging, KeaLayer) {
        let (tree, errors) = build(&startup, &[]);
        let shared = Arc::new(Shared::new(tree));
        report(&errors);
        let layer = KeaLayer(shared.clone());
        (Logging { shared, startup }, layer)
    }

    /// Puts a `loggers` section in force; an empty one restores the startup logging (CTL-103).
    /// What cannot be set up as written falls back to a default and is logged, never refused.
    pub fn apply(&self, loggers: &[Logger]) {
        let (tree, errors) = build(&self.startup, loggers);
        self.shared.replace(tree);
        report(&errors);
    }
}

impl Drop for Logging {
    /// Lines file outputs hold back (`flush` off) are written when the process is done with
    /// logging: the installed subscriber itself is never dropped.
    fn drop(&mut self) {
        self.shared.current().drain();
    }
}

fn build(startup: &Startup, loggers: &[Logger]) -> (Tree, Vec<LogError>) {
    let mut opener = Opener::new(startup.root, startup.lock_dir.as_deref().map(Path::new));
    let base = Node {
        threshold: if startup.debug {
            Threshold::DEBUG_ALL
        } else {
            Threshold::INFO
        },
        outputs: Arc::new([opener.open(startup.root, &startup.output())]),
    };
    let tree = Tree::build(startup.root, base, startup.debug, loggers, &mut opener);
    (tree, opener.errors)
}

/// Logs what could not be set up, through the logging now in force (under the root logger).
fn report(errors: &[LogError]) {
    for e in errors {
        tracing::warn!(id = e.id(), "{e}");
    }
}

#[cfg(test)]
mod tests;
