//! Reservations that arrive as JSON maps outside the configuration file (a host database row, a
//! host command's argument), checked exactly as a `reservations` entry of the running configuration
//! would be: its option definitions decode the option data, its subnet bounds the addresses.

use super::ctx::Ctx;
use super::hosts::HostSubnet;
use super::options::Defs;
use super::profile::{self, Profile};
use crate::addr::{IpAddress, Prefix};
use crate::model::{Dhcp4Config, Dhcp6Config, Host4, Host6};
use crate::reader::{self, Document};
use crate::{de, ConfigError};

/// What the message path of a detached reservation starts with.
const PATH: &str = "reservation";

/// The map read into a tree, and a context for it whose errors carry no file positions.
fn detached(
    profile: &'static Profile,
    map: &serde_json::Value,
) -> Result<(Document, Ctx<'static>), ConfigError> {
    Ok((reader::from_value(map, PATH)?, Ctx::detached(profile)))
}

/// The prefix and label of subnet `id` among `subnets`, `None` for 0 (a global reservation).
fn bound<'s, A: IpAddress, S>(
    subnets: &'s [S],
    id: u32,
    parts: impl Fn(&'s S) -> (u32, A, u8, &'s str),
) -> Result<HostSubnet<'s, A>, ConfigError> {
    if id == 0 {
        return Ok(None);
    }
    subnets
        .iter()
        .map(parts)
        .find(|(sid, ..)| *sid == id)
        .map(|(_, addr, len, text)| Some((Prefix { addr, len }, text)))
        .ok_or_else(|| ConfigError::Invalid {
            path: PATH.into(),
            msg: format!("no subnet with id {id} is configured"),
            location: None,
        })
}

impl Dhcp4Config {
    /// Builds the reservation `map` (a `reservations` entry's keys) of subnet `subnet_id` (0: a
    /// global reservation) against this configuration.
    pub fn reservation_from_json(
        &self,
        subnet_id: u32,
        map: &serde_json::Value,
    ) -> Result<Host4, ConfigError> {
        let (doc, ctx) = detached(&profile::V4, map)?;
        let w = de::from_node(&doc.root, PATH)?;
        let subnet = bound(&self.subnets, subnet_id, |s| {
            (s.id, s.prefix, s.prefix_len, s.text.as_str())
        })?;
        super::v4::host4(&ctx, &w, PATH, &Defs::global(&self.option_defs), subnet)
    }
}

impl Dhcp6Config {
    /// [`Dhcp4Config::reservation_from_json`] for DHCPv6 reservations.
    pub fn reservation_from_json(
        &self,
        subnet_id: u32,
        map: &serde_json::Value,
    ) -> Result<Host6, ConfigError> {
        let (doc, ctx) = detached(&profile::V6, map)?;
        let w = de::from_node(&doc.root, PATH)?;
        let subnet = bound(&self.subnets, subnet_id, |s| {
            (s.id, s.prefix, s.prefix_len, s.text.as_str())
        })?;
        super::v6::host6(&ctx, &w, PATH, &Defs::global(&self.option_defs), subnet)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::HostIdType;
    use crate::{parse_dhcp4_value, parse_dhcp6_value};
    use serde_json::json;

    // V4-088, V4-089: a host database row's map decodes as a configured reservation would, options
    // by the running configuration's definitions, and stays inside its subnet.
    #[test]
    fn dhcp4_map_against_running_config() {
        let config = parse_dhcp4_value(&json!({"Dhcp4": {
            "option-def": [{"name": "site-x", "code": 224, "type": "uint16"}],
            "subnet4": [{"id": 7, "subnet": "192.0.2.0/24"}]
        }}))
        .unwrap();
        let h = config
            .reservation_from_json(
                7,
                &json!({"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.9",
                        "hostname": "h1", "client-classes": ["a"],
                        "option-data": [{"name": "domain-name-servers", "data": "192.0.2.1"},
                                        {"code": 224, "data": "0102", "csv-format": false}]}),
            )
            .unwrap();
        assert_eq!(h.id_type, HostIdType::HwAddress);
        assert_eq!(h.id, [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]);
        assert_eq!(h.ip_address, Some("192.0.2.9".parse().unwrap()));
        assert_eq!(h.options.items.len(), 2);
        assert_eq!(h.options.items[1].data, [1, 2]);
        let outside = json!({"hw-address": "01:02:03:04:05:06", "ip-address": "10.0.0.1"});
        let err = config.reservation_from_json(7, &outside).unwrap_err();
        assert!(err.to_string().contains("not within subnet"), "{err}");
        assert!(config.reservation_from_json(0, &outside).is_ok(), "global");
        let err = config.reservation_from_json(8, &outside).unwrap_err();
        assert!(err.to_string().contains("no subnet with id 8"), "{err}");
    }

    // V6-108..V6-110: addresses and prefixes of a DHCPv6 reservation map.
    #[test]
    fn dhcp6_map_against_running_config() {
        let config = parse_dhcp6_value(&json!({"Dhcp6": {
            "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64"}]
        }}))
        .unwrap();
        let h = config
            .reservation_from_json(
                1,
                &json!({"duid": "01:02:03", "ip-addresses": ["2001:db8:1::5"],
                        "prefixes": ["2001:db8:2::/56"]}),
            )
            .unwrap();
        assert_eq!(h.id_type, HostIdType::Duid);
        assert_eq!(
            h.ip_addresses,
            ["2001:db8:1::5".parse::<std::net::Ipv6Addr>().unwrap()]
        );
        assert_eq!(h.prefixes[0].prefix.len, 56);
        let err = config
            .reservation_from_json(1, &json!({"duid": "zz"}))
            .unwrap_err();
        assert!(err.to_string().contains("invalid duid"), "{err}");
    }
}
