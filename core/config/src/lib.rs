//! Ruru's reader for Kea's `kea-dhcp4.conf`.
//!
//! Three pure stages, none of which opens a socket, an interface or a
//! database, so `ruru-dhcp4 -t` runs anywhere:
//! 1. `reader`: Kea's JSON dialect (comments, `<?include?>`) into JSON with positions;
//! 2. `wire`: strict serde structs mirroring Kea 2.7.3's `Dhcp4` grammar;
//! 3. `model`: validation into the immutable [`Dhcp4Config`].
#![warn(missing_docs)]

mod de;
mod error;
pub mod model;
pub mod reader;
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
