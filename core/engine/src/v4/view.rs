//! What classification expressions read of a DHCPv4 query (`ruru_eval::Packet`).

use super::Ingress4;
use crate::classes::{view_ingress, QueryView, View};
use ruru_eval::{Header4, Packet};
use ruru_proto::v4::{code, Packet4};

/// A query and where it came from.
pub(super) type Query4View<'p> = QueryView<'p, Packet4, Ingress4>;

impl Packet for View<'_, Packet4, Ingress4> {
    view_ingress!();
    fn option(&self, code: u16) -> Option<&[u8]> {
        self.pkt.options.get(u8::try_from(code).ok()?)
    }
    /// The length of the packet as encoded: fixed header and cookie, each option with a header per
    /// 255-byte chunk, END.
    fn wire_len(&self) -> usize {
        let options: usize = self
            .pkt
            .options
            .iter()
            .map(|(_, v)| v.len() + 2 * v.len().div_ceil(255).max(1))
            .sum();
        240 + options + 1
    }
    fn msg_type(&self) -> u8 {
        self.pkt
            .options
            .get(code::MESSAGE_TYPE)
            .and_then(|v| v.first().copied())
            .unwrap_or(0)
    }
    fn transid(&self) -> u32 {
        self.pkt.xid
    }
    /// Kea's DHCPv4 packet label: `[hwtype=1 aa:bb:cc:dd:ee:ff], cid=[01:02:03], tid=0x1`.
    fn label(&self) -> String {
        let cid = match self.pkt.options.get(code::CLIENT_ID) {
            Some(c) if !c.is_empty() => crate::classes::colon_hex(c),
            _ => "no info".into(),
        };
        format!(
            "[hwtype={} {}], cid=[{cid}], tid={:#x}",
            self.pkt.htype,
            crate::classes::colon_hex(self.pkt.hw_addr()),
            self.pkt.xid
        )
    }
    fn header4(&self) -> Option<Header4<'_>> {
        let p = self.pkt;
        Some(Header4 {
            mac: p.hw_addr(),
            htype: p.htype,
            hlen: p.hlen,
            ciaddr: p.ciaddr,
            giaddr: p.giaddr,
            yiaddr: p.yiaddr,
            siaddr: p.siaddr,
        })
    }
}
