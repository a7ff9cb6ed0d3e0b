//! The `ruru-admin` binary against scratch databases, compared with what kea-admin 2.2 does
//! (CTL-098, CTL-095, CTL-094).

#[path = "../../lease-sql/tests/support/mod.rs"]
mod support;

use std::process::{Command, Output, Stdio};

use ruru_config::SqlKind;
use support::{admin_args, fresh, kea_initialised, query, Scratch, KINDS};

fn backend(kind: SqlKind) -> &'static str {
    match kind {
        SqlKind::Postgresql => "pgsql",
        SqlKind::Mysql => "mysql",
    }
}

/// Runs ruru-admin with `args` and no standard input.
fn admin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ruru-admin"))
        .args(args)
        .env_remove("KEA_ADMIN_DB_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .expect("ruru-admin runs")
}

/// Runs `command` on database `db` as root with an empty password.
fn on(command: &str, db: &Scratch) -> Output {
    admin(&[&[command, backend(db.kind)][..], &admin_args(&db.name)].concat())
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn needed(kind: SqlKind) -> &'static str {
    match kind {
        SqlKind::Postgresql => "13.0",
        SqlKind::Mysql => "14.0",
    }
}

// CTL-098, CTL-094: db-init on an empty database creates Ruru's schema, and db-version then
// prints Kea 2.2's version (13.0 / 14.0), as kea-admin would; CTL-095: the server's check
// accepts it.
#[test]
fn ctl098_db_init_then_version() {
    for kind in KINDS {
        let db = fresh(kind, "adm_init");
        let o = on("db-init", &db);
        assert!(o.status.success(), "{kind:?}: {}", stdout(&o));
        assert!(
            stdout(&o).contains(&format!(
                "Database version reported after initialization: {}",
                needed(kind)
            )),
            "{}",
            stdout(&o)
        );
        let o = on("db-version", &db);
        assert!(o.status.success());
        assert_eq!(stdout(&o).trim(), needed(kind));
        // db-upgrade on a current schema: success with kea-admin's two version lines.
        let o = on("db-upgrade", &db);
        assert!(o.status.success(), "{}", stdout(&o));
        let text = stdout(&o);
        assert!(text.contains(&format!(
            "Database version reported before upgrade: {}",
            needed(kind)
        )));
        assert!(text.contains(&format!(
            "Database version reported after upgrade: {}",
            needed(kind)
        )));
    }
}

// CTL-098: db-init refuses a database that holds tables, with kea-admin's message and exit status
// (2 for PostgreSQL, 1 for MySQL), and changes nothing.
#[test]
fn ctl098_db_init_refuses_non_empty() {
    for kind in KINDS {
        let db = fresh(kind, "adm_full");
        query(kind, &db.name, "CREATE TABLE something (x INT)");
        let o = on("db-init", &db);
        let expected = match kind {
            SqlKind::Postgresql => 2,
            SqlKind::Mysql => 1,
        };
        assert_eq!(o.status.code(), Some(expected), "{kind:?}: {}", stdout(&o));
        let text = stdout(&o);
        assert!(
            text.contains(&format!(
                "Expected empty database {}. Aborting, the following tables are present:",
                db.name
            )),
            "{text}"
        );
        assert!(text.contains("something"), "{text}");
        let o = on("db-version", &db);
        assert!(!o.status.success(), "no schema was created");
    }
}

// CTL-098, CTL-094: db-version on a database Kea's own kea-admin created prints what kea-admin prints.
#[test]
fn ctl098_db_version_of_kea_database() {
    for kind in KINDS {
        let db = kea_initialised(kind, "adm_kea");
        let ours = on("db-version", &db);
        assert!(ours.status.success());
        let theirs = Command::new("kea-admin")
            .args(["db-version", backend(kind)])
            .args(admin_args(&db.name))
            .output()
            .expect("kea-admin runs");
        assert_eq!(stdout(&ours).trim(), stdout(&theirs).trim(), "{kind:?}");
    }
}

// CTL-098, CTL-095: db-upgrade on an older schema without -d is refused with a message naming the
// versions and -d; nothing changes.
#[test]
fn ctl098_db_upgrade_old_schema_without_scripts() {
    for kind in KINDS {
        let db = fresh(kind, "adm_old");
        query(
            kind,
            &db.name,
            "CREATE TABLE schema_version (version INT PRIMARY KEY NOT NULL, minor INT)",
        );
        query(kind, &db.name, "INSERT INTO schema_version VALUES (12, 0)");
        let o = on("db-upgrade", &db);
        assert_eq!(o.status.code(), Some(1));
        let text = stdout(&o);
        assert!(
            text.contains("Database version reported before upgrade: 12.0"),
            "{text}"
        );
        assert!(text.contains("-d"), "{text}");
        assert_eq!(
            query(kind, &db.name, "SELECT version FROM schema_version").trim(),
            "12"
        );
    }
}

