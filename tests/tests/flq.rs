//! The free lease queue allocator (V4-055, V4-058) under load: perfdhcp, playing a relay, brings more
//! clients than a small pool has addresses.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::time::Duration;

use ruru_e2e::clients::perfdhcp::run_perfdhcp;
use ruru_e2e::config::{persistent_memfile, stdout_loggers};
use ruru_e2e::topology::loopback_relay;
use ruru_e2e::Server;
use serde_json::json;

const POOL: u32 = 20;

fn perf(ns: &ruru_e2e::Netns, mac_base: &str, clients: u32) -> u64 {
    let args =
        format!("-4 -l 127.0.0.2 -b mac={mac_base} -r 40 -n {clients} -R {clients} -p 4 127.0.0.1");
    run_perfdhcp(
        ns,
        &args.split_whitespace().collect::<Vec<_>>(),
        Duration::from_secs(30),
    )
    .ok()
    .and_then(|r| r.request_ack)
    .map_or(0, |r| r.received)
}

// V4-055, V4-058: `allocator: "flq"` is accepted and fills a 20-address pool completely with distinct
// addresses when 30 clients come; none is leased twice, and later clients find nothing.
#[test]
fn flq_fills_small_pool() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let first = Ipv4Addr::new(10, 0, 0, 10);
    let last = Ipv4Addr::from(u32::from(first) + POOL - 1);
    let config = json!({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "lease-database": persistent_memfile(),
        "valid-lifetime": 4000,
        "allocator": "flq",
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "pools": [{"pool": format!("{first} - {last}")}],
                     "relay": {"ip-addresses": ["127.0.0.2"]}}],
        "loggers": stdout_loggers("INFO")
    }});
    let server = Server::start(&ns, config).expect("server starts");
    assert!(
        !server.logs().contains("flq"),
        "flq warned about:\n{}",
        server.logs()
    );
    let acked = perf(&ns, "00:0c:01:00:00:00", POOL + 10);
    let leases = server.leases().expect("lease file");
    let leased = leases.leased();
    let pool: BTreeSet<Ipv4Addr> = (0..POOL)
        .map(|i| Ipv4Addr::from(u32::from(first) + i))
        .collect();
    assert_eq!(leased, pool, "pool not filled exactly ({acked} ACKs)");
    assert_eq!(acked, u64::from(POOL), "more ACKs than addresses");
    // A full pool stays full for newcomers.
    assert_eq!(perf(&ns, "00:0c:02:00:00:00", 5), 0);
}
