//! Plugins and multi-threading end to end (HK-084, HK-085): the probe plugin's atomic counters under
//! concurrent traffic in a `ruru-dhcp4` with `thread-pool-size` 16, and the mode its `load` and
//! `unload` see across reconfigurations.
//!
//! How the server runs packets concurrently: each listening socket has its own packet thread, which
//! runs the callouts of the packets it receives; a packet parked by a plugin resumes on a worker of
//! the thread pool (`thread-pool-size` workers), which runs its remaining callouts. The stress test
//! uses four sockets and parks every committed REQUEST, so callouts run on at least five threads,
//! the same callout for different packets included.

use std::path::Path;
use std::time::Duration;

use ruru_e2e::config::{persistent_memfile, stdout_loggers};
use ruru_e2e::control;
use ruru_e2e::process::wait_until;
use ruru_e2e::topology::loopback_relay;
use ruru_e2e::Server;
use serde_json::{json, Value};

mod common;
use common::{acks, lines, plugin};

/// Runs a command over the control socket; the whole answer.
fn command(socket: &Path, name: &str, arguments: Option<Value>) -> Value {
    let mut c = json!({ "command": name });
    if let Some(a) = arguments {
        c["arguments"] = a;
    }
    control::unix(socket, &c).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn stat(socket: &Path, name: &str) -> u64 {
    let r = command(socket, "statistic-get", Some(json!({ "name": name })));
    r["arguments"][name][0][0].as_u64().unwrap_or(0)
}

/// Server addresses on the namespace's loopback, one socket (and packet thread) each, and the relay
/// perfdhcp plays towards each.
const LINKS: [(&str, &str); 4] = [
    ("127.0.0.1", "127.0.0.2"),
    ("127.0.1.1", "127.0.1.2"),
    ("127.0.2.1", "127.0.2.2"),
    ("127.0.3.1", "127.0.3.2"),
];

// HK-084: with multi-threading on (`thread-pool-size` 16), four sockets under concurrent perfdhcp
// load and every committed REQUEST parked (so its ACK's callouts run on pool workers), the probe's
// atomic per-point counts equal the server's own packet statistics exactly, and the callouts ran
// on at least five threads.
#[test]
fn hk_084_counts_are_exact_under_concurrent_callouts() {
    let extra: Vec<&str> = LINKS
        .iter()
        .flat_map(|(s, r)| [*s, *r])
        .filter(|a| *a != "127.0.0.1")
        .collect();
    let ns = loopback_relay(&extra).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("dhcp4.sock");
    let interfaces: Vec<String> = LINKS.iter().map(|(s, _)| format!("lo/{s}")).collect();
    let relays: Vec<&str> = LINKS.iter().map(|(_, r)| *r).collect();
    let cfg = json!({"Dhcp4": {
        "interfaces-config": {"interfaces": interfaces, "dhcp-socket-type": "udp"},
        "multi-threading": {"enable-multi-threading": true, "thread-pool-size": 16,
                            "packet-queue-size": 256},
        "control-socket": {"socket-type": "unix", "socket-name": socket},
        "lease-database": persistent_memfile(),
        "valid-lifetime": 4000,
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/8",
                     "pools": [{"pool": "10.0.0.10 - 10.0.250.250"}],
                     "relay": {"ip-addresses": relays}}],
        "hooks-libraries": [{"library": plugin("libruru_test_probe.so"),
                             "parameters": {"tag": "C", "actions": {"leases4_committed": "park:0"}}}],
        "loggers": stdout_loggers("INFO")
    }});
    let server = Server::start(&ns, cfg).expect("server starts");
    wait_until("control socket", Duration::from_secs(10), || {
        socket.exists()
    })
    .expect("control socket");
    let status = command(&socket, "status-get", None)["arguments"].clone();
    assert_eq!(
        (
            &status["multi-threading-enabled"],
            &status["thread-pool-size"]
        ),
        (&json!(true), &json!(16)),
        "{status}"
    );

    let acks: Vec<u64> = std::thread::scope(|s| {
        let runs: Vec<_> = LINKS
            .iter()
            .enumerate()
            .map(|(i, (server_addr, relay))| {
                let ns = &ns;
                s.spawn(move || {
                    acks(
                        ns,
                        &format!(
                            "-4 -l {relay} -b mac=00:0d:84:0{i}:00:00 -r 250 -R 5000 -p 4 {server_addr}"
                        ),
                    )
                })
            })
            .collect();
        runs.into_iter()
            .map(|r| r.join().expect("perfdhcp thread"))
            .collect()
    });
    assert!(
        acks.iter().all(|&a| a > 0),
        "every socket served: {acks:?}\n{}",
        server.logs()
    );

    // Parked packets finish shortly after the load stops; then every count must match.
    let counts = || command(&socket, "probe-c-counts", None)["arguments"].clone();
    let calls = |c: &Value, point: &str| c["calls"][point].as_u64().unwrap_or(0);
    let mut last = (json!(null), Vec::new());
    let settled = wait_until(
        "counts match the statistics",
        Duration::from_secs(20),
        || {
            let c = counts();
            let received = stat(&socket, "pkt4-received");
            let answered_requests = stat(&socket, "pkt4-ack-sent") + stat(&socket, "pkt4-nak-sent");
            let sent = stat(&socket, "pkt4-offer-sent") + answered_requests;
            let pairs = vec![
                ("buffer4_receive", calls(&c, "buffer4_receive"), received),
                ("pkt4_receive", calls(&c, "pkt4_receive"), received),
                ("context_create", calls(&c, "context_create"), received),
                ("context_destroy", calls(&c, "context_destroy"), received),
                ("pkt4_send", calls(&c, "pkt4_send"), sent),
                ("buffer4_send", calls(&c, "buffer4_send"), sent),
                (
                    "leases4_committed",
                    calls(&c, "leases4_committed"),
                    answered_requests,
                ),
            ];
            let ok = pairs.iter().all(|(_, a, b)| a == b);
            last = (c, pairs);
            ok
        },
    );
    let (c, pairs) = last;
    settled.unwrap_or_else(|e| panic!("{e}: {pairs:?}\n{c}\n{}", server.logs()));
    let acked: u64 = acks.iter().sum();
    assert!(
        calls(&c, "leases4_committed") >= acked,
        "{acked} ACKs seen by perfdhcp: {c}"
    );
    let threads = c["threads"].as_u64().unwrap_or(0);
    assert!(
        threads >= 5,
        "callouts on {threads} threads (4 sockets and the pool): {c}"
    );
}

