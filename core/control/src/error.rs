//! Errors of this crate: opening sockets (reported to the operator, CTL-029) and client exchanges.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

/// What went wrong in this crate.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    /// A configured socket cannot be opened; `reconcile` changed nothing.
    #[error("control socket {socket}: {reason}")]
    Open {
        /// The socket as an operator recognises it (`unix /run/kea.sock`, `http 127.0.0.1:8000`).
        socket: String,
        /// Why.
        #[source]
        reason: OpenError,
    },
    /// A network or file operation of a client failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// A client exchange took longer than its timeout.
    #[error("no complete response within {0:?}")]
    Timeout(Duration),
    /// The peer answered something that is not a control-channel response.
    #[error("invalid response: {0}")]
    InvalidResponse(String),
    /// Client TLS settings are unusable.
    #[error("TLS: {0}")]
    Tls(String),
}

/// Why one socket cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// `socket-name` does not fit `sun_path` (CTL-011); truncating would open another path.
    #[error("socket name is {len} bytes long, at most {max} fit")]
    NameTooLong {
        /// Length of the name in bytes.
        len: usize,
        /// The limit (107 on Linux).
        max: usize,
    },
    /// Another live process holds the lock file (CTL-016).
    #[error("cannot lock socket lockfile {}: {source}", .lock.display())]
    Locked {
        /// The lock file.
        lock: PathBuf,
        /// The OS error (`EWOULDBLOCK` when another process holds it).
        #[source]
        source: io::Error,
    },
    /// The same socket appears twice in the list (CTL-029).
    #[error("configured more than once")]
    Duplicate,
    /// A file, bind or permission operation failed.
    #[error("cannot {action}: {source}")]
    Io {
        /// What was being done, with the path or address.
        action: String,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// A certificate, key, trust anchor or credential file holds no usable content.
    #[error("{}: {reason}", .path.display())]
    BadFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The TLS settings do not make a server configuration.
    #[error("TLS: {0}")]
    Tls(String),
    /// The `authentication` settings are unusable.
    #[error("authentication: {0}")]
    Auth(String),
}
