//! DHCPv6 end to end: real clients (ISC `dhclient -6`, Kea's `perfdhcp -6`) against the DHCPv6
//! server under test (`ruru-dhcp6`, or `kea-dhcp6` with `RURU_TEST_SUBJECT=kea`).
//!
//! Each test builds a server namespace and a client namespace joined by a veth pair with
//! duplicate address detection off; the server end has 2001:db8:1::1/64 and its link-local
//! address, the client end only its link-local one. Clients multicast to ff02::1:2; the tests
//! read what the client was given and the server's lease file (`leases6.csv`), nothing else, so
//! they hold for any server that behaves as Kea does on the wire and on disk.
//! Spec IDs: /work/shared/spec/dhcp6.md.

use std::collections::BTreeSet;
use std::net::Ipv6Addr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ruru_e2e::clients::{duid_ll, Dhclient, LeaseRequest6, Perf6, PerfReport, Request6};
use ruru_e2e::config::{persistent_memfile, stdout_loggers_for};
use ruru_e2e::process::wait_until;
use ruru_e2e::topology::{DirectLink, SERVER6_CIDR};
use ruru_e2e::{Family, Lease6, LeaseSet6, LeaseState, LeaseType6, Server};
use serde_json::{json, Value};

/// The dynamic address pool of subnet 1 (inside 2001:db8:1::/64).
const POOL: (Ipv6Addr, Ipv6Addr) = (
    Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 1, 0),
    Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 1, 0xffff),
);
/// The pd-pool of subnet 1: /64s out of this /48 (outside the subnet prefix, as is usual).
const PD_PREFIX: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0x8800, 0, 0, 0, 0, 0);
const PD_PREFIX_LEN: u8 = 48;
const DELEGATED_LEN: u8 = 64;
/// The client with this MAC (so DUID-LL `00:03:00:01:02:00:00:00:00:88`) has a reservation.
const RESERVED_MAC: &str = "02:00:00:00:00:88";
/// Its reserved address: inside the subnet, outside the pool.
const RESERVED_ADDR: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0x88);
/// Its reserved prefix: outside every pool.
const RESERVED_PREFIX: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0x9900, 0x88, 0, 0, 0, 0);
const PREFERRED: u32 = 3000;
const VALID: u32 = 4000;
const T1: u32 = 1000;
const T2: u32 = 2000;
/// A T1 short enough to watch a real renewal.
const RENEW_SECS: u32 = 2;

/// The server's pools and timers as they appear in every config here.
fn lifetimes() -> Value {
    json!({"preferred-lifetime": PREFERRED, "valid-lifetime": VALID,
           "renew-timer": T1, "rebind-timer": T2})
}

/// One subnet on the server's veth: an address pool, a pd-pool delegating /64s out of a /48,
/// and a DUID reservation of an address and a prefix.
fn config(iface: &str, severity: &str) -> Value {
    let mut dhcp6 = json!({
        "interfaces-config": {"interfaces": [iface]},
        "lease-database": persistent_memfile(),
        "subnet6": [{
            "id": 1,
            "subnet": "2001:db8:1::/64",
            "interface": iface,
            "pools": [{"pool": format!("{} - {}", POOL.0, POOL.1)}],
            "pd-pools": [{"prefix": PD_PREFIX.to_string(), "prefix-len": PD_PREFIX_LEN,
                          "delegated-len": DELEGATED_LEN}],
            "reservations": [{
                "duid": duid_ll(RESERVED_MAC),
                "ip-addresses": [RESERVED_ADDR.to_string()],
                "prefixes": [format!("{RESERVED_PREFIX}/{DELEGATED_LEN}")]
            }]
        }],
        "loggers": stdout_loggers_for(Family::V6, severity)
    });
    merge(&mut dhcp6, lifetimes());
    json!({ "Dhcp6": dhcp6 })
}

fn merge(into: &mut Value, from: Value) {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
}

fn in_pool(a: Ipv6Addr) -> bool {
    (POOL.0..=POOL.1).contains(&a)
}

