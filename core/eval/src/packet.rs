//! The view of a query the evaluator reads. The engine implements it for its DHCPv4 and DHCPv6 queries;
//! methods a family lacks keep their defaults, and the parser never lets an expression reach them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The DHCPv4 header fields `pkt4.*` reads.
#[derive(Debug, Clone, Copy)]
pub struct Header4<'a> {
    /// The client hardware address, `hlen` bytes of `chaddr` (`pkt4.mac`).
    pub mac: &'a [u8],
    /// `htype`.
    pub htype: u8,
    /// `hlen`.
    pub hlen: u8,
    /// `ciaddr`.
    pub ciaddr: Ipv4Addr,
    /// `giaddr`.
    pub giaddr: Ipv4Addr,
    /// `yiaddr`.
    pub yiaddr: Ipv4Addr,
    /// `siaddr`.
    pub siaddr: Ipv4Addr,
}

/// One query as the expression language sees it.
pub trait Packet {
    /// The payload of the client's option `code` (the first instance; DHCPv4 long options joined).
    fn option(&self, code: u16) -> Option<&[u8]>;
    /// The receiving interface's name (`pkt.iface`); empty if unknown.
    fn iface(&self) -> &str;
    /// The datagram's source address (`pkt.src`).
    fn src(&self) -> IpAddr;
    /// The datagram's destination address (`pkt.dst`).
    fn dst(&self) -> IpAddr;
    /// The packet's length in bytes (`pkt.len`).
    fn wire_len(&self) -> usize;
    /// The client message's type (`pkt4.msgtype`, `pkt6.msgtype`).
    fn msg_type(&self) -> u8;
    /// The client message's transaction id (`pkt4.transid`, `pkt6.transid`).
    fn transid(&self) -> u32;
    /// Whether the query already belongs to `class` (`member`, `known`, `unknown`).
    fn member(&self, class: &str) -> bool;
    /// How Kea's log messages name the query (its client and transaction), e.g.
    /// `[hwtype=1 aa:bb:cc:dd:ee:fe], cid=[no info], tid=0x1`; read only for debug logging.
    fn label(&self) -> String {
        String::new()
    }
    /// DHCPv4 header fields.
    fn header4(&self) -> Option<Header4<'_>> {
        None
    }
    /// How many relay levels encapsulate a DHCPv6 message (0 when it came direct).
    fn relay6_count(&self) -> usize {
        0
    }
    /// Option `code` of relay level `level` (0 = the relay nearest the server).
    fn relay6_option(&self, level: usize, code: u16) -> Option<&[u8]> {
        let _ = (level, code);
        None
    }
    /// `(link-address, peer-address)` of relay level `level`.
    fn relay6_addrs(&self, level: usize) -> Option<(Ipv6Addr, Ipv6Addr)> {
        let _ = level;
        None
    }
}
