//! One test per load-time rule of the `Dhcp6` map, named after the spec
//! IDs it checks (dhcp6 spec).

use std::net::Ipv6Addr;
use std::path::Path;

use crate::model::*;
use crate::validate::testing::expect_err;
use crate::{parse_dhcp6_str, ConfigError};

/// Loads `{"Dhcp6": {<body>}}`.
fn load(body: &str) -> Result<Dhcp6Config, ConfigError> {
    parse_dhcp6_str(&format!("{{\"Dhcp6\": {{{body}}}}}"), "t6.json")
}

/// The message of an expected error.
fn err(body: &str) -> String {
    expect_err(load(body), body)
}

/// The key of an expected unknown-key error.
fn unknown(body: &str) -> String {
    match load(body) {
        Err(ConfigError::UnknownKey { key, .. }) => key,
        other => panic!("{body}: not an unknown key: {other:?}"),
    }
}

fn ip(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

fn prefix(s: &str) -> Ipv6Prefix {
    let (a, l) = s.split_once('/').unwrap();
    Ipv6Prefix {
        addr: ip(a),
        len: l.parse().unwrap(),
    }
}

/// One subnet, `2001:db8:1::/64` with id 1, followed by `rest` inside its map.
fn subnet(rest: &str) -> String {
    format!(r#""subnet6": [{{"id": 1, "subnet": "2001:db8:1::/64"{rest}}}]"#)
}

#[test]
fn v6_001_dhcp4_only_keys_are_unknown() {
    for key in [
        "authoritative",
        "match-client-id",
        "next-server",
        "offer-lifetime",
        "echo-client-id",
        "stash-agent-options",
        "boot-file-name",
    ] {
        assert_eq!(unknown(&format!(r#""{key}": true"#)), key);
    }
    assert_eq!(unknown(r#""subnet4": []"#), "subnet4");
    assert_eq!(
        unknown(&subnet(r#", "4o6-interface": "eth0""#)),
        "4o6-interface"
    );
    // Global rapid-commit is not in the Dhcp6 grammar (spec §25 #24).
    assert_eq!(unknown(r#""rapid-commit": true"#), "rapid-commit");
    assert_eq!(
        unknown(r#""compatibility": {"ignore-rai-link-selection": true}"#),
        "ignore-rai-link-selection"
    );
    // Only Dhcp6 at the top level; the hint names the right map.
    let e = parse_dhcp6_str(r#"{"Dhcp6": {}, "Dhcp4": {}}"#, "t.json").unwrap_err();
    assert!(e.to_string().contains("Dhcp6 for kea-dhcp6"), "{e}");
    let e = parse_dhcp6_str(r#"{"Dhcp4": {}}"#, "t.json").unwrap_err();
    assert!(matches!(e, ConfigError::UnknownKey { .. }), "{e}");
    let e = parse_dhcp6_str("{}", "t.json").unwrap_err();
    assert!(e.to_string().contains("no Dhcp6 map"), "{e}");
}

#[test]
fn v6_002_unknown_keys_anywhere_are_refused_with_position() {
    let e = load(&subnet(
        r#", "pd-pools": [{"prefix": "3000::", "prefix-len": 64, "delegated-len": 64,
            "foo": 1}]"#,
    ))
    .unwrap_err();
    match e {
        ConfigError::UnknownKey {
            key, path, line, ..
        } => {
            assert_eq!((key.as_str(), line), ("foo", 2));
            assert_eq!(path, "Dhcp6/subnet6[0]/pd-pools[0]");
        }
        other => panic!("{other}"),
    }
    assert_eq!(unknown(r#""server-id": {"type": "EN", "foo": 1}"#), "foo");
    assert_eq!(
        unknown(r#""interfaces-config": {"dhcp-socket-type": "udp"}"#),
        "dhcp-socket-type"
    );
    assert_eq!(
        unknown(r#""interfaces-config": {"outbound-interface": "use-routing"}"#),
        "outbound-interface"
    );
    // A key repeated in one map (reading stage).
    assert!(
        err(&subnet(r#", "valid-lifetime": 1, "valid-lifetime": 2"#)).contains("valid-lifetime")
    );
}

#[test]
fn v6_003_narrower_scope_wins() {
    // The spec's check: SN preferred 300 / valid 600, member A valid 1200.
    let c = load(
        r#""valid-lifetime": 900, "renew-timer": 100,
        "shared-networks": [{"name": "n", "preferred-lifetime": 300, "valid-lifetime": 600,
            "interface-id": "vlan1", "rapid-commit": true, "relay": {"ip-addresses": ["3000::1"]},
            "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "valid-lifetime": 1200},
                        {"id": 2, "subnet": "2001:db8:2::/64"}]}],
        "subnet6": [{"id": 3, "subnet": "2001:db8:3::/64"}]"#,
    )
    .unwrap();
    let by_id = |id| c.subnets.iter().find(|s| s.id == id).unwrap();
    let (a, b, plain) = (by_id(1), by_id(2), by_id(3));
    assert_eq!(a.preferred_lifetime.map(|t| t.default), Some(300));
    assert_eq!(
        (a.valid_lifetime.default, b.valid_lifetime.default),
        (1200, 600)
    );
    assert_eq!(b.preferred_lifetime.map(|t| t.default), Some(300));
    assert_eq!(plain.valid_lifetime.default, 900);
    assert_eq!(plain.preferred_lifetime, None);
    assert_eq!(b.renew_timer, Some(100));
    assert_eq!(b.interface_id.as_deref(), Some("vlan1"));
    assert!(b.rapid_commit && !plain.rapid_commit);
    assert_eq!(b.relay_addresses, [ip("3000::1")]);
    assert_eq!((b.shared_network, plain.shared_network), (Some(0), None));
    assert_eq!(c.shared_networks[0].subnets, [0, 1]);
}

#[test]
fn v6_004_subnet_ids_range_uniqueness_and_kea_2_2_numbering() {
    assert!(err(r#""subnet6": [{"id": 0, "subnet": "2001:db8::/64"}]"#).contains("out of range"));
    assert!(
        err(r#""subnet6": [{"id": 4294967295, "subnet": "2001:db8::/64"}]"#)
            .contains("out of range")
    );
    let e = err(r#""subnet6": [{"id": 7, "subnet": "2001:db8:1::/64"}],
        "shared-networks": [{"name": "n", "subnet6": [{"id": 7, "subnet": "2001:db8:2::/64"}]}]"#);
    assert!(e.contains("id 7 is already used"), "{e}");
    // Kea 2.2.0's DHCPv6 numbering, read back with config-get: one counter,
    // network members first, explicit ids neither skipped nor counted.
    let c = load(
        r#""subnet6": [{"subnet": "2001:db8:1::/64"}, {"id": 10, "subnet": "2001:db8:2::/64"},
            {"subnet": "2001:db8:3::/64"}],
        "shared-networks": [{"name": "n", "subnet6": [{"subnet": "2001:db8:6::/64"}, {"subnet": "2001:db8:7::/64"}]}]"#,
    )
    .unwrap();
    let ids: Vec<(&str, u32)> = c.subnets.iter().map(|s| (s.text.as_str(), s.id)).collect();
    assert_eq!(
        ids,
        [
            ("2001:db8:1::/64", 3),
            ("2001:db8:2::/64", 10),
            ("2001:db8:3::/64", 4),
            ("2001:db8:6::/64", 1),
            ("2001:db8:7::/64", 2)
        ]
    );
    assert_eq!(c.warnings.len(), 4, "{:?}", c.warnings);
    assert!(
        c.warnings[0].starts_with("t6.json:3:55: "),
        "{:?}",
        c.warnings
    );
    assert!(c.warnings[0].contains("Dhcp6/shared-networks[0]/subnet6[0]: subnet 2001:db8:6::/64 has no \"id\"; assigned 1 as Kea 2.2 does"));
    assert_eq!(c.raw["subnet6"][2]["id"], 4);
    assert_eq!(c.raw["shared-networks"][0]["subnet6"][1]["id"], 2);
}

#[test]
fn v6_005_subnet_text_duplicates_only() {
    let c = load(
        r#""subnet6": [{"id": 1, "subnet": "2001:db8:1::/64"}, {"id": 2, "subnet": "2001:db8:1::1/64"}]"#,
    )
    .unwrap();
    assert_eq!(c.subnets[1].prefix, ip("2001:db8:1::1"));
    assert!(c.subnets[1].contains(ip("2001:db8:1::ffff")));
    assert!(!c.subnets[1].contains(ip("2001:db8:2::1")));
    let e = err(
        r#""subnet6": [{"id": 1, "subnet": "2001:db8:1::/64"}, {"id": 2, "subnet": "2001:db8:1::/64"}]"#,
    );
    assert!(e.contains("2001:db8:1::/64 is already defined"), "{e}");
    assert!(err(r#""subnet6": [{"id": 1, "subnet": "2001:db8::/129"}]"#)
        .contains("invalid subnet prefix"));
    assert!(
        err(r#""subnet6": [{"id": 1, "subnet": "10.0.0.0/24"}]"#).contains("invalid subnet prefix")
    );
    assert!(err(r#""subnet6": [{"id": 1}]"#).contains("subnet6 entry needs a 'subnet'"));
}

#[test]
fn v6_006_lifetime_triplets() {
    let c = load(&subnet("")).unwrap();
    let s = &c.subnets[0];
    assert_eq!(
        s.valid_lifetime,
        Triplet {
            min: 7200,
            default: 7200,
            max: 7200
        }
    );
    assert_eq!(s.preferred_lifetime, None);
    // The spec's checks.
    let e = err(&subnet(
        r#", "min-valid-lifetime": 100, "max-valid-lifetime": 200"#,
    ));
    assert!(
        e.contains("valid-lifetime (7200) is greater than max-valid-lifetime (200)"),
        "{e}"
    );
    let e = err(&subnet(
        r#", "min-valid-lifetime": 5000, "valid-lifetime": 4000"#,
    ));
    assert!(e.contains("less than min-valid-lifetime"), "{e}");
    let c = load(&subnet(
        r#", "preferred-lifetime": 3000, "min-preferred-lifetime": 2000, "max-preferred-lifetime": 4000"#,
    ))
    .unwrap();
    assert_eq!(
        c.subnets[0].preferred_lifetime,
        Some(Triplet {
            min: 2000,
            default: 3000,
            max: 4000
        })
    );
    // min alone: all three equal it.
    let c = load(&subnet(r#", "min-preferred-lifetime": 100"#)).unwrap();
    assert_eq!(
        c.subnets[0].preferred_lifetime,
        Some(Triplet {
            min: 100,
            default: 100,
            max: 100
        })
    );
    let e = err(&subnet(
        r#", "preferred-lifetime": 100, "min-preferred-lifetime": 200"#,
    ));
    assert!(
        e.contains("preferred-lifetime (100) is less than min-preferred-lifetime (200)"),
        "{e}"
    );
    let e = err(r#""preferred-lifetime": 100, "max-preferred-lifetime": 50"#);
    assert!(e.contains("max-preferred-lifetime"), "{e}");
}

#[test]
fn v6_007_comments_fold_into_user_context() {
    let c = load(&format!(
        r#""comment": "g", "server-id": {{"type": "LL", "comment": "sid"}}, {}"#,
        subnet(
            r#", "pd-pools": [{"prefix": "3000::", "prefix-len": 56, "delegated-len": 64,
                "comment": "pd", "user-context": {"a": 1}}]"#
        )
    ))
    .unwrap();
    assert_eq!(c.user_context.as_ref().unwrap()["comment"], "g");
    assert_eq!(c.server_id.user_context.as_ref().unwrap()["comment"], "sid");
    let pd = &c.subnets[0].pd_pools[0];
    assert_eq!(pd.user_context.as_ref().unwrap()["comment"], "pd");
    assert_eq!(pd.user_context.as_ref().unwrap()["a"], 1);
    assert_eq!(
        c.raw["subnet6"][0]["pd-pools"][0]["user-context"],
        serde_json::json!({"a": 1, "comment": "pd"})
    );
}

#[test]
fn v6_009_http_control_socket_defaults() {
    let c = load(
        r#""control-sockets": [{"socket-type": "http",
            "authentication": {"type": "basic", "clients": [{"user": "a", "password": "b"}]}},
            {"socket-type": "unix", "socket-name": "/run/kea6.sock"}]"#,
    )
    .unwrap();
    let ControlSocket::Http(h) = &c.control_sockets[0] else {
        panic!("{:?}", c.control_sockets)
    };
    assert_eq!(
        (h.address, h.port),
        ("::1".parse::<std::net::IpAddr>().unwrap(), 8000)
    );
    assert_eq!(h.auth.as_ref().unwrap().realm, "kea-dhcpv6-server");
    assert!(matches!(&c.control_sockets[1], ControlSocket::Unix { .. }));
}

#[test]
fn v6_010_v6_012_v6_013_interfaces() {
    let c =
        load(r#""interfaces-config": {"interfaces": ["*", "eth0", "eth1/2001:db8::1"]}"#).unwrap();
    assert_eq!(
        c.interfaces.interfaces,
        [
            InterfaceSpec::All,
            InterfaceSpec::Name("eth0".into()),
            InterfaceSpec::Address("eth1".into(), ip("2001:db8::1"))
        ]
    );
    assert_eq!(
        (c.interfaces.socket_type, c.interfaces.outbound),
        (SocketType::Udp, OutboundInterface::SameAsInbound)
    );
    let e = err(r#""interfaces-config": {"interfaces": ["eth1/2001:db8::1", "eth1/2001:db8::2"]}"#);
    assert!(e.contains("two unicast addresses"), "{e}");
    assert!(
        err(r#""interfaces-config": {"interfaces": ["eth1/10.0.0.1"]}"#)
            .contains("invalid interface address")
    );
}

#[test]
fn v6_032_rapid_commit_defaults_to_false_and_inherits() {
    let c = load(&subnet("")).unwrap();
    assert!(!c.subnets[0].rapid_commit);
    let c = load(&subnet(r#", "rapid-commit": true"#)).unwrap();
    assert!(c.subnets[0].rapid_commit);
}

#[test]
fn v6_050_relay_supplied_options() {
    let c = load("").unwrap();
    assert_eq!(c.relay_supplied_options, [65]);
    let c = load(r#""relay-supplied-options": ["110", "dns-servers", "65", "110"]"#).unwrap();
    assert_eq!(c.relay_supplied_options, [65, 110, 23]);
    let e = err(r#""relay-supplied-options": ["foo"]"#);
    assert!(
        e.contains("Dhcp6/relay-supplied-options[0]") && e.contains("'foo'"),
        "{e}"
    );
    assert!(err(r#""relay-supplied-options": ["0"]"#).contains("'0'"));
    // Kea reads strings only.
    assert!(err(r#""relay-supplied-options": [5]"#).contains("expected a string"));
}

#[test]
fn v6_053_v6_055_interface_and_interface_id_exclude_each_other() {
    let e = err(&subnet(
        r#", "interface": "eth0", "interface-id": "vlan123""#,
    ));
    assert!(e.contains("cannot both be set"), "{e}");
    let e = err(
        r#""shared-networks": [{"name": "n", "interface": "eth0", "interface-id": "x", "subnet6": []}]"#,
    );
    assert!(e.contains("shared network 'n'"), "{e}");
    // Empty strings count as unset (Kea's all-keys example writes them).
    let c = load(&subnet(
        r#", "interface": "eth0", "interface-id": "", "client-class": """#,
    ))
    .unwrap();
    assert_eq!(c.subnets[0].interface_id, None);
    assert_eq!(c.subnets[0].client_class, None);
    let c = load(&subnet(
        r#", "interface-id": "ISAM144|299|ip6|nt:vp:1:110""#,
    ))
    .unwrap();
    assert_eq!(
        c.subnets[0].interface_id.as_deref(),
        Some("ISAM144|299|ip6|nt:vp:1:110")
    );
}

#[test]
fn v6_056_relay_needs_ip_addresses() {
    assert!(err(&subnet(r#", "relay": {}"#)).contains("'ip-addresses' is mandatory"));
    assert!(err(&subnet(r#", "relay": {"ip-addresses": ["10.0.0.1"]}"#))
        .contains("invalid IPv6 address '10.0.0.1' for ip-addresses"));
    // Kea 2.2's single address, read as a one-address list with a warning.
    let c = load(&subnet(r#", "relay": {"ip-address": "3000::1"}"#)).unwrap();
    assert_eq!(c.subnets[0].relay_addresses, [ip("3000::1")]);
    assert!(
        c.warnings[0].contains("relay \"ip-address\" is Kea 2.2's form"),
        "{:?}",
        c.warnings
    );
    assert_eq!(
        c.raw["subnet6"][0]["relay"],
        serde_json::json!({"ip-addresses": ["3000::1"]})
    );
}

#[test]
fn v6_061_pool_forms() {
    let c = load(&subnet(
        r#", "pools": [{"pool": "2001:db8:1::10-2001:db8:1::20"}, {"pool": " 2001:db8:1::30 - 2001:db8:1::40 "},
            {"pool": "2001:db8:1:0:1::/80", "pool-id": 7}]"#,
    ))
    .unwrap();
    let p = &c.subnets[0].pools;
    assert_eq!(
        (p[0].start, p[0].end),
        (ip("2001:db8:1::10"), ip("2001:db8:1::20"))
    );
    assert_eq!(
        (p[1].start, p[1].end),
        (ip("2001:db8:1::30"), ip("2001:db8:1::40"))
    );
    assert_eq!(
        (p[2].start, p[2].end),
        (ip("2001:db8:1:0:1::"), ip("2001:db8:1:0:1:ffff:ffff:ffff"))
    );
    assert_eq!((p[2].pool_id, p[2].size()), (7, 1 << 48));
    assert!(p[2].contains(ip("2001:db8:1:0:1::")));
    // A prefix pool is written with its first address [src].
    assert!(err(&subnet(r#", "pools": [{"pool": "2001:db8:1::5/112"}]"#)).contains("invalid pool"));
    assert!(err(&subnet(
        r#", "pools": [{"pool": "2001:db8:1::9-2001:db8:1::1"}]"#
    ))
    .contains("invalid pool"));
}

#[test]
fn v6_062_pools_inside_and_disjoint() {
    let e = err(&subnet(
        r#", "pools": [{"pool": "2001:db8:2::1-2001:db8:2::9"}]"#,
    ));
    assert!(
        e.contains("not inside subnet id 1 (2001:db8:1::/64)"),
        "{e}"
    );
    let e = err(&subnet(
        r#", "pools": [{"pool": "2001:db8:1::1-2001:db8:1::9"}, {"pool": "2001:db8:1::5-2001:db8:1::19"}]"#,
    ));
    assert!(
        e.contains("overlaps pool 2001:db8:1::1-2001:db8:1::9"),
        "{e}"
    );
    assert!(load(
        r#""subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::/64"}]},
                       {"id": 2, "subnet": "2001:db8::/32", "pools": [{"pool": "2001:db8:1::/64"}]}]"#
    )
    .is_ok());
    let c = load(&subnet(r#", "pools": [{"pool": "2001:db8:1::/64"}]"#)).unwrap();
    assert_eq!(c.subnets[0].pools[0].size(), 1 << 64);
}

/// A subnet with one pd-pool of the given keys.
fn pd(keys: &str) -> Result<Dhcp6Config, ConfigError> {
    load(&subnet(&format!(r#", "pd-pools": [{{{keys}}}]"#)))
}

fn pd_err(keys: &str) -> String {
    expect_err(pd(keys), keys)
}

#[test]
fn v6_063_pd_pools() {
    // The spec's check: a pool outside the subnet delegates /96s.
    let c = pd(
        r#""prefix": "3000:1::", "prefix-len": 64, "delegated-len": 96, "pool-id": 3,
        "client-class": "A", "require-client-classes": ["B"]"#,
    )
    .unwrap();
    let p = &c.subnets[0].pd_pools[0];
    assert_eq!(
        (p.prefix, p.delegated_len, p.excluded),
        (prefix("3000:1::/64"), 96, None)
    );
    assert_eq!((p.pool_id, p.client_class.as_deref()), (3, Some("A")));
    assert_eq!(p.require_client_classes, ["B"]);
    let e = pd_err(r#""prefix": "3000:1::", "prefix-len": 64, "delegated-len": 48"#);
    assert!(
        e.contains("delegated-len 48 must be at least prefix-len 64"),
        "{e}"
    );
    for (keys, missing) in [
        (r#""prefix-len": 64, "delegated-len": 64"#, "prefix"),
        (r#""prefix": "3000::", "delegated-len": 64"#, "prefix-len"),
        (r#""prefix": "3000::", "prefix-len": 64"#, "delegated-len"),
    ] {
        assert!(
            pd_err(keys).contains(&format!("needs a '{missing}'")),
            "{keys}"
        );
    }
    assert!(
        pd_err(r#""prefix": "3000:1::1", "prefix-len": 64, "delegated-len": 96"#)
            .contains("not the first address of 3000:1::/64")
    );
    assert!(
        pd_err(r#""prefix": "3000:1::", "prefix-len": 0, "delegated-len": 96"#)
            .contains("prefix-len 0")
    );
    assert!(
        pd_err(r#""prefix": "3000:1::", "prefix-len": 129, "delegated-len": 130"#)
            .contains("prefix-len 129")
    );
    assert!(
        pd_err(r#""prefix": "3000:1::", "prefix-len": 64, "delegated-len": 129"#)
            .contains("at most 128")
    );
    assert!(
        pd_err(r#""prefix": "x", "prefix-len": 64, "delegated-len": 64"#)
            .contains("invalid pd-pool prefix")
    );
    let e = err(&subnet(
        r#", "pd-pools": [{"prefix": "3000:1::", "prefix-len": 64, "delegated-len": 96},
            {"prefix": "3000:1::", "prefix-len": 56, "delegated-len": 64}]"#,
    ));
    assert!(e.contains("overlaps pd-pool 3000:1::/64"), "{e}");
    // The same pd-pool in two subnets is fine.
    assert!(load(
        r#""subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "pd-pools": [{"prefix": "3000::", "prefix-len": 64, "delegated-len": 96}]},
                       {"id": 2, "subnet": "2001:db8:2::/64", "pd-pools": [{"prefix": "3000::", "prefix-len": 64, "delegated-len": 96}]}]"#
    )
    .is_ok());
}

#[test]
fn v6_064_excluded_prefix() {
    // ARM §9.2.10.
    let c = load(
        r#""subnet6": [{"id": 1, "subnet": "2001:db8:1::/48", "pd-pools": [{
            "prefix": "2001:db8:1:8000::", "prefix-len": 56, "delegated-len": 64,
            "excluded-prefix": "2001:db8:1:8000:cafe:80::", "excluded-prefix-len": 72}]}]"#,
    )
    .unwrap();
    assert_eq!(
        c.subnets[0].pd_pools[0].excluded,
        Some(prefix("2001:db8:1:8000:cafe:80::/72"))
    );
    let base = r#""prefix": "3000:1::", "prefix-len": 64, "delegated-len": 96"#;
    let e = pd_err(&format!(
        r#"{base}, "excluded-prefix": "3000:1::", "excluded-prefix-len": 96"#
    ));
    assert!(e.contains("must be longer than delegated-len 96"), "{e}");
    assert!(pd_err(&format!(
        r#"{base}, "excluded-prefix": "3000:1::", "excluded-prefix-len": 129"#
    ))
    .contains("at most 128"));
    assert!(pd_err(&format!(r#"{base}, "excluded-prefix": "3000:1::""#)).contains("together"));
    assert!(pd_err(&format!(r#"{base}, "excluded-prefix-len": 100"#)).contains("together"));
    let e = pd_err(&format!(
        r#"{base}, "excluded-prefix": "3000:2::", "excluded-prefix-len": 100"#
    ));
    assert!(e.contains("must share its first 96 bits"), "{e}");
}

#[test]
fn v6_066_prefix_pool_capacity() {
    let c = pd(r#""prefix": "3000::", "prefix-len": 56, "delegated-len": 64"#).unwrap();
    assert_eq!(c.subnets[0].pd_pools[0].capacity(), 256);
    let c = pd(r#""prefix": "3000::", "prefix-len": 64, "delegated-len": 64"#).unwrap();
    assert_eq!(c.subnets[0].pd_pools[0].capacity(), 1);
}

#[test]
fn v6_069_allocators() {
    let c = load(&subnet(r#", "allocator": "random", "pd-allocator": "flq""#)).unwrap();
    assert_eq!(
        (c.subnets[0].allocator, c.subnets[0].pd_allocator),
        (AllocatorKind::Random, AllocatorKind::Flq)
    );
    let c = load(&subnet("")).unwrap();
    assert_eq!(
        (c.subnets[0].allocator, c.subnets[0].pd_allocator),
        (AllocatorKind::Iterative, AllocatorKind::Iterative)
    );
    let e = err(&subnet(r#", "allocator": "flq""#));
    assert!(e.contains("not supported for IPv6 address pools"), "{e}");
    assert!(err(r#""pd-allocator": "foo""#).contains("pd-allocator 'foo'"));
}

#[test]
fn v6_080_tee_defaults_and_percents() {
    let c = load(&subnet("")).unwrap();
    let s = &c.subnets[0];
    assert!(s.calculate_tee_times);
    assert_eq!((s.t1_percent, s.t2_percent), (0.5, 0.8));
    let e = err(&subnet(r#", "t1-percent": 0.9, "t2-percent": 0.5"#));
    assert!(e.contains("must be less than t2-percent"), "{e}");
    assert!(load(&subnet(
        r#", "calculate-tee-times": false, "t1-percent": 0.9, "t2-percent": 0.5"#
    ))
    .is_ok());
}

// V6-081: negative timers are refused; a subnet's or a network's renew-timer above its own
// rebind-timer is accepted with Kea 2.7.3's warning (Kea 2.2 refused it); T1 = T2 = 0 is accepted.
#[test]
fn v6_081_renew_and_rebind_timers() {
    let e = err(&subnet(r#", "renew-timer": -1"#));
    assert!(e.contains("renew-timer"), "{e}");
    let c = load(&subnet(r#", "renew-timer": 3000, "rebind-timer": 2000"#)).unwrap();
    assert_eq!(
        (c.subnets[0].renew_timer, c.subnets[0].rebind_timer),
        (Some(3000), Some(2000))
    );
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(
        c.warnings[0].contains("DHCPSRV_CFGMGR_RENEW_GTR_REBIND in subnet id 1")
            && c.warnings[0]
                .contains("renew-timer 3000 is greater than the value of rebind-timer 2000"),
        "{:?}",
        c.warnings
    );
    let c = load(
        r#""shared-networks": [{"name": "n", "renew-timer": 30, "rebind-timer": 20,
            "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64"}]}]"#,
    )
    .unwrap();
    assert_eq!(
        c.warnings.len(),
        1,
        "only where both are written: {:?}",
        c.warnings
    );
    assert!(
        c.warnings[0].contains("in shared network 'n'"),
        "{:?}",
        c.warnings
    );
    let c = load(&subnet(r#", "renew-timer": 0, "rebind-timer": 0"#)).unwrap();
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    assert_eq!(c.subnets[0].renew_timer, Some(0));
}

#[test]
fn v6_084_mac_sources() {
    assert_eq!(load("").unwrap().mac_sources, [MacSource::Any]);
    let c =
        load(r#""mac-sources": ["client-link-addr-option", "duid", "ipv6-link-local", "rfc4649"]"#)
            .unwrap();
    assert_eq!(
        c.mac_sources,
        [
            MacSource::ClientLinkAddrOption,
            MacSource::Duid,
            MacSource::Ipv6LinkLocal,
            MacSource::RemoteId
        ]
    );
    assert!(err(r#""mac-sources": []"#).contains("must not be empty"));
    assert!(err(r#""mac-sources": ["foo"]"#).contains("'foo' is not a MAC source"));
    assert!(
        err(r#""mac-sources": ["rfc6939", "client-link-addr-option"]"#).contains("given twice")
    );
}

#[test]
fn v6_089_server_id() {
    let c = load("").unwrap();
    assert_eq!(
        c.server_id,
        ServerId {
            kind: DuidType::Llt,
            htype: None,
            identifier: None,
            time: None,
            enterprise_id: None,
            persist: true,
            user_context: None
        }
    );
    assert!(err(r#""server-id": {"identifier": "0102"}"#).contains("needs a 'type'"));
    assert!(err(r#""server-id": {"type": "XX"}"#).contains("unknown variant `XX`"));
    assert!(err(r#""server-id": {"type": "LLT", "identifier": "zz"}"#).contains("hexadecimal"));
    assert!(err(r#""server-id": {"type": "LLT", "htype": 70000}"#).contains("expected u16"));
    // 0 and "" leave the part to the stored or generated DUID.
    let c = load(r#""server-id": {"type": "LLT", "htype": 0, "identifier": "", "time": 2518920166, "persist": false}"#)
        .unwrap();
    let s = &c.server_id;
    assert_eq!(
        (s.htype, s.identifier.as_ref(), s.time, s.persist),
        (None, None, Some(2518920166), false)
    );
    assert_eq!(s.configured_duid(), None);
}

#[test]
fn v6_090_server_id_encodings() {
    let duid = |sid: &str| {
        load(&format!(r#""server-id": {sid}"#))
            .unwrap()
            .server_id
            .configured_duid()
            .unwrap()
    };
    assert_eq!(
        duid(r#"{"type": "LLT", "htype": 8, "identifier": "A65DC7410F05", "time": 2518920166}"#),
        [0x00, 0x01, 0x00, 0x08, 0x96, 0x23, 0xAB, 0xE6, 0xA6, 0x5D, 0xC7, 0x41, 0x0F, 0x05]
    );
    assert_eq!(
        duid(r#"{"type": "EN", "enterprise-id": 2495, "identifier": "87ABEF7A5BB545"}"#),
        [0x00, 0x02, 0x00, 0x00, 0x09, 0xBF, 0x87, 0xAB, 0xEF, 0x7A, 0x5B, 0xB5, 0x45]
    );
    assert_eq!(
        duid(r#"{"type": "LL", "htype": 8, "identifier": "A65DC7410F05", "time": 5}"#),
        [0x00, 0x03, 0x00, 0x08, 0xA6, 0x5D, 0xC7, 0x41, 0x0F, 0x05]
    );
}

#[test]
fn v6_093_v6_100_data_directory_and_default_files() {
    let c = load("").unwrap();
    assert_eq!(c.data_directory, Path::new("/var/lib/kea"));
    assert_eq!(
        c.lease_file().unwrap(),
        Path::new("/var/lib/kea/kea-leases6.csv")
    );
    assert_eq!(
        c.server_id_file(),
        Path::new("/var/lib/kea/kea-dhcp6-serverid")
    );
    assert!(matches!(
        c.lease_database,
        LeaseDatabase::Memfile {
            persist: true,
            name: None,
            lfc_interval: 3600,
            max_row_errors: 0
        }
    ));
    let c = load(r#""data-directory": "/tmp/k6""#).unwrap();
    assert_eq!(
        c.lease_file().unwrap(),
        Path::new("/tmp/k6/kea-leases6.csv")
    );
    assert_eq!(c.server_id_file(), Path::new("/tmp/k6/kea-dhcp6-serverid"));
    let c = load(r#""lease-database": {"type": "memfile", "name": "/x/l6.csv"}"#).unwrap();
    assert_eq!(c.lease_file().unwrap(), Path::new("/x/l6.csv"));
    let c = load(r#""lease-database": {"type": "postgresql", "name": "kea"}"#).unwrap();
    assert_eq!(c.lease_file(), None);
    assert!(err(r#""lease-database": {"persist": false}"#).contains("'type' is mandatory"));
}

/// A subnet with the given reservations list.
fn hosts(list: &str) -> Result<Dhcp6Config, ConfigError> {
    load(&subnet(&format!(r#", "reservations": {list}"#)))
}

fn hosts_err(list: &str) -> String {
    expect_err(hosts(list), list)
}

#[test]
fn v6_108_v6_109_reservation_identifiers() {
    let c = hosts(
        r#"[{"duid": "01:02:03:04:05:0A:0B:0C:0D:0E", "ip-addresses": ["2001:db8:1::5"], "hostname": "h",
             "client-classes": ["x"], "option-data": [{"name": "dns-servers", "data": "2001:db8::1"}]},
            {"hw-address": "00:01:02:03:04:05"},
            {"flex-id": "'label'"}]"#,
    )
    .unwrap();
    let r = &c.subnets[0].reservations;
    assert_eq!(
        (r[0].id_type, r[0].id.clone()),
        (
            HostIdType::Duid,
            vec![1, 2, 3, 4, 5, 0xa, 0xb, 0xc, 0xd, 0xe]
        )
    );
    assert_eq!(r[0].ip_addresses, [ip("2001:db8:1::5")]);
    assert_eq!(
        (r[0].hostname.as_deref(), r[0].client_classes.as_slice()),
        (Some("h"), &["x".to_string()][..])
    );
    assert_eq!(r[0].options.get_in("dhcp6", 23).unwrap().data.len(), 16);
    assert_eq!(r[1].id_type, HostIdType::HwAddress);
    assert_eq!(
        (r[2].id_type, r[2].id.as_slice()),
        (HostIdType::FlexId, &b"label"[..])
    );
    let e = hosts_err(r#"[{"duid": "01:02:03", "hw-address": "01:02:03:04:05:06"}]"#);
    assert!(e.contains("mutually exclusive"), "{e}");
    let e = hosts_err(r#"[{"ip-addresses": ["2001:db8:1::1"]}]"#);
    assert!(
        e.contains("needs one identifier: duid, hw-address or flex-id"),
        "{e}"
    );
    assert!(hosts_err(r#"[{"duid": "zz"}]"#).contains("invalid duid"));
    for v4_key in [
        r#""ip-address": "2001:db8:1::1""#,
        r#""client-id": "01""#,
        r#""next-server": "10.0.0.1""#,
    ] {
        let body = subnet(&format!(
            r#", "reservations": [{{"duid": "01:02:03", {v4_key}}}]"#
        ));
        assert!(
            matches!(load(&body), Err(ConfigError::UnknownKey { .. })),
            "{v4_key}"
        );
    }
}

#[test]
fn v6_110_reserved_addresses_and_prefixes() {
    let e = hosts_err(r#"[{"duid": "01:02:03", "ip-addresses": ["2001:db8:2::1"]}]"#);
    assert!(
        e.contains("reserved address 2001:db8:2::1 is not within subnet id 1 (2001:db8:1::/64)"),
        "{e}"
    );
    assert!(e.contains("reservations[0]/ip-addresses[0]"), "{e}");
    let c = hosts(r#"[{"duid": "01:02:03", "prefixes": ["2001:db8:2:abcd::/64"]}]"#).unwrap();
    assert_eq!(
        c.subnets[0].reservations[0].prefixes,
        [ReservedPrefix {
            prefix: prefix("2001:db8:2:abcd::/64"),
            excluded: None
        }]
    );
    assert!(
        hosts_err(r#"[{"duid": "01:02:03", "prefixes": ["2001:db8::1/48"]}]"#)
            .contains("not the first address of its prefix")
    );
    for bad in ["2001:db8::", "2001:db8::/0", "2001:db8::/129", "10.0.0.0/8"] {
        let e = hosts_err(&format!(
            r#"[{{"duid": "01:02:03", "prefixes": ["{bad}"]}}]"#
        ));
        assert!(e.contains("invalid reserved prefix"), "{bad}: {e}");
    }
    // Global reservations are tied to no subnet.
    let c = load(r#""reservations": [{"duid": "01:02:03", "ip-addresses": ["3000::1"]}]"#).unwrap();
    assert_eq!(c.global_reservations[0].ip_addresses, [ip("3000::1")]);
}

#[test]
fn v6_111_excluded_prefixes() {
    // ARM §9.3 example.
    let c = hosts(
        r#"[{"duid": "01:02:03", "prefixes": ["2001:db8::/48", "3000::/56"],
             "excluded-prefixes": ["2001:db8:0:1::/64", ""]}]"#,
    )
    .unwrap();
    let p = &c.subnets[0].reservations[0].prefixes;
    assert_eq!(p[0].excluded, Some(prefix("2001:db8:0:1::/64")));
    assert_eq!(p[1].excluded, None);
    let e = hosts_err(
        r#"[{"duid": "01:02:03", "prefixes": ["2001:db8::/48"], "excluded-prefixes": ["", ""]}]"#,
    );
    assert!(
        e.contains("excluded-prefixes has 2 entries but prefixes has 1"),
        "{e}"
    );
    let e = hosts_err(r#"[{"duid": "01:02:03", "excluded-prefixes": ["2001:db8::/64"]}]"#);
    assert!(e.contains("prefixes has 0"), "{e}");
    for bad in ["2001:db9::/64", "2001:db8::/48", "2001:db8::/40"] {
        let e = hosts_err(&format!(
            r#"[{{"duid": "01:02:03", "prefixes": ["2001:db8::/48"], "excluded-prefixes": ["{bad}"]}}]"#
        ));
        assert!(e.contains("longer than and inside"), "{bad}: {e}");
    }
}

#[test]
fn v6_113_reservation_uniqueness() {
    let e = hosts_err(r#"[{"duid": "01:02:03"}, {"duid": "01:02:03"}]"#);
    assert!(e.contains("duplicate reservation for duid"), "{e}");
    let two = r#"[{"duid": "01:02:03", "ip-addresses": ["2001:db8:1::5"], "prefixes": ["3000::/64"]},
                  {"duid": "01:02:04", "prefixes": ["3000::/64"]}]"#;
    let e = hosts_err(two);
    assert!(
        e.contains("prefix 3000::/64 is already reserved by reservations[0]"),
        "{e}"
    );
    assert!(load(&format!(
        r#""ip-reservations-unique": false, {}"#,
        subnet(&format!(r#", "reservations": {two}"#))
    ))
    .is_ok());
    let e =
        hosts_err(r#"[{"duid": "01:02:03", "ip-addresses": ["2001:db8:1::5", "2001:db8:1::5"]}]"#);
    assert!(e.contains("lists address 2001:db8:1::5 twice"), "{e}");
}

#[test]
fn v6_114_host_reservation_identifiers() {
    assert_eq!(
        load("").unwrap().host_reservation_identifiers,
        [HostIdType::HwAddress, HostIdType::Duid]
    );
    let c = load(r#""host-reservation-identifiers": ["duid", "flex-id", "hw-address"]"#).unwrap();
    assert_eq!(
        c.host_reservation_identifiers,
        [HostIdType::Duid, HostIdType::FlexId, HostIdType::HwAddress]
    );
    assert!(err(r#""host-reservation-identifiers": ["client-id"]"#).contains("unknown variant"));
    assert!(err(r#""host-reservation-identifiers": []"#).contains("must not be empty"));
}

#[test]
fn v6_125_shared_network_names() {
    for (networks, error) in [
        (
            r#"{"name": "a"}, {"name": "a"}"#,
            "duplicate shared network name 'a'",
        ),
        (r#"{"subnet6": []}"#, "needs a 'name'"),
    ] {
        let e = err(&format!(r#""shared-networks": [{networks}]"#));
        assert!(e.contains(error), "{e}");
    }
    // Empty and one-member networks, beside plain subnets.
    let c = load(&format!(
        r#""shared-networks": [{{"name": "empty"}}, {{"name": "one", "subnet6": [{{"id": 2, "subnet": "2001:db8:2::/64"}}]}}], {}"#,
        subnet("")
    ))
    .unwrap();
    let sizes: Vec<usize> = c.shared_networks.iter().map(|n| n.subnets.len()).collect();
    assert_eq!(sizes, [0, 1]);
}

#[test]
fn v6_127_v6_128_network_members_agree() {
    let members = |a: &str, b: &str| {
        format!(
            r#""shared-networks": [{{"name": "n", "subnet6": [
                {{"id": 1, "subnet": "2001:db8:1::/64"{a}}}, {{"id": 2, "subnet": "2001:db8:2::/64"{b}}}]}}]"#
        )
    };
    let e = err(&members(
        r#", "interface": "eth0""#,
        r#", "interface": "eth1""#,
    ));
    assert!(e.contains("different interfaces"), "{e}");
    let e = err(&members(r#", "rapid-commit": true"#, ""));
    assert!(
        e.contains("different rapid-commit values (true vs false)"),
        "{e}"
    );
    // Unset members agree with any interface; relays may differ.
    assert!(load(&members(
        r#", "interface": "eth0", "relay": {"ip-addresses": ["3000::1"]}"#,
        r#", "relay": {"ip-addresses": ["3000::2"]}"#
    ))
    .is_ok());
}

#[test]
fn v6_133_option_data() {
    let c = load(
        r#""option-data": [{"name": "dns-servers", "data": "2001:db8::cafe, 2001:db8::babe"},
            {"code": 7, "data": "255"}, {"name": "new-posix-timezone", "data": "EST5EDT4\\,M3.2.0/02:00"}]"#,
    )
    .unwrap();
    let dns = c.options.get_in("dhcp6", 23).unwrap();
    assert_eq!(dns.space, "dhcp6");
    assert_eq!(dns.data[..2], [0x20, 0x01]);
    assert_eq!(dns.data.len(), 32);
    assert_eq!(c.options.get_in("dhcp6", 7).unwrap().data, [255]);
    assert_eq!(
        c.options.get_in("dhcp6", 41).unwrap().data,
        b"EST5EDT4,M3.2.0/02:00"
    );
    // Two-byte codes; 0 is reserved in dhcp6.
    assert!(
        err(r#""option-data": [{"code": 65536, "csv-format": false, "data": "01"}]"#)
            .contains("must not be greater than 65535")
    );
    assert!(
        err(r#""option-data": [{"code": 0, "csv-format": false, "data": "01"}]"#)
            .contains("code 0 is reserved")
    );
    let c = load(r#""option-data": [{"code": 300, "csv-format": false, "data": "01"}]"#).unwrap();
    assert_eq!(c.options.get_in("dhcp6", 300).unwrap().data, [1]);
    assert!(
        err(r#""option-data": [{"name": "routers", "data": "10.0.0.1"}]"#)
            .contains("'dhcp6.routers' does not exist")
    );
}

#[test]
fn v6_134_hex_forms() {
    let c = load(
        r#""option-data": [{"name": "dns-servers", "csv-format": false,
            "data": "20 01 0D B8 00 01 00 00 00 00 00 00 00 00 CA FE"}]"#,
    )
    .unwrap();
    let hex = c.options.get_in("dhcp6", 23).unwrap().data.clone();
    let c =
        load(r#""option-data": [{"name": "dns-servers", "data": "2001:db8:1::cafe"}]"#).unwrap();
    assert_eq!(hex, c.options.get_in("dhcp6", 23).unwrap().data);
}

#[test]
fn v6_137_standard_options_cannot_be_redefined() {
    let e = err(r#""option-def": [{"name": "foo", "code": 23, "type": "uint32"}]"#);
    assert!(e.contains("Dhcp6/option-def[0]"), "{e}");
    assert!(
        err(r#""option-def": [{"name": "foo", "code": 0, "type": "uint8"}]"#)
            .contains("option-def[0]")
    );
}

#[test]
fn v6_144_v6_145_custom_definitions() {
    let c = load(
        r#""option-def": [{"name": "foo", "code": 100, "type": "uint32"},
            {"name": "bar", "code": 101, "type": "record", "record-types": "ipv6-address, uint16, boolean, string"}],
        "option-data": [{"name": "foo", "data": "12345"}, {"name": "bar", "data": "2001:db8:1::10, 123, false, Hello World"}]"#,
    )
    .unwrap();
    assert_eq!(
        c.options.get_in("dhcp6", 100).unwrap().data,
        [0, 0, 0x30, 0x39]
    );
    assert_eq!(c.options.get_in("dhcp6", 101).unwrap().data.len(), 30);
    assert!(c.option_defs.by_name("dhcp6", "foo").is_some());
}

#[test]
fn v6_146_encapsulated_space_uses_two_byte_headers() {
    let c = load(
        r#""option-def": [{"name": "container", "code": 102, "type": "empty", "encapsulate": "isc"},
            {"name": "sub1", "code": 1, "space": "isc", "type": "uint8"},
            {"name": "sub2", "code": 2, "space": "isc", "type": "string"}],
        "option-data": [{"name": "container"}, {"name": "sub1", "space": "isc", "data": "7"},
            {"name": "sub2", "space": "isc", "data": "ab"}]"#,
    )
    .unwrap();
    assert_eq!(
        c.options.get_in("dhcp6", 102).unwrap().data,
        [0, 1, 0, 1, 7, 0, 2, 0, 2, b'a', b'b']
    );
}

#[test]
fn v6_147_vendor_opts_carry_their_space() {
    let c = load(
        r#""option-def": [{"name": "foo", "code": 1, "space": "vendor-12345", "type": "string"}],
        "option-data": [{"name": "vendor-opts", "data": "12345"},
            {"name": "foo", "space": "vendor-12345", "data": "x"}]"#,
    )
    .unwrap();
    // Enterprise number, then sub-option 1 with a two-byte header; no
    // DHCPv4-style block length.
    assert_eq!(
        c.options.get_in("dhcp6", 17).unwrap().data,
        [0, 0, 0x30, 0x39, 0, 1, 0, 1, b'x']
    );
    // V6-149: DOCSIS tftp-servers is sub-option 32 of vendor-4491.
    let c = load(
        r#""option-data": [{"name": "vendor-opts", "data": "4491"},
            {"name": "tftp-servers", "space": "vendor-4491", "data": "3000:1::234"}]"#,
    )
    .unwrap();
    let d = &c.options.get_in("dhcp6", 17).unwrap().data;
    assert_eq!(d[..8], [0, 0, 0x11, 0x8b, 0, 32, 0, 16]);
}

#[test]
fn v6_156_test_expressions_compiled_at_load() {
    let c = load(
        r#""client-classes": [
            {"name": "a", "test": "substring(option[1].hex,0,6) == 0x0002AABBCCDD"},
            {"name": "b", "test": "unknown or member('a')"},
            {"name": "c", "test": "relay6[0].linkaddr == 2001:db8::1 and option[clientid].exists"}]"#,
    )
    .unwrap();
    let deps: Vec<bool> = c
        .client_classes
        .iter()
        .map(|k| k.depends_on_known)
        .collect();
    assert_eq!(deps, [false, true, false]);
    for body in [
        r#"[{"name": "A", "test": "member('B')"}, {"name": "B"}]"#,
        r#"[{"name": "A", "test": "pkt4.mac == 0x01"}]"#,
        r#"[{"name": "A", "test": "relay4[1].exists"}]"#,
    ] {
        let e = load(&format!(r#""client-classes": {body}"#))
            .unwrap_err()
            .to_string();
        assert!(e.contains("client class 'A'"), "{body}: {e}");
    }
}

#[test]
fn v6_151_v6_155_client_classes() {
    let c = load(
        r#""client-classes": [{"name": "a", "test": "member('ALL')", "valid-lifetime": 300,
            "preferred-lifetime": 200, "min-preferred-lifetime": 100,
            "option-data": [{"name": "dns-servers", "data": "2001:db8::1"}]},
            {"name": "b", "only-if-required": true}]"#,
    )
    .unwrap();
    let k = &c.client_classes[0];
    assert_eq!(k.test.as_deref(), Some("member('ALL')"));
    assert_eq!(
        k.valid_lifetime,
        Some(Triplet {
            min: 300,
            default: 300,
            max: 300
        })
    );
    assert_eq!(
        k.preferred_lifetime,
        Some(Triplet {
            min: 100,
            default: 200,
            max: 200
        })
    );
    assert!(k.options.get_in("dhcp6", 23).is_some());
    assert!(
        c.client_classes[1].only_if_required && c.client_classes[1].preferred_lifetime.is_none()
    );
    for v4_key in [
        "option-def",
        "next-server",
        "server-hostname",
        "boot-file-name",
        "offer-lifetime",
    ] {
        let v = if v4_key == "option-def" { "[]" } else { "1" };
        assert_eq!(
            unknown(&format!(
                r#""client-classes": [{{"name": "a", "{v4_key}": {v}}}]"#
            )),
            v4_key
        );
    }
    assert!(err(r#""client-classes": [{"name": "a"}, {"name": "a"}]"#).contains("defined twice"));
    assert!(
        err(r#""client-classes": [{"name": "a", "test": "1", "template-test": "2"}]"#)
            .contains("exclusive")
    );
    assert!(err(r#""client-classes": [{"name": "a", "preferred-lifetime": 100, "min-preferred-lifetime": 200}]"#)
        .contains("min-preferred-lifetime"));
}

#[test]
fn v6_196_compatibility() {
    let c = load(r#""compatibility": {"lenient-option-parsing": true}"#).unwrap();
    assert!(c.compatibility.lenient_option_parsing);
    assert!(!c.compatibility.ignore_rai_link_selection);
}

#[test]
fn v6_197_v6_199_carried_for_the_server() {
    let c = load(
        r#""dhcp4o6-port": 6767, "server-tag": "s",
        "config-control": {"config-databases": [{"type": "mysql", "name": "config"}], "config-fetch-wait-time": 30}"#,
    )
    .unwrap();
    assert_eq!((c.dhcp4o6_port, c.server_tag.as_deref()), (6767, Some("s")));
    assert_eq!(c.config_control.unwrap()["config-fetch-wait-time"], 30);
}

#[test]
fn defaults_follow_spec_section_24() {
    let c = load(&subnet("")).unwrap();
    let s = &c.subnets[0];
    assert!(s.reservations_in_subnet && !s.reservations_global && !s.reservations_out_of_pool);
    assert!(!s.store_extended_info && !s.rapid_commit);
    assert_eq!((s.cache_threshold, s.cache_max_age), (None, None));
    assert_eq!((s.renew_timer, s.rebind_timer), (None, None));
    assert_eq!(s.ddns.generated_prefix, "myhost");
    assert_eq!(s.ddns.hostname_char_set, "[^A-Za-z0-9.-]");
    assert_eq!(s.ddns.replace_client_name, ReplaceClientName::Never);
    assert_eq!(
        s.ddns.conflict_resolution_mode,
        ConflictResolutionMode::CheckWithDhcid
    );
    assert!(s.ddns.send_updates);
    assert_eq!(
        (c.decline_probation_period, c.parked_packet_limit),
        (86400, 256)
    );
    assert!(
        c.ip_reservations_unique
            && !c.reservations_lookup_first
            && !c.early_global_reservations_lookup
    );
    assert_eq!(
        (
            c.statistic_default_sample_count,
            c.statistic_default_sample_age
        ),
        (20, 0)
    );
    assert_eq!(c.dhcp4o6_port, 0);
    assert!(c.interfaces.re_detect && !c.interfaces.service_sockets_require_all);
    assert_eq!(
        (
            c.interfaces.service_sockets_max_retries,
            c.interfaces.service_sockets_retry_wait_time_ms
        ),
        (0, 5000)
    );
    assert_eq!(
        c.multi_threading,
        MultiThreading {
            enable: true,
            thread_pool_size: 0,
            packet_queue_size: 64
        }
    );
    assert_eq!(c.expired_leases.hold_reclaimed_time, 3600);
    assert_eq!(
        c.sanity_checks,
        SanityChecks {
            lease_checks: LeaseChecks::Warn,
            extended_info_checks: ExtendedInfoChecks::Fix
        }
    );
    assert_eq!(c.compatibility, Compatibility::default());
    let d = &c.dhcp_ddns;
    assert!(!d.enable_updates);
    assert_eq!(
        (d.server_ip.to_string(), d.server_port, d.max_queue_size),
        ("127.0.0.1".into(), 53001, 1024)
    );
}

#[test]
fn kea_2_2_forms_in_dhcp6() {
    // Kea 2.2's DDNS keys inside dhcp-ddns move to the global level (V6-176 as V4-152).
    let c = load(&format!(
        r#""dhcp-ddns": {{"qualifying-suffix": "example.org.", "server-ip": "::1"}}, {}"#,
        subnet("")
    ))
    .unwrap();
    assert_eq!(c.subnets[0].ddns.qualifying_suffix, "example.org.");
    assert!(
        c.warnings[0].contains("Dhcp6/dhcp-ddns/qualifying-suffix"),
        "{:?}",
        c.warnings
    );
    assert_eq!(c.raw["ddns-qualifying-suffix"], "example.org.");
    // Kea 2.2's docsis3-v6 space shares vendor-4491's definitions and is never sent from.
    let c = load(
        r#""option-data": [{"name": "tftp-servers", "space": "docsis3-v6", "data": "3000::1"}]"#,
    )
    .unwrap();
    let o = &c.options.items[0];
    assert_eq!(
        (o.space.as_str(), o.code, o.data.len()),
        ("docsis3-v6", 32, 16)
    );
    assert!(
        c.warnings[0].contains("sent in option 17"),
        "{:?}",
        c.warnings
    );
}
