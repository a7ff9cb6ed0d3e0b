//! Ruru's own schema DDL against the schema Kea's `kea-admin db-init` creates (CTL-094), and the
//! connect-time schema check that uses it (CTL-095).

mod support;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ruru_config::SqlKind;
use ruru_lease_sql::{create_schema, schema, Db, SqlError};
use support::{fresh, kea_initialised, query, Scratch, KINDS};

/// A fresh database initialised by Ruru's DDL.
async fn ruru_initialised(kind: SqlKind, tag: &str) -> Scratch {
    let db = fresh(kind, tag);
    let conn = Db::connect(&db).await.expect("connects");
    create_schema(&conn).await.expect("Ruru's DDL runs");
    conn.close().await;
    db
}

/// The tables of database `name`.
fn tables(kind: SqlKind, name: &str) -> Vec<String> {
    let q = match kind {
        SqlKind::Postgresql => "SELECT table_name FROM information_schema.tables \
             WHERE table_schema = 'public' ORDER BY 1"
            .to_owned(),
        SqlKind::Mysql => format!(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = '{name}' ORDER BY 1"
        ),
    };
    query(kind, name, &q).lines().map(str::to_owned).collect()
}

/// What test (a) compares of one table: columns (name, type, nullability, default), the primary
/// key and every index's definition (name, uniqueness, columns in order).
fn describe(kind: SqlKind, name: &str, table: &str) -> BTreeMap<&'static str, String> {
    let (columns, pkey, indexes) = match kind {
        SqlKind::Postgresql => (
            format!(
                "SELECT column_name, data_type, character_maximum_length, is_nullable, column_default \
                 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}' \
                 ORDER BY ordinal_position"
            ),
            format!(
                "SELECT k.column_name FROM information_schema.table_constraints c \
                 JOIN information_schema.key_column_usage k USING (constraint_schema, constraint_name) \
                 WHERE c.table_schema = 'public' AND c.table_name = '{table}' \
                 AND c.constraint_type = 'PRIMARY KEY' ORDER BY k.ordinal_position"
            ),
            format!("SELECT indexdef FROM pg_indexes WHERE tablename = '{table}' ORDER BY indexname"),
        ),
        SqlKind::Mysql => (
            format!(
                "SELECT column_name, column_type, is_nullable, column_default FROM information_schema.columns \
                 WHERE table_schema = '{name}' AND table_name = '{table}' ORDER BY ordinal_position"
            ),
            format!(
                "SELECT column_name FROM information_schema.key_column_usage WHERE table_schema = '{name}' \
                 AND table_name = '{table}' AND constraint_name = 'PRIMARY' ORDER BY ordinal_position"
            ),
            format!(
                "SELECT index_name, non_unique, GROUP_CONCAT(column_name ORDER BY seq_in_index) \
                 FROM information_schema.statistics WHERE table_schema = '{name}' AND table_name = '{table}' \
                 GROUP BY index_name, non_unique ORDER BY index_name"
            ),
        ),
    };
    BTreeMap::from([
        ("columns", query(kind, name, &columns)),
        ("primary key", query(kind, name, &pkey)),
        ("indexes", query(kind, name, &indexes)),
    ])
}

/// The reference rows of every lookup table.
const REFERENCE_TABLES: [&str; 5] = [
    "lease_state",
    "lease6_types",
    "lease_hwaddr_source",
    "host_identifier_type",
    "dhcp_option_scope",
];

// CTL-094: every table Ruru's DDL creates has the columns, primary key and indexes of the same table
// in a database Kea 2.2's kea-admin created, the lookup tables hold the same rows, and the version is
// Kea 2.2's.
#[tokio::test]
async fn ctl094_ddl_matches_kea_schema() {
    for kind in KINDS {
        let kea = kea_initialised(kind, "ddlkea");
        let ruru = ruru_initialised(kind, "ddlruru").await;
        let ours = tables(kind, &ruru.name);
        let theirs = tables(kind, &kea.name);
        assert_eq!(ours.len(), 16, "{kind:?}: {ours:?}");
        for t in &ours {
            assert!(theirs.contains(t), "{kind:?}: Kea has no table {t}");
            assert_eq!(
                describe(kind, &ruru.name, t),
                describe(kind, &kea.name, t),
                "{kind:?} table {t}"
            );
        }
        for t in REFERENCE_TABLES.iter().chain(&["schema_version"]) {
            let q = format!("SELECT * FROM {t} ORDER BY 1");
            assert_eq!(
                query(kind, &ruru.name, &q),
                query(kind, &kea.name, &q),
                "{kind:?} {t}"
            );
        }
    }
}

