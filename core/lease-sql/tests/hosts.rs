//! Host reservations read from Kea 2.2's host tables in a schema Kea's own `kea-admin` created,
//! filled with the plain INSERTs an operator following Kea's documentation writes (CTL-094,
//! CTL-095, V4-088, V6-108).

mod support;

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, Mutex};

use ruru_config::{
    parse_dhcp4_value, parse_dhcp6_value, Dhcp4Config, Dhcp6Config, HostIdType, SqlKind,
};
use ruru_host::{HostSource4, HostSource6};
use ruru_lease_sql::{schema, Db, SqlError, SqlHosts4, SqlHosts6};
use serde_json::json;
use support::{fresh, kea_initialised, query, KINDS};

/// What an operator's script writes for the values Kea stores encoded, per backend.
struct Script(SqlKind);

impl Script {
    /// Bytes written as colon-separated hex.
    fn bytes(&self, hex: &str) -> String {
        match self.0 {
            SqlKind::Postgresql => format!("DECODE(REPLACE('{hex}', ':', ''), 'hex')"),
            SqlKind::Mysql => format!("UNHEX(REPLACE('{hex}', ':', ''))"),
        }
    }

    /// An IPv4 address as the integer Kea stores.
    fn inet(&self, addr: &str) -> String {
        match self.0 {
            SqlKind::Postgresql => format!("('{addr}'::inet - '0.0.0.0'::inet)"),
            SqlKind::Mysql => format!("INET_ATON('{addr}')"),
        }
    }

    /// Runs `insert_host` then `children` (statements naming the new host `HOST_ID`) in one
    /// session, the way Kea's documentation chains them.
    fn host(&self, db: &str, insert_host: String, children: &[String]) {
        let (remember, id) = match self.0 {
            SqlKind::Postgresql => ("", "currval('hosts_host_id_seq')"),
            SqlKind::Mysql => ("SET @host_id = LAST_INSERT_ID();", "@host_id"),
        };
        let mut script = format!("{insert_host}; {remember}");
        for c in children {
            script.push_str(&c.replace("HOST_ID", id));
            script.push(';');
        }
        query(self.0, db, &script);
    }

    /// A `hosts` row of `columns` and `values`.
    fn hosts(columns: &str, values: &[String]) -> String {
        format!(
            "INSERT INTO hosts ({columns}) VALUES ({})",
            values.join(", ")
        )
    }

    /// Option row `o` of a host in `table` (scope 3, host).
    fn option(&self, table: &str, o: Opt) -> String {
        let text = |t: Option<&str>| t.map_or("NULL".to_owned(), |t| format!("'{t}'"));
        format!(
            "INSERT INTO {table} (code, formatted_value, value, space, persistent, user_context, \
             host_id, scope_id) VALUES ({}, {}, {}, {}, {}, {}, HOST_ID, \
             (SELECT scope_id FROM dhcp_option_scope WHERE scope_name = 'host'))",
            o.code,
            text(o.formatted),
            o.value.map_or("NULL".to_owned(), |v| self.bytes(v)),
            text(o.space),
            o.persistent,
            text(o.context),
        )
    }

    /// An `ipv6_reservations` row of type 0 (address) or 2 (prefix).
    fn reservation(address: &str, len: u8, kind: u8) -> String {
        format!(
            "INSERT INTO ipv6_reservations (address, prefix_len, type, dhcp6_iaid, host_id) \
             VALUES ('{address}', {len}, {kind}, 1, HOST_ID)"
        )
    }
}

/// What is logged on the test's thread until the guard drops: warnings, with targets.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        tracing::subscriber::set_default(
            tracing_subscriber::fmt()
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .with_max_level(tracing::Level::WARN)
                .finish(),
        )
    }

    /// The lines logged so far that contain every one of `words`.
    fn lines_with(&self, words: &[&str]) -> usize {
        let text = String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned();
        text.lines()
            .filter(|l| words.iter().all(|w| l.contains(w)))
            .count()
    }
}