/// The `<tag> multi-threading on|off` lines of the probe log, in order.
fn modes(log: &Path, tag: &str) -> Vec<String> {
    let prefix = format!("{tag} multi-threading ");
    lines(log)
        .iter()
        .filter_map(|l| l.strip_prefix(prefix.as_str()).map(str::to_owned))
        .collect()
}

// HK-085: the multi-threading mode changes only at reconfiguration, after the old plugins are
// unloaded and before the new ones load: each plugin sees its configuration's mode in `load` and
// still the same in `unload`.
#[test]
fn hk_085_plugins_see_the_mode_of_their_configuration() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let (socket, log) = (dir.path().join("dhcp4.sock"), dir.path().join("probe.log"));
    let library = plugin("libruru_test_probe.so");
    let with = |mut cfg: Value, tag: &str, mt: bool| {
        cfg["Dhcp4"]["multi-threading"] = json!({"enable-multi-threading": mt});
        cfg["Dhcp4"]["hooks-libraries"] =
            json!([{"library": library, "parameters": {"tag": tag, "log": log}}]);
        cfg
    };
    let mut cfg = common::config(json!([]));
    cfg["Dhcp4"]["control-socket"] = json!({"socket-type": "unix", "socket-name": socket});
    let server = Server::start(&ns, with(cfg, "ON", true)).expect("server starts");
    wait_until("control socket", Duration::from_secs(10), || {
        socket.exists()
    })
    .expect("control socket");
    for (tag, mt) in [("OFF", false), ("AGAIN", true)] {
        let mut running = command(&socket, "config-get", None)["arguments"].clone();
        running.as_object_mut().unwrap().remove("hash");
        let r = command(&socket, "config-set", Some(with(running, tag, mt)));
        assert_eq!(r["result"], 0, "{r}\n{}", server.logs());
        let enabled = &command(&socket, "status-get", None)["arguments"]["multi-threading-enabled"];
        assert_eq!(enabled, &json!(mt));
    }
    let got = lines(&log);
    let at = |l: &str| {
        got.iter()
            .position(|x| x == l)
            .unwrap_or_else(|| panic!("{l}: {got:#?}"))
    };
    assert!(at("ON unload") < at("OFF load"), "{got:#?}");
    assert!(at("OFF unload") < at("AGAIN load"), "{got:#?}");
    assert_eq!(modes(&log, "ON"), ["on", "on"], "{got:#?}");
    assert_eq!(modes(&log, "OFF"), ["off", "off"], "{got:#?}");
    assert_eq!(modes(&log, "AGAIN"), ["on"], "{got:#?}");
}
