//! SQL host backends end to end (CTL-094 host half, V4-088, V4-059): reservations an operator put
//! into Kea's host tables with plain SQL are served by the real server to a real client (dhclient),
//! and Kea 2.2 serving from the same rows answers the same.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::Command;

use ruru_config::SqlKind;
use ruru_e2e::clients::{ClientLease, Dhclient};
use ruru_e2e::config::{persistent_memfile, stdout_loggers};
use ruru_e2e::db_proxy::DbProxy;
use ruru_e2e::topology::DirectLink;
use ruru_e2e::{Server, Subject};
use serde_json::{json, Value};

#[path = "../../core/lease-sql/tests/support/mod.rs"]
mod db;

const SERVER_CIDR: &str = "192.0.2.1/24";
const CLIENT_MAC: &str = "02:00:00:00:00:88";
/// Reserved for the client in the database, outside the pool.
const RESERVED: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 88);
/// The first pool address, reserved in the database for another client.
const TAKEN: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 100);

fn server_addr(kind: SqlKind) -> SocketAddr {
    match kind {
        SqlKind::Postgresql => "127.0.0.1:5432",
        SqlKind::Mysql => "127.0.0.1:3306",
    }
    .parse()
    .expect("address")
}

/// Runs statements on the scratch database as an operator would (psql / mariadb).
fn execute(db: &db::Scratch, sql: &str) {
    let out = match db.kind {
        SqlKind::Postgresql => Command::new("psql")
            .args(["-h", "127.0.0.1", "-U", "root", "-v", "ON_ERROR_STOP=1"])
            .args(["-c", sql, "-d", &db.name])
            .output(),
        SqlKind::Mysql => Command::new("mariadb")
            .args(["-h", "127.0.0.1", "-u", "root", "-e", sql, &db.name])
            .output(),
    }
    .expect("database client runs");
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A byte-string literal of the dialect.
fn bytes(kind: SqlKind, hex: &str) -> String {
    match kind {
        SqlKind::Postgresql => format!("decode('{hex}', 'hex')"),
        SqlKind::Mysql => format!("UNHEX('{hex}')"),
    }
}

/// The client's reservation (address, host name, a DNS server option in text form and a domain
/// name option in binary form) and another client's reservation of the first pool address.
fn insert_hosts(db: &db::Scratch) {
    let k = db.kind;
    let mac = CLIENT_MAC.replace(':', "");
    execute(
        db,
        &format!(
            "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, \
             ipv4_address, hostname) VALUES ({}, 0, 1, {}, 'db-host'), ({}, 0, 1, {}, 'other')",
            bytes(k, &mac),
            u32::from(RESERVED),
            bytes(k, "020000000077"),
            u32::from(TAKEN),
        ),
    );
    let host = "(SELECT host_id FROM hosts WHERE hostname = 'db-host')";
    execute(
        db,
        &format!(
            "INSERT INTO dhcp4_options (code, value, formatted_value, space, persistent, host_id, \
             scope_id) VALUES (6, {}, '192.0.2.99', 'dhcp4', false, {host}, 3), \
             (15, {}, '', 'dhcp4', false, {host}, 3)",
            bytes(k, ""),
            bytes(k, &hex("db.example")),
        ),
    );
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// One subnet with a two-address pool; leases in memfile, reservations only in the database.
fn config(iface: &str, db: &db::Scratch, proxy: &DbProxy) -> Value {
    let kind = match db.kind {
        SqlKind::Postgresql => "postgresql",
        SqlKind::Mysql => "mysql",
    };
    json!({"Dhcp4": {
        "interfaces-config": {"interfaces": [iface], "dhcp-socket-type": "raw"},
        "lease-database": persistent_memfile(),
        "hosts-database": {"type": kind, "name": db.name, "host": "127.0.0.1",
                           "port": proxy.port(), "user": "root", "connect-timeout": 2},
        "valid-lifetime": 600,
        "subnet4": [{
            "id": 1,
            "subnet": "192.0.2.0/24",
            "interface": iface,
            "pools": [{"pool": "192.0.2.100 - 192.0.2.101"}],
            "option-data": [{"name": "routers", "data": "192.0.2.1"},
                            {"name": "domain-name-servers", "data": "192.0.2.53"}]
        }],
        "loggers": stdout_loggers("INFO")
    }})
}

/// What `subject` gives the reserved client, and what it gives another client.
fn served(subject: Subject, db: &db::Scratch) -> (ClientLease, ClientLease) {
    let mut got = Vec::new();
    for mac in [CLIENT_MAC, "02:00:00:00:00:99"] {
        let link = DirectLink::new(SERVER_CIDR).expect("namespaces");
        link.veth.b().set_mac(mac).expect("client MAC");
        let proxy = DbProxy::start(&link.server, server_addr(db.kind)).expect("relay");
        let server = Server::start_subject(
            subject,
            &link.server,
            config(link.server_iface(), db, &proxy),
        )
        .unwrap_or_else(|e| panic!("{subject:?} on {:?} starts: {e}", db.kind));
        let client = Dhclient::new(&link.client, link.client_iface()).expect("dhclient");
        let lease = client
            .acquire()
            .unwrap_or_else(|e| panic!("{subject:?} {:?} {mac}: {e}\n{}", db.kind, server.logs()));
        got.push(lease);
    }
    let other = got.pop().expect("two leases");
    (got.pop().expect("two leases"), other)
}

// CTL-094, V4-088, V4-059: a reservation held only by Kea's host tables gives the client its
// address and the host's options (one stored as text, one as binary), ahead of the subnet's;
// the pool address another host reserves in the database is never given to anyone else. Kea 2.2
// reading the same rows serves the same.
#[test]
fn ctl094_dhcp4_reservations_from_postgresql_and_mysql() {
    for kind in db::KINDS {
        let scratch = db::kea_initialised(kind, "hosts4");
        insert_hosts(&scratch);
        let (mine, other) = served(Subject::Ruru, &scratch);
        assert_eq!(mine.address, RESERVED, "{kind:?}");
        assert_eq!(mine.dns_servers, [Ipv4Addr::new(192, 0, 2, 99)], "{kind:?}");
        assert_eq!(mine.domain_name.as_deref(), Some("db.example"), "{kind:?}");
        assert_eq!(
            other.address,
            Ipv4Addr::new(192, 0, 2, 101),
            "{kind:?}: {TAKEN} is reserved for another client"
        );
        assert_eq!(
            other.dns_servers,
            [Ipv4Addr::new(192, 0, 2, 53)],
            "{kind:?}"
        );
        let (kea_mine, kea_other) = served(Subject::Kea, &scratch);
        for (ours, kea) in [(&mine, &kea_mine), (&other, &kea_other)] {
            assert_eq!(
                (ours.address, &ours.dns_servers, &ours.domain_name),
                (kea.address, &kea.dns_servers, &kea.domain_name),
                "{kind:?}: Ruru and Kea differ"
            );
        }
    }
}
