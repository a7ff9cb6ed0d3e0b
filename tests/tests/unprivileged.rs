//! CTL-117: the servers run fully as an unprivileged user holding only the capabilities they need —
//! DHCPv4 `CAP_NET_BIND_SERVICE` (plus `CAP_NET_RAW` with `dhcp-socket-type` raw), DHCPv6
//! `CAP_NET_BIND_SERVICE` — granted as file or as ambient capabilities. Each test runs a copy of the
//! binary as `nobody` in a namespace, serves real clients and answers on its UNIX control socket.
//!
//! CTL-113: started as root, the servers keep only those capabilities, in every thread, and still
//! serve and reconfigure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use ruru_e2e::clients::{LeaseRequest6, Perf6, Udhcpc};
use ruru_e2e::config::{persistent_memfile, stdout_loggers, stdout_loggers_for};
use ruru_e2e::control::http;
use ruru_e2e::process::wait_until;
use ruru_e2e::subject::Subject;
use ruru_e2e::topology::{loopback_relay, DirectLink, SERVER6_CIDR};
use ruru_e2e::{control, Family, Grant, Server, Unprivileged};
use serde_json::{json, Value};

mod common;

const NOBODY_UID: u32 = 65534;
const CAP_NET_BIND_SERVICE: u64 = 1 << 10;
const CAP_NET_RAW: u64 = 1 << 13;

/// A directory `nobody` owns, for the control socket (and its lock file) and the DHCPv6 DUID file.
fn owned_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = Command::new("chown")
        .arg("nobody:nogroup")
        .arg(dir.path())
        .status()
        .expect("chown runs");
    assert!(status.success(), "chown nobody {}", dir.path().display());
    dir
}

/// A `/proc/<pid>/status` field, e.g. `Uid` or `CapEff`.
fn proc_status(pid: u32, field: &str) -> String {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
        .trim()
        .to_owned()
}

/// The server runs as nobody (real, effective, saved and file uid) with exactly `caps` effective.
fn assert_unprivileged(server: &Server<'_>, caps: u64) {
    let pid = server.pid().expect("running");
    let uids: Vec<u32> = proc_status(pid, "Uid")
        .split_whitespace()
        .map(|u| u.parse().expect("uid"))
        .collect();
    assert_eq!(uids, vec![NOBODY_UID; 4], "uids of {pid}");
    let eff = u64::from_str_radix(&proc_status(pid, "CapEff"), 16).expect("hex");
    assert_eq!(eff, caps, "effective capabilities of {pid}: {eff:#x}");
}

/// Every thread of the server holds exactly `caps` as effective, permitted and bounding sets, and
/// nothing inheritable or ambient (CTL-113: capabilities belong to threads).
fn assert_only_caps(server: &Server<'_>, caps: u64) {
    let pid = server.pid().expect("running");
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).expect("tasks");
    let mut threads = 0;
    for task in tasks {
        let status = task.expect("task").path().join("status");
        let text = std::fs::read_to_string(&status).expect("task status");
        let set = |field: &str| {
            let hex = text
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{field}:")))
                .unwrap_or_else(|| panic!("no {field} in {}", status.display()));
            u64::from_str_radix(hex.trim(), 16).expect("hex")
        };
        for (field, wanted) in [
            ("CapEff", caps),
            ("CapPrm", caps),
            ("CapBnd", caps),
            ("CapInh", 0),
            ("CapAmb", 0),
        ] {
            assert_eq!(set(field), wanted, "{field} of {}", status.display());
        }
        threads += 1;
    }
    assert!(
        threads > 1,
        "the packet and runtime threads were checked too"
    );
}

/// Runs `config-set` with the running configuration changed by `edit`; the command must succeed.
fn reconfigure(server: &Server<'_>, socket: &Path, edit: impl FnOnce(&mut Value)) {
    let got = control::unix(socket, &json!({"command": "config-get"})).expect("config-get");
    let mut config = got["arguments"].clone();
    config.as_object_mut().expect("map").remove("hash");
    edit(&mut config);
    let set = control::unix(
        socket,
        &json!({"command": "config-set", "arguments": config}),
    )
    .expect("config-set");
    assert_eq!(set["result"], 0, "{set}\n{}", server.logs());
}

