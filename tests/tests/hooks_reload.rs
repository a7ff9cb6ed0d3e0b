//! Reloading plugins on SIGHUP: a library rebuilt at the same path takes effect without a restart, and
//! many reloads under load leak nothing and keep the load/unload pairing (issue 3; spec hooks.md §4).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{captured_dora, config, dora, hup, lines, plugin, replies, rewrite_config, OPTION};
use ruru_e2e::clients::perfdhcp::run_perfdhcp;
use ruru_e2e::pcap::{DHCPACK, DHCPOFFER};
use ruru_e2e::process::wait_until;
use ruru_e2e::topology::loopback_relay;
use ruru_e2e::Server;
use serde_json::{json, Value};

fn probe_at(library: &Path, tag: &str, log: &Path) -> Value {
    json!([{"library": library, "parameters": {"tag": tag, "log": log}}])
}

/// Lines of the probe log that record a callout of `tag` (not its load/unload/mode/context lines).
fn callouts_of(log: &Path, tag: &str) -> usize {
    lines(log)
        .iter()
        .filter(|l| {
            let mut words = l.split(' ');
            words.next() == Some(tag)
                && words
                    .next()
                    .is_some_and(|w| !["load", "unload", "multi-threading", "context"].contains(&w))
        })
        .count()
}

/// Open file descriptors of a process.
fn fd_count(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("server's /proc fd directory")
        .count()
}

// HK-043, HK-044, HK-037, and HK-038 as docs/hooks.md §8 documents it (content-addressed loading:
// replacing a plugin binary needs no restart): the file at the configured path is replaced by a
// different build and the server is sent SIGHUP; the new code runs, the old plugin's callouts are
// gone, and the process is the same one.
#[test]
fn library_replaced_at_the_same_path_takes_effect_on_sighup() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("libplugin.so");
    let log = dir.path().join("probe.log");
    std::fs::copy(plugin("libruru_test_probe.so"), &lib).expect("copy the probe");

    let mut server = Server::start(&ns, config(probe_at(&lib, "X", &log))).expect("server starts");
    let pid = server.pid().expect("runs");
    assert!(dora(&ns, 3, "00:0f:01:00:00:00") > 0, "{}", server.logs());
    assert!(
        callouts_of(&log, "X") > 0,
        "the probe runs: {:#?}",
        lines(&log)
    );
    let before = captured_dora(&ns, 2, "00:0f:02:00:00:00");
    assert!(
        replies(&before, DHCPACK)
            .iter()
            .all(|p| p.option(OPTION).is_none()),
        "no option {OPTION} before the swap"
    );

    // Overwrite the file in place (same path, same inode: the server must not have mapped it directly),
    // and give the new build its parameters.
    std::fs::copy(plugin("libruru_example_option_rewrite.so"), &lib).expect("overwrite");
    rewrite_config(
        &server,
        json!([{"library": lib, "parameters": {"code": OPTION, "text": "rebuilt"}}]),
    );
    hup(&server);
    wait_until(
        "the X probe to be unloaded",
        Duration::from_secs(15),
        || lines(&log).iter().any(|l| l == "X unload"),
    )
    .unwrap_or_else(|e| panic!("{e}\n{}", server.logs()));
    let mut packets = Vec::new();
    wait_until(
        "option 252 \"rebuilt\" on the wire",
        Duration::from_secs(20),
        || {
            packets = captured_dora(&ns, 3, "00:0f:03:00:00:00");
            !replies(&packets, DHCPACK).is_empty()
                && replies(&packets, DHCPACK)
                    .iter()
                    .all(|p| p.option(OPTION) == Some(b"rebuilt".as_slice()))
        },
    )
    .unwrap_or_else(|e| panic!("{e}: {packets:#?}\n{}", server.logs()));
    assert!(replies(&packets, DHCPOFFER)
        .iter()
        .all(|p| p.option(OPTION) == Some(b"rebuilt".as_slice())));

    // The old code is unreachable: the probe records nothing more.
    let recorded = callouts_of(&log, "X");
    assert!(dora(&ns, 3, "00:0f:04:00:00:00") > 0, "{}", server.logs());
    assert_eq!(callouts_of(&log, "X"), recorded, "{:#?}", lines(&log));
    assert_eq!(server.pid(), Some(pid), "no restart");
    let status = server.stop().expect("clean stop");
    assert!(status.success(), "{status}\n{}", server.logs());
}

const CYCLES: usize = 50;
/// Slack for descriptors a reload may legitimately leave open (none are expected).
const FD_SLACK: usize = 3;

