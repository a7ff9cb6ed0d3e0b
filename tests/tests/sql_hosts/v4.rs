//! DHCPv4 (V4-087, V4-088, V4-059): a reservation in Kea's `hosts` and `dhcp4_options` tables.

use std::net::Ipv4Addr;

use ruru_e2e::clients::{ClientLease, Dhclient};
use ruru_e2e::config::{persistent_memfile, stdout_loggers};
use ruru_e2e::db_proxy::DbProxy;
use ruru_e2e::topology::DirectLink;
use ruru_e2e::Subject;
use serde_json::{json, Value};

use super::{bytes, db, execute, hex, hosts_database, served};

const SERVER_CIDR: &str = "192.0.2.1/24";
const CLIENT_MAC: &str = "02:00:00:00:00:88";
/// A client without a reservation.
const OTHER_MAC: &str = "02:00:00:00:00:99";
/// Reserved for the client in the database, outside the pool.
const RESERVED: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 88);
/// The first pool address, reserved in the database for another client.
const TAKEN: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 100);

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

/// One subnet with a two-address pool; leases in memfile, reservations only in the database.
fn config(iface: &str, db: &db::Scratch, proxy: &DbProxy) -> Value {
    json!({"Dhcp4": {
        "interfaces-config": {"interfaces": [iface], "dhcp-socket-type": "raw"},
        "lease-database": persistent_memfile(),
        "hosts-database": hosts_database(db, proxy),
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
fn served4(subject: Subject, db: &db::Scratch) -> [ClientLease; 2] {
    served(
        subject,
        db,
        [CLIENT_MAC, OTHER_MAC],
        || DirectLink::new(SERVER_CIDR),
        config,
        |link| Dhclient::new(&link.client, link.client_iface())?.acquire(),
    )
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
        let [mine, other] = served4(Subject::Ruru, &scratch);
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
        let [kea_mine, kea_other] = served4(Subject::Kea, &scratch);
        for (ours, kea) in [(&mine, &kea_mine), (&other, &kea_other)] {
            assert_eq!(
                (ours.address, &ours.dns_servers, &ours.domain_name),
                (kea.address, &kea.dns_servers, &kea.domain_name),
                "{kind:?}: Ruru and Kea differ"
            );
        }
    }
}
