//! The server as a process: configuration check, reload on SIGHUP, and robustness against garbage.

use std::net::{Ipv4Addr, UdpSocket};
use std::process::Command;
use std::time::Duration;

use ruru_e2e::clients::perfdhcp::run_perfdhcp;
use ruru_e2e::config::{persistent_memfile, stdout_loggers};
use ruru_e2e::process::wait_until;
use ruru_e2e::topology::{loopback_relay, DirectLink};
use ruru_e2e::{Netns, Ports, Server, Subject};
use ruru_proto::v4::{code, MessageType, Packet4};
use serde_json::{json, Value};

fn relayed_config(lease_file: Value, pool: &str) -> Value {
    json!({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "lease-database": lease_file,
        "valid-lifetime": 4000,
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "pools": [{"pool": pool}],
                     "relay": {"ip-addresses": ["127.0.0.2"]}}],
        "loggers": stdout_loggers("INFO")
    }})
}

/// Runs up to `n` relayed DORAs and returns how many were ACKed (perfdhcp's `-n` may stop before the
/// last exchange completes, with Kea as with Ruru, so callers check for progress, not an exact count).
fn dora(ns: &Netns, n: u32, mac_base: &str) -> u64 {
    let args = format!("-4 -l 127.0.0.2 -b mac={mac_base} -r 50 -n {n} -R {n} -p 5 127.0.0.1");
    let report = run_perfdhcp(
        ns,
        &args.split_whitespace().collect::<Vec<_>>(),
        Duration::from_secs(30),
    )
    .expect("perfdhcp runs");
    report.request_ack.as_ref().map_or(0, |r| r.received)
}

fn hup(server: &Server<'_>) {
    let pid = server.pid().expect("server runs");
    let ok = Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
}

fn in_range(a: Ipv4Addr, lo: [u8; 4], hi: [u8; 4]) -> bool {
    (u32::from(Ipv4Addr::from(lo))..=u32::from(Ipv4Addr::from(hi))).contains(&u32::from(a))
}

// V4-001, V4-002: `-t` accepts a valid file and rejects an unknown key, naming it and exiting 1.
#[test]
fn check_flag_exit_codes_and_reasons() {
    let bin = Subject::from_env()
        .and_then(Subject::dhcp4_binary)
        .expect("server binary");
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    let config = relayed_config(
        json!({"type": "memfile", "persist": false}),
        "10.0.0.10 - 10.0.0.20",
    );
    std::fs::write(&good, serde_json::to_string_pretty(&config).unwrap()).unwrap();
    let out = Command::new(&bin).arg("-t").arg(&good).output().unwrap();
    assert!(
        out.status.success(),
        "valid file rejected: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut bad = config.clone();
    bad["Dhcp4"]["subnet4"][0]["foo"] = json!(1);
    let bad_file = dir.path().join("bad.json");
    std::fs::write(&bad_file, serde_json::to_string_pretty(&bad).unwrap()).unwrap();
    let out = Command::new(&bin)
        .arg("-t")
        .arg(&bad_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("foo"), "the reason names the key: {text}");
}

// SIGHUP reloads the file: a new pool takes effect; a broken file is rejected and the running
// configuration keeps serving (issue 2: signals; CTL reload semantics).
#[test]
fn sighup_applies_good_config_and_keeps_running_on_bad() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let mut server = Server::start(
        &ns,
        relayed_config(persistent_memfile(), "10.0.0.10 - 10.0.0.20"),
    )
    .expect("server starts");
    assert!(dora(&ns, 2, "00:0c:01:00:00:00") > 0);
    let lease_file = json!({"type": "memfile", "persist": true, "name": server.lease_file()});

    let reloaded = relayed_config(lease_file.clone(), "10.9.0.10 - 10.9.0.20");
    std::fs::write(
        server.config_file(),
        serde_json::to_string_pretty(&reloaded).unwrap(),
    )
    .unwrap();
    hup(&server);
    wait_until("the new pool serves", Duration::from_secs(15), || {
        dora(&ns, 2, "00:0c:02:00:00:00") > 0
            && server
                .leases()
                .expect("lease file")
                .leased()
                .iter()
                .any(|a| in_range(*a, [10, 9, 0, 10], [10, 9, 0, 20]))
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", server.logs()));

    std::fs::write(
        server.config_file(),
        "{ \"Dhcp4\": { \"subnet4\": [ { \"bogus\": 1 } ] } }",
    )
    .unwrap();
    hup(&server);
    std::thread::sleep(Duration::from_millis(500));
    let in_new_pool = |s: &Server<'_>| {
        let leased = s.leases().expect("lease file").leased();
        leased
            .iter()
            .filter(|a| in_range(**a, [10, 9, 0, 10], [10, 9, 0, 20]))
            .count()
    };
    let before = in_new_pool(&server);
    assert!(
        dora(&ns, 3, "00:0c:03:00:00:00") > 0,
        "service continues:\n{}",
        server.logs()
    );
    assert!(
        in_new_pool(&server) > before,
        "still the reloaded pool:\n{}",
        server.logs()
    );
    server.stop().expect("clean stop");
}

// V4-017: thousands of malformed datagrams are dropped without harm; service goes on.
#[test]
fn garbage_datagrams_do_not_stop_service() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let server = Server::start(
        &ns,
        relayed_config(persistent_memfile(), "10.0.0.10 - 10.0.0.200"),
    )
    .expect("server starts");
    // Random lengths and bytes, plus truncated DHCP headers with a valid magic cookie.
    let script = r#"
import random, socket
random.seed(17)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.3", 0))
for i in range(10000):
    n = random.randrange(0, 600)
    b = bytearray(random.getrandbits(8) for _ in range(n))
    if i % 3 == 0 and n > 240:
        b[0] = 1
        b[236:240] = bytes([99, 130, 83, 99])
    s.sendto(bytes(b), ("127.0.0.1", 67))
"#;
    ns.exec(&["ip", "addr", "add", "127.0.0.3/8", "dev", "lo"])
        .expect("address");
    let out = ns
        .exec(&["python3", "-c", script])
        .expect("python3 sends garbage");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dora(&ns, 3, "00:0c:04:00:00:00") > 0, "{}", server.logs());
    assert!(server.pid().is_some());
}

