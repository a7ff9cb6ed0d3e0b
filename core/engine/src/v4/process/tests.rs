//! Whole exchanges driven in-process against an in-memory store, on a virtual clock.

use crate::v4::{process, reclaim, Ingress4, Outcome4, ReclaimLimits, Snapshot4, Transport4};
use ruru_config::Subnet4;
use ruru_lease::{LeaseState, Memfile4, MemfileOptions};
use ruru_proto::v4::{code, rai, MessageType, Packet4};
use ruru_stats::Registry;
use serde_json::{json, Value};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::Arc;
use std::time::Duration;

const SERVER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const T0: u64 = 1_700_000_000;

/// A validated configuration from the inner `Dhcp4` map.
pub(crate) fn config(dhcp4: Value) -> ruru_config::Dhcp4Config {
    ruru_config::parse_dhcp4_value(&json!({ "Dhcp4": dhcp4 })).expect("test configuration is valid")
}

/// One subnet with default parameters, for unit tests of helpers.
pub(crate) fn subnet(prefix: &str) -> Subnet4 {
    let mut c = config(json!({"subnet4": [{"id": 1, "subnet": prefix}]}));
    c.subnets.remove(0)
}

struct Bench {
    snap: Snapshot4,
    store: Memfile4,
    reg: Registry,
    now: u64,
}

impl Bench {
    fn new(dhcp4: Value) -> Self {
        let reg = Registry::new();
        let transport = Transport4 {
            server_addresses: vec![SERVER],
            server_port: 67,
            client_port: 68,
            direct_send: true,
        };
        let snap = Snapshot4::build(Arc::new(config(dhcp4)), transport, &reg);
        let (store, _) = Memfile4::open(MemfileOptions::in_memory()).expect("memory store");
        Bench {
            snap,
            store,
            reg,
            now: T0,
        }
    }

    fn stat(&self, name: &str) -> i64 {
        self.reg
            .get(name)
            .unwrap_or_else(|| panic!("statistic {name} exists"))
    }

    fn run(&self, pkt: &Packet4, relayed_from: Option<Ipv4Addr>) -> Outcome4 {
        let src = relayed_from.unwrap_or(Ipv4Addr::UNSPECIFIED);
        let ing = Ingress4 {
            src: SocketAddrV4::new(src, if relayed_from.is_some() { 67 } else { 68 }),
            dst: if relayed_from.is_some() {
                SERVER
            } else {
                Ipv4Addr::BROADCAST
            },
            ifname: Some(Arc::from("eth0")),
            iface_addrs: Arc::from(vec![SERVER]),
            local_addr: SERVER,
        };
        let fut = process(&self.snap, &self.store, pkt, &ing, self.now);
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(fut)
            .expect("store ok")
    }

    fn reply(&self, pkt: &Packet4, relayed_from: Option<Ipv4Addr>) -> Packet4 {
        match self.run(pkt, relayed_from) {
            Outcome4::Reply { packet, .. } => packet,
            other => panic!("expected a reply, got {other:?}"),
        }
    }

    /// One reclamation cycle without limits, keeping reclaimed rows (affinity).
    fn reclaim(&self, now: u64) -> crate::v4::ReclaimReport {
        let limits = ReclaimLimits {
            max_leases: 0,
            max_time: Duration::ZERO,
            remove: false,
        };
        let fut = reclaim(&self.snap, &self.store, now, limits);
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(fut)
            .expect("store ok")
    }

    fn lease(&self, a: Ipv4Addr) -> Option<ruru_lease::Lease4> {
        self.store.get4_sync(a)
    }

    /// DISCOVER then REQUEST; returns the ACKed address.
    fn dora(&self, mac: u8) -> Ipv4Addr {
        let offer = self.reply(&query(MessageType::Discover, mac), None);
        assert_eq!(offer.message_type(), Some(MessageType::Offer));
        let ack = self.reply(&selecting(mac, offer.yiaddr), None);
        assert_eq!(ack.message_type(), Some(MessageType::Ack));
        assert_eq!(ack.yiaddr, offer.yiaddr);
        ack.yiaddr
    }
}

