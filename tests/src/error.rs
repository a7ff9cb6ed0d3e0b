//! The harness error type.

use crate::leases::LeaseFileError;
use crate::pcap::PcapError;

/// Why a harness operation failed. Tests `expect` these, so every message says what to fix.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum HarnessError {
    /// Namespaces, veth pairs and raw sockets need root.
    #[error("end-to-end tests need root (network namespaces, raw sockets); effective uid is {0}")]
    NotRoot(u32),
    /// A tool the test drives is not installed.
    #[error("required tool `{tool}` not found in PATH nor /usr/sbin, /sbin (install Debian package `{package}`)")]
    MissingTool {
        /// The program name.
        tool: String,
        /// The Debian package that ships it.
        package: &'static str,
    },
    /// A file or process operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What the harness was doing.
        what: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A command exited unsuccessfully.
    #[error("`{command}` failed ({status}): {stderr}")]
    CommandFailed {
        /// The command line.
        command: String,
        /// Its exit status.
        status: String,
        /// Its standard error (and output when stderr was empty).
        stderr: String,
    },
    /// Something did not happen within its time bound.
    #[error("timed out after {secs:.1} s waiting for {what}")]
    Timeout {
        /// What was awaited.
        what: String,
        /// The bound.
        secs: f64,
    },
    /// `RURU_TEST_SUBJECT` holds an unknown value.
    #[error("RURU_TEST_SUBJECT={0:?} is neither `ruru` nor `kea`")]
    UnknownSubject(String),
    /// No `ruru-dhcp4`/`ruru-dhcp6` binary was found.
    #[error("{binary} binary not found (tried: {tried}); build it with `cargo build --release -p ruru-server` or set {env}")]
    RuruBinaryMissing {
        /// `ruru-dhcp4` or `ruru-dhcp6`.
        binary: &'static str,
        /// The environment variable that names it.
        env: &'static str,
        /// The paths looked at, in order.
        tried: String,
    },
    /// The server under test exited while starting.
    #[error("{subject} exited during startup ({status}); its output:\n{logs}")]
    ServerExited {
        /// `ruru` or `kea`.
        subject: &'static str,
        /// Its exit status.
        status: String,
        /// Its stdout and stderr.
        logs: String,
    },
    /// The server is not running (already stopped or killed).
    #[error("the server is not running")]
    NotRunning,
    /// The config handed to the harness is not a `{"Dhcp4": {...}}` or `{"Dhcp6": {...}}` map.
    #[error("server config: {0}")]
    Config(String),
    /// A tool's output could not be understood.
    #[error("cannot read {what}: {reason}")]
    Output {
        /// Whose output.
        what: &'static str,
        /// What was wrong with it.
        reason: String,
    },
    /// The server's lease file could not be read.
    #[error(transparent)]
    LeaseFile(#[from] LeaseFileError),
    /// A capture file could not be read.
    #[error(transparent)]
    Pcap(#[from] PcapError),
}

/// Result of a harness operation.
pub type Result<T, E = HarnessError> = std::result::Result<T, E>;

/// `expect` prints `Debug`: show the readable message (with its hint) rather than the fields.
impl std::fmt::Debug for HarnessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl HarnessError {
    /// Wraps an I/O error with what the harness was doing.
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        HarnessError::Io {
            what: what.into(),
            source,
        }
    }
}
