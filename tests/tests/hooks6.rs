//! The plugin runtime in `ruru-dhcp6` end to end: the probe plugin (built by cargo) loaded from
//! `hooks-libraries`, driven by real DHCPv6 clients (perfdhcp -6, dhclient -6) over a veth pair
//! (issue 3; spec hooks.md §10, HK-120..HK-138).

use std::net::Ipv6Addr;
use std::path::Path;
use std::time::Duration;

use ruru_e2e::clients::{Dhclient, LeaseRequest6, Perf6, PerfReport, Request6};
use ruru_e2e::config::{persistent_memfile, stdout_loggers_for};
use ruru_e2e::process::wait_until;
use ruru_e2e::topology::{DirectLink, SERVER6_CIDR};
use ruru_e2e::{Family, Lease6, Server};
use ruru_proto::v6::{code, IaAddr, MessageType, Packet6, StatusCode};
use serde_json::{json, Value};

mod common;
use common::client6::{first_ia_na, Client6};
use common::{lines, plugin};

fn probe(tag: &str, log: &Path, actions: Value) -> Value {
    json!({"library": plugin("libruru_test_probe.so"),
           "parameters": {"tag": tag, "log": log, "actions": actions}})
}

/// One subnet on the server's veth with an address pool and a pd-pool, and `hooks`.
fn config(iface: &str, hooks: Value) -> Value {
    json!({"Dhcp6": {
        "interfaces-config": {"interfaces": [iface]},
        "lease-database": persistent_memfile(),
        "preferred-lifetime": 3000, "valid-lifetime": 4000,
        "renew-timer": 1000, "rebind-timer": 2000,
        "subnet6": [{
            "id": 1, "subnet": "2001:db8:1::/64", "interface": iface,
            "pools": [{"pool": "2001:db8:1::1:0 - 2001:db8:1::1:ffff"}],
            "pd-pools": [{"prefix": "2001:db8:8800::", "prefix-len": 48, "delegated-len": 64}]
        }],
        "hooks-libraries": hooks,
        "loggers": stdout_loggers_for(Family::V6, "DEBUG")
    }})
}

/// A short perfdhcp -6 run asking for an address and a prefix; `None` when nothing was answered
/// (perfdhcp then exits non-zero).
fn perf(link: &DirectLink, mac: &str) -> Option<PerfReport> {
    Perf6::new(link.client_iface())
        .rate(20, 2)
        .clients(1_000)
        .mac_base(mac)
        .lease(LeaseRequest6::AddressAndPrefix)
        .run(&link.client)
        .map_err(|e| eprintln!("perfdhcp: {e}"))
        .ok()
}

fn replies(r: &Option<PerfReport>) -> u64 {
    r.as_ref()
        .and_then(|r| r.request_reply().map(|s| s.received))
        .unwrap_or(0)
}

fn has(got: &[String], line: &str) -> bool {
    got.iter().any(|l| l == line)
}

// HK-120, HK-121, HK-122, HK-124, HK-130, HK-131, HK-132, HK-136, HK-138, HK-139, HK-008: every DHCPv6
// point of an exchange fires with Kea's argument names, in list order for two plugins, each plugin
// with its own request context; no DHCPv4 point is registered in ruru-dhcp6.
#[test]
fn v6_points_fire_in_list_order_with_kea_arguments() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let hooks = json!([probe("A", &log, json!({})), probe("B", &log, json!({}))]);
    let server =
        Server::start6(&link.server, config(link.server_iface(), hooks)).expect("server starts");
    let report = perf(&link, "00:0c:06:00:00:01");
    assert!(replies(&report) > 0, "{report:?}\n{}", server.logs());
    let got = lines(&log);
    for l in [
        "A load",
        "B load",
        "A dhcp6_srv_configured continue io_context,network_state,json_config,server_config,error",
        "A buffer6_receive continue query6",
        "A pkt6_receive continue query6",
        "A subnet6_select continue query6,subnet6,subnet6collection",
        "A lease6_select continue query6,subnet6,fake_allocation,lease6",
        "A leases6_committed continue query6,leases6,deleted_leases6",
        "A pkt6_send continue query6,response6,subnet6",
        "A buffer6_send continue response6",
        "A context_create continue -",
        "A context_destroy continue -",
        "A context A",
        "B context B",
    ] {
        assert!(has(&got, l), "missing {l:?} in {got:#?}");
    }
    assert!(
        !got.iter().any(|l| l.contains("4_") || l.contains("4 ")),
        "a DHCPv4 point fired in ruru-dhcp6: {got:#?}"
    );
    // Library order: B's callout on a point runs right after A's.
    let at = |p: &str| got.iter().position(|l| l.starts_with(p)).expect(p);
    assert!(at("A pkt6_receive ") < at("B pkt6_receive "));
    assert!(at("A leases6_committed ") < at("B leases6_committed "));
}