// CTL-098: stats-recount rebuilds lease4_stat and lease6_stat from the lease tables after they were
// corrupted, to what the triggers had counted.
#[test]
fn ctl098_stats_recount() {
    for kind in KINDS {
        let db = fresh(kind, "adm_stat");
        assert!(on("db-init", &db).status.success());
        let ts = match kind {
            SqlKind::Postgresql => "to_timestamp(2000000000)",
            SqlKind::Mysql => "FROM_UNIXTIME(2000000000)",
        };
        for (addr, subnet, state) in [(1, 1, 0), (2, 1, 0), (3, 1, 1), (4, 2, 0), (5, 2, 2)] {
            query(kind, &db.name, &format!(
                "INSERT INTO lease4 (address, valid_lifetime, expire, subnet_id, state) VALUES ({addr}, 60, {ts}, {subnet}, {state})"
            ));
            query(kind, &db.name, &format!(
                "INSERT INTO lease6 (address, valid_lifetime, expire, subnet_id, lease_type, state) \
                 VALUES ('2001:db8::{addr}', 60, {ts}, {subnet}, {}, {state})",
                addr % 3 % 2 * 2
            ));
        }
        let stats = || {
            query(kind, &db.name, "SELECT * FROM lease4_stat ORDER BY 1, 2")
                + &query(kind, &db.name, "SELECT * FROM lease6_stat ORDER BY 1, 2, 3")
        };
        let counted = stats();
        assert!(counted.contains("1\t0\t2"), "{counted}");
        query(
            kind,
            &db.name,
            "DELETE FROM lease4_stat WHERE subnet_id = 1",
        );
        query(kind, &db.name, "UPDATE lease6_stat SET leases = 99");
        query(kind, &db.name, "INSERT INTO lease4_stat VALUES (77, 0, 5)");
        assert_ne!(stats(), counted);
        let o = on("stats-recount", &db);
        assert!(o.status.success(), "{}", stdout(&o));
        assert_eq!(stats(), counted, "{kind:?}");
    }
}

// CTL-098: -v and -V print the version and nothing else.
#[test]
fn ctl098_version_flags() {
    for flag in ["-v", "-V", "--version"] {
        let o = admin(&[flag]);
        assert!(o.status.success());
        assert_eq!(stdout(&o).trim(), env!("CARGO_PKG_VERSION"));
    }
}

