//! A NameChangeRequest and its JSON wire form, as `kea-dhcp-ddns` reads it.

use crate::dhcid::Dhcid;
use crate::time::ncr_timestamp;
use ruru_config::ConflictResolutionMode;
use serde_json::{json, Value};
use std::net::IpAddr;

/// Whether D2 adds or removes the name's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeType {
    /// Add or update (`change-type` 0).
    Add,
    /// Remove (`change-type` 1).
    Remove,
}

impl ChangeType {
    /// The word Kea's logs use (`CHG_ADD`, `CHG_REMOVE`).
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeType::Add => "CHG_ADD",
            ChangeType::Remove => "CHG_REMOVE",
        }
    }
}

/// One request to D2.
#[derive(Debug, Clone, PartialEq)]
pub struct Ncr {
    pub change: ChangeType,
    /// Update the forward (A/AAAA) records.
    pub forward: bool,
    /// Update the reverse (PTR) record.
    pub reverse: bool,
    /// The fully qualified name.
    pub fqdn: String,
    pub address: IpAddr,
    pub dhcid: Dhcid,
    /// When the records stop being valid, Unix seconds: the lease's cltt plus the TTL in DHCPv4,
    /// 0 in DHCPv6 (as Kea sends them).
    pub expires_on: u64,
    /// The records' TTL ([`ttl`]).
    pub lease_length: u32,
    pub mode: ConflictResolutionMode,
}

impl Ncr {
    /// The JSON document, members in Kea's order. Both the 2.5+ `conflict-resolution-mode` and the
    /// older boolean `use-conflict-resolution` are sent, so D2 of either generation reads the mode
    /// (each ignores the member it does not know).
    pub fn to_json(&self) -> String {
        let (mode, legacy) = match self.mode {
            ConflictResolutionMode::CheckWithDhcid => ("check-with-dhcid", true),
            ConflictResolutionMode::NoCheckWithDhcid => ("no-check-with-dhcid", false),
            ConflictResolutionMode::CheckExistsWithDhcid => ("check-exists-with-dhcid", true),
            ConflictResolutionMode::NoCheckWithoutDhcid => ("no-check-without-dhcid", false),
        };
        let doc: Value = json!({
            "change-type": match self.change { ChangeType::Add => 0, ChangeType::Remove => 1 },
            "forward-change": self.forward,
            "reverse-change": self.reverse,
            "fqdn": self.fqdn,
            "ip-address": self.address.to_string(),
            "dhcid": self.dhcid.to_hex(),
            "lease-expires-on": ncr_timestamp(self.expires_on),
            "lease-length": self.lease_length,
            "use-conflict-resolution": legacy,
            "conflict-resolution-mode": mode,
        });
        doc.to_string()
    }

    /// The UDP payload: the JSON text behind its length as two big-endian bytes (Kea's `JSON`
    /// format on the `UDP` protocol).
    pub fn to_wire(&self) -> Vec<u8> {
        let text = self.to_json();
        let len = u16::try_from(text.len()).unwrap_or(u16::MAX);
        let mut out = Vec::with_capacity(text.len() + 2);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&text.as_bytes()[..usize::from(len)]);
        out
    }
}

/// The TTL of the records for a lease of `valid` seconds (V4-151, V6-175): `ddns-ttl-percent` of
/// it when set and not rounding to 0, else a third of it but at least 10 minutes (RFC 4702 §5).
pub fn ttl(valid: u32, percent: Option<f64>) -> u32 {
    if let Some(p) = percent {
        // Saturating float-to-int conversion: an infinite lease with 100 % stays u32::MAX.
        let t = (f64::from(valid) * p) as u32;
        if t > 0 {
            return t;
        }
    }
    (valid / 3).max(600)
}

#[cfg(test)]
mod tests {
    use super::*;

    // V4-151: 3600 s → 1200; percent .25 → 900; short leases get 600.
    #[test]
    fn v4_151_ttl() {
        assert_eq!(ttl(3600, None), 1200);
        assert_eq!(ttl(3600, Some(0.25)), 900);
        assert_eq!(ttl(900, None), 600);
        assert_eq!(ttl(4000, None), 1333);
        // A percentage that rounds to nothing is ignored.
        assert_eq!(ttl(1, Some(0.1)), 600);
    }

    // The document Kea 2.2 sent for an add (captured), plus the 2.5+ mode member.
    #[test]
    fn v4_151_json_as_kea_writes_it() {
        let cid = [0x01, 0x00, 0x0c, 0x01, 0x02, 0x03, 0x04];
        let fqdn = "host1exampleorg.example.org.";
        let ncr = Ncr {
            change: ChangeType::Add,
            forward: true,
            reverse: true,
            fqdn: fqdn.into(),
            address: "127.0.1.1".parse().unwrap(),
            dhcid: Dhcid::from_client_id(&cid, fqdn),
            expires_on: 1_795_474_032,
            lease_length: 1333,
            mode: ConflictResolutionMode::CheckWithDhcid,
        };
        let kea = r#"{"change-type":0,"forward-change":true,"reverse-change":true,"fqdn":"host1exampleorg.example.org.","ip-address":"127.0.1.1","dhcid":"0001013B2A8D17ECFD955A0B249D9AB80166A5BD328CB5FF54A5B4F96DF1B729439A9F","lease-expires-on":"20261123224712","lease-length":1333,"use-conflict-resolution":true"#;
        let json = ncr.to_json();
        assert_eq!(
            json,
            format!("{kea},\"conflict-resolution-mode\":\"check-with-dhcid\"}}")
        );
        let wire = ncr.to_wire();
        assert_eq!(
            usize::from(u16::from_be_bytes([wire[0], wire[1]])),
            json.len()
        );
        assert_eq!(&wire[2..], json.as_bytes());
    }

    #[test]
    fn v4_151_modes_and_remove() {
        let ncr = Ncr {
            change: ChangeType::Remove,
            forward: false,
            reverse: true,
            fqdn: "a.example.".into(),
            address: "2001:db8::1".parse().unwrap(),
            dhcid: Dhcid::from_duid(&[0, 3, 0, 1, 1, 2, 3, 4, 5, 6], "a.example."),
            expires_on: 0,
            lease_length: 600,
            mode: ConflictResolutionMode::NoCheckWithoutDhcid,
        };
        let v: Value = serde_json::from_str(&ncr.to_json()).unwrap();
        assert_eq!(v["change-type"], 1);
        assert_eq!(v["lease-expires-on"], "19700101000000");
        assert_eq!(v["ip-address"], "2001:db8::1");
        assert_eq!(v["use-conflict-resolution"], false);
        assert_eq!(v["conflict-resolution-mode"], "no-check-without-dhcid");
    }
}