/// Waits for the control socket, then checks `status-get` and `config-get` answer.
fn assert_control(server: &Server<'_>, socket: &Path, key: &str) {
    wait_until("control socket", Duration::from_secs(10), || {
        socket.exists()
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", server.logs()));
    let status = control::unix(socket, &json!({"command": "status-get"})).expect("status-get");
    assert_eq!(status["result"], 0, "{status}");
    assert_eq!(status["arguments"]["pid"], server.pid().expect("running"));
    let config = control::unix(socket, &json!({"command": "config-get"})).expect("config-get");
    assert_eq!(config["result"], 0, "{config}");
    assert!(config["arguments"][key].is_object(), "{config}");
}

fn control_socket(path: &Path) -> Value {
    json!({"socket-type": "unix", "socket-name": path})
}

/// DHCPv4 over raw sockets on `iface` (192.0.2.0/24) with its control socket at `socket`.
fn raw_sockets_config(iface: &str, socket: &std::path::Path) -> Value {
    json!({"Dhcp4": {
        "interfaces-config": {"interfaces": [iface], "dhcp-socket-type": "raw"},
        "lease-database": persistent_memfile(),
        "control-socket": control_socket(socket),
        "valid-lifetime": 600,
        "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "interface": iface,
                     "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}]}],
        "loggers": stdout_loggers("INFO")
    }})
}

// CTL-117: DHCPv4 with raw sockets, file capabilities net_bind_service + net_raw on the binary: a real
// client (udhcpc, broadcast, no address yet) gets a lease; the control socket answers.
#[test]
fn ctl117_dhcp4_raw_sockets_with_file_capabilities() {
    let link = DirectLink::new("192.0.2.1/24").expect("namespaces");
    let own = owned_dir();
    let socket = own.path().join("dhcp4.sock");
    let iface = link.server_iface();
    let config = raw_sockets_config(iface, &socket);
    let run_as = Unprivileged::nobody(&["net_bind_service", "net_raw"], Grant::File);
    let server =
        Server::start_unprivileged(&link.server, config, run_as).expect("server starts as nobody");
    assert_unprivileged(&server, CAP_NET_BIND_SERVICE | CAP_NET_RAW);

    let lease = Udhcpc::new(&link.client, link.client_iface())
        .expect("udhcpc")
        .acquire()
        .unwrap_or_else(|e| panic!("udhcpc gets a lease: {e}\n{}", server.logs()));
    assert!(server
        .leases()
        .expect("lease file")
        .get(lease.address)
        .is_some());
    assert_control(&server, &socket, "Dhcp4");
}

// CTL-117: DHCPv4 on UDP sockets needs only net_bind_service (ambient, as systemd grants it): relayed
// DORAs from perfdhcp are answered.
#[test]
fn ctl117_dhcp4_udp_sockets_need_only_bind_service() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let own = owned_dir();
    let socket = own.path().join("dhcp4.sock");
    let mut config = common::config(json!([]));
    config["Dhcp4"]["control-socket"] = control_socket(&socket);
    let run_as = Unprivileged::nobody(&["net_bind_service"], Grant::Ambient);
    let server = Server::start_unprivileged(&ns, config, run_as).expect("server starts as nobody");
    assert_unprivileged(&server, CAP_NET_BIND_SERVICE);

    let acked = common::dora(&ns, 5, "02:00:00:11:70:00");
    assert!(acked > 0, "no ACK\n{}", server.logs());
    assert!(!server.leases().expect("lease file").is_empty());
    assert_control(&server, &socket, "Dhcp4");
}

// CTL-117: DHCPv6 needs only net_bind_service (ambient): perfdhcp -6 gets addresses and prefixes, the
// server identifier is stored in a data directory the user owns, the control socket answers.
#[test]
fn ctl117_dhcp6_needs_only_bind_service() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let own = owned_dir();
    let socket = own.path().join("dhcp6.sock");
    let iface = link.server_iface();
    let config = json!({"Dhcp6": {
        "interfaces-config": {"interfaces": [iface]},
        "data-directory": own.path(),
        "lease-database": persistent_memfile(),
        "control-socket": control_socket(&socket),
        "preferred-lifetime": 3000, "valid-lifetime": 4000,
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": iface,
                     "pools": [{"pool": "2001:db8:1::/64"}],
                     "pd-pools": [{"prefix": "2001:db8:8800::", "prefix-len": 56, "delegated-len": 64}]}],
        "loggers": stdout_loggers_for(Family::V6, "INFO")
    }});
    let run_as = Unprivileged::nobody(&["net_bind_service"], Grant::Ambient);
    let server =
        Server::start_unprivileged(&link.server, config, run_as).expect("server starts as nobody");
    assert_unprivileged(&server, CAP_NET_BIND_SERVICE);

    let report = Perf6::new(link.client_iface())
        .rate(20, 2)
        .clients(1000)
        .mac_base("02:00:00:11:76:00")
        .lease(LeaseRequest6::AddressAndPrefix)
        .run(&link.client)
        .unwrap_or_else(|e| panic!("perfdhcp -6: {e}\n{}", server.logs()));
    let replied = report.request_reply().map_or(0, |s| s.received);
    assert!(replied > 0, "no REPLY: {report:?}\n{}", server.logs());
    assert!(!server.leases6().expect("lease file").is_empty());
    let duid: PathBuf = own.path().join("kea-dhcp6-serverid");
    assert!(
        duid.is_file(),
        "server identifier stored in the data directory"
    );
    assert_control(&server, &socket, "Dhcp6");
}

