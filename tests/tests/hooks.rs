//! The plugin runtime end to end: real plugins built by cargo, loaded by a running `ruru-dhcp4` from
//! `hooks-libraries`, driven by real relayed DHCP traffic (issue 3; spec hooks.md).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use ruru_e2e::config::{persistent_memfile, stdout_loggers};
use ruru_e2e::process::wait_until;
use ruru_e2e::topology::loopback_relay;
use ruru_e2e::{Server, Subject};
use serde_json::{json, Value};

mod common;
use common::{acks, dora, hup, lines, plugin};

fn probe(tag: &str, log: &Path, actions: Value) -> Value {
    json!({"library": plugin("libruru_test_probe.so"),
           "parameters": {"tag": tag, "log": log, "actions": actions}})
}

fn config(hooks: Value) -> Value {
    json!({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "lease-database": persistent_memfile(),
        "valid-lifetime": 4000,
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "pools": [{"pool": "10.0.0.10 - 10.0.0.250"}],
                     "relay": {"ip-addresses": ["127.0.0.2"]}}],
        "hooks-libraries": hooks,
        "loggers": stdout_loggers("DEBUG")
    }})
}

// HK-013, HK-016, HK-017, HK-032/033, HK-100..HK-112 (arguments), HK-139: two plugins on every point run
// in list order with Kea's argument names, each with its own request context.
#[test]
fn callouts_run_in_list_order_with_kea_arguments() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let hooks = json!([probe("A", &log, json!({})), probe("B", &log, json!({}))]);
    let server = Server::start(&ns, config(hooks)).expect("server starts");
    assert!(dora(&ns, 3, "00:0d:01:00:00:00") > 0, "{}", server.logs());
    let got = lines(&log);
    let pos = |l: &str| got.iter().position(|x| x.starts_with(l));
    assert!(pos("A load").unwrap() < pos("B load").unwrap(), "{got:#?}");
    for point in [
        "buffer4_receive",
        "pkt4_receive",
        "subnet4_select",
        "lease4_select",
        "lease4_offer",
        "leases4_committed",
        "pkt4_send",
        "buffer4_send",
    ] {
        let a = pos(&format!("A {point} ")).unwrap_or_else(|| panic!("A {point}: {got:#?}"));
        let b = pos(&format!("B {point} ")).unwrap_or_else(|| panic!("B {point}: {got:#?}"));
        assert!(a < b, "A before B at {point}");
    }
    let args_of = |point: &str| {
        got.iter()
            .find(|l| l.starts_with(&format!("A {point} ")))
            .and_then(|l| l.split(' ').nth(3))
            .unwrap_or("")
            .to_owned()
    };
    assert_eq!(args_of("pkt4_receive"), "query4");
    assert_eq!(
        args_of("subnet4_select"),
        "query4,subnet4,subnet4collection"
    );
    assert_eq!(
        args_of("lease4_select"),
        "query4,subnet4,fake_allocation,lease4"
    );
    assert_eq!(
        args_of("leases4_committed"),
        "query4,leases4,deleted_leases4"
    );
    assert_eq!(args_of("pkt4_send"), "query4,response4,subnet4");
    assert_eq!(
        args_of("lease4_offer"),
        "query4,leases4,offer_lifetime,old_lease,offer_address_in_use"
    );
    assert!(got.iter().any(|l| l == "A context A"), "{got:#?}");
    assert!(got.iter().any(|l| l == "B context B"), "{got:#?}");
}

// HK-051, HK-055/056, HK-043/044: a panicking callout drops the packet without stopping the server; a
// reload unloads the old plugins before loading the new list, which takes effect.
#[test]
fn panicking_callout_drops_and_reload_replaces_plugins() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let mut server = Server::start(
        &ns,
        config(json!([probe("A", &log, json!({"pkt4_receive": "panic"}))])),
    )
    .expect("server starts");
    assert_eq!(dora(&ns, 3, "00:0d:02:00:00:00"), 0, "{}", server.logs());
    assert!(server.pid().is_some(), "server survives the panic");

    let mut reloaded = config(json!([probe("C", &log, json!({}))]));
    reloaded["Dhcp4"]["lease-database"] =
        json!({"type": "memfile", "persist": true, "name": server.lease_file()});
    std::fs::write(server.config_file(), reloaded.to_string()).unwrap();
    hup(&server);
    wait_until("the new plugin serves", Duration::from_secs(15), || {
        dora(&ns, 2, "00:0d:03:00:00:00") > 0
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", server.logs()));
    let got = lines(&log);
    let pos = |l: &str| got.iter().position(|x| x == l);
    assert!(
        pos("A unload").unwrap() < pos("C load").unwrap(),
        "{got:#?}"
    );

    // A missing library: the reload is refused, C keeps running (HK-040).
    let mut broken = reloaded.clone();
    broken["Dhcp4"]["hooks-libraries"] = json!([{"library": dir.path().join("missing.so")}]);
    std::fs::write(server.config_file(), broken.to_string()).unwrap();
    hup(&server);
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        !lines(&log).iter().any(|l| l == "C unload"),
        "C stays loaded"
    );
    assert!(dora(&ns, 2, "00:0d:04:00:00:00") > 0, "{}", server.logs());
    server.stop().expect("clean stop");
    assert!(
        lines(&log).iter().any(|l| l == "C unload"),
        "unloaded at shutdown (HK-048)"
    );
}

