//! The DHCP servers' side of DHCP-DDNS (V4-149..V4-152, V6-172..V6-176): a lease change becomes a
//! NameChangeRequest (NCR) for `kea-dhcp-ddns` (D2), which talks DNS. This crate builds NCRs — the
//! RFC 4701 DHCID, the TTL, Kea's JSON wire form — and sends them over UDP from a bounded queue
//! that never makes a packet worker wait. When to send one is the engine's decision.

mod dhcid;
mod ncr;
mod sender;
mod time;

pub use dhcid::Dhcid;
pub use ncr::{ttl, ChangeType, Ncr};
pub use sender::{Queue, QueueError};