fn query(msg: MessageType, mac: u8) -> Packet4 {
    let mut p = Packet4 {
        op: 1,
        htype: 1,
        hlen: 6,
        xid: 0x1000 + u32::from(mac),
        ..Default::default()
    };
    p.chaddr[..6].copy_from_slice(&[0x02, 0, 0, 0, 0, mac]);
    p.options.insert(code::MESSAGE_TYPE, &[u8::from(msg)]);
    p
}

fn selecting(mac: u8, addr: Ipv4Addr) -> Packet4 {
    let mut p = query(MessageType::Request, mac);
    p.options.insert(code::SERVER_ID, &SERVER.octets());
    p.options.insert(code::REQUESTED_ADDRESS, &addr.octets());
    p
}

fn basic() -> Value {
    json!({
        "valid-lifetime": 4000,
        "renew-timer": 1000,
        "rebind-timer": 2000,
        "option-data": [{"name": "domain-name-servers", "data": "192.0.2.53"}],
        "subnet4": [{
            "id": 1, "subnet": "192.0.2.0/24",
            "pools": [{"pool": "192.0.2.10 - 192.0.2.12"}],
            "option-data": [{"name": "routers", "data": "192.0.2.1"}],
            "reservations": [{"hw-address": "02:00:00:00:00:99", "ip-address": "192.0.2.50", "hostname": "printer"}]
        }]
    })
}

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

// V4-026, V4-028, V4-056, V4-043, V4-063, V4-165, V4-166
#[test]
fn dora_allocates_consecutive_addresses_and_counts() {
    let b = Bench::new(basic());
    assert_eq!(b.dora(1), ip("192.0.2.10"));
    assert_eq!(b.dora(2), ip("192.0.2.11"));
    let ack = b.reply(&selecting(1, ip("192.0.2.10")), None);
    assert_eq!(
        ack.options.get(code::LEASE_TIME),
        Some(&4000u32.to_be_bytes()[..])
    );
    assert_eq!(
        ack.options.get(code::RENEWAL_TIME),
        Some(&1000u32.to_be_bytes()[..])
    );
    assert_eq!(
        ack.options.get(code::REBINDING_TIME),
        Some(&2000u32.to_be_bytes()[..])
    );
    assert_eq!(
        ack.options.get(code::SUBNET_MASK),
        Some(&[255, 255, 255, 0][..])
    );
    assert_eq!(ack.options.get(code::ROUTERS), Some(&[192, 0, 2, 1][..]));
    assert_eq!(
        ack.options.get(code::DOMAIN_NAME_SERVERS),
        Some(&[192, 0, 2, 53][..])
    );
    assert_eq!(ack.options.get(code::SERVER_ID), Some(&SERVER.octets()[..]));
    let l = b.lease(ip("192.0.2.10")).expect("lease stored");
    assert_eq!(l.hwaddr.unwrap().as_bytes(), &[2, 0, 0, 0, 0, 1]);
    assert_eq!((l.cltt, l.valid_lifetime, l.subnet_id), (T0, 4000, 1));
    assert_eq!(b.stat("subnet[1].assigned-addresses"), 2);
    assert_eq!(b.stat("subnet[1].total-addresses"), 3);
    assert_eq!(b.stat("cumulative-assigned-addresses"), 2);
    assert_eq!(b.stat("pkt4-discover-received"), 2);
    assert_eq!(b.stat("pkt4-request-received"), 3);
}

// V4-026: a DISCOVER stores nothing without offer-lifetime.
#[test]
fn offer_stores_nothing() {
    let b = Bench::new(basic());
    let offer = b.reply(&query(MessageType::Discover, 1), None);
    assert!(b.lease(offer.yiaddr).is_none());
}

