//! Kea's schema: the version this release reads and writes, and the check made at connect.

use ruru_config::SqlKind;
use sqlx::Row;

use crate::conn::{Db, Pool};
use crate::SqlError;

/// The schema version of Kea 2.2's `dhcpdb_create.pgsql`, which Ruru's PostgreSQL backend uses.
pub const PGSQL_VERSION: (u32, u32) = (13, 0);
/// The schema version of Kea 2.2's `dhcpdb_create.mysql`, which Ruru's MySQL backend uses.
pub const MYSQL_VERSION: (u32, u32) = (14, 0);

/// The version this release needs for `kind`.
pub fn needed(kind: SqlKind) -> (u32, u32) {
    match kind {
        SqlKind::Postgresql => PGSQL_VERSION,
        SqlKind::Mysql => MYSQL_VERSION,
    }
}

/// The schema version recorded in `schema_version`, or `None` when the database has no schema.
pub async fn version(db: &Db) -> Result<Option<(u32, u32)>, SqlError> {
    let r = db
        .run(|db| async move {
            const Q: &str = "SELECT version, minor FROM schema_version";
            let row = match &db.pool {
                Pool::Pg(p) => sqlx::query(Q)
                    .fetch_optional(p)
                    .await
                    .map(|r| r.map(|r| (r.get::<i32, _>(0) as i64, r.get::<i32, _>(1) as i64))),
                Pool::My(p) => sqlx::query(Q)
                    .fetch_optional(p)
                    .await
                    .map(|r| r.map(|r| (r.get::<i32, _>(0) as i64, r.get::<i32, _>(1) as i64))),
            };
            match row {
                Ok(v) => Ok(Some(v)),
                Err(sqlx::Error::Database(d)) if is_missing_table(d.code().as_deref()) => Ok(None),
                Err(e) => Err(e),
            }
        })
        .await?;
    Ok(match r {
        // A table with no row is a schema nobody finished creating: treat as absent.
        None | Some(None) => None,
        Some(Some((v, m))) => Some((v as u32, m as u32)),
    })
}

/// PostgreSQL `undefined_table`, MySQL `ER_NO_SUCH_TABLE`.
fn is_missing_table(code: Option<&str>) -> bool {
    matches!(code, Some("42P01" | "42S02" | "1146"))
}

/// Checks the schema at connect (CTL-095): the needed version passes, another is fatal, a missing
/// schema is created unless `readonly`.
pub async fn check(db: &Db, readonly: bool) -> Result<(), SqlError> {
    let want = needed(db.kind());
    match version(db).await? {
        Some(v) if v == want => Ok(()),
        Some((v, m)) => Err(SqlError::SchemaVersion {
            name: db.name.clone(),
            found: format!("{v}.{m}"),
            needed: format!("{}.{}", want.0, want.1),
        }),
        None if readonly => Err(SqlError::NoSchema {
            name: db.name.clone(),
        }),
        None => {
            tracing::info!(target: "kea-dhcp4.dhcpsrv", id = "DHCPSRV_INIT_DB", database = %db.name, "initializing the database schema");
            crate::init::create(db).await
        }
    }
}
