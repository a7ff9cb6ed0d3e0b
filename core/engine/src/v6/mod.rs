//! DHCPv6 processing (RFC 8415) with Kea's semantics.
//!
//! [`process`] is the entry point: one parsed message (with its relay levels) in, one [`Outcome6`] out.
//! Everything it needs comes in as arguments (the [`Snapshot6`], the lease store, the time), so whole
//! exchanges are tested in-process. Lease storage is reached only through `ruru_lease::LeaseStore6`.

mod account;
mod alloc;
mod client;
mod ddns;
mod extended_info;
mod grant;
mod hosts;
mod ia;
mod lease_admin;
mod lifetimes;
mod options;
mod process;
mod reclaim;
mod release;
mod select;
mod sending;
mod snapshot;
mod stats;
#[cfg(test)]
mod tests;
mod view;

pub use crate::reclaim::{ReclaimLimits, ReclaimReport};
pub use lease_admin::LeaseAdmin6;
pub use process::process;
pub use reclaim::reclaim;
pub use snapshot::{Snapshot6, Transport6};
pub use stats::{GlobalStats6, PdPoolStats6, PoolStats6, SubnetStats6};

use ruru_lease::Lease6;
use ruru_proto::v6::Packet6;
use std::net::{Ipv6Addr, SocketAddrV6};
use std::sync::Arc;

/// Where a query came from, as the transport saw it.
#[derive(Debug, Clone)]
pub struct Ingress6 {
    /// Source address and port of the datagram (a client, or the relay nearest the server).
    pub src: SocketAddrV6,
    /// Destination address of the datagram (ff02::1:2 for multicast).
    pub dst: Ipv6Addr,
    /// Name of the receiving interface, if known.
    pub ifname: Option<Arc<str>>,
}

/// Why a query got no answer. `message_id` gives Kea's log message identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason6 {
    /// A message type the server never answers (ADVERTISE, REPLY, RECONFIGURE received, or unknown).
    NotAQuery,
    /// Client-id/server-id presence or length breaks RFC 8415 §16 (V6-019, V6-020).
    RequiredOptions,
    /// The server-id names another server (V6-021).
    ServerIdMismatch,
    /// SOLICIT, CONFIRM, REBIND or INFORMATION-REQUEST sent unrelayed to a unicast address (V6-022).
    Unicast,
    /// The client belongs to the DROP class (V6-024).
    DropClass,
    /// A REBIND for a prefix on a link no subnet serves (V6-037).
    RebindNoSubnet,
    /// A CONFIRM without any address to confirm (V6-042).
    NothingToConfirm,
    /// The client FQDN option cannot be used (V6-165).
    BadFqdn,
    /// A plugin asked for the drop; not counted as a receive drop.
    Hook(&'static str),
    /// A park-capable point's parking lot was full (HK-065); counted.
    ParkingLotFull(&'static str),
}

impl DropReason6 {
    /// Kea's log message identifier for this drop.
    pub fn message_id(self) -> &'static str {
        match self {
            DropReason6::NotAQuery => "DHCP6_UNKNOWN_MSG_RECEIVED",
            DropReason6::RequiredOptions => "DHCP6_REQUIRED_OPTIONS_CHECK_FAIL",
            DropReason6::ServerIdMismatch => "DHCP6_PACKET_DROP_SERVERID_MISMATCH",
            DropReason6::Unicast => "DHCP6_PACKET_DROP_UNICAST",
            DropReason6::DropClass => "DHCP6_PACKET_DROP_DROP_CLASS",
            DropReason6::RebindNoSubnet => "DHCP6_PACKET_DROP_REBIND_NO_SUBNET",
            DropReason6::NothingToConfirm => "DHCP6_PACKET_DROP_CONFIRM_NO_ADDRESS",
            DropReason6::BadFqdn => "DHCP6_PACKET_DROP_PARSE_FAIL",
            DropReason6::Hook(id) | DropReason6::ParkingLotFull(id) => id,
        }
    }

    /// Whether the drop counts in `pkt6-receive-drop` (V6-183).
    fn counted(self) -> bool {
        !matches!(self, DropReason6::Hook(_) | DropReason6::NothingToConfirm)
    }
}

/// The engine's decision for one query.
// Returned once per query and consumed at once; boxing the answer would cost an allocation per packet.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Outcome6 {
    /// Send `packet` (wrapped in RELAY-REPL levels when relayed) to `to`, over the receiving interface.
    Reply {
        /// The answer.
        packet: Packet6,
        /// Where it goes.
        to: SocketAddrV6,
        /// Leases written while handling the query.
        committed: Vec<Lease6>,
    },
    /// The query was dropped.
    Drop(DropReason6),
}
