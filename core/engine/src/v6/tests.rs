//! Whole DHCPv6 exchanges driven in-process against an in-memory store, on a virtual clock.

use super::{
    process, reclaim, DropReason6, Ingress6, Outcome6, ReclaimLimits, Snapshot6, Transport6,
};
use crate::contended::{Contended6, THEIRS};
use ruru_lease::{LeaseState, LeaseStore6, LeaseType, Memfile6, MemfileOptions};
use ruru_proto::v6::{
    code, status, Ia, IaAddr, IaPrefix, Message6, MessageType, Options6, Packet6, PdExclude,
    RelayHeader, RelayKind, StatusCode,
};
use ruru_stats::Registry;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::net::{Ipv6Addr, SocketAddrV6};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

const T0: u64 = 1_700_000_000;
const SERVER_DUID: [u8; 10] = [0, 3, 0, 1, 0xaa, 0xbb, 0xcc, 0, 0, 1];
const ALL_SERVERS: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 1, 2);

fn config(dhcp6: Value) -> ruru_config::Dhcp6Config {
    ruru_config::parse_dhcp6_value(&json!({ "Dhcp6": dhcp6 })).expect("test configuration is valid")
}

fn ip(s: &str) -> Ipv6Addr {
    s.parse().expect("address")
}

struct Bench<S = Memfile6> {
    snap: Snapshot6,
    store: S,
    reg: Registry,
    now: u64,
}

/// One subnet on `eth0` with an address pool and a prefix pool.
fn basic() -> Value {
    json!({
        "preferred-lifetime": 3000, "valid-lifetime": 4000,
        "subnet6": [{
            "id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
            "pools": [{"pool": "2001:db8:1::100 - 2001:db8:1::1ff"}],
            "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 64}]
        }]
    })
}

impl Bench {
    fn new(dhcp6: Value) -> Self {
        let reg = Registry::new();
        let transport = Transport6 {
            server_duid: SERVER_DUID.to_vec(),
            server_port: 547,
            client_port: 546,
            client_port_forced: false,
        };
        let snap = Snapshot6::build(Arc::new(config(dhcp6)), transport, &reg);
        let (store, _) = Memfile6::open(MemfileOptions::in_memory()).expect("memory store");
        Bench {
            snap,
            store,
            reg,
            now: T0,
        }
    }

    /// From now on the store is shared with another server that renews each lease between this
    /// server's read and its write (LC-116).
    fn contended(self) -> Bench<Contended6> {
        Bench {
            store: Contended6(self.store),
            snap: self.snap,
            reg: self.reg,
            now: self.now,
        }
    }
}

impl<S: LeaseStore6> Bench<S> {
    fn stat(&self, name: &str) -> i128 {
        self.reg
            .get(name)
            .unwrap_or_else(|| panic!("statistic {name} exists"))
    }

    fn run_from(&self, pkt: &Packet6, src: Ipv6Addr, dst: Ipv6Addr) -> Outcome6 {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        self.run_on(&rt, pkt, src, dst)
    }

    /// `pkt` received on `eth0` from `src` (546, or 547 for a relay) to `dst`, processed on `rt`.
    fn run_on(
        &self,
        rt: &tokio::runtime::Runtime,
        pkt: &Packet6,
        src: Ipv6Addr,
        dst: Ipv6Addr,
    ) -> Outcome6 {
        let ing = Ingress6 {
            src: SocketAddrV6::new(src, if pkt.relays.is_empty() { 546 } else { 547 }, 0, 2),
            dst,
            ifname: Some("eth0".into()),
        };
        rt.block_on(process(&self.snap, &self.store, pkt, &ing, self.now))
            .expect("store works")
    }

    fn run(&self, pkt: &Packet6) -> Outcome6 {
        self.run_from(pkt, ip("fe80::1"), ALL_SERVERS)
    }

    /// One reclamation cycle without limits, keeping reclaimed rows (affinity); how many.
    fn reclaim(&self) -> usize {
        self.reclaim_removing(false)
    }

    /// One reclamation cycle without limits; `remove`: reclaimed rows are deleted. How many.
    fn reclaim_removing(&self, remove: bool) -> usize {
        let limits = ReclaimLimits {
            max_leases: 0,
            max_time: Duration::ZERO,
            remove,
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        rt.block_on(reclaim(&self.snap, &self.store, self.now, limits))
            .expect("store works")
            .reclaimed
    }

    fn reply(&self, pkt: &Packet6) -> Packet6 {
        match self.run(pkt) {
            Outcome6::Reply { packet, .. } => packet,
            Outcome6::Drop(r) => panic!("dropped: {r:?}"),
        }
    }
}

fn duid(n: u8) -> Vec<u8> {
    vec![0, 3, 0, 1, 2, 0, 0, 0, 0, n]
}

/// One IA of a test message: option code, IAID, and an optional hint (address or prefix, length).
type IaSpec = (u16, u32, Option<(Ipv6Addr, u8)>);

/// A message from client `n` with the given IAs.
fn msg(t: MessageType, n: u8, ias: &[IaSpec]) -> Packet6 {
    let mut m = Message6::new(t, 0x1234);
    m.options.push(code::CLIENTID, &duid(n));
    for &(c, iaid, hint) in ias {
        let mut ia = Ia {
            iaid,
            t1: 0,
            t2: 0,
            options: Options6::new(),
        };
        if let Some((a, len)) = hint {
            if c == code::IA_PD {
                let p = IaPrefix {
                    preferred: 0,
                    valid: 0,
                    prefix_len: len,
                    prefix: a,
                    options: Options6::new(),
                };
                ia.options.push_typed(code::IAPREFIX, &p).unwrap();
            } else {
                let p = IaAddr {
                    address: a,
                    preferred: 0,
                    valid: 0,
                    options: Options6::new(),
                };
                ia.options.push_typed(code::IAADDR, &p).unwrap();
            }
        }
        m.options.push_typed(c, &ia).unwrap();
    }
    Packet6::direct(m)
}

fn with_server_id(mut p: Packet6) -> Packet6 {
    p.message.options.push(code::SERVERID, &SERVER_DUID);
    p
}

/// The IAs of an answer, with their type code.
fn ias(p: &Packet6) -> Vec<(u16, Ia)> {
    p.message
        .options
        .iter()
        .filter(|(c, _)| *c == code::IA_NA || *c == code::IA_PD)
        .map(|(c, d)| (c, ruru_proto::v6::OptionValue::decode(d).unwrap()))
        .collect()
}

fn addr_of(ia: &Ia) -> IaAddr {
    ia.options
        .typed::<IaAddr>(code::IAADDR)
        .expect("IAADDR")
        .unwrap()
}

fn prefix_of(ia: &Ia) -> IaPrefix {
    ia.options
        .typed::<IaPrefix>(code::IAPREFIX)
        .expect("IAPREFIX")
        .unwrap()
}

fn status_of(opts: &Options6) -> Option<u16> {
    opts.typed::<StatusCode>(code::STATUS_CODE)
        .map(|s| s.unwrap().code)
}

// V6-027, V6-046, V6-092: SOLICIT → ADVERTISE with the transaction id, client-id, server-id and an
// address, nothing stored, no assignment statistic moved.
#[test]
fn v6_027_solicit_advertises_without_storing() {
    let b = Bench::new(basic());
    let q = msg(MessageType::Solicit, 1, &[(code::IA_NA, 7, None)]);
    let a = b.reply(&q);
    assert_eq!(a.message.msg_type, MessageType::Advertise);
    assert_eq!(a.message.transaction_id, 0x1234);
    assert_eq!(a.message.options.get(code::CLIENTID), Some(&duid(1)[..]));
    assert_eq!(
        a.message.options.get(code::SERVERID),
        Some(&SERVER_DUID[..])
    );
    let got = ias(&a);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1.iaid, 7);
    assert_eq!(addr_of(&got[0].1).address, ip("2001:db8:1::100"));
    assert_eq!(b.store.count6_sync(), 0);
    assert_eq!(b.stat("subnet[1].assigned-nas"), 0);
    assert_eq!(b.stat("pkt6-solicit-received"), 1);
}

// V6-031, V6-185, V6-186, V6-078, V6-079: REQUEST stores the lease with the configured lifetimes and
// T1/T2 from the preferred lifetime; asking again gives the same lease, not a second one.
#[test]
fn v6_031_request_commits_and_is_stable() {
    let b = Bench::new(basic());
    let q = with_server_id(msg(MessageType::Request, 1, &[(code::IA_NA, 7, None)]));
    let r = b.reply(&q);
    assert_eq!(r.message.msg_type, MessageType::Reply);
    let (_, ia) = &ias(&r)[0];
    let a = addr_of(ia);
    assert_eq!((a.preferred, a.valid), (3000, 4000));
    assert_eq!((ia.t1, ia.t2), (1500, 2400));
    assert_eq!(status_of(&ia.options), None, "a served IA has no status");
    let l = b.store.get6_sync(LeaseType::Na, a.address).expect("stored");
    assert_eq!(l.iaid, 7);
    assert_eq!(b.stat("subnet[1].assigned-nas"), 1);
    assert_eq!(b.stat("subnet[1].pool[0].assigned-nas"), 1);
    assert_eq!(b.stat("cumulative-assigned-nas"), 1);
    let again = b.reply(&q);
    assert_eq!(addr_of(&ias(&again)[0].1).address, a.address);
    assert_eq!(b.store.count6_sync(), 1);
    assert_eq!(b.stat("subnet[1].assigned-nas"), 1);
}