/// Whether `a` lies in `net`/`len`.
fn in_prefix(a: Ipv6Addr, net: Ipv6Addr, len: u8) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    u128::from(a) & mask == u128::from(net) & mask
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A leased row as the server should have written it for a dhclient lease (V6-102, V6-103).
fn assert_row(row: &Lease6, duid: &str, iaid: u32, lease_type: LeaseType6, prefix_len: u8) {
    assert_eq!(row.duid, duid, "{row:?}");
    assert_eq!(row.iaid, iaid, "{row:?}");
    assert_eq!(row.lease_type, lease_type, "{row:?}");
    assert_eq!(row.prefix_len, prefix_len, "{row:?}");
    assert_eq!(row.subnet_id, 1, "{row:?}");
    assert_eq!(
        (row.pref_lifetime, row.valid_lifetime),
        (PREFERRED, VALID),
        "{row:?}"
    );
    assert_eq!(row.state, LeaseState::Default, "{row:?}");
    // expire = cltt + valid lifetime, cltt being about now.
    let t = now();
    assert!(
        row.expire + 60 >= t + u64::from(VALID) && row.expire <= t + u64::from(VALID) + 5,
        "expire {} is not about now + {VALID} ({t}): {row:?}",
        row.expire
    );
}

// V6-011 (ff02::1:2 on the listed interface), V6-052 (direct client: subnet by `interface`),
// V6-027/V6-031 (SOLICIT/ADVERTISE/REQUEST/REPLY), V6-028 (dynamic address from the pool),
// V6-079 (explicit T1/T2), V6-083 (client = DUID + IAID), V6-092 (server-id in every answer),
// V6-101..V6-103 (the lease row in the memfile).
#[test]
fn dhclient_gets_address_from_pool_and_it_is_in_the_lease_file() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let mac = "02:00:00:00:06:01";
    link.veth.b().set_mac(mac).expect("client MAC");
    let server =
        Server::start6(&link.server, config(link.server_iface(), "INFO")).expect("server starts");
    let client =
        Dhclient::new6(&link.client, link.client_iface(), Request6::Address).expect("dhclient");

    let lease = client.acquire6().expect("dhclient -6 obtains an address");
    assert_eq!(lease.client_id, duid_ll(mac), "{lease:?}");
    assert!(!lease.server_id.is_empty(), "no server-id: {lease:?}");
    assert!(lease.prefixes.is_empty(), "asked for no prefix: {lease:?}");
    let [ia] = lease.addresses.as_slice() else {
        panic!("expected one address: {lease:?}");
    };
    assert!(in_pool(ia.address), "{} outside the pool", ia.address);
    assert_eq!(ia.prefix_len, 128);
    assert_eq!(
        (ia.preferred_life, ia.valid_life),
        (Some(PREFERRED), Some(VALID))
    );
    assert_eq!((ia.renew, ia.rebind), (Some(T1), Some(T2)));

    let leases = server.leases6().expect("lease file");
    let row = leases
        .get(ia.address)
        .expect("the REPLYed address is in the lease file");
    assert_row(row, &duid_ll(mac), ia.iaid, LeaseType6::Address, 128);
    assert_eq!(
        leases.of_duid(&duid_ll(mac)).len(),
        1,
        "one lease for one IA_NA: {leases:?}"
    );
}

// V6-063 (pd-pool: prefix, prefix-len, delegated-len), V6-070 (a /64 out of the pool),
// V6-031 (REPLY with IAPREFIX and lifetimes), V6-103 (lease_type 2, prefix_len 64).
#[test]
fn dhclient_gets_delegated_prefix_from_pd_pool() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let mac = "02:00:00:00:06:02";
    link.veth.b().set_mac(mac).expect("client MAC");
    let server =
        Server::start6(&link.server, config(link.server_iface(), "INFO")).expect("server starts");
    let client =
        Dhclient::new6(&link.client, link.client_iface(), Request6::Prefix).expect("dhclient");

    let lease = client.acquire6().expect("dhclient -6 -P obtains a prefix");
    assert!(
        lease.addresses.is_empty(),
        "asked for no address: {lease:?}"
    );
    let [pd] = lease.prefixes.as_slice() else {
        panic!("expected one prefix: {lease:?}");
    };
    assert_eq!(pd.prefix_len, DELEGATED_LEN, "{pd:?}");
    assert!(
        in_prefix(pd.address, PD_PREFIX, PD_PREFIX_LEN),
        "{}/{} outside {PD_PREFIX}/{PD_PREFIX_LEN}",
        pd.address,
        pd.prefix_len
    );
    assert_eq!(
        (pd.preferred_life, pd.valid_life),
        (Some(PREFERRED), Some(VALID))
    );
    assert_eq!((pd.renew, pd.rebind), (Some(T1), Some(T2)));

    let leases = server.leases6().expect("lease file");
    let row = leases
        .get(pd.address)
        .expect("the delegated prefix is in the lease file");
    assert_row(
        row,
        &duid_ll(mac),
        pd.iaid,
        LeaseType6::Prefix,
        DELEGATED_LEN,
    );
    assert!(
        leases.leased_of(LeaseType6::Address).is_empty(),
        "{leases:?}"
    );
}

