//! SQL lease backends end to end (CTL-094, CTL-097): the real server, in a namespace, keeps its
//! leases in the machine's PostgreSQL or MariaDB through a relay the test can cut
//! (`ruru_e2e::db_proxy`), on a schema Kea's own `kea-admin db-init` created; perfdhcp is the client.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use ruru_config::SqlKind;
use ruru_e2e::clients::perfdhcp::run_perfdhcp;
use ruru_e2e::config::stdout_loggers;
use ruru_e2e::control;
use ruru_e2e::db_proxy::DbProxy;
use ruru_e2e::process::wait_until;
use ruru_e2e::topology::loopback_relay;
use ruru_e2e::{Capture, Netns, Server};
use serde_json::{json, Value};

#[path = "../../core/lease-sql/tests/support/mod.rs"]
mod db;

mod common;
use common::stat;

/// One value from the scratch database (psql / mariadb in the host namespace).
fn query(db: &db::Scratch, sql: &str) -> String {
    let out = match db.kind {
        SqlKind::Postgresql => Command::new("psql")
            .args(["-h", "127.0.0.1", "-U", "root", "-tAc", sql, "-d", &db.name])
            .output(),
        SqlKind::Mysql => Command::new("mariadb")
            .args(["-h", "127.0.0.1", "-u", "root", "-N", "-e", sql, &db.name])
            .output(),
    }
    .expect("database client runs");
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A relayed-loopback `ruru-dhcp4` whose lease database is `db`, reached through `proxy`, with
/// the `lease-database` keys `extra` adds; its UNIX control socket.
fn start<'ns>(
    ns: &'ns Netns,
    dir: &Path,
    db: &db::Scratch,
    proxy: &DbProxy,
    extra: Value,
    pool: &str,
) -> ruru_e2e::Result<(Server<'ns>, PathBuf)> {
    let socket = dir.join("dhcp4.sock");
    let mut lease_db = json!({"type": db::type_name(db.kind), "name": db.name, "host": "127.0.0.1",
                              "port": proxy.port(), "user": "root", "connect-timeout": 2});
    for (k, v) in extra.as_object().into_iter().flatten() {
        lease_db[k] = v.clone();
    }
    let config = json!({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "lease-database": lease_db,
        "valid-lifetime": 4000,
        "control-socket": {"socket-type": "unix", "socket-name": socket},
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "pools": [{"pool": pool}],
                     "relay": {"ip-addresses": ["127.0.0.2"]}}],
        "hooks-libraries": [{"library": common::plugin("libdhcp_lease_cmds.so")}],
        "loggers": stdout_loggers("INFO")
    }});
    let server = Server::start(ns, config)?;
    wait_until("the control socket", Duration::from_secs(10), || {
        socket.exists()
    })?;
    Ok((server, socket))
}

/// perfdhcp from relay 127.0.0.2 with `clients` MACs from `mac_base` for `secs` seconds; the ACKs.
/// perfdhcp exits with 3 and no report when nothing answered: that is 0.
fn dora(ns: &Netns, mac_base: &str, clients: u32, secs: u32) -> u64 {
    let args = format!("-4 -l 127.0.0.2 -b mac={mac_base} -R {clients} -r 50 -p {secs} 127.0.0.1");
    match run_perfdhcp(
        ns,
        &args.split_whitespace().collect::<Vec<_>>(),
        Duration::from_secs(u64::from(secs) + 30),
    ) {
        Ok(report) => report.request_ack.map_or(0, |r| r.received),
        Err(e) if e.to_string().contains("exit status: 3") => 0,
        Err(e) => panic!("perfdhcp: {e}"),
    }
}

fn db_disabled(socket: &Path) -> bool {
    let r = control::unix(socket, &json!({"command": "status-get"})).expect("status-get");
    r["arguments"]["dhcp-state"]["disabled-by-db-connection"] == json!(true)
}

/// Where one DHCPv4 server runs: a scratch database with Kea's schema, a relayed-loopback
/// namespace, the relay to the database inside it and a scratch directory.
struct Site {
    db: db::Scratch,
    ns: Netns,
    proxy: DbProxy,
    dir: tempfile::TempDir,
}

const POOL: &str = "10.0.0.10 - 10.0.0.250";

