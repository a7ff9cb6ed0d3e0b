//! Creating Kea's schema in an empty database (automatic at connect, CTL-095; `ruru-admin db-init`).
//! The DDL is Ruru's own statement of Kea's tables, columns, indexes and triggers at
//! [`PGSQL_VERSION`](crate::schema::PGSQL_VERSION) / [`MYSQL_VERSION`](crate::schema::MYSQL_VERSION).

use crate::conn::{Db, Pool};
use crate::SqlError;

const PGSQL_DDL: &str = include_str!("../schema/pgsql.sql");
const MYSQL_DDL: &str = include_str!("../schema/mysql.sql");

/// Creates the schema in `db`, which must hold none.
pub async fn create(db: &Db) -> Result<(), SqlError> {
    db.run(|db| async move {
        match &db.pool {
            Pool::Pg(p) => sqlx::raw_sql(PGSQL_DDL).execute(p).await.map(drop),
            Pool::My(p) => sqlx::raw_sql(MYSQL_DDL).execute(p).await.map(drop),
        }
    })
    .await
}
