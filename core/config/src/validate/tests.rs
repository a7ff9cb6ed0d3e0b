//! One test per load-time rule, named after the spec IDs it checks.

use std::net::Ipv4Addr;

use crate::model::*;
use crate::{parse_dhcp4_str, ConfigError};

/// Loads `{"Dhcp4": {<body>}}`.
fn load(body: &str) -> Result<Dhcp4Config, ConfigError> {
    parse_dhcp4_str(&format!("{{\"Dhcp4\": {{{body}}}}}"), "t.json")
}

/// The message of an expected validation error.
fn err(body: &str) -> String {
    super::testing::expect_err(load(body), body)
}

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

const NET: &str = r#""subnet4": [{"id": 1, "subnet": "10.0.0.0/24""#;

#[test]
fn v4_003_narrower_scope_wins() {
    let c = load(
        r#""valid-lifetime": 300, "renew-timer": 100, "match-client-id": false,
        "shared-networks": [{"name": "n", "valid-lifetime": 600, "interface": "eth0",
            "relay": {"ip-addresses": ["10.9.9.9"]},
            "subnet4": [{"id": 1, "subnet": "10.0.0.0/24", "valid-lifetime": 1200},
                        {"id": 2, "subnet": "10.0.1.0/24"}]}],
        "subnet4": [{"id": 3, "subnet": "10.0.2.0/24"}]"#,
    )
    .unwrap();
    let by_id = |id| c.subnets.iter().find(|s| s.id == id).unwrap();
    assert_eq!(by_id(1).valid_lifetime.default, 1200);
    assert_eq!(by_id(2).valid_lifetime.default, 600);
    assert_eq!(by_id(3).valid_lifetime.default, 300);
    assert_eq!(by_id(2).renew_timer, Some(100));
    assert!(!by_id(2).match_client_id);
    assert_eq!(by_id(2).interface.as_deref(), Some("eth0"));
    assert_eq!(by_id(2).relay_addresses, vec![ip("10.9.9.9")]);
    assert_eq!(by_id(2).shared_network, Some(0));
    assert_eq!(by_id(3).shared_network, None);
    // The list written first (here `shared-networks`) comes first in the model (selection itself
    // tries subnets by ascending id, V4-049).
    assert_eq!(
        c.subnets.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(c.shared_networks[0].subnets, vec![0, 1]);
}

/// `(prefix, id)` of every subnet, plain ones and network members.
fn ids(c: &Dhcp4Config) -> Vec<(&str, u32)> {
    c.subnets.iter().map(|s| (s.text.as_str(), s.id)).collect()
}

#[test]
fn v4_004_subnet_id_range_uniqueness_and_kea_2_2_numbering() {
    // V4-004 and spec §26 #4 make `id` mandatory, as Kea 2.7.3 does. Ruru
    // deliberately follows Kea 2.2 and the 2.7.3 ARM §8.4.3 text instead
    // (missing ids are numbered from 1), for drop-in use with Kea 2.2
    // configurations; each assigned id is a warning. The range and
    // uniqueness rules are unchanged.
    assert!(err(r#""subnet4": [{"id": 0, "subnet": "10.0.0.0/24"}]"#).contains("out of range"));
    assert!(
        err(r#""subnet4": [{"id": 4294967295, "subnet": "10.0.0.0/24"}]"#).contains("out of range")
    );
    assert!(load(r#""subnet4": [{"id": 4294967294, "subnet": "10.0.0.0/24"}]"#).is_ok());
    let e = err(r#""subnet4": [{"id": 7, "subnet": "10.0.0.0/24"}],
        "shared-networks": [{"name": "n", "subnet4": [{"id": 7, "subnet": "10.0.1.0/24"}]}]"#);
    assert!(e.contains("id 7 is already used"), "{e}");

    let c = load(r#""subnet4": [{"subnet": "192.0.2.0/24"}]"#).unwrap();
    assert_eq!(ids(&c), [("192.0.2.0/24", 1)]);
    assert_eq!(
        c.warnings,
        [
            r#"t.json:1:24: Dhcp4/subnet4[0]: subnet 192.0.2.0/24 has no "id"; assigned 1 as Kea 2.2 does (Kea 2.7 requires "id")"#
        ]
    );
    // config-get shows the ids in use, as Kea 2.2's does.
    assert_eq!(c.raw["subnet4"][0]["id"], 1);

    // The cases below were run on Kea 2.2.0 and read back with config-get:
    // one counter from 1, explicit ids neither skipped nor counted, network
    // members numbered before `subnet4` whichever is written first.
    let c = load(
        r#""subnet4": [{"subnet": "10.1.0.0/24"}, {"id": 10, "subnet": "10.2.0.0/24"},
            {"subnet": "10.3.0.0/24"}, {"id": 7, "subnet": "10.4.0.0/24"}, {"subnet": "10.5.0.0/24"}],
        "shared-networks": [{"name": "n", "subnet4": [{"subnet": "10.6.0.0/24"}, {"subnet": "10.7.0.0/24"}]}]"#,
    )
    .unwrap();
    assert_eq!(
        ids(&c),
        [
            ("10.1.0.0/24", 3),
            ("10.2.0.0/24", 10),
            ("10.3.0.0/24", 4),
            ("10.4.0.0/24", 7),
            ("10.5.0.0/24", 5),
            ("10.6.0.0/24", 1),
            ("10.7.0.0/24", 2)
        ]
    );
    assert_eq!(c.warnings.len(), 5);
    assert_eq!(c.raw["shared-networks"][0]["subnet4"][1]["id"], 2);
    assert_eq!(c.raw["subnet4"][1]["id"], 10);
    let c = load(
        r#""shared-networks": [{"name": "a", "subnet4": [{"subnet": "10.1.0.0/24"}]},
            {"name": "b", "subnet4": [{"id": 7, "subnet": "10.2.0.0/24"}, {"subnet": "10.3.0.0/24"}]}],
        "subnet4": [{"subnet": "10.4.0.0/24"}]"#,
    )
    .unwrap();
    assert_eq!(
        ids(&c),
        [
            ("10.1.0.0/24", 1),
            ("10.2.0.0/24", 7),
            ("10.3.0.0/24", 2),
            ("10.4.0.0/24", 3)
        ]
    );

    // Conflicts with an assigned id are errors in Kea 2.2, reported on the
    // later subnet in its order (Kea 2.2.0: "ID of the new IPv4 subnet '1'
    // is already in use", at the same positions as here).
    let e = err(
        r#""subnet4": [{"subnet": "10.1.0.0/24"}, {"id": 1, "subnet": "10.2.0.0/24"},
            {"subnet": "10.3.0.0/24"}, {"id": 5, "subnet": "10.4.0.0/24"}, {"subnet": "10.5.0.0/24"}]"#,
    );
    assert!(
        e.contains("Dhcp4/subnet4[1]: subnet 10.2.0.0/24: id 1 is already used by Dhcp4/subnet4[0] (assigned there"),
        "{e}"
    );
    let e = err(r#""subnet4": [{"id": 1, "subnet": "10.1.0.0/24"}, {"subnet": "10.2.0.0/24"}]"#);
    assert!(
        e.contains("Dhcp4/subnet4[1]: subnet 10.2.0.0/24 has no \"id\" and gets 1"),
        "{e}"
    );
    let e = err(r#""subnet4": [{"id": 1, "subnet": "10.1.0.0/24"}],
        "shared-networks": [{"name": "n", "subnet4": [{"subnet": "10.2.0.0/24"}]}]"#);
    assert!(
        e.contains("Dhcp4/subnet4[0]: subnet 10.1.0.0/24: id 1 is already used by Dhcp4/shared-networks[0]/subnet4[0]"),
        "{e}"
    );
}

#[test]
fn v4_005_subnet_text_duplicates_only() {
    let c = load(
        r#""subnet4": [{"id": 1, "subnet": "192.0.2.0/24"}, {"id": 2, "subnet": "192.0.2.1/24"}]"#,
    )
    .unwrap();
    assert_eq!(c.subnets[1].prefix, ip("192.0.2.1"));
    assert!(c.subnets[1].contains(ip("192.0.2.200")));
    assert_eq!(c.subnets[1].netmask(), ip("255.255.255.0"));
    let e = err(
        r#""subnet4": [{"id": 1, "subnet": "192.0.2.0/24"}, {"id": 2, "subnet": "192.0.2.0/24"}]"#,
    );
    assert!(e.contains("192.0.2.0/24 is already defined"), "{e}");
    assert!(err(r#""subnet4": [{"id": 1, "subnet": "192.0.2.0/33"}]"#)
        .contains("invalid subnet prefix"));
}

// V4-006, HK-081: `comment` becomes `user-context.comment`, in the model and in what config-get returns.
#[test]
fn v4_006_comment_is_folded_into_user_context() {
    let c = load(
        r#""comment": "g", "subnet4": [{"id": 1, "subnet": "10.0.0.0/24", "comment": "s",
            "user-context": {"a": 1}, "pools": [{"pool": "10.0.0.5-10.0.0.9", "comment": "p"}]}]"#,
    )
    .unwrap();
    assert_eq!(c.user_context.as_ref().unwrap()["comment"], "g");
    let s = &c.subnets[0];
    assert_eq!(s.user_context.as_ref().unwrap()["comment"], "s");
    assert_eq!(s.user_context.as_ref().unwrap()["a"], 1);
    assert_eq!(s.pools[0].user_context.as_ref().unwrap()["comment"], "p");
    assert_eq!(
        c.raw["subnet4"][0]["user-context"],
        serde_json::json!({"a": 1, "comment": "s"})
    );
    assert!(c.raw["subnet4"][0].get("comment").is_none());
}

#[test]
fn v4_047_relay_needs_ip_addresses() {
    let e = err(&format!("{NET}, \"relay\": {{}}}}]"));
    assert!(e.contains("'ip-addresses' is mandatory"), "{e}");
    let c = load(&format!(
        "{NET}, \"relay\": {{\"ip-addresses\": [\"10.1.1.1\", \"10.1.1.2\"]}}}}]"
    ))
    .unwrap();
    assert_eq!(
        c.subnets[0].relay_addresses,
        vec![ip("10.1.1.1"), ip("10.1.1.2")]
    );
    assert!(err(&format!(
        "{NET}, \"relay\": {{\"ip-addresses\": [\"x\"]}}}}]"
    ))
    .contains("invalid IPv4"));
    // Kea 2.2's single `ip-address`, at subnet and network level: read as a
    // one-address list with a warning; both keys at once is an error (Kea
    // 2.2's grammar takes exactly one of them).
    let c = load(
        r#""shared-networks": [{"name": "n", "relay": {"ip-address": "10.9.9.9"},
            "subnet4": [{"id": 1, "subnet": "10.0.0.0/24"},
                        {"id": 2, "subnet": "10.0.1.0/24", "relay": {"ip-address": "10.8.8.8"}}]}]"#,
    )
    .unwrap();
    assert_eq!(c.subnets[0].relay_addresses, [ip("10.9.9.9")]);
    assert_eq!(c.subnets[1].relay_addresses, [ip("10.8.8.8")]);
    assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
    assert!(
        c.warnings[0].ends_with(r#"Dhcp4/shared-networks[0]/relay: shared network 'n': relay "ip-address" is Kea 2.2's form; read as "ip-addresses": ["10.9.9.9"] as Kea 2.2 does (Kea 2.7 requires "ip-addresses")"#),
        "{:?}",
        c.warnings
    );
    assert!(c.warnings[1].contains("subnet 10.0.1.0/24: relay \"ip-address\""));
    assert_eq!(
        c.raw["shared-networks"][0]["relay"],
        serde_json::json!({"ip-addresses": ["10.9.9.9"]})
    );
    assert_eq!(
        c.raw["shared-networks"][0]["subnet4"][1]["relay"],
        serde_json::json!({"ip-addresses": ["10.8.8.8"]})
    );
    let e = err(&format!(
        "{NET}, \"relay\": {{\"ip-address\": \"10.1.1.1\", \"ip-addresses\": [\"10.1.1.2\"]}}}}]"
    ));
    assert!(e.contains("both"), "{e}");
    assert!(
        err(&format!("{NET}, \"relay\": {{\"ip-address\": \"::1\"}}}}]"))
            .contains("invalid IPv4 address '::1' for ip-address")
    );
}

#[test]
fn v4_051_pool_forms() {
    let c = load(&format!(
        r#"{NET}, "pools": [{{"pool": "10.0.0.10-10.0.0.20"}}, {{"pool": " 10.0.0.30 - 10.0.0.40 "}},
            {{"pool": "10.0.0.128/25", "pool-id": 7}}]}}]"#
    ))
    .unwrap();
    let p = &c.subnets[0].pools;
    assert_eq!((p[0].start, p[0].end), (ip("10.0.0.10"), ip("10.0.0.20")));
    assert_eq!((p[1].start, p[1].end), (ip("10.0.0.30"), ip("10.0.0.40")));
    assert_eq!((p[2].start, p[2].end), (ip("10.0.0.128"), ip("10.0.0.255")));
    assert_eq!(p[2].pool_id, 7);
    assert_eq!(p[2].size(), 128);
    assert!(err(&format!(
        r#"{NET}, "pools": [{{"pool": "10.0.0.20-10.0.0.10"}}]}}]"#
    ))
    .contains("invalid pool"));
}

#[test]
fn v4_052_pools_inside_and_disjoint() {
    let e = err(&format!(
        r#"{NET}, "pools": [{{"pool": "10.0.1.10-10.0.1.20"}}]}}]"#
    ));
    assert!(e.contains("not inside subnet id 1 (10.0.0.0/24)"), "{e}");
    let e = err(&format!(
        r#"{NET}, "pools": [{{"pool": "10.0.0.10-10.0.0.20"}}, {{"pool": "10.0.0.20-10.0.0.30"}}]}}]"#
    ));
    assert!(e.contains("overlaps pool 10.0.0.10-10.0.0.20"), "{e}");
    // The same range in two subnets is fine.
    assert!(load(
        r#""subnet4": [{"id": 1, "subnet": "10.0.0.0/24", "pools": [{"pool": "10.0.0.0/24"}]},
                       {"id": 2, "subnet": "10.0.0.0/23", "pools": [{"pool": "10.0.0.0/24"}]}]"#
    )
    .is_ok());
}

