//! Errors of the three configuration stages.

use std::fmt;
use std::path::PathBuf;

/// A position in a configuration file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// File name as given (or `<string>` for text without a file).
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub col: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A file (the main one or an include) could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not Kea JSON (bad token, unterminated comment, include loop...).
    #[error("{file}:{line}:{col}: {msg}")]
    Syntax {
        /// File name.
        file: String,
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        col: usize,
        /// What is wrong.
        msg: String,
    },
    /// A map holds a key that Kea's grammar does not have there (V4-002).
    #[error("{file}:{line}:{col}: unknown key '{key}' in {path}{hint}")]
    UnknownKey {
        /// The offending key.
        key: String,
        /// File name.
        file: String,
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        col: usize,
        /// JSON path of the map holding the key.
        path: String,
        /// How to migrate a key older Kea versions had there (empty if none).
        hint: String,
    },
    /// A key has the wrong JSON type or a mandatory key is missing.
    #[error("{file}:{line}:{col}: {msg} (at {path})")]
    Type {
        /// File name.
        file: String,
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        col: usize,
        /// JSON path of the value.
        path: String,
        /// What is wrong (serde's message).
        msg: String,
    },
    /// A value breaks a rule of the configuration (validation stage).
    #[error("{}{path}: {msg}", location_prefix(.location))]
    Invalid {
        /// JSON path of the offending item, e.g. `Dhcp4/subnet4[2]/pools[0]`.
        path: String,
        /// What is wrong, naming the item (subnet id and prefix, pool text, key).
        msg: String,
        /// Where the item is written, when known.
        location: Option<Location>,
    },
}

fn location_prefix(loc: &Option<Location>) -> String {
    loc.as_ref().map(|l| format!("{l}: ")).unwrap_or_default()
}
