//! The DHCPv4 packet: fixed BOOTP header, magic cookie, options.

use super::code;
use super::{DecodeError, MessageType, Options4};
use std::net::Ipv4Addr;

/// Length of the fixed BOOTP header, before the magic cookie.
const HEADER_LEN: usize = 236;
/// The DHCP magic cookie 99.130.83.99 (RFC 2131 §3).
const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];
/// Shortest datagram that can be a DHCPv4 packet.
const MIN_LEN: usize = HEADER_LEN + MAGIC_COOKIE.len();
/// Longest data one option instance carries (its length is one byte).
const MAX_CHUNK: usize = 255;
/// Offsets of the header fields (RFC 2131 §2).
const SNAME: std::ops::Range<usize> = 44..108;
const FILE: std::ops::Range<usize> = 108..236;

/// A DHCPv4 (or BOOTP) packet. Options of the `options` field and, under option overload, of `file` and
/// `sname` are merged into [`Options4`] with same-code instances concatenated (RFC 3396).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet4 {
    /// Message op code: 1 BOOTREQUEST, 2 BOOTREPLY.
    pub op: u8,
    /// Hardware address type (1 = Ethernet).
    pub htype: u8,
    /// Hardware address length.
    pub hlen: u8,
    /// Relay hop count.
    pub hops: u8,
    /// Transaction id.
    pub xid: u32,
    /// Seconds since the client began acquiring.
    pub secs: u16,
    /// Flags; bit 15 is the broadcast flag.
    pub flags: u16,
    /// Client address (when the client can answer ARP).
    pub ciaddr: Ipv4Addr,
    /// "Your" (client) address.
    pub yiaddr: Ipv4Addr,
    /// Next server address.
    pub siaddr: Ipv4Addr,
    /// Relay agent address.
    pub giaddr: Ipv4Addr,
    /// Client hardware address, padded with zeros.
    pub chaddr: [u8; 16],
    /// Server host name (zero-terminated). Zeroed when parsing found options in it (overload).
    pub sname: [u8; 64],
    /// Boot file name (zero-terminated). Zeroed when parsing found options in it (overload).
    pub file: [u8; 128],
    /// The options, in received or insertion order.
    pub options: Options4,
}

impl Default for Packet4 {
    fn default() -> Self {
        Self {
            op: 0,
            htype: 0,
            hlen: 0,
            hops: 0,
            xid: 0,
            secs: 0,
            flags: 0,
            ciaddr: Ipv4Addr::UNSPECIFIED,
            yiaddr: Ipv4Addr::UNSPECIFIED,
            siaddr: Ipv4Addr::UNSPECIFIED,
            giaddr: Ipv4Addr::UNSPECIFIED,
            chaddr: [0; 16],
            sname: [0; 64],
            file: [0; 128],
            options: Options4::new(),
        }
    }
}

/// Reads `N` bytes at `at`; the caller has checked the length of `buf`.
fn array<const N: usize>(buf: &[u8], at: usize) -> [u8; N] {
    let mut out = [0; N];
    out.copy_from_slice(&buf[at..at + N]);
    out
}

/// Reads options from `area` into `options` until END. PAD is skipped. An option whose length runs past
/// the area drops it and everything after it (V4-017): what was read before stays.
fn parse_options(mut area: &[u8], options: &mut Options4) {
    while let Some((&code, rest)) = area.split_first() {
        match code {
            code::PAD => area = rest,
            code::END => return,
            _ => {
                let Some((&len, rest)) = rest.split_first() else {
                    return;
                };
                let Some((data, rest)) = rest.split_at_checked(usize::from(len)) else {
                    return;
                };
                options.append(code, data);
                area = rest;
            }
        }
    }
}

/// Writes one option as as many instances as its length needs (RFC 3396, V4-024).
fn write_option(out: &mut Vec<u8>, code: u8, data: &[u8]) {
    if data.is_empty() {
        out.extend_from_slice(&[code, 0]);
        return;
    }
    for chunk in data.chunks(MAX_CHUNK) {
        // chunks() never yields more than MAX_CHUNK (255) bytes, so the length fits a u8.
        out.extend_from_slice(&[code, chunk.len() as u8]);
        out.extend_from_slice(chunk);
    }
}

/// Wire length of one option written by [`write_option`].
fn option_wire_len(data: &[u8]) -> usize {
    data.len() + 2 * data.len().div_ceil(MAX_CHUNK).max(1)
}

