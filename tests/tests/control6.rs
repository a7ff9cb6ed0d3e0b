//! The management API of a running `ruru-dhcp6` over its UNIX control socket (issues 4 and 6; spec
//! control.md, dhcp6.md §statistics): the same command layer as `ruru-dhcp4`, answering with the
//! DHCPv6 texts, configuration and statistics; real perfdhcp -6 traffic over a veth pair. They follow
//! Kea 2.7 (`config-hash-get`, 128-bit totals), which Debian's Kea 2.2 predates.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ruru_e2e::clients::{LeaseRequest6, Perf6};
use ruru_e2e::config::{persistent_memfile, stdout_loggers_for};
use ruru_e2e::control;
use ruru_e2e::process::wait_until;
use ruru_e2e::topology::{DirectLink, SERVER6_CIDR};
use ruru_e2e::{Family, Server};
use serde_json::{json, Value};

/// A `ruru-dhcp6` on the server end of a veth pair with a UNIX control socket.
struct Controlled6<'l> {
    server: Server<'l>,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

/// One subnet on `iface` whose pool is a whole /64 (2^64 addresses) and a pd-pool of 256 /64s.
fn config(iface: &str, socket: &Path) -> Value {
    json!({"Dhcp6": {
        "interfaces-config": {"interfaces": [iface]},
        "lease-database": persistent_memfile(),
        "control-socket": {"socket-type": "unix", "socket-name": socket},
        "preferred-lifetime": 3000, "valid-lifetime": 4000,
        "subnet6": [{
            "id": 1, "subnet": "2001:db8:1::/64", "interface": iface,
            "pools": [{"pool": "2001:db8:1::/64"}],
            "pd-pools": [{"prefix": "2001:db8:8800::", "prefix-len": 56, "delegated-len": 64}]
        }],
        "loggers": stdout_loggers_for(Family::V6, "INFO")
    }})
}

fn start(link: &DirectLink) -> Controlled6<'_> {
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("dhcp6.sock");
    let server =
        Server::start6(&link.server, config(link.server_iface(), &socket)).expect("server starts");
    wait_until("control socket", Duration::from_secs(10), || {
        socket.exists()
    })
    .expect("control socket appears");
    Controlled6 {
        server,
        socket,
        _dir: dir,
    }
}

impl Controlled6<'_> {
    fn run(&self, name: &str, arguments: Option<Value>) -> Value {
        let mut c = json!({ "command": name });
        if let Some(a) = arguments {
            c["arguments"] = a;
        }
        control::unix(&self.socket, &c)
            .unwrap_or_else(|e| panic!("{c}: {e}\n{}", self.server.logs()))
    }

    fn ok(&self, name: &str, arguments: Option<Value>) -> Value {
        let r = self.run(name, arguments);
        assert_eq!(r["result"], 0, "{name}: {r}");
        r["arguments"].clone()
    }

    /// The newest sample of `name`, as JSON text (exact for 128-bit values).
    fn stat_text(&self, name: &str) -> String {
        let got = self.ok("statistic-get", Some(json!({ "name": name })));
        got[name][0][0].to_string()
    }
}

/// REQUEST-REPLY exchanges answered by a short perfdhcp -6 run (0 when nothing is answered).
fn replies(link: &DirectLink, mac: &str) -> u64 {
    Perf6::new(link.client_iface())
        .rate(50, 2)
        .clients(10_000)
        .mac_base(mac)
        .lease(LeaseRequest6::AddressAndPrefix)
        .run(&link.client)
        .ok()
        .and_then(|r| r.request_reply().map(|s| s.received))
        .unwrap_or(0)
}

// CTL-001, CTL-038..CTL-041, CTL-044..CTL-047, CTL-050, CTL-051, V6-099: the built-in commands of the
// DHCPv6 server, its configuration through config-get/-set/-test, leases-reclaim, and service control
// by dhcp-disable.
#[test]
fn v6_general_config_and_service_commands() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let c = start(&link);
    let listed = c.ok("list-commands", None);
    for name in [
        "build-report",
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
        "statistic-reset",
        "status-get",
        "version-get",
    ] {
        assert!(
            listed.as_array().unwrap().contains(&json!(name)),
            "{name} missing: {listed}"
        );
    }
    let status = c.ok("status-get", None);
    assert!(status["pid"].as_u64().is_some_and(|p| p > 0), "{status}");

    let got = c.ok("config-get", None);
    let hash = got["hash"].as_str().expect("hash").to_owned();
    let mut dhcp6 = got.clone();
    dhcp6.as_object_mut().unwrap().remove("hash");
    assert_eq!(dhcp6["Dhcp6"]["valid-lifetime"], 4000);
    assert_eq!(c.ok("config-hash-get", None)["hash"], hash.as_str());

    // A bad configuration is refused and changes nothing (CTL-045).
    let mut bad = dhcp6.clone();
    bad["Dhcp6"]["subnet6"][0]["pools"] = json!([{"pool": "2001:db9::/64"}]);
    assert_eq!(c.run("config-test", Some(bad.clone()))["result"], 1);
    assert_eq!(c.run("config-set", Some(bad))["result"], 1);
    assert_eq!(c.ok("config-hash-get", None)["hash"], hash.as_str());

    // A good one is put in force and read back.
    let mut good = dhcp6.clone();
    good["Dhcp6"]["valid-lifetime"] = json!(5000);
    assert_eq!(c.run("config-test", Some(good.clone()))["result"], 0);
    c.ok("config-set", Some(good));
    assert_eq!(c.ok("config-get", None)["Dhcp6"]["valid-lifetime"], 5000);
    assert_ne!(c.ok("config-hash-get", None)["hash"], hash.as_str());

    // V6-099: leases-reclaim takes a mandatory boolean `remove`.
    assert_eq!(c.run("leases-reclaim", None)["result"], 1);
    assert_eq!(
        c.run("leases-reclaim", Some(json!({"remove": "yes"})))["result"],
        1
    );
    assert_eq!(
        c.run("leases-reclaim", Some(json!({"remove": false})))["text"],
        "Reclamation of expired leases is complete."
    );

    // V6-023: a disabled server answers nothing; enabled again, it serves.
    assert_eq!(
        c.run("dhcp-disable", None)["text"],
        "DHCPv6 service disabled"
    );
    assert_eq!(replies(&link, "00:0c:06:10:00:01"), 0);
    c.ok("dhcp-enable", None);
    assert!(
        replies(&link, "00:0c:06:10:00:02") > 0,
        "{}",
        c.server.logs()
    );
}

