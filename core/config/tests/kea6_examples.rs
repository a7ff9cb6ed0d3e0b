//! Kea's own DHCPv6 examples (Debian package `kea-doc`) must load
//! unchanged (V6-001), and a stray key in any strict map of them must be
//! refused (V6-002).
//!
//! The product rule, as for DHCPv4: every example that Kea 2.2's
//! `kea-dhcp6 -t` accepts loads in Ruru as written, with the Kea 2.2
//! spellings that Kea 2.7.3's grammar dropped read with the meaning Kea 2.2
//! gives them and reported in `Dhcp6Config::warnings` (checked per file):
//! subnets without `id` (V6-004, spec §25 #11), relay `ip-address` (§25
//! #13), the DDNS keys inside `dhcp-ddns`, and space `docsis3-v6`.
//!
//! The examples not in [`KEA_ACCEPTS`] fail `kea-dhcp6 -t` on this host only
//! because it lacks their hook libraries, interfaces or addresses (`eth1`,
//! `2001:db8:1::1` on `eth0`); Ruru's loader opens none of these, so they
//! must load unchanged too. Whether a server can serve what they configure
//! (SQL backends, configuration backends) is the server's decision.

mod common;

use std::net::Ipv6Addr;
use std::path::{Path, PathBuf};

use common::{Expected, Kind};
use ruru_config::{
    load_dhcp6_file, parse_dhcp6_value, Dhcp6Config, DuidType, HostIdType, LeaseDatabase, MacSource,
};

const EXAMPLES: &str = "/usr/share/doc/kea/examples/kea6";

/// The examples Kea 2.2.0's `kea-dhcp6 -t` accepts here (checked by hand;
/// the rest name missing hook libraries, interface `eth1`, or an address
/// `eth0` does not have).
const KEA_ACCEPTS: &[&str] = &[
    "advanced.json",
    "all-options.json",
    "backends.json",
    "comments.json",
    "duid.json",
    "global-reservations.json",
    "iPXE.json",
    "leases-expiration.json",
    "multiple-options.json",
    "mysql-reservations.json",
    "pgsql-reservations.json",
    "reservations.json",
    "several-subnets.json",
    "simple.json",
    "softwire46.json",
    "stateless.json",
    "tee-times.json",
    "with-ddns.json",
];

/// Every example with the Kea 2.2 forms it holds (kinds not listed: none).
const EXPECTED: Expected = &[
    ("advanced.json", &[(Kind::Id, 1), (Kind::Relay, 1)]),
    ("all-keys-netconf.json", &[(Kind::Ddns, 7)]),
    ("all-keys.json", &[(Kind::Ddns, 7)]),
    ("all-options.json", &[(Kind::Id, 1), (Kind::Docsis, 8)]),
    ("backends.json", &[(Kind::Id, 1)]),
    ("classify.json", &[(Kind::Id, 3)]),
    ("classify2.json", &[(Kind::Id, 4)]),
    ("comments.json", &[]),
    ("config-backend.json", &[]),
    ("dhcpv4-over-dhcpv6.json", &[(Kind::Id, 1)]),
    ("duid.json", &[(Kind::Id, 1)]),
    ("global-reservations.json", &[(Kind::Id, 1)]),
    ("ha-hot-standby.json", &[(Kind::Id, 1)]),
    ("hooks.json", &[(Kind::Id, 1)]),
    ("iPXE.json", &[(Kind::Id, 1)]),
    ("leases-expiration.json", &[(Kind::Id, 1)]),
    ("multiple-options.json", &[(Kind::Id, 1)]),
    ("mysql-reservations.json", &[]),
    ("pgsql-reservations.json", &[]),
    ("reservations.json", &[(Kind::Id, 1)]),
    ("several-subnets.json", &[(Kind::Id, 4)]),
    ("shared-network.json", &[(Kind::Id, 3), (Kind::Relay, 3)]),
    ("simple.json", &[(Kind::Id, 1)]),
    ("softwire46.json", &[(Kind::Id, 1)]),
    ("stateless.json", &[]),
    ("tee-times.json", &[(Kind::Id, 3)]),
    ("with-ddns.json", &[(Kind::Id, 1)]),
];

fn examples() -> Vec<PathBuf> {
    common::examples(EXAMPLES, 25)
}

