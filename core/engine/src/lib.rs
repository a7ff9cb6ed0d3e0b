//! The sans-IO DHCP engine.
//!
//! Bytes have already been parsed by `ruru-proto`; sockets belong to the server. The engine takes a parsed
//! query, where it came from ([`v4::Ingress4`]), the current time and a configuration snapshot, and decides:
//! a reply and where to send it, or a drop and why. Leases are read and written only through the
//! `ruru_lease::LeaseStore4` trait, so a database backend can wait without the engine knowing.

mod busy;
mod cache;
mod callouts;
mod classes;
mod commit;
#[cfg(test)]
mod contended;
mod ddns;
mod extended_info;
mod flq;
mod host_db;
mod hostname;
mod lease_admin;
mod reclaim;
mod select;
mod stats;
pub mod v4;
pub mod v6;

pub use busy::Busy;
pub use host_db::HostDb;