impl Site {
    fn new(kind: SqlKind, tag: &str) -> Site {
        let db = db::kea_initialised(kind, tag);
        let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
        let proxy = DbProxy::start(&ns, db::server_addr(kind)).expect("relay");
        Site {
            db,
            ns,
            proxy,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The server on this site's database with the `lease-database` keys `extra` adds.
    fn start(&self, extra: Value) -> ruru_e2e::Result<(Server<'_>, PathBuf)> {
        start(
            &self.ns,
            self.dir.path(),
            &self.db,
            &self.proxy,
            extra,
            POOL,
        )
    }

    fn dora(&self, mac_base: &str, clients: u32, secs: u32) -> u64 {
        dora(&self.ns, mac_base, clients, secs)
    }
}

// CTL-094: Ruru serves from a Kea-created PostgreSQL and MySQL schema: every acknowledged lease is
// a row Kea's tables and triggers see (lease4 and Kea's lease4_stat agree with the server's
// statistics).
#[test]
fn ctl094_dhcp4_leases_live_in_postgresql_and_mysql() {
    for kind in db::KINDS {
        let site = Site::new(kind, "e2e4");
        let scratch = &site.db;
        let (server, socket) = site
            .start(json!({}))
            .unwrap_or_else(|e| panic!("{kind:?}: server starts: {e}"));
        let acks = site.dora("00:0c:01:00:00:00", 30, 3);
        assert!(acks > 0, "{kind:?}: {}", server.logs());
        let rows: u64 = query(scratch, "SELECT count(*) FROM lease4 WHERE state = 0")
            .parse()
            .unwrap();
        assert!(
            (1..=30).contains(&rows),
            "{kind:?}: {rows} rows for {acks} ACKs"
        );
        assert_eq!(
            stat(&socket, "subnet[1].assigned-addresses"),
            rows as i64,
            "{kind:?}"
        );
        let kea_stat: u64 = query(
            scratch,
            "SELECT COALESCE(SUM(leases), 0) FROM lease4_stat WHERE subnet_id = 1 AND state = 0",
        )
        .parse()
        .unwrap();
        assert_eq!(kea_stat, rows, "{kind:?}: Kea's trigger-kept lease4_stat");
    }
}

// LC-141, LC-123, CTL-096: lease commands on a SQL backend: added leases are rows; lease4-wipe and
// lease4-write are memfile-only (result 1, nothing removed, no file written); an expiration past
// 2038 is refused with result 1 and nothing stored; lease4-del removes the row.
#[test]
fn lc141_lc123_ctl096_lease_commands_on_sql() {
    for kind in db::KINDS {
        let site = Site::new(kind, "cmds");
        let scratch = &site.db;
        let (server, socket) = site
            .start(json!({}))
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        let cmd = |c: &str, a: Value| {
            control::unix(&socket, &json!({"command": c, "arguments": a})).expect(c)
        };
        let r = cmd(
            "lease4-add",
            json!({"ip-address": "10.0.0.42", "hw-address": "1a:1b:1c:1d:1e:1f",
                                          "hostname": "sql.example.org"}),
        );
        assert_eq!(r["result"], 0, "{kind:?}: {r}");
        assert_eq!(
            query(
                scratch,
                "SELECT hostname FROM lease4 WHERE address = 167772202"
            ),
            "sql.example.org"
        );
        let r = cmd("lease4-get", json!({"ip-address": "10.0.0.42"}));
        assert_eq!(
            r["arguments"]["hw-address"], "1a:1b:1c:1d:1e:1f",
            "{kind:?}: {r}"
        );

        let r = cmd("lease4-wipe", json!({"subnet-id": 1}));
        assert_eq!(r["result"], 1, "{kind:?}: {r}");
        assert!(
            r["text"].as_str().unwrap_or("").contains("not supported"),
            "{kind:?}: {r}"
        );
        assert_eq!(
            query(scratch, "SELECT count(*) FROM lease4"),
            "1",
            "{kind:?}: nothing wiped"
        );

        let r = cmd("lease4-write", json!({"filename": "sql-dump.csv"}));
        assert_eq!(r["result"], 1, "{kind:?}: {r}");
        assert!(
            r["text"].as_str().unwrap_or("").contains("not supported"),
            "{kind:?}: {r}"
        );

        let r = cmd(
            "lease4-add",
            json!({"ip-address": "10.0.0.43", "hw-address": "1a:1b:1c:1d:1e:20",
                                          "expire": 2_200_000_000u64, "valid-lft": 3600}),
        );
        assert_eq!(r["result"], 1, "{kind:?}: {r}");
        assert_eq!(
            query(scratch, "SELECT count(*) FROM lease4"),
            "1",
            "{kind:?}: {}",
            server.logs()
        );

        // LC-103, LC-116: lease4-del deletes the row it read (its address and expire), then
        // finds nothing.
        let r = cmd("lease4-del", json!({"ip-address": "10.0.0.42"}));
        assert_eq!(r["result"], 0, "{kind:?}: {r}");
        assert_eq!(query(scratch, "SELECT count(*) FROM lease4"), "0");
        let r = cmd("lease4-del", json!({"ip-address": "10.0.0.42"}));
        assert_eq!(r["result"], 3, "{kind:?}: {r}");
    }
}

// Roadmap (SQL backends): two servers sharing one database never hand one address to two clients.
// Both serve the same 20-address pool to 15 clients each; every address seen acknowledged (on
// either server's link) went to one client only, and each server's losses of an insert race
// (add4 = false) just moved it to another address.
#[test]
fn two_servers_sharing_a_database_never_double_allocate() {
    let scratch = db::kea_initialised(SqlKind::Postgresql, "shared");
    let dir = tempfile::tempdir().unwrap();
    let (ns_a, ns_b) = (
        loopback_relay(&["127.0.0.2"]).expect("namespace"),
        loopback_relay(&["127.0.0.2"]).expect("namespace"),
    );
    let (proxy_a, proxy_b) = (
        DbProxy::start(&ns_a, db::server_addr(SqlKind::Postgresql)).expect("relay"),
        DbProxy::start(&ns_b, db::server_addr(SqlKind::Postgresql)).expect("relay"),
    );
    let (dir_a, dir_b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&dir_a).unwrap();
    std::fs::create_dir_all(&dir_b).unwrap();
    let pool = "10.0.0.10 - 10.0.0.29";
    let (_a, _) = start(&ns_a, &dir_a, &scratch, &proxy_a, json!({}), pool).expect("server a");
    let (_b, _) = start(&ns_b, &dir_b, &scratch, &proxy_b, json!({}), pool).expect("server b");
    let (cap_a, cap_b) = (
        Capture::start(&ns_a, "lo").expect("capture a"),
        Capture::start(&ns_b, "lo").expect("capture b"),
    );
    std::thread::scope(|s| {
        s.spawn(|| dora(&ns_a, "00:0a:00:00:00:00", 15, 4));
        s.spawn(|| dora(&ns_b, "00:0b:00:00:00:00", 15, 4));
    });
    let mut owner = std::collections::BTreeMap::new();
    for cap in [
        cap_a.stop().expect("capture"),
        cap_b.stop().expect("capture"),
    ] {
        for p in cap.packets.iter().filter(|p| p.message_type == Some(5)) {
            let prev = owner.entry(p.yiaddr).or_insert(p.chaddr);
            assert_eq!(*prev, p.chaddr, "{} acknowledged to two clients", p.yiaddr);
        }
    }
    assert!(
        owner.len() > 10,
        "only {} addresses acknowledged",
        owner.len()
    );
    let rows: usize = query(&scratch, "SELECT count(*) FROM lease4")
        .parse()
        .unwrap();
    assert!(
        rows <= 20 && rows >= owner.len(),
        "{rows} rows, {} acknowledged",
        owner.len()
    );
}

// CTL-097: stop-retry-exit holds DHCP service off while it retries (status-get says
// disabled-by-db-connection) and resumes when the database is back.
#[test]
fn ctl097_stop_retry_exit_disables_service_until_the_database_returns() {
    let site = Site::new(SqlKind::Postgresql, "onfail1");
    let extra = json!({"max-reconnect-tries": 100, "reconnect-wait-time": 200});
    let (server, socket) = site.start(extra).expect("starts");
    assert!(
        site.dora("00:0c:02:00:00:00", 5, 1) > 0,
        "{}",
        server.logs()
    );
    assert!(!db_disabled(&socket));
    site.proxy.cut();
    // The loss is noticed by the next query that needs the database.
    site.dora("00:0c:03:00:00:00", 5, 1);
    let waited = |what, want: bool| {
        wait_until(what, Duration::from_secs(10), || {
            db_disabled(&socket) == want
        })
        .unwrap_or_else(|e| panic!("{e}: {}", server.logs()))
    };
    waited("disabled-by-db-connection", true);
    let acks = site.dora("00:0c:04:00:00:00", 5, 1);
    assert_eq!(acks, 0, "no service while the database is away");
    site.proxy.restore();
    waited("service back", false);
    assert!(
        site.dora("00:0c:05:00:00:00", 5, 1) > 0,
        "{}",
        server.logs()
    );
    assert!(
        server.logs().contains("DHCP4_DB_RECONNECT_SUCCEEDED"),
        "{}",
        server.logs()
    );
}

// CTL-097: with max-reconnect-tries 0 (the default) a lost database ends the server (exit 1).
#[test]
fn ctl097_no_retries_exits() {
    let site = Site::new(SqlKind::Postgresql, "onfail2");
    let (mut server, _) = site.start(json!({})).expect("starts");
    site.proxy.cut();
    site.dora("00:0c:06:00:00:00", 5, 1);
    let status = server
        .wait_exit(Duration::from_secs(10))
        .expect("the server exits");
    assert_eq!(status.code(), Some(1), "{}", server.logs());
    assert!(
        server.logs().contains("DHCP4_DB_RECONNECT_DISABLED"),
        "{}",
        server.logs()
    );
}

// CTL-097: serve-retry-continue keeps serving after its tries run out.
#[test]
fn ctl097_serve_retry_continue_stays() {
    let site = Site::new(SqlKind::Postgresql, "onfail3");
    let extra = json!({"on-fail": "serve-retry-continue", "max-reconnect-tries": 2,
                       "reconnect-wait-time": 100});
    let (server, socket) = site.start(extra).expect("starts");
    site.proxy.cut();
    site.dora("00:0c:07:00:00:00", 5, 1);
    wait_until("the tries to run out", Duration::from_secs(10), || {
        server.logs().contains("DHCP4_DB_RECONNECT_FAILED")
    })
    .unwrap_or_else(|e| panic!("{e}: {}", server.logs()));
    assert!(
        !db_disabled(&socket),
        "serve-retry-continue never stops service"
    );
    site.proxy.restore();
    assert!(
        site.dora("00:0c:08:00:00:00", 5, 1) > 0,
        "{}",
        server.logs()
    );
}

// CTL-097: an unreachable database at start is fatal unless retry-on-startup; with it the server
// starts with service held off and serves once the database answers.
#[test]
fn ctl097_retry_on_startup() {
    let site = Site::new(SqlKind::Mysql, "startup");
    site.proxy.cut();
    let err = site
        .start(json!({}))
        .map(|_| ())
        .expect_err("an unreachable database is fatal at start");
    assert!(err.to_string().contains("lease database"), "{err}");

    let extra = json!({"retry-on-startup": true, "max-reconnect-tries": 100,
                       "reconnect-wait-time": 200});
    let (server, socket) = site.start(extra).expect("starts");
    wait_until("disabled-by-db-connection", Duration::from_secs(10), || {
        db_disabled(&socket)
    })
    .unwrap_or_else(|e| panic!("{e}: {}", server.logs()));
    site.proxy.restore();
    wait_until("service", Duration::from_secs(10), || !db_disabled(&socket))
        .unwrap_or_else(|e| panic!("{e}: {}", server.logs()));
    assert!(
        site.dora("00:0c:09:00:00:00", 5, 1) > 0,
        "{}",
        server.logs()
    );
}

// CTL-094: the DHCPv6 server keeps its leases in PostgreSQL and MySQL too: a client's binding is a
// lease6 row (address as Kea stores it, the client's DUID, type IA_NA).
#[test]
fn ctl094_dhcp6_lease_lives_in_the_database() {
    use common::client6::Client6;
    use ruru_e2e::topology::{DirectLink, SERVER6_CIDR};
    const DUID: [u8; 10] = [0, 3, 0, 1, 0x02, 0, 0, 0, 0x07, 0x42];
    for kind in db::KINDS {
        let scratch = db::kea_initialised(kind, "e2e6");
        let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
        let proxy = DbProxy::start(&link.server, db::server_addr(kind)).expect("relay");
        let iface = link.server_iface();
        let config = json!({"Dhcp6": {
            "interfaces-config": {"interfaces": [iface]},
            "lease-database": {"type": db::type_name(kind), "name": scratch.name, "host": "127.0.0.1",
                               "port": proxy.port(), "user": "root"},
            "preferred-lifetime": 3000, "valid-lifetime": 4000,
            "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": iface,
                         "pools": [{"pool": "2001:db8:1::1:0 - 2001:db8:1::1:ff"}]}],
            "loggers": stdout_loggers("INFO")
        }});
        let server = Server::start6(&link.server, config).expect("server starts");
        let mut client = Client6::new(&link.client, link.client_iface(), &DUID);
        let (_, address) = client.bind();
        let row = query(
            &scratch,
            &format!("SELECT lease_type, subnet_id, valid_lifetime FROM lease6 WHERE address = '{address}'"),
        );
        let row: Vec<&str> = row.split(['|', '\t']).collect();
        assert_eq!(row, ["0", "1", "4000"], "{kind:?}: {}", server.logs());
    }
}
