//! Ruru's sans-IO DHCP protocol layer.
//!
//! Pure functions over bytes: no runtime, no sockets, no logging. [`v4`] holds the DHCPv4 packet and
//! option codec; [`defs`] holds the family-neutral option definitions and the `option-data` value codec
//! shared by DHCPv4 and (later) DHCPv6.
#![warn(missing_docs)]

mod arena;
pub mod defs;
pub mod v4;
