//! DDNS end to end (V4-149..V4-152, V6-172..V6-176, HK-108, HK-129, LC-104, LC-131..LC-135): the
//! servers' NameChangeRequests as a UDP listener standing in for `kea-dhcp-ddns` receives them,
//! compared with what Kea 2.2 sends for the same exchanges and commands, and accepted by the real
//! `kea-dhcp-ddns`.

use std::path::Path;
use std::time::Duration;

use ruru_e2e::clients::perfdhcp::run_perfdhcp;
use ruru_e2e::clients::{LeaseRequest6, Perf6};
use ruru_e2e::config::{persistent_memfile, stdout_loggers, stdout_loggers_for};
use ruru_e2e::process::wait_until;
use ruru_e2e::subject::Subject;
use ruru_e2e::topology::{loopback_relay, DirectLink, SERVER6_CIDR};
use ruru_e2e::{Family, Netns, Server};
use serde_json::{json, Value};

mod common;
use common::d2::{d2_socket, ncrs, D2_PORT};
use common::lease_cmds::LeaseCmds;
use common::plugin;

/// An NCR without what differs between runs or between Kea 2.2 and 2.7: the expiry (a time) and
/// the 2.5+ `conflict-resolution-mode` member (Ruru also sends 2.2's boolean).
fn comparable(mut ncr: Value) -> Value {
    let m = ncr.as_object_mut().expect("NCR is a map");
    m.remove("lease-expires-on");
    m.remove("conflict-resolution-mode");
    ncr
}

/// Option 81 with S and E set and `name` in DNS wire form, as perfdhcp's `-o` hex.
fn option81(name: &str) -> String {
    format!("81,050000{}", wire_hex(name))
}

/// Option 39 with S set.
fn option39(name: &str) -> String {
    format!("39,01{}", wire_hex(name))
}

/// `name` in DNS wire form: ended by the root label when written with a trailing dot (a fully
/// qualified name), else without it (a partial name).
fn wire_hex(name: &str) -> String {
    let mut hex = String::new();
    for label in name.split('.').filter(|l| !l.is_empty()) {
        hex += &format!("{:02x}", label.len());
        hex.extend(label.bytes().map(|b| format!("{b:02x}")));
    }
    if name.ends_with('.') {
        hex += "00";
    }
    hex
}

/// One relayed DORA of the client `mac` sending option 81 for `name`; ACKs received.
fn dora81(ns: &Netns, mac: &str, name: &str) -> u64 {
    dora81_via(ns, "127.0.0.2", mac, name)
}

/// [`dora81`] relayed from `relay`.
fn dora81_via(ns: &Netns, relay: &str, mac: &str, name: &str) -> u64 {
    let opt = option81(name);
    let args = [
        "-4",
        "-l",
        relay,
        "-b",
        &format!("mac={mac}"),
        "-o",
        &opt,
        "-r",
        "1",
        "-R",
        "1",
        "-p",
        "2",
        "127.0.0.1",
    ];
    run_perfdhcp(ns, &args, Duration::from_secs(20))
        .ok()
        .and_then(|r| r.request_ack)
        .map_or(0, |r| r.received)
}

fn config4(socket: &Path, library: &Path, hooks_extra: Vec<Value>) -> Value {
    let mut hooks = vec![json!({"library": library})];
    hooks.extend(hooks_extra);
    json!({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "lease-database": persistent_memfile(),
        "control-socket": {"socket-type": "unix", "socket-name": socket},
        "dhcp-ddns": {"enable-updates": true},
        "ddns-qualifying-suffix": "example.org",
        "valid-lifetime": 4000,
        "subnet4": [
            {"id": 1, "subnet": "10.0.0.0/8", "pools": [{"pool": "10.0.0.10 - 10.0.0.250"}],
             "relay": {"ip-addresses": ["127.0.0.2"]}},
            {"id": 2, "subnet": "172.16.0.0/16", "pools": [{"pool": "172.16.0.10 - 172.16.0.250"}],
             "relay": {"ip-addresses": ["127.0.0.3"]}, "ddns-send-updates": false}
        ],
        "hooks-libraries": hooks,
        "loggers": stdout_loggers("DEBUG")
    }})
}

