//! What classification expressions read of a DHCPv6 query (`ruru_eval::Packet`): the client message's
//! options and the relay levels around it.

use super::Ingress6;
use crate::classes::{view_ingress, QueryView, View};
use ruru_eval::Packet;
use ruru_proto::v6::Packet6;
use std::net::Ipv6Addr;

/// A query and where it came from.
pub(super) type Query6View<'p> = QueryView<'p, Packet6, Ingress6>;

impl Packet for View<'_, Packet6, Ingress6> {
    view_ingress!();
    fn option(&self, code: u16) -> Option<&[u8]> {
        self.pkt.message.options.get(code)
    }
    /// The datagram's length: each relay level's 34-byte header, options and relay-message header, then
    /// the message's 4-byte header and options.
    fn wire_len(&self) -> usize {
        let relays: usize = self
            .pkt
            .relays
            .iter()
            .map(|r| 34 + r.options.wire_len() + 4)
            .sum();
        relays + 4 + self.pkt.message.options.wire_len()
    }
    fn msg_type(&self) -> u8 {
        self.pkt.message.msg_type.into()
    }
    fn transid(&self) -> u32 {
        self.pkt.message.transaction_id
    }
    /// Kea's DHCPv6 packet label: `duid=[00:03:00:01:...], tid=0x1`.
    fn label(&self) -> String {
        let duid = self
            .pkt
            .message
            .options
            .get(ruru_proto::v6::code::CLIENTID)
            .map_or_else(|| "no info".into(), crate::classes::colon_hex);
        format!("duid=[{duid}], tid={:#x}", self.pkt.message.transaction_id)
    }
    fn relay6_count(&self) -> usize {
        self.pkt.relays.len()
    }
    fn relay6_option(&self, level: usize, code: u16) -> Option<&[u8]> {
        self.pkt.relays.get(level)?.options.get(code)
    }
    fn relay6_addrs(&self, level: usize) -> Option<(Ipv6Addr, Ipv6Addr)> {
        let r = self.pkt.relays.get(level)?;
        Some((r.link_address, r.peer_address))
    }
}