// CTL-098: bad command lines exit 1 with kea-admin's message (and the usage text where kea-admin
// shows it); the memfile backend answers as kea-admin's does.
#[test]
fn ctl098_usage_errors_and_memfile() {
    for (args, message, usage) in [
        (&[][..], "missing command", true),
        (&["bogus", "pgsql"][..], "invalid command: bogus", true),
        (&["db-init"][..], "missing backend", true),
        (&["db-init", "foo"][..], "invalid backend: foo", false),
        (
            &["db-version", "pgsql", "-4", "-6"][..],
            "you may not specify both -4 and -6",
            true,
        ),
        (
            &["lease-dump", "pgsql"][..],
            "lease type ( -4 or -6 ) needs to be specified",
            true,
        ),
        (
            &["lease-dump", "mysql", "-4"][..],
            "you must specify an output file for lease-dump",
            true,
        ),
        (
            &["lease-upload", "pgsql", "-6"][..],
            "you must specify an input file",
            true,
        ),
        (&["db-init", "pgsql", "-Z"][..], "-Z", true),
        (&["db-init", "memfile"][..], "NOT IMPLEMENTED", false),
        (
            &["lease-dump", "memfile", "-4", "-o", "x"][..],
            "lease-dump is not supported for memfile",
            false,
        ),
        (
            &["lease-upload", "memfile"][..],
            "lease-upload is not supported for memfile",
            false,
        ),
    ] {
        let o = admin(args);
        let text = stdout(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {text}");
        assert!(text.starts_with("ERROR/ruru-admin: "), "{args:?}: {text}");
        assert!(text.contains(message), "{args:?}: {text}");
        assert_eq!(
            text.contains("Usage: ruru-admin COMMAND BACKEND"),
            usage,
            "{args:?}: {text}"
        );
    }
    let o = admin(&["stats-recount", "memfile"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("memfile does not keep lease statistics"));
}

// CTL-098: with KEA_ADMIN_DB_PASSWORD set and no -p, the password comes from the environment and
// nothing is prompted (standard input is closed); a wrong one is refused by the database.
#[test]
fn ctl098_password_from_environment() {
    let db = fresh(SqlKind::Mysql, "adm_env");
    query(
        SqlKind::Mysql,
        &db.name,
        "CREATE TABLE schema_version (version INT PRIMARY KEY, minor INT)",
    );
    query(
        SqlKind::Mysql,
        &db.name,
        "INSERT INTO schema_version VALUES (14, 0)",
    );
    let user = format!("u{}", db.name.len() + std::process::id() as usize % 1000);
    let setup = |stmt: &str| query(SqlKind::Mysql, &db.name, stmt);
    setup(&format!("DROP USER IF EXISTS '{user}'@'%'"));
    setup(&format!(
        "CREATE USER '{user}'@'%' IDENTIFIED BY 'envsecret'"
    ));
    setup(&format!("GRANT ALL ON {}.* TO '{user}'@'%'", db.name));
    let run = |pw: &str| {
        Command::new(env!("CARGO_BIN_EXE_ruru-admin"))
            .args([
                "db-version",
                "mysql",
                "-h",
                "127.0.0.1",
                "-u",
                &user,
                "-n",
                &db.name,
            ])
            .env("KEA_ADMIN_DB_PASSWORD", pw)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let ok = run("envsecret");
    assert!(ok.status.success(), "{}", stdout(&ok));
    assert!(!stdout(&ok).contains("Password"), "no prompt");
    assert_eq!(stdout(&ok).trim(), "14.0");
    let bad = run("wrong");
    assert_eq!(bad.status.code(), Some(1), "{}", stdout(&bad));
    setup(&format!("DROP USER '{user}'@'%'"));
}

// CTL-098, CTL-095: db-upgrade of an older schema with -d runs every upgrade*.sh of
// <dir>/<backend> in name order with kea-admin's arguments (plus -x extras), then reports the new
// version.
#[test]
fn ctl098_db_upgrade_runs_scripts_from_directory() {
    use std::os::unix::fs::PermissionsExt;
    for kind in KINDS {
        let db = fresh(kind, "adm_upg");
        assert!(on("db-init", &db).status.success());
        let (old, new) = match kind {
            SqlKind::Postgresql => (12, 13),
            SqlKind::Mysql => (13, 14),
        };
        query(
            kind,
            &db.name,
            &format!("UPDATE schema_version SET version = {old}"),
        );
        let dir = std::env::temp_dir().join(format!(
            "ruru-admin-upg-{}-{}",
            std::process::id(),
            backend(kind)
        ));
        let scripts = dir.join(backend(kind));
        std::fs::create_dir_all(&scripts).unwrap();
        let bump = match kind {
            SqlKind::Postgresql => format!(
                "psql -h 127.0.0.1 -U root -d {} -qc 'UPDATE schema_version SET version = {new}'",
                db.name
            ),
            SqlKind::Mysql => format!(
                "mariadb -h 127.0.0.1 -u root {} -e 'UPDATE schema_version SET version = {new}'",
                db.name
            ),
        };
        for (file, body) in [
            (
                "upgrade_a.sh",
                format!("echo \"$@\" > {}/args\n{bump}\n", dir.display()),
            ),
            (
                "upgrade_b.sh",
                format!("echo second >> {}/args\n", dir.display()),
            ),
            ("other.sh", "exit 1\n".to_owned()),
        ] {
            let path = scripts.join(file);
            std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let d = dir.to_str().unwrap();
        let o = admin(
            &[
                &["db-upgrade", backend(kind)][..],
                &admin_args(&db.name),
                &["-d", d, "-x", "--extra"],
            ]
            .concat(),
        );
        let text = stdout(&o);
        assert!(o.status.success(), "{kind:?}: {text}");
        assert!(
            text.contains(&format!("Database version reported after upgrade: {new}.0")),
            "{text}"
        );
        let args = std::fs::read_to_string(dir.join("args")).unwrap();
        let expected = match kind {
            SqlKind::Postgresql => format!("-U root -h 127.0.0.1 -d {} --extra\nsecond\n", db.name),
            SqlKind::Mysql => format!(
                "--host=127.0.0.1 --user=root --password= {} --extra\nsecond\n",
                db.name
            ),
        };
        assert_eq!(args, expected, "{kind:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Every lease of memfile CSV file `path`, loaded by Ruru's memfile store.
async fn memfile_leases(path: &std::path::Path, v6: bool) -> String {
    use ruru_lease::{LeaseStore4, LeaseStore6, Memfile4, Memfile6, MemfileOptions};
    // Loaded from a copy: opening a memfile store appends to its file.
    let copy = path.with_extension("load");
    std::fs::copy(path, &copy).unwrap();
    let text = if v6 {
        let (m, _) = Memfile6::open(MemfileOptions::persistent(&copy)).unwrap();
        format!("{:?}", m.page6(None, 0).await.unwrap())
    } else {
        let (m, _) = Memfile4::open(MemfileOptions::persistent(&copy)).unwrap();
        format!("{:?}", m.page4(None, 0).await.unwrap())
    };
    let _ = std::fs::remove_file(copy);
    text
}

// CTL-098: lease-dump of a database's leases writes a memfile CSV (header and one row per lease)
// that loads as a memfile with the same leases kea-admin's own lease-dump yields; lease-upload of it
// into another database recreates the same rows; an existing output is not overwritten without -y.
#[tokio::test]
async fn ctl098_lease_dump_and_upload_sql() {
    for kind in KINDS {
        let src = kea_initialised(kind, "adm_dump");
        let ts = match kind {
            SqlKind::Postgresql => "to_timestamp(2000000000)",
            SqlKind::Mysql => "FROM_UNIXTIME(2000000000)",
        };
        let hex = |s: &str| match kind {
            SqlKind::Postgresql => format!("'\\x{s}'::bytea"),
            SqlKind::Mysql => format!("X'{s}'"),
        };
        for i in 1..=3 {
            query(kind, &src.name, &format!(
                "INSERT INTO lease4 (address, hwaddr, client_id, valid_lifetime, expire, subnet_id, fqdn_fwd, \
                 fqdn_rev, hostname, state) VALUES ({}, {}, {}, 3600, {ts}, 1, true, false, 'h{i}.example.org', 0)",
                0xc000_0200u32 + i,
                hex(&format!("0a0b0c0d0e0{i}")),
                hex(&format!("01020{i}"))
            ));
            query(kind, &src.name, &format!(
                "INSERT INTO lease6 (address, duid, valid_lifetime, expire, subnet_id, pref_lifetime, lease_type, \
                 iaid, prefix_len, fqdn_fwd, fqdn_rev, hostname, hwaddr, hwtype, hwaddr_source, state) \
                 VALUES ('2001:db8::{i}', {}, 3600, {ts}, 1, 1800, 0, {i}, 128, false, false, '', NULL, NULL, NULL, 0)",
                hex(&format!("000100010203040{i}"))
            ));
        }
        let dir = std::env::temp_dir().join(format!(
            "ruru-admin-dump-{}-{}",
            std::process::id(),
            backend(kind)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let dst = fresh(kind, "adm_upload");
        assert!(on("db-init", &dst).status.success());
        for (flag, table) in [("-4", "lease4"), ("-6", "lease6")] {
            let ours = dir.join(format!("ruru{flag}.csv"));
            let theirs = dir.join(format!("kea{flag}.csv"));
            let args = [
                &["lease-dump", backend(kind)][..],
                &admin_args(&src.name),
                &[flag, "-o"],
            ]
            .concat();
            let o = admin(&[&args[..], &[ours.to_str().unwrap()]].concat());
            assert!(o.status.success(), "{kind:?} {flag}: {}", stdout(&o));
            let k = Command::new("kea-admin")
                .args([&args[..], &[theirs.to_str().unwrap()]].concat())
                .output()
                .unwrap();
            assert!(k.status.success(), "kea-admin: {}", stdout(&k));
            let text = std::fs::read_to_string(&ours).unwrap();
            assert!(text.starts_with("address,"), "{text}");
            assert_eq!(text.lines().count(), 4, "{text}");
            assert_eq!(
                memfile_leases(&ours, flag == "-6").await,
                memfile_leases(&theirs, flag == "-6").await,
                "{kind:?} {flag}"
            );

            // An existing output is kept without -y (no terminal: the answer is no), replaced with it.
            let again = admin(&[&args[..], &[ours.to_str().unwrap()]].concat());
            assert_eq!(again.status.code(), Some(1));
            assert!(
                stdout(&again).contains("aborted by user"),
                "{}",
                stdout(&again)
            );
            let yes = admin(&[&args[..], &[ours.to_str().unwrap(), "-y"]].concat());
            assert!(yes.status.success(), "{}", stdout(&yes));
            assert_eq!(std::fs::read_to_string(&ours).unwrap(), text);

            let o = admin(
                &[
                    &["lease-upload", backend(kind)][..],
                    &admin_args(&dst.name),
                    &[flag, "-i", ours.to_str().unwrap()],
                ]
                .concat(),
            );
            assert!(o.status.success(), "{kind:?} {flag}: {}", stdout(&o));
            // A lease without hardware address: the SQL store writes an empty one of type 0 where this
            // test's rows hold NULLs, so the lease6 hardware columns are left out of the comparison.
            let columns = match table {
                "lease4" => "*",
                _ => "address, duid, valid_lifetime, expire, subnet_id, pref_lifetime, lease_type, iaid, \
                      prefix_len, fqdn_fwd, fqdn_rev, hostname, state, user_context",
            };
            let rows = format!("SELECT {columns} FROM {table} ORDER BY address");
            assert_eq!(
                query(kind, &dst.name, &rows),
                query(kind, &src.name, &rows),
                "{kind:?} {flag}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