// V6-033 (IA_NA and IA_PD in one exchange), V6-040 (RELEASE: each released lease is deleted,
// or kept in state released with lifetimes 0 under lease affinity).
#[test]
fn dhclient_release_removes_address_and_prefix() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let mac = "02:00:00:00:06:03";
    link.veth.b().set_mac(mac).expect("client MAC");
    let server =
        Server::start6(&link.server, config(link.server_iface(), "INFO")).expect("server starts");
    let client = Dhclient::new6(
        &link.client,
        link.client_iface(),
        Request6::AddressAndPrefix,
    )
    .expect("dhclient");

    let lease = client.acquire6().expect("dhclient -6 -N -P obtains both");
    let ([ia], [pd]) = (lease.addresses.as_slice(), lease.prefixes.as_slice()) else {
        panic!("expected one address and one prefix: {lease:?}");
    };
    assert!(in_pool(ia.address), "{} outside the pool", ia.address);
    assert!(in_prefix(pd.address, PD_PREFIX, PD_PREFIX_LEN), "{pd:?}");
    let leases = server.leases6().expect("lease file");
    assert!(
        leases.get(ia.address).is_some_and(Lease6::is_leased),
        "{leases:?}"
    );
    assert!(
        leases.get(pd.address).is_some_and(Lease6::is_leased),
        "{leases:?}"
    );

    client.release().expect("dhclient -6 -r");
    let released = |l: Option<&Lease6>| {
        l.is_none_or(|l| l.state == LeaseState::Released && l.valid_lifetime == 0)
    };
    wait_until(
        "the release of both leases in the lease file",
        Duration::from_secs(5),
        || {
            let leases = server.leases6().expect("lease file");
            released(leases.get(ia.address)) && released(leases.get(pd.address))
        },
    )
    .unwrap_or_else(|e| panic!("{e}; leases: {:?}", server.leases6().expect("lease file")));
}

// V6-108, V6-109 (a `duid` reservation matches the client-id), V6-110 (address in the subnet,
// prefix anywhere), V6-116 (one reserved address per IA_NA, one reserved prefix per IA_PD),
// V6-028 (reservation before the allocator).
#[test]
fn reserved_duid_gets_reserved_address_and_prefix() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    link.veth.b().set_mac(RESERVED_MAC).expect("client MAC");
    let server =
        Server::start6(&link.server, config(link.server_iface(), "INFO")).expect("server starts");
    let client = Dhclient::new6(
        &link.client,
        link.client_iface(),
        Request6::AddressAndPrefix,
    )
    .expect("dhclient");

    let lease = client.acquire6().expect("dhclient -6 -N -P obtains both");
    assert_eq!(lease.client_id, duid_ll(RESERVED_MAC));
    let ([ia], [pd]) = (lease.addresses.as_slice(), lease.prefixes.as_slice()) else {
        panic!("expected one address and one prefix: {lease:?}");
    };
    assert_eq!(ia.address, RESERVED_ADDR, "{lease:?}");
    assert_eq!(
        (pd.address, pd.prefix_len),
        (RESERVED_PREFIX, DELEGATED_LEN),
        "{lease:?}"
    );
    let leases = server.leases6().expect("lease file");
    let row = leases.get(RESERVED_ADDR).expect("reserved address leased");
    assert_row(
        row,
        &duid_ll(RESERVED_MAC),
        ia.iaid,
        LeaseType6::Address,
        128,
    );
    let row = leases.get(RESERVED_PREFIX).expect("reserved prefix leased");
    assert_row(
        row,
        &duid_ll(RESERVED_MAC),
        pd.iaid,
        LeaseType6::Prefix,
        DELEGATED_LEN,
    );
}

