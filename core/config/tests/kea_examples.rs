//! Kea's own DHCPv4 examples (Debian package `kea-doc`) must load
//! unchanged (V4-001), and a stray key in any strict map of them must be
//! refused (V4-002).
//!
//! The product rule: every example that Kea 2.2's `kea-dhcp4 -t` accepts
//! loads in Ruru as written. Several use Kea 2.2 spellings that Kea 2.7.3's
//! grammar dropped; Ruru reads each with the meaning Kea 2.2 gives it and
//! reports it in `Dhcp4Config::warnings` (checked below, per file):
//! - subnets without `id`, numbered as Kea 2.2 does (V4-004, spec §26 #4);
//! - `relay: {"ip-address": ...}` (2.7.3: the `ip-addresses` list);
//! - the DDNS behaviour keys inside `dhcp-ddns` (2.7.3: global `ddns-*`);
//! - option 85 `nds-servers` (2.7.3: `nds-server`) and space `docsis3-v4`.
//!
//! The examples not in [`KEA_ACCEPTS`] fail `kea-dhcp4 -t` on this host only
//! because it lacks their hook libraries or interfaces; Ruru's loader opens
//! neither, so they must load unchanged too.

mod common;

use std::path::{Path, PathBuf};

use common::{Expected, Kind};
use ruru_config::{load_dhcp4_file, parse_dhcp4_value, Dhcp4Config};

const EXAMPLES: &str = "/usr/share/doc/kea/examples/kea4";

/// The examples Kea 2.2.0's `kea-dhcp4 -t` accepts here (checked by hand;
/// the rest name missing hook libraries or interfaces `eth1`, `eth1961`).
const KEA_ACCEPTS: &[&str] = &[
    "advanced.json",
    "all-options.json",
    "backends.json",
    "comments.json",
    "dhcpv4-over-dhcpv6.json",
    "global-reservations.json",
    "leases-expiration.json",
    "multiple-options.json",
    "mysql-reservations.json",
    "pgsql-reservations.json",
    "reservations.json",
    "several-subnets.json",
    "single-subnet.json",
    "vendor-specific.json",
    "vivso.json",
    "with-ddns.json",
];

/// Every example with the Kea 2.2 forms it holds (kinds not listed: none).
const EXPECTED: Expected = &[
    ("advanced.json", &[(Kind::Id, 4), (Kind::Relay, 1)]),
    ("all-keys-netconf.json", &[(Kind::Ddns, 7)]),
    ("all-keys.json", &[(Kind::Ddns, 7)]),
    (
        "all-options.json",
        &[(Kind::Id, 1), (Kind::OptionName, 1), (Kind::Docsis, 2)],
    ),
    ("backends.json", &[(Kind::Id, 1)]),
    ("classify.json", &[(Kind::Id, 3)]),
    ("classify2.json", &[(Kind::Id, 4)]),
    ("comments.json", &[]),
    ("config-backend.json", &[]),
    ("dhcpv4-over-dhcpv6.json", &[(Kind::Id, 1)]),
    ("global-reservations.json", &[(Kind::Id, 1)]),
    (
        "ha-load-balancing-primary.json",
        &[(Kind::Id, 1), (Kind::Relay, 1)],
    ),
    ("hooks-radius.json", &[]),
    ("hooks.json", &[(Kind::Id, 1)]),
    ("leases-expiration.json", &[(Kind::Id, 1)]),
    ("multiple-options.json", &[(Kind::Id, 1)]),
    ("mysql-reservations.json", &[]),
    ("pgsql-reservations.json", &[]),
    ("reservations.json", &[(Kind::Id, 1)]),
    ("several-subnets.json", &[(Kind::Id, 3)]),
    ("shared-network.json", &[(Kind::Relay, 2)]),
    ("single-subnet.json", &[(Kind::Id, 1)]),
    ("vendor-specific.json", &[(Kind::Id, 1)]),
    ("vivso.json", &[(Kind::Id, 1)]),
    ("with-ddns.json", &[(Kind::Id, 1)]),
];

fn examples() -> Vec<PathBuf> {
    common::examples(EXAMPLES, 20)
}

fn load(file: &str) -> Dhcp4Config {
    load_dhcp4_file(&Path::new(EXAMPLES).join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn every_kea_example_loads_unchanged_with_its_2_2_forms_reported() {
    common::every_example_loads(EXAMPLES, &examples(), KEA_ACCEPTS, EXPECTED, |p| {
        load_dhcp4_file(p).map(|c| c.warnings)
    });
}

#[test]
fn kea_2_2_forms_keep_kea_2_2_meaning() {
    // Ids numbered from 1 in order, and shown by config-get.
    let c = load("several-subnets.json");
    let ids: Vec<u32> = c.subnets.iter().map(|s| s.id).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(c.raw["subnet4"][2]["id"], 3);

    let c = load("advanced.json");
    let relayed = c.subnets.iter().find(|s| s.text == "192.0.4.0/24").unwrap();
    assert_eq!(
        relayed.relay_addresses,
        ["192.168.1.1".parse::<std::net::Ipv4Addr>().unwrap()]
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
        .map(|o| (o.space.as_str(), o.code))
        .collect();
    assert_eq!(docsis, [("docsis3-v4", 1), ("docsis3-v4", 2)]);
    assert_eq!(
        c.options.get(85).unwrap().data,
        [192, 0, 2, 61, 192, 0, 2, 62]
    );
}

#[test]
fn loaded_examples_carry_their_values() {
    let c = load("single-subnet.json");
    assert_eq!(c.subnets.len(), 1);
    let s = &c.subnets[0];
    assert_eq!(s.text, "192.0.2.0/24");
    assert_eq!(
        s.pools[0].start,
        "192.0.2.1".parse::<std::net::Ipv4Addr>().unwrap()
    );
    assert_eq!(
        s.pools[0].end,
        "192.0.2.200".parse::<std::net::Ipv4Addr>().unwrap()
    );
    assert_eq!(s.valid_lifetime.default, 4000);

    let c = load("comments.json");
    // V4-006: `comment` lands in user-context, both in the model and in the raw map.
    assert_eq!(
        c.user_context.as_ref().unwrap()["comment"],
        "A DHCPv4 server"
    );
    assert_eq!(c.raw["user-context"]["comment"], "A DHCPv4 server");
    assert!(c.raw.get("comment").is_none());
}

#[test]
fn a_stray_key_in_any_strict_map_is_refused_with_its_position() {
    let checked = common::stray_keys_refused(&examples(), parse_dhcp4_value);
    assert!(checked > 400, "only {checked} maps checked");
}
