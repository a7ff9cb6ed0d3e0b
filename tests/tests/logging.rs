//! Logging of the real server (CTL-104, CTL-106, CTL-108): a `loggers` entry writing to a file in
//! the default layout. Runs against Kea as well (`RURU_TEST_SUBJECT=kea`).

use std::time::Duration;

use regex::Regex;
use ruru_e2e::process::wait_until;
use ruru_e2e::topology::loopback_relay;
use ruru_e2e::Server;
use serde_json::json;

/// CTL-106's stdout/file layout: `%D{%Y-%m-%d %H:%M:%S.%q} %-5p [%c/%i.%t] %m\n`.
const LINE: &str = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} (FATAL|ERROR|WARN |INFO |DEBUG) \[kea-dhcp4(\.[a-z0-9-]+)*/\d+\.\d+\] \S";

// CTL-104 (file output), CTL-106 (default pattern), CTL-108 (DHCP4_STARTED at start).
#[test]
fn ctl_106_file_output_has_the_default_layout_and_dhcp4_started() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("kea-dhcp4.log");
    let config = json!({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "lease-database": {"type": "memfile", "persist": false},
        "valid-lifetime": 4000,
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "pools": [{"pool": "10.0.0.10 - 10.0.0.20"}],
                     "relay": {"ip-addresses": ["127.0.0.2"]}}],
        // Kea 2.2 knows only this spelling.
        "loggers": [{"name": "kea-dhcp4", "severity": "INFO",
                     "output_options": [{"output": log.to_str().unwrap()}]}]
    }});
    let server = Server::start(&ns, config).expect("server starts");
    let read = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_until(
        "DHCP4_STARTED in the log file",
        Duration::from_secs(10),
        || read().contains("DHCP4_STARTED"),
    )
    .unwrap_or_else(|e| panic!("{e}\nfile:\n{}\nprocess:\n{}", read(), server.logs()));
    let text = read();
    let line = Regex::new(LINE).unwrap();
    for l in text.lines() {
        assert!(line.is_match(l), "not in the CTL-106 layout: {l:?}\n{text}");
    }
    let started = text.lines().find(|l| l.contains("DHCP4_STARTED")).unwrap();
    assert!(
        started.contains(" INFO  [kea-dhcp4.dhcp4/")
            && started.contains("] DHCP4_STARTED Kea DHCPv4 server version "),
        "{started}"
    );
}

/// A server whose `kea-dhcp4.eval` logger is at DEBUG `level`, classifying with `substring`; the
/// process's output once a DISCOVER carrying option 60 was answered.
fn eval_log_at(level: u8) -> String {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let config = json!({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "lease-database": {"type": "memfile", "persist": false},
        "client-classes": [{"name": "foo", "test": "substring(option[60].hex,0,3) == 'foo'"}],
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "pools": [{"pool": "10.0.0.10 - 10.0.0.20"}],
                     "relay": {"ip-addresses": ["127.0.0.2"]}}],
        "loggers": [{"name": "kea-dhcp4.eval", "severity": "DEBUG", "debuglevel": level,
                     "output_options": [{"output": "stdout"}]}]
    }});
    let server = Server::start(&ns, config).expect("server starts");
    let args = "-4 -l 127.0.0.2 -o 60,666f6f626172 -r 1 -R 1 -p 2 127.0.0.1";
    let offered = ruru_e2e::clients::perfdhcp::run_perfdhcp(
        &ns,
        &args.split_whitespace().collect::<Vec<_>>(),
        Duration::from_secs(20),
    )
    .ok()
    .is_some_and(|r| r.discover_offer.received > 0);
    assert!(offered, "no OFFER:\n{}", server.logs());
    server.logs()
}

// V4-142: `kea-dhcp4.eval` at debug level 55 logs each token (EVAL_DEBUG_SUBSTRING among them) under
// that logger; at 54 none.
#[test]
fn v4_142_eval_tokens_at_debug_55() {
    let logs = eval_log_at(55);
    let line = logs
        .lines()
        .find(|l| l.contains("EVAL_DEBUG_SUBSTRING"))
        .unwrap_or_else(|| panic!("no EVAL_DEBUG_SUBSTRING:\n{logs}"));
    assert!(
        line.contains("[kea-dhcp4.eval/")
            && line.contains(
                "Popping length 3, start 0, string 0x666F6F626172 pushing result 0x666F6F"
            ),
        "{line}"
    );
    let quiet = eval_log_at(54);
    assert!(!quiet.contains("EVAL_DEBUG_"), "{quiet}");
}
