//! RFC 8925 IPv6-only preferred clients (V4-158, V4-159): perfdhcp, playing a relay, asks for option 108
//! in its parameter request list; the wire shows what the server answered.

use std::time::Duration;

use ruru_e2e::clients::perfdhcp::run_perfdhcp;
use ruru_e2e::config::{persistent_memfile, stdout_loggers};
use ruru_e2e::pcap::{DHCPACK, DHCPOFFER};
use ruru_e2e::topology::loopback_relay;
use ruru_e2e::{Capture, Server};
use serde_json::{json, Value};
use std::net::Ipv4Addr;

const V6ONLY: u8 = 108;

fn config(subnet_options: Value, global_options: Value) -> Value {
    json!({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "lease-database": persistent_memfile(),
        "valid-lifetime": 4000,
        "option-data": global_options,
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "pools": [{"pool": "10.0.0.10 - 10.0.0.250"}],
                     "relay": {"ip-addresses": ["127.0.0.2"]}, "option-data": subnet_options}],
        "loggers": stdout_loggers("INFO")
    }})
}

/// Runs a few relayed DORAs whose option 55 also lists 108 (perfdhcp's `-o 55,…` adds a second
/// option 55, which a server joins to the first as RFC 3396 says); the server's replies as captured.
fn exchanges(config: Value) -> (Vec<ruru_e2e::pcap::Dhcp4Packet>, usize) {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let server = Server::start(&ns, config).expect("server starts");
    let capture = Capture::start(&ns, "lo").expect("tcpdump starts");
    let args = "-4 -l 127.0.0.2 -b mac=00:0c:01:00:00:00 -o 55,6c -r 10 -n 4 -R 4 -p 3 127.0.0.1";
    run_perfdhcp(
        &ns,
        &args.split_whitespace().collect::<Vec<_>>(),
        Duration::from_secs(30),
    )
    .ok();
    std::thread::sleep(Duration::from_millis(1500));
    let packets = capture.stop().expect("capture read").packets;
    let leased = server.leases().expect("lease file").leased().len();
    let replies = packets
        .into_iter()
        .filter(|p| p.op == 2 && p.src_port == 67)
        .collect();
    (replies, leased)
}

// V4-158: 108 on the subnet and asked for → OFFER and ACK with yiaddr 0.0.0.0 and 108 = 1800; no lease.
#[test]
fn subnet_option_108_answers_without_address() {
    let (replies, leased) = exchanges(config(
        json!([{"name": "v6-only-preferred", "data": "1800"}]),
        json!([]),
    ));
    for kind in [DHCPOFFER, DHCPACK] {
        let of_kind: Vec<_> = replies
            .iter()
            .filter(|p| p.message_type == Some(kind))
            .collect();
        assert!(!of_kind.is_empty(), "no reply of type {kind}: {replies:?}");
        for p in of_kind {
            assert_eq!(p.yiaddr, Ipv4Addr::UNSPECIFIED, "{p:?}");
            assert_eq!(p.option(V6ONLY), Some(&1800u32.to_be_bytes()[..]), "{p:?}");
        }
    }
    assert_eq!(leased, 0, "an IPv6-only preferred client got a lease");
}

// V4-159: 108 only at the global level is an ordinary option: addresses are leased, and 108 is sent.
#[test]
fn global_option_108_is_ordinary() {
    let (replies, leased) = exchanges(config(
        json!([]),
        json!([{"name": "v6-only-preferred", "data": "1800"}]),
    ));
    let acks: Vec<_> = replies
        .iter()
        .filter(|p| p.message_type == Some(DHCPACK))
        .collect();
    assert!(!acks.is_empty(), "no ACK: {replies:?}");
    for p in acks {
        assert_ne!(p.yiaddr, Ipv4Addr::UNSPECIFIED, "{p:?}");
        assert_eq!(p.option(V6ONLY), Some(&1800u32.to_be_bytes()[..]), "{p:?}");
    }
    assert!(leased > 0, "no lease stored");
}
