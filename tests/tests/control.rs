//! The management API of a running `ruru-dhcp4` over its real control sockets (issue 4; spec
//! control.md): general commands, configuration commands, DHCP service control, statistics, plugin
//! commands, and HTTP with basic authentication through curl.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{dora, plugin};
use ruru_e2e::config::{persistent_memfile, stdout_loggers};
use ruru_e2e::control::{self, curl, http};
use ruru_e2e::process::wait_until;
use ruru_e2e::subject::Subject;
use ruru_e2e::topology::loopback_relay;
use ruru_e2e::{Netns, Server};
use serde_json::{json, Value};

/// A relayed-loopback server with a UNIX control socket in a private directory.
struct Controlled<'ns> {
    server: Server<'ns>,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

fn base_config(socket: &Path) -> Value {
    json!({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "lease-database": persistent_memfile(),
        "valid-lifetime": 4000,
        "control-socket": {"socket-type": "unix", "socket-name": socket},
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "pools": [{"pool": "10.0.0.10 - 10.0.250.250"}],
                     "relay": {"ip-addresses": ["127.0.0.2"]}, "comment": "relayed"}],
        "loggers": stdout_loggers("INFO")
    }})
}

fn start<'ns>(ns: &'ns Netns, edit: impl FnOnce(&mut Value)) -> Controlled<'ns> {
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("dhcp4.sock");
    let mut config = base_config(&socket);
    edit(&mut config);
    let server = Server::start(ns, config).expect("server starts");
    wait_until("control socket", Duration::from_secs(10), || {
        socket.exists()
    })
    .expect("control socket appears");
    Controlled {
        server,
        socket,
        _dir: dir,
    }
}

impl Controlled<'_> {
    fn send(&self, command: Value) -> Value {
        control::unix(&self.socket, &command).unwrap_or_else(|e| {
            panic!("{command}: {e}\n{}", self.server.logs());
        })
    }

    fn run(&self, name: &str, arguments: Option<Value>) -> Value {
        let mut c = json!({ "command": name });
        if let Some(a) = arguments {
            c["arguments"] = a;
        }
        self.send(c)
    }

    /// Runs a command that must succeed and returns its arguments.
    fn ok(&self, name: &str, arguments: Option<Value>) -> Value {
        let r = self.run(name, arguments);
        assert_eq!(r["result"], 0, "{name}: {r}");
        r["arguments"].clone()
    }

    fn hash(&self) -> String {
        self.ok("config-hash-get", None)["hash"]
            .as_str()
            .expect("hash")
            .to_owned()
    }

    /// The running `Dhcp4` map, as `config-set` takes it back.
    fn config(&self) -> Value {
        let mut got = self.ok("config-get", None);
        got.as_object_mut().expect("map").remove("hash");
        got
    }

    fn stat(&self, name: &str) -> Option<i64> {
        let got = self.ok("statistic-get", Some(json!({ "name": name })));
        got[name][0][0].as_i64()
    }
}

fn binary() -> PathBuf {
    Subject::from_env()
        .and_then(Subject::dhcp4_binary)
        .expect("server binary")
}

fn flag_output(flag: &str) -> String {
    let out = Command::new(binary()).arg(flag).output().expect("runs");
    String::from_utf8_lossy(&out.stdout).trim_end().to_owned()
}

