//! Maps both servers' grammars share key for key: pools, relays, options
//! and option definitions, and the `ddns-replace-client-name` value.

use serde::{Deserialize, Deserializer};

use super::fields::{pool_fields, spliced_struct};
use super::Map;
use crate::model::ReplaceClientName;

/// `ddns-replace-client-name`: the grammar also takes a boolean, which the
/// model then refuses with a clear message (V4-144).
#[derive(Debug, Clone, PartialEq)]
pub enum ReplaceName {
    /// One of the four mode names.
    Mode(ReplaceClientName),
    /// A (no longer supported) boolean.
    Bool(bool),
}

impl<'de> Deserialize<'de> for ReplaceName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ReplaceName;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("one of never, always, when-present, when-not-present")
            }

            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<ReplaceName, E> {
                Ok(ReplaceName::Bool(b))
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<ReplaceName, E> {
                use serde::de::IntoDeserializer;
                ReplaceClientName::deserialize(s.into_deserializer()).map(ReplaceName::Mode)
            }
        }
        d.deserialize_any(V)
    }
}

/// `relay`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Relay {
    /// `ip-addresses` (mandatory, V4-047, V6-056).
    #[serde(default)]
    pub ip_addresses: Option<Vec<String>>,
    /// `ip-address`: Kea 2.2's single-address form, accepted with a warning.
    #[serde(default)]
    pub ip_address: Option<String>,
}

pool_fields!(spliced_struct! {
    PoolView via common;
    /// One `pools` entry (the same keys in `subnet4` and `subnet6`).
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct Pool {
        /// `pool`: `"a - b"` or `"prefix/len"`.
        #[serde(default)]
        pub pool: Option<String>,
    }
});

/// One `option-data` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OptionData {
    /// `name`.
    #[serde(default)]
    pub name: Option<String>,
    /// `code`.
    #[serde(default)]
    pub code: Option<u32>,
    /// `space`.
    #[serde(default)]
    pub space: Option<String>,
    /// `data`.
    #[serde(default)]
    pub data: Option<String>,
    /// `csv-format`.
    #[serde(default)]
    pub csv_format: Option<bool>,
    /// `always-send`.
    #[serde(default)]
    pub always_send: Option<bool>,
    /// `never-send`.
    #[serde(default)]
    pub never_send: Option<bool>,
    /// `user-context`.
    #[serde(default)]
    pub user_context: Option<Map>,
    /// `comment`.
    #[serde(default)]
    pub comment: Option<String>,
}

/// One `option-def` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OptionDef {
    /// `name`.
    #[serde(default)]
    pub name: Option<String>,
    /// `code`.
    #[serde(default)]
    pub code: Option<u32>,
    /// `type`.
    #[serde(default, rename = "type")]
    pub type_: Option<String>,
    /// `record-types`.
    #[serde(default)]
    pub record_types: Option<String>,
    /// `space`.
    #[serde(default)]
    pub space: Option<String>,
    /// `encapsulate`.
    #[serde(default)]
    pub encapsulate: Option<String>,
    /// `array`.
    #[serde(default)]
    pub array: Option<bool>,
    /// `user-context`.
    #[serde(default)]
    pub user_context: Option<Map>,
    /// `comment`.
    #[serde(default)]
    pub comment: Option<String>,
}