// V6-066, V6-180..V6-190, CTL-009, CTL-058, CTL-066: the DHCPv6 statistics after real traffic, the
// capacity of a /64 pool printed exactly, and statistic-reset.
#[test]
fn v6_statistics_after_traffic() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let c = start(&link);
    assert_eq!(c.stat_text("subnet[1].total-nas"), "18446744073709551616");
    assert_eq!(
        c.stat_text("subnet[1].pool[0].total-nas"),
        "18446744073709551616"
    );
    assert_eq!(c.stat_text("subnet[1].total-pds"), "256");
    let answered = replies(&link, "00:0c:06:11:00:01");
    assert!(answered > 0, "{}", c.server.logs());
    let num = |name: &str| -> u64 {
        c.stat_text(name)
            .parse()
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    assert!(num("pkt6-received") >= 2 * answered);
    assert!(num("pkt6-solicit-received") >= answered);
    assert!(num("pkt6-request-received") >= answered);
    assert!(num("pkt6-advertise-sent") >= answered);
    assert!(num("pkt6-reply-sent") >= answered);
    assert!(num("subnet[1].assigned-nas") >= answered);
    assert!(num("subnet[1].assigned-pds") >= answered);
    assert!(num("cumulative-assigned-nas") >= answered);
    let all = c.ok("statistic-get-all", None);
    for name in [
        "pkt6-parse-failed",
        "pkt6-receive-drop",
        "v6-allocation-fail",
        "v6-ia-na-lease-reuses",
        "subnet[1].declined-addresses",
        "subnet[1].reclaimed-leases",
    ] {
        assert!(all.get(name).is_some(), "{name} missing");
    }
    c.ok("statistic-reset", Some(json!({"name": "pkt6-received"})));
    assert_eq!(num("pkt6-received"), 0);
}

// V6-016: a subnet or shared network naming an interface the machine lacks is a configuration
// error: config-test and config-set answer 1 and change nothing, and `-t` of such a file fails for
// ruru-dhcp6 as for kea-dhcp6.
#[test]
fn v6_016_interface_must_be_present() {
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let c = start(&link);
    let mut current = c.ok("config-get", None);
    let hash = current.as_object_mut().unwrap().remove("hash").unwrap();
    let mut in_subnet = current.clone();
    in_subnet["Dhcp6"]["subnet6"][0]["interface"] = json!("nosuch0");
    let mut in_network = current.clone();
    let mut member = in_network["Dhcp6"]["subnet6"][0].take();
    member.as_object_mut().unwrap().remove("interface");
    in_network["Dhcp6"]["subnet6"] = json!([]);
    in_network["Dhcp6"]["shared-networks"] =
        json!([{"name": "n", "interface": "nosuch0", "subnet6": [member]}]);
    for bad in [&in_subnet, &in_network] {
        let r = c.run("config-test", Some(bad.clone()));
        assert_eq!(r["result"], 1, "{r}");
        assert!(
            r["text"]
                .as_str()
                .is_some_and(|t| t.contains("nosuch0") && t.contains("not present in the system")),
            "{r}"
        );
        assert_eq!(c.run("config-set", Some(bad.clone()))["result"], 1);
    }
    assert_eq!(c.ok("config-hash-get", None)["hash"], hash);
    assert_eq!(c.run("config-test", Some(current))["result"], 0);

    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("nosuch.json");
    let config = json!({"Dhcp6": {
        "lease-database": {"type": "memfile", "persist": false},
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "nosuch0"}]
    }});
    std::fs::write(&file, config.to_string()).expect("config file");
    let ruru = ruru_e2e::subject::ruru_binary(Family::V6).expect("ruru-dhcp6 is built");
    for bin in [ruru, "kea-dhcp6".into()] {
        let out = std::process::Command::new(&bin)
            .arg("-t")
            .arg(&file)
            .output()
            .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
        assert_eq!(out.status.code(), Some(1), "{}: {out:?}", bin.display());
    }
}
