//! Why the agent could not start or could not put a configuration in force. Commands and the
//! command line turn these into texts at the edge.

use std::path::PathBuf;

use ruru_config::ConfigError;
use ruru_control::pidfile::PidFileError;
use ruru_control::ControlError;

/// A failure of the agent process.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AgentError {
    /// The `-c` file (or one it includes) is unreadable or invalid.
    #[error("configuration error in {}: {source}", .file.display())]
    File {
        /// The `-c` file.
        file: PathBuf,
        /// What is wrong, with its position (boxed: configuration errors are large).
        #[source]
        source: Box<ConfigError>,
    },
    /// A configuration given by `config-set` is invalid.
    #[error("configuration error: {0}")]
    Config(#[source] Box<ConfigError>),
    /// The HTTP(S) listener cannot be opened (bind, certificates, credential files).
    #[error("cannot open the HTTP listener: {0}")]
    Listener(#[source] ControlError),
    /// Signal handlers or the runtime could not be set up.
    #[error("cannot {action}: {source}")]
    Setup {
        /// What was being set up.
        action: &'static str,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Another agent started with the same configuration file is running (its PID file says so).
    #[error("{0}")]
    AlreadyRunning(#[source] PidFileError),
    /// A `hooks-libraries` entry cannot be opened, is not a plugin of this ABI, or refused to load.
    #[error("{0}")]
    Hooks(String),
    /// The main loop has stopped; nothing can be applied any more.
    #[error("the agent is shutting down")]
    ShuttingDown,
}