// V6-033, V6-045: two IA_NA and one IA_PD are answered in order; IAIDs 1 and 2 get different
// addresses.
#[test]
fn v6_033_several_ias() {
    let b = Bench::new(basic());
    let q = with_server_id(msg(
        MessageType::Request,
        1,
        &[
            (code::IA_NA, 1, None),
            (code::IA_NA, 2, None),
            (code::IA_PD, 3, None),
        ],
    ));
    let got = ias(&b.reply(&q));
    assert_eq!(
        got.iter().map(|(c, ia)| (*c, ia.iaid)).collect::<Vec<_>>(),
        [(code::IA_NA, 1), (code::IA_NA, 2), (code::IA_PD, 3)]
    );
    assert_ne!(addr_of(&got[0].1).address, addr_of(&got[1].1).address);
    let p = prefix_of(&got[2].1);
    assert_eq!((p.prefix, p.prefix_len), (ip("2001:db8:8::"), 64));
    assert_eq!(b.stat("subnet[1].assigned-pds"), 1);
    assert_eq!(b.stat("subnet[1].pd-pool[0].assigned-pds"), 1);
    assert_eq!(b.stat("subnet[1].total-pds"), 256);
    assert_eq!(b.stat("subnet[1].total-nas"), 256);
}

// V6-029, V6-039: without pd-pools the IA_PD gets NoPrefixAvail inside the IA while the IA_NA is
// served; the answer is still sent.
#[test]
fn v6_039_prefix_refused_address_served() {
    let b = Bench::new(
        json!({"subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
        "pools": [{"pool": "2001:db8:1::/120"}]}]}),
    );
    let q = msg(
        MessageType::Solicit,
        1,
        &[(code::IA_NA, 1, None), (code::IA_PD, 2, None)],
    );
    let got = ias(&b.reply(&q));
    assert_eq!(status_of(&got[0].1.options), None);
    assert_eq!(status_of(&got[1].1.options), Some(status::NO_PREFIX_AVAIL));
    assert_eq!((got[1].1.t1, got[1].1.t2), (0, 0));
    assert_eq!(b.stat("v6-allocation-fail-no-pools"), 1);
}

// V6-032: rapid commit answers a SOLICIT with a REPLY carrying option 14 and stores the lease.
#[test]
fn v6_032_rapid_commit() {
    let mut cfg = basic();
    cfg["subnet6"][0]["rapid-commit"] = json!(true);
    let b = Bench::new(cfg);
    let mut q = msg(MessageType::Solicit, 1, &[(code::IA_NA, 1, None)]);
    q.message.options.push(code::RAPID_COMMIT, &[]);
    let r = b.reply(&q);
    assert_eq!(r.message.msg_type, MessageType::Reply);
    assert!(r.message.options.contains(code::RAPID_COMMIT));
    assert_eq!(b.store.count6_sync(), 1);
}

// V6-019, V6-021, V6-022: SOLICIT with a server-id, REQUEST with another server's DUID, and a unicast
// SOLICIT are dropped and counted.
#[test]
fn v6_019_021_022_drops() {
    let b = Bench::new(basic());
    let q = with_server_id(msg(MessageType::Solicit, 1, &[(code::IA_NA, 1, None)]));
    assert!(matches!(
        b.run(&q),
        Outcome6::Drop(DropReason6::RequiredOptions)
    ));
    let mut q = msg(MessageType::Request, 1, &[(code::IA_NA, 1, None)]);
    q.message
        .options
        .push(code::SERVERID, &[0, 2, 0, 0, 0, 9, 1, 2, 3]);
    assert!(matches!(
        b.run(&q),
        Outcome6::Drop(DropReason6::ServerIdMismatch)
    ));
    let q = msg(MessageType::Solicit, 1, &[(code::IA_NA, 1, None)]);
    assert!(matches!(
        b.run_from(&q, ip("fe80::1"), ip("fe80::2")),
        Outcome6::Drop(DropReason6::Unicast)
    ));
    let q = msg(MessageType::Renew, 1, &[(code::IA_NA, 1, None)]);
    assert!(
        matches!(b.run(&q), Outcome6::Drop(DropReason6::RequiredOptions)),
        "RENEW needs a server-id"
    );
    assert_eq!(b.stat("pkt6-receive-drop"), 4);
}

// V6-035, V6-038: RENEW extends the client's lease; an address it lists that it does not hold comes
// back with zero lifetimes; a RENEW for an unknown IA gets a new lease.
#[test]
fn v6_035_renew() {
    let mut b = Bench::new(basic());
    let q = with_server_id(msg(MessageType::Request, 1, &[(code::IA_NA, 1, None)]));
    let a = addr_of(&ias(&b.reply(&q))[0].1).address;
    b.now += 1000;
    let foreign = ip("2001:db8:1::1ff");
    let mut renew = with_server_id(msg(
        MessageType::Renew,
        1,
        &[(code::IA_NA, 1, Some((a, 128)))],
    ));
    let mut ia: Ia = renew.message.options.typed(code::IA_NA).unwrap().unwrap();
    ia.options
        .push_typed(
            code::IAADDR,
            &IaAddr {
                address: foreign,
                preferred: 0,
                valid: 0,
                options: Options6::new(),
            },
        )
        .unwrap();
    renew.message.options.remove(code::IA_NA);
    renew.message.options.push_typed(code::IA_NA, &ia).unwrap();
    let r = b.reply(&renew);
    let (_, ia) = &ias(&r)[0];
    let listed: Vec<IaAddr> = ia
        .options
        .all_typed::<IaAddr>(code::IAADDR)
        .map(Result::unwrap)
        .collect();
    assert_eq!(listed[0].address, a);
    assert_eq!(listed[0].valid, 4000);
    assert_eq!(
        (listed[1].address, listed[1].preferred, listed[1].valid),
        (foreign, 0, 0)
    );
    assert_eq!(b.store.get6_sync(LeaseType::Na, a).unwrap().cltt, T0 + 1000);
    let other = with_server_id(msg(MessageType::Renew, 1, &[(code::IA_NA, 9, None)]));
    let r = b.reply(&other);
    assert_eq!(
        status_of(&ias(&r)[0].1.options),
        None,
        "a new lease is allocated"
    );
    assert_eq!(b.store.count6_sync(), 2);
}

// V6-040, V6-083: RELEASE of another client's address → NoBinding in the IA and at top level, lease
// untouched; the owner's RELEASE deletes it and lowers assigned-nas.
#[test]
fn v6_040_release() {
    let b = Bench::new(basic());
    let q = with_server_id(msg(MessageType::Request, 1, &[(code::IA_NA, 1, None)]));
    let a = addr_of(&ias(&b.reply(&q))[0].1).address;
    let thief = with_server_id(msg(
        MessageType::Release,
        2,
        &[(code::IA_NA, 1, Some((a, 128)))],
    ));
    let r = b.reply(&thief);
    assert_eq!(status_of(&ias(&r)[0].1.options), Some(status::NO_BINDING));
    assert_eq!(status_of(&r.message.options), Some(status::NO_BINDING));
    assert!(b.store.get6_sync(LeaseType::Na, a).is_some());
    let own = with_server_id(msg(
        MessageType::Release,
        1,
        &[(code::IA_NA, 1, Some((a, 128)))],
    ));
    let r = b.reply(&own);
    assert_eq!(status_of(&ias(&r)[0].1.options), Some(status::SUCCESS));
    assert_eq!(status_of(&r.message.options), Some(status::SUCCESS));
    // Lease affinity is on by default: the lease stays, released, with zero lifetimes.
    let kept = b
        .store
        .get6_sync(LeaseType::Na, a)
        .expect("kept for affinity");
    assert_eq!((kept.state, kept.valid_lifetime), (LeaseState::Released, 0));
    assert_eq!(b.stat("subnet[1].assigned-nas"), 0);
}

// V6-041, V6-188, V6-096: DECLINE puts the address in probation with an empty DUID; after probation
// reclamation removes it and moves the declined counters.
#[test]
fn v6_041_decline_and_recovery() {
    let mut b = Bench::new(basic());
    let q = with_server_id(msg(MessageType::Request, 1, &[(code::IA_NA, 1, None)]));
    let a = addr_of(&ias(&b.reply(&q))[0].1).address;
    let d = with_server_id(msg(
        MessageType::Decline,
        1,
        &[(code::IA_NA, 1, Some((a, 128)))],
    ));
    let r = b.reply(&d);
    assert_eq!(status_of(&ias(&r)[0].1.options), Some(status::SUCCESS));
    let l = b.store.get6_sync(LeaseType::Na, a).unwrap();
    assert_eq!(
        (l.state, l.duid.as_bytes(), l.valid_lifetime),
        (LeaseState::Declined, &[0u8, 0, 0][..], 86400)
    );
    assert_eq!(b.stat("declined-addresses"), 1);
    assert_eq!(b.stat("subnet[1].assigned-nas"), 1);
    b.now += 86400;
    assert_eq!(b.reclaim(), 1);
    assert!(
        b.store.get6_sync(LeaseType::Na, a).is_none(),
        "declined leases are removed"
    );
    assert_eq!(b.stat("declined-addresses"), 0);
    assert_eq!(b.stat("reclaimed-declined-addresses"), 1);
    assert_eq!(b.stat("subnet[1].assigned-nas"), 0);
}

// LC-116, V6-040: a RELEASE deletes (or, with affinity, rewrites) only the lease it read. When
// another server sharing the database renewed it in between, its renewal stays, nothing is counted
// and the client hears that the release failed.
#[test]
fn lc116_release_spares_a_lease_renewed_meanwhile() {
    for affinity in [false, true] {
        let mut cfg = basic();
        if !affinity {
            cfg["expired-leases-processing"] = json!({"flush-reclaimed-timer-wait-time": 0});
        }
        let b = Bench::new(cfg);
        let q = with_server_id(msg(MessageType::Request, 1, &[(code::IA_NA, 1, None)]));
        let a = addr_of(&ias(&b.reply(&q))[0].1).address;
        let b = b.contended();
        let own = with_server_id(msg(
            MessageType::Release,
            1,
            &[(code::IA_NA, 1, Some((a, 128)))],
        ));
        let r = b.reply(&own);
        assert_eq!(
            status_of(&ias(&r)[0].1.options),
            Some(status::UNSPEC_FAIL),
            "affinity {affinity}"
        );
        let kept = b
            .store
            .0
            .get6_sync(LeaseType::Na, a)
            .expect("renewed lease");
        assert_eq!(
            (kept.state, kept.hostname.as_str()),
            (LeaseState::Default, THEIRS)
        );
        assert_eq!(b.stat("subnet[1].assigned-nas"), 1);
    }
}

