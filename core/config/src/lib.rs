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

pub use error::{ConfigError, Location};
pub use model::*;