// HK-044 (one unload and one load per successful reconfiguration), HK-043 (unload before load), HK-048
// (unload at shutdown, exit 0), HK-037 (nothing of an unloaded plugin stays reachable or open): 50
// SIGHUP reloads about 100 ms apart under perfdhcp load with the probe loaded.
#[test]
fn fifty_reloads_under_load_leak_nothing() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("probe.log");
    let mut server = Server::start(
        &ns,
        config(probe_at(&plugin("libruru_test_probe.so"), "R", &log)),
    )
    .expect("server starts");
    let pid = server.pid().expect("runs");
    assert!(dora(&ns, 2, "00:0f:10:00:00:00") > 0, "{}", server.logs());
    let fds_before = fd_count(pid);
    let loads = || lines(&log).iter().filter(|l| *l == "R load").count();
    assert_eq!(loads(), 1);

    let started = Instant::now();
    let mut cycles_took = Duration::ZERO;
    let report = std::thread::scope(|s| {
        let load = s.spawn(|| {
            let args = "-4 -l 127.0.0.2 -b mac=00:0f:11:00:00:00 -r 200 -R 100000 -p 12 127.0.0.1";
            run_perfdhcp(
                &ns,
                &args.split_whitespace().collect::<Vec<_>>(),
                Duration::from_secs(60),
            )
        });
        std::thread::sleep(Duration::from_millis(500));
        for cycle in 1..=CYCLES {
            let sent = Instant::now();
            hup(&server);
            // Each SIGHUP is one reconfiguration: wait for its load before the next one, so signals
            // never coalesce and the count below is exact.
            wait_until(
                &format!("reload {cycle} to load the probe"),
                Duration::from_secs(10),
                || loads() == cycle + 1,
            )
            .unwrap_or_else(|e| panic!("{e}\n{}", server.logs()));
            std::thread::sleep(Duration::from_millis(100).saturating_sub(sent.elapsed()));
        }
        cycles_took = started.elapsed();
        load.join().expect("perfdhcp thread")
    })
    .expect("perfdhcp report");
    let fds_after = fd_count(pid);
    eprintln!(
        "{CYCLES} reloads in {:.1} s; descriptors {fds_before} -> {fds_after}; perfdhcp: rate {:?}, \
         REQUEST-ACK {:?}",
        cycles_took.as_secs_f64(),
        report.rate,
        report.request_ack
    );
    assert!(
        report.request_ack.as_ref().is_some_and(|r| r.received > 0),
        "served during the reloads:\n{}",
        report.output
    );
    assert!(dora(&ns, 2, "00:0f:12:00:00:00") > 0, "{}", server.logs());
    assert!(
        fds_after <= fds_before + FD_SLACK,
        "open descriptors grew from {fds_before} to {fds_after} over {CYCLES} reloads"
    );

    let status = server.stop().expect("stops on SIGTERM");
    assert!(status.success(), "exit status {status}\n{}", server.logs());
    // load, then (unload, load) per reload, then unload at shutdown: strictly alternating.
    let lifecycle: Vec<String> = lines(&log)
        .into_iter()
        .filter(|l| l == "R load" || l == "R unload")
        .collect();
    let mut expected = vec!["R load".to_owned()];
    for _ in 0..CYCLES {
        expected.push("R unload".to_owned());
        expected.push("R load".to_owned());
    }
    expected.push("R unload".to_owned());
    assert_eq!(lifecycle, expected);
}

// HK-039 (log ids), HK-041: `config-test` checks a plugin list without loading it (no `load`, the running plugins stay);
// HK-006: `config-set` with an empty list unloads every plugin and its commands go; HK-007: so does
// a configuration without the key.
#[test]
fn config_test_loads_nothing_and_removal_unloads() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().expect("dir");
    let (log, socket) = (dir.path().join("probe.log"), dir.path().join("ctl.sock"));
    let library = plugin("libruru_test_probe.so");
    let with_socket = |hooks: Option<Value>| {
        let mut c = config(hooks.clone().unwrap_or(json!([])));
        c["Dhcp4"]["control-socket"] = json!({"socket-type": "unix", "socket-name": socket});
        c["Dhcp4"]["loggers"] = json!([{"name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": 99,
                                        "output_options": [{"output": "stdout"}]}]);
        if hooks.is_none() {
            c["Dhcp4"]
                .as_object_mut()
                .unwrap()
                .remove("hooks-libraries");
        }
        c
    };
    let server =
        Server::start(&ns, with_socket(Some(probe_at(&library, "A", &log)))).expect("starts");
    wait_until("control socket", Duration::from_secs(10), || {
        socket.exists()
    })
    .expect("socket");
    let run = |command: &str, arguments: Value| {
        ruru_e2e::control::unix(
            &socket,
            &json!({"command": command, "arguments": arguments}),
        )
        .expect("control socket answers")
    };
    let commands = || run("list-commands", json!({}))["arguments"].to_string();
    assert!(commands().contains("probe-a"));

    let tested = run(
        "config-test",
        with_socket(Some(probe_at(&library, "B", &log))),
    );
    assert_eq!(tested["result"], 0, "{tested}");
    let seen = lines(&log);
    assert!(
        !seen.iter().any(|l| l.starts_with("B ")),
        "config-test ran the plugin: {seen:?}"
    );
    assert!(
        !seen.iter().any(|l| l == "A unload"),
        "config-test unloaded: {seen:?}"
    );
    assert!(commands().contains("probe-a"));

    let set = run("config-set", with_socket(Some(json!([]))));
    assert_eq!(set["result"], 0, "{set}");
    assert!(lines(&log).iter().any(|l| l == "A unload"));
    assert!(!commands().contains("probe-a"));

    let set = run(
        "config-set",
        with_socket(Some(probe_at(&library, "C", &log))),
    );
    assert_eq!(set["result"], 0, "{set}");
    assert!(commands().contains("probe-c"));
    let set = run("config-set", with_socket(None));
    assert_eq!(set["result"], 0, "{set}");
    assert!(lines(&log).iter().any(|l| l == "C unload"));
    assert!(!commands().contains("probe-c"));
    // HK-039: Kea's message ids of a load and an unload, in order.
    let logs = server.logs();
    let mut at = 0;
    for id in [
        "HOOKS_LIBRARY_VERSION",
        "HOOKS_LIBRARY_LOADING",
        "HOOKS_LOAD_SUCCESS",
        "HOOKS_LIBRARY_LOADED",
        "HOOKS_LIBRARY_UNLOADING",
        "HOOKS_UNLOAD_SUCCESS",
        "HOOKS_LIBRARY_UNLOADED",
    ] {
        let found = logs[at..]
            .find(id)
            .unwrap_or_else(|| panic!("{id} after byte {at}:\n{logs}"));
        at += found + id.len();
    }
}
