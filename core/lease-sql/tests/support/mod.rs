//! Scratch databases for the SQL backend tests: the machine's PostgreSQL (127.0.0.1:5432, trust,
//! user root) and MariaDB (127.0.0.1:3306, root, empty password). Each test gets its own database,
//! so tests run in parallel; a database that cannot be reached fails the test (never skipped).

#![allow(dead_code, unreachable_pub)]

use ruru_config::{SqlDatabase, SqlKind};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A scratch database, dropped (with any open session) when the guard goes.
pub struct Scratch(pub SqlDatabase);

impl std::ops::Deref for Scratch {
    type Target = SqlDatabase;
    fn deref(&self) -> &SqlDatabase {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let stmt = match self.0.kind {
            SqlKind::Postgresql => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.0.name),
            SqlKind::Mysql => format!("DROP DATABASE IF EXISTS {}", self.0.name),
        };
        let _ = admin(self.0.kind, &stmt);
    }
}

fn admin(kind: SqlKind, stmt: &str) -> std::process::Output {
    let (client, args): (&str, &[&str]) = match kind {
        SqlKind::Postgresql => (
            "psql",
            &["-h", "127.0.0.1", "-U", "root", "-d", "postgres", "-qc"],
        ),
        SqlKind::Mysql => ("mariadb", &["-h", "127.0.0.1", "-u", "root", "-e"]),
    };
    Command::new(client)
        .args(args)
        .arg(stmt)
        .output()
        .unwrap_or_else(|e| panic!("{client} runs: {e}"))
}

/// A fresh, empty database of `kind`, named after `tag`.
pub fn fresh(kind: SqlKind, tag: &str) -> Scratch {
    let name = format!(
        "ruru_{tag}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let out = admin(kind, &format!("CREATE DATABASE {name}"));
    assert!(
        out.status.success(),
        "CREATE DATABASE {name} ({kind:?}): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Scratch(params(kind, &name))
}

/// The parameters of existing database `name`.
pub fn params(kind: SqlKind, name: &str) -> SqlDatabase {
    SqlDatabase {
        host: Some("127.0.0.1".into()),
        user: Some("root".into()),
        ..SqlDatabase::new(kind, name)
    }
}

/// kea-admin's connection options for scratch database `name` (root, empty password).
pub fn admin_args(name: &str) -> [&str; 8] {
    ["-h", "127.0.0.1", "-u", "root", "-p", "", "-n", name]
}

/// A fresh database with Kea's own schema, created by Kea's `kea-admin db-init` (Debian package
/// `kea-admin`): the interoperability baseline (CTL-094).
pub fn kea_initialised(kind: SqlKind, tag: &str) -> Scratch {
    let db = fresh(kind, tag);
    let backend = match kind {
        SqlKind::Postgresql => "pgsql",
        SqlKind::Mysql => "mysql",
    };
    let out = Command::new("kea-admin")
        .args(["db-init", backend])
        .args(admin_args(&db.name))
        .output()
        .expect("kea-admin runs (apt-get install kea-admin)");
    assert!(
        out.status.success(),
        "kea-admin db-init {backend}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

/// Both kinds, for tests that run once per backend.
pub const KINDS: [SqlKind; 2] = [SqlKind::Postgresql, SqlKind::Mysql];

/// Runs `stmt` in database `name` with the command-line client and returns its rows, one per line
/// with tab-separated columns (NULL as `NULL`); panics when the statement fails.
pub fn query(kind: SqlKind, name: &str, stmt: &str) -> String {
    let mut cmd = match kind {
        SqlKind::Postgresql => {
            let mut c = Command::new("psql");
            c.args(["-h", "127.0.0.1", "-U", "root", "-X", "-q", "-A", "-t"])
                .args([
                    "-F",
                    "\t",
                    "-P",
                    "null=NULL",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-d",
                    name,
                    "-c",
                ]);
            c
        }
        SqlKind::Mysql => {
            let mut c = Command::new("mariadb");
            c.args([
                "-h",
                "127.0.0.1",
                "-u",
                "root",
                "-N",
                "-B",
                "-D",
                name,
                "-e",
            ]);
            c
        }
    };
    let out = cmd.arg(stmt).output().expect("database client runs");
    assert!(
        out.status.success(),
        "{kind:?} {name}: {stmt}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Moves on by 100 s the `expire` of the row of `table` whose `address` is `key` (an SQL literal),
/// behind the stores' back: another server renewing the lease (LC-116).
pub fn renew_behind_the_back(kind: SqlKind, name: &str, table: &str, key: &str) {
    let later = match kind {
        SqlKind::Postgresql => "expire + interval '100 seconds'",
        SqlKind::Mysql => "expire + INTERVAL 100 SECOND",
    };
    query(
        kind,
        name,
        &format!("UPDATE {table} SET expire = {later} WHERE address = {key}"),
    );
}

/// Where the machine's server of `kind` listens: what the end-to-end suites' `DbProxy` relays
/// to from a test namespace.
pub fn server_addr(kind: SqlKind) -> std::net::SocketAddr {
    match kind {
        SqlKind::Postgresql => "127.0.0.1:5432",
        SqlKind::Mysql => "127.0.0.1:3306",
    }
    .parse()
    .expect("address")
}

/// The `type` of a `lease-database` or `hosts-database` map of `kind`.
pub fn type_name(kind: SqlKind) -> &'static str {
    match kind {
        SqlKind::Postgresql => "postgresql",
        SqlKind::Mysql => "mysql",
    }
}
