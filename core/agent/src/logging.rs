//! Logging through `tracing` from the `loggers` section (CTL-099..104), kept minimal: logger names
//! are tracing targets (`kea-ctrl-agent`, `kea-ctrl-agent.commands`, ...), each entry sets its
//! threshold, and one destination serves them all — the first output written in the section
//! (`stdout`, `stderr` or a file; syslog falls back to stdout with a warning). Per-logger outputs,
//! rotation and Kea's line layout are not reproduced yet.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::sync::Arc;

use parking_lot::Mutex;
use ruru_config::{Logger, Severity};
use tracing_subscriber::{fmt, prelude::*, reload, EnvFilter, Registry};

/// The agent's root logger.
pub(crate) const ROOT: &str = "kea-ctrl-agent";

/// Where lines go; replaced when a configuration names another output.
type Destination = Arc<Mutex<Box<dyn Write + Send>>>;

/// A handle on the installed subscriber, to follow configuration changes.
pub(crate) struct Logging {
    filter: reload::Handle<EnvFilter, Registry>,
    destination: Destination,
    /// `-d`: DEBUG everywhere on stdout, whatever the configuration says (CTL-103).
    forced: bool,
}

/// Writes to the current destination.
#[derive(Clone)]
struct Sink(Destination);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.lock().flush()
    }
}

/// Installs the subscriber: INFO on stdout before any configuration is read, DEBUG with `-d`.
pub(crate) fn install(debug: bool) -> Logging {
    let (filter, handle) = reload::Layer::new(EnvFilter::new(if debug { "trace" } else { "info" }));
    let destination: Destination = Arc::new(Mutex::new(Box::new(io::stdout())));
    let sink = Sink(destination.clone());
    let layer = fmt::layer()
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .with_target(true);
    // Installing twice (tests) keeps the first subscriber, which is harmless.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(layer)
        .try_init();
    Logging {
        filter: handle,
        destination,
        forced: debug,
    }
}

impl Logging {
    /// Puts a `loggers` section in force; without one, INFO on stdout (CTL-103).
    pub(crate) fn apply(&self, loggers: &[Logger]) {
        if self.forced {
            return;
        }
        let mut spec = String::from("info");
        for l in loggers {
            spec.push_str(&format!(",{}={}", l.name, level(l.severity, l.debuglevel)));
        }
        match EnvFilter::try_new(&spec) {
            Ok(filter) => {
                let _ = self.filter.reload(filter);
            }
            Err(e) => tracing::warn!(target: ROOT, "logger thresholds not applied: {e}"),
        }
        let output = loggers
            .iter()
            .find_map(|l| l.outputs.first())
            .map_or("stdout", |o| o.output.as_str());
        *self.destination.lock() = open(output);
    }
}

/// The destination named by a Kea `output` (CTL-104).
fn open(output: &str) -> Box<dyn Write + Send> {
    match output {
        "stdout" => Box::new(io::stdout()),
        "stderr" => Box::new(io::stderr()),
        syslog if syslog.starts_with("syslog") => {
            tracing::warn!(target: ROOT, "syslog output is not supported yet; logging to stdout");
            Box::new(io::stdout())
        }
        path => match OpenOptions::new().create(true).append(true).open(path) {
            Ok(file) => Box::new(file),
            Err(e) => {
                tracing::warn!(target: ROOT, "cannot open the log file {path}: {e}; logging to stdout");
                Box::new(io::stdout())
            }
        },
    }
}

/// A Kea severity as a tracing level; debug levels 50 and above are tracing's `trace`.
fn level(severity: Severity, debuglevel: u8) -> &'static str {
    match severity {
        Severity::Debug if debuglevel >= 50 => "trace",
        Severity::Debug => "debug",
        Severity::Info => "info",
        Severity::Warn => "warn",
        Severity::Error | Severity::Fatal => "error",
        Severity::None => "off",
    }
}
