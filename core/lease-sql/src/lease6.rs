//! The DHCPv6 lease store over Kea 2.2's `lease6` table (CTL-094), shared with Kea itself.

use std::net::Ipv6Addr;

use ruru_config::SqlDatabase;
use ruru_lease::{Duid, Lease6, LeaseStore6, LeaseType, StoreError};
use sqlx::Row;

use crate::conn::{Db, Pool};
use crate::lease6_row::{bind_args, lease_from_row, Arg, Encoded6};
use crate::lease6_sql::{my, pg, Sql6};
use crate::time::{expire_to_db, MAX_DB_TIME};
use crate::{schema, SqlError};

/// Runs `$body` with `$pool` the driver pool and `$sql` the [`Sql6`] of `$db`'s backend: the one
/// place the two drivers' types part, so every query is written once.
macro_rules! on_backend {
    ($db:expr, |$pool:ident, $sql:ident| $body:expr) => {
        match &$db.pool {
            Pool::Pg($pool) => {
                let $sql = &pg::SQL;
                $body
            }
            Pool::My($pool) => {
                let $sql = &my::SQL;
                $body
            }
        }
    };
}

/// A statement of the backend's [`Sql6`].
type Pick = fn(&Sql6) -> &'static str;

/// A bound on rows as SQL `LIMIT` takes it; 0 or more than the database counts is all.
fn sql_limit(limit: usize) -> i64 {
    match i64::try_from(limit) {
        Ok(0) | Err(_) => i64::MAX,
        Ok(n) => n,
    }
}

/// A time to compare `expire` with: every stored expiration is at most [`MAX_DB_TIME`], so a
/// later instant selects the same rows and stays within the databases' timestamp range.
fn db_time(t: u64) -> i64 {
    i64::try_from(t).map_or(MAX_DB_TIME, |t| t.min(MAX_DB_TIME))
}

/// The DHCPv6 lease store on PostgreSQL or MySQL/MariaDB, over Kea 2.2's schema, so Ruru and Kea
/// can share the database: Kea's column encodings are matched exactly (the address as canonical
/// text, the IAID signed on PostgreSQL, `expire` = cltt + valid lifetime in UTC, or cltt for an
/// infinite lifetime). Kea 2.2 has no `pool_id` column: leases read back with pool 0.
///
/// Lookups by DUID, IAID and hostname return leases in address order, as the memfile does;
/// [`page6`](LeaseStore6::page6) pages in the database's order of the address text (see there).
pub struct SqlLeases6 {
    db: Db,
}

impl SqlLeases6 {
    /// Connects to `params` and checks the schema (creating it in an empty database).
    pub async fn open(params: &SqlDatabase) -> Result<SqlLeases6, SqlError> {
        let db = Db::connect(params).await?;
        schema::check(&db, false).await?;
        Ok(SqlLeases6 { db })
    }

    /// The database handle (reconnection probes, closing).
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// A store over `db` without checking it (a connection made later: `retry-on-startup`; the
    /// server's watcher checks the schema once the database answers).
    pub fn from_db(db: Db) -> SqlLeases6 {
        SqlLeases6 { db }
    }

    /// Leases the statement `pick` selects with `args`.
    async fn select(&self, pick: Pick, args: Vec<Arg>) -> Result<Vec<Lease6>, SqlError> {
        self.db
            .run(move |db| async move {
                on_backend!(db, |pool, sql| {
                    let rows = bind_args(sqlx::query(pick(sql)), args)
                        .fetch_all(pool)
                        .await?;
                    rows.iter().map(lease_from_row).collect()
                })
            })
            .await
    }

    /// Leases `pick` selects, in address order.
    async fn select_sorted(&self, pick: Pick, args: Vec<Arg>) -> Result<Vec<Lease6>, SqlError> {
        let mut leases = self.select(pick, args).await?;
        leases.sort_by_key(|l| l.address);
        Ok(leases)
    }

    /// Runs the statement `pick` with `args`; the number of rows it matched.
    async fn execute(&self, pick: Pick, args: Vec<Arg>) -> Result<u64, SqlError> {
        self.db
            .run(move |db| async move {
                on_backend!(db, |pool, sql| {
                    bind_args(sqlx::query(pick(sql)), args)
                        .execute(pool)
                        .await
                        .map(|r| r.rows_affected())
                })
            })
            .await
    }