// HK-061, HK-062, HK-101: a packet parked at leases4_committed is answered once the plugin unparks it; a
// DROP at pkt4_receive leaves the query unanswered.
#[test]
fn parked_packets_resume_and_drops_are_silent() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let server = Server::start(
        &ns,
        config(json!([probe(
            "P",
            &log,
            json!({"leases4_committed": "park:100"})
        )])),
    )
    .expect("server starts");
    assert!(dora(&ns, 3, "00:0d:05:00:00:00") > 0, "{}", server.logs());
    drop(server);

    let server = Server::start(
        &ns,
        config(json!([probe("D", &log, json!({"pkt4_receive": "drop"}))])),
    )
    .expect("server starts");
    assert_eq!(dora(&ns, 2, "00:0d:06:00:00:00"), 0, "{}", server.logs());
}

fn check_full(hooks: Value, mt: bool) -> (bool, String) {
    let bin = Subject::from_env()
        .and_then(Subject::dhcp4_binary)
        .expect("server binary");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kea.json");
    let mut cfg = config(hooks);
    cfg["Dhcp4"]["lease-database"] = json!({"type": "memfile", "persist": false});
    cfg["Dhcp4"]["multi-threading"] = json!({"enable-multi-threading": mt});
    std::fs::write(&file, cfg.to_string()).unwrap();
    let out = Command::new(bin).arg("-T").arg(&file).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

// HK-021, HK-009, HK-024, HK-026, HK-027, HK-042: refused plugins name the file and the reason.
#[test]
fn refused_plugins_name_file_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("x.log");
    let (ok, text) = check_full(
        json!([{"library": plugin("libruru_test_bad_abi.so")}]),
        true,
    );
    assert!(
        !ok && text.contains("HOOKS_INCORRECT_VERSION") && text.contains("bad_abi"),
        "{text}"
    );
    let (ok, text) = check_full(json!([{"library": "/nonexistent/libx.so"}]), true);
    assert!(!ok && text.contains("/nonexistent/libx.so"), "{text}");
    let not_mt = json!([{"library": plugin("libruru_test_not_mt.so"), "parameters": {"log": log}}]);
    let (ok, text) = check_full(not_mt.clone(), true);
    assert!(
        !ok && text.contains("HOOKS_LIBRARY_MULTI_THREADING_NOT_COMPATIBLE"),
        "{text}"
    );
    let (ok, text) = check_full(not_mt, false);
    assert!(ok, "{text}");
    for (mode, id) in [
        ("fail", "HOOKS_LOAD_ERROR"),
        ("panic", "HOOKS_LOAD_EXCEPTION"),
    ] {
        let mut p = probe("L", &log, json!({}));
        p["parameters"]["load"] = json!(mode);
        let (ok, text) = check_full(json!([p]), true);
        assert!(!ok && text.contains(id), "{mode}: {text}");
    }
    let got = lines(&log);
    assert!(
        got.iter().filter(|l| *l == "L unload").count() >= 2,
        "unload after a failed load (HK-028): {got:#?}"
    );
}

// HK-062, HK-069: packets parked for a second at leases4_committed do not hold up the others: the socket
// keeps serving while they wait, and each resumes on a server worker.
#[test]
fn parked_packets_do_not_block_the_socket() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let server = Server::start(
        &ns,
        config(json!([probe(
            "P",
            &log,
            json!({"leases4_committed": "park:1000"})
        )])),
    )
    .expect("server starts");
    let acked = acks(
        &ns,
        "-4 -l 127.0.0.2 -b mac=00:0d:07:00:00:00 -r 20 -p 4 127.0.0.1",
    );
    // Parked one after the other, one-second parks would allow at most four ACKs in four seconds.
    assert!(acked >= 20, "only {acked} ACKs\n{}", server.logs());
}