// V4-088, V4-096: the reserved MAC gets its reserved address and host name.
#[test]
fn reservation_by_hw_address() {
    let b = Bench::new(basic());
    let mut d = query(MessageType::Discover, 0x99);
    d.options.insert(code::PARAMETER_REQUEST_LIST, &[1, 3, 12]);
    let offer = b.reply(&d, None);
    assert_eq!(offer.yiaddr, ip("192.0.2.50"));
    assert_eq!(offer.options.get(code::HOST_NAME), Some(&b"printer"[..]));
    assert_eq!(b.dora(0x99), ip("192.0.2.50"));
}

// V4-027, V4-061: an exhausted subnet stays silent and counts the failure.
#[test]
fn exhaustion_drops_and_counts() {
    let b = Bench::new(basic());
    for mac in 1..=3 {
        b.dora(mac);
    }
    assert!(matches!(
        b.run(&query(MessageType::Discover, 4), None),
        Outcome4::Drop(_)
    ));
    assert_eq!(b.stat("v4-allocation-fail"), 1);
    assert_eq!(b.stat("v4-allocation-fail-subnet"), 1);
    assert_eq!(b.stat("subnet[1].v4-allocation-fail-subnet"), 1);
    assert_eq!(b.stat("pkt4-receive-drop"), 1);
}

// V4-028: a REQUEST for another client's address is NAKed.
#[test]
fn request_for_foreign_lease_is_naked() {
    let b = Bench::new(basic());
    let a = b.dora(1);
    let nak = b.reply(&selecting(2, a), None);
    assert_eq!(nak.message_type(), Some(MessageType::Nak));
    assert_eq!(nak.yiaddr, Ipv4Addr::UNSPECIFIED);
}

// V4-018: a REQUEST naming another server is dropped.
#[test]
fn foreign_server_id_dropped() {
    let b = Bench::new(basic());
    let mut r = selecting(1, ip("192.0.2.10"));
    r.options.insert(code::SERVER_ID, &[10, 9, 9, 9]);
    assert!(matches!(b.run(&r, None), Outcome4::Drop(_)));
    assert_eq!(b.stat("pkt4-receive-drop"), 1);
}

// V4-029: INIT-REBOOT: own address ACKed, other NAKed, unknown silent unless authoritative.
#[test]
fn init_reboot_cases() {
    let init_reboot = |mac, a: Ipv4Addr| {
        let mut p = query(MessageType::Request, mac);
        p.options.insert(code::REQUESTED_ADDRESS, &a.octets());
        p
    };
    let b = Bench::new(basic());
    let a = b.dora(1);
    assert_eq!(
        b.reply(&init_reboot(1, a), None).message_type(),
        Some(MessageType::Ack)
    );
    assert_eq!(
        b.reply(&init_reboot(1, ip("192.0.2.11")), None)
            .message_type(),
        Some(MessageType::Nak)
    );
    assert!(matches!(
        b.run(&init_reboot(7, ip("192.0.2.12")), None),
        Outcome4::Drop(_)
    ));
    let mut cfg = basic();
    cfg["authoritative"] = json!(true);
    let b = Bench::new(cfg);
    assert_eq!(
        b.reply(&init_reboot(7, ip("192.0.2.12")), None)
            .message_type(),
        Some(MessageType::Nak)
    );
}

// V4-030: renewing extends the lease and echoes ciaddr.
#[test]
fn renew_extends() {
    let mut b = Bench::new(basic());
    let a = b.dora(1);
    b.now += 500;
    let mut renew = query(MessageType::Request, 1);
    renew.ciaddr = a;
    let ack = b.reply(&renew, None);
    assert_eq!(
        (ack.message_type(), ack.ciaddr, ack.yiaddr),
        (Some(MessageType::Ack), a, a)
    );
    assert_eq!(b.lease(a).unwrap().cltt, T0 + 500);
    assert_eq!(
        b.stat("subnet[1].assigned-addresses"),
        1,
        "a renewal is not a new assignment"
    );
}