// CTL-001, CTL-004, CTL-005, CTL-038, CTL-039, CTL-040, CTL-041, CTL-052, CTL-053, CTL-057, CTL-129:
// the built-in set, versions as the flags print them, and the result codes of odd commands.
#[test]
fn general_commands_answer_like_kea() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let c = start(&ns, |cfg| cfg["Dhcp4"]["server-tag"] = json!("edge-1"));
    let listed = c.ok("list-commands", None);
    let expected = [
        "build-report",
        "config-backend-pull",
        "config-get",
        "config-hash-get",
        "config-reload",
        "config-set",
        "config-test",
        "config-write",
        "dhcp-disable",
        "dhcp-enable",
        "leases-reclaim",
        "list-commands",
        "server-tag-get",
        "shutdown",
        "statistic-get",
        "statistic-get-all",
        "statistic-remove",
        "statistic-remove-all",
        "statistic-reset",
        "statistic-reset-all",
        "statistic-sample-age-set",
        "statistic-sample-age-set-all",
        "statistic-sample-count-set",
        "statistic-sample-count-set-all",
        "status-get",
        "version-get",
    ];
    assert_eq!(listed, json!(expected));
    let v = c.run("version-get", None);
    assert_eq!(v["text"], flag_output("-v"));
    assert_eq!(v["arguments"]["extended"], flag_output("-V"));
    assert_eq!(c.run("build-report", None)["text"], flag_output("-W"));
    assert_eq!(
        c.ok("server-tag-get", None),
        json!({"server-tag": "edge-1"})
    );
    assert_eq!(c.run("config-backend-pull", None)["result"], 3);
    for old in ["no-such-cmd", "get-config", "libreload"] {
        let r = c.run(old, None);
        assert_eq!(r["result"], 2, "{r}");
        assert_eq!(r["text"], format!("'{old}' command not supported."));
    }
    // CTL-002: an unknown top-level key refuses the command; the process keeps running.
    let r = c.send(json!({"command": "shutdown", "x": 1}));
    assert_eq!(r["result"], 1);
    assert!(
        r["text"]
            .as_str()
            .unwrap()
            .contains("unsupported parameter 'x'"),
        "{r}"
    );
    // CTL-008: a server ignores `service`.
    let r = c.send(json!({"command": "version-get", "service": ["dhcp6"]}));
    assert_eq!(r["result"], 0);
    // CTL-007: comments in commands; CTL-003: garbage gets a result-1 map.
    let raw = control::unix_raw(
        &c.socket,
        b"# hash\n{ // line\n \"command\": /* block */ \"status-get\" }",
    )
    .unwrap();
    let r: Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(r["result"], 0, "{r}");
    for garbage in [
        &b"[1, 2]"[..],
        b"{\"command\": 5}",
        b"{\"arguments\": {}}",
        b"nonsense}",
    ] {
        let raw = control::unix_raw(&c.socket, garbage).unwrap();
        let r: Value = serde_json::from_slice(&raw).unwrap();
        assert_eq!(r["result"], 1, "{}: {r}", String::from_utf8_lossy(garbage));
    }
    // CTL-129: the manual's socat recipe.
    let out = Command::new("socat")
        .args([&format!("UNIX:{}", c.socket.display()), "-,ignoreeof"])
        .stdin_file(br#"{"command": "version-get"}"#)
        .output()
        .expect("socat runs");
    let r: Value = serde_json::from_slice(&out.stdout).expect("socat got JSON");
    assert_eq!(r["result"], 0);
    // CTL-042: status-get's shape.
    let s = c.ok("status-get", None);
    for key in [
        "pid",
        "uptime",
        "reload",
        "multi-threading-enabled",
        "sockets",
        "dhcp-state",
    ] {
        assert!(s.get(key).is_some(), "status-get lacks {key}: {s}");
    }
    assert_eq!(s["pid"], c.server.pid().unwrap());
    assert_eq!(s["sockets"]["status"], "ready");
    assert_eq!(s["dhcp-state"]["globally-disabled"], false);
}

/// Feeds `bytes` to a command's stdin.
trait StdinFile {
    fn stdin_file(&mut self, bytes: &[u8]) -> &mut Self;
}

impl StdinFile for Command {
    fn stdin_file(&mut self, bytes: &[u8]) -> &mut Self {
        let mut f = tempfile::tempfile().expect("temp file");
        std::io::Write::write_all(&mut f, bytes).expect("written");
        std::io::Seek::rewind(&mut f).expect("rewound");
        self.stdin(f)
    }
}

// CTL-043, CTL-044, CTL-045, CTL-046, CTL-072, CTL-074, CTL-076, CTL-078: config-get round trips,
// bad config-set/config-test change nothing, a good config-set changes what clients get.
#[test]
fn config_set_round_trips_and_bad_ones_change_nothing() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let c = start(&ns, |_| {});
    let hash = c.hash();
    assert!(
        hash.len() == 64
            && hash
                .chars()
                .all(|ch| ch.is_ascii_digit() || ('A'..='F').contains(&ch)),
        "{hash}"
    );
    let running = c.config();
    // CTL-074: `comment` shows as user-context.
    assert_eq!(
        running["Dhcp4"]["subnet4"][0]["user-context"]["comment"],
        "relayed"
    );
    let got = c.ok("config-get", None);
    assert_eq!(got["hash"], hash);
    // CTL-072: what config-get returns, config-set takes back with the same hash.
    assert_eq!(c.ok("config-set", Some(running.clone()))["hash"], hash);
    assert_eq!(c.hash(), hash);
    // CTL-045/046: each argument error is result 1 and changes nothing.
    let mut bogus = running.clone();
    bogus["Dhcp4"]["BOGUS"] = json!(1);
    let cases = [
        (None, "Missing mandatory 'arguments' parameter."),
        (Some(json!({})), "Missing mandatory 'Dhcp4' parameter."),
        (
            Some(json!({"Dhcp4": 5})),
            "'Dhcp4' parameter expected to be a map.",
        ),
        (
            Some(json!({"Dhcp4": {}, "Dhcp6": {}})),
            "Unsupported 'Dhcp6' parameter.",
        ),
    ];
    for name in ["config-set", "config-test"] {
        for (args, text) in &cases {
            let r = c.run(name, args.clone());
            assert_eq!(
                (r["result"].clone(), r["text"].clone()),
                (json!(1), json!(text)),
                "{name} {args:?}"
            );
        }
        let r = c.run(name, Some(bogus.clone()));
        assert_eq!(r["result"], 1);
        let text = r["text"].as_str().unwrap();
        // CTL-076: the element and a position.
        assert!(
            text.contains("BOGUS") && text.contains("<config>:"),
            "{text}"
        );
        assert_eq!(c.hash(), hash, "{name} left the configuration alone");
    }
    let r = c.run("config-test", Some(running.clone()));
    assert!(
        r["text"]
            .as_str()
            .unwrap()
            .starts_with("Configuration seems sane"),
        "{r}"
    );
    // A changed pool is served at once; leases and statistics follow the new configuration.
    assert!(dora(&ns, 3, "00:0c:01:00:00:00") > 0, "served before");
    let mut moved = running.clone();
    moved["Dhcp4"]["subnet4"][0]["pools"] = json!([{"pool": "10.9.0.10 - 10.9.0.250"}]);
    let before = c.ok("status-get", None)["reload"].as_u64().unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    let set = c.ok("config-set", Some(moved));
    assert_ne!(set["hash"], json!(hash));
    assert_eq!(c.ok("status-get", None)["reload"], 0, "reload was {before}");
    assert_eq!(c.stat("subnet[1].total-addresses"), Some(241));
    assert!(dora(&ns, 3, "00:0c:02:00:00:00") > 0, "served after");
    let leases = c.server.leases().expect("lease file");
    assert!(
        leases.iter().any(|l| l.address.octets()[..2] == [10, 9]),
        "a lease from the new pool: {leases:?}"
    );
}