// V4-085: with `lfc-interval` the server runs the cleanup program on a rotated file; the live file
// restarts small and no lease is lost, across a restart too.
#[test]
fn lease_file_cleanup_runs_on_interval_and_keeps_leases() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let mut config = relayed_config(persistent_memfile(), "10.0.0.10 - 10.0.0.200");
    config["Dhcp4"]["lease-database"]["lfc-interval"] = json!(2);
    let mut server = Server::start(&ns, config).expect("server starts");
    assert!(dora(&ns, 20, "00:0c:05:00:00:00") > 0);
    let leased = server.leases().expect("lease file").leased();
    assert!(!leased.is_empty());
    let lease_file = server.lease_file().to_path_buf();
    let cleaned = lease_file.with_extension("csv.2");
    wait_until(
        "a cleanup result next to the lease file",
        Duration::from_secs(15),
        || cleaned.exists(),
    )
    .unwrap_or_else(|e| panic!("{e}\n{}", server.logs()));
    assert_eq!(
        server.leases().expect("lease files").leased(),
        leased,
        "no lease lost by cleanup"
    );
    server.restart().expect("restart");
    assert_eq!(
        server.leases().expect("lease files").leased(),
        leased,
        "reloaded from the cleaned files"
    );
    assert!(dora(&ns, 2, "00:0c:06:00:00:00") > 0, "{}", server.logs());
}

// CTL-081: a second start with the same configuration finds the PID file of the live first one and
// exits non-zero; the file is removed on an orderly stop.
#[test]
fn second_instance_with_the_same_config_refuses_to_start() {
    let ns = ruru_e2e::topology::loopback_relay(&["127.0.0.2"]).expect("namespace");
    let mut server = Server::start(
        &ns,
        relayed_config(
            json!({"type": "memfile", "persist": false}),
            "10.0.0.10 - 10.0.0.20",
        ),
    )
    .expect("server starts");
    let pid_file = server.dir().join("dhcp4.kea-dhcp4.pid");
    if server.subject() == Subject::Ruru {
        let text = std::fs::read_to_string(&pid_file).expect("PID file written");
        assert_eq!(text.trim(), server.pid().unwrap().to_string());
    }
    let second = server.run_second_instance().expect("second instance runs");
    assert!(
        !second.status.success(),
        "second instance must exit non-zero"
    );
    let said = String::from_utf8_lossy(&second.stderr).to_string()
        + &String::from_utf8_lossy(&second.stdout);
    assert!(
        said.contains("already running") || said.contains("ALREADY_RUNNING"),
        "{said}"
    );
    assert!(server.pid().is_some());
    server.stop().expect("stops");
    if server.subject() == Subject::Ruru {
        assert!(!pid_file.exists(), "PID file removed on exit");
    }
}

