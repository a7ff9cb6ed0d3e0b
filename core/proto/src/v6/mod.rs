//! DHCPv6 wire format (RFC 8415): messages, relay messages nested to any depth up to
//! [`MAX_RELAYS`], options in wire order with repeated codes, and typed views of the options the
//! server core reads and writes.
//!
//! Decoding never panics: a datagram that cannot be a message is a [`DecodeError`], option data that
//! does not fit its type is an [`OptionError`] when read through [`OptionValue`], and option lists cut
//! short lose their tail as in Kea (V6-018). Encoders append to a caller's buffer and leave it as it
//! was when they fail ([`EncodeError`]).
//!
//! Option definitions and the `option-data` text codec are shared with DHCPv4 in [`crate::defs`].

mod auth;
pub mod code;
mod duid;
mod error;
mod fqdn;
mod ia;
mod message_type;
mod options;
mod packet;
mod relay_agent;
pub mod status;
mod vendor;

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod fuzz_tests;

pub use auth::Auth;
pub use duid::{Duid, DuidKind, ParseDuidError, MAX_DUID_LEN};
pub use error::{DecodeError, EncodeError, OptionError};
pub use fqdn::{ClientFqdn, FLAG_N, FLAG_O, FLAG_S};
pub use ia::{Ia, IaAddr, IaPrefix, IaTa, PdExclude};
pub use message_type::MessageType;
pub use options::{OptionValue, Options6};
pub use packet::{Message6, Packet6, RelayHeader, RelayKind, MAX_RELAYS};
pub use relay_agent::{ClientLinkLayerAddr, RemoteId};
pub use status::StatusCode;
pub use vendor::{UserClass, VendorClass, VendorOpts};
