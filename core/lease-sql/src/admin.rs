//! Maintenance statements for `ruru-admin`: what a database holds, and recounting the lease
//! statistics tables from the lease tables.

use sqlx::Row;

use crate::conn::{Db, Pool};
use crate::SqlError;

/// The tables of the connected database (its current schema), sorted: `db-init` refuses a
/// database that has any.
pub async fn tables(db: &Db) -> Result<Vec<String>, SqlError> {
    db.run(|db| async move {
        match &db.pool {
            Pool::Pg(p) => sqlx::query(
                "SELECT table_name::TEXT FROM information_schema.tables \
                     WHERE table_schema = current_schema() ORDER BY 1",
            )
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect(),
            Pool::My(p) => sqlx::query(
                "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
                     WHERE table_schema = DATABASE() ORDER BY 1",
            )
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect(),
        }
    })
    .await
}

/// Recounting, in one transaction per family: the counted states are default (0) and declined
/// (1), as the triggers count them.
const RECOUNT: [&str; 4] = [
    "DELETE FROM lease4_stat",
    "INSERT INTO lease4_stat (subnet_id, state, leases) \
     SELECT subnet_id, state, COUNT(*) FROM lease4 WHERE state IN (0, 1) GROUP BY subnet_id, state",
    "DELETE FROM lease6_stat",
    "INSERT INTO lease6_stat (subnet_id, lease_type, state, leases) \
     SELECT subnet_id, lease_type, state, COUNT(*) FROM lease6 WHERE state IN (0, 1) \
     GROUP BY subnet_id, lease_type, state",
];

/// Replaces the contents of `lease4_stat` and `lease6_stat` with counts computed from the lease
/// tables (`stats-recount`).
pub async fn recount_stats(db: &Db) -> Result<(), SqlError> {
    db.run(|db| async move {
        // A macro rather than two copies: the pools differ only in their driver type.
        macro_rules! recount {
            ($pool:expr) => {{
                for pair in RECOUNT.chunks(2) {
                    let mut tx = $pool.begin().await?;
                    for stmt in pair {
                        sqlx::query(stmt).execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                }
                Ok(())
            }};
        }
        match &db.pool {
            Pool::Pg(p) => recount!(p),
            Pool::My(p) => recount!(p),
        }
    })
    .await
}