#[test]
fn v4_055_allocator_values() {
    for (v, k) in [
        ("iterative", AllocatorKind::Iterative),
        ("random", AllocatorKind::Random),
        ("flq", AllocatorKind::Flq),
    ] {
        let c = load(&format!("\"allocator\": \"{v}\", {NET}}}]")).unwrap();
        assert_eq!(c.subnets[0].allocator, k);
    }
    assert!(err(&format!("{NET}, \"allocator\": \"foo\"}}]")).contains("allocator 'foo'"));
}

#[test]
fn v4_062_lifetime_triplet() {
    // Spec §26 #1: 7200 by default; min and max default to the effective default.
    let c = load(&format!("{NET}}}]")).unwrap();
    assert_eq!(
        c.subnets[0].valid_lifetime,
        Triplet {
            min: 7200,
            default: 7200,
            max: 7200
        }
    );
    let c = load(&format!("\"min-valid-lifetime\": 100, \"max-valid-lifetime\": 9000, {NET}, \"valid-lifetime\": 600}}]")).unwrap();
    let t = c.subnets[0].valid_lifetime;
    assert_eq!(
        t,
        Triplet {
            min: 100,
            default: 600,
            max: 9000
        }
    );
    assert_eq!(
        (t.clamp(None), t.clamp(Some(50)), t.clamp(Some(99999))),
        (600, 100, 9000)
    );
    assert!(err(&format!(
        "\"valid-lifetime\": 100, \"min-valid-lifetime\": 200, {NET}}}]"
    ))
    .contains("less than min-valid-lifetime"));
    assert!(err(&format!(
        "{NET}, \"min-valid-lifetime\": 300, \"max-valid-lifetime\": 200}}]"
    ))
    .contains("greater than max-valid-lifetime"));
}

