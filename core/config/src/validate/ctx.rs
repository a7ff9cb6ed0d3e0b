//! Error construction for the validation stage: a JSON path is turned back
//! into the file position of the item it names.

use std::cell::RefCell;

use crate::reader::{Node, NodeValue};
use crate::{ConfigError, Location};

/// Validation context: the positioned `Dhcp4` tree, for error positions, and
/// the warnings gathered so far (validation is single-threaded; a `RefCell`
/// spares every builder a `&mut` parameter).
pub(crate) struct Ctx<'a> {
    dhcp4: Option<&'a Node>,
    warnings: RefCell<Vec<String>>,
}

impl<'a> Ctx<'a> {
    /// A context locating paths under `dhcp4` (None: no positions known).
    pub(crate) fn new(dhcp4: Option<&'a Node>) -> Self {
        Ctx {
            dhcp4,
            warnings: RefCell::new(Vec::new()),
        }
    }

    /// Records a warning about the item at `path`, written like an `Invalid`
    /// error (`file:line:col: path: msg`).
    pub(crate) fn warn(&self, path: &str, msg: impl std::fmt::Display) {
        let at = self
            .locate(path)
            .map(|l| format!("{l}: "))
            .unwrap_or_default();
        self.warnings
            .borrow_mut()
            .push(format!("{at}{path}: {msg}"));
    }

    /// Takes the warnings recorded so far, in the order they were found.
    pub(crate) fn take_warnings(&self) -> Vec<String> {
        self.warnings.take()
    }

    /// An `Invalid` error for the item at `path` (`Dhcp4/subnet4[1]/pools[0]`).
    pub(crate) fn invalid(&self, path: &str, msg: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            path: path.to_string(),
            msg: msg.into(),
            location: self.locate(path),
        }
    }

    /// The position of the item at `path`, if the tree has it.
    fn locate(&self, path: &str) -> Option<Location> {
        let mut node = self.dhcp4?;
        let rest = path.strip_prefix("Dhcp4")?;
        for part in rest.split('/').filter(|p| !p.is_empty()) {
            let (key, indexes) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if !key.is_empty() {
                node = node.get(key)?;
            }
            for idx in indexes.split(['[', ']']).filter(|s| !s.is_empty()) {
                let i: usize = idx.parse().ok()?;
                node = match &node.value {
                    NodeValue::Array(items) => items.get(i)?,
                    _ => return None,
                };
            }
        }
        Some((&node.loc).into())
    }
}

/// `parent/key`.
pub(crate) fn join(parent: &str, key: &str) -> String {
    format!("{parent}/{key}")
}

/// `parent/key[i]`.
pub(crate) fn index(parent: &str, key: &str, i: usize) -> String {
    format!("{parent}/{key}[{i}]")
}
