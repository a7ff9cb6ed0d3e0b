//! Real DHCPv4 clients (ISC dhclient, busybox udhcpc) against the server under test.
//!
//! Each test builds its own pair of namespaces joined by a veth pair: the server end has
//! 192.0.2.1/24 and raw sockets, the client end no address. Run against Kea with
//! `RURU_TEST_SUBJECT=kea cargo test -p ruru-e2e`.

use std::net::Ipv4Addr;
use std::time::Duration;

use ruru_e2e::clients::{ClientLease, Dhclient, Udhcpc};
use ruru_e2e::config::{persistent_memfile, stdout_loggers};
use ruru_e2e::process::wait_until;
use ruru_e2e::topology::DirectLink;
use ruru_e2e::{LeaseState, Server};
use serde_json::{json, Value};

const SERVER_CIDR: &str = "192.0.2.1/24";
const SERVER_ADDR: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const POOL: (Ipv4Addr, Ipv4Addr) = (Ipv4Addr::new(192, 0, 2, 100), Ipv4Addr::new(192, 0, 2, 199));
const RESERVED_MAC: &str = "02:00:00:00:00:88";
const RESERVED_ADDR: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 88);
/// T1: short, so a test can watch a real renewal.
const RENEW_SECS: u64 = 2;

/// One subnet on the server's veth with a pool, the three options every client expects, and a
/// reservation outside the pool.
fn config(iface: &str, pool: &str) -> Value {
    json!({"Dhcp4": {
        "interfaces-config": {"interfaces": [iface], "dhcp-socket-type": "raw"},
        "lease-database": persistent_memfile(),
        "valid-lifetime": 600,
        "renew-timer": RENEW_SECS,
        "rebind-timer": 300,
        "subnet4": [{
            "id": 1,
            "subnet": "192.0.2.0/24",
            "interface": iface,
            "pools": [{"pool": pool}],
            "option-data": [
                {"name": "routers", "data": "192.0.2.1"},
                {"name": "domain-name-servers", "data": "192.0.2.53, 192.0.2.54"},
                {"name": "domain-name", "data": "example.org"}
            ],
            "reservations": [{"hw-address": RESERVED_MAC, "ip-address": RESERVED_ADDR.to_string()}]
        }],
        "loggers": stdout_loggers("INFO")
    }})
}

fn full_pool() -> String {
    format!("{} - {}", POOL.0, POOL.1)
}

fn in_pool(a: Ipv4Addr) -> bool {
    (POOL.0..=POOL.1).contains(&a)
}

/// V4-043: the configured routers, DNS servers and domain name reach the client, with the
/// subnet mask and our server identifier.
fn assert_subnet_options(lease: &ClientLease) {
    assert_eq!(lease.routers, vec![SERVER_ADDR], "routers: {lease:?}");
    assert_eq!(
        lease.dns_servers,
        vec![Ipv4Addr::new(192, 0, 2, 53), Ipv4Addr::new(192, 0, 2, 54)],
        "domain-name-servers: {lease:?}"
    );
    assert_eq!(
        lease.domain_name.as_deref(),
        Some("example.org"),
        "{lease:?}"
    );
    assert_eq!(
        lease.subnet_mask,
        Some(Ipv4Addr::new(255, 255, 255, 0)),
        "{lease:?}"
    );
    assert_eq!(lease.server_id, Some(SERVER_ADDR), "{lease:?}");
}

// V4-026, V4-028 (DORA), V4-043 (options), V4-030 (renewal extends the lease),
// V4-033 (release: deleted, or kept in state released).
#[test]
fn dhclient_gets_options_renews_and_releases() {
    let link = DirectLink::new(SERVER_CIDR).expect("namespaces");
    let mac = "02:00:00:00:01:01";
    link.veth.b().set_mac(mac).expect("client MAC");
    let server = Server::start(&link.server, config(link.server_iface(), &full_pool()))
        .expect("server starts");
    let client = Dhclient::new(&link.client, link.client_iface()).expect("dhclient");

    let lease = client.acquire().expect("dhclient obtains a lease");
    assert!(in_pool(lease.address), "{} outside the pool", lease.address);
    assert_subnet_options(&lease);
    let stored = server.leases().expect("lease file");
    let row = stored
        .get(lease.address)
        .expect("ACKed lease is in the lease file");
    assert_eq!(row.hwaddr, mac);
    assert_eq!(row.subnet_id, 1);
    assert_eq!(row.state, LeaseState::Default);
    let first_expire = row.expire;

    client
        .wait_for_event("RENEW", Duration::from_secs(RENEW_SECS + 15))
        .expect("dhclient renews at T1");
    let renewed = server.leases().expect("lease file");
    let row = renewed.get(lease.address).expect("renewed lease");
    assert!(
        row.expire > first_expire,
        "renewal must push expire past {first_expire}: {row:?}"
    );

    client.release().expect("dhclient -r");
    wait_until(
        "the release in the lease file",
        Duration::from_secs(5),
        || {
            let leases = server.leases().expect("lease file");
            leases
                .get(lease.address)
                .is_none_or(|l| l.state == LeaseState::Released)
        },
    )
    .unwrap_or_else(|e| {
        panic!(
            "{e}; lease: {:?}",
            server.leases().expect("lease file").get(lease.address)
        )
    });
}