// V4-007, CTL-080: with `-p 10067 -P 10068` the server listens on 10067 and sends the OFFER to a
// direct client on port 10068. The client is a UDP socket on 10068 in the client namespace; its
// DISCOVER asks for a broadcast answer, which reaches it without ARP.
#[test]
fn v4_007_ports_flags_move_server_and_client_ports() {
    let link = DirectLink::new("192.0.2.1/24").expect("namespaces");
    link.veth
        .b()
        .add_address("192.0.2.5/24")
        .expect("client address");
    let config = json!({"Dhcp4": {
        "interfaces-config": {"interfaces": [link.server_iface()]},
        "lease-database": persistent_memfile(),
        "valid-lifetime": 4000,
        "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "interface": link.server_iface(),
                     "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]}],
        "loggers": stdout_loggers("INFO")
    }});
    let ports = Ports {
        server: 10067,
        client: 10068,
    };
    let server = Server::start_on_ports(&link.server, config, ports).expect("server starts");
    let client = std::thread::scope(|s| {
        s.spawn(|| {
            link.client.enter().expect("enter the client namespace");
            UdpSocket::bind(("0.0.0.0", ports.client)).expect("bind the client port")
        })
        .join()
        .expect("binding thread")
    });
    let mut discover = Packet4 {
        op: 1,
        htype: 1,
        hlen: 6,
        xid: 0x0007_0007,
        flags: 0x8000,
        ..Default::default()
    };
    discover.chaddr[..6].copy_from_slice(&[0x02, 0, 0, 0, 0x70, 0x07]);
    discover
        .options
        .insert(code::MESSAGE_TYPE, &[u8::from(MessageType::Discover)]);
    let mut out = Vec::new();
    discover.encode(&mut out);
    client
        .send_to(&out, ("192.0.2.1", ports.server))
        .expect("send DISCOVER");
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut buf = [0u8; 1500];
    let (n, from) = client
        .recv_from(&mut buf)
        .unwrap_or_else(|e| panic!("no OFFER on port {}: {e}\n{}", ports.client, server.logs()));
    let offer = Packet4::parse(&buf[..n]).expect("OFFER parses");
    assert_eq!(offer.message_type(), Some(MessageType::Offer));
    assert_eq!(offer.xid, discover.xid);
    assert!(in_range(offer.yiaddr, [192, 0, 2, 10], [192, 0, 2, 20]));
    assert_eq!(from.port(), ports.server, "sent from the server port");
}

/// `subnet[1].assigned-addresses` over the UNIX control socket at `socket`.
fn assigned(socket: &std::path::Path) -> i64 {
    let r = ruru_e2e::control::unix(
        socket,
        &json!({"command": "statistic-get", "arguments": {"name": "subnet[1].assigned-addresses"}}),
    )
    .expect("statistic-get");
    r["arguments"]["subnet[1].assigned-addresses"][0][0]
        .as_i64()
        .unwrap_or_else(|| panic!("{r}"))
}

fn append(path: &std::path::Path, rows: &[String]) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    for row in rows {
        writeln!(f, "{row}").unwrap();
    }
}

const HEADER4: &str =
    "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id";

