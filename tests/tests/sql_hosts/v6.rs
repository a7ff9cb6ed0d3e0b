//! DHCPv6 (V6-106, V6-108..V6-110, V6-116, V6-073): a reservation in Kea's `hosts`,
//! `ipv6_reservations` and `dhcp6_options` tables, served to `dhclient -6`.
//!
//! The client is ISC dhclient run with `-D LL`: its DUID is DUID-LL of the interface's MAC, which
//! the test sets, so the DUID to reserve is known before the client runs, with no lease file to
//! seed. It asks for an address and a prefix in one exchange (`-N -P`) and writes what it was
//! given, options included, to its lease file; one attempt takes about a second. (perfdhcp could
//! fix a DUID too, but it reports counters, not the addresses and options it received.)

use std::net::Ipv6Addr;

use ruru_e2e::clients::{duid_ll, ClientLease6, Dhclient, IaLease6, Request6};
use ruru_e2e::config::{persistent_memfile, stdout_loggers_for};
use ruru_e2e::db_proxy::DbProxy;
use ruru_e2e::topology::{DirectLink, SERVER6_CIDR};
use ruru_e2e::{Family, Subject};
use serde_json::{json, Value};

use super::{bytes, db, execute, hosts_database, served};

/// The client with this MAC (DUID-LL `00:03:00:01:02:00:00:00:06:88`) has a reservation.
const CLIENT_MAC: &str = "02:00:00:00:06:88";
/// A client without one.
const OTHER_MAC: &str = "02:00:00:00:06:99";
/// The DUID of a host that is not on the link and reserves the first address and prefix of the
/// pools.
const ABSENT_DUID: &str = "00:03:00:01:02:00:00:00:06:77";
/// Reserved for the client: inside the subnet, outside the pool.
const RESERVED_ADDR: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0x88);
/// Reserved for the client: outside the pd-pool.
const RESERVED_PREFIX: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0x9900, 0x88, 0, 0, 0, 0);
/// The two-address pool; its first address is reserved for the absent host.
const POOL: (Ipv6Addr, Ipv6Addr) = (
    Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0x100),
    Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0x101),
);
/// The pd-pool: two /64s out of this /63; the first is reserved for the absent host.
const PD_POOL: (Ipv6Addr, u8) = (Ipv6Addr::new(0x2001, 0xdb8, 0x8800, 0, 0, 0, 0, 0), 63);
const DELEGATED_LEN: u8 = 64;
/// The second /64 of the pd-pool.
const PD_SECOND: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0x8800, 1, 0, 0, 0, 0);
/// The host's DNS server (option 23, stored as text).
const HOST_DNS: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x99);
/// The subnet's DNS server.
const SUBNET_DNS: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x53);

/// Colon-hex DUID as plain hex.
fn plain(duid: &str) -> String {
    duid.replace(':', "")
}

/// The client's host (an address, a prefix, a DNS server option as text and a domain search
/// option as its binary payload) and the absent host's (the first pool address and prefix), as
/// an operator would insert them: `dhcp_identifier_type` 1 is `duid` in Kea's
/// `host_identifier_type`, `ipv6_reservations.type` 0 an address and 2 a prefix, `scope_id` 3
/// a host's option.
fn insert_hosts(db: &db::Scratch) {
    let k = db.kind;
    execute(
        db,
        &format!(
            "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp6_subnet_id, hostname) \
             VALUES ({}, 1, 1, 'db-host6'), ({}, 1, 1, 'absent6')",
            bytes(k, &plain(&duid_ll(CLIENT_MAC))),
            bytes(k, &plain(ABSENT_DUID)),
        ),
    );
    let host = |name: &str| format!("(SELECT host_id FROM hosts WHERE hostname = '{name}')");
    let (mine, absent) = (host("db-host6"), host("absent6"));
    execute(
        db,
        &format!(
            "INSERT INTO ipv6_reservations (address, prefix_len, type, host_id) VALUES \
             ('{RESERVED_ADDR}', 128, 0, {mine}), \
             ('{RESERVED_PREFIX}', {DELEGATED_LEN}, 2, {mine}), \
             ('{}', 128, 0, {absent}), ('{}', {DELEGATED_LEN}, 2, {absent})",
            POOL.0, PD_POOL.0,
        ),
    );
    // db.example. in DNS wire format: each label after its length, then the root.
    let domain = "026462076578616d706c6500";
    execute(
        db,
        &format!(
            "INSERT INTO dhcp6_options (code, value, formatted_value, space, persistent, host_id, \
             scope_id) VALUES (23, {}, '{HOST_DNS}', 'dhcp6', false, {mine}, 3), \
             (24, {}, '', 'dhcp6', false, {mine}, 3)",
            bytes(k, ""),
            bytes(k, domain),
        ),
    );
}

