//! Ruru's reader for Kea's `kea-dhcp4.conf`.
//!
//! Three pure stages, none of which opens a socket, an interface or a
//! database, so `ruru-dhcp4 -t` runs anywhere:
//! 1. `reader`: Kea's JSON dialect (comments, `<?include?>`) into JSON with positions;
//! 2. `wire`: strict serde structs mirroring Kea 2.7.3's `Dhcp4` grammar;
//! 3. `model`: validation into the immutable [`Dhcp4Config`].
//!
//! Kea 2.2 configurations (Debian's Kea) load unchanged: the 2.2 forms that
//! 2.7.3 renamed or moved (subnets without `id`, relay `ip-address`, DDNS keys
//! in `dhcp-ddns`, option names and spaces) are read with the meaning Kea 2.2
//! gives them and reported in [`Dhcp4Config::warnings`].
#![warn(missing_docs)]

mod addr;
mod de;
mod error;
pub mod model;
pub mod reader;
mod validate;
pub mod wire;

pub use error::{ConfigError, Location};
pub use model::*;

/// Stage 2 on a read document: the top level must hold `Dhcp4` (and, as in
/// Kea 2.7.3, nothing else), deserialized strictly.
pub fn wire_dhcp4(doc: &reader::Document) -> Result<wire::Dhcp4, ConfigError> {
    let top: wire::TopLevel = de::from_node(&doc.root, "")?;
    top.dhcp4.ok_or_else(|| ConfigError::Syntax {
        file: doc.root.loc.file.to_string(),
        line: doc.root.loc.line as usize,
        col: doc.root.loc.col as usize,
        msg: "the configuration has no Dhcp4 map".into(),
    })
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

/// Stages 2 and 3 on a document already read.
pub fn load_document(doc: &reader::Document) -> Result<Dhcp4Config, ConfigError> {
    let wire = wire_dhcp4(doc)?;
    let node = doc.root.get("Dhcp4");
    let raw = node.map(reader::Node::to_value).unwrap_or_default();
    let mut config = validate::build4(&wire, node, raw)?;
    // Reading warnings first: they come from an earlier stage.
    let mut warnings = doc.warnings.clone();
    warnings.append(&mut config.warnings);
    config.warnings = warnings;
    Ok(config)
}