// V4-033: RELEASE deletes the lease (affinity off) and no reply is sent.
#[test]
fn release_deletes() {
    let mut cfg = basic();
    cfg["expired-leases-processing"] = json!({"flush-reclaimed-timer-wait-time": 0});
    let b = Bench::new(cfg);
    let a = b.dora(1);
    let mut rel = query(MessageType::Release, 1);
    rel.ciaddr = a;
    assert!(matches!(b.run(&rel, None), Outcome4::Done));
    assert!(b.lease(a).is_none());
    assert_eq!(b.stat("subnet[1].assigned-addresses"), 0);
    // V4-071: someone else's RELEASE is ignored.
    let a2 = b.dora(2);
    let mut rel = query(MessageType::Release, 3);
    rel.ciaddr = a2;
    b.run(&rel, None);
    assert!(b.lease(a2).is_some());
}

// V4-033: with affinity the released lease stays in state 3.
#[test]
fn release_with_affinity_keeps_row() {
    let b = Bench::new(basic());
    let a = b.dora(1);
    let mut rel = query(MessageType::Release, 1);
    rel.ciaddr = a;
    b.run(&rel, None);
    assert_eq!(b.lease(a).unwrap().state, LeaseState::Released);
    assert_eq!(b.stat("subnet[1].assigned-addresses"), 0);
    // Reclaiming the released lease does not count it out a second time.
    b.reclaim(b.now + 1);
    assert_eq!(b.lease(a).unwrap().state, LeaseState::ExpiredReclaimed);
    assert_eq!(b.stat("subnet[1].assigned-addresses"), 0);
    // The returning client gets its address back.
    assert_eq!(b.dora(1), a);
    assert_eq!(b.stat("subnet[1].assigned-addresses"), 1);
}

// V4-034, V4-168, V4-173: DECLINE puts the address in probation, identity cleared.
#[test]
fn decline_probation() {
    let b = Bench::new(basic());
    let a = b.dora(1);
    let mut dec = query(MessageType::Decline, 1);
    dec.options.insert(code::REQUESTED_ADDRESS, &a.octets());
    assert!(matches!(b.run(&dec, None), Outcome4::Done));
    let l = b.lease(a).unwrap();
    assert_eq!(l.state, LeaseState::Declined);
    assert_eq!(l.expire(), T0 + 86400);
    assert!(l.hwaddr.is_none() && l.client_id.is_none());
    assert_eq!(b.stat("declined-addresses"), 1);
    assert_eq!(b.stat("subnet[1].declined-addresses"), 1);
    assert_eq!(b.stat("subnet[1].assigned-addresses"), 1);
}

// V4-077, V4-078, V4-167: reclamation after expiry and after probation.
#[test]
fn reclamation_moves_counters() {
    let mut b = Bench::new(basic());
    let a = b.dora(1);
    let d = b.dora(2);
    let mut dec = query(MessageType::Decline, 2);
    dec.options.insert(code::REQUESTED_ADDRESS, &d.octets());
    b.run(&dec, None);
    b.now += 86_401;
    let r = b.reclaim(b.now);
    assert_eq!(r.reclaimed, 2);
    assert_eq!(b.lease(a).unwrap().state, LeaseState::ExpiredReclaimed);
    assert!(b.lease(d).is_none(), "a declined address is freed");
    assert_eq!(b.stat("reclaimed-leases"), 2);
    assert_eq!(b.stat("subnet[1].reclaimed-leases"), 2);
    assert_eq!(b.stat("declined-addresses"), 0);
    assert_eq!(b.stat("reclaimed-declined-addresses"), 1);
    assert_eq!(b.stat("subnet[1].assigned-addresses"), 0);
}

// V4-035: INFORM gets configuration, no lease and no lease time.
#[test]
fn inform_answers_without_lease() {
    let b = Bench::new(basic());
    let mut inf = query(MessageType::Inform, 5);
    inf.ciaddr = ip("192.0.2.200");
    let ack = b.reply(&inf, Some(ip("192.0.2.200")));
    assert_eq!(ack.message_type(), Some(MessageType::Ack));
    assert_eq!(
        (ack.yiaddr, ack.ciaddr),
        (Ipv4Addr::UNSPECIFIED, ip("192.0.2.200"))
    );
    assert!(!ack.options.contains(code::LEASE_TIME));
    assert!(ack.options.contains(code::ROUTERS));
    assert_eq!(b.store.count4_sync(), 0);
}

