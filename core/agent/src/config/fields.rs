//! A strict reader over `ruru_config::reader`'s positioned tree.
//!
//! Each map states the keys it accepts; any other key, and any value of the wrong type, is refused
//! with its `file:line:col` and JSON path, in the same [`ConfigError`] shapes the servers use, so an
//! operator reads the agent's errors the way they read the servers'. The agent's grammar is small
//! enough that reading it by hand costs less than a second serde deserializer over positions.

use ruru_config::reader::{Entry, Loc, Node, NodeValue};
use ruru_config::{ConfigError, Location};
use serde_json::{Map, Value};

/// One map of the configuration, its keys already checked against the accepted set.
pub(crate) struct Fields<'a> {
    path: String,
    /// Where the map starts, for errors about keys it lacks.
    loc: &'a Loc,
    entries: &'a [Entry],
}

impl<'a> Fields<'a> {
    /// Reads `node`, found at `path`, as a map holding only `allowed` keys. The first other key
    /// is the error, named with its position; `hint` is appended to its message.
    pub(crate) fn new(
        node: &'a Node,
        path: &str,
        allowed: &[&str],
        hint: &str,
    ) -> Result<Self, ConfigError> {
        let NodeValue::Object(entries) = &node.value else {
            return Err(wrong_type(node, path, "expected a map"));
        };
        if let Some(e) = entries.iter().find(|e| !allowed.contains(&e.key.as_str())) {
            return Err(ConfigError::UnknownKey {
                key: e.key.clone(),
                file: e.key_loc.file.to_string(),
                line: e.key_loc.line as usize,
                col: e.key_loc.col as usize,
                path: path.to_string(),
                hint: hint.to_string(),
            });
        }
        Ok(Self {
            path: path.to_string(),
            loc: &node.loc,
            entries,
        })
    }

    /// The JSON path of `key` in this map.
    pub(crate) fn at(&self, key: &str) -> String {
        format!("{}/{key}", self.path)
    }

    /// The value of `key`, if written.
    pub(crate) fn node(&self, key: &str) -> Option<&'a Node> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.value)
    }

    /// A string value.
    pub(crate) fn string(&self, key: &str) -> Result<Option<String>, ConfigError> {
        self.typed(key, "a string", |v| match v {
            NodeValue::Str(s) => Some(s.clone()),
            _ => None,
        })
    }

    /// A boolean value.
    pub(crate) fn boolean(&self, key: &str) -> Result<Option<bool>, ConfigError> {
        self.typed(key, "a boolean", |v| match v {
            NodeValue::Bool(b) => Some(*b),
            _ => None,
        })
    }

    /// An integer value that fits `T` (Kea's wording for one that does not).
    pub(crate) fn integer<T: TryFrom<i64>>(&self, key: &str) -> Result<Option<T>, ConfigError> {
        let Some(value) = self.typed(key, "an integer", |v| match v {
            NodeValue::Int(i) => Some(*i),
            _ => None,
        })?
        else {
            return Ok(None);
        };
        T::try_from(value).map(Some).map_err(|_| {
            self.invalid(
                key,
                format!("out of range value ({value}) specified for parameter '{key}'"),
            )
        })
    }

    /// The items of a list value (none when absent).
    pub(crate) fn list(&self, key: &str) -> Result<&'a [Node], ConfigError> {
        Ok(self
            .typed(key, "a list", |v| match v {
                NodeValue::Array(items) => Some(items.as_slice()),
                _ => None,
            })?
            .unwrap_or_default())
    }

    /// `user-context` (a map) with a `comment` string folded in as `user-context.comment`, as
    /// `config-get` shows it (CTL-074, CTL-075).
    pub(crate) fn user_context(&self) -> Result<Option<Map<String, Value>>, ConfigError> {
        let context = self
            .typed("user-context", "a map", |v| match v {
                NodeValue::Object(_) => Some(()),
                _ => None,
            })?
            .and_then(|()| self.node("user-context"))
            .map(|n| match n.to_value() {
                Value::Object(m) => m,
                _ => Map::new(),
            });
        let Some(comment) = self.string("comment")? else {
            return Ok(context);
        };
        let mut context = context.unwrap_or_default();
        context.insert("comment".into(), Value::String(comment));
        Ok(Some(context))
    }

    /// A configuration rule broken by the value of `key`, or by this map when `key` is absent.
    pub(crate) fn invalid(&self, key: &str, msg: impl Into<String>) -> ConfigError {
        let (path, loc) = match self.node(key) {
            Some(n) => (self.at(key), &n.loc),
            None => (self.path.clone(), self.loc),
        };
        ConfigError::Invalid {
            path,
            msg: msg.into(),
            location: Some(Location::from(loc)),
        }
    }

    /// `key`'s value through `pick`; a value `pick` refuses is a type error saying `expected`.
    fn typed<T>(
        &self,
        key: &str,
        expected: &str,
        pick: impl FnOnce(&'a NodeValue) -> Option<T>,
    ) -> Result<Option<T>, ConfigError> {
        let Some(node) = self.node(key) else {
            return Ok(None);
        };
        pick(&node.value)
            .map(Some)
            .ok_or_else(|| wrong_type(node, &self.at(key), &format!("expected {expected}")))
    }
}

/// A value of the wrong JSON type at `path`.
pub(crate) fn wrong_type(node: &Node, path: &str, msg: &str) -> ConfigError {
    ConfigError::Type {
        file: node.loc.file.to_string(),
        line: node.loc.line as usize,
        col: node.loc.col as usize,
        path: path.to_string(),
        msg: msg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruru_config::reader::read_str;

    fn doc(text: &str) -> Node {
        read_str(text, "t.json").unwrap().root
    }

    #[test]
    fn unknown_key_named_with_position_and_path() {
        let root = doc("{\n  \"a\": 1,\n  \"bogus\": 2\n}");
        let err = Fields::new(&root, "Control-agent", &["a"], "")
            .err()
            .unwrap()
            .to_string();
        assert_eq!(err, "t.json:3:3: unknown key 'bogus' in Control-agent");
    }

    #[test]
    fn wrong_types_and_ranges_are_positioned() {
        let root = doc(r#"{"p": 70000, "s": 5, "u": [1], "c": "x"}"#);
        let f = Fields::new(&root, "X", &["p", "s", "u", "c"], "").unwrap();
        assert_eq!(
            f.integer::<u16>("p").unwrap_err().to_string(),
            "t.json:1:7: X/p: out of range value (70000) specified for parameter 'p'"
        );
        assert_eq!(
            f.string("s").unwrap_err().to_string(),
            "t.json:1:19: expected a string (at X/s)"
        );
        assert_eq!(
            f.list("c").unwrap_err().to_string(),
            "t.json:1:37: expected a list (at X/c)"
        );
        assert_eq!(f.integer::<u16>("missing").unwrap(), None);
    }

    #[test]
    fn comment_folds_into_user_context() {
        let root = doc(r#"{"comment": "c", "user-context": {"a": 1}}"#);
        let f = Fields::new(&root, "X", &["comment", "user-context"], "").unwrap();
        let uc = f.user_context().unwrap().unwrap();
        assert_eq!(
            Value::Object(uc),
            serde_json::json!({"a": 1, "comment": "c"})
        );
    }
}
