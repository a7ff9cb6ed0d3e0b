//! Ruru's SQL lease and host backends: PostgreSQL and MySQL/MariaDB over Kea's own schema, so Ruru
//! and Kea can share a database. Queries are plain strings bound at run time (no database at build time).
//! Every statement runs on the crate's database runtime; the stores' futures can be awaited from
//! any executor, as the [`ruru_lease::LeaseStore4`] contract asks.

#![warn(missing_docs)]

pub mod admin;
mod conn;
mod error;
mod host_row;
mod hosts4;
mod hosts6;
mod init;
mod lease4;
mod lease6;
mod lease6_row;
mod lease6_sql;
pub mod schema;
mod sql_hosts;
mod time;

pub use conn::Db;
pub use error::SqlError;
pub use init::create as create_schema;
pub use lease4::SqlLeases4;
pub use lease6::SqlLeases6;
pub use sql_hosts::{HostConfig, SqlHosts, SqlHosts4, SqlHosts6};
pub use time::MAX_DB_TIME;
