//! Stage 1: Kea's JSON dialect into a tree of values that remember where
//! they were written.
//!
//! Kea extends JSON with `#`, `//` and `/* */` comments, `<?include "file"?>`
//! (spliced at token level, relative paths from the working directory, at
//! most ten levels deep) and tolerated trailing commas (a warning, as Kea
//! prints). Duplicate keys in a map are an error, as in Kea since 1.9.
//! This stage knows nothing of DHCP and serves every Kea daemon's file.

mod lexer;
mod parser;

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::ConfigError;

/// Where a token was written: file name as given, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    /// File name (as given on the command line or in the include).
    pub file: Arc<str>,
    /// Line, from 1.
    pub line: u32,
    /// Column (in characters), from 1.
    pub col: u32,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

impl From<&Loc> for crate::Location {
    fn from(l: &Loc) -> Self {
        crate::Location {
            file: l.file.to_string(),
            line: l.line as usize,
            col: l.col as usize,
        }
    }
}

/// A JSON value with the position of its first token.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: NodeValue,
    /// Where it starts.
    pub loc: Loc,
}

/// The JSON value kinds; maps keep their order and each key's position.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits `i64`.
    Int(i64),
    /// A non-negative integer above `i64::MAX`.
    UInt(u64),
    /// A number with a fraction or exponent.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    Array(Vec<Node>),
    /// A map, in written order.
    Object(Vec<Entry>),
}

/// One `"key": value` of a map.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Where the key is written.
    pub key_loc: Loc,
    /// The value.
    pub value: Node,
}

/// A whole configuration file as read.
#[derive(Debug, Clone)]
pub struct Document {
    /// The top-level value (a map for every Kea daemon).
    pub root: Node,
    /// Tolerated oddities (trailing commas), each with its position.
    pub warnings: Vec<String>,
}

impl Node {
    /// The value of `key` if this is a map holding it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            NodeValue::Object(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    /// The same value as plain JSON (positions dropped).
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Int(i) => Value::from(*i),
            NodeValue::UInt(u) => Value::from(*u),
            // Non-finite floats cannot be written in JSON, so they never occur here.
            NodeValue::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            NodeValue::Str(s) => Value::String(s.clone()),
            NodeValue::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            NodeValue::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_value()))
                    .collect(),
            ),
        }
    }
}

/// Reads a configuration file (and the files it includes).
pub fn read_file(path: &Path) -> Result<Document, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let canonical = std::fs::canonicalize(path).ok();
    parser::parse(lexer::Lexer::new(
        &path.display().to_string(),
        canonical,
        &text,
    ))
}

/// Reads configuration text; `name` stands for the file in positions.
/// Includes are resolved from the working directory, as for files.
pub fn read_str(text: &str, name: &str) -> Result<Document, ConfigError> {
    parser::parse(lexer::Lexer::new(name, None, text))
}

/// Builds a positioned tree from plain JSON (for `config-set`): the value is
/// pretty-printed under `name` and read back, so positions point into that text.
pub fn from_value(value: &serde_json::Value, name: &str) -> Result<Document, ConfigError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| ConfigError::Invalid {
        path: name.to_string(),
        msg: e.to_string(),
        location: None,
    })?;
    read_str(&text, name)
}

#[cfg(test)]
mod tests;
