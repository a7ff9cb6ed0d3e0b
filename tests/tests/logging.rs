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