fn load(file: &str) -> Dhcp6Config {
    load_dhcp6_file(&Path::new(EXAMPLES).join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn ip(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

#[test]
fn v6_001_every_kea_example_loads_unchanged_with_its_2_2_forms_reported() {
    common::every_example_loads(EXAMPLES, &examples(), KEA_ACCEPTS, EXPECTED, |p| {
        load_dhcp6_file(p).map(|c| c.warnings)
    });
}

#[test]
fn kea_2_2_forms_keep_kea_2_2_meaning() {
    // Network members are numbered first, as Kea 2.2 does.
    let c = load("shared-network.json");
    let ids: Vec<(&str, u32)> = c.subnets.iter().map(|s| (s.text.as_str(), s.id)).collect();
    assert_eq!(
        ids,
        [
            ("2001:db8:2::/64", 3),
            ("2001:db8:1::/64", 1),
            ("3000::/16", 2)
        ]
    );
    assert_eq!(c.raw["shared-networks"][0]["subnet6"][1]["id"], 2);
    assert_eq!(c.shared_networks[0].name, "frog");
    assert_eq!(c.subnets[1].relay_addresses, [ip("2001:db8:1::123")]);
    assert_eq!(
        c.raw["shared-networks"][0]["relay"],
        serde_json::json!({"ip-addresses": ["2001:db8::1"]})
    );

    // The global ddns-* keys of all-keys.json win over the old ones.
    let c = load("all-keys.json");
    assert!(c
        .warnings
        .iter()
        .all(|w| w.contains("ignored as Kea 2.2 does")));
    assert!(c.raw["dhcp-ddns"].get("qualifying-suffix").is_none());

    let c = load("all-options.json");
    let docsis: Vec<_> = c.subnets[0]
        .options
        .items
        .iter()
        .filter(|o| o.space == "docsis3-v6")
        .map(|o| o.code)
        .collect();
    assert_eq!(docsis, [2, 10, 32, 33, 34, 36, 37, 38]);
}

#[test]
fn loaded_examples_carry_their_values() {
    let c = load("duid.json");
    let sid = &c.server_id;
    assert_eq!(
        (sid.kind, sid.htype, sid.time),
        (DuidType::Llt, Some(1), None)
    );
    assert_eq!(
        sid.identifier.as_deref(),
        Some(&[0x12, 0xC4, 0xD5, 0xAF, 0x87, 0x0C][..])
    );

    let c = load("reservations.json");
    let s = &c.subnets[0];
    assert_eq!(s.pd_pools[0].capacity(), 256);
    let r = &s.reservations;
    assert_eq!(r[0].ip_addresses, [ip("2001:db8:1::100")]);
    assert_eq!(r[1].id_type, HostIdType::HwAddress);
    assert_eq!(r[1].client_classes, ["special_snowflake", "office"]);
    assert_eq!(r[2].prefixes[0].prefix.to_string(), "2001:db8:2:abcd::/64");
    let vendor = r[2].options.get_in("dhcp6", 17).unwrap();
    assert_eq!(vendor.data[..8], [0, 0, 0x11, 0x8b, 0, 32, 0, 16]);
    assert_eq!(r[3].id, b"somevalue");

    let c = load("advanced.json");
    assert_eq!(
        c.mac_sources,
        [
            MacSource::ClientLinkAddrOption,
            MacSource::Duid,
            MacSource::Ipv6LinkLocal
        ]
    );
    assert_eq!(c.relay_supplied_options, [65, 110, 120, 130]);

    let c = load("tee-times.json");
    let t: Vec<_> = c
        .subnets
        .iter()
        .map(|s| (s.renew_timer, s.t1_percent, s.t2_percent))
        .collect();
    assert_eq!(
        t,
        [(None, 0.5, 0.8), (Some(1000), 0.5, 0.8), (None, 0.45, 0.7)]
    );
    assert_eq!(c.subnets[0].preferred_lifetime.unwrap().default, 3000);

    // The MAP-E container is at the subnet, its contents in a reservation:
    // each scope keeps its own options, and s46-rule (89) carries the
    // s46-portparams (93) of its scope.
    let c = load("softwire46.json");
    let s = &c.subnets[0];
    assert!(s.options.get_in("dhcp6", 94).unwrap().data.is_empty());
    let host = &s.reservations[0].options;
    let rule = &host.get_in("s46-cont-mape-options", 89).unwrap().data;
    assert_eq!(
        rule[rule.len() - 8..rule.len() - 4],
        [0, 93, 0, 4],
        "{rule:02x?}"
    );
    assert_eq!(
        host.get_in("s46-cont-mape-options", 90).unwrap().data.len(),
        16
    );

    let c = load("stateless.json");
    assert!(c.subnets.is_empty() && !c.options.is_empty());

    let c = load("all-keys.json");
    let pd = &c.subnets[0].pd_pools[0];
    assert_eq!(pd.excluded.unwrap().to_string(), "2001:db8:1::/72");
    assert_eq!(c.data_directory, Path::new("/tmp"));
    assert!(!c.server_id.persist);
    assert_eq!(c.lease_file().unwrap(), Path::new("/tmp/kea-dhcp6.csv"));

    // SQL backends are carried for the server to refuse or use.
    let c = load("mysql-reservations.json");
    assert!(matches!(c.lease_database, LeaseDatabase::Memfile { .. }));
    assert_eq!(c.hosts_databases.len(), 1);
}

#[test]
fn v6_002_a_stray_key_in_any_strict_map_is_refused_with_its_position() {
    let checked = common::stray_keys_refused(&examples(), parse_dhcp6_value);
    assert!(checked > 400, "only {checked} maps checked");
}
