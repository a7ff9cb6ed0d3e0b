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
/// Data carried by each instance when a long option is split. RFC 3396 allows up to 255; Kea keeps
/// each whole instance, code and length included, within 255 bytes, and we match its wire form.
const MAX_CHUNK: usize = 253;
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

/// Writes one option as as many instances as its length needs (RFC 3396, V4-024): data over 253
/// bytes is split into 253-byte instances, as Kea does.
fn write_option(out: &mut Vec<u8>, code: u8, data: &[u8]) {
    if data.is_empty() {
        out.extend_from_slice(&[code, 0]);
        return;
    }
    for chunk in data.chunks(MAX_CHUNK) {
        // chunks() never yields more than MAX_CHUNK (253) bytes, so the length fits a u8.
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
    /// then the others in order, those over 253 bytes split into consecutive instances (RFC 3396, the
    /// way Kea splits them), then END. PAD and
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A DISCOVER from 00:11:22:33:44:55 with the given raw option bytes (no END added).
    pub(crate) fn discover_with(options: &[u8]) -> Vec<u8> {
        let mut b = vec![0u8; HEADER_LEN];
        b[..4].copy_from_slice(&[1, 1, 6, 0]);
        b[4..8].copy_from_slice(&0x1234_5678u32.to_be_bytes());
        b[10] = 0x80;
        b[28..34].copy_from_slice(&[0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        b.extend_from_slice(&MAGIC_COOKIE);
        b.extend_from_slice(options);
        b
    }

    #[test]
    fn parses_header_and_options() {
        let buf = discover_with(&[53, 1, 1, 0, 0, 55, 3, 1, 3, 6, 255, 12, 1, b'x']);
        let p = Packet4::parse(&buf).unwrap();
        assert_eq!((p.op, p.htype, p.hlen, p.xid), (1, 1, 6, 0x1234_5678));
        assert!(p.broadcast_flag());
        assert_eq!(p.hw_addr(), &[0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        assert_eq!(p.message_type(), Some(MessageType::Discover));
        assert_eq!(p.options.parameter_request_list(), &[1, 3, 6]);
        // Nothing after END is read.
        assert!(!p.options.contains(12));
        assert_eq!(p.options.len(), 2);
    }

    #[test]
    fn short_or_cookieless_datagrams_fail() {
        let buf = discover_with(&[]);
        assert!(matches!(
            Packet4::parse(&buf[..239]),
            Err(DecodeError::TooShort { len: 239, .. })
        ));
        assert!(Packet4::parse(&[]).is_err());
        let mut bad = buf.clone();
        bad[236] = 0;
        assert!(matches!(
            Packet4::parse(&bad),
            Err(DecodeError::BadMagicCookie([0, 130, 83, 99]))
        ));
        // Header and cookie only: a valid BOOTP packet without options.
        let p = Packet4::parse(&buf).unwrap();
        assert!(p.options.is_empty() && p.message_type().is_none());
    }

    // V4-017: a bad option drops only itself and what follows.
    #[test]
    fn malformed_option_drops_the_tail_only() {
        let buf = discover_with(&[53, 1, 3, 12, 1, b'h', 61, 9, 1, 0, 0x11]);
        let p = Packet4::parse(&buf).unwrap();
        assert_eq!(p.message_type(), Some(MessageType::Request));
        assert_eq!(p.options.get(12), Some(&b"h"[..]));
        assert!(!p.options.contains(61));
        let cut = discover_with(&[53, 1, 3, 12]);
        assert_eq!(Packet4::parse(&cut).unwrap().options.len(), 1);
    }

    // V4-024: instances of a code are concatenated in order on receipt.
    #[test]
    fn split_option_is_fused() {
        let buf = discover_with(&[12, 2, b'a', b'b', 53, 1, 1, 12, 1, b'c', 255]);
        let p = Packet4::parse(&buf).unwrap();
        assert_eq!(p.options.get(12), Some(&b"abc"[..]));
    }

    // V4-024: > 255 octets sent as consecutive same-code instances; option 53 goes first.
    #[test]
    fn long_option_is_split_on_encode() {
        let mut p = Packet4::default();
        let value: Vec<u8> = (0..600u16).map(|i| i as u8).collect();
        p.options.insert(240, &value);
        p.options.insert(code::MESSAGE_TYPE, &[2]);
        p.options.insert(code::RELAY_AGENT_INFO, &[]);
        let mut out = Vec::new();
        p.encode(&mut out);
        let opts = &out[MIN_LEN..];
        assert_eq!(&opts[..3], &[53, 1, 2]);
        assert_eq!(&opts[3..5], &[240, 253]);
        assert_eq!(&opts[5 + 253..5 + 255], &[240, 253]);
        assert_eq!(&opts[5 + 508..5 + 510], &[240, 94]);
        assert_eq!(&opts[5 + 510 + 94..], &[82, 0, 255]);
        let back = Packet4::parse(&out).unwrap();
        assert_eq!(back.options.get(240), Some(&value[..]));
    }

    #[test]
    fn encode_writes_only_into_reserved_space() {
        let p = Packet4::parse(&discover_with(&[
            53, 1, 1, 61, 7, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x55,
        ]));
        let p = p.unwrap();
        let mut out = Vec::with_capacity(1500);
        let before = out.as_ptr();
        p.encode(&mut out);
        assert_eq!(before, out.as_ptr());
        // Appends: an earlier packet in the buffer is kept.
        let first = out.clone();
        p.encode(&mut out);
        assert_eq!(&out[..first.len()], &first[..]);
        assert_eq!(&out[first.len()..], &first[..]);
    }

    // RFC 2131 §4.1, RFC 3396 §5: overloaded file then sname carry options, concatenated after the
    // options field's instances.
    #[test]
    fn option_overload_merges_file_then_sname() {
        let mut buf = discover_with(&[53, 1, 1, 52, 1, 3, 12, 1, b'a', 255]);
        buf[FILE.start..FILE.start + 4].copy_from_slice(&[12, 1, b'b', 255]);
        buf[SNAME.start..SNAME.start + 4].copy_from_slice(&[0, 12, 1, b'c']);
        buf[SNAME.end - 2..SNAME.end].copy_from_slice(&[15, 5]);
        let p = Packet4::parse(&buf).unwrap();
        assert_eq!(p.options.get(12), Some(&b"abc"[..]));
        // The malformed option 15 at the end of sname is dropped.
        assert!(!p.options.contains(15) && !p.options.contains(code::OVERLOAD));
        assert_eq!((p.file, p.sname), ([0; 128], [0; 64]));

        // Overload 2: only sname; file stays a file name.
        let mut buf = discover_with(&[52, 1, 2, 255]);
        buf[FILE.start] = b'f';
        buf[SNAME.start..SNAME.start + 3].copy_from_slice(&[66, 1, b's']);
        let p = Packet4::parse(&buf).unwrap();
        assert_eq!(p.options.get(66), Some(&b"s"[..]));
        assert_eq!(p.file[0], b'f');
    }

    #[test]
    fn hw_addr_is_capped_at_chaddr() {
        let mut p = Packet4 {
            hlen: 200,
            ..Packet4::default()
        };
        assert_eq!(p.hw_addr().len(), 16);
        p.hlen = 0;
        assert!(p.hw_addr().is_empty());
    }

    // V4-037: what the reply copies from the query.
    #[test]
    fn reply_skeleton_copies_rfc_fields() {
        let mut q = Packet4::parse(&discover_with(&[53, 1, 1, 255])).unwrap();
        q.hops = 2;
        q.giaddr = Ipv4Addr::new(10, 0, 0, 1);
        q.ciaddr = Ipv4Addr::new(10, 0, 0, 9);
        q.secs = 7;
        q.file[0] = b'x';
        let r = q.reply_skeleton();
        assert_eq!((r.op, r.htype, r.hlen, r.hops), (2, 1, 6, 2));
        assert_eq!(
            (r.xid, r.flags, r.giaddr, r.chaddr),
            (q.xid, q.flags, q.giaddr, q.chaddr)
        );
        assert_eq!((r.ciaddr, r.secs, r.file[0]), (Ipv4Addr::UNSPECIFIED, 0, 0));
        assert!(r.options.is_empty());
    }

    /// An OFFER captured from Kea 2.2 on loopback (relayed DISCOVER, a 300-byte custom option 226
    /// that Kea split into 253 + 47 bytes): parsing fuses the option (V4-024) and re-encoding gives
    /// Kea's bytes back.
    #[test]
    fn kea_offer_round_trips_byte_exact() {
        let hex = include_str!("testdata/kea22-offer.hex").trim();
        let wire: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        let p = Packet4::parse(&wire).unwrap();
        assert_eq!(p.message_type(), Some(MessageType::Offer));
        assert_eq!(
            (p.op, p.xid, p.giaddr),
            (2, 0xabcd_ef01, Ipv4Addr::new(127, 0, 0, 2))
        );
        assert_eq!(p.options.get(226), Some(&[b'L'; 300][..]));
        assert_eq!(p.options.get(code::SERVER_ID), Some(&[127, 0, 0, 1][..]));
        let mut out = Vec::new();
        p.encode(&mut out);
        assert_eq!(out, wire);
    }
}
