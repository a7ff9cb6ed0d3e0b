//! Ruru's reader for Kea's `kea-dhcp4.conf` and `kea-dhcp6.conf`.
//!
//! Three pure stages, none of which opens a socket, an interface or a
//! database, so `ruru-dhcp4 -t` runs anywhere:
//! 1. `reader`: Kea's JSON dialect (comments, `<?include?>`) into JSON with positions;
//! 2. `wire`: strict serde structs mirroring Kea 2.7.3's `Dhcp4` and `Dhcp6` grammars;
//! 3. `model`: validation into the immutable [`Dhcp4Config`] or [`Dhcp6Config`].
//!
//! What both servers share (services, options, classes, reservations,
//! subnet walks, Kea 2.2 compatibility) is one implementation each,
//! parameterised by the server.
//!
//! Kea 2.2 configurations (Debian's Kea) load unchanged: the 2.2 forms that
//! 2.7.3 renamed or moved (subnets without `id`, relay `ip-address`, DDNS keys
//! in `dhcp-ddns`, option names and spaces) are read with the meaning Kea 2.2
//! gives them and reported in [`Dhcp4Config::warnings`] and
//! [`Dhcp6Config::warnings`].
#![warn(missing_docs)]

mod addr;
mod de;
mod error;
pub mod model;
pub mod reader;
mod redact;
mod validate;
pub mod wire;

pub use error::{ConfigError, Location};
pub use model::*;
pub use redact::{is_secret_key, redact, REDACTED};

/// The error for a file whose top level lacks the server's map.
fn no_map(doc: &reader::Document, map: &str) -> ConfigError {
    ConfigError::Syntax {
        file: doc.root.loc.file.to_string(),
        line: doc.root.loc.line as usize,
        col: doc.root.loc.col as usize,
        msg: format!("the configuration has no {map} map"),
    }
}

/// Stage 2 on a read document: the top level must hold `Dhcp4` (and, as in
/// Kea 2.7.3, nothing else), deserialized strictly.
pub fn wire_dhcp4(doc: &reader::Document) -> Result<wire::Dhcp4, ConfigError> {
    let top: wire::TopLevel = de::from_node(&doc.root, "")?;
    top.dhcp4.ok_or_else(|| no_map(doc, "Dhcp4"))
}

/// Stage 2 on a read document: the top level must hold `Dhcp6` (and, as in
/// Kea 2.7.3, nothing else), deserialized strictly.
pub fn wire_dhcp6(doc: &reader::Document) -> Result<wire::Dhcp6, ConfigError> {
    let top: wire::TopLevel6 = de::from_node(&doc.root, "")?;
    top.dhcp6.ok_or_else(|| no_map(doc, "Dhcp6"))
}

/// Reads, checks and validates a `kea-dhcp4.conf` file (and its includes).
pub fn load_dhcp4_file(path: &std::path::Path) -> Result<Dhcp4Config, ConfigError> {
    load_document(&reader::read_file(path)?)
}

/// Like [`load_dhcp4_file`] for text; `name` stands for the file in positions.
pub fn parse_dhcp4_str(text: &str, name: &str) -> Result<Dhcp4Config, ConfigError> {
    load_document(&reader::read_str(text, name)?)
}

/// Validates a whole configuration given as JSON (`{"Dhcp4": {...}}`), as
/// `config-set` and `config-test` pass it; positions refer to its
/// pretty-printed form.
pub fn parse_dhcp4_value(v: &serde_json::Value) -> Result<Dhcp4Config, ConfigError> {
    load_document(&reader::from_value(v, "<config>")?)
}

/// Stages 2 and 3 on a document already read, for `kea-dhcp4`.
pub fn load_document(doc: &reader::Document) -> Result<Dhcp4Config, ConfigError> {
    validate::build4(&wire_dhcp4(doc)?, doc)
}

/// Reads, checks and validates a `kea-dhcp6.conf` file (and its includes).
pub fn load_dhcp6_file(path: &std::path::Path) -> Result<Dhcp6Config, ConfigError> {
    load_dhcp6_document(&reader::read_file(path)?)
}

/// Like [`load_dhcp6_file`] for text; `name` stands for the file in positions.
pub fn parse_dhcp6_str(text: &str, name: &str) -> Result<Dhcp6Config, ConfigError> {
    load_dhcp6_document(&reader::read_str(text, name)?)
}

/// Validates a whole configuration given as JSON (`{"Dhcp6": {...}}`), as
/// `config-set` and `config-test` pass it; positions refer to its
/// pretty-printed form.
pub fn parse_dhcp6_value(v: &serde_json::Value) -> Result<Dhcp6Config, ConfigError> {
    load_dhcp6_document(&reader::from_value(v, "<config>")?)
}

/// Stages 2 and 3 on a document already read, for `kea-dhcp6`.
pub fn load_dhcp6_document(doc: &reader::Document) -> Result<Dhcp6Config, ConfigError> {
    validate::build6(&wire_dhcp6(doc)?, doc)
}