/// The DHCPv4 sequence both servers go through: what D2 received and what the commands answered.
fn v4_sequence(subject: Subject) -> (Vec<Value>, Vec<Value>) {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let d2 = d2_socket(&ns, D2_PORT);
    let c = LeaseCmds::start(&ns, subject, |s, l| config4(s, l, Vec::new()));
    let mut got = Vec::new();
    let mut answers = Vec::new();
    // V4-150: a REQUEST granting a new lease adds; the same client again changes nothing.
    assert!(dora81(&ns, "00:0c:01:02:03:04", "Host1.Example.org.") >= 1);
    got.extend(ncrs(&d2, Duration::from_secs(2)));
    assert!(dora81(&ns, "00:0c:01:02:03:04", "host1.example.org.") >= 1);
    got.extend(ncrs(&d2, Duration::from_secs(2)));
    // LC-131: resend queues an add; LC-104: del with update-ddns queues a removal; LC-132.
    let addr = got
        .first()
        .and_then(|n| n["ip-address"].as_str())
        .unwrap_or("10.0.0.10")
        .to_owned();
    let resend = json!({"ip-address": addr});
    answers.push(c.run("lease4-resend-ddns", Some(resend.clone())));
    got.extend(ncrs(&d2, Duration::from_secs(2)));
    answers.push(c.run(
        "lease4-del",
        Some(json!({"ip-address": addr, "update-ddns": true})),
    ));
    got.extend(ncrs(&d2, Duration::from_secs(2)));
    answers.push(c.run("lease4-resend-ddns", Some(resend)));
    (got.into_iter().map(comparable).collect(), answers)
}

// V4-150, V4-151, V4-152, LC-104, LC-131, LC-132, LC-134: the NCRs of a DORA, a repeated DORA,
// lease4-resend-ddns and lease4-del with update-ddns, and the commands' answers, are Kea 2.2's.
#[test]
fn v4_150_ncrs_and_commands_match_kea() {
    let (kea_ncrs, kea_answers) = v4_sequence(Subject::Kea);
    let (ncrs, answers) = v4_sequence(Subject::Ruru);
    assert_eq!(ncrs, kea_ncrs, "NCRs: Ruru vs Kea 2.2");
    assert_eq!(answers, kea_answers, "answers: Ruru vs Kea 2.2");
    // What that sequence is, so the comparison cannot pass on two empty lists.
    let kinds: Vec<_> = ncrs.iter().map(|n| n["change-type"].clone()).collect();
    assert_eq!(kinds, [json!(0), json!(0), json!(1)], "{ncrs:#?}");
    assert_eq!(ncrs[0]["fqdn"], "host1.example.org.");
    assert_eq!(ncrs[0]["lease-length"], 1333);
    assert!(ncrs[0]["dhcid"]
        .as_str()
        .is_some_and(|d| d.starts_with("000101")));
    assert_eq!(answers[0]["result"], 0);
    assert_eq!(answers[2]["result"], 3);
}

// V4-149: no NCR where the subnet says ddns-send-updates false; LC-133: resend of a lease without
// a name → 4; HK-108: a ddns4_update callout renames the client and turns the reverse update off,
// and the NCR and the lease follow; LC-134: with nobody listening the resend is still queued (0).
#[test]
fn v4_149_scope_hook_and_unnamed_lease() {
    let ns = loopback_relay(&["127.0.0.2", "127.0.0.3"]).expect("namespace");
    let d2 = d2_socket(&ns, D2_PORT);
    let probe = json!({"library": plugin("libruru_test_probe.so"),
                       "parameters": {"tag": "A", "actions": {"ddns4_update": "rename"}}});
    let c = LeaseCmds::start(&ns, Subject::Ruru, |s, l| config4(s, l, vec![probe]));
    // Subnet 2 (relay 127.0.0.3) has ddns-send-updates false.
    let acked = dora81_via(&ns, "127.0.0.3", "00:0c:02:00:00:01", "quiet.example.org.");
    assert!(acked >= 1);
    assert!(
        ncrs(&d2, Duration::from_secs(2)).is_empty(),
        "NCR from subnet 2"
    );
    let quiet = c.run("lease4-get-all", Some(json!({"subnets": [2]})));
    let quiet_addr = quiet["arguments"]["leases"][0]["ip-address"].clone();
    let r = c.expect("lease4-resend-ddns", json!({"ip-address": quiet_addr}), 4);
    assert!(
        r["text"]
            .as_str()
            .unwrap()
            .contains("Neither forward nor reverse"),
        "{r}"
    );

    assert!(dora81(&ns, "00:0c:01:00:00:07", "asked.example.org.") >= 1);
    let got = ncrs(&d2, Duration::from_secs(2));
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0]["fqdn"], "renamed.example.org.");
    assert_eq!(got[0]["forward-change"], true);
    assert_eq!(got[0]["reverse-change"], false);
    let addr = got[0]["ip-address"].clone();
    let lease = c.run("lease4-get", Some(json!({"ip-address": addr})));
    assert_eq!(
        lease["arguments"]["hostname"], "renamed.example.org.",
        "{lease}"
    );
    assert_eq!(lease["arguments"]["fqdn-rev"], false, "{lease}");

    // A lease added without a name: nothing to update.
    c.expect(
        "lease4-add",
        json!({"ip-address": "10.0.0.200", "hw-address": "00:0c:01:00:00:99"}),
        0,
    );
    let r = c.expect("lease4-resend-ddns", json!({"ip-address": "10.0.0.200"}), 4);
    assert!(
        r["text"].as_str().unwrap().contains("has no hostname"),
        "{r}"
    );
    drop(d2);
    c.expect("lease4-resend-ddns", json!({"ip-address": addr}), 0);
}

