//! What identifies a DHCPv6 client beyond its DUID: the hardware address `mac-sources` finds (V6-084..
//! V6-087) and the vendor class name (V6-153).

use ruru_config::MacSource;
use ruru_lease::HwAddr;
use ruru_proto::v6::{code, Packet6};
use std::net::Ipv6Addr;

/// `hwaddr_source` bit values stored in leases (V6-087).
mod source {
    pub(super) const DUID: u32 = 2;
    pub(super) const LINK_LOCAL: u32 = 4;
    pub(super) const CLIENT_LINK_ADDR: u32 = 8;
    pub(super) const REMOTE_ID: u32 = 16;
}

/// The order `any` tries the methods in (V6-085).
const ANY: [MacSource; 4] = [
    MacSource::ClientLinkAddrOption,
    MacSource::Duid,
    MacSource::Ipv6LinkLocal,
    MacSource::RemoteId,
];

/// The client's hardware address and how it was found, by the first method of `sources` that yields
/// one; `peer` is the client's own address (the packet source, or the innermost relay's peer-address).
pub(crate) fn hardware_address(
    pkt: &Packet6,
    peer: Ipv6Addr,
    sources: &[MacSource],
) -> Option<(HwAddr, u32)> {
    let mut methods = Vec::with_capacity(ANY.len());
    for &s in sources {
        match s {
            MacSource::Any => methods.extend(ANY),
            other => methods.push(other),
        }
    }
    methods.into_iter().find_map(|m| by_method(pkt, peer, m))
}

fn by_method(pkt: &Packet6, peer: Ipv6Addr, m: MacSource) -> Option<(HwAddr, u32)> {
    let hw = |htype: u16, b: &[u8]| (!b.is_empty()).then(|| HwAddr::new(htype as u8, b));
    match m {
        MacSource::Duid => {
            let d = pkt.message.options.get(code::CLIENTID)?;
            let (kind, htype) = (u16::from_be_bytes([*d.first()?, *d.get(1)?]), d.get(2..4)?);
            let htype = u16::from_be_bytes([htype[0], htype[1]]);
            let ll = match kind {
                1 => d.get(8..)?,
                3 => d.get(4..)?,
                _ => return None,
            };
            hw(htype, ll).map(|h| (h, source::DUID))
        }
        MacSource::Ipv6LinkLocal => {
            // EUI-64 interface identifiers only: ff:fe in the middle, universal/local bit flipped back.
            let o = peer.octets();
            if !peer.is_unicast_link_local() || o[11] != 0xff || o[12] != 0xfe {
                return None;
            }
            let mac = [o[8] ^ 0x02, o[9], o[10], o[13], o[14], o[15]];
            hw(1, &mac).map(|h| (h, source::LINK_LOCAL))
        }
        MacSource::ClientLinkAddrOption => {
            let o = pkt
                .nearest_client_relay()?
                .options
                .get(code::CLIENT_LINKLAYER_ADDR)?;
            let htype = u16::from_be_bytes([*o.first()?, *o.get(1)?]);
            hw(htype, o.get(2..)?).map(|h| (h, source::CLIENT_LINK_ADDR))
        }
        MacSource::RemoteId => {
            // Enterprise number, then the remote-id; Kea takes it as an Ethernet address.
            let o = pkt
                .relays
                .iter()
                .rev()
                .find_map(|r| r.options.get(code::REMOTE_ID))?;
            hw(1, o.get(4..)?).map(|h| (h, source::REMOTE_ID))
        }
        _ => None,
    }
}

/// The client's own address: the innermost relay's peer-address when relayed, else the source.
pub(crate) fn peer_address(pkt: &Packet6, src: Ipv6Addr) -> Ipv6Addr {
    pkt.nearest_client_relay().map_or(src, |r| r.peer_address)
}

/// The first vendor-class-data chunk of option 16 (V6-153).
pub(crate) fn vendor_class(pkt: &Packet6) -> Option<&[u8]> {
    let o = pkt.message.options.get(code::VENDOR_CLASS)?;
    let len = usize::from(u16::from_be_bytes([*o.get(4)?, *o.get(5)?]));
    o.get(6..6 + len)
}

/// Enterprise numbers the client named in its options 16 and 17 (V6-148).
pub(crate) fn enterprises(pkt: &Packet6) -> Vec<u32> {
    let opts = &pkt.message.options;
    opts.get_all(code::VENDOR_CLASS)
        .chain(opts.get_all(code::VENDOR_OPTS))
        .filter_map(|o| {
            o.get(..4)
                .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruru_proto::v6::{Message6, MessageType};

    fn with_client_id(duid: &[u8]) -> Packet6 {
        let mut m = Message6::new(MessageType::Solicit, 1);
        m.options.push(code::CLIENTID, duid);
        Packet6::direct(m)
    }

    // V6-086, V6-087: a DUID-LLT gives its link-layer part with source 2; an EUI-64 link-local address
    // gives the MAC it was built from with source 4.
    #[test]
    fn v6_086_duid_and_link_local() {
        let p = with_client_id(&[0, 1, 0, 1, 0, 0, 0, 9, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]);
        let (hw, src) = hardware_address(&p, Ipv6Addr::UNSPECIFIED, &[MacSource::Any]).unwrap();
        assert_eq!(hw.as_bytes(), &[0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]);
        assert_eq!(src, 2);
        let p = with_client_id(&[0, 2, 0, 0, 0, 9, 1, 2]);
        let ll: Ipv6Addr = "fe80::0211:22ff:fe33:4455".parse().unwrap();
        let (hw, src) = hardware_address(&p, ll, &[MacSource::Any]).unwrap();
        assert_eq!(hw.as_bytes(), &[0x00, 0x11, 0x22, 0x33, 0x44, 0x55]);
        assert_eq!(src, 4);
        assert!(hardware_address(&p, ll, &[MacSource::Duid]).is_none());
    }
}
