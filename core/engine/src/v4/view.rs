//! What classification expressions read of a DHCPv4 query (`ruru_eval::Packet`).

use super::Ingress4;
use crate::classes::{Classes, Viewable};
use ruru_eval::{Header4, Packet};
use ruru_proto::v4::{code, Packet4};
use std::net::IpAddr;

/// A query and where it came from.
pub(super) struct Query4View<'p> {
    pub(super) pkt: &'p Packet4,
    pub(super) ing: &'p Ingress4,
}

/// [`Query4View`] with the classes assigned so far.
pub(super) struct View4<'q> {
    pkt: &'q Packet4,
    ing: &'q Ingress4,
    classes: &'q Classes<'q>,
}

impl Viewable for Query4View<'_> {
    type View<'q>
        = View4<'q>
    where
        Self: 'q;
    fn view<'q>(&'q self, classes: &'q Classes<'q>) -> View4<'q> {
        View4 {
            pkt: self.pkt,
            ing: self.ing,
            classes,
        }
    }
}

impl Packet for View4<'_> {
    fn option(&self, code: u16) -> Option<&[u8]> {
        self.pkt.options.get(u8::try_from(code).ok()?)
    }
    fn iface(&self) -> &str {
        self.ing.ifname.as_deref().unwrap_or("")
    }
    fn src(&self) -> IpAddr {
        (*self.ing.src.ip()).into()
    }
    fn dst(&self) -> IpAddr {
        self.ing.dst.into()
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
    fn member(&self, class: &str) -> bool {
        self.classes.contains(class)
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