// V6-035 (RENEW of a bound address: same address, new expiry), V6-079 (T1 as configured),
// V6-101 (the renewal is written to the lease file).
#[test]
fn dhclient_renews_at_t1_and_the_lease_is_extended() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let mac = "02:00:00:00:06:04";
    link.veth.b().set_mac(mac).expect("client MAC");
    let mut cfg = config(link.server_iface(), "INFO");
    cfg["Dhcp6"]["renew-timer"] = json!(RENEW_SECS);
    let server = Server::start6(&link.server, cfg).expect("server starts");
    let client =
        Dhclient::new6(&link.client, link.client_iface(), Request6::Address).expect("dhclient");

    let lease = client.acquire6().expect("dhclient -6 obtains an address");
    let [ia] = lease.addresses.as_slice() else {
        panic!("expected one address: {lease:?}");
    };
    assert_eq!(ia.renew, Some(RENEW_SECS), "{ia:?}");
    let first = server.leases6().expect("lease file");
    let first_expire = first.get(ia.address).expect("leased").expire;

    client
        .wait_for_event("RENEW6", Duration::from_secs(u64::from(RENEW_SECS) + 15))
        .expect("dhclient renews at T1");
    wait_until(
        "the renewal in the lease file",
        Duration::from_secs(5),
        || {
            let leases = server.leases6().expect("lease file");
            leases
                .get(ia.address)
                .is_some_and(|l| l.expire > first_expire && l.is_leased())
        },
    )
    .unwrap_or_else(|e| panic!("{e}; lease: {:?}", server.leases6().expect("lease file")));
    let renewed = server.leases6().expect("lease file");
    assert_eq!(
        renewed.of_duid(&duid_ll(mac)).len(),
        1,
        "renewal made a second lease"
    );
}

// V6-101 (leases are loaded from the lease file at start), V6-073 (an address leased to another
// client is not handed out), V6-029 (nothing grantable: no address). With a one-address pool, a
// server that forgot the lease would give it to the next client.
#[test]
fn leases_survive_restart() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let owner_mac = "02:00:00:00:06:05";
    link.veth.b().set_mac(owner_mac).expect("client MAC");
    let mut cfg = config(link.server_iface(), "INFO");
    cfg["Dhcp6"]["subnet6"][0]["pools"] = json!([{"pool": format!("{} - {}", POOL.0, POOL.0)}]);
    let mut server = Server::start6(&link.server, cfg).expect("server starts");
    {
        let owner =
            Dhclient::new6(&link.client, link.client_iface(), Request6::Address).expect("dhclient");
        let lease = owner.acquire6().expect("owner obtains the only address");
        assert_eq!(lease.addresses.first().map(|a| a.address), Some(POOL.0));
        // Dropping the client kills its daemon without a release: the lease stays.
    }

    server.restart().expect("server restarts");
    let reloaded = server.leases6().expect("lease file");
    assert_eq!(
        reloaded.get(POOL.0).map(|l| l.duid.as_str()),
        Some(duid_ll(owner_mac).as_str()),
        "lease file after restart: {reloaded:?}"
    );

    link.veth
        .b()
        .set_mac("02:00:00:00:06:06")
        .expect("stranger MAC");
    let stranger = Dhclient::new6(&link.client, link.client_iface(), Request6::Address)
        .expect("dhclient")
        .try_acquire6()
        .expect("dhclient runs");
    assert!(
        stranger.as_ref().is_none_or(|l| l.addresses.is_empty()),
        "the restarted server gave the owner's address away: {stranger:?}"
    );

    link.veth.b().set_mac(owner_mac).expect("client MAC");
    let again = Dhclient::new6(&link.client, link.client_iface(), Request6::Address)
        .expect("dhclient")
        .acquire6()
        .expect("owner gets its address back");
    assert_eq!(again.addresses.first().map(|a| a.address), Some(POOL.0));
}

/// At least 99 % of what perfdhcp sent in each exchange was answered.
fn assert_answered(report: &PerfReport) {
    let sa = report.solicit_advertise();
    let rr = report
        .request_reply()
        .unwrap_or_else(|| panic!("no REQUEST-REPLY statistics:\n{}", report.output));
    assert!(
        sa.sent > 0 && rr.sent > 0,
        "nothing sent:\n{}",
        report.output
    );
    for (name, stats) in [("SOLICIT-ADVERTISE", sa), ("REQUEST-REPLY", rr)] {
        assert!(
            stats.received * 100 >= stats.sent * 99,
            "{name}: {} of {} answered (< 99 %):\n{}",
            stats.received,
            stats.sent,
            report.output
        );
    }
}

