//! A serde `Deserializer` over the positioned tree, so an unknown or
//! mistyped key is reported with its own file:line:column and JSON path,
//! even across included files.

use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use crate::reader::{Entry, Loc, Node, NodeValue};
use crate::ConfigError;

/// A wire-stage error; position and path are filled in while it unwinds.
#[derive(Debug)]
pub(crate) struct DeError {
    msg: String,
    /// Set for `deny_unknown_fields` failures.
    unknown_key: Option<String>,
    loc: Option<Loc>,
    /// Path segments, innermost first (pushed while unwinding).
    path: Vec<String>,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            msg: msg.to_string(),
            unknown_key: None,
            loc: None,
            path: Vec::new(),
        }
    }

    fn unknown_field(field: &str, _expected: &'static [&'static str]) -> Self {
        DeError {
            msg: format!("unknown key '{field}'"),
            unknown_key: Some(field.to_string()),
            loc: None,
            path: Vec::new(),
        }
    }

    fn missing_field(field: &'static str) -> Self {
        de::Error::custom(format_args!("missing mandatory key '{field}'"))
    }
}

impl DeError {
    fn at(mut self, loc: &Loc) -> Self {
        if self.loc.is_none() {
            self.loc = Some(loc.clone());
        }
        self
    }

    fn within(mut self, segment: String) -> Self {
        self.path.push(segment);
        self
    }

    /// The JSON path from the root, e.g. `Dhcp4/subnet4[0]/pools[1]`.
    fn path_string(&self, root: &str) -> String {
        let mut s = root.to_string();
        for seg in self.path.iter().rev() {
            if !seg.starts_with('[') && !s.is_empty() {
                s.push('/');
            }
            s.push_str(seg);
        }
        s
    }

    /// The public error, with `root` naming the deserialized map.
    pub(crate) fn into_config_error(self, root: &str, root_loc: &Loc) -> ConfigError {
        let loc = self.loc.clone().unwrap_or_else(|| root_loc.clone());
        let file = loc.file.to_string();
        let (line, col) = (loc.line as usize, loc.col as usize);
        match self.unknown_key.clone() {
            Some(key) => {
                // The key's own segment is not part of the map's path.
                let path = self.path_string(root);
                let hint = migration_hint(&path, &key);
                ConfigError::UnknownKey {
                    key,
                    file,
                    line,
                    col,
                    path,
                    hint,
                }
            }
            None => ConfigError::Type {
                file,
                line,
                col,
                path: self.path_string(root),
                msg: self.msg,
            },
        }
    }
}

/// Advice for keys that Kea 2.2 had and Kea 2.7.3's grammar dropped with no
/// one-to-one replacement (renamed or moved keys are accepted instead, with a
/// warning, by the model stage).
fn migration_hint(path: &str, key: &str) -> String {
    match key {
        "reservation-mode" => {
            "; removed: use reservations-global, reservations-in-subnet and reservations-out-of-pool".into()
        }
        "Logging" | "Dhcp4" | "Dhcp6" | "DhcpDdns" | "Control-agent" | "Netconf"
            if path.is_empty() =>
        {
            "; a server's file holds only its own map, Dhcp4 for kea-dhcp4 and Dhcp6 for kea-dhcp6 (loggers go inside it)".into()
        }
        _ => String::new(),
    }
}

/// Deserializes `T` from `node`; errors name `root` as the top of the path.
pub(crate) fn from_node<'de, T: de::Deserialize<'de>>(
    node: &'de Node,
    root: &str,
) -> Result<T, ConfigError> {
    T::deserialize(NodeDe(node)).map_err(|e| e.at(&node.loc).into_config_error(root, &node.loc))
}

/// The deserializer for one node.
pub(crate) struct NodeDe<'a>(pub(crate) &'a Node);

fn invalid_type(node: &Node, exp: &dyn de::Expected) -> DeError {
    let unexp = match &node.value {
        NodeValue::Null => de::Unexpected::Unit,
        NodeValue::Bool(b) => de::Unexpected::Bool(*b),
        NodeValue::Int(i) => de::Unexpected::Signed(*i),
        NodeValue::UInt(u) => de::Unexpected::Unsigned(*u),
        NodeValue::Float(f) => de::Unexpected::Float(*f),
        NodeValue::Str(s) => de::Unexpected::Str(s),
        NodeValue::Array(_) => de::Unexpected::Seq,
        NodeValue::Object(_) => de::Unexpected::Map,
    };
    <DeError as de::Error>::invalid_type(unexp, exp)
}