// LC-116, V6-095, V6-096: reclamation that deletes leases (no affinity, or a declined address
// leaving probation) deletes only the lease it found expired. Renewed meanwhile by another server
// sharing the database, the lease stays and no counter moves.
#[test]
fn lc116_reclamation_spares_leases_renewed_meanwhile() {
    let b = Bench::new(basic());
    let q = with_server_id(msg(MessageType::Request, 1, &[(code::IA_NA, 1, None)]));
    let a = addr_of(&ias(&b.reply(&q))[0].1).address;
    let q = with_server_id(msg(MessageType::Request, 2, &[(code::IA_NA, 1, None)]));
    let d = addr_of(&ias(&b.reply(&q))[0].1).address;
    let dec = with_server_id(msg(
        MessageType::Decline,
        2,
        &[(code::IA_NA, 1, Some((d, 128)))],
    ));
    b.reply(&dec);
    let mut b = b.contended();
    b.now += 86_400;
    assert_eq!(b.reclaim_removing(true), 0);
    for addr in [a, d] {
        let kept = b
            .store
            .0
            .get6_sync(LeaseType::Na, addr)
            .expect("renewed lease");
        assert_eq!(kept.hostname, THEIRS);
    }
    assert_eq!(b.stat("reclaimed-leases"), 0);
    assert_eq!(b.stat("declined-addresses"), 1);
    assert_eq!(b.stat("reclaimed-declined-addresses"), 0);
    assert_eq!(b.stat("subnet[1].assigned-nas"), 2);
}

// V6-042: CONFIRM of an on-link address → Success; off-link → NotOnLink; none → dropped silently.
#[test]
fn v6_042_confirm() {
    let b = Bench::new(basic());
    let c = msg(
        MessageType::Confirm,
        1,
        &[(code::IA_NA, 1, Some((ip("2001:db8:1::5"), 128)))],
    );
    assert_eq!(
        status_of(&b.reply(&c).message.options),
        Some(status::SUCCESS)
    );
    let c = msg(
        MessageType::Confirm,
        1,
        &[(code::IA_NA, 1, Some((ip("2001:db8:2::5"), 128)))],
    );
    assert_eq!(
        status_of(&b.reply(&c).message.options),
        Some(status::NOT_ON_LINK)
    );
    let c = msg(MessageType::Confirm, 1, &[(code::IA_NA, 1, None)]);
    assert!(matches!(
        b.run(&c),
        Outcome6::Drop(DropReason6::NothingToConfirm)
    ));
    assert_eq!(b.stat("pkt6-receive-drop"), 0);
}

// V6-043, V6-135, V6-136: INFORMATION-REQUEST gets requested options by precedence; always-send is
// sent unrequested, never-send suppresses.
#[test]
fn v6_043_information_request_options() {
    let b = Bench::new(json!({
        "option-data": [
            {"name": "dns-servers", "data": "2001:db8::1"},
            {"name": "domain-search", "data": "example.com", "always-send": true},
            {"name": "sntp-servers", "data": "2001:db8::9", "never-send": true}
        ],
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
            "option-data": [{"name": "dns-servers", "data": "2001:db8::2"}]}]
    }));
    let mut m = Message6::new(MessageType::InformationRequest, 5);
    m.options.push(code::ORO, &[0, 23, 0, 31]);
    let r = b.reply(&Packet6::direct(m));
    assert_eq!(
        r.message.options.get(code::DNS_SERVERS),
        Some(&ip("2001:db8::2").octets()[..])
    );
    assert!(r.message.options.contains(code::DOMAIN_SEARCH));
    assert!(!r.message.options.contains(31));
    assert_eq!(r.message.options.get(code::CLIENTID), None);
}

// V6-048, V6-053, V6-047: a relayed SOLICIT is answered in a RELAY-REPL echoing the interface-id, to the
// relay on port 547; the subnet is chosen by interface-id before the link address.
#[test]
fn v6_053_relayed_by_interface_id() {
    let b = Bench::new(json!({"subnet6": [
        {"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::/120"}]},
        {"id": 2, "subnet": "2001:db8:2::/64", "interface-id": "vlan123", "pools": [{"pool": "2001:db8:2::/120"}]}
    ]}));
    let mut q = msg(MessageType::Solicit, 1, &[(code::IA_NA, 1, None)]);
    let mut relay = RelayHeader::new(RelayKind::Forward, 0, ip("2001:db8:1::1"), ip("fe80::5"));
    relay.options.push(code::INTERFACE_ID, b"vlan123");
    relay.options.push(code::REMOTE_ID, &[0, 0, 0, 9, 1]);
    q.relays.push(relay);
    let out = b.run_from(&q, ip("2001:db8:ffff::1"), ip("2001:db8:ffff::2"));
    let Outcome6::Reply { packet, to, .. } = out else {
        panic!("answered")
    };
    assert_eq!(to, SocketAddrV6::new(ip("2001:db8:ffff::1"), 547, 0, 0));
    assert_eq!(packet.relays.len(), 1);
    assert_eq!(packet.relays[0].interface_id(), Some(&b"vlan123"[..]));
    assert!(!packet.relays[0].options.contains(code::REMOTE_ID));
    assert_eq!(addr_of(&ias(&packet)[0].1).address, ip("2001:db8:2::"));
    // Without the interface-id, the link address picks subnet 1.
    q.relays[0].options.remove(code::INTERFACE_ID);
    let Outcome6::Reply { packet, .. } =
        b.run_from(&q, ip("2001:db8:ffff::1"), ip("2001:db8:ffff::2"))
    else {
        panic!("answered")
    };
    assert_eq!(addr_of(&ias(&packet)[0].1).address, ip("2001:db8:1::"));
}

// V6-109, V6-116, V6-117: a DUID reservation gets its address; a client holding that address loses it
// at its next RENEW (zero lifetimes) and gets another.
#[test]
fn v6_117_reservation_revokes_other_holder() {
    let mut cfg = basic();
    let reserved = "2001:db8:1::100";
    let b = Bench::new(cfg.clone());
    let q = with_server_id(msg(MessageType::Request, 1, &[(code::IA_NA, 1, None)]));
    assert_eq!(addr_of(&ias(&b.reply(&q))[0].1).address, ip(reserved));
    cfg["subnet6"][0]["reservations"] =
        json!([{"duid": "00:03:00:01:02:00:00:00:00:02", "ip-addresses": [reserved]}]);
    let mut b2 = Bench::new(cfg);
    b2.store = b.store;
    let owner = with_server_id(msg(MessageType::Request, 2, &[(code::IA_NA, 1, None)]));
    assert_ne!(
        addr_of(&ias(&b2.reply(&owner))[0].1).address,
        ip(reserved),
        "held by client 1 still"
    );
    let renew = with_server_id(msg(
        MessageType::Renew,
        1,
        &[(code::IA_NA, 1, Some((ip(reserved), 128)))],
    ));
    let (_, ia) = &ias(&b2.reply(&renew))[0];
    let listed: Vec<IaAddr> = ia
        .options
        .all_typed::<IaAddr>(code::IAADDR)
        .map(Result::unwrap)
        .collect();
    assert!(
        listed
            .iter()
            .any(|a| a.address == ip(reserved) && a.valid == 0),
        "{listed:?}"
    );
    assert!(
        listed
            .iter()
            .any(|a| a.address != ip(reserved) && a.valid == 4000),
        "{listed:?}"
    );
    let owner = with_server_id(msg(MessageType::Request, 2, &[(code::IA_NA, 2, None)]));
    assert_eq!(addr_of(&ias(&b2.reply(&owner))[0].1).address, ip(reserved));
}

// V6-065, V6-074: a prefix hint of another length picks the pool delegating that length; option 67
// is placed in the IAPREFIX when the client asks for it.
#[test]
fn v6_065_pd_exclude_and_length_hint() {
    let b = Bench::new(
        json!({"subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
        "pd-pools": [
            {"prefix": "3000:1::", "prefix-len": 48, "delegated-len": 64},
            {"prefix": "3000:2::", "prefix-len": 48, "delegated-len": 56,
             "excluded-prefix": "3000:2:0:ff::", "excluded-prefix-len": 64}
        ]}]}),
    );
    let mut q = msg(
        MessageType::Solicit,
        1,
        &[(code::IA_PD, 1, Some((Ipv6Addr::UNSPECIFIED, 56)))],
    );
    q.message
        .options
        .push(code::ORO, &code::PD_EXCLUDE.to_be_bytes());
    let got = ias(&b.reply(&q));
    let p = prefix_of(&got[0].1);
    assert_eq!((p.prefix, p.prefix_len), (ip("3000:2::"), 56));
    let x: PdExclude = p
        .options
        .typed(code::PD_EXCLUDE)
        .expect("option 67")
        .unwrap();
    assert_eq!(x.excluded(p.prefix, 56), Some((ip("3000:2:0:ff::"), 64)));
}

