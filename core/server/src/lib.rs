//! Ruru's server processes: configuration loading, sockets, the packet service, timers,
//! signals and the management API.

pub mod cli;
mod control;
mod daemon;
mod database;
mod ddns;
pub mod dhcp4;
pub mod dhcp6;
mod duid;
mod family;
mod hooks4;
mod hooks6;
mod lease_write;
mod plugins;
mod privileges;
mod receive_queue;
mod server;
mod service;
mod service4;
mod service6;
mod shared;
mod sockets4;
mod sockets6;
mod store;
mod support;
mod timers;
mod version;

/// Seconds since the Unix epoch: the engine's notion of `now`, read once per batch.
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