/// Lease changes covering every trigger path: inserts in several subnets, types and states
/// (counted and not), state and subnet changes, client-class changes, deletes.
fn lease_changes(kind: SqlKind) -> Vec<String> {
    let ts = match kind {
        SqlKind::Postgresql => "to_timestamp(2000000000)",
        SqlKind::Mysql => "FROM_UNIXTIME(2000000000)",
    };
    let ctx = |classes: &str| format!("'{{\"ISC\": {{\"client-classes\": [{classes}]}}}}'");
    let (a, b, ab) = (ctx("\"A\""), ctx("\"B\""), ctx("\"A\", \"B\""));
    let mut s = vec![];
    for (addr, subnet, state, c) in [
        (1, 1, 0, a.as_str()),
        (2, 1, 0, ab.as_str()),
        (3, 1, 1, "NULL"),
        (4, 2, 0, b.as_str()),
        (5, 2, 2, a.as_str()),
        (6, 3, 0, "'{}'"),
    ] {
        s.push(format!(
            "INSERT INTO lease4 (address, valid_lifetime, expire, subnet_id, state, user_context) \
             VALUES ({addr}, 3600, {ts}, {subnet}, {state}, {c})"
        ));
        for (ty, prefix) in [(0, 128), (2, 56)] {
            s.push(format!(
                "INSERT INTO lease6 (address, duid, valid_lifetime, expire, subnet_id, lease_type, iaid, \
                 prefix_len, state, user_context) \
                 VALUES ('2001:db8::{addr}:{ty}', NULL, 3600, {ts}, {subnet}, {ty}, 1, {prefix}, {state}, {c})"
            ));
        }
    }
    for table in ["lease4", "lease6"] {
        let key = |n: u32| match table {
            "lease4" => format!("address = {n}"),
            _ => format!("address LIKE '2001:db8::{n}:%'"),
        };
        s.extend([
            format!("UPDATE {table} SET state = 1 WHERE {}", key(1)),
            format!("UPDATE {table} SET state = 2 WHERE {}", key(3)),
            format!("UPDATE {table} SET subnet_id = 7 WHERE {}", key(4)),
            format!("UPDATE {table} SET user_context = {b} WHERE {}", key(2)),
            format!("UPDATE {table} SET state = 0 WHERE {}", key(5)),
            format!("UPDATE {table} SET valid_lifetime = 10 WHERE {}", key(6)),
            format!("DELETE FROM {table} WHERE {}", key(2)),
            format!("DELETE FROM {table} WHERE {}", key(3)),
        ]);
    }
    s
}

const STAT_TABLES: [&str; 4] = [
    "lease4_stat",
    "lease6_stat",
    "lease4_stat_by_client_class",
    "lease6_stat_by_client_class",
];

/// Every statistics table's rows.
fn stats(kind: SqlKind, name: &str) -> String {
    STAT_TABLES
        .iter()
        .map(|t| {
            format!(
                "{t}:\n{}",
                query(kind, name, &format!("SELECT * FROM {t} ORDER BY 1, 2"))
            )
        })
        .collect()
}

// CTL-094: Ruru's stat triggers keep lease4_stat, lease6_stat and the per-class counts exactly as
// Kea's do, after the same inserts, updates and deletes, checked after every statement.
#[tokio::test]
async fn ctl094_stat_triggers_match_kea() {
    for kind in KINDS {
        let kea = kea_initialised(kind, "statkea");
        let ruru = ruru_initialised(kind, "statruru").await;
        for stmt in lease_changes(kind) {
            query(kind, &kea.name, &stmt);
            query(kind, &ruru.name, &stmt);
            assert_eq!(
                stats(kind, &ruru.name),
                stats(kind, &kea.name),
                "{kind:?} after {stmt}"
            );
        }
        assert!(
            stats(kind, &ruru.name).contains("\t1\t"),
            "{kind:?}: counts exist"
        );
    }
}

// CTL-094: the lease-limit functions Kea's lease backend calls answer as Kea's do.
#[tokio::test]
async fn ctl094_limit_functions_match_kea() {
    for kind in KINDS {
        let kea = kea_initialised(kind, "limkea");
        let ruru = ruru_initialised(kind, "limruru").await;
        for stmt in lease_changes(kind) {
            query(kind, &kea.name, &stmt);
            query(kind, &ruru.name, &stmt);
        }
        for f in ["checkLease4Limits", "checkLease6Limits"] {
            for ctx in [
                r#"{"ISC": {"limits": {"client-classes": [{"name": "A", "address-limit": 1}]}}}"#,
                r#"{"ISC": {"limits": {"client-classes": [{"name": "B", "address-limit": 5, "prefix-limit": 1}]}}}"#,
                r#"{"ISC": {"limits": {"subnet": {"id": 1, "address-limit": 1}}}}"#,
                r#"{"ISC": {"limits": {"subnet": {"id": 7, "address-limit": 9, "prefix-limit": 1}}}}"#,
                r#"{"ISC": {"limits": {"subnet": {"id": 9, "address-limit": 1}}}}"#,
                "{}",
            ] {
                let q = format!("SELECT {f}('{ctx}')");
                assert_eq!(
                    query(kind, &ruru.name, &q),
                    query(kind, &kea.name, &q),
                    "{kind:?} {q}"
                );
            }
        }
        let q = "SELECT isJsonSupported()";
        assert_eq!(
            query(kind, &ruru.name, q),
            query(kind, &kea.name, q),
            "{kind:?}"
        );
    }
}

