//! A small reader for classic pcap files (what `tcpdump -w` writes) that extracts DHCPv4
//! messages, so a test can list what the server really sent (e.g. the `yiaddr` of every ACK).
//!
//! Input is untrusted bytes: every length is checked, nothing panics, a record cut short at the
//! end of the file (capture stopped mid-write) ends the list quietly.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

/// Why a capture file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PcapError {
    /// The file is shorter than the 24-byte global header.
    #[error("pcap file too short ({0} bytes)")]
    TooShort(usize),
    /// Unknown magic number (pcapng is not supported; tcpdump writes classic pcap).
    #[error("not a classic pcap file (magic {0:#010x})")]
    BadMagic(u32),
    /// A link type this reader does not decode.
    #[error("unsupported pcap link type {0}")]
    UnsupportedLinkType(u32),
}

const LINKTYPE_ETHERNET: u32 = 1;
const LINKTYPE_RAW: u32 = 101;
const LINKTYPE_LINUX_SLL: u32 = 113;
const LINKTYPE_LINUX_SLL2: u32 = 276;
const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_VLAN: u16 = 0x8100;
const IPPROTO_UDP: u8 = 17;

/// DHCP message type ACK (option 53 value 5).
pub const DHCPACK: u8 = 5;
/// DHCP message type OFFER (option 53 value 2).
pub const DHCPOFFER: u8 = 2;

/// The fields of a captured DHCPv4 message that tests look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dhcp4Packet {
    /// IP source.
    pub src: Ipv4Addr,
    /// IP destination.
    pub dst: Ipv4Addr,
    /// UDP source port.
    pub src_port: u16,
    /// UDP destination port.
    pub dst_port: u16,
    /// BOOTP op: 1 request, 2 reply.
    pub op: u8,
    /// Transaction id.
    pub xid: u32,
    /// Client address.
    pub ciaddr: Ipv4Addr,
    /// "Your" address: what the server assigns.
    pub yiaddr: Ipv4Addr,
    /// Relay agent address.
    pub giaddr: Ipv4Addr,
    /// First 6 bytes of chaddr.
    pub chaddr: [u8; 6],
    /// Option 53, when present in the options field.
    pub message_type: Option<u8>,
    /// The options field as (code, payload), in wire order, pad and end left out; parsing stops at the
    /// first malformed option (overloaded sname/file are not read, and the capture keeps 1024 bytes).
    pub options: Vec<(u8, Vec<u8>)>,
}

impl Dhcp4Packet {
    /// The payload of the first instance of option `code`.
    pub fn option(&self, code: u8) -> Option<&[u8]> {
        self.options
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, v)| v.as_slice())
    }
}

/// Reads every DHCPv4 message (UDP, valid BOOTP header and magic cookie) in a pcap file.
pub fn dhcp4_packets(file: &[u8]) -> Result<Vec<Dhcp4Packet>, PcapError> {
    let header = file.get(..24).ok_or(PcapError::TooShort(file.len()))?;
    let magic = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
    // Both microsecond (a1b2c3d4) and nanosecond (a1b23c4d) files, either byte order.
    let little = match magic {
        0xa1b2_c3d4 | 0xa1b2_3c4d => true,
        0xd4c3_b2a1 | 0x4d3c_b2a1 => false,
        other => return Err(PcapError::BadMagic(other)),
    };
    let word = |b: &[u8], at: usize| -> Option<u32> {
        let bytes: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(bytes)
        } else {
            u32::from_be_bytes(bytes)
        })
    };
    let linktype = word(header, 20).ok_or(PcapError::TooShort(file.len()))? & 0x0fff_ffff;
    if ![
        LINKTYPE_ETHERNET,
        LINKTYPE_RAW,
        LINKTYPE_LINUX_SLL,
        LINKTYPE_LINUX_SLL2,
    ]
    .contains(&linktype)
    {
        return Err(PcapError::UnsupportedLinkType(linktype));
    }
    let mut packets = Vec::new();
    let mut at = 24;
    while let Some(caplen) = word(file, at + 8) {
        let start = at + 16;
        let Some(frame) = usize::try_from(caplen)
            .ok()
            .and_then(|len| file.get(start..start.checked_add(len)?))
        else {
            break;
        };
        if let Some(packet) = ip_payload(linktype, frame).and_then(parse_ipv4_udp_dhcp) {
            packets.push(packet);
        }
        at = start + frame.len();
    }
    Ok(packets)
}