/// How many assigned leases of `lease_type` are in `leases`, and that they are all in `net`/`len`
/// and of the expected prefix length.
fn count_leased(
    leases: &LeaseSet6,
    lease_type: LeaseType6,
    net: Ipv6Addr,
    len: u8,
    plen: u8,
) -> u64 {
    let rows = leases.leased_of(lease_type);
    for row in &rows {
        assert!(
            in_prefix(row.address, net, len) && row.prefix_len == plen,
            "{row:?} outside {net}/{len} or not /{plen}"
        );
    }
    rows.len() as u64
}

// V6-017 (the four-message exchange under load), V6-031 (every REPLY commits a lease),
// V6-070 (distinct addresses from the pool), V6-101 (persisted). perfdhcp -r 500 -p 5: at least
// 99 % of SOLICITs and REQUESTs answered, and a lease row per answered REQUEST (up to the few
// clients perfdhcp's random choice repeats).
#[test]
fn perfdhcp_load_is_answered_and_leased() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let server =
        Server::start6(&link.server, config(link.server_iface(), "WARN")).expect("server starts");
    let report = Perf6::new(link.client_iface())
        .rate(500, 5)
        .clients(1_000_000)
        .run(&link.client)
        .expect("perfdhcp runs");
    assert_answered(&report);
    let replies = report.leases_received();
    let leases = server.leases6().expect("lease file");
    let addresses = count_leased(&leases, LeaseType6::Address, POOL.0, 112, 128);
    assert!(
        addresses * 100 >= replies * 99,
        "{addresses} address leases for {replies} REPLYs"
    );
    assert!(leases.leased_of(LeaseType6::Prefix).is_empty());
}

// V6-033 (IA_NA and IA_PD together), V6-063/V6-070 (prefixes from the pd-pool): perfdhcp
// -e address-and-prefix, every answered client holds an address and a /64.
#[test]
fn perfdhcp_address_and_prefix() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let server =
        Server::start6(&link.server, config(link.server_iface(), "WARN")).expect("server starts");
    let report = Perf6::new(link.client_iface())
        .rate(100, 3)
        .clients(1_000_000)
        .lease(LeaseRequest6::AddressAndPrefix)
        .run(&link.client)
        .expect("perfdhcp runs");
    assert_answered(&report);
    let replies = report.leases_received();
    let leases = server.leases6().expect("lease file");
    let addresses = count_leased(&leases, LeaseType6::Address, POOL.0, 112, 128);
    let prefixes = count_leased(
        &leases,
        LeaseType6::Prefix,
        PD_PREFIX,
        PD_PREFIX_LEN,
        DELEGATED_LEN,
    );
    assert!(
        addresses * 100 >= replies * 99 && prefixes * 100 >= replies * 99,
        "{addresses} addresses and {prefixes} prefixes for {replies} REPLYs"
    );
    let duids = |t| -> BTreeSet<String> {
        leases
            .leased_of(t)
            .into_iter()
            .map(|l| l.duid.clone())
            .collect()
    };
    assert_eq!(
        duids(LeaseType6::Prefix),
        duids(LeaseType6::Address),
        "every client got both an address and a prefix"
    );
}

/// Subnets for the relay test: 1 on the link (by interface), 2 behind the relay
/// 2001:db8:1::10 (an address inside subnet 1's prefix), 3 matched by prefix only.
fn relay_config(iface: &str) -> Value {
    let mut dhcp6 = json!({
        "interfaces-config": {"interfaces": [iface]},
        "lease-database": persistent_memfile(),
        "subnet6": [
            {"id": 1, "subnet": "2001:db8:1::/64", "interface": iface,
             "pools": [{"pool": "2001:db8:1::1:0 - 2001:db8:1::1:ffff"}]},
            {"id": 3, "subnet": "2001:db8:3::/64",
             "pools": [{"pool": "2001:db8:3::1:0 - 2001:db8:3::1:ffff"}]},
            {"id": 2, "subnet": "2001:db8:2::/64",
             "pools": [{"pool": "2001:db8:2::1:0 - 2001:db8:2::1:ffff"}],
             "relay": {"ip-addresses": ["2001:db8:1::10"]}}
        ],
        "loggers": stdout_loggers_for(Family::V6, "INFO")
    });
    merge(&mut dhcp6, lifetimes());
    json!({ "Dhcp6": dhcp6 })
}