// CTL-083, CTL-084: `{"type": "memfile"}` alone persists leases (persist defaults to true); the
// missing file is created with its header row at startup; invalid rows are logged and skipped
// while no more than `max-row-errors` of them are found, and one more makes the server exit with an
// error; a row with `valid_lifetime` 0 deletes the address's lease, which stays gone after a
// restart.
#[test]
fn ctl083_ctl084_memfile_defaults_row_errors_and_deletions() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("dhcp4.sock");
    let mut config = relayed_config(
        json!({"type": "memfile", "max-row-errors": 2}),
        "10.0.0.10 - 10.0.0.200",
    );
    config["Dhcp4"]["control-socket"] = json!({"socket-type": "unix", "socket-name": socket});
    let mut server = Server::start(&ns, config).expect("server starts");
    let file = server.lease_file().to_path_buf();
    let text = std::fs::read_to_string(&file).expect("lease file created at startup");
    let header = text.lines().next().expect("a header row");
    if server.subject() == Subject::Ruru {
        assert_eq!(header, HEADER4);
    } else {
        assert!(HEADER4.starts_with(header), "{header}");
    }

    assert!(dora(&ns, 10, "00:0c:08:00:00:00") > 0);
    let leased = server.leases().expect("lease file").leased();
    assert!(leased.len() >= 2, "persisted without `persist`: {leased:?}");
    assert_eq!(assigned(&socket), leased.len() as i64);
    server.stop().expect("stops");

    // Two invalid rows, within the limit: logged, skipped, the rest loads.
    append(
        &file,
        &[
            "10.0.0.300,00:0c:08:ff:ff:01,,4000,1999999999,1,0,0,,0,,0".into(),
            "10.0.0.201,00:0c:08:ff:ff:02,,abc,1999999999,1,0,0,,0,,0".into(),
        ],
    );
    // The last row of an address wins: a deletion row (lifetime 0, expire = cltt) for one lease.
    let gone = *leased.iter().next().unwrap();
    let row = text_rows(&file)
        .into_iter()
        .rev()
        .find(|r| r.starts_with(&format!("{gone},")))
        .expect("a row for the lease");
    let mut cols: Vec<String> = row.split(',').map(str::to_owned).collect();
    let (valid, expire): (u64, u64) = (cols[3].parse().unwrap(), cols[4].parse().unwrap());
    cols[3] = "0".into();
    cols[4] = (expire - valid).to_string();
    append(&file, &[cols.join(",")]);
    server.restart().expect("two bad rows are tolerated");
    assert_eq!(
        assigned(&socket),
        leased.len() as i64 - 1,
        "{}",
        server.logs()
    );
    if server.subject() == Subject::Ruru {
        let logs = server.logs();
        assert_eq!(
            logs.matches("DHCPSRV_MEMFILE_LEASE_LOAD_ROW_ERROR").count(),
            2,
            "{logs}"
        );
    }
    server.stop().expect("stops");
    server.restart().expect("restarts");
    assert_eq!(assigned(&socket), leased.len() as i64 - 1, "still deleted");
    server.stop().expect("stops");

    // A third invalid row passes `max-row-errors` 2: the server exits with an error.
    append(
        &file,
        &["10.0.0.202,00:0c:08:ff:ff:03,,4000,1999999999,x,0,0,,0,,0".into()],
    );
    match server.restart() {
        Err(ruru_e2e::HarnessError::ServerExited { status, logs, .. }) => {
            assert!(!status.contains("exit status: 0"), "{status}");
            if server.subject() == Subject::Ruru {
                assert!(logs.contains("more than max-row-errors (2)"), "{logs}");
            }
        }
        other => panic!("expected an exit, got {other:?}\n{}", server.logs()),
    }
}