// HK-114, HK-018/HK-138: reclamation runs lease4_expire with the lease and remove_lease; every request
// has one context_create and one context_destroy.
#[test]
fn expire_and_context_points_fire() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let mut cfg = config(json!([probe("E", &log, json!({}))]));
    cfg["Dhcp4"]["valid-lifetime"] = json!(2);
    cfg["Dhcp4"]["expired-leases-processing"] = json!({"reclaim-timer-wait-time": 1});
    let server = Server::start(&ns, cfg).expect("server starts");
    assert!(dora(&ns, 2, "00:0d:08:00:00:00") > 0, "{}", server.logs());
    wait_until("a lease expires", Duration::from_secs(15), || {
        lines(&log)
            .iter()
            .any(|l| l.starts_with("E lease4_expire ") && l.ends_with(" lease4,remove_lease"))
    })
    .unwrap_or_else(|e| panic!("{e}\n{:#?}", lines(&log)));
    let got = lines(&log);
    let count = |p: &str| got.iter().filter(|l| l.starts_with(p)).count();
    assert!(count("E context_create ") > 0);
    assert_eq!(count("E context_create "), count("E context_destroy "));
    assert_eq!(count("E context_create "), count("E pkt4_receive "));
}

// HK-064, HK-065: with parked-packet-limit 1 and a plugin that keeps packets parked, further packets at
// that point are dropped without calling the callouts and logged as parking-lot-full.
#[test]
fn full_parking_lot_drops() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let mut cfg = config(json!([probe(
        "F",
        &log,
        json!({"leases4_committed": "park:20000"})
    )]));
    cfg["Dhcp4"]["parked-packet-limit"] = json!(1);
    let server = Server::start(&ns, cfg).expect("server starts");
    assert_eq!(dora(&ns, 4, "00:0d:09:00:00:00"), 0);
    wait_until("a parking-lot-full drop", Duration::from_secs(10), || {
        server
            .logs()
            .contains("DHCP4_HOOK_LEASES4_COMMITTED_PARKING_LOT_FULL")
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", server.logs()));
    let committed = lines(&log)
        .iter()
        .filter(|l| l.starts_with("F leases4_committed "))
        .count();
    assert_eq!(committed, 1, "callouts not called when the lot is full");
}

// HK-103, V4-088 (flex-id): the flex-id example plugin derives the identifier from option 224 of the
// query at host4_identifier, and the reservation keyed by it is applied.
#[test]
fn flex_id_plugin_selects_the_reservation() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let mut cfg = config(json!([{"library": plugin("libruru_example_flex_id.so"),
                                  "parameters": {"option": 224}}]));
    cfg["Dhcp4"]["host-reservation-identifiers"] = json!(["flex-id", "hw-address"]);
    cfg["Dhcp4"]["subnet4"][0]["reservations"] =
        json!([{"flex-id": "'ab'", "ip-address": "10.0.0.99"}]);
    let server = Server::start(&ns, cfg).expect("server starts");
    let acked = acks(
        &ns,
        "-4 -l 127.0.0.2 -b mac=00:0d:0a:00:00:00 -o 224,6162 -r 5 -R 1 -p 2 127.0.0.1",
    );
    assert!(acked > 0, "{}", server.logs());
    let leased = server.leases().expect("lease file").leased();
    assert!(
        leased.contains(&"10.0.0.99".parse().unwrap()),
        "{leased:?}\n{}",
        server.logs()
    );
}

// HK-010: the same library listed twice is two plugin instances, each with its own parameters, both
// called on every point in list order.
#[test]
fn a_library_listed_twice_is_two_instances_in_order() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let hooks = json!([
        probe("FIRST", &log, json!({})),
        probe("SECOND", &log, json!({}))
    ]);
    let _server = Server::start(&ns, config(hooks)).expect("server starts");
    assert!(dora(&ns, 3, "00:0a:10:00:00:00") > 0);
    let seen: Vec<String> = lines(&log)
        .into_iter()
        .filter(|l| l.contains(" pkt4_receive "))
        .map(|l| l.split_whitespace().next().unwrap_or("").to_owned())
        .collect();
    assert!(seen.len() >= 4, "{seen:?}");
    for pair in seen.chunks(2) {
        assert_eq!(pair, ["FIRST", "SECOND"], "{seen:?}");
    }
    let loads: Vec<String> = lines(&log)
        .into_iter()
        .filter(|l| l.ends_with(" load"))
        .collect();
    assert_eq!(loads, ["FIRST load", "SECOND load"]);
}

// HK-082: a plugin reads the selected subnet's user context (here the ARM's `limits` example) at
// lease4_select, so per-subnet settings need no plugin parameters.
#[test]
fn plugins_read_the_subnet_user_context() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let mut cfg = config(json!([probe(
        "U",
        &log,
        json!({"lease4_select": "subnet-context"})
    )]));
    cfg["Dhcp4"]["subnet4"][0]["user-context"] = json!({"limits": {"address-limit": 4}});
    let _server = Server::start(&ns, cfg).expect("server starts");
    assert!(dora(&ns, 2, "00:0e:08:00:00:00") >= 1);
    let got = lines(&log);
    assert!(
        got.iter()
            .any(|l| l == r#"U lease4_select subnet-context {"limits":{"address-limit":4}}"#),
        "{got:#?}"
    );
}