// CTL-047, CTL-048, CTL-055, CTL-079: config-reload re-reads the file (a broken one changes nothing),
// SIGHUP is config-reload, config-write writes what runs.
#[test]
fn reload_and_write_follow_the_file() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let c = start(&ns, |_| {});
    let file_hash = c.hash();
    let mut changed = c.config();
    changed["Dhcp4"]["valid-lifetime"] = json!(5000);
    let runtime_hash = c.ok("config-set", Some(changed))["hash"].clone();
    // CTL-048: config-write, then -t accepts it and config-set of it gives the same hash.
    let written = c.server.dir().join("written.json");
    let r = c.run("config-write", Some(json!({"filename": written})));
    assert_eq!(r["result"], 0, "{r}");
    assert_eq!(r["arguments"]["filename"], json!(written));
    let size = std::fs::metadata(&written).unwrap().len();
    assert_eq!(r["arguments"]["size"], size);
    let check = Command::new(binary())
        .arg("-t")
        .arg(&written)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let text: Value = serde_json::from_slice(&std::fs::read(&written).unwrap()).unwrap();
    assert_eq!(c.ok("config-set", Some(text))["hash"], runtime_hash);
    // CTL-079: config-reload restores the file.
    let r = c.run("config-reload", None);
    assert_eq!(r["result"], 0, "{r}");
    assert_eq!(c.hash(), file_hash);
    // CTL-047: a broken file → result 1, the running configuration keeps serving.
    let good = std::fs::read(c.server.config_file()).unwrap();
    std::fs::write(
        c.server.config_file(),
        b"{\"Dhcp4\": { \"valid-lifetime\": }",
    )
    .unwrap();
    let r = c.run("config-reload", None);
    assert_eq!(r["result"], 1);
    assert!(
        r["text"]
            .as_str()
            .unwrap()
            .starts_with("Config reload failed"),
        "{r}"
    );
    assert_eq!(c.hash(), file_hash);
    assert!(dora(&ns, 3, "00:0c:03:00:00:00") > 0, "still serving");
    // CTL-055: SIGHUP is config-reload.
    c.ok("config-set", Some(c.config())); // same config, still the file's hash
    let mut edited: Value = serde_json::from_slice(&good).unwrap();
    edited["Dhcp4"]["valid-lifetime"] = json!(6000);
    std::fs::write(c.server.config_file(), edited.to_string()).unwrap();
    let pid = c.server.pid().unwrap().to_string();
    assert!(Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .unwrap()
        .success());
    wait_until("SIGHUP applied", Duration::from_secs(10), || {
        c.config()["Dhcp4"]["valid-lifetime"] == 6000
    })
    .expect("new lifetime running");
}

// CTL-049, CTL-050: disabled service answers nobody until every origin has enabled it again;
// max-period re-enables by itself.
#[test]
fn dhcp_disable_and_enable_by_origin() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let c = start(&ns, |_| {});
    assert_eq!(
        c.run("dhcp-disable", None)["text"],
        "DHCPv4 service disabled"
    );
    c.ok("dhcp-disable", Some(json!({"origin-id": 2001})));
    assert_eq!(dora(&ns, 3, "00:0d:01:00:00:00"), 0, "disabled: no answer");
    let state = c.ok("status-get", None)["dhcp-state"].clone();
    assert_eq!(state["disabled-by-user"], true);
    assert_eq!(state["disabled-by-remote-command"], json!([2001]));
    // Control commands keep working while disabled, and the user's enable is not enough.
    assert_eq!(
        c.run("dhcp-enable", None)["text"],
        "DHCP service successfully enabled"
    );
    assert_eq!(dora(&ns, 3, "00:0d:02:00:00:00"), 0, "2001 still holds it");
    c.ok("dhcp-enable", Some(json!({"origin-id": 2001})));
    assert!(dora(&ns, 3, "00:0d:03:00:00:00") > 0, "serving again");
    let r = c.run("dhcp-disable", Some(json!({"max-period": 2})));
    assert_eq!(r["text"], "DHCPv4 service disabled for 2 seconds");
    assert_eq!(dora(&ns, 2, "00:0d:04:00:00:00"), 0);
    std::thread::sleep(Duration::from_millis(2500));
    assert!(dora(&ns, 3, "00:0d:05:00:00:00") > 0, "max-period over");
    for bad in [
        json!({"max-period": 0}),
        json!({"max-period": "x"}),
        json!({"origin": []}),
        json!(5),
    ] {
        assert_eq!(
            c.run("dhcp-disable", Some(bad.clone()))["result"],
            1,
            "{bad}"
        );
    }
}

