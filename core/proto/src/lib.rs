//! Ruru's sans-IO DHCP protocol layer.
//!
//! Pure functions over bytes: no runtime, no sockets, no logging. [`v4`] holds the DHCPv4 packet and
//! option codec, [`v6`] the DHCPv6 one; [`defs`] holds the option definitions and the `option-data`
//! value codec, one implementation for both families.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod arena;
pub mod defs;
pub mod v4;
pub mod v6;

#[cfg(test)]
mod test_rng;