// V6-095, V6-187: an expired address and prefix are reclaimed with the counters moved.
#[test]
fn v6_095_reclamation() {
    let mut b = Bench::new(basic());
    let q = with_server_id(msg(
        MessageType::Request,
        1,
        &[(code::IA_NA, 1, None), (code::IA_PD, 2, None)],
    ));
    b.reply(&q);
    b.now += 5000;
    assert_eq!(b.reclaim(), 2);
    assert_eq!(b.stat("reclaimed-leases"), 2);
    assert_eq!(b.stat("subnet[1].pool[0].reclaimed-leases"), 1);
    assert_eq!(b.stat("subnet[1].pd-pool[0].reclaimed-leases"), 1);
    assert_eq!(b.stat("subnet[1].assigned-nas"), 0);
    assert_eq!(b.stat("subnet[1].assigned-pds"), 0);
}

// V6-082, V6-190: with cache-threshold .25 of 2000 s, a RENEW after 100 s is answered from the stored
// lease (valid 1900, nothing rewritten) and counted as a reuse; after 600 s the lease is rewritten.
#[test]
fn v6_082_cache_threshold_reuses_then_rewrites() {
    let mut cfg = basic();
    cfg["valid-lifetime"] = json!(2000);
    cfg["preferred-lifetime"] = json!(1000);
    cfg["cache-threshold"] = json!(0.25);
    let mut b = Bench::new(cfg);
    assert_eq!(b.stat("v6-ia-na-lease-reuses"), 0);
    assert_eq!(b.stat("subnet[1].v6-ia-pd-lease-reuses"), 0);
    let q = with_server_id(msg(
        MessageType::Request,
        1,
        &[(code::IA_NA, 1, None), (code::IA_PD, 2, None)],
    ));
    let r = b.reply(&q);
    let (a, p) = (addr_of(&ias(&r)[0].1), prefix_of(&ias(&r)[1].1));
    b.now += 100;
    let renew = with_server_id(msg(
        MessageType::Renew,
        1,
        &[
            (code::IA_NA, 1, Some((a.address, 128))),
            (code::IA_PD, 2, Some((p.prefix, p.prefix_len))),
        ],
    ));
    let r = b.reply(&renew);
    let (ra, rp) = (addr_of(&ias(&r)[0].1), prefix_of(&ias(&r)[1].1));
    assert_eq!((ra.address, ra.preferred, ra.valid), (a.address, 900, 1900));
    assert_eq!((rp.prefix, rp.valid), (p.prefix, 1900));
    assert_eq!(
        b.store.get6_sync(LeaseType::Na, a.address).unwrap().cltt,
        T0
    );
    assert_eq!(b.stat("v6-ia-na-lease-reuses"), 1);
    assert_eq!(b.stat("subnet[1].v6-ia-na-lease-reuses"), 1);
    assert_eq!(b.stat("v6-ia-pd-lease-reuses"), 1);
    b.now += 500;
    let r = b.reply(&renew);
    assert_eq!(addr_of(&ias(&r)[0].1).valid, 2000);
    assert_eq!(
        b.store.get6_sync(LeaseType::Na, a.address).unwrap().cltt,
        T0 + 600
    );
    assert_eq!(b.stat("v6-ia-na-lease-reuses"), 1);
}

// V6-066, V6-184: capacities are exact beyond 64 bits: a /64 address pool holds 2^64 addresses and
// the pd-pool /56 → /64 delegates 256 prefixes.
#[test]
fn v6_066_capacity_of_a_64_pool_is_exact() {
    let mut cfg = basic();
    cfg["subnet6"][0]["pools"] = json!([{"pool": "2001:db8:1::/64"}]);
    let b = Bench::new(cfg);
    assert_eq!(b.stat("subnet[1].total-nas"), 1 << 64);
    assert_eq!(b.stat("subnet[1].pool[0].total-nas"), 1 << 64);
    assert_eq!(b.stat("subnet[1].total-pds"), 256);
}

/// `q` with an option 39 carrying `name` (flags S).
fn with_fqdn(mut q: Packet6, name: &str) -> Packet6 {
    let f = ruru_proto::v6::ClientFqdn {
        flags: ruru_proto::v6::FLAG_S,
        name: name.to_owned(),
    };
    q.message.options.push_typed(code::CLIENT_FQDN, &f).unwrap();
    q
}

fn answered_fqdn(r: &Packet6) -> Option<String> {
    r.message
        .options
        .typed::<ruru_proto::v6::ClientFqdn>(code::CLIENT_FQDN)
        .map(|f| f.unwrap().name)
}

// V6-167, V6-168, V6-170: `ddns-replace-client-name` `always` replaces the client's name with one made
// from the first IA_NA address, in the REPLY and the lease but not the ADVERTISE; with updates on, a
// client without option 39 gets one; otherwise names are scrubbed, lower-cased and qualified.
#[test]
fn v6_167_168_170_generated_and_scrubbed_names() {
    let mut cfg = basic();
    cfg["dhcp-ddns"] = json!({"enable-updates": true});
    cfg["ddns-qualifying-suffix"] = json!("example.com");
    cfg["ddns-replace-client-name"] = json!("always");
    let b = Bench::new(cfg.clone());
    let na = [(code::IA_NA, 1, None)];
    let adv = b.reply(&with_fqdn(msg(MessageType::Solicit, 1, &na), "pc1"));
    assert_eq!(answered_fqdn(&adv).as_deref(), Some(""));
    let r = b.reply(&with_server_id(msg(MessageType::Request, 1, &na)));
    let a = addr_of(&ias(&r)[0].1).address;
    let want = format!("myhost-{}.example.com.", a.to_string().replace(':', "-"));
    assert_eq!(answered_fqdn(&r).as_deref(), Some(want.as_str()));
    assert_eq!(b.store.get6_sync(LeaseType::Na, a).unwrap().hostname, want);

    cfg["ddns-replace-client-name"] = json!("never");
    cfg["hostname-char-set"] = json!("[^A-Za-z0-9-]");
    cfg["hostname-char-replacement"] = json!("x");
    let b = Bench::new(cfg);
    let q = with_fqdn(with_server_id(msg(MessageType::Request, 2, &na)), "My$Host");
    let r = b.reply(&q);
    assert_eq!(answered_fqdn(&r).as_deref(), Some("myxhost.example.com."));
    let none = b.reply(&with_server_id(msg(MessageType::Request, 3, &na)));
    assert_eq!(answered_fqdn(&none), None);
}

// V6-030: a query from a link no subnet serves is still answered: NoAddrsAvail in the IA_NA,
// NoPrefixAvail in the IA_PD.
#[test]
fn v6_030_no_subnet_is_answered_with_status() {
    let b = Bench::new(basic());
    let q = msg(
        MessageType::Solicit,
        1,
        &[(code::IA_NA, 1, None), (code::IA_PD, 2, None)],
    );
    // Relayed from a link no subnet serves.
    let mut relayed = q.clone();
    relayed.relays.push(RelayHeader::new(
        RelayKind::Forward,
        0,
        ip("2001:db8:99::1"),
        ip("fe80::1"),
    ));
    let r = match b.run_from(&relayed, ip("2001:db8:99::1"), ip("2001:db8:1::1")) {
        Outcome6::Reply { packet, .. } => packet,
        Outcome6::Drop(d) => panic!("dropped {d:?}"),
    };
    let got = ias(&r);
    assert_eq!(status_of(&got[0].1.options), Some(status::NO_ADDRS_AVAIL));
    assert_eq!(status_of(&got[1].1.options), Some(status::NO_PREFIX_AVAIL));
}

// V6-036: a REBIND (no server-id, multicast) from a bound client extends its lease.
#[test]
fn v6_036_rebind_extends() {
    let mut b = Bench::new(basic());
    let q = with_server_id(msg(MessageType::Request, 1, &[(code::IA_NA, 1, None)]));
    let a = addr_of(&ias(&b.reply(&q))[0].1).address;
    b.now += 3500;
    let rebind = msg(MessageType::Rebind, 1, &[(code::IA_NA, 1, Some((a, 128)))]);
    let r = b.reply(&rebind);
    let got = addr_of(&ias(&r)[0].1);
    assert_eq!((got.address, got.valid), (a, 4000));
    assert_eq!(b.store.get6_sync(LeaseType::Na, a).unwrap().cltt, T0 + 3500);
    assert_eq!(b.stat("pkt6-rebind-received"), 1);
}

// V6-059, V6-129: a full member sends the client on to its shared-network sibling, whose options
// follow the lease.
#[test]
fn v6_059_shared_network_overflow() {
    let b = Bench::new(json!({
        "preferred-lifetime": 3000, "valid-lifetime": 4000,
        "shared-networks": [{
            "name": "net", "interface": "eth0",
            "subnet6": [
                {"id": 1, "subnet": "2001:db8:1::/64",
                 "pools": [{"pool": "2001:db8:1::100 - 2001:db8:1::100"}]},
                {"id": 2, "subnet": "2001:db8:2::/64",
                 "pools": [{"pool": "2001:db8:2::100 - 2001:db8:2::100"}],
                 "option-data": [{"name": "dns-servers", "data": "2001:db8:2::53"}]}
            ]
        }]
    }));
    let first = b.reply(&with_server_id(msg(
        MessageType::Request,
        1,
        &[(code::IA_NA, 1, None)],
    )));
    assert_eq!(addr_of(&ias(&first)[0].1).address, ip("2001:db8:1::100"));
    let mut q = with_server_id(msg(MessageType::Request, 2, &[(code::IA_NA, 1, None)]));
    q.message.options.push(code::ORO, &[0, 23]);
    let second = b.reply(&q);
    assert_eq!(addr_of(&ias(&second)[0].1).address, ip("2001:db8:2::100"));
    assert!(
        second.message.options.contains(23),
        "the sibling's dns-servers"
    );
}

// V6-098: affinity: a client returning after its lease expired and was reclaimed gets it back.
#[test]
fn v6_098_affinity() {
    let mut b = Bench::new(basic());
    let q = with_server_id(msg(MessageType::Request, 1, &[(code::IA_NA, 1, None)]));
    let a = addr_of(&ias(&b.reply(&q))[0].1).address;
    b.now += 5000;
    b.reclaim();
    assert_eq!(
        b.store.get6_sync(LeaseType::Na, a).unwrap().state,
        LeaseState::ExpiredReclaimed
    );
    let back = b.reply(&with_server_id(msg(
        MessageType::Request,
        1,
        &[(code::IA_NA, 1, None)],
    )));
    assert_eq!(addr_of(&ias(&back)[0].1).address, a);
}