// V4-152: Kea's own kea-dhcp-ddns takes Ruru's NCRs (it queues them by DHCID; it has no DNS
// domains configured here, so it then drops them as it would Kea's).
#[test]
fn v4_152_kea_dhcp_ddns_accepts_ruru_ncrs() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().expect("dir");
    let log = dir.path().join("d2.log");
    let d2_config = dir.path().join("d2.json");
    std::fs::write(
        &d2_config,
        json!({"DhcpDdns": {"ip-address": "127.0.0.1", "port": D2_PORT,
            "forward-ddns": {"ddns-domains": []}, "reverse-ddns": {"ddns-domains": []},
            "loggers": [{"name": "kea-dhcp-ddns", "severity": "DEBUG", "debuglevel": 99,
                         "output_options": [{"output": log}]}]}})
        .to_string(),
    )
    .expect("D2 config");
    let mut d2 = ns
        .command("kea-dhcp-ddns")
        .arg("-c")
        .arg(&d2_config)
        .spawn()
        .expect("kea-dhcp-ddns runs (Debian package kea-dhcp-ddns-server)");
    let listening = wait_until("kea-dhcp-ddns listens", Duration::from_secs(10), || {
        std::fs::read_to_string(&log).is_ok_and(|l| l.contains("DHCP_DDNS_STARTED"))
    });
    let c = LeaseCmds::start(&ns, Subject::Ruru, |s, l| config4(s, l, Vec::new()));
    let acked = dora81(&ns, "00:0c:01:02:03:04", "host1.example.org.");
    let queued = wait_until("D2 queued the NCR", Duration::from_secs(10), || {
        std::fs::read_to_string(&log).is_ok_and(|l| l.contains("DHCP_DDNS_QUEUE_MGR_QUEUE_RECEIVE"))
    });
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = d2.kill();
    let _ = d2.wait();
    listening.expect("kea-dhcp-ddns started");
    assert!(acked >= 1, "{}", c.server.logs());
    queued.unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert!(!text.contains("DHCP_DDNS_INVALID_NCR"), "{text}");
}

fn config6(iface: &str, hooks: Value) -> Value {
    json!({"Dhcp6": {
        "interfaces-config": {"interfaces": [iface]},
        "lease-database": persistent_memfile(),
        "server-id": {"type": "LL", "persist": false},
        "dhcp-ddns": {"enable-updates": true},
        "ddns-qualifying-suffix": "example.org",
        "preferred-lifetime": 3000, "valid-lifetime": 4000,
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": iface,
                     "pools": [{"pool": "2001:db8:1::100 - 2001:db8:1::1ff"}],
                     "pd-pools": [{"prefix": "2001:db8:8800::", "prefix-len": 48, "delegated-len": 64}]}],
        "hooks-libraries": hooks,
        "loggers": stdout_loggers_for(Family::V6, "DEBUG")
    }})
}

