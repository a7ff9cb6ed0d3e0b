//! Ethernet II + IPv4 + UDP frames: parsing what a raw socket receives, building what it sends,
//! and the kernel filter that lets only UDP/IPv4 to one port reach user space.

use std::net::{Ipv4Addr, SocketAddrV4};
use std::ops::Range;

const ETH_HLEN: usize = 14;
const IPV4_MIN_HLEN: usize = 20;
const UDP_HLEN: usize = 8;
/// Headers of a frame we build: Ethernet, IPv4 without options, UDP.
pub(crate) const HEADERS_LEN: usize = ETH_HLEN + IPV4_MIN_HLEN + UDP_HLEN;
const ETHERTYPE_IPV4: u16 = 0x0800;
const IPPROTO_UDP: u8 = 17;
/// "More fragments" flag and fragment offset bits of the IPv4 flags/offset field.
const IPV4_FRAGMENT_MASK: u16 = 0x3fff;
const IPV4_DONT_FRAGMENT: u16 = 0x4000;
const TTL: u8 = 64;
/// The Ethernet broadcast address.
pub(crate) const BROADCAST_MAC: [u8; 6] = [0xff; 6];

/// Why a received frame is not a UDP/IPv4 datagram for us; the frame is dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Malformed {
    /// Shorter than the headers or than the lengths the headers announce.
    Truncated,
    /// Not an Ethernet frame carrying IPv4.
    NotIpv4,
    /// IPv4 header length below 20 bytes.
    BadHeaderLength,
    /// IPv4 header checksum does not verify.
    BadChecksum,
    /// A fragment (reassembly is the kernel's job; DHCP messages are never fragmented).
    Fragment,
    /// Not UDP.
    NotUdp,
    /// UDP length field below 8 or beyond the IPv4 payload.
    BadUdpLength,
    /// UDP to another port.
    OtherPort,
}

/// Why a frame could not be built for an outgoing datagram.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum BuildError {
    /// The payload does not fit one IPv4 datagram.
    #[error("a UDP payload of {0} bytes does not fit one IPv4 datagram")]
    PayloadTooLarge(usize),
    /// Unicast needs the destination's Ethernet address.
    #[error("a raw frame to unicast {0} needs a destination MAC address")]
    NoDestinationMac(Ipv4Addr),
    /// The raw socket is bound to one interface and can send on that one only.
    #[error("raw socket bound to interface index {bound} cannot send on index {asked}")]
    OtherInterface {
        /// Index the socket is bound to.
        bound: u32,
        /// Index the target asked for.
        asked: u32,
    },
}

/// A UDP datagram found in a received frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UdpInFrame {
    pub(crate) src_mac: [u8; 6],
    pub(crate) src: SocketAddrV4,
    pub(crate) dst: SocketAddrV4,
    /// Where the UDP payload sits in the frame.
    pub(crate) payload: Range<usize>,
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn ipv4_at(b: &[u8], at: usize) -> Ipv4Addr {
    Ipv4Addr::new(b[at], b[at + 1], b[at + 2], b[at + 3])
}

