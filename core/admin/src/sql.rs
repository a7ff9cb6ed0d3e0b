//! The commands on a SQL database: db-init, db-version, db-upgrade, stats-recount.

use std::path::Path;
use std::process::Command as Process;

use ruru_config::{SqlDatabase, SqlKind};
use ruru_lease_sql::{admin, create_schema, schema, Db, SqlError};

use crate::cli::{Backend, Request};
use crate::Failure;

/// The connection parameters of `req`.
pub(crate) fn parameters(req: &Request, kind: SqlKind, password: &str) -> SqlDatabase {
    SqlDatabase {
        host: Some(req.host.clone()),
        port: req.port,
        user: Some(req.user.clone()),
        password: Some(password.to_owned()),
        ..SqlDatabase::new(kind, req.name.clone())
    }
}

fn failed(e: SqlError) -> Failure {
    Failure::new(1, e.to_string())
}

fn dotted((v, m): (u32, u32)) -> String {
    format!("{v}.{m}")
}

/// The schema version, or a failure when there is no schema.
async fn current_version(db: &Db) -> Result<(u32, u32), Failure> {
    schema::version(db).await.map_err(failed)?.ok_or_else(|| {
        Failure::new(
            1,
            format!("database {} has no schema: run db-init first", db.name()),
        )
    })
}

/// Fails unless the schema is at the version this release reads and writes (lease-dump and
/// lease-upload never create or upgrade it).
pub(crate) async fn require_current(db: &Db) -> Result<(), Failure> {
    let found = current_version(db).await?;
    let needed = schema::needed(db.kind());
    if found != needed {
        return Err(Failure::new(
            1,
            format!(
                "schema {} is not the {} this release uses: run db-upgrade",
                dotted(found),
                dotted(needed)
            ),
        ));
    }
    Ok(())
}

/// `db-init`: creates the schema in an empty database; a database with any table is refused
/// (exit status 2 for PostgreSQL, 1 for MySQL, as kea-admin).
pub(crate) async fn init(db: &Db) -> Result<(), Failure> {
    println!("Checking if there is a database initialized already...");
    let tables = admin::tables(db).await.map_err(failed)?;
    if !tables.is_empty() {
        let status = match db.kind() {
            SqlKind::Postgresql => 2,
            SqlKind::Mysql => 1,
        };
        return Err(Failure::new(
            status,
            format!(
                "Expected empty database {}. Aborting, the following tables are present:\n{}",
                db.name(),
                tables.join("\n")
            ),
        ));
    }
    println!("Initializing database with Ruru's schema");
    create_schema(db).await.map_err(failed)?;
    let v = current_version(db).await?;
    println!(
        "Database version reported after initialization: {}",
        dotted(v)
    );
    Ok(())
}

/// `db-version`: prints `version.minor`.
pub(crate) async fn version(db: &Db) -> Result<(), Failure> {
    println!("{}", dotted(current_version(db).await?));
    Ok(())
}

/// `db-upgrade`: nothing to do at the needed version. An older schema is upgraded only with Kea's
/// upgrade scripts from `-d` (`<dir>/<backend>/upgrade*.sh`, run in name order with the same
/// arguments kea-admin gives them; each skips itself unless the schema is at its starting
/// version); Ruru ships no upgrade scripts of its own.
pub(crate) async fn upgrade(db: &Db, req: &Request, password: &str) -> Result<(), Failure> {
    let before = current_version(db).await?;
    println!(
        "Database version reported before upgrade: {}",
        dotted(before)
    );
    let needed = schema::needed(db.kind());
    if before > needed {
        return Err(Failure::new(
            1,
            format!(
                "schema {} is newer than the {} this release uses",
                dotted(before),
                dotted(needed)
            ),
        ));
    }
    if before < needed {
        let Some(dir) = &req.directory else {
            return Err(Failure::new(
                1,
                format!(
                    "schema {} is older than {}; Ruru has no upgrade scripts of its own: pass -d with the \
                     directory of Kea's upgrade scripts (for example /usr/share/kea/scripts)",
                    dotted(before),
                    dotted(needed)
                ),
            ));
        };
        run_upgrade_scripts(dir, req, password)?;
    }
    let after = current_version(db).await?;
    println!("Database version reported after upgrade: {}", dotted(after));
    if after != needed {
        return Err(Failure::new(
            1,
            format!(
                "schema is {} after upgrading, {} is needed",
                dotted(after),
                dotted(needed)
            ),
        ));
    }
    Ok(())
}

fn run_upgrade_scripts(dir: &Path, req: &Request, password: &str) -> Result<(), Failure> {
    let backend = match req.backend {
        Backend::Pgsql => "pgsql",
        Backend::Mysql => "mysql",
        Backend::Memfile => unreachable!("memfile has no schema"),
    };
    let dir = dir.join(backend);
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| {
            Failure::new(
                1,
                format!("Invalid scripts directory: {}: {e}", dir.display()),
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("upgrade") && n.ends_with(".sh"))
        })
        .collect();
    if scripts.is_empty() {
        return Err(Failure::new(
            1,
            format!("No scripts in {} or the directory is not readable or does not have any upgrade* scripts.", dir.display()),
        ));
    }
    scripts.sort();
    for script in scripts {
        println!("Processing {} file...", script.display());
        let mut cmd = Process::new(&script);
        match req.backend {
            Backend::Pgsql => {
                cmd.args(["-U", &req.user, "-h", &req.host, "-d", &req.name])
                    .env("PGPASSWORD", password);
            }
            _ => {
                cmd.arg(format!("--host={}", req.host))
                    .arg(format!("--user={}", req.user))
                    .arg(format!("--password={password}"))
                    .arg(&req.name);
            }
        }
        if let Some(port) = req.port {
            // kea-admin hands the port to its scripts this way.
            cmd.env("db_port_full_parameter", format!("--port={port}"));
        }
        let status = cmd
            .args(&req.extra)
            .status()
            .map_err(|e| Failure::new(1, format!("{} could not run: {e}", script.display())))?;
        if !status.success() {
            return Err(Failure::new(
                1,
                format!("{} failed: {status}", script.display()),
            ));
        }
    }
    Ok(())
}

/// `stats-recount`.
pub(crate) async fn recount(db: &Db) -> Result<(), Failure> {
    println!("Recount lease statistics from database");
    admin::recount_stats(db).await.map_err(failed)
}