fn text_rows(file: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

// CTL-083: a `name` that is not absolute is taken from the working directory, and the file is
// created there with its header row.
#[test]
fn ctl083_relative_lease_file_name_is_from_the_working_directory() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let bin = Subject::from_env()
        .and_then(Subject::dhcp4_binary)
        .expect("server binary");
    let work = tempfile::tempdir().unwrap();
    let config = relayed_config(
        json!({"type": "memfile", "name": "rel-leases4.csv", "lfc-interval": 0}),
        "10.0.0.10 - 10.0.0.20",
    );
    let config_file = work.path().join("dhcp4.json");
    std::fs::write(&config_file, config.to_string()).unwrap();
    let mut child = ns
        .command(&bin)
        .current_dir(work.path())
        .arg("-c")
        .arg(&config_file)
        .env("KEA_PIDFILE_DIR", work.path())
        .env("KEA_LOCKFILE_DIR", work.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("server runs");
    let lease_file = work.path().join("rel-leases4.csv");
    let found = wait_until("the relative lease file", Duration::from_secs(15), || {
        std::fs::read_to_string(&lease_file).is_ok_and(|t| t.starts_with("address,hwaddr,"))
    });
    let _ = child.kill();
    let _ = child.wait();
    found.expect("lease file in the working directory, with its header");
}

/// The UDP sockets bound in `ns` (`ss -uln` local addresses).
fn udp_listeners(ns: &Netns) -> String {
    let out = ns.exec(&["ss", "-ulnH"]).expect("ss runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Writes `config` to the server's file, sends SIGHUP and waits until the reconfiguration it starts
/// has ended; whether it was applied (`*_CONFIG_COMPLETE`) or refused
/// (`*_DYNAMIC_RECONFIGURATION_FAIL`), as Kea and Ruru log it.
fn reload_with(server: &Server<'_>, config: &Value) -> bool {
    let daemon = if config.get("Dhcp6").is_some() {
        "DHCP6"
    } else {
        "DHCP4"
    };
    let (done, fail) = (
        format!("{daemon}_CONFIG_COMPLETE"),
        format!("{daemon}_DYNAMIC_RECONFIGURATION_FAIL"),
    );
    let count = |id: &str| server.logs().matches(id).count();
    let (applied, failed) = (count(&done), count(&fail));
    std::fs::write(server.config_file(), config.to_string()).expect("config written");
    hup(server);
    wait_until("reconfiguration", Duration::from_secs(15), || {
        count(&done) > applied || count(&fail) > failed
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", server.logs()));
    count(&done) > applied
}

/// Runs `argv` in `ns`, which must succeed.
fn ns_run(ns: &Netns, argv: &[&str]) {
    let out = ns.exec(argv).expect("command runs");
    assert!(out.status.success(), "{argv:?}: {out:?}");
}

/// V4-012, V6-014: `start` (a config whose `interfaces-config` is completed with `re-detect`) serves;
/// then interface `rd0` appears (a veth pair: this kernel may lack the dummy link type) and the file
/// is reloaded naming it as `with_rd0` says. With `re-detect` on (the default) the reconfiguration
/// lists the interfaces again and `rd0` gets a socket; with it off the start's list stays, and
/// naming the new interface is refused like any unknown one, the running configuration staying.
fn re_detect_decides_whether_new_interfaces_are_seen(
    ns: &Netns,
    mut config: Value,
    rd0_address: &str,
    with_rd0: Value,
    re_detect: bool,
) {
    let key = if config.get("Dhcp6").is_some() {
        "Dhcp6"
    } else {
        "Dhcp4"
    };
    config[key]["interfaces-config"]["re-detect"] = json!(re_detect);
    let server = Server::start(ns, config.clone()).expect("server starts");
    let before = udp_listeners(ns);
    ns_run(
        ns,
        &[
            "ip", "link", "add", "rd0", "type", "veth", "peer", "name", "rd0p",
        ],
    );
    ns_run(ns, &["ip", "addr", "add", rd0_address, "dev", "rd0"]);
    ns_run(ns, &["ip", "link", "set", "rd0p", "up"]);
    ns_run(ns, &["ip", "link", "set", "rd0", "up"]);
    config[key]["interfaces-config"]["interfaces"] = with_rd0;
    let applied = reload_with(&server, &config);
    let bound = udp_listeners(ns);
    assert_eq!(
        applied,
        re_detect,
        "re-detect {re_detect}\n{}",
        server.logs()
    );
    // Ruru binds to the device, Kea's DHCPv4 UDP sockets to the address only.
    let ip = rd0_address.split('/').next().unwrap_or_default();
    assert_eq!(
        bound.contains("%rd0:") || bound.contains(&format!("{ip}:")),
        re_detect,
        "re-detect {re_detect}, sockets:\n{bound}\n{}",
        server.logs()
    );
    // CTL-077: a refused reload leaves the running sockets (Kea 2.2 closes them instead).
    if !re_detect && server.subject() == Subject::Ruru {
        assert_eq!(bound, before);
    }
}

#[test]
fn v4_012_re_detect_decides_whether_new_interfaces_are_seen() {
    for re_detect in [true, false] {
        let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
        let config = relayed_config(
            json!({"type": "memfile", "persist": false}),
            "10.0.0.10-10.0.0.20",
        );
        let with_rd0 = json!(["lo/127.0.0.1", "rd0"]);
        re_detect_decides_whether_new_interfaces_are_seen(
            &ns,
            config,
            "10.99.0.1/24",
            with_rd0,
            re_detect,
        );
    }
}

#[test]
fn v6_014_re_detect_decides_whether_new_interfaces_are_seen() {
    for re_detect in [true, false] {
        let ns = Netns::new().expect("namespace");
        ns.disable_dad().expect("DAD off");
        let config = json!({"Dhcp6": {
            "interfaces-config": {"interfaces": ["lo/::1"]},
            "lease-database": {"type": "memfile", "persist": false},
            "subnet6": [{"id": 1, "subnet": "2001:db8:9::/64",
                         "pools": [{"pool": "2001:db8:9::100-2001:db8:9::1ff"}]}],
            "loggers": stdout_loggers("INFO")
        }});
        let with_rd0 = json!(["lo/::1", "rd0"]);
        re_detect_decides_whether_new_interfaces_are_seen(
            &ns,
            config,
            "2001:db8:9::1/64",
            with_rd0,
            re_detect,
        );
    }
}

// V4-009, V6-010: an interface the system lacks refuses the configuration at start (exit 1), as
// Kea does; `-t` does not look at the system's interfaces.
#[test]
fn unknown_interface_refuses_the_configuration() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let mut config = relayed_config(
        json!({"type": "memfile", "persist": false}),
        "10.0.0.10-10.0.0.20",
    );
    config["Dhcp4"]["interfaces-config"]["interfaces"] = json!(["lo/127.0.0.1", "nosuch0"]);
    let err = match Server::start(&ns, config) {
        Ok(s) => panic!("started with an unknown interface:\n{}", s.logs()),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("nosuch0"), "{err}");
    assert!(err.contains("exit status: 1"), "{err}");
}

// V4-176: with multi-threading off and `dhcp-queue-control` on, a server that fell behind handles
// only the newest `capacity` queries: 100 DISCOVERs that arrive while it is stopped (SIGSTOP) get 10
// OFFERs, for the last 10 clients. With multi-threading on the queue is ignored (Ruru answers all
// 100).
#[test]
fn v4_176_receive_queue_keeps_the_newest_queries() {
    for mt in [false, true] {
        let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
        let mut config = relayed_config(
            json!({"type": "memfile", "persist": false}),
            "10.0.0.10-10.0.0.250",
        );
        config["Dhcp4"]["multi-threading"] = json!({"enable-multi-threading": mt});
        config["Dhcp4"]["dhcp-queue-control"] =
            json!({"enable-queue": true, "queue-type": "kea-ring4", "capacity": 10});
        let server = Server::start(&ns, config).expect("server starts");
        let relay = std::thread::scope(|s| {
            s.spawn(|| {
                ns.enter().expect("enter the namespace");
                UdpSocket::bind(("127.0.0.2", 67)).expect("bind the relay port")
            })
            .join()
            .expect("binding thread")
        });
        let pid = server.pid().expect("server runs").to_string();
        let signal = |sig: &str| {
            let ok = Command::new("kill")
                .args([sig, &pid])
                .status()
                .expect("kill");
            assert!(ok.success());
        };
        signal("-STOP");
        for i in 0..100u8 {
            let mut discover = Packet4 {
                op: 1,
                htype: 1,
                hlen: 6,
                hops: 1,
                xid: 0x0176_0000 | u32::from(i),
                giaddr: Ipv4Addr::new(127, 0, 0, 2),
                ..Default::default()
            };
            discover.chaddr[..6].copy_from_slice(&[0x02, 0, 0, 0x01, 0x76, i]);
            discover
                .options
                .insert(code::MESSAGE_TYPE, &[u8::from(MessageType::Discover)]);
            let mut out = Vec::new();
            discover.encode(&mut out);
            relay
                .send_to(&out, ("127.0.0.1", 67))
                .expect("send DISCOVER");
        }
        signal("-CONT");
        relay
            .set_read_timeout(Some(Duration::from_secs(2)))
            .expect("timeout");
        let mut answered = Vec::new();
        let mut buf = [0u8; 1500];
        while let Ok(n) = relay.recv(&mut buf) {
            let offer = Packet4::parse(&buf[..n]).expect("OFFER parses");
            assert_eq!(offer.message_type(), Some(MessageType::Offer));
            answered.push(offer.chaddr[5]);
        }
        answered.sort_unstable();
        let newest: Vec<u8> = (90..100).collect();
        if !mt {
            assert_eq!(answered, newest, "{}", server.logs());
        } else if server.subject() == Subject::Ruru {
            assert_eq!(answered, (0..100).collect::<Vec<u8>>(), "{}", server.logs());
        } else {
            // Kea's own multi-threading queue (`packet-queue-size` 64) drops some of a burst.
            assert!(
                answered.len() > 10 && answered.ends_with(&newest),
                "{answered:?}"
            );
        }
    }
}