// HK-121: DROP at pkt6_receive discards every query; HK-060: not counted as a receive drop.
#[test]
fn v6_drop_at_pkt6_receive_answers_nothing() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let hooks = json!([probe("D", &log, json!({"pkt6_receive": "drop"}))]);
    let server =
        Server::start6(&link.server, config(link.server_iface(), hooks)).expect("server starts");
    let report = perf(&link, "00:0c:06:00:00:02");
    let advertised = report
        .as_ref()
        .map_or(0, |r| r.solicit_advertise().received);
    assert_eq!(advertised, 0, "{report:?}");
    assert!(has_prefix(&lines(&log), "D pkt6_receive "));
    assert!(server.leases6().expect("lease file").leased().is_empty());
}

fn has_prefix(got: &[String], p: &str) -> bool {
    got.iter().any(|l| l.starts_with(p))
}

// HK-124: SKIP at lease6_select assigns nothing: the client is answered (without addresses, which
// perfdhcp does not count) and no lease is stored.
#[test]
fn v6_skip_at_lease6_select_assigns_nothing() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let hooks = json!([probe("S", &log, json!({"lease6_select": "skip"}))]);
    let server =
        Server::start6(&link.server, config(link.server_iface(), hooks)).expect("server starts");
    perf(&link, "00:0c:06:00:00:03");
    let got = lines(&log);
    assert!(has_prefix(&got, "S lease6_select "), "{got:#?}");
    assert!(
        has_prefix(&got, "S pkt6_send "),
        "no answer built: {got:#?}"
    );
    let leases = server.leases6().expect("lease file");
    assert!(leases.leased().is_empty(), "{leases:?}");
}

// HK-130, HK-056: DROP at leases6_committed withholds the REPLY but keeps the committed leases.
#[test]
fn v6_drop_at_leases6_committed_keeps_leases_without_reply() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let hooks = json!([probe("C", &log, json!({"leases6_committed": "drop"}))]);
    let server =
        Server::start6(&link.server, config(link.server_iface(), hooks)).expect("server starts");
    let report = perf(&link, "00:0c:06:00:00:04");
    assert_eq!(replies(&report), 0, "{report:?}");
    let advertised = report
        .as_ref()
        .map_or(0, |r| r.solicit_advertise().received);
    assert!(advertised > 0, "{report:?}\n{}", server.logs());
    assert!(!server.leases6().expect("lease file").leased().is_empty());
}

// HK-061, HK-062, HK-122, HK-130: PARK at subnet6_select and leases6_committed delays the answers
// until the plugin unparks; every exchange still completes.
#[test]
fn v6_parked_packets_resume() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let actions = json!({"subnet6_select": "park:20", "leases6_committed": "park:20"});
    let hooks = json!([probe("P", &log, actions)]);
    let server =
        Server::start6(&link.server, config(link.server_iface(), hooks)).expect("server starts");
    let report = perf(&link, "00:0c:06:00:00:05");
    let r = report.as_ref().expect("perfdhcp answered");
    let rr = r.request_reply().expect("REQUEST-REPLY");
    assert!(
        rr.received * 100 >= rr.sent * 95,
        "{}\n{}",
        r.output,
        server.logs()
    );
    let got = lines(&log);
    assert!(has_prefix(&got, "P subnet6_select ") && has_prefix(&got, "P leases6_committed "));
}

// HK-125, HK-127: a RENEW runs lease6_renew with the IA_NA; SKIP at lease6_release keeps the lease.
#[test]
fn v6_renew_and_release_points() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    link.veth
        .b()
        .set_mac("02:00:00:00:06:44")
        .expect("client MAC");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let hooks = json!([probe("R", &log, json!({"lease6_release": "skip"}))]);
    let mut cfg = config(link.server_iface(), hooks);
    cfg["Dhcp6"]["renew-timer"] = json!(2);
    let server = Server::start6(&link.server, cfg).expect("server starts");
    let client =
        Dhclient::new6(&link.client, link.client_iface(), Request6::Address).expect("dhclient");
    let lease = client.acquire6().expect("dhclient -6 obtains an address");
    let [ia] = lease.addresses.as_slice() else {
        panic!("expected one address: {lease:?}");
    };
    client
        .wait_for_event("RENEW6", Duration::from_secs(20))
        .expect("dhclient renews at T1");
    wait_until("lease6_renew", Duration::from_secs(5), || {
        has(&lines(&log), "R lease6_renew continue query6,lease6,ia_na")
    })
    .unwrap_or_else(|e| panic!("{e}: {:#?}", lines(&log)));

    client.release().expect("dhclient -6 -r");
    wait_until("lease6_release", Duration::from_secs(5), || {
        has(&lines(&log), "R lease6_release continue query6,lease6")
    })
    .unwrap_or_else(|e| panic!("{e}: {:#?}", lines(&log)));
    let leases = server.leases6().expect("lease file");
    assert!(
        leases.get(ia.address).is_some_and(Lease6::is_leased),
        "a skipped release removed the lease: {leases:?}"
    );
}