// CTL-058, CTL-059 (get-all lists pkt4-received right after startup), CTL-060..CTL-063, CTL-065,
// CTL-067: statistics commands over the live counters.
#[test]
fn statistics_commands() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let c = start(&ns, |cfg| {
        cfg["Dhcp4"]["subnet4"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": 2, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]}));
    });
    let all = c.ok("statistic-get-all", None);
    for name in [
        "pkt4-received",
        "subnet[1].total-addresses",
        "subnet[2].assigned-addresses",
    ] {
        assert!(all.get(name).is_some(), "{name} listed at startup");
    }
    let acked = dora(&ns, 5, "00:0e:0a:00:00:00");
    assert!(acked > 0);
    let received = c.stat("pkt4-received").unwrap();
    assert!(received >= 2 * acked as i64, "{received}");
    assert!(c.stat("subnet[1].assigned-addresses").unwrap() >= acked as i64);
    let sample = &c.ok("statistic-get", Some(json!({"name": "pkt4-received"})))["pkt4-received"][0];
    let ts = sample[1].as_str().unwrap();
    assert_eq!(ts.len(), 26, "timestamp {ts}");
    assert_eq!(
        c.ok("statistic-get", Some(json!({"name": "nope"}))),
        json!({})
    );
    assert_eq!(c.run("statistic-get", None)["result"], 1);
    assert_eq!(
        c.run("statistic-get", Some(json!({"name": 5})))["result"],
        1
    );
    // Reset keeps it listed at 0; remove drops it until the server records it again.
    assert_eq!(
        c.run("statistic-reset", Some(json!({"name": "pkt4-received"})))["text"],
        "Statistic 'pkt4-received' reset."
    );
    assert_eq!(c.stat("pkt4-received"), Some(0));
    assert_eq!(
        c.run("statistic-reset", Some(json!({"name": "nope"})))["text"],
        "No 'nope' statistic found"
    );
    assert_eq!(
        c.run("statistic-remove", Some(json!({"name": "pkt4-received"})))["result"],
        0
    );
    assert!(c
        .ok("statistic-get-all", None)
        .get("pkt4-received")
        .is_none());
    dora(&ns, 1, "00:0e:0b:00:00:00");
    assert!(c.stat("pkt4-received").unwrap() > 0, "reappears");
    // Sample limits: three separate updates, limit 2 → two samples; -all shows in config-get.
    c.ok(
        "statistic-sample-count-set",
        Some(json!({"name": "pkt4-received", "max-samples": 2})),
    );
    for i in 0..3 {
        dora(&ns, 1, &format!("00:0e:0c:00:00:0{i}"));
        std::thread::sleep(Duration::from_millis(20));
    }
    let samples =
        c.ok("statistic-get", Some(json!({"name": "pkt4-received"})))["pkt4-received"].clone();
    assert_eq!(samples.as_array().unwrap().len(), 2, "{samples}");
    assert_eq!(
        c.run(
            "statistic-sample-count-set-all",
            Some(json!({"max-samples": 0}))
        )["result"],
        1
    );
    c.run(
        "statistic-sample-count-set-all",
        Some(json!({"max-samples": 7})),
    );
    assert_eq!(c.config()["Dhcp4"]["statistic-default-sample-count"], 7);
    c.run(
        "statistic-sample-age-set-all",
        Some(json!({"duration": 60})),
    );
    assert_eq!(c.config()["Dhcp4"]["statistic-default-sample-age"], 60);
    assert_eq!(
        c.run(
            "statistic-sample-age-set",
            Some(json!({"name": "nope", "duration": 5}))
        )["result"],
        1
    );
    // CTL-067: a subnet removed by config-set takes its statistics with it.
    let mut one = c.config();
    one["Dhcp4"]["subnet4"].as_array_mut().unwrap().truncate(1);
    c.ok("config-set", Some(one));
    let all = c.ok("statistic-get-all", None);
    assert!(
        all.as_object()
            .unwrap()
            .keys()
            .all(|k| !k.starts_with("subnet[2]")),
        "{all}"
    );
    c.run("statistic-reset-all", None);
    assert_eq!(c.stat("subnet[1].cumulative-assigned-addresses"), Some(0));
    assert_eq!(
        c.run("statistic-remove-all", None)["text"],
        "All statistics removed."
    );
    assert_eq!(c.ok("statistic-get-all", None), json!({}));
}