/// One subnet on the server's veth with a two-address pool, a pd-pool of two /64s and its own
/// DNS options; leases in memfile, reservations only in the database.
fn config(iface: &str, db: &db::Scratch, proxy: &DbProxy) -> Value {
    json!({"Dhcp6": {
        "interfaces-config": {"interfaces": [iface]},
        "lease-database": persistent_memfile(),
        "hosts-database": hosts_database(db, proxy),
        "preferred-lifetime": 3000,
        "valid-lifetime": 4000,
        "subnet6": [{
            "id": 1,
            "subnet": "2001:db8:1::/64",
            "interface": iface,
            "pools": [{"pool": format!("{} - {}", POOL.0, POOL.1)}],
            "pd-pools": [{"prefix": PD_POOL.0.to_string(), "prefix-len": PD_POOL.1,
                          "delegated-len": DELEGATED_LEN}],
            "option-data": [{"name": "dns-servers", "data": SUBNET_DNS.to_string()},
                            {"name": "domain-search", "data": "subnet.example"}]
        }],
        "loggers": stdout_loggers_for(Family::V6, "INFO")
    }})
}

/// What `subject` gives the reserved client, and what it gives another client, each asking for
/// an address and a prefix.
fn served6(subject: Subject, db: &db::Scratch) -> [ClientLease6; 2] {
    served(
        subject,
        db,
        [CLIENT_MAC, OTHER_MAC],
        || DirectLink::new6(SERVER6_CIDR),
        config,
        |link| {
            Dhclient::new6(
                &link.client,
                link.client_iface(),
                Request6::AddressAndPrefix,
            )?
            .acquire6()
        },
    )
}

/// What a lease says that the servers decide: addresses and prefixes with their lengths, and
/// the two options.
type Answer = (
    Vec<(Ipv6Addr, u8)>,
    Vec<(Ipv6Addr, u8)>,
    Vec<Ipv6Addr>,
    Vec<String>,
);

fn answer(lease: &ClientLease6) -> Answer {
    let held = |l: &[IaLease6]| l.iter().map(|ia| (ia.address, ia.prefix_len)).collect();
    (
        held(&lease.addresses),
        held(&lease.prefixes),
        lease.name_servers.clone(),
        lease.domain_search.clone(),
    )
}

// CTL-094 (host half), V6-106 (hosts-database), V6-108/V6-109 (a DUID reservation with
// ip-addresses, prefixes and option-data), V6-110 (the reserved prefix lies outside the subnet),
// V6-116 (one reserved address per IA_NA, one reserved prefix per IA_PD), V6-073 (an address or
// prefix reserved for another DUID is never allocated to this one): a host held only by Kea's host
// tables gives dhclient exactly its address, its prefix and its options (one stored as text, one
// as binary), ahead of the subnet's; the client without a reservation gets the second address and
// prefix of the pools, the first being reserved in the database for a host that never asks. Kea
// 2.2 reading the same rows serves the same.
#[test]
fn ctl094_dhcp6_reservations_from_postgresql_and_mysql() {
    for kind in db::KINDS {
        let scratch = db::kea_initialised(kind, "hosts6");
        insert_hosts(&scratch);
        let [mine, other] = served6(Subject::Ruru, &scratch);
        assert_eq!(mine.client_id, duid_ll(CLIENT_MAC), "{kind:?}");
        assert_eq!(
            answer(&mine),
            (
                vec![(RESERVED_ADDR, 128)],
                vec![(RESERVED_PREFIX, DELEGATED_LEN)],
                vec![HOST_DNS],
                vec!["db.example.".to_owned()],
            ),
            "{kind:?}: the reservation, options from the database: {mine:?}"
        );
        assert_eq!(
            answer(&other),
            (
                vec![(POOL.1, 128)],
                vec![(PD_SECOND, DELEGATED_LEN)],
                vec![SUBNET_DNS],
                vec!["subnet.example.".to_owned()],
            ),
            "{kind:?}: {} and {}/{DELEGATED_LEN} are reserved for {ABSENT_DUID}: {other:?}",
            POOL.0,
            PD_POOL.0,
        );
        let [kea_mine, kea_other] = served6(Subject::Kea, &scratch);
        for (ours, kea) in [(&mine, &kea_mine), (&other, &kea_other)] {
            assert_eq!(
                answer(ours),
                answer(kea),
                "{kind:?}: Ruru and Kea differ: {ours:?} / {kea:?}"
            );
        }
    }
}
