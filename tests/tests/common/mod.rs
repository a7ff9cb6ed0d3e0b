//! Helpers shared by the plugin suites (`hooks`, `hooks6`, `hooks_examples`, `hooks_reload`, `decline6`;
//! each uses a part of them), among them a minimal DHCPv6 client (`client6`).
#![allow(dead_code)]

pub(crate) mod client6;
pub(crate) mod d2;
pub(crate) mod lease_cmds;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use ruru_e2e::clients::perfdhcp::{run_perfdhcp, PerfReport};
use ruru_e2e::config::{persistent_memfile, stdout_loggers};
use ruru_e2e::control;
use ruru_e2e::pcap::Dhcp4Packet;
use ruru_e2e::subject::built_file;
use ruru_e2e::{Capture, Netns, Server};
use serde_json::{json, Value};

/// Option code the examples set in responses (site-specific range, unused by the server itself).
pub(crate) const OPTION: u8 = 252;

/// A library built by the workspace (`cargo build --release --workspace --lib`); a missing one fails loudly.
pub(crate) fn plugin(file: &str) -> PathBuf {
    built_file(file).unwrap_or_else(|tried| {
        panic!("plugin {file} not built (cargo build --workspace --lib); tried {tried:?}")
    })
}

/// The relayed-loopback config of the hooks suites with `hooks` as `hooks-libraries`.
pub(crate) fn config(hooks: Value) -> Value {
    json!({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "lease-database": persistent_memfile(),
        "valid-lifetime": 4000,
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "pools": [{"pool": "10.0.0.10 - 10.0.250.250"}],
                     "relay": {"ip-addresses": ["127.0.0.2"]}}],
        "hooks-libraries": hooks,
        "loggers": stdout_loggers("INFO")
    }})
}

/// Rewrites the running server's config file with `hooks`, keeping its lease file, for a SIGHUP.
pub(crate) fn rewrite_config(server: &Server<'_>, hooks: Value) {
    let mut cfg = config(hooks);
    cfg["Dhcp4"]["lease-database"]["name"] = json!(server.lease_file());
    std::fs::write(server.config_file(), cfg.to_string()).expect("config written");
}

/// perfdhcp playing a relay at 127.0.0.2: `n` DORAs from `clients` MACs derived from `mac_base` (with one
/// client, the MAC base itself). An error when perfdhcp printed no readable report: it prints "-nan %"
/// when nothing was answered at all, which the harness's parser refuses.
pub(crate) fn perf(
    ns: &Netns,
    n: u32,
    clients: u32,
    mac_base: &str,
) -> ruru_e2e::Result<PerfReport> {
    let args =
        format!("-4 -l 127.0.0.2 -b mac={mac_base} -r 20 -n {n} -R {clients} -p 4 127.0.0.1");
    run_perfdhcp(
        ns,
        &args.split_whitespace().collect::<Vec<_>>(),
        Duration::from_secs(30),
    )
}

/// Runs perfdhcp with `args`; how many REQUESTs were ACKed (it exits non-zero when nothing is
/// answered: 0).
pub(crate) fn acks(ns: &Netns, args: &str) -> u64 {
    run_perfdhcp(
        ns,
        &args.split_whitespace().collect::<Vec<_>>(),
        Duration::from_secs(30),
    )
    .ok()
    .and_then(|r| r.request_ack.map(|a| a.received))
    .unwrap_or(0)
}

/// Relayed DORAs; how many were ACKed (0 when nothing was answered).
pub(crate) fn dora(ns: &Netns, n: u32, mac_base: &str) -> u64 {
    perf(ns, n, n, mac_base)
        .ok()
        .and_then(|r| r.request_ack)
        .map_or(0, |r| r.received)
}

/// Stops a capture after waiting out libpcap's buffer timeout: without it, packets of the last second
/// before the stop are still in the kernel ring when tcpdump is interrupted, and are lost.
pub(crate) fn stop_capture(capture: Capture<'_>) -> Vec<Dhcp4Packet> {
    std::thread::sleep(Duration::from_millis(1500));
    capture.stop().expect("capture read").packets
}

/// Runs relayed DORAs while capturing on the namespace's loopback; every DHCPv4 message seen.
pub(crate) fn captured_dora(ns: &Netns, n: u32, mac_base: &str) -> Vec<Dhcp4Packet> {
    let capture = Capture::start(ns, "lo").expect("tcpdump starts");
    dora(ns, n, mac_base);
    stop_capture(capture)
}

/// Server replies (op 2, from port 67) of message type `msg_type`.
pub(crate) fn replies(packets: &[Dhcp4Packet], msg_type: u8) -> Vec<&Dhcp4Packet> {
    packets
        .iter()
        .filter(|p| p.op == 2 && p.src_port == 67 && p.message_type == Some(msg_type))
        .collect()
}

/// Lines of a probe log.
pub(crate) fn lines(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Sends SIGHUP to the server (reload its config file).
pub(crate) fn hup(server: &Server<'_>) {
    let pid = server.pid().expect("server runs");
    assert!(Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .expect("kill")
        .success());
}

/// The current value of statistic `name`, read over the UNIX control socket at `socket`.
pub(crate) fn stat(socket: &Path, name: &str) -> i64 {
    let r = control::unix(
        socket,
        &json!({"command": "statistic-get", "arguments": {"name": name}}),
    )
    .expect("statistic-get");
    r["arguments"][name][0][0]
        .as_i64()
        .unwrap_or_else(|| panic!("{name}: {r}"))
}
