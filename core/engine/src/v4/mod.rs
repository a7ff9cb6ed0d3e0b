//! DHCPv4 processing (RFC 2131) with Kea's semantics.
//!
//! [`process`] is the entry point: one parsed query in, one [`Outcome4`] out. Everything it needs comes in
//! as arguments (the [`Snapshot4`], the lease store, the time), so whole exchanges are tested in-process.

mod account;
mod alloc;
mod ddns;
mod extended_info;
mod hosts;
mod lease_admin;
mod options;
mod process;
mod reclaim;
mod reply;
mod sanity;
mod select;
mod snapshot;
mod stats;
mod view;

pub use crate::reclaim::{ReclaimLimits, ReclaimReport};
pub use lease_admin::LeaseAdmin;
pub use process::process;
pub use reclaim::reclaim;
pub use sanity::lease_check;
pub use snapshot::{Snapshot4, Transport4};
pub use stats::{GlobalStats4, PoolStats4, SubnetStats4};

use ruru_lease::Lease4;
use ruru_proto::v4::Packet4;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::Arc;

/// Where a query came from, as the transport saw it.
#[derive(Debug, Clone)]
pub struct Ingress4 {
    /// Source address and port of the datagram.
    pub src: SocketAddrV4,
    /// Destination address of the datagram (255.255.255.255 for broadcasts).
    pub dst: Ipv4Addr,
    /// Name of the receiving interface, if known.
    pub ifname: Option<Arc<str>>,
    /// IPv4 addresses of the receiving interface.
    pub iface_addrs: Arc<[Ipv4Addr]>,
    /// The local address the query reached: the default server identifier and the reply's source.
    pub local_addr: Ipv4Addr,
}

impl Ingress4 {
    /// Whether the query was broadcast rather than sent to one of our addresses.
    pub fn is_broadcast(&self) -> bool {
        self.dst.is_broadcast() || self.dst.is_unspecified()
    }
}

/// Where a reply goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Destination4 {
    /// Destination address and port.
    pub addr: SocketAddrV4,
    /// For a unicast to a client without an address: the client's hardware address (raw sockets only).
    pub mac: Option<[u8; 6]>,
    /// Source address to send from.
    pub src: Ipv4Addr,
}

/// Why a query got no reply. `message_id` gives Kea's log message identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// No option 53: a BOOTP query, which needs the BOOTP plugin (V4-016).
    Bootp,
    /// A message type the server never answers (OFFER, ACK, NAK received, or unknown) (V4-015).
    NotAQuery,
    /// Option 54 names another server (V4-018), or a DISCOVER carries one (V4-019).
    NotOurServerId,
    /// Neither a hardware address nor a client identifier (V4-019).
    NoClientIdentity,
    /// No subnet matched the query (V4-027, V4-048).
    NoSubnet,
    /// No address could be allocated (V4-027).
    NoAddress,
    /// A DECLINE without option 50 (V4-034).
    MissingRequestedAddress,
    /// The client belongs to the DROP class (V4-022).
    DropClass,
    /// A non-authoritative server stays silent to an INIT-REBOOT client it doesn't know (V4-029).
    UnknownInitReboot,
    /// A plugin asked for the drop (SKIP or DROP at a callout point); not counted as a receive drop (HK-060).
    Hook(&'static str),
    /// The parking lot of a callout point was full (HK-065).
    ParkingLotFull(&'static str),
    /// An IPv6-only preferred answer (yiaddr 0.0.0.0) without option 108 (V4-158).
    V6OnlyPreferredMissing {
        /// An ACK rather than an OFFER.
        ack: bool,
    },
}

impl DropReason {
    /// Kea's log message identifier for this drop.
    pub fn message_id(self) -> &'static str {
        match self {
            DropReason::Bootp => "DHCP4_PACKET_DROP_0009",
            DropReason::NotAQuery => "DHCP4_PACKET_DROP_0005",
            DropReason::NotOurServerId => "DHCP4_PACKET_DROP_0003",
            DropReason::NoClientIdentity => "DHCP4_PACKET_DROP_0004",
            DropReason::NoSubnet => "DHCP4_SUBNET_SELECTION_FAILED",
            DropReason::NoAddress => "DHCP4_PACKET_DROP_0006",
            DropReason::MissingRequestedAddress => "DHCP4_PACKET_DROP_0007",
            DropReason::DropClass => "DHCP4_PACKET_DROP_0010",
            DropReason::UnknownInitReboot => "DHCP4_PACKET_DROP_0006",
            DropReason::Hook(id) | DropReason::ParkingLotFull(id) => id,
            DropReason::V6OnlyPreferredMissing { ack: false } => {
                "DHCP4_V6_ONLY_PREFERRED_MISSING_IN_OFFER"
            }
            DropReason::V6OnlyPreferredMissing { ack: true } => {
                "DHCP4_V6_ONLY_PREFERRED_MISSING_IN_ACK"
            }
        }
    }
}

/// The engine's decision for one query.
// Returned once per query and consumed at once; boxing the reply would cost an allocation per packet.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Outcome4 {
    /// Send `packet` to `to`. `committed` holds the leases written for it (for `leases4_committed`).
    Reply {
        /// The reply.
        packet: Packet4,
        /// Where it goes.
        to: Destination4,
        /// Leases written while handling the query.
        committed: Vec<Lease4>,
    },
    /// The query was handled and needs no reply (RELEASE, DECLINE).
    Done,
    /// The query was dropped.
    Drop(DropReason),
}

/// The client as the lease store identifies it (V4-067..V4-071).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Client<'a> {
    pub(crate) hw: &'a [u8],
    pub(crate) htype: u8,
    /// Option 61, or `None` when `match-client-id` is off for the client's subnet.
    pub(crate) client_id: Option<&'a [u8]>,
    pub(crate) classes: &'a crate::classes::Classes<'a>,
    /// The address reserved for this client, if any.
    pub(crate) reserved: Option<Ipv4Addr>,
}

impl Client<'_> {
    /// Ownership: client-id match when both sides have one, else hardware address match (V4-071).
    pub(crate) fn owns(&self, l: &Lease4) -> bool {
        match (self.client_id, &l.client_id) {
            (Some(mine), Some(theirs)) => mine == theirs.as_bytes(),
            _ => l.hwaddr.is_some_and(|h| h.as_bytes() == self.hw),
        }
    }
}
