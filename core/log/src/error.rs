//! Why part of a `loggers` section could not be put in force. None of these stops the process:
//! the part falls back to a default and the reason is logged (Kea's logging never refuses to run).

use std::path::PathBuf;

/// A `pattern` that does not compile (CTL-107).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// The pattern ends in the middle of a `%` conversion.
    #[error("the pattern ends inside the conversion at offset {0}")]
    Dangling(usize),
    /// A conversion character log4cplus does not have.
    #[error("unknown conversion '%{ch}' at offset {at}")]
    Unknown {
        /// The character after `%` and its modifiers.
        ch: char,
        /// Byte offset of the `%`.
        at: usize,
    },
    /// `{` without its `}`.
    #[error("the option of the conversion at offset {0} has no closing '}}'")]
    Unclosed(usize),
    /// `%c{…}` that is not a number of name components.
    #[error("'%c{{{0}}}' is not a number of logger name components")]
    Precision(String),
}

/// An output of a `loggers` entry that could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// Its `pattern`; the output uses the default pattern instead.
    #[error("logger '{logger}', output '{output}': bad pattern, the default is used: {source}")]
    Pattern {
        /// The logger entry's name.
        logger: String,
        /// The entry's `output`.
        output: String,
        /// What is wrong with the pattern.
        source: PatternError,
    },
    /// The log file; the output writes to stdout instead.
    #[error("cannot open the log file {}, logging to stdout instead: {source}", path.display())]
    Open {
        /// The file named by `output`.
        path: PathBuf,
        /// What open(2) said.
        source: std::io::Error,
    },
    /// The lock file that keeps several processes from rotating one file at the same time (CTL-105).
    #[error("cannot open the logging lock file {} (KEA_LOCKFILE_DIR), rotation is not guarded against other processes: {source}", path.display())]
    Lock {
        /// `<KEA_LOCKFILE_DIR>/logger_lockfile`.
        path: PathBuf,
        /// What open(2) said.
        source: std::io::Error,
    },
}

impl LogError {
    /// The message ID the problem is logged with.
    pub fn id(&self) -> &'static str {
        match self {
            LogError::Pattern { .. } => "LOG_BAD_PATTERN",
            LogError::Open { .. } => "LOG_OPEN_OUTPUT_FAIL",
            LogError::Lock { .. } => "LOG_LOCK_FILE_FAIL",
        }
    }
}