/// A host option row: CSV text in `formatted` or a binary `value` (colon-separated hex).
#[derive(Default)]
struct Opt<'a> {
    code: u16,
    formatted: Option<&'a str>,
    value: Option<&'a str>,
    space: Option<&'a str>,
    persistent: bool,
    context: Option<&'a str>,
}

fn id_type(name: &str) -> String {
    format!("(SELECT type FROM host_identifier_type WHERE name = '{name}')")
}

fn config4() -> Arc<Dhcp4Config> {
    Arc::new(
        parse_dhcp4_value(&json!({"Dhcp4": {
            "option-def": [{"name": "site-x", "code": 224, "type": "uint16"}],
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24"},
                        {"id": 2, "subnet": "198.51.100.0/24"}]
        }}))
        .unwrap(),
    )
}

fn config6() -> Arc<Dhcp6Config> {
    Arc::new(
        parse_dhcp6_value(&json!({"Dhcp6": {
            "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64"},
                        {"id": 2, "subnet": "2001:db8:2::/64"}]
        }}))
        .unwrap(),
    )
}

const HW_A: [u8; 6] = [0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f];

/// The DHCPv4 hosts of the tests (and two DHCPv6-only ones the DHCPv4 lookups must not see).
fn fill4(kind: SqlKind, db: &str) {
    let s = Script(kind);
    let cols = "dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, ipv4_address, hostname";
    let o4 = |o| s.option("dhcp4_options", o);
    // Every column and every kind of option row.
    s.host(
        db,
        Script::hosts(
            "dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, ipv4_address, hostname, \
             dhcp4_client_classes, dhcp4_next_server, dhcp4_server_hostname, \
             dhcp4_boot_file_name, user_context",
            &[
                s.bytes("1a:1b:1c:1d:1e:1f"),
                id_type("hw-address"),
                "1".into(),
                s.inet("192.0.2.10"),
                "'host-a.example.org'".into(),
                "'gold, silver'".into(),
                s.inet("192.0.2.2"),
                "'tftp.example.org'".into(),
                "'pxelinux.0'".into(),
                r#"'{"rack": 7}'"#.into(),
            ],
        ),
        &[
            o4(Opt {
                code: 6,
                formatted: Some("192.0.2.53, 192.0.2.54"),
                space: Some("dhcp4"),
                persistent: true,
                ..Opt::default()
            }),
            o4(Opt {
                code: 224,
                formatted: Some("515"),
                space: Some("dhcp4"),
                ..Opt::default()
            }),
            o4(Opt {
                code: 225,
                value: Some("de:ad:be:ef"),
                context: Some(r#"{"note": "binary"}"#),
                ..Opt::default()
            }),
            o4(Opt {
                code: 226,
                formatted: Some(""),
                value: Some(""),
                space: Some("dhcp4"),
                ..Opt::default()
            }),
        ],
    );
    // Same identifier in another subnet.
    s.host(
        db,
        Script::hosts(
            cols,
            &[
                s.bytes("1a:1b:1c:1d:1e:1f"),
                id_type("hw-address"),
                "2".into(),
                s.inet("198.51.100.7"),
                "NULL".into(),
            ],
        ),
        &[],
    );
    // No address, nothing else.
    s.host(
        db,
        Script::hosts(
            cols,
            &[
                s.bytes("01:0a:0b:0c"),
                id_type("client-id"),
                "1".into(),
                "NULL".into(),
                "'host-b'".into(),
            ],
        ),
        &[],
    );
    // Zero address and next server: none.
    s.host(
        db,
        Script::hosts(
            "dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, ipv4_address, \
             dhcp4_next_server",
            &[
                s.bytes("c1:c2"),
                id_type("circuit-id"),
                "1".into(),
                "0".into(),
                "0".into(),
            ],
        ),
        &[],
    );
    // Global (subnet 0), any address.
    s.host(
        db,
        Script::hosts(
            cols,
            &[
                s.bytes("73:70:65:63:69:61:6c"),
                id_type("flex-id"),
                "0".into(),
                s.inet("203.0.113.5"),
                "'global-host'".into(),
            ],
        ),
        &[],
    );
    // Broken option data: skipped; the valid host reserving the same address still answers.
    s.host(
        db,
        Script::hosts(
            cols,
            &[
                s.bytes("2a:2a:2a:2a:2a:2a"),
                id_type("hw-address"),
                "1".into(),
                s.inet("192.0.2.20"),
                "NULL".into(),
            ],
        ),
        &[o4(Opt {
            code: 6,
            formatted: Some("not-an-address"),
            space: Some("dhcp4"),
            ..Opt::default()
        })],
    );
    s.host(
        db,
        Script::hosts(
            cols,
            &[
                s.bytes("00:01:02"),
                id_type("duid"),
                "1".into(),
                s.inet("192.0.2.20"),
                "'host-e'".into(),
            ],
        ),
        &[],
    );
    // A user context that is not JSON, an address outside the subnet: skipped.
    s.host(
        db,
        Script::hosts(
            "dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, user_context",
            &[
                s.bytes("4a:4a:4a:4a:4a:4a"),
                id_type("hw-address"),
                "1".into(),
                "'not json'".into(),
            ],
        ),
        &[],
    );
    s.host(
        db,
        Script::hosts(
            cols,
            &[
                s.bytes("5a:5a:5a:5a:5a:5a"),
                id_type("hw-address"),
                "1".into(),
                s.inet("10.0.0.1"),
                "NULL".into(),
            ],
        ),
        &[],
    );
}

// V4-088, CTL-094: every column of a host row and its option rows read as the reservation a
// configuration file would hold: CSV `formatted_value` decoded by the running configuration's
// definitions, binary `value` taken as the payload, `persistent` as always-send, an absent space
// as dhcp4, classes split at commas.
#[tokio::test]
async fn v4_host_rows_read_as_reservations() {
    for kind in KINDS {
        let db = kea_initialised(kind, "hosts4");
        fill4(kind, &db.name);
        let config = config4();
        let hosts = SqlHosts4::open(&db, config.clone()).await.expect("opens");

        let a = hosts
            .get4(1, HostIdType::HwAddress, &HW_A)
            .await
            .unwrap()
            .expect("host A");
        assert_eq!(a.id_type, HostIdType::HwAddress);
        assert_eq!(a.id, HW_A);
        assert_eq!(a.ip_address, Some(Ipv4Addr::new(192, 0, 2, 10)));
        assert_eq!(a.hostname.as_deref(), Some("host-a.example.org"));
        assert_eq!(a.client_classes, ["gold", "silver"]);
        assert_eq!(a.next_server, Some(Ipv4Addr::new(192, 0, 2, 2)));
        assert_eq!(a.server_hostname.as_deref(), Some("tftp.example.org"));
        assert_eq!(a.boot_file_name.as_deref(), Some("pxelinux.0"));
        assert_eq!(a.user_context, json!({"rack": 7}).as_object().cloned());
        let o = &a.options.items;
        assert_eq!(o.len(), 4, "{kind:?}: {o:?}");
        assert_eq!((o[0].code, o[0].space.as_str()), (6, "dhcp4"));
        assert_eq!(o[0].data, [192, 0, 2, 53, 192, 0, 2, 54]);
        assert!(o[0].always_send);
        assert_eq!((o[1].code, o[1].data.as_slice()), (224, &[2, 3][..]));
        assert!(!o[1].always_send);
        assert_eq!((o[2].code, o[2].space.as_str()), (225, "dhcp4"));
        assert_eq!(o[2].data, [0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(
            o[2].user_context,
            json!({"note": "binary"}).as_object().cloned()
        );
        assert_eq!((o[3].code, o[3].data.len()), (226, 0));
        // The same reservation written in a configuration file.
        let configured = config
            .reservation_from_json(
                1,
                &json!({
                    "hw-address": "1a:1b:1c:1d:1e:1f", "ip-address": "192.0.2.10",
                    "hostname": "host-a.example.org", "client-classes": ["gold", "silver"],
                    "next-server": "192.0.2.2", "server-hostname": "tftp.example.org",
                    "boot-file-name": "pxelinux.0", "user-context": {"rack": 7},
                    "option-data": [
                        {"name": "domain-name-servers", "data": "192.0.2.53, 192.0.2.54",
                         "always-send": true},
                        {"name": "site-x", "data": "515"},
                        {"code": 225, "csv-format": false, "data": "DEADBEEF",
                         "user-context": {"note": "binary"}},
                        {"code": 226, "csv-format": false, "data": ""}]
                }),
            )
            .unwrap();
        assert_eq!(a, configured, "{kind:?}");

        // The subnet is part of the key.
        let other = hosts
            .get4(2, HostIdType::HwAddress, &HW_A)
            .await
            .unwrap()
            .expect("subnet 2's host");
        assert_eq!(other.ip_address, Some(Ipv4Addr::new(198, 51, 100, 7)));
        assert!(other.options.is_empty() && other.hostname.is_none());

        let b = hosts
            .get4(1, HostIdType::ClientId, &[1, 0xa, 0xb, 0xc])
            .await
            .unwrap()
            .expect("host B");
        assert_eq!(b.ip_address, None);
        assert_eq!(b.hostname.as_deref(), Some("host-b"));
        assert!(b.client_classes.is_empty() && b.options.is_empty() && b.next_server.is_none());

        let d = hosts
            .get4(1, HostIdType::CircuitId, &[0xc1, 0xc2])
            .await
            .unwrap()
            .expect("circuit-id host");
        assert_eq!((d.ip_address, d.next_server), (None, None));

        // Global reservations live in subnet 0 only.
        let g = hosts
            .get4(0, HostIdType::FlexId, b"special")
            .await
            .unwrap()
            .expect("global host");
        assert_eq!(g.ip_address, Some(Ipv4Addr::new(203, 0, 113, 5)));
        assert!(hosts
            .get4(1, HostIdType::FlexId, b"special")
            .await
            .unwrap()
            .is_none());

        assert_eq!(
            hosts
                .get4_by_address(1, Ipv4Addr::new(192, 0, 2, 10))
                .await
                .unwrap(),
            [a]
        );
        assert_eq!(
            hosts
                .get4_by_address(0, Ipv4Addr::new(203, 0, 113, 5))
                .await
                .unwrap(),
            [g]
        );
    }
}

// V4-088: unknown identifiers and addresses find nothing; hosts whose rows are not a valid
// reservation (bad option data, a user context that is not JSON, an address outside the subnet)
// are skipped and the others still answer; DHCPv6-only hosts are not DHCPv4 reservations.
#[tokio::test]
async fn v4_unknown_and_invalid_hosts() {
    for kind in KINDS {
        let db = kea_initialised(kind, "hosts4bad");
        fill4(kind, &db.name);
        fill6(kind, &db.name);
        let hosts = SqlHosts4::open(&db, config4()).await.expect("opens");
        let log = Log::default();
        let _guard = log.install();
        for (id_type, id) in [
            (HostIdType::HwAddress, &[9u8, 9, 9, 9, 9, 9][..]),
            (HostIdType::HwAddress, &[0x2a; 6]),
            (HostIdType::HwAddress, &[0x4a; 6]),
            (HostIdType::HwAddress, &[0x5a; 6]),
            // The DHCPv6 hosts: no dhcp4_subnet_id.
            (HostIdType::Duid, &[1, 2, 3, 4]),
            (HostIdType::HwAddress, &[0xa, 0xb, 0xc, 0xd, 0xe, 0xf]),
        ] {
            for subnet in [0, 1] {
                assert_eq!(
                    hosts.get4(subnet, id_type, id).await.unwrap(),
                    None,
                    "{kind:?} {id_type:?} {id:?}"
                );
            }
        }
        let shared = hosts
            .get4_by_address(1, Ipv4Addr::new(192, 0, 2, 20))
            .await
            .unwrap();
        assert_eq!(shared.len(), 1, "{kind:?}: {shared:?}");
        assert_eq!(shared[0].hostname.as_deref(), Some("host-e"));
        for (subnet, addr) in [
            (1, [192, 0, 2, 99]),
            (2, [192, 0, 2, 10]),
            (1, [10, 0, 0, 1]),
        ] {
            assert!(hosts
                .get4_by_address(subnet, Ipv4Addr::from(addr))
                .await
                .unwrap()
                .is_empty());
        }
        for why in ["not-an-address", "not a JSON map", "not within subnet"] {
            assert!(
                log.lines_with(&["WARN", "kea-dhcp4.hosts", why]) > 0,
                "{kind:?}: {why}"
            );
        }
    }
}

const DUID_A: [u8; 4] = [1, 2, 3, 4];

/// The DHCPv6 hosts of the tests.
fn fill6(kind: SqlKind, db: &str) {
    let s = Script(kind);
    let cols = "dhcp_identifier, dhcp_identifier_type, dhcp6_subnet_id, hostname";
    let o6 = |o| s.option("dhcp6_options", o);
    let duid = |hex: &str, name: &str| {
        Script::hosts(
            cols,
            &[
                s.bytes(hex),
                id_type("duid"),
                "1".into(),
                format!("'{name}'"),
            ],
        )
    };
    // Two addresses and a prefix with two options: the join yields six rows for this host.
    s.host(
        db,
        Script::hosts(
            "dhcp_identifier, dhcp_identifier_type, dhcp6_subnet_id, hostname, \
             dhcp4_client_classes, dhcp6_client_classes, user_context",
            &[
                s.bytes("01:02:03:04"),
                id_type("duid"),
                "1".into(),
                "'six-a'".into(),
                "'not-these'".into(),
                "'blue,green'".into(),
                r#"'{"site": "lab"}'"#.into(),
            ],
        ),
        &[
            Script::reservation("2001:db8:1::100", 128, 0),
            Script::reservation("2001:db8:1::101", 128, 0),
            Script::reservation("2001:db8:100::", 56, 2),
            o6(Opt {
                code: 23,
                formatted: Some("2001:db8::53"),
                space: Some("dhcp6"),
                persistent: true,
                ..Opt::default()
            }),
            o6(Opt {
                code: 65000,
                value: Some("01:02"),
                ..Opt::default()
            }),
        ],
    );
    // Global, a prefix only.
    s.host(
        db,
        Script::hosts(
            cols,
            &[
                s.bytes("0a:0b:0c:0d:0e:0f"),
                id_type("hw-address"),
                "0".into(),
                "NULL".into(),
            ],
        ),
        &[Script::reservation("2001:db8:f00::", 48, 2)],
    );
    // No reservation, no option.
    s.host(db, duid("05:05", "bare"), &[]);
    // Broken option data, then a valid host reserving the same address.
    s.host(
        db,
        duid("0a:0a", "broken"),
        &[
            Script::reservation("2001:db8:1::200", 128, 0),
            o6(Opt {
                code: 23,
                formatted: Some("garbage"),
                space: Some("dhcp6"),
                ..Opt::default()
            }),
        ],
    );
    s.host(
        db,
        duid("0b:0b", "good"),
        &[Script::reservation("2001:db8:1::200", 128, 0)],
    );
    // An address outside the subnet; a reservation type Kea does not use.
    s.host(
        db,
        duid("0c:0c", "outside"),
        &[Script::reservation("2001:db8:99::1", 128, 0)],
    );
    s.host(
        db,
        duid("0d:0d", "bad-type"),
        &[Script::reservation("2001:db8:1::300", 128, 1)],
    );
}

// V6-108, CTL-094: a host with its ipv6_reservations (addresses as ip-addresses, type 2 rows as
// prefixes, in row order) and dhcp6_options, each once whatever the join repeats; lookups by
// identifier and by address or prefix, per subnet, 0 the global ones.
#[tokio::test]
async fn v6_host_rows_read_as_reservations() {
    for kind in KINDS {
        let db = kea_initialised(kind, "hosts6");
        fill6(kind, &db.name);
        let config = config6();
        let hosts = SqlHosts6::open(&db, config.clone()).await.expect("opens");

        let a = hosts
            .get6(1, HostIdType::Duid, &DUID_A)
            .await
            .unwrap()
            .expect("host A");
        let addr = |s: &str| s.parse::<Ipv6Addr>().unwrap();
        assert_eq!(
            a.ip_addresses,
            [addr("2001:db8:1::100"), addr("2001:db8:1::101")]
        );
        assert_eq!(a.prefixes.len(), 1);
        assert_eq!(
            (a.prefixes[0].prefix.addr, a.prefixes[0].prefix.len),
            (addr("2001:db8:100::"), 56)
        );
        assert_eq!(a.client_classes, ["blue", "green"]);
        let o = &a.options.items;
        assert_eq!(o.len(), 2, "{kind:?}: {o:?}");
        assert_eq!((o[0].code, o[0].space.as_str()), (23, "dhcp6"));
        assert_eq!(o[0].data, addr("2001:db8::53").octets());
        assert!(o[0].always_send);
        assert_eq!((o[1].code, o[1].space.as_str()), (65000, "dhcp6"));
        assert_eq!(
            (o[1].data.as_slice(), o[1].always_send),
            (&[1, 2][..], false)
        );
        let configured = config
            .reservation_from_json(
                1,
                &json!({
                    "duid": "01:02:03:04", "hostname": "six-a",
                    "ip-addresses": ["2001:db8:1::100", "2001:db8:1::101"],
                    "prefixes": ["2001:db8:100::/56"], "client-classes": ["blue", "green"],
                    "user-context": {"site": "lab"},
                    "option-data": [
                        {"name": "dns-servers", "data": "2001:db8::53", "always-send": true},
                        {"code": 65000, "csv-format": false, "data": "0102"}]
                }),
            )
            .unwrap();
        assert_eq!(a, configured, "{kind:?}");

        for (subnet, resource, len) in [
            (1, "2001:db8:1::101", 128),
            (1, "2001:db8:1::100", 128),
            (1, "2001:db8:100::", 56),
        ] {
            assert_eq!(
                hosts
                    .get6_by_resource(subnet, addr(resource), len)
                    .await
                    .unwrap(),
                std::slice::from_ref(&a),
                "{kind:?} {resource}/{len}"
            );
        }

        let g = hosts
            .get6(0, HostIdType::HwAddress, &[0xa, 0xb, 0xc, 0xd, 0xe, 0xf])
            .await
            .unwrap()
            .expect("global host");
        assert_eq!(
            (g.prefixes[0].prefix.addr, g.prefixes[0].prefix.len),
            (addr("2001:db8:f00::"), 48)
        );
        assert_eq!(
            hosts
                .get6_by_resource(0, addr("2001:db8:f00::"), 48)
                .await
                .unwrap(),
            [g]
        );

        let bare = hosts
            .get6(1, HostIdType::Duid, &[5, 5])
            .await
            .unwrap()
            .expect("host without reservations");
        assert!(bare.ip_addresses.is_empty() && bare.prefixes.is_empty());
        assert!(bare.options.is_empty() && bare.client_classes.is_empty());
        assert_eq!(bare.hostname.as_deref(), Some("bare"));
    }
}

// V6-108: unknown identifiers and resources (another length, another subnet) find nothing; hosts
// whose rows are not a valid reservation are skipped and the others still answer; DHCPv4-only
// hosts are not DHCPv6 reservations.
#[tokio::test]
async fn v6_unknown_and_invalid_hosts() {
    for kind in KINDS {
        let db = kea_initialised(kind, "hosts6bad");
        fill6(kind, &db.name);
        fill4(kind, &db.name);
        let hosts = SqlHosts6::open(&db, config6()).await.expect("opens");
        let log = Log::default();
        let _guard = log.install();
        let addr = |s: &str| s.parse::<Ipv6Addr>().unwrap();
        for (id_type, id) in [
            (HostIdType::Duid, &[9u8, 9][..]),
            (HostIdType::Duid, &[0xa, 0xa]),
            (HostIdType::Duid, &[0xc, 0xc]),
            (HostIdType::Duid, &[0xd, 0xd]),
            (HostIdType::HwAddress, &HW_A),
        ] {
            for subnet in [0, 1] {
                assert_eq!(
                    hosts.get6(subnet, id_type, id).await.unwrap(),
                    None,
                    "{kind:?} {id_type:?} {id:?}"
                );
            }
        }
        // The DUID is the key within its subnet only.
        assert!(hosts
            .get6(2, HostIdType::Duid, &DUID_A)
            .await
            .unwrap()
            .is_none());
        let shared = hosts
            .get6_by_resource(1, addr("2001:db8:1::200"), 128)
            .await
            .unwrap();
        assert_eq!(shared.len(), 1, "{kind:?}: {shared:?}");
        assert_eq!(shared[0].hostname.as_deref(), Some("good"));
        for (subnet, resource, len) in [
            (1, "2001:db8:100::", 64),
            (2, "2001:db8:1::100", 128),
            (1, "2001:db8:1::999", 128),
            (1, "2001:db8:99::1", 128),
            (1, "2001:db8:f00::", 48),
        ] {
            assert!(
                hosts
                    .get6_by_resource(subnet, addr(resource), len)
                    .await
                    .unwrap()
                    .is_empty(),
                "{kind:?} {resource}/{len} in {subnet}"
            );
        }
        for why in ["garbage", "not within subnet", "has type 1, neither"] {
            assert!(
                log.lines_with(&["WARN", "kea-dhcp6.hosts", why]) > 0,
                "{kind:?}: {why}"
            );
        }
    }
}

// CTL-095: a read-only hosts database without Kea's schema is an error and stays empty; one that
// may be written gets the schema; a read-only one with Kea's schema opens.
#[tokio::test]
async fn ctl095_readonly_hosts_database_never_gets_a_schema() {
    for kind in KINDS {
        let empty = fresh(kind, "hostsro");
        let mut params = empty.0.clone();
        params.readonly = true;
        let e = SqlHosts4::open(&params, config4())
            .await
            .err()
            .expect("no schema");
        assert!(matches!(e, SqlError::NoSchema { .. }), "{kind:?}: {e}");
        let e = SqlHosts6::open(&params, config6())
            .await
            .err()
            .expect("no schema");
        assert!(matches!(e, SqlError::NoSchema { .. }), "{kind:?}: {e}");
        let db = Db::connect(&params).await.unwrap();
        assert_eq!(schema::version(&db).await.unwrap(), None, "{kind:?}");

        params.readonly = false;
        let created = SqlHosts4::open(&params, config4())
            .await
            .expect("creates the schema");
        assert_eq!(
            schema::version(&db).await.unwrap(),
            Some(schema::needed(kind))
        );
        // Ruru's own DDL has the columns the lookups read.
        assert!(created
            .get4_by_address(1, Ipv4Addr::new(192, 0, 2, 10))
            .await
            .unwrap()
            .is_empty());
        let created6 = SqlHosts6::from_db(created.db().clone(), config6());
        assert!(created6
            .get6_by_resource(1, "2001:db8:1::1".parse().unwrap(), 128)
            .await
            .unwrap()
            .is_empty());

        let kea = kea_initialised(kind, "hostsrokea");
        let mut params = kea.0.clone();
        params.readonly = true;
        let hosts = SqlHosts6::open(&params, config6()).await.expect("opens");
        assert!(hosts
            .get6(1, HostIdType::Duid, &DUID_A)
            .await
            .unwrap()
            .is_none());
    }
}