/// Addresses the server acknowledged (`yiaddr` of every DHCPACK with a non-zero `yiaddr`).
pub fn acked_addresses(packets: &[Dhcp4Packet]) -> BTreeSet<Ipv4Addr> {
    packets
        .iter()
        .filter(|p| p.op == 2 && p.message_type == Some(DHCPACK) && !p.yiaddr.is_unspecified())
        .map(|p| p.yiaddr)
        .collect()
}

/// The IPv4 packet inside a link-layer frame.
fn ip_payload(linktype: u32, frame: &[u8]) -> Option<&[u8]> {
    let be16 = |at: usize| Some(u16::from_be_bytes(frame.get(at..at + 2)?.try_into().ok()?));
    let (ethertype, offset) = match linktype {
        LINKTYPE_RAW => return Some(frame),
        LINKTYPE_LINUX_SLL => (be16(14)?, 16),
        LINKTYPE_LINUX_SLL2 => (be16(0)?, 20),
        _ => match be16(12)? {
            ETHERTYPE_VLAN => (be16(16)?, 18),
            other => (other, 14),
        },
    };
    (ethertype == ETHERTYPE_IPV4)
        .then(|| frame.get(offset..))
        .flatten()
}

fn parse_ipv4_udp_dhcp(ip: &[u8]) -> Option<Dhcp4Packet> {
    let first = *ip.first()?;
    let ihl = usize::from(first & 0x0f) * 4;
    if first >> 4 != 4 || ihl < 20 || *ip.get(9)? != IPPROTO_UDP {
        return None;
    }
    // Fragments other than the first carry no UDP header; DHCP replies are never fragmented.
    let frag = u16::from_be_bytes(ip.get(6..8)?.try_into().ok()?);
    if frag & 0x1fff != 0 {
        return None;
    }
    let addr = |b: &[u8], at: usize| -> Option<Ipv4Addr> {
        let o: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(Ipv4Addr::from(o))
    };
    let udp = ip.get(ihl..)?;
    let port = |at: usize| Some(u16::from_be_bytes(udp.get(at..at + 2)?.try_into().ok()?));
    let bootp = udp.get(8..)?;
    if bootp.get(236..240)? != [99, 130, 83, 99] {
        return None;
    }
    let options = parse_options(bootp.get(240..)?);
    Some(Dhcp4Packet {
        src: addr(ip, 12)?,
        dst: addr(ip, 16)?,
        src_port: port(0)?,
        dst_port: port(2)?,
        op: *bootp.first()?,
        xid: u32::from_be_bytes(bootp.get(4..8)?.try_into().ok()?),
        ciaddr: addr(bootp, 12)?,
        yiaddr: addr(bootp, 16)?,
        giaddr: addr(bootp, 24)?,
        chaddr: bootp.get(28..34)?.try_into().ok()?,
        message_type: message_type(&options),
        options,
    })
}

/// Option 53 (the first instance of length 1).
fn message_type(options: &[(u8, Vec<u8>)]) -> Option<u8> {
    options
        .iter()
        .find(|(code, value)| *code == 53 && value.len() == 1)
        .map(|(_, value)| value[0])
}