// V4-044, V4-041: relayed queries land in the subnet whose relay address matches; 82 is echoed.
#[test]
fn relay_selects_subnet_and_echoes_82() {
    let b = Bench::new(json!({
        "subnet4": [
            {"id": 1, "subnet": "10.1.0.0/24", "pools": [{"pool": "10.1.0.10-10.1.0.20"}], "relay": {"ip-addresses": ["10.9.9.1"]}},
            {"id": 2, "subnet": "10.2.0.0/24", "pools": [{"pool": "10.2.0.10-10.2.0.20"}], "relay": {"ip-addresses": ["10.9.9.2"]}}
        ]
    }));
    let mut d = query(MessageType::Discover, 1);
    d.giaddr = ip("10.9.9.2");
    let rai_bytes = [rai::CIRCUIT_ID, 3, b'e', b't', b'h'];
    d.options.insert(code::RELAY_AGENT_INFO, &rai_bytes);
    match b.run(&d, Some(ip("10.9.9.2"))) {
        Outcome4::Reply { packet, to, .. } => {
            assert_eq!(packet.yiaddr, ip("10.2.0.10"));
            assert_eq!(
                packet.options.get(code::RELAY_AGENT_INFO),
                Some(&rai_bytes[..])
            );
            assert_eq!(
                to.addr,
                SocketAddrV4::new(ip("10.9.9.2"), 67),
                "V4-038: answered to the relay"
            );
        }
        other => panic!("{other:?}"),
    }
}

// V4-107, V4-108: precedence and always/never-send.
#[test]
fn option_precedence_and_send_flags() {
    let b = Bench::new(json!({
        "option-data": [
            {"name": "ntp-servers", "data": "10.0.0.1"},
            {"name": "log-servers", "data": "10.0.0.2", "always-send": true},
            {"name": "domain-name-servers", "data": "10.0.0.3"}
        ],
        "subnet4": [{
            "id": 1, "subnet": "192.0.2.0/24",
            "pools": [{"pool": "192.0.2.10 - 192.0.2.12", "option-data": [{"name": "ntp-servers", "data": "10.0.0.9"}]}],
            "option-data": [{"name": "ntp-servers", "data": "10.0.0.5"}, {"name": "domain-name-servers", "data": "10.0.0.3", "never-send": true}]
        }]
    }));
    let mut d = query(MessageType::Discover, 1);
    d.options.insert(code::PARAMETER_REQUEST_LIST, &[42, 6]);
    let offer = b.reply(&d, None);
    assert_eq!(
        offer.options.get(42),
        Some(&[10, 0, 0, 9][..]),
        "pool beats subnet beats global"
    );
    assert_eq!(
        offer.options.get(7),
        Some(&[10, 0, 0, 2][..]),
        "always-send, unrequested"
    );
    assert!(
        !offer.options.contains(6),
        "never-send wins even when requested"
    );
}

// V4-032, V4-046: a full member sends the client to its sibling.
#[test]
fn shared_network_overflow() {
    let b = Bench::new(json!({
        "shared-networks": [{
            "name": "net",
            "relay": {"ip-addresses": ["10.9.9.1"]},
            "subnet4": [
                {"id": 1, "subnet": "10.1.0.0/24", "pools": [{"pool": "10.1.0.10-10.1.0.10"}]},
                {"id": 2, "subnet": "10.2.0.0/24", "pools": [{"pool": "10.2.0.10-10.2.0.10"}],
                 "option-data": [{"name": "routers", "data": "10.2.0.1"}]}
            ]
        }]
    }));
    let relayed = |mac, msg| {
        let mut p = query(msg, mac);
        p.giaddr = ip("10.9.9.1");
        p
    };
    assert_eq!(
        b.reply(&relayed(1, MessageType::Discover), Some(ip("10.9.9.1")))
            .yiaddr,
        ip("10.1.0.10")
    );
    let mut r = relayed(1, MessageType::Request);
    r.options.insert(code::SERVER_ID, &SERVER.octets());
    r.options
        .insert(code::REQUESTED_ADDRESS, &ip("10.1.0.10").octets());
    b.reply(&r, Some(ip("10.9.9.1")));
    let offer = b.reply(&relayed(2, MessageType::Discover), Some(ip("10.9.9.1")));
    assert_eq!(offer.yiaddr, ip("10.2.0.10"));
    assert_eq!(
        offer.options.get(code::ROUTERS),
        Some(&[10, 2, 0, 1][..]),
        "the member's own options"
    );
}