// CTL-051: leases-reclaim reclaims expired leases now.
#[test]
fn leases_reclaim_now() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let c = start(&ns, |cfg| {
        cfg["Dhcp4"]["valid-lifetime"] = json!(2);
        // No automatic reclamation: only the command may do it.
        cfg["Dhcp4"]["expired-leases-processing"] = json!({"reclaim-timer-wait-time": 0});
    });
    let acked = dora(&ns, 4, "00:0f:01:00:00:00");
    assert!(acked > 0);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(c.run("leases-reclaim", None)["result"], 1);
    assert_eq!(
        c.run("leases-reclaim", Some(json!({"remove": "yes"})))["result"],
        1
    );
    let r = c.run("leases-reclaim", Some(json!({"remove": false})));
    assert_eq!(r["text"], "Reclamation of expired leases is complete.");
    assert_eq!(c.stat("reclaimed-leases"), Some(acked as i64));
    assert_eq!(c.stat("subnet[1].assigned-addresses"), Some(0));
}

// CTL-054, CTL-016: shutdown answers, exits with exit-value and removes the socket and lock files.
#[test]
fn shutdown_exits_with_the_value_and_cleans_up() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let mut c = start(&ns, |_| {});
    assert_eq!(
        c.run("shutdown", Some(json!({"exit-value": "x"})))["result"],
        1
    );
    let r = c.run("shutdown", Some(json!({"exit-value": 3})));
    assert_eq!(r["text"], "Shutting down.");
    let status = c.server.wait_exit(Duration::from_secs(10)).expect("exits");
    assert_eq!(status.code(), Some(3));
    assert!(!c.socket.exists(), "socket removed");
    let mut lock = c.socket.clone().into_os_string();
    lock.push(".lock");
    assert!(!Path::new(&lock).exists(), "lock file removed");
}

// CTL-015: many clients at once all get answers.
#[test]
fn fifty_clients_at_once() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let c = start(&ns, |_| {});
    std::thread::scope(|s| {
        for _ in 0..50 {
            s.spawn(|| {
                for _ in 0..10 {
                    assert_eq!(c.run("status-get", None)["result"], 0);
                }
            });
        }
    });
}

// CTL-013: a multi-megabyte response arrives whole.
#[test]
fn multi_megabyte_config_get() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let c = start(&ns, |cfg| {
        let hosts: Vec<Value> = (0..30_000u32)
            .map(|i| {
                json!({"hw-address": format!("02:00:00:{:02x}:{:02x}:{:02x}", i >> 16, (i >> 8) & 0xff, i & 0xff),
                       "hostname": format!("host-with-a-longish-name-{i}"),
                       "user-context": {"owner": "lab", "rack": i % 40}})
            })
            .collect();
        cfg["Dhcp4"]["reservations"] = json!(hosts);
    });
    let raw = control::unix_raw(&c.socket, br#"{"command": "config-get"}"#).unwrap();
    assert!(raw.len() > 3_000_000, "{} bytes", raw.len());
    let r: Value = serde_json::from_slice(&raw).expect("whole JSON");
    assert_eq!(
        r["arguments"]["Dhcp4"]["reservations"]
            .as_array()
            .unwrap()
            .len(),
        30_000
    );
}

// HK-070, HK-073, HK-075, CTL-056: plugin commands on the socket; a plugin shadows a built-in except
// list-commands; after the plugin is gone its command is result 2.
#[test]
fn plugin_commands_through_the_socket() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let probe = plugin("libruru_test_probe.so");
    let c = start(&ns, |cfg| {
        cfg["Dhcp4"]["hooks-libraries"] = json!([{"library": probe,
            "parameters": {"tag": "ctl", "commands": ["version-get", "list-commands"]}}]);
    });
    let listed = c.ok("list-commands", None);
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        names.contains(&"probe-ctl") && names.contains(&"probe-panic"),
        "{names:?}"
    );
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "sorted");
    let r = c.run("probe-ctl", Some(json!({"x": [1, "y"]})));
    assert_eq!(
        r,
        json!({"arguments": {"x": [1, "y"]}, "result": 0, "text": "probe-ctl echo"})
    );
    assert_eq!(
        c.run("version-get", None)["text"],
        "version-get echo",
        "plugin wins"
    );
    assert_eq!(c.run("probe-panic", None)["result"], 1, "HK-072");
    assert_eq!(c.run("status-get", None)["result"], 0, "still answering");
    let mut without = c.config();
    without["Dhcp4"]
        .as_object_mut()
        .unwrap()
        .remove("hooks-libraries");
    c.ok("config-set", Some(without));
    let r = c.run("probe-ctl", None);
    assert_eq!(
        r,
        json!({"result": 2, "text": "'probe-ctl' command not supported."})
    );
    assert_eq!(c.run("version-get", None)["text"], flag_output("-v"));
}

// HK-004: a `hooks-libraries` entry without "parameters" and one with "parameters": {} are both
// accepted, and config-get gives each back as given, after config-set as at startup.
#[test]
fn hk004_parameters_absent_or_empty_are_given_back_as_given() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let probe = plugin("libruru_test_probe.so");
    let entries = json!([{"library": probe}, {"library": probe, "parameters": {}}]);
    let c = start(&ns, |cfg| cfg["Dhcp4"]["hooks-libraries"] = entries.clone());
    assert_eq!(c.config()["Dhcp4"]["hooks-libraries"], entries);
    let mut swapped = c.config();
    swapped["Dhcp4"]["hooks-libraries"] = json!([entries[1], entries[0]]);
    c.ok("config-set", Some(swapped));
    assert_eq!(
        c.config()["Dhcp4"]["hooks-libraries"],
        json!([{"library": probe, "parameters": {}}, {"library": probe}])
    );
}