// CTL-113: ruru-dhcp4 started as root with every capability keeps only net_bind_service and
// net_raw. With them it serves a real client over raw sockets, takes a config-set that reopens
// those sockets and adds an HTTP control socket on a port below 1024, and serves again.
#[test]
fn ctl113_root_dhcp4_keeps_only_needed_capabilities() {
    let link = DirectLink::new("192.0.2.1/24").expect("namespaces");
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("dhcp4.sock");
    let iface = link.server_iface();
    let config = raw_sockets_config(iface, &socket);
    // Hardening beyond Kea's: the subject is Ruru whatever RURU_TEST_SUBJECT says.
    let server = Server::start_subject(Subject::Ruru, &link.server, config).expect("server starts");
    assert_control(&server, &socket, "Dhcp4");
    assert_only_caps(&server, CAP_NET_BIND_SERVICE | CAP_NET_RAW);
    let client = Udhcpc::new(&link.client, link.client_iface()).expect("udhcpc");
    client
        .acquire()
        .unwrap_or_else(|e| panic!("udhcpc gets a lease: {e}\n{}", server.logs()));

    reconfigure(&server, &socket, |c| {
        c["Dhcp4"]["valid-lifetime"] = json!(700);
        c["Dhcp4"]["control-sockets"] = json!([{"socket-type": "http", "socket-port": 800}]);
    });
    let reply = http(
        &link.server,
        "http://127.0.0.1:800/",
        &json!({"command": "config-get"}),
        &[],
    )
    .expect("HTTP control socket on port 800");
    assert_eq!(reply.body[0]["arguments"]["Dhcp4"]["valid-lifetime"], 700);
    let lease = client
        .acquire()
        .unwrap_or_else(|e| panic!("served after config-set: {e}\n{}", server.logs()));
    assert_eq!(
        lease.lease_time,
        Some(700),
        "the new configuration answered"
    );
    assert_only_caps(&server, CAP_NET_BIND_SERVICE | CAP_NET_RAW);
}

// CTL-113: ruru-dhcp6 started as root keeps only net_bind_service; it serves perfdhcp -6 before and
// after a config-set that reopens its sockets.
#[test]
fn ctl113_root_dhcp6_keeps_only_bind_service() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("dhcp6.sock");
    let iface = link.server_iface();
    let config = json!({"Dhcp6": {
        "interfaces-config": {"interfaces": [iface]},
        "data-directory": dir.path(),
        "lease-database": persistent_memfile(),
        "control-socket": control_socket(&socket),
        "preferred-lifetime": 3000, "valid-lifetime": 4000,
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": iface,
                     "pools": [{"pool": "2001:db8:1::/64"}]}],
        "loggers": stdout_loggers_for(Family::V6, "INFO")
    }});
    let server = Server::start_subject(Subject::Ruru, &link.server, config).expect("server starts");
    assert_control(&server, &socket, "Dhcp6");
    assert_only_caps(&server, CAP_NET_BIND_SERVICE);
    let replied = |mac_base: &str| {
        let report = Perf6::new(link.client_iface())
            .rate(20, 2)
            .clients(100)
            .mac_base(mac_base)
            .lease(LeaseRequest6::Address)
            .run(&link.client)
            .unwrap_or_else(|e| panic!("perfdhcp -6: {e}\n{}", server.logs()));
        report.request_reply().map_or(0, |s| s.received)
    };
    assert!(
        replied("02:00:00:11:13:00") > 0,
        "no REPLY\n{}",
        server.logs()
    );
    reconfigure(&server, &socket, |c| {
        c["Dhcp6"]["valid-lifetime"] = json!(5000);
    });
    assert!(
        replied("02:00:00:11:13:80") > 0,
        "no REPLY after config-set\n{}",
        server.logs()
    );
    assert_only_caps(&server, CAP_NET_BIND_SERVICE);
}