    /// Inserts `lease` (`read` is `None`) or replaces `read` with it; the rows matched. An insert
    /// of a taken address is `Ok(0)`.
    async fn write(&self, lease: &Lease6, read: Option<&Lease6>) -> Result<u64, StoreError> {
        lease.check_storable()?;
        // Encoded first: the year-2038 refusal (CTL-096) sends no statement.
        let row = Encoded6::new(&self.db.name, lease, self.sql())?;
        let read_expire = read
            .map(|r| expire_to_db(&self.db.name, r.cltt, r.valid_lifetime))
            .transpose()?;
        let n = self
            .db
            .run(move |db| async move {
                on_backend!(db, |pool, sql| {
                    let q = match read_expire {
                        None => row.bind(sqlx::query(sql.insert)),
                        Some(expire) => row.bind(sqlx::query(sql.update)).bind(expire),
                    };
                    match q.execute(pool).await {
                        Ok(r) => Ok(r.rows_affected()),
                        Err(sqlx::Error::Database(e))
                            if read_expire.is_none() && e.is_unique_violation() =>
                        {
                            Ok(0)
                        }
                        Err(e) => Err(e),
                    }
                })
            })
            .await?;
        Ok(n)
    }

    /// Logs operation `op` at debug level with Kea's message id for this backend.
    fn log(&self, op: &str, what: impl std::fmt::Display) {
        tracing::debug!(
            target: "kea-dhcp6.dhcpsrv",
            id = %format_args!("DHCPSRV_{}_{op}", self.sql().kea_name),
            database = %self.db.name,
            "{what}"
        );
    }

    /// The statements and encodings of this database's backend.
    fn sql(&self) -> &'static Sql6 {
        on_backend!(self.db, |_pool, sql| sql)
    }
}

impl LeaseStore6 for SqlLeases6 {
    async fn get6(
        &self,
        lease_type: LeaseType,
        addr: Ipv6Addr,
    ) -> Result<Option<Lease6>, StoreError> {
        self.log(
            "GET_ADDR6",
            format_args!("getting {lease_type} lease for address {addr}"),
        );
        let args = vec![
            Arg::Text(addr.to_string()),
            Arg::Int(lease_type.as_u32().into()),
        ];
        Ok(self.select(|s| s.get, args).await?.into_iter().next())
    }

    async fn get6_by_duid_iaid(
        &self,
        lease_type: LeaseType,
        duid: &Duid,
        iaid: u32,
        subnet_id: Option<u32>,
    ) -> Result<Vec<Lease6>, StoreError> {
        match subnet_id {
            Some(s) => self.log(
                "GET_IAID_SUBID_DUID",
                format_args!(
                    "getting {lease_type} leases for IAID {iaid}, subnet {s}, DUID {duid}"
                ),
            ),
            None => self.log(
                "GET_IAID_DUID",
                format_args!("getting {lease_type} leases for IAID {iaid}, DUID {duid}"),
            ),
        }
        let mut args = vec![
            Arg::Bytes(duid.as_bytes().to_vec()),
            Arg::Int((self.sql().iaid)(iaid)),
            Arg::Int(lease_type.as_u32().into()),
        ];
        let pick: Pick = match subnet_id {
            Some(id) => {
                args.push(Arg::Int(id.into()));
                |s| s.by_duid_iaid_subnet
            }
            None => |s| s.by_duid_iaid,
        };
        Ok(self.select_sorted(pick, args).await?)
    }

    async fn get6_by_duid(&self, duid: &Duid) -> Result<Vec<Lease6>, StoreError> {
        self.log("GET_DUID", format_args!("getting leases for DUID {duid}"));
        let args = vec![Arg::Bytes(duid.as_bytes().to_vec())];
        Ok(self.select_sorted(|s| s.by_duid, args).await?)
    }