// HK-133: a lease reaching its end during reclamation runs lease6_expire.
#[test]
fn v6_expire_point_fires() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let hooks = json!([probe("E", &log, json!({}))]);
    let mut cfg = config(link.server_iface(), hooks);
    cfg["Dhcp6"]["valid-lifetime"] = json!(2);
    cfg["Dhcp6"]["preferred-lifetime"] = json!(1);
    cfg["Dhcp6"]["renew-timer"] = json!(1);
    cfg["Dhcp6"]["rebind-timer"] = json!(1);
    cfg["Dhcp6"]["expired-leases-processing"] = json!({"reclaim-timer-wait-time": 1});
    let server = Server::start6(&link.server, cfg).expect("server starts");
    let report = perf(&link, "00:0c:06:00:00:06");
    assert!(replies(&report) > 0, "{report:?}\n{}", server.logs());
    wait_until("a lease expires", Duration::from_secs(15), || {
        has(&lines(&log), "E lease6_expire continue lease6,remove_lease")
    })
    .unwrap_or_else(|e| panic!("{e}: {:#?}", lines(&log)));
}

// V6-060, HK-122: a subnet6_select callout replacing the selected subnet (the link's, id 1) with
// another (id 2) makes the client's address come from the replacement.
#[test]
fn v6_060_subnet6_select_substitute_gives_the_address() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let hooks = json!([probe(
        "S",
        &log,
        json!({"subnet6_select": "subnet-select:2"})
    )]);
    let mut cfg = config(link.server_iface(), hooks);
    cfg["Dhcp6"]["subnet6"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": 2, "subnet": "2001:db8:2::/64",
                     "pools": [{"pool": "2001:db8:2::1:0 - 2001:db8:2::1:ffff"}]}));
    let server = Server::start6(&link.server, cfg).expect("server starts");
    let mut client = Client6::new(
        &link.client,
        link.client_iface(),
        &[0, 3, 0, 1, 2, 0, 0, 0, 6, 0x60],
    );
    let (_, address) = client.bind();
    assert_eq!(
        address.segments()[..4],
        [0x2001, 0xdb8, 2, 0],
        "{address} is not from subnet 2\n{}",
        server.logs()
    );
    let leases = server.leases6().expect("lease file");
    let lease = leases.get(address).expect("the lease is stored");
    assert_eq!(lease.subnet_id, 2, "{lease:?}");
}

/// The answer's IA_NA: its T1 and T2, its address and that address's valid lifetime, and its status
/// code's message (`None` without a status code).
fn answered_ia(p: &Packet6) -> (u32, u32, Option<(Ipv6Addr, u32)>, Option<String>) {
    let ia = first_ia_na(p);
    let addr = ia
        .options
        .typed::<IaAddr>(code::IAADDR)
        .map(|a| a.expect("IAADDR decodes"))
        .map(|a| (a.address, a.valid));
    let status = ia
        .options
        .typed::<StatusCode>(code::STATUS_CODE)
        .map(|s| s.expect("status decodes"))
        .map(|s| {
            assert_eq!(s.code, 0, "{s:?}");
            s.message
        });
    (ia.t1, ia.t2, addr, status)
}

// HK-125, HK-126: `ia_na` at lease6_renew and lease6_rebind is the answer's IA, and what a callout
// puts in it is sent: here a Success status with the callout's text, next to the extended address and
// the T1/T2 the server fills in.
#[test]
fn hk_125_hk_126_renew_and_rebind_callouts_write_the_answers_ia() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let hex = |text: &str| -> String {
        // A Success status code (0) with `text` as its message.
        std::iter::once("0000".to_owned())
            .chain(text.bytes().map(|b| format!("{b:02x}")))
            .collect()
    };
    let actions = json!({
        "lease6_renew": format!("ia-option:13:{}", hex("renewed")),
        "lease6_rebind": format!("ia-option:13:{}", hex("rebound"))
    });
    let server = Server::start6(
        &link.server,
        config(link.server_iface(), json!([probe("I", &log, actions)])),
    )
    .expect("server starts");
    let mut client = Client6::new(
        &link.client,
        link.client_iface(),
        &[0, 3, 0, 1, 2, 0, 0, 0, 6, 0x25],
    );
    let (reply, address) = client.bind();
    assert_eq!(
        answered_ia(&reply).3,
        None,
        "REQUEST runs no extend callout"
    );
    let wait = Duration::from_secs(5);
    for (t, server_id, text) in [
        (MessageType::Renew, Some(&reply), "renewed"),
        (MessageType::Rebind, None, "rebound"),
    ] {
        let m = client.message(t, server_id, Some(address));
        let answer = client
            .exchange(m, wait)
            .unwrap_or_else(|| panic!("REPLY to {t:?}\n{}", server.logs()));
        let (t1, t2, addr, status) = answered_ia(&answer);
        assert_eq!(status.as_deref(), Some(text), "{answer:?}");
        assert_eq!(addr, Some((address, 4000)), "{answer:?}");
        assert!(t1 > 0 && t2 > t1, "T1/T2 set by the server: {answer:?}");
    }
    let got = lines(&log);
    assert!(
        has(&got, "I lease6_renew continue query6,lease6,ia_na"),
        "{got:#?}"
    );
    assert!(
        has(&got, "I lease6_rebind continue query6,lease6,ia_na"),
        "{got:#?}"
    );
}