// V4-063 with V6-081's rule (Kea 2.7.3's parser is the same for both families): a renew-timer above
// the rebind-timer of the same subnet or network is accepted with a warning (globally, silently);
// T1 is then not sent.
#[test]
fn v4_063_renew_after_rebind_warned() {
    let c = load(&format!(
        "\"renew-timer\": 2000, \"rebind-timer\": 1000, {NET}}}]"
    ))
    .unwrap();
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    let c = load(&format!(
        "{NET}, \"renew-timer\": 2000, \"rebind-timer\": 1000}}]"
    ))
    .unwrap();
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(
        c.warnings[0].contains("DHCPSRV_CFGMGR_RENEW_GTR_REBIND in subnet id 1 (10.0.0.0/24)"),
        "{:?}",
        c.warnings
    );
}

#[test]
fn v4_064_tee_percents() {
    let c = load(&format!("{NET}}}]")).unwrap();
    assert_eq!(
        (c.subnets[0].t1_percent, c.subnets[0].t2_percent),
        (0.5, 0.875)
    );
    let e = err(&format!(
        "\"calculate-tee-times\": true, \"t1-percent\": 0.9, \"t2-percent\": 0.5, {NET}}}]"
    ));
    assert!(e.contains("must be less than t2-percent"), "{e}");
    assert!(err(&format!(
        "{NET}, \"calculate-tee-times\": true, \"t1-percent\": 1.5}}]"
    ))
    .contains("t1-percent"));
    // Kea checks them only when it computes the timers.
    assert!(load(&format!(
        "\"t1-percent\": 0.9, \"t2-percent\": 0.5, {NET}}}]"
    ))
    .is_ok());
}

#[test]
fn v4_065_cache_threshold_range() {
    let c = load(&format!(
        "\"cache-threshold\": 0.25, \"cache-max-age\": 60, {NET}}}]"
    ))
    .unwrap();
    assert_eq!(
        (c.subnets[0].cache_threshold, c.subnets[0].cache_max_age),
        (Some(0.25), Some(60))
    );
    assert!(err(&format!("\"cache-threshold\": 1.0, {NET}}}]")).contains("cache-threshold"));
}

#[test]
fn v4_073_server_identifier_placement() {
    let sid = r#""option-data": [{"name": "dhcp-server-identifier", "data": "10.2.5.76"}]"#;
    let c = load(&format!("{NET}, {sid}}}]")).unwrap();
    assert_eq!(
        c.subnets[0].options.get(54).unwrap().data,
        vec![10, 2, 5, 76]
    );
    let e = err(&format!(
        r#"{NET}, "reservations": [{{"hw-address": "01:02:03:04:05:06", {sid}}}]}}]"#
    ));
    assert!(e.contains("host reservation"), "{e}");
    let e = err(&format!(
        r#""client-classes": [{{"name": "c", "only-if-required": true, {sid}}}]"#
    ));
    assert!(e.contains("only-if-required"), "{e}");
    assert!(load(&format!(r#""client-classes": [{{"name": "c", {sid}}}]"#)).is_ok());
}

#[test]
fn v4_074_network_members_agree_on_authoritative() {
    let e = err(
        r#""shared-networks": [{"name": "n", "authoritative": true, "subnet4": [
            {"id": 1, "subnet": "10.0.0.0/24"}, {"id": 2, "subnet": "10.0.1.0/24", "authoritative": false}]}]"#,
    );
    assert!(e.contains("different authoritative"), "{e}");
}