// V4-050, HK-102: a subnet4_select callout replacing the selected subnet (the relay's, id 1) with
// another (id 2) makes the leases come from the replacement.
#[test]
fn v4_050_subnet4_select_substitute_gives_the_lease() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let mut cfg = config(json!([probe(
        "S",
        &log,
        json!({"subnet4_select": "subnet-select:2"})
    )]));
    cfg["Dhcp4"]["subnet4"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": 2, "subnet": "192.0.2.0/24",
                     "pools": [{"pool": "192.0.2.10 - 192.0.2.50"}]}));
    let server = Server::start(&ns, cfg).expect("server starts");
    assert!(dora(&ns, 3, "00:0e:50:00:00:00") > 0, "{}", server.logs());
    let leased = server.leases().expect("lease file").leased();
    assert!(!leased.is_empty());
    assert!(
        leased.iter().all(|a| a.octets()[..3] == [192, 0, 2]),
        "{leased:?}"
    );
}

// HK-083: two plugins keep their data under distinct keys of one subnet's user context; each reads
// its own key, as the other left it.
#[test]
fn plugins_read_their_own_keys_of_one_user_context() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let mut cfg = config(json!([
        probe("A", &log, json!({"lease4_select": "subnet-context:alpha"})),
        probe("B", &log, json!({"lease4_select": "subnet-context:beta"}))
    ]));
    cfg["Dhcp4"]["subnet4"][0]["user-context"] =
        json!({"alpha": {"limit": 1}, "beta": ["x", 2], "gamma": true});
    let _server = Server::start(&ns, cfg).expect("server starts");
    assert!(dora(&ns, 2, "00:0e:83:00:00:00") >= 1);
    let got = lines(&log);
    let seen = |tag: &str| -> Vec<&str> {
        let prefix = format!("{tag} lease4_select subnet-context:");
        got.iter()
            .filter_map(|l| l.strip_prefix(prefix.as_str()))
            .collect()
    };
    let (a, b) = (seen("A"), seen("B"));
    assert!(
        !a.is_empty() && a.iter().all(|l| *l == r#"alpha {"limit":1}"#),
        "{got:#?}"
    );
    assert!(
        !b.is_empty() && b.iter().all(|l| *l == r#"beta ["x",2]"#),
        "{got:#?}"
    );
}

// HK-059, CTL-119: with the hooks logger at debuglevel 55 every invoked point logs
// HOOKS_CALLOUTS_BEGIN and HOOKS_CALLOUTS_COMPLETE with the total duration and one
// HOOKS_CALLOUT_CALLED per callout with its duration; at debuglevel 45 the per-callout line goes.
// The load is logged with the library's path.
#[test]
fn hk_059_callout_timing_at_debug_levels() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let library = plugin("libruru_test_probe.so");
    for debuglevel in [55, 45] {
        let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
        let mut cfg = config(json!([probe("T", &log, json!({}))]));
        cfg["Dhcp4"]["loggers"] = json!([
            {"name": "kea-dhcp4", "severity": "INFO", "output_options": [{"output": "stdout"}]},
            {"name": "kea-dhcp4.hooks", "severity": "DEBUG", "debuglevel": debuglevel,
             "output_options": [{"output": "stdout"}]}
        ]);
        let server = Server::start(&ns, cfg).expect("server starts");
        assert!(dora(&ns, 3, "00:0e:59:00:00:00") > 0, "{}", server.logs());
        let logs = server.logs();
        let with = |id: &str, point: &str| {
            logs.lines()
                .filter(|l| l.contains(id) && l.contains(&format!("hook {point}")))
                .count()
        };
        for point in [
            "buffer4_receive",
            "pkt4_receive",
            "subnet4_select",
            "lease4_select",
            "pkt4_send",
        ] {
            assert!(
                with("HOOKS_CALLOUTS_BEGIN", point) > 0,
                "{debuglevel} {point}:\n{logs}"
            );
            assert!(
                logs.lines().any(|l| l.contains("HOOKS_CALLOUTS_COMPLETE")
                    && l.contains(&format!("hook {point} (total callouts duration: "))),
                "{debuglevel} {point}:\n{logs}"
            );
            let called = with("HOOKS_CALLOUT_CALLED", point);
            if debuglevel == 55 {
                assert!(called > 0, "{point}:\n{logs}");
            } else {
                assert_eq!(called, 0, "{point}:\n{logs}");
            }
        }
        assert!(
            logs.lines().any(|l| l.contains("HOOKS_LIBRARY_LOADED")
                && l.contains(&library.display().to_string())),
            "CTL-119:\n{logs}"
        );
    }
}