// V4-026, V4-043 with a second, independent client implementation.
#[test]
fn udhcpc_gets_address_and_options() {
    let link = DirectLink::new(SERVER_CIDR).expect("namespaces");
    let mac = "02:00:00:00:02:02";
    link.veth.b().set_mac(mac).expect("client MAC");
    let server = Server::start(&link.server, config(link.server_iface(), &full_pool()))
        .expect("server starts");

    let lease = Udhcpc::new(&link.client, link.client_iface())
        .expect("udhcpc")
        .acquire()
        .expect("udhcpc obtains a lease");
    assert!(in_pool(lease.address), "{} outside the pool", lease.address);
    assert_subnet_options(&lease);
    assert_eq!(lease.lease_time, Some(600));
    let stored = server.leases().expect("lease file");
    let row = stored
        .get(lease.address)
        .expect("ACKed lease is in the lease file");
    assert_eq!(row.hwaddr, mac);
}

// V4-088: a host reservation by hw-address gives that client its reserved address (here
// outside the pool, which reservations may be).
#[test]
fn reserved_mac_gets_reserved_address() {
    let link = DirectLink::new(SERVER_CIDR).expect("namespaces");
    link.veth.b().set_mac(RESERVED_MAC).expect("client MAC");
    let server = Server::start(&link.server, config(link.server_iface(), &full_pool()))
        .expect("server starts");
    let client = Dhclient::new(&link.client, link.client_iface()).expect("dhclient");

    let lease = client.acquire().expect("dhclient obtains a lease");
    assert_eq!(lease.address, RESERVED_ADDR);
    assert_subnet_options(&lease);
    let stored = server.leases().expect("lease file");
    let row = stored
        .get(RESERVED_ADDR)
        .expect("reserved lease in the lease file");
    assert_eq!(row.hwaddr, RESERVED_MAC);
}

// V4-083: leases are reloaded from the lease file at start. With a one-address pool, a
// server that forgot the lease would hand it to the next client; V4-027: it must not answer.
#[test]
fn leases_survive_restart() {
    let link = DirectLink::new(SERVER_CIDR).expect("namespaces");
    let owner_mac = "02:00:00:00:03:03";
    let only = POOL.0;
    link.veth.b().set_mac(owner_mac).expect("client MAC");
    let mut server = Server::start(
        &link.server,
        config(link.server_iface(), &format!("{only} - {only}")),
    )
    .expect("server starts");
    {
        let owner = Dhclient::new(&link.client, link.client_iface()).expect("dhclient");
        let lease = owner.acquire().expect("owner obtains the only address");
        assert_eq!(lease.address, only);
        // Dropping the client kills its daemon without a release: the lease stays.
    }

    server.restart().expect("server restarts");
    let reloaded = server.leases().expect("lease file");
    assert_eq!(
        reloaded.get(only).map(|l| l.hwaddr.as_str()),
        Some(owner_mac),
        "lease file after restart: {reloaded:?}"
    );

    link.veth
        .b()
        .set_mac("02:00:00:00:03:04")
        .expect("stranger MAC");
    let stranger = Udhcpc::new(&link.client, link.client_iface())
        .expect("udhcpc")
        .try_acquire()
        .expect("udhcpc runs");
    assert_eq!(
        stranger, None,
        "the restarted server gave the owner's address away"
    );

    link.veth.b().set_mac(owner_mac).expect("client MAC");
    let again = Dhclient::new(&link.client, link.client_iface())
        .expect("dhclient")
        .acquire()
        .expect("owner gets its address back");
    assert_eq!(again.address, only);
}