    async fn get6_by_hostname(&self, hostname: &str) -> Result<Vec<Lease6>, StoreError> {
        self.log(
            "GET_HOSTNAME6",
            format_args!("getting leases for hostname {hostname:?}"),
        );
        let args = vec![Arg::Text(hostname.to_owned())];
        let mut leases = self.select_sorted(|s| s.by_hostname, args).await?;
        leases.retain(|l| l.hostname.eq_ignore_ascii_case(hostname));
        Ok(leases)
    }

    async fn add6(&self, lease: &Lease6) -> Result<bool, StoreError> {
        self.log(
            "ADD_ADDR6",
            format_args!("adding {} lease {}", lease.lease_type, lease.address),
        );
        Ok(self.write(lease, None).await? == 1)
    }

    /// Matched rows, not changed ones, decide: an update with identical values is `Ok(true)`
    /// (sqlx's MySQL driver connects with `CLIENT_FOUND_ROWS`).
    async fn update6(&self, lease: &Lease6, read: &Lease6) -> Result<bool, StoreError> {
        self.log(
            "UPDATE_ADDR6",
            format_args!("updating {} lease {}", lease.lease_type, lease.address),
        );
        Ok(self.write(lease, Some(read)).await? > 0)
    }

    async fn delete6(&self, read: &Lease6) -> Result<bool, StoreError> {
        self.log(
            "DELETE_ADDR",
            format_args!("deleting {} lease {}", read.lease_type, read.address),
        );
        let expire = expire_to_db(&self.db.name, read.cltt, read.valid_lifetime)?;
        let args = vec![
            Arg::Text(read.address.to_string()),
            Arg::Int(read.lease_type.as_u32().into()),
            Arg::Int(expire),
        ];
        Ok(self.execute(|s| s.delete, args).await? > 0)
    }

    /// Leases with an infinite lifetime never expire (their stored `expire` is their cltt).
    /// Leases expiring in the same second come in the order of their address text.
    async fn expired6(&self, now: u64, limit: usize) -> Result<Vec<Lease6>, StoreError> {
        self.log(
            "GET_EXPIRED6",
            format_args!("getting up to {limit} leases expired at {now}"),
        );
        let args = vec![Arg::Int(db_time(now)), Arg::Int(sql_limit(limit))];
        Ok(self.select(|s| s.expired, args).await?)
    }

    async fn flush_reclaimed6(&self, now: u64, hold_secs: u64) -> Result<usize, StoreError> {
        self.log(
            "DELETE_EXPIRED_RECLAIMED6",
            format_args!("deleting reclaimed leases held {hold_secs} s at {now}"),
        );
        let Some(cutoff) = now.checked_sub(hold_secs) else {
            return Ok(0);
        };
        let n = self
            .execute(|s| s.flush_reclaimed, vec![Arg::Int(db_time(cutoff))])
            .await?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// SQL pages come in the order of the `address` column's text (the canonical form Kea
    /// stores) under the database's collation, not in numeric address order: Kea 2.2 pages its
    /// SQL backends the same way (`lease6-get-page` lists `2001:db8:1::10` before
    /// `2001:db8:1::9`), and the primary key's index serves each page. Leases after `from` are
    /// those whose text sorts after `from`'s canonical text, so following pages from the last
    /// address of each visits every lease exactly once.
    async fn page6(&self, from: Option<Ipv6Addr>, limit: usize) -> Result<Vec<Lease6>, StoreError> {
        self.log(
            "GET_PAGE6",
            format_args!("getting {limit} leases after {from:?}"),
        );
        if limit == 0 {
            return Ok(Vec::new());
        }
        // The empty text sorts before every address.
        let from = from.map(|a| a.to_string()).unwrap_or_default();
        let args = vec![Arg::Text(from), Arg::Int(sql_limit(limit))];
        Ok(self.select(|s| s.page, args).await?)
    }

    async fn count6(&self) -> Result<usize, StoreError> {
        let n = self
            .db
            .run(|db| async move {
                on_backend!(db, |pool, sql| {
                    let row = sqlx::query(sql.count).fetch_one(pool).await?;
                    row.try_get::<i64, _>(0)
                })
            })
            .await?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Every statement is committed when it returns: nothing to flush.
    async fn flush(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
