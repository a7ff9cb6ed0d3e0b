//! Ruru's server processes: configuration loading, sockets, the packet service, timers and signals.

pub mod cli;
pub mod dhcp4;
mod hooks4;
mod logging;
mod service4;
mod shared;
mod sockets4;
mod support;
mod timers;

/// Seconds since the Unix epoch: the engine's notion of `now`, read once per batch.
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