impl Packet4 {
    /// Decodes a datagram. Fails only when it is too short for the header and cookie or the cookie is
    /// wrong; malformed options are dropped from the first bad one on (V4-017). With option overload (52)
    /// the options in `file`, then `sname`, are merged in (RFC 2131 §4.1, RFC 3396 §5), option 52 is
    /// consumed and the overloaded fields are zeroed.
    pub fn parse(buf: &[u8]) -> Result<Packet4, DecodeError> {
        if buf.len() < MIN_LEN {
            return Err(DecodeError::TooShort {
                len: buf.len(),
                min: MIN_LEN,
            });
        }
        let cookie = array::<4>(buf, HEADER_LEN);
        if cookie != MAGIC_COOKIE {
            return Err(DecodeError::BadMagicCookie(cookie));
        }
        let mut packet = Packet4 {
            op: buf[0],
            htype: buf[1],
            hlen: buf[2],
            hops: buf[3],
            xid: u32::from_be_bytes(array(buf, 4)),
            secs: u16::from_be_bytes(array(buf, 8)),
            flags: u16::from_be_bytes(array(buf, 10)),
            ciaddr: Ipv4Addr::from(array::<4>(buf, 12)),
            yiaddr: Ipv4Addr::from(array::<4>(buf, 16)),
            siaddr: Ipv4Addr::from(array::<4>(buf, 20)),
            giaddr: Ipv4Addr::from(array::<4>(buf, 24)),
            chaddr: array(buf, 28),
            sname: array(buf, SNAME.start),
            file: array(buf, FILE.start),
            options: Options4::with_capacity(buf.len() - MIN_LEN, 16),
        };
        parse_options(&buf[MIN_LEN..], &mut packet.options);
        let overload = packet
            .options
            .get(code::OVERLOAD)
            .and_then(|d| d.first().copied());
        if let Some(overload @ 1..=3) = overload {
            packet.options.remove(code::OVERLOAD);
            if overload & 1 != 0 {
                parse_options(&buf[FILE], &mut packet.options);
                packet.file = [0; 128];
            }
            if overload & 2 != 0 {
                parse_options(&buf[SNAME], &mut packet.options);
                packet.sname = [0; 64];
            }
        }
        Ok(packet)
    }

    /// Appends the wire form to `out` (the caller reuses the buffer): header, cookie, option 53 first,
    /// then the others in order, long ones split into consecutive instances (RFC 3396), then END. PAD and
    /// END entries in the container are not options and are skipped. No padding to a minimum size.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let is_tlv = |c: u8| c != code::PAD && c != code::END;
        let options_len: usize = self
            .options
            .iter()
            .filter(|&(c, _)| is_tlv(c))
            .map(|(_, d)| option_wire_len(d))
            .sum();
        out.reserve(MIN_LEN + options_len + 1);
        out.extend_from_slice(&[self.op, self.htype, self.hlen, self.hops]);
        out.extend_from_slice(&self.xid.to_be_bytes());
        out.extend_from_slice(&self.secs.to_be_bytes());
        out.extend_from_slice(&self.flags.to_be_bytes());
        for addr in [self.ciaddr, self.yiaddr, self.siaddr, self.giaddr] {
            out.extend_from_slice(&addr.octets());
        }
        out.extend_from_slice(&self.chaddr);
        out.extend_from_slice(&self.sname);
        out.extend_from_slice(&self.file);
        out.extend_from_slice(&MAGIC_COOKIE);
        if let Some(data) = self.options.get(code::MESSAGE_TYPE) {
            write_option(out, code::MESSAGE_TYPE, data);
        }
        for (c, data) in self.options.iter() {
            if c != code::MESSAGE_TYPE && is_tlv(c) {
                write_option(out, c, data);
            }
        }
        out.push(code::END);
    }

    /// The message type from option 53 (its first byte); `None` for BOOTP.
    pub fn message_type(&self) -> Option<MessageType> {
        self.options
            .get(code::MESSAGE_TYPE)
            .and_then(|d| d.first())
            .map(|&t| MessageType::from(t))
    }

    /// The client hardware address: the first `hlen` bytes of `chaddr`, at most 16.
    pub fn hw_addr(&self) -> &[u8] {
        &self.chaddr[..usize::from(self.hlen).min(self.chaddr.len())]
    }

    /// Whether the client asked for broadcast replies (flags bit 15, RFC 2131 §2).
    pub fn broadcast_flag(&self) -> bool {
        self.flags & 0x8000 != 0
    }

    /// A reply to this packet with what RFC 2131 §4.3 copies from the request (V4-037): op 2 and the
    /// request's htype, hlen, hops, xid, flags, giaddr and chaddr. Everything else is zero; no options.
    pub fn reply_skeleton(&self) -> Packet4 {
        Packet4 {
            op: 2,
            htype: self.htype,
            hlen: self.hlen,
            hops: self.hops,
            xid: self.xid,
            flags: self.flags,
            giaddr: self.giaddr,
            chaddr: self.chaddr,
            ..Packet4::default()
        }
    }
}
