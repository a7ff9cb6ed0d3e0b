//! Relayed clients: perfdhcp plays a relay agent (giaddr = its local address) on the loopback of
//! a private namespace, and the server binds only 127.0.0.1 with UDP sockets.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::time::Duration;

use ruru_e2e::clients::perfdhcp::run_perfdhcp;
use ruru_e2e::config::{persistent_memfile, stdout_loggers};
use ruru_e2e::topology::loopback_relay;
use ruru_e2e::{LeaseSet, Netns, Server};
use serde_json::json;

/// Clients per relay run; small, the point is where they land.
const CLIENTS: u32 = 8;

/// Runs a few relayed DORAs from `relay` and returns the new leases with their subnet ids.
fn relay_run(ns: &Netns, server: &Server<'_>, relay: &str, mac_base: &str) -> Vec<(Ipv4Addr, u32)> {
    let before = server.leases().expect("lease file").leased();
    let args =
        format!("-4 -l {relay} -b {mac_base} -r 20 -n {CLIENTS} -R {CLIENTS} -p 5 127.0.0.1");
    let report = run_perfdhcp(
        ns,
        &args.split_whitespace().collect::<Vec<_>>(),
        Duration::from_secs(30),
    )
    .expect("perfdhcp runs");
    let acked = report.request_ack.as_ref().map_or(0, |r| r.received);
    assert!(acked > 0, "relay {relay} got no ACK:\n{}", report.output);
    let after: LeaseSet = server.leases().expect("lease file");
    let new: BTreeSet<Ipv4Addr> = after.leased().difference(&before).copied().collect();
    assert!(!new.is_empty(), "relay {relay}: ACKs but no new lease row");
    new.iter()
        .map(|a| (*a, after.get(*a).map_or(0, |l| l.subnet_id)))
        .collect()
}

fn in_prefix(a: Ipv4Addr, net: Ipv4Addr, len: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
    u32::from(a) & mask == u32::from(net) & mask
}

// V4-044: giaddr matching a subnet's `relay.ip-addresses` selects that subnet, ahead of giaddr
// matching a subnet prefix (rule 2 before rule 3); a giaddr listed nowhere falls back to the
// prefix match. V4-038: replies go back to the relay (perfdhcp only counts what reaches it).
#[test]
fn giaddr_selects_subnet_by_relay_address() {
    let ns = loopback_relay(&["127.0.0.2", "127.0.0.3", "127.0.0.4"]).expect("namespace");
    let config = json!({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "lease-database": persistent_memfile(),
        "valid-lifetime": 4000,
        "subnet4": [
            // Listed first and containing every giaddr: chosen only when no relay list matches.
            {"id": 30, "subnet": "127.0.0.0/8", "pools": [{"pool": "127.0.1.1 - 127.0.1.200"}]},
            {"id": 20, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.10 - 198.51.100.200"}],
             "relay": {"ip-addresses": ["127.0.0.3"]}},
            {"id": 10, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.200"}],
             "relay": {"ip-addresses": ["127.0.0.2"]}}
        ],
        "loggers": stdout_loggers("INFO")
    }});
    let server = Server::start(&ns, config).expect("server starts");

    let cases = [
        (
            "127.0.0.2",
            "mac=00:0c:02:00:00:00",
            10,
            Ipv4Addr::new(192, 0, 2, 0),
            24,
        ),
        (
            "127.0.0.3",
            "mac=00:0c:03:00:00:00",
            20,
            Ipv4Addr::new(198, 51, 100, 0),
            24,
        ),
        (
            "127.0.0.4",
            "mac=00:0c:04:00:00:00",
            30,
            Ipv4Addr::new(127, 0, 0, 0),
            8,
        ),
    ];
    for (relay, mac_base, subnet_id, net, len) in cases {
        for (address, id) in relay_run(&ns, &server, relay, mac_base) {
            assert_eq!(
                id, subnet_id,
                "relay {relay}: {address} leased in subnet {id}"
            );
            assert!(
                in_prefix(address, net, len),
                "relay {relay}: {address} outside {net}/{len}"
            );
        }
    }
}