// V6-122, V6-135: a reservation's option beats the subnet's and the global value.
#[test]
fn v6_122_reservation_options_win() {
    let mut cfg = basic();
    cfg["option-data"] = json!([{"name": "dns-servers", "data": "2001:db8::1"}]);
    cfg["subnet6"][0]["option-data"] = json!([{"name": "dns-servers", "data": "2001:db8::2"}]);
    cfg["subnet6"][0]["reservations"] = json!([{
        "duid": "00:03:00:01:02:00:00:00:00:05",
        "option-data": [{"name": "dns-servers", "data": "2001:db8::3"}]
    }]);
    let b = Bench::new(cfg);
    let mut q = with_server_id(msg(MessageType::Request, 5, &[(code::IA_NA, 1, None)]));
    q.message.options.push(code::ORO, &[0, 23]);
    let r = b.reply(&q);
    assert_eq!(
        r.message.options.get(23),
        Some(&ip("2001:db8::3").octets()[..])
    );
}

/// A SOLICIT from client `n` for one IA_NA and one IA_PD, asking for options 23 and 31, with a vendor
/// class option (16) of enterprise 4491 holding `vc` when given.
fn classified(n: u8, vc: Option<&[u8]>) -> Packet6 {
    let mut q = msg(
        MessageType::Solicit,
        n,
        &[(code::IA_NA, 1, None), (code::IA_PD, 2, None)],
    );
    q.message.options.push(code::ORO, &[0, 23, 0, 31]);
    if let Some(v) = vc {
        let len = u16::try_from(v.len()).unwrap().to_be_bytes();
        q.message.options.push(
            code::VENDOR_CLASS,
            &[&[0, 0, 0x11, 0x8b], &len[..], v].concat(),
        );
    }
    q
}

// V6-157, V6-158, V6-161..V6-163: a class by vendor-class data and substring(option[1]) chooses the pool
// and adds its options; a class required by a pd-pool applies only to clients delegated from it; KNOWN-
// dependent tests run after host lookup.
#[test]
fn v6_157_158_test_expressions_and_required_classes() {
    let b = Bench::new(json!({
        "preferred-lifetime": 3000, "valid-lifetime": 4000,
        "client-classes": [
            {"name": "modems", "test": "vendor-class[4491].data == 'docsis3.0'",
             "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}]},
            {"name": "duid-ll", "test": "substring(option[1].hex, 0, 2) == 0x0003 and not member('modems')"},
            {"name": "pd-req", "test": "option[25].exists", "only-if-required": true,
             "option-data": [{"name": "sntp-servers", "data": "2001:db8::123"}]},
            {"name": "k", "test": "known",
             "option-data": [{"name": "dns-servers", "data": "2001:db8::99"}]}
        ],
        "subnet6": [{
            "id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
            "pools": [{"pool": "2001:db8:1::100 - 2001:db8:1::1ff", "client-class": "modems"},
                      {"pool": "2001:db8:1::200 - 2001:db8:1::2ff", "client-class": "duid-ll"}],
            "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 64,
                          "client-class": "modems", "require-client-classes": ["pd-req"]}],
            "reservations": [{"duid": "00:03:00:01:02:00:00:00:00:09", "hostname": "known"}]
        }]
    }));
    let modem = b.reply(&classified(1, Some(b"docsis3.0")));
    let got = ias(&modem);
    assert!(ip("2001:db8:1::100") <= addr_of(&got[0].1).address);
    assert!(addr_of(&got[0].1).address <= ip("2001:db8:1::1ff"));
    assert_eq!(prefix_of(&got[1].1).prefix_len, 64, "modems get prefixes");
    let opts = &modem.message.options;
    assert_eq!(opts.get(23), Some(&ip("2001:db8::53").octets()[..]));
    assert_eq!(
        opts.get(31),
        Some(&ip("2001:db8::123").octets()[..]),
        "required by the pd-pool"
    );
    let other = b.reply(&classified(2, None));
    let got = ias(&other);
    assert!(ip("2001:db8:1::200") <= addr_of(&got[0].1).address);
    assert_eq!(status_of(&got[1].1.options), Some(status::NO_PREFIX_AVAIL));
    assert!(!other.message.options.contains(23) && !other.message.options.contains(31));
    let known = b.reply(&classified(9, None));
    assert_eq!(
        known.message.options.get(23),
        Some(&ip("2001:db8::99").octets()[..]),
        "KNOWN-dependent class evaluated after host lookup"
    );
}

// V6-094: prefix leases reach the states addresses do (declined aside): released with affinity (3)
// and expired-reclaimed (2), each kept in the store.
#[test]
fn v6_094_prefix_lease_states() {
    let mut b = Bench::new(basic());
    let q = with_server_id(msg(
        MessageType::Request,
        1,
        &[(code::IA_PD, 1, None), (code::IA_PD, 2, None)],
    ));
    let r = b.reply(&q);
    let (p1, p2) = (prefix_of(&ias(&r)[0].1), prefix_of(&ias(&r)[1].1));
    let release = with_server_id(msg(
        MessageType::Release,
        1,
        &[(code::IA_PD, 1, Some((p1.prefix, p1.prefix_len)))],
    ));
    b.reply(&release);
    assert_eq!(
        b.store.get6_sync(LeaseType::Pd, p1.prefix).unwrap().state,
        LeaseState::Released
    );
    b.now += 5000;
    b.reclaim();
    assert_eq!(
        b.store.get6_sync(LeaseType::Pd, p2.prefix).unwrap().state,
        LeaseState::ExpiredReclaimed
    );
    assert_eq!(b.stat("subnet[1].assigned-pds"), 0);
}

// V6-126: network-level values apply to members unless a member overrides them. V6-130: a member's
// client-class restricts and never prefers: the class's client may still get the unrestricted member,
// other clients never get the restricted one.
#[test]
fn v6_126_130_shared_network_values_and_classes() {
    let b = Bench::new(json!({
        "preferred-lifetime": 3000, "valid-lifetime": 4000,
        "client-classes": [{"name": "b-devices", "test": "option[1].hex == 0x0003000102000000000a"}],
        "shared-networks": [{
            "name": "net", "interface": "eth0", "valid-lifetime": 1200, "preferred-lifetime": 600,
            "subnet6": [
                {"id": 1, "subnet": "2001:db8:1::/64", "client-class": "b-devices",
                 "pools": [{"pool": "2001:db8:1::100 - 2001:db8:1::100"}]},
                {"id": 2, "subnet": "2001:db8:2::/64", "valid-lifetime": 2000,
                 "pools": [{"pool": "2001:db8:2::100 - 2001:db8:2::1ff"}]}
            ]
        }]
    }));
    let request = |n| with_server_id(msg(MessageType::Request, n, &[(code::IA_NA, 1, None)]));
    // A client outside the class: only the unrestricted member, with its own lifetime.
    let other = addr_of(&ias(&b.reply(&request(11)))[0].1);
    assert_eq!((other.address.segments()[2], other.valid), (2, 2000));
    // The class's client: the restricted member, with the network's lifetime...
    let member = addr_of(&ias(&b.reply(&request(10)))[0].1);
    assert_eq!(
        (member.address, member.valid),
        (ip("2001:db8:1::100"), 1200)
    );
    // ...and once it is full, the unrestricted one.
    let mut q = request(10);
    q.message.options.remove(code::IA_NA);
    q.message
        .options
        .push_typed(
            code::IA_NA,
            &Ia {
                iaid: 2,
                t1: 0,
                t2: 0,
                options: Options6::new(),
            },
        )
        .unwrap();
    let second = addr_of(&ias(&b.reply(&q))[0].1);
    assert_eq!(second.address.segments()[2], 2);
}

// V6-181: one of each message type moves its own counter, server messages included, before any check.
#[test]
fn v6_181_per_type_counters() {
    let b = Bench::new(basic());
    let na = [(code::IA_NA, 1, None)];
    for t in [
        MessageType::Solicit,
        MessageType::Request,
        MessageType::Renew,
        MessageType::Rebind,
        MessageType::Release,
        MessageType::Decline,
        MessageType::InformationRequest,
        MessageType::Confirm,
        MessageType::Advertise,
        MessageType::Reply,
        MessageType::Reconfigure,
    ] {
        b.run(&msg(t, 1, &na));
    }
    for name in [
        "solicit",
        "request",
        "renew",
        "rebind",
        "release",
        "decline",
        "infrequest",
        "confirm",
        "advertise",
        "reply",
        "reconfigure",
    ] {
        assert_eq!(b.stat(&format!("pkt6-{name}-received")), 1, "{name}");
    }
    assert_eq!(b.stat("pkt6-unknown-received"), 0);
}

/// A bench with DDNS on whose NCRs go to a local socket.
fn ddns_bench() -> (Bench, std::net::UdpSocket) {
    let mut cfg = basic();
    cfg["dhcp-ddns"] = json!({"enable-updates": true});
    cfg["ddns-qualifying-suffix"] = json!("example.org");
    let mut b = Bench::new(cfg);
    let (d2, queue) = crate::ddns::test_d2::start(&b.snap.config.dhcp_ddns, true);
    b.snap.ddns = queue;
    (b, d2)
}

/// (change-type, fqdn, address) of every NCR that arrives.
fn ncrs(d2: &std::net::UdpSocket) -> Vec<(u64, String, Ipv6Addr)> {
    crate::ddns::test_d2::received(d2)
        .iter()
        .map(|v| {
            (
                v["change-type"].as_u64().unwrap(),
                v["fqdn"].as_str().unwrap().to_owned(),
                ip(v["ip-address"].as_str().unwrap()),
            )
        })
        .collect()
}