/// A few relayed exchanges; the new leases' (address, subnet id).
fn relayed_run(link: &DirectLink, server: &Server<'_>, mac_base: &str) -> Vec<(Ipv6Addr, u32)> {
    let before = server.leases6().expect("lease file").leased();
    let report = Perf6::new(link.client_iface())
        .rate(10, 2)
        .clients(8)
        .mac_base(mac_base)
        .relayed()
        .run(&link.client)
        .expect("perfdhcp runs");
    assert!(
        report.leases_received() > 0,
        "no relayed REPLY for {mac_base}:\n{}",
        report.output
    );
    let after = server.leases6().expect("lease file");
    let new: Vec<_> = after
        .leased()
        .difference(&before)
        .map(|a| (*a, after.get(*a).map_or(0, |l| l.subnet_id)))
        .collect();
    assert!(
        !new.is_empty(),
        "REPLYs but no new lease row for {mac_base}"
    );
    new
}

// V6-047/V6-048 (RELAY-REPL back to the relay), V6-053 (relayed: `relay.ip-addresses` holding
// the link-address beats a prefix containing it; else the prefix holding it), V6-054 (a
// link-local link-address counts as no relay: subnet by receiving interface, V6-052).
// perfdhcp -A1 is the relay; its link-address is the address of the interface it binds.
#[test]
fn perfdhcp_relayed_selects_subnet_by_link_address() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    // The relays' replies go to their own addresses: keep them on-link for the server.
    link.veth
        .a()
        .add_address("2001:db8:3::1/64")
        .expect("server address");
    let server =
        Server::start6(&link.server, relay_config(link.server_iface())).expect("server starts");

    let cases: [(Option<&str>, &str, u32, &str); 3] = [
        (
            Some("2001:db8:1::10/64"),
            "00:0c:0a:00:00:00",
            2,
            "2001:db8:2::",
        ),
        (
            Some("2001:db8:3::10/64"),
            "00:0c:0b:00:00:00",
            3,
            "2001:db8:3::",
        ),
        (None, "00:0c:0c:00:00:00", 1, "2001:db8:1::"),
    ];
    for (relay_addr, mac_base, subnet_id, net) in cases {
        if let Some(cidr) = relay_addr {
            link.veth.b().add_address(cidr).expect("relay address");
        }
        let net: Ipv6Addr = net.parse().expect("prefix");
        for (address, id) in relayed_run(&link, &server, mac_base) {
            assert_eq!(
                id, subnet_id,
                "relay {relay_addr:?}: {address} leased in subnet {id}"
            );
            assert!(
                in_prefix(address, net, 64),
                "relay {relay_addr:?}: {address} outside {net}/64"
            );
        }
        if let Some(cidr) = relay_addr {
            link.veth
                .b()
                .del_address(cidr)
                .expect("relay address removed");
        }
    }
}

// V6-008, CTL-081: ruru-dhcp6 writes its PID file (`dhcp6.kea-dhcp6.pid`); a second start with the
// same configuration finds the live first one and exits non-zero; an orderly stop removes the file.
#[test]
fn second_dhcp6_instance_refuses_to_start() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let mut server =
        Server::start6(&link.server, config(link.server_iface(), "INFO")).expect("server starts");
    let pid_file = server.dir().join("dhcp6.kea-dhcp6.pid");
    let ruru = server.subject() == ruru_e2e::Subject::Ruru;
    if ruru {
        let text = std::fs::read_to_string(&pid_file).expect("PID file written");
        assert_eq!(text.trim(), server.pid().unwrap().to_string());
    }
    let second = server.run_second_instance().expect("second instance runs");
    assert!(
        !second.status.success(),
        "a second instance must exit non-zero"
    );
    let said = String::from_utf8_lossy(&second.stderr).to_string()
        + &String::from_utf8_lossy(&second.stdout);
    assert!(
        said.contains("already running") || said.contains("ALREADY_RUNNING"),
        "{said}"
    );
    server.stop().expect("stops");
    if ruru {
        assert!(!pid_file.exists(), "PID file removed on exit");
    }
}
