//! Error construction for the validation stage: a JSON path is turned back
//! into the file position of the item it names.

use std::cell::RefCell;

use super::profile::Profile;
use crate::reader::{Document, Node, NodeValue};
use crate::{ConfigError, Location};

/// Validation context: which server's map is validated, its positioned tree
/// for error positions, and the warnings gathered so far (validation is
/// single-threaded; a `RefCell` spares every builder a `&mut` parameter).
pub(crate) struct Ctx<'a> {
    profile: &'static Profile,
    root: Option<&'a Node>,
    warnings: RefCell<Vec<String>>,
}

impl<'a> Ctx<'a> {
    /// A context for `profile`'s map in `doc`, and that map as plain JSON
    /// with every `comment` folded (the model's `raw`).
    pub(crate) fn of(profile: &'static Profile, doc: &'a Document) -> (Self, serde_json::Value) {
        let root = doc.root.get(profile.root);
        let mut raw = root.map(Node::to_value).unwrap_or_default();
        super::fold_raw(&mut raw);
        let ctx = Ctx {
            profile,
            root,
            warnings: RefCell::new(Vec::new()),
        };
        (ctx, raw)
    }

    /// A context for a map that stands alone (no top-level map to locate errors in).
    pub(crate) fn detached(profile: &'static Profile) -> Self {
        Ctx {
            profile,
            root: None,
            warnings: RefCell::new(Vec::new()),
        }
    }

    /// The positioned top-level map, if any.
    pub(crate) fn root(&self) -> Option<&'a Node> {
        self.root
    }

    /// What differs between the two servers.
    pub(crate) fn profile(&self) -> &'static Profile {
        self.profile
    }

    /// The path of a key of the top-level map (`Dhcp4/key`, `Dhcp6/key`).
    pub(crate) fn path(&self, key: &str) -> String {
        join(self.profile.root, key)
    }

    /// The path of entry `i` of a list of the top-level map.
    pub(crate) fn index(&self, key: &str, i: usize) -> String {
        index(self.profile.root, key, i)
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

    /// The reading stage's warnings of `doc`, then those recorded here (in
    /// the order they were found): they come from an earlier stage.
    pub(crate) fn warnings_after(&self, doc: &Document) -> Vec<String> {
        let mut all = doc.warnings.clone();
        all.append(&mut self.warnings.take());
        all
    }

    /// An `Invalid` error for the item at `path` (`Dhcp6/subnet6[1]/pools[0]`).
    pub(crate) fn invalid(&self, path: &str, msg: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            path: path.to_string(),
            msg: msg.into(),
            location: self.locate(path),
        }
    }

    /// The position of the item at `path`, if the tree has it.
    fn locate(&self, path: &str) -> Option<Location> {
        let mut node = self.root?;
        let rest = path.strip_prefix(self.profile.root)?;
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