// V6-173, V6-174: one add per REPLY for the first IA_NA address (a prefix gets none, an ADVERTISE
// none); an unchanged renewal none; a new name removes the old records first; RELEASE and DECLINE
// remove.
#[test]
fn v6_173_174_ncrs_for_replies_release_and_decline() {
    let (b, d2) = ddns_bench();
    let ia = [(code::IA_NA, 1, None), (code::IA_PD, 2, None)];
    b.reply(&with_fqdn(msg(MessageType::Solicit, 1, &ia), "host"));
    assert!(ncrs(&d2).is_empty(), "an ADVERTISE sent an NCR");
    let r = b.reply(&with_fqdn(
        with_server_id(msg(MessageType::Request, 1, &ia)),
        "host",
    ));
    let a = addr_of(&ias(&r)[0].1).address;
    assert_eq!(ncrs(&d2), [(0, "host.example.org.".into(), a)]);
    let renew = |name: &str| {
        let q = msg(MessageType::Renew, 1, &[(code::IA_NA, 1, Some((a, 128)))]);
        b.reply(&with_fqdn(with_server_id(q), name))
    };
    renew("host");
    assert!(ncrs(&d2).is_empty(), "an unchanged renewal sent an NCR");
    renew("other");
    assert_eq!(
        ncrs(&d2),
        [
            (1, "host.example.org.".into(), a),
            (0, "other.example.org.".into(), a)
        ]
    );
    let release = msg(MessageType::Release, 1, &[(code::IA_NA, 1, Some((a, 128)))]);
    b.reply(&with_server_id(release));
    assert_eq!(ncrs(&d2), [(1, "other.example.org.".into(), a)]);

    let r = b.reply(&with_fqdn(
        with_server_id(msg(MessageType::Request, 2, &[(code::IA_NA, 1, None)])),
        "two.example.net.",
    ));
    let c = addr_of(&ias(&r)[0].1).address;
    assert_eq!(ncrs(&d2), [(0, "two.example.net.".into(), c)]);
    let decline = msg(MessageType::Decline, 2, &[(code::IA_NA, 1, Some((c, 128)))]);
    b.reply(&with_server_id(decline));
    assert_eq!(ncrs(&d2), [(1, "two.example.net.".into(), c)]);
}

// V6-129: a hint in the second member of a shared network is honoured while the first member, which
// the allocator fills first, still has free addresses.
#[test]
fn v6_129_hint_in_second_member_while_first_has_space() {
    let b = Bench::new(json!({
        "preferred-lifetime": 3000, "valid-lifetime": 4000,
        "shared-networks": [{
            "name": "net", "interface": "eth0",
            "subnet6": [
                {"id": 1, "subnet": "2001:db8:1::/64",
                 "pools": [{"pool": "2001:db8:1::100 - 2001:db8:1::1ff"}]},
                {"id": 2, "subnet": "2001:db8:2::/64",
                 "pools": [{"pool": "2001:db8:2::100 - 2001:db8:2::1ff"}]}
            ]
        }]
    }));
    let plain = b.reply(&with_server_id(msg(
        MessageType::Request,
        1,
        &[(code::IA_NA, 1, None)],
    )));
    assert_eq!(addr_of(&ias(&plain)[0].1).address, ip("2001:db8:1::100"));
    let hint = ip("2001:db8:2::150");
    let hinted = b.reply(&with_server_id(msg(
        MessageType::Request,
        2,
        &[(code::IA_NA, 1, Some((hint, 128)))],
    )));
    assert_eq!(addr_of(&ias(&hinted)[0].1).address, hint);
    assert_eq!(b.store.get6_sync(LeaseType::Na, hint).unwrap().subnet_id, 2);
    assert_eq!(b.stat("subnet[2].assigned-nas"), 1);
    assert_eq!(b.stat("subnet[1].assigned-nas"), 1);
}

// V6-128: members of one shared network with different relay addresses are accepted, and the network
// serves as a whole: a client relayed for member 1 gets member 2 once member 1 is full, and a client
// relayed for member 2 is served there.
#[test]
fn v6_128_members_with_different_relays_accepted() {
    let b = Bench::new(json!({
        "preferred-lifetime": 3000, "valid-lifetime": 4000,
        "shared-networks": [{
            "name": "net",
            "subnet6": [
                {"id": 1, "subnet": "2001:db8:1::/64", "relay": {"ip-addresses": ["2001:db8:99::1"]},
                 "pools": [{"pool": "2001:db8:1::100 - 2001:db8:1::100"}]},
                {"id": 2, "subnet": "2001:db8:2::/64", "relay": {"ip-addresses": ["2001:db8:98::1"]},
                 "pools": [{"pool": "2001:db8:2::100 - 2001:db8:2::1ff"}]}
            ]
        }]
    }));
    let via = |relay: &str, n| {
        let mut q = with_server_id(msg(MessageType::Request, n, &[(code::IA_NA, 1, None)]));
        q.relays.push(RelayHeader::new(
            RelayKind::Forward,
            0,
            ip(relay),
            ip("fe80::1"),
        ));
        match b.run_from(&q, ip(relay), ip("2001:db8:1::1")) {
            Outcome6::Reply { packet, .. } => addr_of(&ias(&packet)[0].1).address,
            Outcome6::Drop(d) => panic!("dropped {d:?}"),
        }
    };
    assert_eq!(via("2001:db8:99::1", 1), ip("2001:db8:1::100"));
    assert_eq!(via("2001:db8:99::1", 2), ip("2001:db8:2::100"));
    assert_eq!(via("2001:db8:98::1", 3), ip("2001:db8:2::101"));
}

/// A message from client `n` (a 16-bit DUID tail) with the given IAs.
fn msg_n(t: MessageType, n: u16, ias: &[IaSpec]) -> Packet6 {
    let mut p = msg(t, 0, ias);
    let mut id = duid(0);
    id.extend_from_slice(&n.to_be_bytes());
    p.message.options.remove(code::CLIENTID);
    p.message.options.push(code::CLIENTID, &id);
    p.message.transaction_id = u32::from(n);
    p
}

// V6-193: parallel exchanges never change results. 16 threads run 20 000 clients' SOLICIT/ADVERTISE/
// REQUEST/REPLY for an address and a prefix at once against one snapshot and one store (the spec's
// check says 100 k; 20 k keeps a debug build within seconds). The address pool holds exactly one
// address per client and the random allocators draw candidates independently, so concurrent workers
// advertise the same address or prefix and race to commit it (the loser's REQUEST is granted another);
// a client whose REPLY grants nothing for an IA starts over. Then every other client releases, also in
// parallel. No address or prefix is handed out twice, every client holds one of each, and the counters
// agree with the store and the packets sent.
#[test]
fn v6_193_parallel_sarrs_unique_leases_consistent_counters() {
    const THREADS: u16 = 16;
    const PER_THREAD: u16 = 1250;
    const CLIENTS: u16 = THREADS * PER_THREAD;
    let b = Bench::new(json!({
        "preferred-lifetime": 3000, "valid-lifetime": 4000, "allocator": "random", "pd-allocator": "random",
        "subnet6": [{
            "id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
            "pools": [{"pool": "2001:db8:1::1 - 2001:db8:1::4e20"}],
            "pd-pools": [{"prefix": "2001:db8:8800::", "prefix-len": 48, "delegated-len": 64}]
        }]
    }));
    assert_eq!(b.stat("subnet[1].total-nas"), i128::from(CLIENTS));
    let (solicits, requests) = (AtomicU64::new(0), AtomicU64::new(0));
    let both: [IaSpec; 2] = [(code::IA_NA, 1, None), (code::IA_PD, 2, None)];
    let bound: Vec<(u16, Ipv6Addr, Ipv6Addr)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let (b, solicits, requests) = (&b, &solicits, &requests);
                s.spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .build()
                        .expect("runtime");
                    let run = |p: &Packet6| match b.run_on(&rt, p, ip("fe80::1"), ALL_SERVERS) {
                        Outcome6::Reply { packet, .. } => packet,
                        Outcome6::Drop(d) => panic!("dropped {d:?}"),
                    };
                    let granted = |p: &Packet6| {
                        let got = ias(p);
                        let na = got[0].1.options.typed::<IaAddr>(code::IAADDR)?.ok()?;
                        let pd = got[1].1.options.typed::<IaPrefix>(code::IAPREFIX)?.ok()?;
                        Some((na.address, pd.prefix))
                    };
                    (t * PER_THREAD..(t + 1) * PER_THREAD)
                        .map(|n| {
                            for _ in 0..100 {
                                solicits.fetch_add(1, Relaxed);
                                let Some((a, p)) =
                                    granted(&run(&msg_n(MessageType::Solicit, n, &both)))
                                else {
                                    continue;
                                };
                                requests.fetch_add(1, Relaxed);
                                let req = with_server_id(msg_n(
                                    MessageType::Request,
                                    n,
                                    &[
                                        (code::IA_NA, 1, Some((a, 128))),
                                        (code::IA_PD, 2, Some((p, 64))),
                                    ],
                                ));
                                if let Some((a, p)) = granted(&run(&req)) {
                                    return (n, a, p);
                                }
                            }
                            panic!("client {n} was never bound")
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect()
    });
    let addrs: BTreeSet<Ipv6Addr> = bound.iter().map(|&(_, a, _)| a).collect();
    let prefixes: BTreeSet<Ipv6Addr> = bound.iter().map(|&(_, _, p)| p).collect();
    assert_eq!(addrs.len(), usize::from(CLIENTS), "an address given twice");
    assert_eq!(prefixes.len(), usize::from(CLIENTS), "a prefix given twice");
    for &(n, a, p) in &bound {
        for (t, at) in [(LeaseType::Na, a), (LeaseType::Pd, p)] {
            let l = b.store.get6_sync(t, at).expect("every grant is stored");
            assert_eq!(&l.duid.as_bytes()[10..], &n.to_be_bytes()[..]);
        }
    }
    let all = i128::from(CLIENTS);
    for name in [
        "subnet[1].assigned-nas",
        "subnet[1].pool[0].assigned-nas",
        "cumulative-assigned-nas",
        "subnet[1].assigned-pds",
        "subnet[1].pd-pool[0].assigned-pds",
        "cumulative-assigned-pds",
    ] {
        assert_eq!(b.stat(name), all, "{name}");
    }
    assert_eq!(
        b.stat("pkt6-solicit-received"),
        i128::from(solicits.load(Relaxed))
    );
    assert_eq!(
        b.stat("pkt6-request-received"),
        i128::from(requests.load(Relaxed))
    );

    std::thread::scope(|s| {
        for chunk in bound.chunks(bound.len() / usize::from(THREADS)) {
            let b = &b;
            s.spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .expect("runtime");
                for &(n, a, p) in chunk.iter().filter(|(n, ..)| n % 2 == 0) {
                    let rel = with_server_id(msg_n(
                        MessageType::Release,
                        n,
                        &[
                            (code::IA_NA, 1, Some((a, 128))),
                            (code::IA_PD, 2, Some((p, 64))),
                        ],
                    ));
                    let out = b.run_on(&rt, &rel, ip("fe80::1"), ALL_SERVERS);
                    assert!(matches!(out, Outcome6::Reply { .. }));
                }
            });
        }
    });
    let half = all / 2;
    assert_eq!(b.stat("pkt6-release-received"), half);
    for name in [
        "subnet[1].assigned-nas",
        "subnet[1].pool[0].assigned-nas",
        "subnet[1].assigned-pds",
        "subnet[1].pd-pool[0].assigned-pds",
    ] {
        assert_eq!(b.stat(name), half, "{name}");
    }
    for &(n, a, p) in &bound {
        for (t, at) in [(LeaseType::Na, a), (LeaseType::Pd, p)] {
            let state = b.store.get6_sync(t, at).expect("kept for affinity").state;
            let want = if n % 2 == 0 {
                LeaseState::Released
            } else {
                LeaseState::Default
            };
            assert_eq!(state, want, "{at} of client {n}");
        }
    }
}