/// One client asking for `lease` with option 39 for `name`, in repeated exchanges; the NCRs.
fn v6_sequence(subject: Subject, lease: LeaseRequest6, hooks: Value, name: &str) -> Vec<Value> {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let d2 = d2_socket(&link.server, D2_PORT);
    let _server = Server::start_subject(subject, &link.server, config6(link.server_iface(), hooks))
        .expect("server starts");
    let perf = Perf6::new(link.client_iface())
        .rate(1, 3)
        .clients(1)
        .mac_base("00:0c:01:02:03:04")
        .lease(lease);
    let mut args = perf.args();
    args.extend(["-o".into(), option39(name)]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let report = run_perfdhcp(&link.client, &args, perf.timeout()).expect("perfdhcp -6 runs");
    assert!(
        report.request_reply().is_some_and(|r| r.received >= 2),
        "{}",
        report.output
    );
    ncrs(&d2, Duration::from_secs(2))
}

// V6-172, V6-173, V6-174, V6-175: one add for the address of the first REPLY, none for the
// repeated REQUESTs that changed nothing; the DHCID is the client's DUID's; lease-expires-on is 0
// and the TTL a third of the lifetime, as Kea 2.2 sends. With a prefix asked for too, still one
// add for the address: Kea 2.2 adds again on every REPLY then (it looks for the address among the
// last IA's leases, the prefix's), which the spec's rule (V6-173) does not do.
#[test]
fn v6_174_one_add_per_client_as_kea() {
    let name = "Host1.example.org.";
    let kea = v6_sequence(Subject::Kea, LeaseRequest6::Address, json!([]), name);
    let ruru = v6_sequence(Subject::Ruru, LeaseRequest6::Address, json!([]), name);
    let with_prefix = v6_sequence(
        Subject::Ruru,
        LeaseRequest6::AddressAndPrefix,
        json!([]),
        name,
    );
    assert_eq!(with_prefix.len(), 1, "{with_prefix:#?}");
    assert_eq!(with_prefix[0]["ip-address"], ruru[0]["ip-address"]);
    assert_eq!(ruru.len(), 1, "{ruru:#?}");
    assert_eq!(kea.len(), 1, "{kea:#?}");
    // perfdhcp's DUID-LLT carries the time, so the DHCIDs of two runs differ: compared by form.
    let without_dhcid = |n: &Value| {
        let mut n = comparable(n.clone());
        let dhcid = n.as_object_mut().unwrap().remove("dhcid").unwrap();
        assert!(dhcid
            .as_str()
            .is_some_and(|d| d.len() == 70 && d.starts_with("000201")));
        n
    };
    assert_eq!(without_dhcid(&ruru[0]), without_dhcid(&kea[0]));
    assert_eq!(ruru[0]["fqdn"], "host1.example.org.");
    assert_eq!(ruru[0]["lease-expires-on"], "19700101000000");
    assert_eq!(ruru[0]["lease-length"], 1333);
}

// HK-129: a ddns6_update callout renames the client and turns the reverse update off; the NCR
// carries the new name and only the forward change.
#[test]
fn hk129_ddns6_update_renames() {
    let probe = json!([{"library": plugin("libruru_test_probe.so"),
                        "parameters": {"tag": "A", "actions": {"ddns6_update": "rename"}}}]);
    let got = v6_sequence(
        Subject::Ruru,
        LeaseRequest6::Address,
        probe,
        "Host1.example.org.",
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0]["fqdn"], "renamed.example.org.");
    assert_eq!(got[0]["forward-change"], true);
    assert_eq!(got[0]["reverse-change"], false);
}

/// The NCR names `subject` sends for one client's DORA with option 81 carrying `name`.
fn v4_fqdns(subject: Subject, name: &str) -> Vec<Value> {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let d2 = d2_socket(&ns, D2_PORT);
    let c = LeaseCmds::start(&ns, subject, |s, l| config4(s, l, Vec::new()));
    assert!(
        dora81(&ns, "00:0c:01:02:03:05", name) >= 1,
        "{}",
        c.server.logs()
    );
    ncrs(&d2, Duration::from_secs(2))
        .into_iter()
        .map(|n| n["fqdn"].clone())
        .collect()
}

// V4-147: a partial name in option 81 (sent without the root label) is completed with
// ddns-qualifying-suffix whatever its label count, a full one is kept; Ruru's NCRs name the client
// as Kea 2.2's do.
#[test]
fn v4_147_partial_fqdn_qualified_as_kea() {
    for (name, want) in [
        ("MyHost.sub", "myhost.sub.example.org."),
        ("myhost.sub.", "myhost.sub."),
    ] {
        let kea = v4_fqdns(Subject::Kea, name);
        let ruru = v4_fqdns(Subject::Ruru, name);
        assert_eq!(ruru, kea, "{name}: Ruru vs Kea 2.2");
        assert_eq!(ruru, [json!(want)], "{name}");
    }
}

// V6-169: the same for option 39: a partial `myhost.sub` becomes `myhost.sub.example.org.`, as
// Kea 2.2 names it.
#[test]
fn v6_169_partial_fqdn_qualified_as_kea() {
    let fqdns = |subject| -> Vec<Value> {
        v6_sequence(subject, LeaseRequest6::Address, json!([]), "MyHost.sub")
            .into_iter()
            .map(|n| n["fqdn"].clone())
            .collect()
    };
    let kea = fqdns(Subject::Kea);
    let ruru = fqdns(Subject::Ruru);
    assert_eq!(ruru, kea, "Ruru vs Kea 2.2");
    assert_eq!(ruru, [json!("myhost.sub.example.org.")]);
}
