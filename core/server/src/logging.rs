//! Logging through `tracing`, configured from Kea's `loggers` section: logger names become targets
//! (`kea-dhcp4`, `kea-dhcp4.leases`, …), severities become levels, outputs are stdout, stderr or a file.
//! Both the filter and the output can change on reconfiguration.

use parking_lot::Mutex;
use ruru_config::{Logger, Severity};
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::sync::Arc;
use tracing_subscriber::{fmt, prelude::*, reload, EnvFilter, Registry};

type Sink = Box<dyn Write + Send>;

/// A writer whose destination can be replaced while the subscriber is installed.
#[derive(Clone)]
struct SwitchWriter(Arc<Mutex<Sink>>);

impl Write for SwitchWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.lock().flush()
    }
}

/// Handle to reconfigure the installed subscriber.
pub(crate) struct Logging {
    filter: reload::Handle<EnvFilter, Registry>,
    sink: Arc<Mutex<Sink>>,
    debug_override: bool,
}

/// Installs the global subscriber with Kea's default (INFO on stdout), or DEBUG everywhere with `-d`.
pub(crate) fn install(debug_override: bool) -> Logging {
    let initial = if debug_override { "debug" } else { "info" };
    let (filter, handle) = reload::Layer::new(EnvFilter::new(initial));
    let sink: Arc<Mutex<Sink>> = Arc::new(Mutex::new(Box::new(io::stdout())));
    let writer = SwitchWriter(sink.clone());
    let fmt = fmt::layer()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_target(true);
    // A second install (tests) keeps the first subscriber; that is harmless.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .try_init();
    Logging {
        filter: handle,
        sink,
        debug_override,
    }
}

impl Logging {
    /// Applies a `loggers` section. Unknown outputs fall back to stdout with a warning.
    pub(crate) fn apply(&self, loggers: &[Logger]) {
        if self.debug_override {
            return;
        }
        let directives: Vec<String> = loggers
            .iter()
            .map(|l| format!("{}={}", l.name, level(l.severity, l.debuglevel)))
            .collect();
        let spec = if directives.is_empty() {
            "info".to_owned()
        } else {
            // Anything not named by a logger stays quiet below WARN, as Kea's unconfigured loggers inherit.
            format!("warn,{}", directives.join(","))
        };
        match EnvFilter::try_new(&spec) {
            Ok(f) => {
                let _ = self.filter.reload(f);
            }
            Err(e) => tracing::warn!(target: "kea-dhcp4", "logger configuration not applied: {e}"),
        }
        let output = loggers
            .iter()
            .find_map(|l| l.outputs.first())
            .map(|o| o.output.as_str())
            .unwrap_or("stdout");
        *self.sink.lock() = match output {
            "stdout" => Box::new(io::stdout()),
            "stderr" => Box::new(io::stderr()),
            s if s.starts_with("syslog") => {
                tracing::warn!(target: "kea-dhcp4", "syslog output is not supported yet; logging to stdout");
                Box::new(io::stdout())
            }
            path => match OpenOptions::new().create(true).append(true).open(path) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    tracing::warn!(target: "kea-dhcp4", "cannot open log file {path}: {e}; logging to stdout");
                    Box::new(io::stdout())
                }
            },
        };
    }
}

/// Kea severity (and debug level 0-99) to a tracing level name.
fn level(s: Severity, debuglevel: u8) -> &'static str {
    match s {
        Severity::Debug if debuglevel >= 50 => "trace",
        Severity::Debug => "debug",
        Severity::Info => "info",
        Severity::Warn => "warn",
        Severity::Error | Severity::Fatal => "error",
        Severity::None => "off",
    }
}