/// The options field, up to the end option, the end of the data or the first option cut short.
fn parse_options(mut field: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    while let Some(&code) = field.first() {
        match code {
            0 => field = &field[1..],
            255 => break,
            _ => {
                let Some(value) = field
                    .get(1)
                    .and_then(|&len| field.get(2..2 + usize::from(len)))
                else {
                    break;
                };
                out.push((code, value.to_vec()));
                field = &field[2 + value.len()..];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DHCPACK as UDP/IPv4 without link header, yiaddr `yi`.
    fn ack_ip(yi: [u8; 4], msg_type: u8) -> Vec<u8> {
        let mut bootp = vec![0u8; 240];
        bootp[0] = 2;
        bootp[4..8].copy_from_slice(&0x1234_5678u32.to_be_bytes());
        bootp[16..20].copy_from_slice(&yi);
        bootp[28..34].copy_from_slice(&[0, 0x0c, 1, 2, 3, 4]);
        bootp[236..240].copy_from_slice(&[99, 130, 83, 99]);
        bootp.extend_from_slice(&[0, 53, 1, msg_type, 255]);
        let udp_len = 8 + bootp.len();
        let mut udp = vec![0, 67, 0, 67];
        udp.extend_from_slice(&u16::try_from(udp_len).expect("small").to_be_bytes());
        udp.extend_from_slice(&[0, 0]);
        udp.extend_from_slice(&bootp);
        let mut ip = vec![
            0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 2,
        ];
        let total = u16::try_from(20 + udp.len()).expect("small");
        ip[2..4].copy_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(&udp);
        ip
    }

    fn pcap(linktype: u32, frames: &[Vec<u8>], big_endian: bool) -> Vec<u8> {
        let w = |v: u32| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut out = Vec::new();
        out.extend_from_slice(&w(0xa1b2_c3d4));
        out.extend_from_slice(&[2, 0, 4, 0]); // version, not checked
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&w(65535));
        out.extend_from_slice(&w(linktype));
        for f in frames {
            out.extend_from_slice(&w(1));
            out.extend_from_slice(&w(2));
            let len = u32::try_from(f.len()).expect("small");
            out.extend_from_slice(&w(len));
            out.extend_from_slice(&w(len));
            out.extend_from_slice(f);
        }
        out
    }

    fn ethernet(ip: &[u8]) -> Vec<u8> {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x08, 0x00]);
        f.extend_from_slice(ip);
        f
    }

    #[test]
    fn reads_acks_from_ethernet_and_raw_captures() {
        let frames = vec![
            ethernet(&ack_ip([10, 0, 0, 1], DHCPACK)),
            ethernet(&ack_ip([10, 0, 0, 2], DHCPOFFER)),
            ethernet(&ack_ip([10, 0, 0, 3], DHCPACK)),
        ];
        for big in [false, true] {
            let packets = dhcp4_packets(&pcap(LINKTYPE_ETHERNET, &frames, big)).expect("valid");
            assert_eq!(packets.len(), 3);
            assert_eq!(packets[0].xid, 0x1234_5678);
            assert_eq!(packets[0].src_port, 67);
            assert_eq!(
                acked_addresses(&packets),
                BTreeSet::from([Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 3)])
            );
        }
        let raw = pcap(LINKTYPE_RAW, &[ack_ip([10, 0, 0, 9], DHCPACK)], false);
        let packets = dhcp4_packets(&raw).expect("valid");
        assert_eq!(packets[0].yiaddr, Ipv4Addr::new(10, 0, 0, 9));
    }

    #[test]
    fn options_are_listed_in_wire_order() {
        let mut ip = ack_ip([10, 0, 0, 1], DHCPACK);
        // Replace the trailing end option by two more options, a pad, and the end.
        ip.pop();
        ip.extend_from_slice(&[
            252, 5, b'h', b'e', b'l', b'l', b'o', 0, 1, 4, 255, 0, 0, 0, 255,
        ]);
        let packets = dhcp4_packets(&pcap(LINKTYPE_RAW, &[ip], false)).expect("valid");
        let p = &packets[0];
        assert_eq!(p.message_type, Some(DHCPACK));
        assert_eq!(p.option(252), Some(b"hello".as_slice()));
        assert_eq!(p.option(1), Some([255, 0, 0, 0].as_slice()));
        assert_eq!(p.option(3), None);
        assert_eq!(p.options.len(), 3);
        assert_eq!(parse_options(&[252, 9, 1]), vec![], "cut short");
        assert_eq!(
            parse_options(&[0, 53, 1, 2]),
            vec![(53, vec![2])],
            "no end option"
        );
    }

    #[test]
    fn cut_files_and_garbage_do_not_panic() {
        let full = pcap(
            LINKTYPE_ETHERNET,
            &vec![ethernet(&ack_ip([10, 0, 0, 1], DHCPACK)); 2],
            false,
        );
        for cut in 0..full.len() {
            let _ = dhcp4_packets(&full[..cut]);
        }
        let last_cut = dhcp4_packets(&full[..full.len() - 1]).expect("header intact");
        assert_eq!(last_cut.len(), 1, "a record cut short is dropped");
        assert!(matches!(
            dhcp4_packets(&[0u8; 24]),
            Err(PcapError::BadMagic(0))
        ));
        let mut junk = pcap(LINKTYPE_ETHERNET, &[vec![0xff; 300]], false);
        assert!(dhcp4_packets(&junk).expect("valid").is_empty());
        junk[20] = 200;
        assert!(matches!(
            dhcp4_packets(&junk),
            Err(PcapError::UnsupportedLinkType(200))
        ));
    }
}
