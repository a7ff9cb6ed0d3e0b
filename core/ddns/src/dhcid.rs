//! The DHCID of RFC 4701: which client a DNS name belongs to, as D2 records it next to the name.

use sha2::{Digest, Sha256};

/// RFC 4701 §3.3 identifier types.
const ID_HWADDR: u16 = 0x0000;
const ID_CLIENT_ID: u16 = 0x0001;
const ID_DUID: u16 = 0x0002;
/// RFC 4701 §3.4: SHA-256.
const DIGEST_SHA256: u8 = 1;
/// RFC 4361 client identifiers start with type 255, then a 4-byte IAID, then a DUID.
const CLIENT_ID_DUID: u8 = 255;

/// A DHCID RDATA: identifier type (2 bytes), digest type (1), SHA-256 of identifier and name (32).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dhcid([u8; 35]);

impl Dhcid {
    /// From a DHCPv4 client's hardware type and address (no client identifier).
    pub fn from_hwaddr(htype: u8, hw: &[u8], fqdn: &str) -> Dhcid {
        Self::digest(ID_HWADDR, &[&[htype], hw], fqdn)
    }

    /// From a DHCPv4 client identifier (option 61 payload); one that carries a DUID (RFC 4361)
    /// is hashed as that DUID, as RFC 4701 §3.5.3 asks.
    pub fn from_client_id(client_id: &[u8], fqdn: &str) -> Dhcid {
        match client_id {
            [CLIENT_ID_DUID, _, _, _, _, duid @ ..] if !duid.is_empty() => {
                Self::from_duid(duid, fqdn)
            }
            _ => Self::digest(ID_CLIENT_ID, &[client_id], fqdn),
        }
    }

    /// From a DHCPv6 client's DUID.
    pub fn from_duid(duid: &[u8], fqdn: &str) -> Dhcid {
        Self::digest(ID_DUID, &[duid], fqdn)
    }

    fn digest(kind: u16, identifier: &[&[u8]], fqdn: &str) -> Dhcid {
        let mut hash = Sha256::new();
        for part in identifier {
            hash.update(part);
        }
        let mut wire = Vec::with_capacity(fqdn.len() + 2);
        wire_name(fqdn, &mut wire);
        hash.update(&wire);
        let mut out = [0u8; 35];
        out[..2].copy_from_slice(&kind.to_be_bytes());
        out[2] = DIGEST_SHA256;
        out[3..].copy_from_slice(&hash.finalize());
        Dhcid(out)
    }

    /// The RDATA bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Upper-case hex, as the NCR's `dhcid` carries it.
    pub fn to_hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
        let mut s = String::with_capacity(70);
        for b in self.0 {
            s.push(DIGITS[usize::from(b >> 4)] as char);
            s.push(DIGITS[usize::from(b & 15)] as char);
        }
        s
    }
}

/// `name` in DNS wire form, lower-cased (the canonical form RFC 4701 hashes): each label behind
/// its length, then the root. A trailing dot or none gives the same result; labels longer than 63
/// bytes are cut (a lease name is not checked as strictly as a DNS name).
fn wire_name(name: &str, out: &mut Vec<u8>) {
    for label in name.split('.').filter(|l| !l.is_empty()) {
        let label = &label.as_bytes()[..label.len().min(63)];
        out.push(label.len() as u8);
        out.extend(label.iter().map(u8::to_ascii_lowercase));
    }
    out.push(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    // V4-151: the DHCID Kea 2.2 sent for client-id 01:00:0c:01:02:03:04 and
    // `host1exampleorg.example.org.` (captured from kea-dhcp4 with perfdhcp).
    #[test]
    fn v4_151_client_id_dhcid_matches_kea() {
        let cid = [0x01, 0x00, 0x0c, 0x01, 0x02, 0x03, 0x04];
        let d = Dhcid::from_client_id(&cid, "host1exampleorg.example.org.");
        assert_eq!(
            d.to_hex(),
            "0001013B2A8D17ECFD955A0B249D9AB80166A5BD328CB5FF54A5B4F96DF1B729439A9F"
        );
        // Case and the trailing dot do not change the name's wire form.
        assert_eq!(
            d,
            Dhcid::from_client_id(&cid, "Host1ExampleOrg.example.ORG")
        );
    }

    // V6-174: the DHCID Kea 2.2 sent for a DUID-LLT and `host1.example.org.`.
    #[test]
    fn v6_174_duid_dhcid_matches_kea() {
        let duid = [0, 1, 0, 1, 0x32, 0x97, 0x79, 0xe3, 0, 0x0c, 1, 2, 3, 4];
        assert_eq!(
            Dhcid::from_duid(&duid, "host1.example.org.").to_hex(),
            "0002010A54ED0385E2D7E2D6F373734FAB59228BA605002ADDCC107034F8C303D10D29"
        );
    }

    #[test]
    fn rfc4361_client_id_is_hashed_as_its_duid_and_hwaddr_as_type_0() {
        let duid = [0, 3, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff];
        let mut cid = vec![255, 0, 0, 0, 1];
        cid.extend(duid);
        assert_eq!(
            Dhcid::from_client_id(&cid, "a.example."),
            Dhcid::from_duid(&duid, "a.example.")
        );
        let hw = Dhcid::from_hwaddr(1, &[0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff], "a.example.");
        assert_eq!(&hw.as_bytes()[..3], &[0, 0, 1]);
        // RFC 4701 §3.5.2 hashes htype followed by chaddr.
        let mut expect = Sha256::new();
        expect.update([1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]);
        expect.update(b"\x01a\x07example\x00");
        assert_eq!(&hw.as_bytes()[3..], &expect.finalize()[..]);
    }
}