// CTL-019, CTL-020, CTL-021, CTL-023, CTL-024, CTL-026, CTL-129: HTTP socket with basic
// authentication, driven by curl as the manual shows.
#[test]
fn http_socket_with_basic_auth() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let c = start(&ns, |cfg| {
        cfg["Dhcp4"]["control-sockets"] = json!([{"socket-type": "http", "socket-port": 18001,
            "authentication": {"type": "basic", "realm": "lab",
                               "clients": [{"user": "admin", "password": "s3cret"}]}}]);
    });
    let url = "http://127.0.0.1:18001/";
    let cmd = json!({"command": "version-get"});
    let none = http(&ns, url, &cmd, &[]).unwrap();
    assert_eq!(none.status, 401);
    assert!(
        none.headers
            .contains("WWW-Authenticate: Basic realm=\"lab\""),
        "{}",
        none.headers
    );
    assert_eq!(none.body, json!({"result": 401, "text": "Unauthorized"}));
    let wrong = http(&ns, url, &cmd, &["-u", "admin:nope"]).unwrap();
    assert_eq!(wrong.status, 401);
    let right = http(&ns, url, &cmd, &["-u", "admin:s3cret"]).unwrap();
    assert_eq!(right.status, 200);
    assert_eq!(right.body[0]["text"], flag_output("-v"), "{:?}", right.body);
    let prefixed = http(
        &ns,
        "http://127.0.0.1:18001/kea",
        &cmd,
        &["-u", "admin:s3cret"],
    )
    .unwrap();
    assert_eq!(prefixed.body, right.body);
    let get = curl(&ns, url, &["-u", "admin:s3cret"]).unwrap();
    assert!((400..500).contains(&get.status), "GET → {}", get.status);
    assert_eq!(get.body["result"], get.status);
    // The UNIX socket of the same server still works alongside.
    assert_eq!(c.run("status-get", None)["result"], 0);
}

/// Kea's JSON dialect to plain JSON: drops `#`, `//` and `/* */` comments outside strings.
fn strip_comments(text: &str) -> String {
    let (mut out, mut chars) = (String::new(), text.chars().peekable());
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                '\\' => out.extend(chars.next()),
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('#', _) | ('/', Some('/')) => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for n in chars.by_ref() {
                    if last == '*' && n == '/' {
                        break;
                    }
                    last = n;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The `interface` values of a `Dhcp4` map's subnets and shared networks.
fn subnet_interfaces(d: &serde_json::Map<String, Value>) -> Vec<String> {
    let list = |v: Option<&Value>| v.and_then(Value::as_array).cloned().unwrap_or_default();
    let networks = list(d.get("shared-networks"));
    let subnets = list(d.get("subnet4"))
        .into_iter()
        .chain(networks.iter().flat_map(|n| list(n.get("subnet4"))));
    networks
        .iter()
        .cloned()
        .chain(subnets)
        .filter_map(|s| s.get("interface")?.as_str().map(str::to_owned))
        .collect()
}

// CTL-072: for Kea's shipped examples, config-set → config-get → config-set gives the same hash, and
// the configuration shown is the one set (comments gone, `comment` folded).
#[test]
fn kea_examples_round_trip_through_config_set_and_get() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let c = start(&ns, |_| {});
    let ours = c.config()["Dhcp4"].clone();
    let dir = Path::new("/usr/share/doc/kea/examples/kea4");
    assert!(dir.is_dir(), "install kea-doc");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let (mut round_tripped, mut refused) = (0, Vec::new());
    let mut created: Vec<String> = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        if text.contains("<?include") {
            continue;
        }
        let Ok(mut cfg) = serde_json::from_str::<Value>(&strip_comments(&text)) else {
            continue; // trailing commas and other Kea leniencies; the -t walk covers those files
        };
        let Some(d) = cfg.get_mut("Dhcp4").and_then(Value::as_object_mut) else {
            continue;
        };
        // Keep this server reachable and harmless: our sockets, interfaces and lease file, no plugins.
        for key in [
            "control-socket",
            "control-sockets",
            "interfaces-config",
            "lease-database",
            "hooks-libraries",
            "loggers",
        ] {
            d.remove(key);
            if let Some(v) = ours.get(key) {
                d.insert(key.to_owned(), v.clone());
            }
        }
        d.remove("hosts-database");
        d.remove("hosts-databases");
        d.remove("config-control");
        // The NCR sender binds `sender-ip` (Kea refuses a configuration whose sender cannot
        // start, and so does Ruru); the examples' documentation addresses are not on this machine.
        if let Some(ddns) = d.get_mut("dhcp-ddns").and_then(Value::as_object_mut) {
            ddns.remove("sender-ip");
        }
        // A subnet's interface must exist (V6-016; Kea's rule in both families): the ones the
        // examples name (eth0, eth1, …) are made in this namespace (veth pairs: this kernel has
        // no dummy links).
        for iface in subnet_interfaces(d) {
            if !created.contains(&iface) {
                let peer = format!("{iface}p");
                ns.exec(&[
                    "ip", "link", "add", &iface, "type", "veth", "peer", "name", &peer,
                ])
                .unwrap_or_else(|e| panic!("link {iface}: {e}"));
                created.push(iface);
            }
        }
        let first = c.run("config-set", Some(cfg.clone()));
        if first["result"] != 0 {
            refused.push(format!("{}: {}", f.display(), first["text"]));
            continue;
        }
        let hash = first["arguments"]["hash"].clone();
        let got = c.config();
        assert_eq!(
            c.ok("config-set", Some(got.clone()))["hash"],
            hash,
            "{}",
            f.display()
        );
        assert_eq!(c.config(), got, "{}", f.display());
        round_tripped += 1;
    }
    eprintln!(
        "{round_tripped} examples round-tripped, {} refused",
        refused.len()
    );
    let only_unbuilt = refused.iter().all(|r| r.contains("does not have yet"));
    assert!(
        only_unbuilt,
        "refused for other reasons:\n{}",
        refused.join("\n")
    );
    assert!(
        round_tripped >= 12,
        "only {round_tripped} round-tripped; refused: {refused:#?}"
    );
}