/// Checks that `frame` is one whole, unfragmented UDP/IPv4 datagram to `port` and finds its
/// payload. Lengths come from the headers, so Ethernet padding after the datagram is ignored.
/// The UDP checksum is not checked: on virtual links the kernel may leave it to "offload" and a
/// raw socket sees it unfinished.
pub(crate) fn parse(frame: &[u8], port: u16) -> Result<UdpInFrame, Malformed> {
    if frame.len() < ETH_HLEN + IPV4_MIN_HLEN {
        return Err(Malformed::Truncated);
    }
    let ip = &frame[ETH_HLEN..];
    if be16(frame, 12) != ETHERTYPE_IPV4 || ip[0] >> 4 != 4 {
        return Err(Malformed::NotIpv4);
    }
    let ihl = usize::from(ip[0] & 0x0f) * 4;
    if ihl < IPV4_MIN_HLEN {
        return Err(Malformed::BadHeaderLength);
    }
    let total = usize::from(be16(ip, 2));
    if total < ihl + UDP_HLEN || total > ip.len() {
        return Err(Malformed::Truncated);
    }
    // A correct header, its checksum field included, sums to all ones.
    if fold(sum(0, &ip[..ihl])) != 0xffff {
        return Err(Malformed::BadChecksum);
    }
    if be16(ip, 6) & IPV4_FRAGMENT_MASK != 0 {
        return Err(Malformed::Fragment);
    }
    if ip[9] != IPPROTO_UDP {
        return Err(Malformed::NotUdp);
    }
    let udp = &ip[ihl..total];
    let udp_len = usize::from(be16(udp, 4));
    if udp_len < UDP_HLEN || udp_len > udp.len() {
        return Err(Malformed::BadUdpLength);
    }
    if be16(udp, 2) != port {
        return Err(Malformed::OtherPort);
    }
    let mut src_mac = [0; 6];
    src_mac.copy_from_slice(&frame[6..12]);
    let start = ETH_HLEN + ihl + UDP_HLEN;
    Ok(UdpInFrame {
        src_mac,
        src: SocketAddrV4::new(ipv4_at(ip, 12), be16(udp, 0)),
        dst: SocketAddrV4::new(ipv4_at(ip, 16), port),
        payload: start..start + udp_len - UDP_HLEN,
    })
}

/// Addresses of an outgoing frame.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FrameAddrs {
    pub(crate) src_mac: [u8; 6],
    pub(crate) dst_mac: [u8; 6],
    pub(crate) src: SocketAddrV4,
    pub(crate) dst: SocketAddrV4,
}

/// Writes the Ethernet, IPv4 and UDP headers (checksums included) that go in front of `payload`.
pub(crate) fn write_headers(
    out: &mut [u8; HEADERS_LEN],
    a: &FrameAddrs,
    payload: &[u8],
) -> Result<(), BuildError> {
    let udp_len = u16::try_from(UDP_HLEN + payload.len())
        .ok()
        .filter(|&l| usize::from(l) + IPV4_MIN_HLEN <= usize::from(u16::MAX))
        .ok_or(BuildError::PayloadTooLarge(payload.len()))?;
    let total = udp_len + IPV4_MIN_HLEN as u16;

    let (eth, rest) = out.split_at_mut(ETH_HLEN);
    eth[0..6].copy_from_slice(&a.dst_mac);
    eth[6..12].copy_from_slice(&a.src_mac);
    eth[12..14].copy_from_slice(&ETHERTYPE_IPV4.to_be_bytes());

    let (ip, udp) = rest.split_at_mut(IPV4_MIN_HLEN);
    ip[0] = 0x45; // version 4, 5 words of header
    ip[1] = 0; // DSCP/ECN
    ip[2..4].copy_from_slice(&total.to_be_bytes());
    ip[4..6].copy_from_slice(&[0, 0]); // identification: unused with DF set (RFC 6864)
    ip[6..8].copy_from_slice(&IPV4_DONT_FRAGMENT.to_be_bytes());
    ip[8] = TTL;
    ip[9] = IPPROTO_UDP;
    ip[10..12].copy_from_slice(&[0, 0]);
    ip[12..16].copy_from_slice(&a.src.ip().octets());
    ip[16..20].copy_from_slice(&a.dst.ip().octets());
    let ip_sum = !fold(sum(0, ip));
    ip[10..12].copy_from_slice(&ip_sum.to_be_bytes());

    udp[0..2].copy_from_slice(&a.src.port().to_be_bytes());
    udp[2..4].copy_from_slice(&a.dst.port().to_be_bytes());
    udp[4..6].copy_from_slice(&udp_len.to_be_bytes());
    udp[6..8].copy_from_slice(&[0, 0]);
    // Pseudo-header (RFC 768): addresses, protocol, UDP length; then header and payload.
    let mut acc = sum(0, &ip[12..20]);
    acc += u64::from(IPPROTO_UDP) + u64::from(udp_len);
    acc = sum(acc, udp);
    acc = sum(acc, payload);
    // A computed 0 is sent as all ones: 0 on the wire means "no checksum".
    let udp_sum = match !fold(acc) {
        0 => 0xffff,
        s => s,
    };
    udp[6..8].copy_from_slice(&udp_sum.to_be_bytes());
    Ok(())
}