impl<'de> de::Deserializer<'de> for NodeDe<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.0.value {
            NodeValue::Null => visitor.visit_unit(),
            NodeValue::Bool(b) => visitor.visit_bool(*b),
            NodeValue::Int(i) => visitor.visit_i64(*i),
            NodeValue::UInt(u) => visitor.visit_u64(*u),
            NodeValue::Float(f) => visitor.visit_f64(*f),
            NodeValue::Str(s) => visitor.visit_borrowed_str(s),
            NodeValue::Array(items) => visitor.visit_seq(Seq {
                iter: items.iter().enumerate(),
            }),
            NodeValue::Object(entries) => visitor.visit_map(Map {
                iter: entries.iter(),
                current: None,
            }),
        }
    }

    /// `null` is a value of its own in Kea, never "absent": an optional key
    /// written as `null` is a type error unless the type accepts null itself.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.0.value {
            NodeValue::Str(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            _ => Err(invalid_type(self.0, &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

struct Seq<'a> {
    iter: std::iter::Enumerate<std::slice::Iter<'a, Node>>,
}

impl<'de> SeqAccess<'de> for Seq<'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.iter.next() {
            None => Ok(None),
            Some((i, node)) => seed
                .deserialize(NodeDe(node))
                .map(Some)
                .map_err(|e| e.at(&node.loc).within(format!("[{i}]"))),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct Map<'a> {
    iter: std::slice::Iter<'a, Entry>,
    current: Option<&'a Entry>,
}

impl<'de> MapAccess<'de> for Map<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.iter.next() {
            None => Ok(None),
            Some(entry) => {
                self.current = Some(entry);
                seed.deserialize(entry.key.as_str().into_deserializer())
                    .map(Some)
                    .map_err(|e: DeError| e.at(&entry.key_loc))
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let entry = self
            .current
            .take()
            .ok_or_else(|| <DeError as de::Error>::custom("value requested before its key"))?;
        seed.deserialize(NodeDe(&entry.value))
            .map_err(|e| e.at(&entry.value.loc).within(entry.key.clone()))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::read_str;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    struct Outer {
        inner: Vec<Inner>,
        #[serde(default)]
        user_context: Option<serde_json::Map<String, serde_json::Value>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    struct Inner {
        valid_lifetime: u32,
        #[serde(default)]
        kind: Option<Kind>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "kebab-case")]
    enum Kind {
        Raw,
        Udp,
    }

    fn parse(text: &str) -> Result<Outer, ConfigError> {
        let doc = read_str(text, "t.json").unwrap();
        from_node(&doc.root, "Dhcp4")
    }

    #[test]
    fn unknown_key_names_key_position_and_path() {
        // V4-002
        let err =
            parse("{\"inner\": [{\"valid-lifetime\": 1},\n {\"valid-lifetime\": 2, \"foo\": 1}]}")
                .unwrap_err();
        match err {
            ConfigError::UnknownKey {
                key,
                line,
                col,
                path,
                ..
            } => {
                assert_eq!((key.as_str(), line, col), ("foo", 2, 24));
                assert_eq!(path, "Dhcp4/inner[1]");
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn wrong_type_names_value_position_and_path() {
        let err = parse("{\"inner\": [\n {\"valid-lifetime\": \"x\"}]}").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("t.json:2:21: invalid type: string \"x\", expected u32"),
            "{msg}"
        );
        assert!(msg.ends_with("(at Dhcp4/inner[0]/valid-lifetime)"), "{msg}");
        let err = parse("{\"inner\": [{\"valid-lifetime\": -1}]}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("expected u32"), "{err}");
        let err = parse("{\"inner\": [{\"valid-lifetime\": 1, \"kind\": \"tcp\"}]}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown variant `tcp`"), "{err}");
    }

    #[test]
    fn missing_key_points_at_its_map() {
        let err = parse("{\"inner\": [\n  {}]}").unwrap_err().to_string();
        assert!(
            err.starts_with("t.json:2:3: missing mandatory key 'valid-lifetime'"),
            "{err}"
        );
    }

    #[test]
    fn free_maps_and_enums_deserialize() {
        let o = parse("{\"inner\": [{\"valid-lifetime\": 7, \"kind\": \"udp\"}], \"user-context\": {\"a\": [1, 2.5, null]}}").unwrap();
        assert_eq!(o.inner[0].valid_lifetime, 7);
        assert_eq!(o.inner[0].kind, Some(Kind::Udp));
        assert_eq!(
            o.user_context.unwrap()["a"],
            serde_json::json!([1, 2.5, null])
        );
    }
}