/// A running `kea-dhcp4`, killed when dropped.
struct Kea(Child);

impl Drop for Kea {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Sends one command to Kea's control socket and returns the answer.
fn kea_command(socket: &Path, cmd: &str) -> serde_json::Value {
    let mut s = UnixStream::connect(socket).expect("control socket connects");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(cmd.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    // Kea answers with one JSON object and closes; stop at the first complete object.
    loop {
        let n = s.read(&mut buf).expect("Kea answers");
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        if serde_json::from_slice::<serde_json::Value>(&answer).is_ok() {
            break;
        }
    }
    serde_json::from_slice(&answer).expect("answer is JSON")
}

// CTL-094: Kea 2.2's own kea-dhcp4 runs on a database Ruru initialised, and its lease_cmds hook adds
// and reads a lease there.
#[tokio::test]
async fn ctl094_kea_accepts_ruru_database() {
    for kind in KINDS {
        let db = ruru_initialised(kind, "keause").await;
        let dir =
            std::env::temp_dir().join(format!("ruru-ddl-kea-{}-{kind:?}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("ctl");
        let config = serde_json::json!({ "Dhcp4": {
            "interfaces-config": { "interfaces": [] },
            "lease-database": {
                "type": match kind { SqlKind::Postgresql => "postgresql", SqlKind::Mysql => "mysql" },
                "name": db.name, "host": "127.0.0.1", "user": "root", "password": ""
            },
            "control-socket": { "socket-type": "unix", "socket-name": socket },
            "hooks-libraries": [{ "library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so" }],
            "subnet4": [{ "id": 1, "subnet": "192.0.2.0/24" }],
            "loggers": [{ "name": "kea-dhcp4", "severity": "WARN",
                          "output_options": [{ "output": dir.join("kea.log") }] }]
        }});
        let conf = dir.join("kea.json");
        std::fs::write(&conf, config.to_string()).unwrap();
        let _kea = Kea(Command::new("kea-dhcp4")
            .arg("-c")
            .arg(&conf)
            .env("KEA_LOCKFILE_DIR", &dir)
            .env("KEA_PIDFILE_DIR", &dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("kea-dhcp4 starts"));
        let started = Instant::now();
        while UnixStream::connect(&socket).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{kind:?}: kea-dhcp4 did not open its socket: {}",
                std::fs::read_to_string(dir.join("kea.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let add = kea_command(
            &socket,
            r#"{"command": "lease4-add", "arguments": {"ip-address": "192.0.2.10", "hw-address": "1a:1b:1c:1d:1e:1f", "subnet-id": 1}}"#,
        );
        assert_eq!(add["result"], 0, "{kind:?}: {add}");
        let get = kea_command(
            &socket,
            r#"{"command": "lease4-get", "arguments": {"ip-address": "192.0.2.10"}}"#,
        );
        assert_eq!(get["result"], 0, "{kind:?}: {get}");
        assert_eq!(
            get["arguments"]["hw-address"], "1a:1b:1c:1d:1e:1f",
            "{kind:?}: {get}"
        );
        // The stat trigger ran for Kea's insert.
        let count = query(
            kind,
            &db.name,
            "SELECT leases FROM lease4_stat WHERE subnet_id = 1 AND state = 0",
        );
        assert_eq!(count.trim(), "1", "{kind:?}");
        drop(_kea);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

// CTL-095: an empty database gets Ruru's schema at connect and then reports the needed version; a
// schema of an older version is refused with a version error and left untouched.
#[tokio::test]
async fn ctl095_check_creates_or_refuses() {
    for kind in KINDS {
        let scratch = fresh(kind, "chk");
        let db = Db::connect(&scratch).await.expect("connects");
        schema::check(&db, false).await.expect("creates the schema");
        assert_eq!(
            schema::version(&db).await.unwrap(),
            Some(schema::needed(kind))
        );
        schema::check(&db, false)
            .await
            .expect("a second check passes");

        let old = fresh(kind, "old");
        let previous = match kind {
            SqlKind::Postgresql => "12",
            SqlKind::Mysql => "13",
        };
        query(
            kind,
            &old.name,
            "CREATE TABLE schema_version (version INT PRIMARY KEY NOT NULL, minor INT)",
        );
        query(
            kind,
            &old.name,
            &format!("INSERT INTO schema_version VALUES ({previous}, 0)"),
        );
        let before = tables(kind, &old.name);
        let db = Db::connect(&old).await.expect("connects");
        match schema::check(&db, false).await {
            Err(SqlError::SchemaVersion { found, needed, .. }) => {
                assert_eq!(found, format!("{previous}.0"));
                let (v, m) = schema::needed(kind);
                assert_eq!(needed, format!("{v}.{m}"));
            }
            other => panic!("{kind:?}: {other:?}"),
        }
        assert_eq!(tables(kind, &old.name), before, "{kind:?}: nothing created");
        assert_eq!(
            query(kind, &old.name, "SELECT version, minor FROM schema_version"),
            format!("{previous}\t0\n")
        );
    }
}