/// The names `statistic-get-all` lists after a few relayed DORAs, from `subject` with our base config.
fn statistic_names(subject: Subject) -> std::collections::BTreeSet<String> {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("dhcp4.sock");
    let mut config = base_config(&socket);
    // Kea 2.2 does not know `comment` on subnets in every position it is used here; keep it plain.
    config["Dhcp4"]["subnet4"][0]
        .as_object_mut()
        .unwrap()
        .remove("comment");
    let _server = Server::start_subject(subject, &ns, config).expect("server starts");
    wait_until("control socket", Duration::from_secs(10), || {
        socket.exists()
    })
    .unwrap();
    assert!(dora(&ns, 3, "00:0e:20:00:00:00") > 0);
    let all = control::unix(&socket, &json!({"command": "statistic-get-all"})).unwrap();
    all["arguments"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

// CTL-065 (differential): every statistic Kea 2.2 lists for the same configuration and traffic, Ruru
// lists under the same name; Ruru's extra names are exactly the ones Kea added after 2.2 (per-pool
// statistics, per-subnet allocation failures, lease reuses), which 2.7.3 lists.
#[test]
fn statistic_names_cover_keas() {
    let kea = statistic_names(Subject::Kea);
    let ruru = statistic_names(Subject::Ruru);
    let missing: Vec<_> = kea.difference(&ruru).collect();
    assert!(missing.is_empty(), "Kea lists, Ruru does not: {missing:?}");
    let since_2_2 = |n: &str| {
        n.contains(".pool[")
            || n.ends_with("v4-lease-reuses")
            || (n.starts_with("subnet[") && n.contains(".v4-allocation-fail"))
    };
    let extra: Vec<_> = ruru.difference(&kea).filter(|n| !since_2_2(n)).collect();
    assert!(
        extra.is_empty(),
        "names neither Kea 2.2 nor 2.7 lists: {extra:?}"
    );
}

// Issue 4, beyond Kea: an HTTP control socket whose user-context opts in serves the statistics in
// Prometheus' text format at GET /metrics (behind the same authentication); others refuse GET.
#[test]
fn prometheus_metrics_endpoint() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let c = start(&ns, |cfg| {
        cfg["Dhcp4"]["control-sockets"] = json!([
            {"socket-type": "http", "socket-port": 18002,
             "user-context": {"prometheus-metrics": true},
             "authentication": {"type": "basic", "clients": [{"user": "prom", "password": "p"}]}},
            {"socket-type": "http", "socket-port": 18003}]);
    });
    assert!(dora(&ns, 3, "00:0e:30:00:00:00") > 0);
    let url = "http://127.0.0.1:18002/metrics";
    assert_eq!(curl(&ns, url, &[]).unwrap().status, 401);
    let out = ns
        .command("curl")
        .args(["-s", "-u", "prom:p", "--max-time", "8", url])
        .output()
        .expect("curl runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("# TYPE ruru_dhcp4_pkt4_received counter"),
        "{text}"
    );
    let received = text
        .lines()
        .find_map(|l| l.strip_prefix("ruru_dhcp4_pkt4_received "))
        .and_then(|v| v.parse::<i64>().ok())
        .expect("pkt4-received sample");
    assert_eq!(
        Some(received),
        c.stat("pkt4-received"),
        "the same value as statistic-get"
    );
    assert!(
        text.contains("ruru_dhcp4_assigned_addresses{subnet_id=\"1\"}"),
        "{text}"
    );
    assert!(
        text.contains("ruru_dhcp4_total_addresses{subnet_id=\"1\",pool_id=\"0\"}"),
        "{text}"
    );
    let plain = curl(&ns, "http://127.0.0.1:18003/metrics", &[]).unwrap();
    assert_eq!(plain.status, 400, "not opted in");
}

/// The lines of `ss -H -n -l -p <kind>` in `ns` (`-t` TCP, `-x` UNIX) owned by `pid`.
fn listeners(ns: &Netns, pid: u32, kind: &str) -> Vec<String> {
    let out = ns
        .command("ss")
        .args(["-H", "-n", "-l", "-p", kind])
        .output()
        .expect("ss runs");
    let owner = format!("pid={pid},");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(&owner))
        .map(str::to_owned)
        .collect()
}