/// Adds `data` to a one's-complement accumulator as big-endian 16-bit words (a final odd byte is
/// padded with zero). Summing 32-bit words and folding later gives the same result, faster.
fn sum(mut acc: u64, data: &[u8]) -> u64 {
    let mut words = data.chunks_exact(4);
    for w in &mut words {
        acc += u64::from(u32::from_be_bytes([w[0], w[1], w[2], w[3]]));
    }
    let rest = words.remainder();
    let mut tail = [0u8; 4];
    tail[..rest.len()].copy_from_slice(rest);
    acc + u64::from(u32::from_be_bytes(tail))
}

/// Folds an accumulator to 16 bits with end-around carry.
fn fold(mut acc: u64) -> u16 {
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc as u16
}

/// Classic BPF program for an `AF_PACKET` socket: accept untagged Ethernet/IPv4/UDP frames that
/// are not fragments and go to `port`; drop everything else in the kernel.
///
/// VLAN-tagged frames whose tag the NIC stripped are also shown to sockets on the parent
/// interface; they belong to the VLAN interface, so the filter drops them.
pub(crate) fn udp_port_filter(port: u16) -> [libc::sock_filter; 13] {
    const fn op(code: u32, jt: u8, jf: u8, k: u32) -> libc::sock_filter {
        libc::sock_filter {
            code: code as u16,
            jt,
            jf,
            k,
        }
    }
    use libc::{
        BPF_ABS, BPF_B, BPF_H, BPF_IND, BPF_JEQ, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX,
        BPF_MSH, BPF_RET, BPF_W, SKF_AD_OFF, SKF_AD_VLAN_TAG_PRESENT,
    };
    const VLAN_TAG_PRESENT: u32 = (SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT) as u32;
    // Jump offsets count instructions after the jump; DROP is the last instruction (index 12).
    [
        /* 0 */ op(BPF_LD | BPF_W | BPF_ABS, 0, 0, VLAN_TAG_PRESENT),
        /* 1 */ op(BPF_JMP | BPF_JEQ | BPF_K, 0, 10, 0),
        /* 2 */ op(BPF_LD | BPF_H | BPF_ABS, 0, 0, 12), // EtherType
        /* 3 */ op(BPF_JMP | BPF_JEQ | BPF_K, 0, 8, u32::from(ETHERTYPE_IPV4)),
        /* 4 */
        op(BPF_LD | BPF_B | BPF_ABS, 0, 0, (ETH_HLEN + 9) as u32), // IP protocol
        /* 5 */ op(BPF_JMP | BPF_JEQ | BPF_K, 0, 6, u32::from(IPPROTO_UDP)),
        /* 6 */
        op(BPF_LD | BPF_H | BPF_ABS, 0, 0, (ETH_HLEN + 6) as u32), // flags, fragment offset
        /* 7 */
        op(
            BPF_JMP | BPF_JSET | BPF_K,
            4,
            0,
            u32::from(IPV4_FRAGMENT_MASK),
        ),
        /* 8 */
        op(BPF_LDX | BPF_B | BPF_MSH, 0, 0, ETH_HLEN as u32), // X = IP header length
        /* 9 */
        op(BPF_LD | BPF_H | BPF_IND, 0, 0, (ETH_HLEN + 2) as u32), // UDP destination port
        /* 10 */ op(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, u32::from(port)),
        /* 11 */ op(BPF_RET | BPF_K, 0, 0, u32::MAX), // accept the whole frame
        /* 12 */ op(BPF_RET | BPF_K, 0, 0, 0), // drop
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLI_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 2];

    fn addrs() -> FrameAddrs {
        FrameAddrs {
            src_mac: CLI_MAC,
            dst_mac: BROADCAST_MAC,
            src: SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 7), 68),
            dst: SocketAddrV4::new(Ipv4Addr::BROADCAST, 67),
        }
    }

    fn frame(a: &FrameAddrs, payload: &[u8]) -> Vec<u8> {
        let mut head = [0; HEADERS_LEN];
        write_headers(&mut head, a, payload).unwrap();
        [&head[..], payload].concat()
    }

    /// RFC 1071 checksum the slow, obvious way: 16-bit words, end-around carry per addition.
    fn naive_checksum(data: &[u8]) -> u16 {
        let mut acc: u32 = 0;
        for pair in data.chunks(2) {
            let w = u32::from(pair[0]) << 8 | u32::from(*pair.get(1).unwrap_or(&0));
            acc += w;
            acc = (acc & 0xffff) + (acc >> 16);
        }
        !(acc as u16)
    }

    fn udp_checksum_of(f: &[u8]) -> u16 {
        let udp = &f[ETH_HLEN + IPV4_MIN_HLEN..];
        let mut pseudo = Vec::new();
        pseudo.extend_from_slice(&f[ETH_HLEN + 12..ETH_HLEN + 20]);
        pseudo.extend_from_slice(&[0, IPPROTO_UDP]);
        pseudo.extend_from_slice(&udp[4..6]);
        pseudo.extend_from_slice(udp);
        naive_checksum(&pseudo)
    }

    #[test]
    fn known_ipv4_header_checksum_verifies() {
        // A textbook header (checksum 0xb861) sums to all ones.
        let hdr = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(fold(sum(0, &hdr)), 0xffff);
        let mut zeroed = hdr;
        zeroed[10..12].copy_from_slice(&[0, 0]);
        assert_eq!(!fold(sum(0, &zeroed)), 0xb861);
    }

    // V4-013: replies are Ethernet II frames.
    #[test]
    fn built_frame_has_valid_checksums_and_fields() {
        for len in [0usize, 1, 7, 300, 301, 548, 1472] {
            let payload: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let f = frame(&addrs(), &payload);
            assert_eq!(&f[0..6], &BROADCAST_MAC);
            assert_eq!(&f[6..12], &CLI_MAC);
            assert_eq!(
                naive_checksum(&f[ETH_HLEN..ETH_HLEN + 20]),
                0,
                "IP checksum, len {len}"
            );
            assert_eq!(udp_checksum_of(&f), 0, "UDP checksum, len {len}");
            assert_eq!(usize::from(be16(&f, ETH_HLEN + 2)), 28 + len);
            assert_eq!(usize::from(be16(&f, ETH_HLEN + 24)), 8 + len);
        }
    }

    #[test]
    fn udp_checksum_of_zero_is_sent_as_all_ones() {
        // Find the last two payload bytes that make the computed checksum 0.
        let a = addrs();
        let found = (0..=u16::MAX).find_map(|w| {
            let payload = [1, 2, 3, 4, (w >> 8) as u8, w as u8];
            let f = frame(&a, &payload);
            (be16(&f, ETH_HLEN + 26) == 0xffff).then_some(f)
        });
        let f = found.expect("some payload sums to zero");
        assert_eq!(
            udp_checksum_of(&f),
            0,
            "0xffff is the same one's-complement value as 0"
        );
    }

    #[test]
    fn oversized_payload_is_refused() {
        let big = vec![0; 65_535 - 28 + 1];
        let mut head = [0; HEADERS_LEN];
        assert_eq!(
            write_headers(&mut head, &addrs(), &big),
            Err(BuildError::PayloadTooLarge(big.len()))
        );
        assert_eq!(write_headers(&mut head, &addrs(), &big[1..]), Ok(()));
    }

    #[test]
    fn parse_round_trips_a_built_frame_and_ignores_padding() {
        let payload = b"\x01\x01\x06\x00hello dhcp";
        let mut f = frame(&addrs(), payload);
        f.extend_from_slice(&[0xee; 20]); // Ethernet padding / trailer
        let got = parse(&f, 67).unwrap();
        assert_eq!(got.src_mac, CLI_MAC);
        assert_eq!(got.src, addrs().src);
        assert_eq!(got.dst, addrs().dst);
        assert_eq!(&f[got.payload], payload);
    }

    #[test]
    fn parse_skips_ipv4_options() {
        let payload = b"with options";
        let f = frame(&addrs(), payload);
        // Rebuild with a 4-byte options field (NOPs) and a fresh header checksum.
        let mut g = f[..ETH_HLEN + 20].to_vec();
        g[ETH_HLEN] = 0x46;
        let total = be16(&g, ETH_HLEN + 2) + 4;
        g[ETH_HLEN + 2..ETH_HLEN + 4].copy_from_slice(&total.to_be_bytes());
        g.extend_from_slice(&[1, 1, 1, 1]);
        g[ETH_HLEN + 10..ETH_HLEN + 12].copy_from_slice(&[0, 0]);
        let c = naive_checksum(&g[ETH_HLEN..]);
        g[ETH_HLEN + 10..ETH_HLEN + 12].copy_from_slice(&c.to_be_bytes());
        g.extend_from_slice(&f[ETH_HLEN + 20..]);
        let got = parse(&g, 67).unwrap();
        assert_eq!(&g[got.payload], payload);
    }

    /// Applies `edit` to a good frame, then re-signs the IPv4 header unless told not to.
    fn mangled(edit: impl FnOnce(&mut Vec<u8>), fix_checksum: bool) -> Vec<u8> {
        let mut f = frame(&addrs(), b"payload");
        edit(&mut f);
        if fix_checksum && f.len() >= ETH_HLEN + 20 {
            f[ETH_HLEN + 10..ETH_HLEN + 12].copy_from_slice(&[0, 0]);
            let c = naive_checksum(&f[ETH_HLEN..ETH_HLEN + 20]);
            f[ETH_HLEN + 10..ETH_HLEN + 12].copy_from_slice(&c.to_be_bytes());
        }
        f
    }

    #[test]
    fn parse_rejects_malformed_frames() {
        let cases: Vec<(&str, Vec<u8>, Malformed)> = vec![
            (
                "short",
                mangled(|f| f.truncate(30), false),
                Malformed::Truncated,
            ),
            (
                "arp",
                mangled(|f| f[12..14].copy_from_slice(&[8, 6]), true),
                Malformed::NotIpv4,
            ),
            (
                "ipv6 version",
                mangled(|f| f[ETH_HLEN] = 0x65, true),
                Malformed::NotIpv4,
            ),
            (
                "ihl 4",
                mangled(|f| f[ETH_HLEN] = 0x44, true),
                Malformed::BadHeaderLength,
            ),
            (
                "total > frame",
                mangled(|f| f[ETH_HLEN + 3] += 1, true),
                Malformed::Truncated,
            ),
            (
                "total < hdrs",
                mangled(
                    |f| f[ETH_HLEN + 2..ETH_HLEN + 4].copy_from_slice(&[0, 27]),
                    true,
                ),
                Malformed::Truncated,
            ),
            (
                "checksum",
                mangled(|f| f[ETH_HLEN + 8] = 1, false),
                Malformed::BadChecksum,
            ),
            (
                "more fragments",
                mangled(|f| f[ETH_HLEN + 6] = 0x20, true),
                Malformed::Fragment,
            ),
            (
                "later fragment",
                mangled(|f| f[ETH_HLEN + 7] = 0x01, true),
                Malformed::Fragment,
            ),
            (
                "tcp",
                mangled(|f| f[ETH_HLEN + 9] = 6, true),
                Malformed::NotUdp,
            ),
            (
                "udp len 7",
                mangled(|f| f[ETH_HLEN + 25] = 7, true),
                Malformed::BadUdpLength,
            ),
            (
                "udp len > ip",
                mangled(|f| f[ETH_HLEN + 25] += 1, true),
                Malformed::BadUdpLength,
            ),
            (
                "other port",
                mangled(|f| f[ETH_HLEN + 23] = 68, true),
                Malformed::OtherPort,
            ),
        ];
        for (name, f, want) in cases {
            assert_eq!(parse(&f, 67), Err(want), "{name}");
        }
    }

    #[test]
    fn parse_never_panics_on_prefixes() {
        let f = frame(&addrs(), &[9; 40]);
        for n in 0..f.len() {
            assert!(parse(&f[..n], 67).is_err(), "prefix of {n} bytes");
        }
    }

    /// Runs the classic BPF subset our filter uses, as the kernel would on `pkt`; `vlan` is
    /// the "VLAN tag present" ancillary value.
    fn run_bpf(prog: &[libc::sock_filter], pkt: &[u8], vlan: bool) -> u32 {
        use libc::*;
        let vlan_present = (SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT) as u32;
        let (mut a, mut x, mut pc) = (0u32, 0u32, 0usize);
        let load = |off: usize, n: usize| {
            pkt.get(off..off + n)
                .map(|b| b.iter().fold(0u32, |v, &b| v << 8 | u32::from(b)))
        };
        loop {
            let i = prog[pc];
            pc += 1;
            let loaded = match u32::from(i.code) {
                c if c == BPF_LD | BPF_W | BPF_ABS && i.k == vlan_present => Some(u32::from(vlan)),
                c if c == BPF_LD | BPF_H | BPF_ABS => load(i.k as usize, 2),
                c if c == BPF_LD | BPF_B | BPF_ABS => load(i.k as usize, 1),
                c if c == BPF_LD | BPF_H | BPF_IND => load(x as usize + i.k as usize, 2),
                c if c == BPF_LDX | BPF_B | BPF_MSH => {
                    x = (load(i.k as usize, 1).unwrap_or(0) & 0xf) * 4;
                    continue;
                }
                c if c == BPF_JMP | BPF_JEQ | BPF_K => {
                    pc += usize::from(if a == i.k { i.jt } else { i.jf });
                    continue;
                }
                c if c == BPF_JMP | BPF_JSET | BPF_K => {
                    pc += usize::from(if a & i.k != 0 { i.jt } else { i.jf });
                    continue;
                }
                c if c == BPF_RET | BPF_K => return i.k,
                other => panic!("opcode {other:#x} not emulated"),
            };
            // The kernel ends the program with "drop" when a load runs past the packet.
            match loaded {
                Some(v) => a = v,
                None => return 0,
            }
        }
    }

    #[test]
    fn kernel_filter_passes_only_untagged_unfragmented_udp_to_the_port() {
        let prog = udp_port_filter(67);
        let good = frame(&addrs(), b"x");
        assert_ne!(run_bpf(&prog, &good, false), 0);
        assert_eq!(run_bpf(&prog, &good, true), 0, "VLAN-tagged");
        let options = {
            // Header length 24: the port must be found after the options.
            let mut g = good[..ETH_HLEN + 20].to_vec();
            g[ETH_HLEN] = 0x46;
            g.extend_from_slice(&[1; 4]);
            g.extend_from_slice(&good[ETH_HLEN + 20..]);
            g
        };
        assert_ne!(run_bpf(&prog, &options, false), 0);
        let rejected = [
            ("other port", mangled(|f| f[ETH_HLEN + 23] = 68, true)),
            ("tcp", mangled(|f| f[ETH_HLEN + 9] = 6, true)),
            ("arp", mangled(|f| f[12..14].copy_from_slice(&[8, 6]), true)),
            ("fragment", mangled(|f| f[ETH_HLEN + 6] = 0x20, true)),
            ("offset", mangled(|f| f[ETH_HLEN + 7] = 0x01, true)),
            ("short", good[..20].to_vec()),
        ];
        for (name, f) in rejected {
            assert_eq!(run_bpf(&prog, &f, false), 0, "{name}");
        }
        assert_eq!(run_bpf(&udp_port_filter(68), &good, false), 0);
    }
}