// CTL-083: memfile is the default, with `persist` true, the built-in file name (None here; the
// server fills in `/var/lib/kea/kea-leases4.csv`), `lfc-interval` 3600 and no row-error limit.
#[test]
fn v4_082_lease_database_type_required() {
    assert!(err(r#""lease-database": {"persist": false}"#).contains("'type' is mandatory"));
    let c = load(r#""lease-database": {"type": "memfile", "persist": false, "lfc-interval": 0}"#)
        .unwrap();
    assert_eq!(
        c.lease_database,
        LeaseDatabase::Memfile {
            persist: false,
            name: None,
            lfc_interval: 0,
            max_row_errors: 0
        }
    );
    let c = load("").unwrap();
    assert_eq!(
        c.lease_database,
        LeaseDatabase::Memfile {
            persist: true,
            name: None,
            lfc_interval: 3600,
            max_row_errors: 0
        }
    );
    let c = load(r#""lease-database": {"type": "memfile"}"#).unwrap();
    assert_eq!(
        c.lease_database,
        LeaseDatabase::Memfile {
            persist: true,
            name: None,
            lfc_interval: 3600,
            max_row_errors: 0
        }
    );
}

#[test]
fn v4_086_backend_specific_keys() {
    let e = err(r#""lease-database": {"type": "postgresql", "name": "kea", "read-timeout": 5}"#);
    assert!(e.contains("MySQL-only"), "{e}");
    let e = err(r#""lease-database": {"type": "mysql", "name": "kea", "tcp-user-timeout": 5}"#);
    assert!(e.contains("PostgreSQL-only"), "{e}");
    assert!(err(r#""lease-database": {"type": "mysql"}"#).contains("needs a 'name'"));
    let c = load(r#""lease-database": {"type": "mysql", "name": "kea", "read-timeout": 5, "on-fail": "serve-retry-continue"}"#).unwrap();
    match c.lease_database {
        LeaseDatabase::Mysql(db) => {
            assert_eq!(
                (db.read_timeout, db.on_fail, db.connect_timeout),
                (Some(5), OnFail::ServeRetryContinue, 5)
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(err(r#""hosts-databases": [{"type": "memfile"}]"#).contains("not memfile"));
    // CTL-094: connect-timeout is positive; readonly belongs to host databases.
    let e = err(r#""lease-database": {"type": "postgresql", "name": "kea", "connect-timeout": 0}"#);
    assert!(
        e.contains("'connect-timeout' must be greater than 0"),
        "{e}"
    );
    let e = err(r#""lease-database": {"type": "mysql", "name": "kea", "readonly": true}"#);
    assert!(e.contains("'readonly' applies to hosts databases"), "{e}");
    assert!(
        load(r#""hosts-database": {"type": "mysql", "name": "kea", "readonly": true}"#).is_ok()
    );
}

#[test]
fn v4_088_reservation_identifiers() {
    let c = load(&format!(
        r#"{NET}, "reservations": [
            {{"hw-address": "1a:1b:1c:1d:1e:1f", "ip-address": "10.0.0.5", "hostname": "a"}},
            {{"client-id": "'charter950'"}},
            {{"circuit-id": "0102ff"}},
            {{"duid": "01:02:03", "next-server": "10.0.0.1", "client-classes": ["x"]}},
            {{"flex-id": "'s0mEVaLue'"}}]}}]"#
    ))
    .unwrap();
    let r = &c.subnets[0].reservations;
    assert_eq!(
        (r[0].id_type, r[0].id.clone()),
        (
            HostIdType::HwAddress,
            vec![0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f]
        )
    );
    assert_eq!(r[0].ip_address, Some(ip("10.0.0.5")));
    assert_eq!(
        (r[1].id_type, r[1].id.clone()),
        (HostIdType::ClientId, b"charter950".to_vec())
    );
    assert_eq!(r[2].id, vec![1, 2, 0xff]);
    assert_eq!(
        (r[3].id_type, r[3].next_server),
        (HostIdType::Duid, Some(ip("10.0.0.1")))
    );
    assert_eq!(r[4].id_type, HostIdType::FlexId);
    let e = err(&format!(
        r#"{NET}, "reservations": [{{"hw-address": "01:02", "client-id": "01:02"}}]}}]"#
    ));
    assert!(e.contains("mutually exclusive"), "{e}");
    assert!(err(&format!(
        r#"{NET}, "reservations": [{{"ip-address": "10.0.0.5"}}]}}]"#
    ))
    .contains("needs one identifier"));
    assert!(err(&format!(
        r#"{NET}, "reservations": [{{"duid": "01-02-03"}}]}}]"#
    ))
    .contains("invalid duid"));
}

#[test]
fn v4_089_reservations_inside_subnet_and_unique() {
    let e = err(&format!(
        r#"{NET}, "reservations": [{{"hw-address": "01:02:03:04:05:06", "ip-address": "10.0.1.1"}}]}}]"#
    ));
    assert!(
        e.contains("10.0.1.1 is not within subnet id 1 (10.0.0.0/24)"),
        "{e}"
    );
    let two_macs = format!(
        r#"{NET}, "reservations": [{{"hw-address": "01:02:03:04:05:06"}}, {{"hw-address": "01:02:03:04:05:06"}}]}}]"#
    );
    assert!(err(&two_macs).contains("duplicate reservation for hw-address"));
    let two_ips = r#"[{"hw-address": "01:02:03:04:05:06", "ip-address": "10.0.0.5"},
                      {"hw-address": "01:02:03:04:05:07", "ip-address": "10.0.0.5"}]"#;
    assert!(err(&format!(r#"{NET}, "reservations": {two_ips}}}]"#)).contains("already reserved"));
    assert!(load(&format!(
        r#""ip-reservations-unique": false, {NET}, "reservations": {two_ips}}}]"#
    ))
    .is_ok());
    // Global reservations are not tied to a subnet; identifiers stay unique.
    let c = load(
        r#""reservations": [{"hw-address": "01:02:03:04:05:06", "ip-address": "192.0.1.77"}]"#,
    )
    .unwrap();
    assert_eq!(c.global_reservations[0].ip_address, Some(ip("192.0.1.77")));
}

#[test]
fn v4_099_shared_network_names() {
    assert!(err(r#""shared-networks": [{"name": "a"}, {"name": "a"}]"#)
        .contains("duplicate shared network name 'a'"));
    assert!(err(r#""shared-networks": [{"subnet4": []}]"#).contains("needs a 'name'"));
    let c = load(r#""shared-networks": [{"name": "empty"}]"#).unwrap();
    assert!(c.shared_networks[0].subnets.is_empty());
}

#[test]
fn v4_101_network_members_share_interface() {
    let e = err(r#""shared-networks": [{"name": "n", "subnet4": [
            {"id": 1, "subnet": "10.0.0.0/24", "interface": "eth0"},
            {"id": 2, "subnet": "10.0.1.0/24", "interface": "eth1"}]}]"#);
    assert!(e.contains("different interfaces"), "{e}");
}

#[test]
fn v4_101_members_without_interface_agree_with_any() {
    // Kea 2.2.0 accepts this (checked with kea-dhcp4 -t): unset members are ignored.
    let c = load(
        r#""shared-networks": [{"name": "n", "subnet4": [
            {"id": 1, "subnet": "10.0.0.0/24", "interface": "eth0"},
            {"id": 2, "subnet": "10.0.1.0/24"}]}]"#,
    )
    .unwrap();
    assert_eq!(c.subnets[1].interface, None);
}

#[test]
fn v4_090_empty_host_identifier_list_refused() {
    // Kea's grammar refuses an empty list.
    assert!(err(r#""host-reservation-identifiers": []"#).contains("must not be empty"));
}

#[test]
fn v4_105_option_data_resolution() {
    let c = load(
        r#""option-data": [{"name": "domain-name-servers", "data": "192.0.2.1, 192.0.2.2"},
                                    {"code": 3, "data": "10.0.0.1"},
                                    {"name": "routers"},
                                    {"code": 240, "csv-format": false, "data": "01:02"}]"#,
    )
    .unwrap();
    assert_eq!(
        c.options.get(6).unwrap().data,
        vec![192, 0, 2, 1, 192, 0, 2, 2]
    );
    assert_eq!(c.options.items[1].data, vec![10, 0, 0, 1]);
    assert!(c.options.items[2].data.is_empty());
    assert_eq!(c.options.get(240).unwrap().data, vec![1, 2]);
    assert!(err(r#""option-data": [{"name": "foo", "data": "1"}]"#)
        .contains("'dhcp4.foo' does not exist"));
    assert!(err(r#""option-data": [{"code": 240, "data": "01"}]"#).contains("no definition"));
    assert!(err(r#""option-data": [{"data": "01"}]"#).contains("one of 'code' or 'name'"));
    assert!(
        err(r#""option-data": [{"name": "routers", "code": 4, "data": "1.2.3.4"}]"#)
            .contains("does not match")
    );
    assert!(
        err(r#""option-data": [{"code": 255, "csv-format": false, "data": "01"}]"#).contains("END")
    );
    assert!(err(r#""option-data": [{"name": "default-ip-ttl"}]"#).contains("default-ip-ttl"));
    assert!(
        err(r#""option-data": [{"name": "default-ip-ttl", "data": "256"}]"#)
            .contains("default-ip-ttl")
    );
}

#[test]
fn v4_106_hex_and_text_forms() {
    let c = load(r#""option-data": [{"name": "domain-name-servers", "csv-format": false, "data": "C0 00 03 01 C0 00 03 02"},
                                    {"name": "boot-file-name", "data": "foo\\,bar"}]"#)
    .unwrap();
    assert_eq!(
        c.options.get(6).unwrap().data,
        vec![192, 0, 3, 1, 192, 0, 3, 2]
    );
    assert_eq!(c.options.get(67).unwrap().data, b"foo,bar".to_vec());
}

#[test]
fn v4_107_each_scope_keeps_its_own_options() {
    let c = load(
        r#""option-data": [{"name": "log-servers", "data": "1.1.1.1"}],
        "shared-networks": [{"name": "n", "option-data": [{"name": "log-servers", "data": "2.2.2.2"}],
            "subnet4": [{"id": 1, "subnet": "10.0.0.0/24", "option-data": [{"name": "ntp-servers", "data": "3.3.3.3"}],
                "pools": [{"pool": "10.0.0.1-10.0.0.9", "option-data": [{"name": "log-servers", "data": "4.4.4.4"}]}]}]}]"#,
    )
    .unwrap();
    assert_eq!(c.options.get(7).unwrap().data, vec![1, 1, 1, 1]);
    assert_eq!(
        c.shared_networks[0].options.get(7).unwrap().data,
        vec![2, 2, 2, 2]
    );
    assert!(c.subnets[0].options.get(7).is_none());
    assert_eq!(c.subnets[0].options.get(42).unwrap().data, vec![3, 3, 3, 3]);
    assert_eq!(
        c.subnets[0].pools[0].options.get(7).unwrap().data,
        vec![4, 4, 4, 4]
    );
}

#[test]
fn v4_108_send_flags() {
    let c = load(r#""option-data": [{"name": "ntp-servers", "data": "1.1.1.1", "always-send": true, "never-send": true}]"#).unwrap();
    let o = c.options.get(42).unwrap();
    assert!(o.always_send && o.never_send);
}

#[test]
fn v4_109_standard_options_cannot_be_redefined() {
    let e = err(r#""option-def": [{"name": "foo", "code": 6, "type": "uint32"}]"#);
    assert!(e.contains("Dhcp4/option-def[0]"), "{e}");
}

#[test]
fn v4_116_custom_definitions() {
    let c = load(
        r#""option-def": [{"name": "foo", "code": 222, "type": "uint32"},
                          {"name": "bar", "code": 223, "type": "record", "record-types": "ipv4-address, uint16", "array": true}],
        "option-data": [{"name": "foo", "data": "12345"}, {"name": "bar", "data": "192.0.2.1, 1, 2"}]"#,
    )
    .unwrap();
    assert_eq!(c.options.get(222).unwrap().data, vec![0, 0, 0x30, 0x39]);
    assert_eq!(
        c.options.get(223).unwrap().data,
        vec![192, 0, 2, 1, 0, 1, 0, 2]
    );
    assert!(c.option_defs.by_name("dhcp4", "foo").is_some());
    assert!(err(r#""option-def": [{"name": "foo", "code": 222}]"#).contains("needs a 'type'"));
    assert!(err(r#""option-def": [{"code": 222, "type": "uint8"}]"#).contains("needs a 'name'"));
    assert!(
        err(r#""option-def": [{"name": "foo", "code": 222, "type": "uint7"}]"#).contains("uint7")
    );
}

#[test]
fn v4_118_encapsulated_space_is_appended_to_its_container() {
    let defs = r#""option-def": [{"name": "container", "code": 222, "type": "empty", "encapsulate": "isc"},
                                 {"name": "sub1", "code": 1, "space": "isc", "type": "uint8"},
                                 {"name": "sub2", "code": 2, "space": "isc", "type": "string"}]"#;
    let c = load(&format!(
        r#"{defs}, "option-data": [{{"name": "container"}},
            {{"name": "sub1", "space": "isc", "data": "7"}}, {{"name": "sub2", "space": "isc", "data": "ab"}}]"#
    ))
    .unwrap();
    assert_eq!(
        c.options.get(222).unwrap().data,
        vec![1, 1, 7, 2, 2, b'a', b'b']
    );
    assert_eq!(c.options.get_in("isc", 1).unwrap().data, vec![7]);
    // V4-119 spirit: a sub-option alone produces no container.
    let c = load(&format!(
        r#"{defs}, "option-data": [{{"name": "sub1", "space": "isc", "data": "7"}}]"#
    ))
    .unwrap();
    assert!(c.options.get(222).is_none());
}

#[test]
fn v4_119_option_43_carries_its_sub_options() {
    let c = load(
        r#""option-def": [{"name": "tftp", "code": 2, "space": "vendor-encapsulated-options-space", "type": "ipv4-address"}],
        "option-data": [{"name": "vendor-encapsulated-options"},
                        {"name": "tftp", "space": "vendor-encapsulated-options-space", "data": "10.0.0.1"}]"#,
    )
    .unwrap();
    assert_eq!(c.options.get(43).unwrap().data, vec![2, 4, 10, 0, 0, 1]);
}

#[test]
fn v4_121_class_option_defs_limited() {
    let e = err(
        r#""client-classes": [{"name": "a", "option-def": [{"name": "foo", "code": 100, "type": "uint32"}]}]"#,
    );
    assert!(e.contains("not allowed in a client class"), "{e}");
    let c = load(r#""client-classes": [{"name": "a", "option-def": [{"name": "foo", "code": 224, "type": "uint32"}],
                                        "option-data": [{"name": "foo", "data": "1"}]}]"#)
    .unwrap();
    assert_eq!(
        c.client_classes[0].options.get(224).unwrap().data,
        vec![0, 0, 0, 1]
    );
    assert_eq!(c.client_classes[0].option_defs[0].code, 224);
}

#[test]
fn v4_122_vivso_vendor_block() {
    let c = load(
        r#""option-data": [{"name": "vivso-suboptions", "data": "4491"},
                           {"name": "tftp-servers", "space": "vendor-4491", "data": "10.1.1.202"}]"#,
    )
    .unwrap();
    assert_eq!(
        c.options.get(125).unwrap().data,
        vec![0, 0, 0x11, 0x8b, 6, 2, 4, 10, 1, 1, 202]
    );
}

#[test]
fn v4_127_client_classes() {
    let c = load(
        r#""client-classes": [{"name": "a", "test": "member('ALL')", "next-server": "10.0.0.9",
                                        "valid-lifetime": 300, "offer-lifetime": 60}]"#,
    )
    .unwrap();
    let k = &c.client_classes[0];
    assert_eq!(
        (k.test.as_deref(), k.next_server),
        (Some("member('ALL')"), Some(ip("10.0.0.9")))
    );
    assert_eq!(
        k.valid_lifetime,
        Some(Triplet {
            min: 300,
            default: 300,
            max: 300
        })
    );
    assert_eq!(k.offer_lifetime, Some(60));
    assert!(err(r#""client-classes": [{"name": "a"}, {"name": "a"}]"#).contains("defined twice"));
    assert!(
        err(r#""client-classes": [{"name": "a", "test": "1", "template-test": "2"}]"#)
            .contains("exclusive")
    );
}

#[test]
fn v4_128_test_expressions_compiled_at_load() {
    let c = load(
        r#""client-classes": [
            {"name": "a", "test": "option[60].text == 'x'"},
            {"name": "b", "test": "member('a') and known"},
            {"name": "c", "test": "member('b')"},
            {"name": "d", "template-test": "substring(option[61].hex,0,3)"},
            {"name": "e", "test": "member('EXTERNAL_x') or member('VENDOR_CLASS_y')"}]"#,
    )
    .unwrap();
    let k = &c.client_classes;
    assert!(k.iter().all(|k| k.expression.is_some()));
    // V4-137: KNOWN-dependence is inherited through member().
    let deps: Vec<bool> = k.iter().map(|k| k.depends_on_known).collect();
    assert_eq!(deps, [false, true, true, false, false]);
    assert_eq!(
        k[3].expression.as_ref().unwrap().kind(),
        ruru_eval::Kind::String
    );
    // Forward references, syntax errors, bad regexes and DHCPv6 tokens reject the configuration,
    // naming the class.
    for (body, what) in [
        (
            r#"[{"name": "A", "test": "member('B')"}, {"name": "B"}]"#,
            "client class 'A'",
        ),
        (r#"[{"name": "A", "test": "member('A')"}]"#, "not defined"),
        (
            r#"[{"name": "A", "test": "option[60].hex =="}]"#,
            "position 18",
        ),
        (
            r#"[{"name": "A", "test": "match('(', 'x')"}]"#,
            "regular expression",
        ),
        (
            r#"[{"name": "A", "test": "relay6[0].peeraddr == ::"}]"#,
            "relay6",
        ),
        (
            r#"[{"name": "A", "template-test": "option[1].exists"}]"#,
            "template-test",
        ),
    ] {
        let e = err(&format!(r#""client-classes": {body}"#));
        assert!(
            e.contains(what) && e.contains("client class"),
            "{body}: {e}"
        );
    }
}

#[test]
fn v4_144_replace_client_name_modes() {
    let c = load(&format!(
        "\"ddns-replace-client-name\": \"when-present\", {NET}}}]"
    ))
    .unwrap();
    assert_eq!(
        c.subnets[0].ddns.replace_client_name,
        ReplaceClientName::WhenPresent
    );
    assert!(
        err(&format!("\"ddns-replace-client-name\": true, {NET}}}]"))
            .contains("boolean values are not supported")
    );
}

#[test]
fn v4_151_conflict_resolution_mode_and_legacy_boolean() {
    let c = load(&format!(
        "\"ddns-use-conflict-resolution\": false, {NET}}}]"
    ))
    .unwrap();
    assert_eq!(
        c.subnets[0].ddns.conflict_resolution_mode,
        ConflictResolutionMode::NoCheckWithDhcid
    );
    let c = load(&format!(
        "\"ddns-use-conflict-resolution\": false, {NET}, \"ddns-conflict-resolution-mode\": \"check-exists-with-dhcid\"}}]"
    ))
    .unwrap();
    assert_eq!(
        c.subnets[0].ddns.conflict_resolution_mode,
        ConflictResolutionMode::CheckExistsWithDhcid
    );
    let c = load(&format!("{NET}, \"ddns-ttl-percent\": 0.25}}]")).unwrap();
    assert_eq!(c.subnets[0].ddns.ttl_percent, Some(0.25));
}

#[test]
fn v4_152_dhcp_ddns_link() {
    let c = load(r#""dhcp-ddns": {"enable-updates": true, "server-ip": "::1", "sender-ip": ""}"#)
        .unwrap();
    assert!(c.dhcp_ddns.enable_updates);
    assert_eq!(
        c.dhcp_ddns.server_ip,
        "::1".parse::<std::net::IpAddr>().unwrap()
    );
    assert_eq!(
        (c.dhcp_ddns.sender_ip, c.dhcp_ddns.server_port),
        (None, 53001)
    );
    assert!(err(r#""dhcp-ddns": {"ncr-protocol": "TCP"}"#).contains("only UDP"));
}

#[test]
fn v4_152_kea_2_2_ddns_keys_in_dhcp_ddns_move_to_global() {
    // Kea 2.2.0 moves these keys to their global form unless that is set,
    // which then wins (checked with config-get); 2.7.3 has only the global form.
    let c = load(
        r#""ddns-generated-prefix": "global",
        "dhcp-ddns": {"generated-prefix": "old", "qualifying-suffix": "example.org.",
            "override-no-update": true, "override-client-update": true,
            "replace-client-name": "always", "hostname-char-set": "[^a-z]",
            "hostname-char-replacement": "y"},
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/24"}]"#,
    )
    .unwrap();
    let d = &c.subnets[0].ddns;
    assert_eq!(d.generated_prefix, "global");
    assert_eq!(d.qualifying_suffix, "example.org.");
    assert!(d.override_no_update && d.override_client_update);
    assert_eq!(d.replace_client_name, ReplaceClientName::Always);
    assert_eq!(
        (
            d.hostname_char_set.as_str(),
            d.hostname_char_replacement.as_str()
        ),
        ("[^a-z]", "y")
    );
    assert_eq!(c.warnings.len(), 7, "{:?}", c.warnings);
    assert!(c.warnings[0].contains(
        r#"Dhcp4/dhcp-ddns/generated-prefix: "generated-prefix" here is Kea 2.2's form; ignored"#
    ));
    assert!(
        c.warnings[1].contains(r#"used as the global "ddns-qualifying-suffix" as Kea 2.2 does"#)
    );
    // config-get shows them where Kea 2.2's does.
    assert_eq!(c.raw["ddns-qualifying-suffix"], "example.org.");
    assert_eq!(c.raw["ddns-generated-prefix"], "global");
    assert_eq!(c.raw["hostname-char-set"], "[^a-z]");
    assert_eq!(c.raw["dhcp-ddns"], serde_json::json!({}));
    // A boolean replace-client-name is refused as at the global level (V4-144).
    assert!(err(r#""dhcp-ddns": {"replace-client-name": true}"#).contains("boolean"));
}

#[test]
fn v4_105_v4_122_kea_2_2_option_names_and_docsis3_space() {
    // Option 85 is `nds-servers` in Kea 2.2, `nds-server` in 2.7.3.
    let c = load(
        r#""option-data": [{"name": "nds-servers", "data": "192.0.2.61"},
            {"code": 85, "name": "nds-servers", "data": "192.0.2.62"}]"#,
    )
    .unwrap();
    assert_eq!(c.options.items[0].code, 85);
    assert_eq!(c.options.items[1].data, [192, 0, 2, 62]);
    assert_eq!(c.warnings.len(), 2);
    assert!(
        c.warnings[0].contains(r#"option "nds-servers" is Kea 2.2's name; read as "nds-server""#)
    );
    // Kea 2.2's `docsis3-v4` space shares vendor-4491's definitions but is
    // never sent from (Kea 2.2.0 checked on the wire): kept in its own space.
    let c = load(&format!(
        r#"{NET}, "option-data": [{{"name": "tftp-servers", "space": "docsis3-v4", "data": "10.0.0.9"}},
            {{"code": 1, "space": "docsis3-v4", "data": "2"}}]}}]"#
    ))
    .unwrap();
    let o = &c.subnets[0].options.items;
    assert_eq!((o[0].space.as_str(), o[0].code), ("docsis3-v4", 2));
    assert_eq!(o[0].data, [10, 0, 0, 9]);
    assert_eq!(
        (o[1].space.as_str(), o[1].data.as_slice()),
        ("docsis3-v4", &[2][..])
    );
    assert_eq!(c.warnings.len(), 2);
    assert!(c.warnings[0].contains("never sends"), "{:?}", c.warnings);
    assert!(err(&format!(
        r#"{NET}, "option-data": [{{"name": "no-such", "space": "docsis3-v4", "data": "1"}}]}}]"#
    ))
    .contains("does not exist"));
}

#[test]
fn defaults_follow_spec_section_25() {
    let c = load(&format!("{NET}}}]")).unwrap();
    let s = &c.subnets[0];
    assert!(s.match_client_id && !s.authoritative && !s.calculate_tee_times);
    assert!(s.reservations_in_subnet && !s.reservations_global && !s.reservations_out_of_pool);
    assert_eq!(
        (s.next_server, s.offer_lifetime, s.allocator),
        (Ipv4Addr::UNSPECIFIED, 0, AllocatorKind::Iterative)
    );
    assert_eq!(s.ddns.hostname_char_set, "[^A-Za-z0-9.-]");
    assert_eq!(s.ddns.generated_prefix, "myhost");
    assert!(s.ddns.send_updates);
    assert_eq!(
        (c.decline_probation_period, c.parked_packet_limit),
        (86400, 256)
    );
    assert!(c.echo_client_id && c.ip_reservations_unique && !c.stash_agent_options);
    assert_eq!(
        c.host_reservation_identifiers,
        vec![
            HostIdType::HwAddress,
            HostIdType::Duid,
            HostIdType::CircuitId,
            HostIdType::ClientId
        ]
    );
    assert_eq!(
        c.expired_leases,
        ExpiredLeasesProcessing {
            reclaim_timer_wait_time: 10,
            flush_reclaimed_timer_wait_time: 25,
            hold_reclaimed_time: 3600,
            max_reclaim_leases: 100,
            max_reclaim_time: 250,
            unwarned_reclaim_cycles: 5
        }
    );
    assert_eq!(
        c.multi_threading,
        MultiThreading {
            enable: true,
            thread_pool_size: 0,
            packet_queue_size: 64
        }
    );
    assert_eq!(
        (
            c.statistic_default_sample_count,
            c.statistic_default_sample_age
        ),
        (20, 0)
    );
    assert_eq!(c.interfaces.socket_type, SocketType::Raw);
    assert_eq!(c.interfaces.service_sockets_retry_wait_time_ms, 5000);
    assert_eq!(
        c.sanity_checks,
        SanityChecks {
            lease_checks: LeaseChecks::Warn,
            extended_info_checks: ExtendedInfoChecks::Fix
        }
    );
    assert_eq!(c.compatibility, Compatibility::default());
}

#[test]
fn interfaces_and_sockets() {
    // V4-009
    let c = load(r#""interfaces-config": {"interfaces": ["*", "eth0", "eth1/10.0.0.1"], "dhcp-socket-type": "udp",
                    "outbound-interface": "use-routing"}"#)
    .unwrap();
    assert_eq!(
        c.interfaces.interfaces,
        vec![
            InterfaceSpec::All,
            InterfaceSpec::Name("eth0".into()),
            InterfaceSpec::Address("eth1".into(), ip("10.0.0.1"))
        ]
    );
    assert_eq!(
        (c.interfaces.socket_type, c.interfaces.outbound),
        (SocketType::Udp, OutboundInterface::UseRouting)
    );
    assert!(err(r#""interfaces-config": {"interfaces": ["eth1/x"]}"#)
        .contains("invalid interface address"));
}

#[test]
fn control_sockets_are_typed() {
    // V4-008
    let c = load(
        r#""control-socket": {"socket-type": "unix", "socket-name": "/run/kea.sock"},
        "control-sockets": [{"socket-type": "https", "socket-port": 8004, "trust-anchor": "ca", "cert-file": "c", "key-file": "k",
            "authentication": {"type": "basic", "clients": [{"user": "admin", "password": "1234"}]}}]"#,
    )
    .unwrap();
    assert!(
        matches!(&c.control_sockets[0], ControlSocket::Unix { path, .. } if path.to_str() == Some("/run/kea.sock"))
    );
    let ControlSocket::Http(h) = &c.control_sockets[1] else {
        panic!()
    };
    assert!(h.https && h.tls.as_ref().unwrap().cert_required);
    assert_eq!(
        (h.port, h.auth.as_ref().unwrap().realm.as_str()),
        (8004, "kea-dhcpv4-server")
    );
    assert!(err(r#""control-sockets": [{"socket-type": "unix"}]"#).contains("socket-name"));
    assert!(err(r#""control-sockets": [{"socket-type": "http", "authentication": {"type": "basic", "clients": [{"user": "a:b"}]}}]"#).contains("':'"));
}

/// CTL-027: the three TLS files all or none (an empty string counts as absent), with Kea's texts;
/// `https` needs them. CTL-028: `http` with all three is TLS, the socket type kept as written.
#[test]
fn ctl027_ctl028_tls_keys_all_or_none_and_http_with_tls() {
    let socket = |keys: &str| format!(r#""control-sockets": [{{"socket-type": {keys}}}]"#);
    for (keys, wanted) in [
        (r#""https""#, "no TLS setup for a HTTPS control socket"),
        (
            r#""https", "cert-file": "c", "key-file": "k""#,
            "trust-anchor parameter is missing or empty: all or none of TLS parameters must be set",
        ),
        (
            r#""http", "trust-anchor": "ca", "key-file": "k""#,
            "cert-file parameter is missing or empty",
        ),
        (
            r#""http", "trust-anchor": "ca", "cert-file": "c", "key-file": """#,
            "key-file parameter is missing or empty",
        ),
    ] {
        let e = err(&socket(keys));
        assert!(e.contains(wanted), "{keys}: {e}");
    }
    let c = load(&socket(
        r#""http", "trust-anchor": "ca", "cert-file": "c", "key-file": "k", "cert-required": false"#,
    ))
    .unwrap();
    let ControlSocket::Http(h) = &c.control_sockets[0] else {
        panic!("an http socket")
    };
    let tls = h.tls.as_ref().expect("TLS on an http socket");
    assert!(!h.https && !tls.cert_required);
    assert_eq!(tls.trust_anchor.to_str(), Some("ca"));
    let plain = load(&socket(r#""http", "trust-anchor": "", "cert-file": """#)).unwrap();
    assert!(matches!(&plain.control_sockets[0], ControlSocket::Http(h) if h.tls.is_none()));
}

#[test]
fn loggers_are_typed() {
    let c = load(
        r#""loggers": [{"name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": 55,
                                "output_options": [{"output": "stdout", "pattern": ""}]}]"#,
    )
    .unwrap();
    let l = &c.loggers[0];
    assert_eq!(
        (l.severity, l.debuglevel),
        (Some(Severity::Debug), Some(55))
    );
    assert_eq!(
        l.outputs[0],
        LogOutput {
            output: "stdout".into(),
            flush: true,
            maxsize: 10_240_000,
            maxver: 1,
            pattern: None
        }
    );
    assert!(err(r#""loggers": [{"name": "x", "severity": "LOUD"}]"#).contains("severity"));
    assert!(err(r#""loggers": [{"name": "x", "debuglevel": 100}]"#).contains("debuglevel"));
}

// CTL-099 (both spellings of the outputs key), CTL-100 (any logger name, known or not, is accepted)
// and CTL-101 (what an entry leaves out stays unset, to be inherited).
#[test]
fn ctl_099_ctl_100_logger_names_and_outputs_key_spellings() {
    let c = load(
        r#""loggers": [{"name": "kea-dhcp4", "output-options": [{"output": "stderr"}]},
                       {"name": "kea-dhcp4.bad-packets", "output_options": [{"output": "/tmp/x.log"}]},
                       {"name": "kea-dhcp4.alloc-engine"}, {"name": "kea-dhcp4.packet-capture-hooks"},
                       {"name": "kea-dhcp-ddns.d2-to-dns"}, {"name": "not-a-kea-logger"}]"#,
    )
    .unwrap();
    assert_eq!(c.loggers.len(), 6);
    assert_eq!(c.loggers[0].outputs[0].output, "stderr");
    assert_eq!(c.loggers[1].outputs[0].output, "/tmp/x.log");
    assert_eq!(
        (c.loggers[2].severity, c.loggers[2].debuglevel),
        (None, None)
    );
    assert!(c.loggers[2].outputs.is_empty());
}

#[test]
fn validation_errors_carry_file_positions() {
    let e = parse_dhcp4_str(
        "{\"Dhcp4\": {\n  \"subnet4\": [\n    {\"id\": 1, \"subnet\": \"10.0.0.0/24\",\n     \"pools\": [ {\"pool\": \"10.0.9.1-10.0.9.2\"} ]}]}}",
        "p.json",
    )
    .unwrap_err();
    match e {
        ConfigError::Invalid {
            path,
            location: Some(loc),
            ..
        } => {
            assert_eq!(path, "Dhcp4/subnet4[0]/pools[0]");
            assert_eq!((loc.file.as_str(), loc.line, loc.col), ("p.json", 4, 17));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn trailing_commas_become_warnings() {
    let c = parse_dhcp4_str("{\"Dhcp4\": {\"valid-lifetime\": 600,},}", "w.json").unwrap();
    assert_eq!(c.warnings.len(), 2);
}

#[test]
fn queue_control_keys_are_typed() {
    assert!(load(r#""dhcp-queue-control": {"enable-queue": true, "queue-type": "kea-ring4", "capacity": 64, "x": 1}"#).is_ok());
    assert!(err(r#""dhcp-queue-control": {"capacity": "big"}"#).contains("capacity"));
}

// V4-146: `hostname-char-set` must be a valid regular expression; an invalid one rejects the config.
#[test]
fn v4_146_invalid_hostname_char_set_rejected() {
    let err = load(r#""hostname-char-set": "[^a-z""#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("hostname-char-set"), "{err}");
    assert!(load(r#""hostname-char-set": "[^a-z0-9-]""#).is_ok());
}

// HK-001, HK-003: entries load in order, each with its parameters as any nested JSON map.
#[test]
fn hk001_hk003_hooks_libraries_in_order_with_nested_parameters() {
    let params = r#"{"mail": "a@b", "floor": 13, "debug": false,
                      "users": ["alice", "bob"], "languages": {"french": "bonjour"}}"#;
    let c = load(&format!(
        r#""hooks-libraries": [{{"library": "/a.so", "parameters": {params}}}, {{"library": "/b.so"}}]"#
    ))
    .unwrap();
    let libs: Vec<_> = c
        .hooks_libraries
        .iter()
        .map(|h| h.library.clone())
        .collect();
    assert_eq!(libs, [std::path::PathBuf::from("/a.so"), "/b.so".into()]);
    let want: serde_json::Value = serde_json::from_str(params).unwrap();
    assert_eq!(c.hooks_libraries[0].parameters.as_ref(), Some(&want));
    assert_eq!(c.hooks_libraries[1].parameters, None);
}

// HK-002: `library` is required, a string, and not blank once blanks and quotes are trimmed.
#[test]
fn hk002_library_required_string_not_blank() {
    for bad in [
        r#""hooks-libraries": [{"parameters": {}}]"#,
        r#""hooks-libraries": [{"library": "  "}]"#,
        r#""hooks-libraries": [{"library": " \"\" "}]"#,
    ] {
        assert!(err(bad).contains("library"), "{bad}");
    }
    assert!(load(r#""hooks-libraries": [{"library": 5}]"#).is_err());
    let c = load(r#""hooks-libraries": [{"library": " \"/x.so\" "}]"#).unwrap();
    assert_eq!(
        c.hooks_libraries[0].library,
        std::path::PathBuf::from("/x.so")
    );
}

// HK-005: another key in an entry, or an entry that is not a map, is refused naming what is wrong.
#[test]
fn hk005_unknown_key_or_non_map_entry_refused() {
    let e = load(r#""hooks-libraries": [{"library": "/x.so", "foo": 1}]"#).unwrap_err();
    assert!(e.to_string().contains("foo"), "{e}");
    assert!(load(r#""hooks-libraries": ["/x.so"]"#).is_err());
}

// HK-006: an empty list is the same as none.
#[test]
fn hk006_empty_list_loads_nothing() {
    assert!(load(r#""hooks-libraries": []"#)
        .unwrap()
        .hooks_libraries
        .is_empty());
}

// HK-079: a nested user context is kept verbatim (the model and config-get's raw map); HK-080: one
// that is not a map is refused.
#[test]
fn hk079_hk080_user_context_kept_verbatim_and_must_be_a_map() {
    let ctx = r#"{"limits": {"address-limit": 4}, "tags": ["a", {"b": null}], "n": 1.5}"#;
    let c = load(&format!(
        r#""subnet4": [{{"id": 1, "subnet": "10.0.0.0/24", "user-context": {ctx},
            "pools": [{{"pool": "10.0.0.5-10.0.0.9", "user-context": {ctx}}}]}}]"#
    ))
    .unwrap();
    let want: serde_json::Value = serde_json::from_str(ctx).unwrap();
    let s = &c.subnets[0];
    assert_eq!(
        serde_json::Value::Object(s.user_context.clone().unwrap()),
        want
    );
    assert_eq!(
        serde_json::Value::Object(s.pools[0].user_context.clone().unwrap()),
        want
    );
    assert_eq!(c.raw["subnet4"][0]["user-context"], want);
    assert!(load(r#""subnet4": [{"id": 1, "subnet": "10.0.0.0/24", "user-context": 5}]"#).is_err());
    assert!(load(r#""user-context": "x""#).is_err());
}