// CTL-111: without `control-socket(s)` the server opens no control channel: no TCP listener, no
// UNIX socket (so no socket file); an HTTP socket without `socket-address` listens on loopback.
#[test]
fn ctl111_no_control_channel_unless_configured() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let mut config = base_config(Path::new("/unused"));
    config["Dhcp4"]
        .as_object_mut()
        .unwrap()
        .remove("control-socket");
    let server = Server::start(&ns, config.clone()).expect("server starts");
    let pid = server.pid().expect("runs");
    // Service is up (the harness waited for port 67); give a late listener a moment anyway.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        listeners(&ns, pid, "-t"),
        Vec::<String>::new(),
        "{}",
        server.logs()
    );
    assert_eq!(listeners(&ns, pid, "-x"), Vec::<String>::new());
    use std::os::unix::fs::FileTypeExt;
    for entry in std::fs::read_dir(server.dir()).unwrap() {
        let entry = entry.unwrap();
        assert!(
            !entry.file_type().unwrap().is_socket(),
            "{:?}",
            entry.path()
        );
    }
    drop(server);

    config["Dhcp4"]["control-sockets"] = json!([{"socket-type": "http", "socket-port": 18011}]);
    let server = Server::start(&ns, config).expect("server starts");
    let pid = server.pid().expect("runs");
    wait_until("the HTTP listener", Duration::from_secs(10), || {
        !listeners(&ns, pid, "-t").is_empty()
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", server.logs()));
    let tcp = listeners(&ns, pid, "-t");
    assert_eq!(tcp.len(), 1, "{tcp:?}");
    assert!(tcp[0].contains(" 127.0.0.1:18011 "), "{tcp:?}");
}

// CTL-115: with every logger at DEBUG/99, neither the configuration at startup nor a `config-set`
// carrying passwords and secrets (lease database, HTTP basic authentication, user context) puts a
// plaintext secret in the log: the logged configuration shows asterisks. CTL-116: `config-get`
// and `config-write` return the secrets as given.
#[test]
fn ctl115_no_secret_in_debug_logs_ctl116_config_get_unredacted() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let c = start(&ns, |cfg| {
        cfg["Dhcp4"]["loggers"] = json!([{"name": "kea-dhcp4", "severity": "DEBUG",
            "debuglevel": 99, "output_options": [{"output": "stdout"}]}]);
        cfg["Dhcp4"]["lease-database"]["password"] = json!("lease-pw-AAA");
    });
    let mut changed = c.config();
    changed["Dhcp4"]["control-sockets"] = json!([
        changed["Dhcp4"]["control-socket"].clone(),
        {"socket-type": "http", "socket-port": 18012,
         "authentication": {"type": "basic", "clients": [{"user": "admin", "password": "http-pw-BBB"}]}}
    ]);
    changed["Dhcp4"]
        .as_object_mut()
        .unwrap()
        .remove("control-socket");
    changed["Dhcp4"]["user-context"] = json!({"api-secret": "ctx-secret-CCC"});
    c.ok("config-set", Some(changed));

    let got = c.config();
    assert_eq!(got["Dhcp4"]["lease-database"]["password"], "lease-pw-AAA");
    assert_eq!(
        got["Dhcp4"]["control-sockets"][1]["authentication"]["clients"][0]["password"],
        "http-pw-BBB"
    );
    assert_eq!(got["Dhcp4"]["user-context"]["api-secret"], "ctx-secret-CCC");
    let written = c.server.dir().join("written.json");
    c.ok("config-write", Some(json!({"filename": written})));
    let text = std::fs::read_to_string(&written).unwrap();
    for secret in ["lease-pw-AAA", "http-pw-BBB", "ctx-secret-CCC"] {
        assert!(text.contains(secret), "config-write keeps {secret}");
    }

    let log = ["stdout.log", "stderr.log"]
        .iter()
        .map(|f| std::fs::read_to_string(c.server.dir().join(f)).unwrap_or_default())
        .collect::<String>();
    for secret in ["lease-pw-AAA", "http-pw-BBB", "ctx-secret-CCC"] {
        assert!(!log.contains(secret), "{secret} logged:\n{log}");
    }
    if c.server.subject() == Subject::Ruru {
        // Not vacuous: the configurations were logged, redacted.
        let received = log
            .lines()
            .find(|l| l.contains("DHCP4_CONFIG_RECEIVED"))
            .unwrap_or_else(|| panic!("no DHCP4_CONFIG_RECEIVED:\n{log}"));
        assert!(received.contains(r#""password":"*****""#), "{received}");
        assert!(received.contains(r#""api-secret":"*****""#), "{received}");
        assert!(log.contains("DHCP4_CONFIG_START"), "{log}");
    }
}