/// A SOLICIT from client `n` for one IA_NA, asking for options 23 and 31; its address and the
/// answer's options 23 and 31.
fn solicit_23_31(b: &Bench, n: u8) -> (Ipv6Addr, Option<Vec<u8>>, Option<Vec<u8>>) {
    let mut q = msg(MessageType::Solicit, n, &[(code::IA_NA, 1, None)]);
    q.message.options.push(code::ORO, &[0, 23, 0, 31]);
    let r = b.reply(&q);
    let opts = &r.message.options;
    (
        addr_of(&ias(&r)[0].1).address,
        opts.get(23).map(<[u8]>::to_vec),
        opts.get(31).map(<[u8]>::to_vec),
    )
}

fn octets(s: &str) -> Option<Vec<u8>> {
    Some(ip(s).octets().to_vec())
}

/// The ARM's `reserved_class`/`unreserved_class` pair (§9.3.9), with options telling which of them
/// (and of the always-true class `e`, defined first) the client ends in.
fn reserved_classes6() -> Value {
    json!([
        {"name": "e", "test": "pkt6.msgtype == 1",
         "option-data": [{"name": "dns-servers", "data": "2001:db8::9"}]},
        {"name": "reserved_class", "option-data": [{"name": "dns-servers", "data": "2001:db8::1"}]},
        {"name": "unreserved_class", "test": "not member('reserved_class')",
         "option-data": [{"name": "sntp-servers", "data": "2001:db8::2"}]}
    ])
}

// V6-119 (ARM §9.3.9): a reservation's class steers the pool choice in a subnet outside any shared
// network; the tests evaluated before host lookup are evaluated again after the reserved classes, so
// the reserved client is not in `unreserved_class` and `reserved_class` precedes `e`, as Kea 2.2
// answers.
#[test]
fn v6_119_reserved_class_selects_pool() {
    let b = Bench::new(json!({
        "client-classes": reserved_classes6(),
        "subnet6": [{
            "id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
            "reservations": [{"duid": "00:03:00:01:02:00:00:00:00:fe", "client-classes": ["reserved_class"]}],
            "pools": [{"pool": "2001:db8:1::10 - 2001:db8:1::20", "client-class": "reserved_class"},
                      {"pool": "2001:db8:1::30 - 2001:db8:1::40", "client-class": "unreserved_class"}]
        }]
    }));
    // Each pool is only the guarded one's: the iterative cursor's position within it does not matter.
    let (a, dns, sntp) = solicit_23_31(&b, 0xfe);
    assert!(
        (ip("2001:db8:1::10")..=ip("2001:db8:1::20")).contains(&a),
        "{a}"
    );
    assert_eq!((dns, sntp), (octets("2001:db8::1"), None));
    let (a, dns, sntp) = solicit_23_31(&b, 1);
    assert!(
        (ip("2001:db8:1::30")..=ip("2001:db8:1::40")).contains(&a),
        "{a}"
    );
    assert_eq!((dns, sntp), (octets("2001:db8::9"), octets("2001:db8::2")));
}

// V6-119 (ARM §9.3.10): inside a shared network a global reservation's class steers the subnet
// choice; a member's own reservation does not (its classes come after allocation, and only when the
// lease is in that member), as Kea 2.2 answers the same configurations.
#[test]
fn v6_119_reserved_class_in_shared_network() {
    let network = |first: Value, second: Value| {
        json!({"name": "n", "interface": "eth0", "subnet6": [
            {"id": 1, "subnet": "2001:db8:1::/64", "reservations": first,
             "pools": [{"pool": "2001:db8:1::10 - 2001:db8:1::20", "client-class": "reserved_class"}]},
            {"id": 2, "subnet": "2001:db8:2::/64", "reservations": second,
             "pools": [{"pool": "2001:db8:2::10 - 2001:db8:2::20", "client-class": "unreserved_class"}]}]})
    };
    let host =
        json!([{"duid": "00:03:00:01:02:00:00:00:00:fe", "client-classes": ["reserved_class"]}]);
    let global = Bench::new(json!({
        "client-classes": reserved_classes6(),
        "reservations": host, "reservations-global": true, "reservations-in-subnet": false,
        "shared-networks": [network(json!([]), json!([]))]
    }));
    assert_eq!(
        solicit_23_31(&global, 0xfe),
        (ip("2001:db8:1::10"), octets("2001:db8::1"), None)
    );
    assert_eq!(solicit_23_31(&global, 1).0, ip("2001:db8:2::10"));
    let unsteered = (
        ip("2001:db8:2::10"),
        octets("2001:db8::9"),
        octets("2001:db8::2"),
    );
    for (first, second) in [(host.clone(), json!([])), (json!([]), host.clone())] {
        let b = Bench::new(json!({
            "client-classes": reserved_classes6(),
            "shared-networks": [network(first, second)]
        }));
        assert_eq!(solicit_23_31(&b, 0xfe), unsteered);
    }
    // With the reservation in member 2, where the lease is, its class is added last.
    let mut without_e = reserved_classes6();
    without_e.as_array_mut().unwrap().remove(0);
    let b = Bench::new(json!({
        "client-classes": without_e,
        "shared-networks": [network(json!([]), host)]
    }));
    assert_eq!(solicit_23_31(&b, 0xfe).1, octets("2001:db8::1"));
}