// V4-042: echo-client-id.
#[test]
fn client_id_echo() {
    for (echo, expected) in [(true, true), (false, false)] {
        let mut cfg = basic();
        cfg["echo-client-id"] = json!(echo);
        let b = Bench::new(cfg);
        let mut d = query(MessageType::Discover, 1);
        d.options.insert(code::CLIENT_ID, &[1, 2, 0, 0, 0, 0, 1]);
        assert_eq!(
            b.reply(&d, None).options.contains(code::CLIENT_ID),
            expected
        );
    }
}

// V4-067: the same client-id with a new MAC keeps its address.
#[test]
fn client_id_wins_over_mac() {
    let b = Bench::new(basic());
    let with_cid = |msg, mac| {
        let mut p = query(msg, mac);
        p.options.insert(code::CLIENT_ID, &[0xff, 1, 2, 3]);
        p
    };
    let offer = b.reply(&with_cid(MessageType::Discover, 1), None);
    let mut req = with_cid(MessageType::Request, 1);
    req.options.insert(code::SERVER_ID, &SERVER.octets());
    req.options
        .insert(code::REQUESTED_ADDRESS, &offer.yiaddr.octets());
    b.reply(&req, None);
    assert_eq!(
        b.reply(&with_cid(MessageType::Discover, 9), None).yiaddr,
        offer.yiaddr
    );
}

// V4-015, V4-016: server messages and BOOTP are dropped.
#[test]
fn non_queries_dropped() {
    let b = Bench::new(basic());
    assert!(matches!(
        b.run(&query(MessageType::Offer, 1), None),
        Outcome4::Drop(_)
    ));
    let mut bootp = query(MessageType::Discover, 1);
    bootp.options.remove(code::MESSAGE_TYPE);
    assert!(matches!(b.run(&bootp, None), Outcome4::Drop(_)));
    assert_eq!(b.stat("pkt4-offer-received"), 1);
    assert_eq!(b.stat("pkt4-receive-drop"), 2);
}

// V4-065: within cache-threshold a renewal reuses the lease (no write, remaining time in 51);
// past it the lease is rewritten.
#[test]
fn cache_threshold_reuses_then_rewrites() {
    let mut cfg = basic();
    cfg["valid-lifetime"] = json!(2000);
    cfg["renew-timer"] = json!(500);
    cfg["rebind-timer"] = json!(1000);
    cfg["cache-threshold"] = json!(0.25);
    let mut b = Bench::new(cfg);
    let a = b.dora(1);
    let renew = || {
        let mut r = query(MessageType::Request, 1);
        r.ciaddr = a;
        r
    };
    b.now += 100;
    let ack = b.reply(&renew(), None);
    assert_eq!(
        ack.options.get(code::LEASE_TIME),
        Some(&1900u32.to_be_bytes()[..])
    );
    assert_eq!(b.lease(a).unwrap().cltt, T0, "reused: nothing written");
    assert_eq!(b.stat("v4-lease-reuses"), 1);
    assert_eq!(b.stat("subnet[1].v4-lease-reuses"), 1);
    b.now += 500;
    let ack = b.reply(&renew(), None);
    assert_eq!(
        ack.options.get(code::LEASE_TIME),
        Some(&2000u32.to_be_bytes()[..])
    );
    assert_eq!(
        b.lease(a).unwrap().cltt,
        T0 + 600,
        "past the threshold: rewritten"
    );
}
