//! Errors of lease storage.

use std::path::PathBuf;

/// A lease backend failed. The caller applies its failure policy; the lease data in memory is unchanged
/// unless the operation says otherwise.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A file operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A lease file cannot be used at all (for example its header is not a lease file header).
    #[error("{path}:{line}: {reason}")]
    Corrupt {
        /// The file concerned.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// More rows than `max-row-errors` could not be read.
    #[error("{path}: {errors} invalid rows, more than max-row-errors ({max})")]
    TooManyRowErrors {
        /// The file in which the limit was passed.
        path: PathBuf,
        /// Invalid rows seen so far, over all files loaded.
        errors: u64,
        /// The configured limit.
        max: u32,
    },
    /// The lease cannot be stored as it is (Kea's files and schemas could not hold it either).
    #[error("lease {address} cannot be stored: {reason}")]
    InvalidLease {
        /// The lease's address.
        address: std::net::IpAddr,
        /// What is wrong.
        reason: &'static str,
    },
    /// A lease file cleanup process named in the PID file is still running, so the files are in use.
    #[error("lease file cleanup process {pid} (from {pid_file}) is still running")]
    LfcRunning {
        /// The PID file.
        pid_file: PathBuf,
        /// The live process.
        pid: i32,
    },
    /// The lease file cleanup program could not be started.
    #[error("cannot start lease file cleanup program {program}: {source}")]
    Spawn {
        /// The program.
        program: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A database backend failed; `unavailable` when the connection is lost or refused (the
    /// server's `on-fail` policy then applies), otherwise the statement itself failed.
    #[error("{reason}")]
    Backend {
        /// Whether the database cannot be reached.
        unavailable: bool,
        /// What the backend said.
        reason: String,
    },
}

impl StoreError {
    /// Whether the backend lost its connection (a database is unreachable).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Backend {
                unavailable: true,
                ..
            }
        )
    }

    /// Wraps an I/O error with the file it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