// V6-124 (ARM §9.3.12): a reservation holding only a DUID makes the client KNOWN: the class KNOWN's
// dns-servers reach reserved DUIDs only.
#[test]
fn v6_124_identifier_only_reservation_makes_known() {
    let mut cfg = basic();
    cfg["client-classes"] = json!([{"name": "KNOWN", "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}]}]);
    cfg["subnet6"][0]["reservations"] = json!([{"duid": "00:03:00:01:02:00:00:00:00:fe"}]);
    let b = Bench::new(cfg);
    assert_eq!(solicit_23_31(&b, 0xfe).1, octets("2001:db8::53"));
    assert_eq!(solicit_23_31(&b, 1).1, None);
}

// V6-058: overlapping subnets are accepted and the first match wins: 2001:db8::/32 (id 1) listed
// before 2001:db8:1::/64 (id 2) takes link-address 2001:db8:1::1. Kea tries subnets in ascending id
// order, not as written: listed the other way round, the /32 still wins while it has the lower id,
// and the /64 wins once it has (checked on Kea 2.2 with the same three configurations).
#[test]
fn v6_058_overlapping_subnets_lowest_id_wins() {
    let wide = |id: u32| json!({"id": id, "subnet": "2001:db8::/32", "pools": [{"pool": "2001:db8:ffff::/120"}]});
    let narrow = |id: u32| json!({"id": id, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::/120"}]});
    let selected = |subnets: Value| {
        let b = Bench::new(json!({ "subnet6": subnets }));
        let mut q = msg(MessageType::Solicit, 1, &[(code::IA_NA, 1, None)]);
        q.relays.push(RelayHeader::new(
            RelayKind::Forward,
            0,
            ip("2001:db8:1::1"),
            ip("fe80::5"),
        ));
        match b.run_from(&q, ip("2001:db8:ffff::1"), ip("2001:db8:ffff::2")) {
            Outcome6::Reply { packet, .. } => addr_of(&ias(&packet)[0].1).address.segments()[2],
            Outcome6::Drop(d) => panic!("dropped {d:?}"),
        }
    };
    assert_eq!(selected(json!([wide(1), narrow(2)])), 0xffff, "the /32");
    assert_eq!(selected(json!([narrow(2), wide(1)])), 0xffff, "the /32");
    assert_eq!(selected(json!([wide(2), narrow(1)])), 1, "the /64");
}

// V6-132: IAs served from different members of a shared network take the options of the last member
// used: member 1 has one free address, so a REQUEST (and a SOLICIT alike) with two IA_NA gets one
// address from each member, and the answer carries member 2's dns-servers. Kea 2.2 answers the
// REQUEST the same; its ADVERTISE offers member 1's one address to both IAs, with member 1's options.
#[test]
fn v6_132_options_of_the_last_member_used() {
    let b = Bench::new(json!({
        "preferred-lifetime": 3000, "valid-lifetime": 4000,
        "shared-networks": [{
            "name": "net", "interface": "eth0",
            "subnet6": [
                {"id": 1, "subnet": "2001:db8:1::/64",
                 "pools": [{"pool": "2001:db8:1::100 - 2001:db8:1::100"}],
                 "option-data": [{"name": "dns-servers", "data": "2001:db8:1::53"}]},
                {"id": 2, "subnet": "2001:db8:2::/64",
                 "pools": [{"pool": "2001:db8:2::100 - 2001:db8:2::1ff"}],
                 "option-data": [{"name": "dns-servers", "data": "2001:db8:2::53"}]}
            ]
        }]
    }));
    for t in [MessageType::Solicit, MessageType::Request] {
        let mut q = msg(t, 1, &[(code::IA_NA, 1, None), (code::IA_NA, 2, None)]);
        if t == MessageType::Request {
            q = with_server_id(q);
        }
        q.message.options.push(code::ORO, &[0, 23]);
        let r = b.reply(&q);
        let members: Vec<u16> = ias(&r)
            .iter()
            .map(|(_, ia)| addr_of(ia).address.segments()[2])
            .collect();
        assert_eq!(members, [1, 2], "{t:?}");
        assert_eq!(
            r.message.options.get(23),
            Some(&ip("2001:db8:2::53").octets()[..]),
            "{t:?}"
        );
    }
}

// V6-081: renew-timer 3000 above rebind-timer 2000 is served with T1 0 and T2 2000; T1 = T2 = 0 is
// sent as configured.
#[test]
fn v6_081_renew_above_rebind_sends_no_t1() {
    for ((renew, rebind), want) in [((3000, 2000), (0, 2000)), ((0, 0), (0, 0))] {
        let mut cfg = basic();
        cfg["subnet6"][0]["renew-timer"] = json!(renew);
        cfg["subnet6"][0]["rebind-timer"] = json!(rebind);
        let b = Bench::new(cfg);
        let r = b.reply(&msg(MessageType::Solicit, 1, &[(code::IA_NA, 1, None)]));
        let ia = &ias(&r)[0].1;
        assert_eq!((ia.t1, ia.t2), want, "{renew}/{rebind}");
    }
}

// V6-071: the random allocator hands 50 clients of a /120 pool 50 distinct addresses, not in
// ascending order (the iterative allocator's order).
#[test]
fn v6_071_random_allocator_distinct_not_monotonic() {
    let b = Bench::new(json!({
        "allocator": "random",
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
                     "pools": [{"pool": "2001:db8:1::/120"}]}]
    }));
    let got: Vec<Ipv6Addr> = (1..=50)
        .map(|n| {
            let q = with_server_id(msg(MessageType::Request, n, &[(code::IA_NA, 1, None)]));
            addr_of(&ias(&b.reply(&q))[0].1).address
        })
        .collect();
    let distinct: BTreeSet<Ipv6Addr> = got.iter().copied().collect();
    assert_eq!(distinct.len(), 50, "{got:?}");
    assert!(got
        .iter()
        .all(|a| a.segments()[..7] == [0x2001, 0xdb8, 1, 0, 0, 0, 0]));
    // 50 ascending draws out of 256 addresses would be a 1-in-50! event.
    assert!(got.windows(2).any(|w| w[1] < w[0]), "monotonic: {got:?}");
}

// V6-072: with `pd-allocator: "flq"` the four /64s of a /62 pd-pool go to four clients, distinct,
// then the pool is exhausted; their expiry frees nothing until reclamation (the iterative allocator
// would reuse an expired prefix on the spot), after which a newcomer is delegated one; a released
// prefix is free at once; a snapshot built over a store holding leases starts without their prefixes.
#[test]
fn v6_072_pd_flq_free_only_once_reclaimed() {
    let cfg = json!({
        "preferred-lifetime": 50, "valid-lifetime": 100, "pd-allocator": "flq",
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
                     "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 62, "delegated-len": 64}]}]
    });
    let mut b = Bench::new(cfg.clone());
    let request = |b: &Bench, n: u8| {
        let q = with_server_id(msg(MessageType::Request, n, &[(code::IA_PD, 1, None)]));
        let r = b.reply(&q);
        let ia = ias(&r)[0].1.clone();
        match status_of(&ia.options) {
            Some(c) => Err(c),
            None => Ok(prefix_of(&ia).prefix),
        }
    };
    let got: BTreeSet<Ipv6Addr> = (1..=4)
        .map(|n| request(&b, n).expect("delegated"))
        .collect();
    let pool: BTreeSet<Ipv6Addr> = (0..4)
        .map(|s| Ipv6Addr::new(0x2001, 0xdb8, 8, s, 0, 0, 0, 0))
        .collect();
    assert_eq!(got, pool);
    assert_eq!(request(&b, 5), Err(status::NO_PREFIX_AVAIL));
    b.now += 200;
    assert_eq!(
        request(&b, 5),
        Err(status::NO_PREFIX_AVAIL),
        "expired but not reclaimed"
    );
    assert_eq!(b.reclaim(), 4);
    let fifth = request(&b, 5).expect("free once reclaimed");
    assert!(pool.contains(&fifth));
    let mut release = with_server_id(msg(
        MessageType::Release,
        5,
        &[(code::IA_PD, 1, Some((fifth, 64)))],
    ));
    release.message.transaction_id = 9;
    b.reply(&release);
    let free = |b: &Bench| -> usize {
        b.snap.subnets[0].pd_pools[0]
            .free
            .as_ref()
            .expect("flq queue")
            .len()
    };
    assert_eq!(free(&b), 4, "released and reclaimed prefixes are free");

    let again = Bench::new(cfg);
    let mut held = b.store.get6_sync(LeaseType::Pd, fifth).expect("kept");
    held.state = LeaseState::Default;
    held.cltt = again.now;
    assert!(again.store.add6_sync(&held).unwrap());
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(again.snap.recount(&again.store))
        .unwrap();
    assert_eq!(free(&again), 3);
}

// V6-178: with store-extended-info a REQUEST relayed through two relays stores the ARM §9.2.27 shape
// in the lease: one map per level from the relay nearest the server, the inner relay's remote-id and
// relay-id decoded. A RENEW that comes directly rewrites the lease and keeps it, next to the other
// keys of the context; without store-extended-info nothing is stored.
#[test]
fn v6_178_relay_info_stored() {
    let relayed = |q: Packet6| {
        let mut q = q;
        let mut inner = RelayHeader::new(RelayKind::Forward, 0, ip("2001:db8:1::5"), ip("fe80::a"));
        inner
            .options
            .push(code::REMOTE_ID, &[0, 0, 0, 9, 0xaa, 0xbb]);
        inner.options.push(code::RELAY_ID, &[0x64, 0x64]);
        let mut outer =
            RelayHeader::new(RelayKind::Forward, 1, Ipv6Addr::UNSPECIFIED, ip("fe80::b"));
        outer.options.push(200, &[1, 2]);
        q.relays = vec![outer, inner];
        q
    };
    let run =
        |b: &Bench, q: &Packet6| match b.run_from(q, ip("2001:db8:ffff::1"), ip("2001:db8:1::1")) {
            Outcome6::Reply { packet, .. } => addr_of(&ias(&packet)[0].1).address,
            Outcome6::Drop(d) => panic!("dropped {d:?}"),
        };
    let mut cfg = basic();
    cfg["store-extended-info"] = json!(true);
    let mut b = Bench::new(cfg);
    let request = with_server_id(msg(MessageType::Request, 1, &[(code::IA_NA, 1, None)]));
    let a = run(&b, &relayed(request));
    let stored = b.store.get6_sync(LeaseType::Na, a).unwrap().user_context;
    let expected = json!({"ISC": {"relay-info": [
        {"hop": 1, "link": "::", "peer": "fe80::b", "options": "0x00C800020102"},
        {"hop": 0, "link": "2001:db8:1::5", "peer": "fe80::a",
         "options": "0x0025000600000009AABB003500026464", "remote-id": "00000009AABB", "relay-id": "6464"}
    ]}});
    assert_eq!(stored.clone().map(Value::Object), Some(expected));

    let read = b.store.get6_sync(LeaseType::Na, a).unwrap();
    let mut lease = read.clone();
    let mut ctx = stored.unwrap();
    ctx.insert("comment".into(), json!("kept"));
    lease.user_context = Some(ctx.clone());
    assert!(b.store.update6_sync(&lease, &read).unwrap());
    b.now += 3000;
    let renew = with_server_id(msg(
        MessageType::Renew,
        1,
        &[(code::IA_NA, 1, Some((a, 128)))],
    ));
    b.reply(&renew);
    let renewed = b.store.get6_sync(LeaseType::Na, a).unwrap();
    assert_eq!(renewed.cltt, b.now, "the renewal rewrote the lease");
    assert_eq!(renewed.user_context, Some(ctx));

    let b = Bench::new(basic());
    let request = with_server_id(msg(MessageType::Request, 2, &[(code::IA_NA, 1, None)]));
    let a = run(&b, &relayed(request));
    assert_eq!(
        b.store.get6_sync(LeaseType::Na, a).unwrap().user_context,
        None
    );
}
