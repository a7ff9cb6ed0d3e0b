//! The DHCPv4 SQL lease store over Kea 2.2's `lease4` table, on PostgreSQL and MySQL/MariaDB
//! (CTL-094): same columns and encodings as Kea, so both servers can share one database.
//!
//! Encodings (Kea 2.2's, an interface): `address` as an integer (PostgreSQL BIGINT, MySQL INT
//! UNSIGNED); `hwaddr`/`client_id` as bytes, empty when absent as Kea writes them (Kea 2.2 reads a
//! NULL `hwaddr` from MySQL as garbage) and NULL or empty read as absent, as the lease file does;
//! no hardware type column, so addresses read back as Ethernet; `expire` a UTC timestamp with
//! `cltt = expire − valid_lifetime` (see [`crate::time`]); `user_context` JSON text, NULL when
//! none (Kea writes an empty string, also read as none); no pool column (read as 0). Kea 2.2's
//! `lease_state` table has no state Released: a released lease kept for affinity is stored as
//! expired-reclaimed, which is how Kea 2.2 keeps one.
//! Kea's triggers keep its per-subnet statistics tables in step with every change made here.

use std::net::Ipv4Addr;

use ruru_lease::{ClientId, HwAddr, Lease4, LeaseState, LeaseStore4, StoreError, HTYPE_ETHER};
use sqlx::{ColumnIndex, Decode, Row, Type};

use crate::conn::{Db, Pool};
use crate::time::{cltt_from_db, expire_to_db, MAX_DB_TIME};
use crate::SqlError;

/// The DHCPv4 lease store on a SQL database with Kea's schema.
#[derive(Clone, Debug)]
pub struct SqlLeases4 {
    db: Db,
}

/// The SELECT list every lease query reads, in [`Columns4`] order. MySQL's unsigned integers and
/// timestamps are cast so both backends hand back the same Rust types.
macro_rules! pg_cols4 {
    () => {
        "address, hwaddr, client_id, valid_lifetime, extract(epoch FROM expire)::bigint, \
         subnet_id, fqdn_fwd, fqdn_rev, hostname, state, user_context"
    };
}
macro_rules! my_cols4 {
    () => {
        "CAST(address AS SIGNED), hwaddr, client_id, CAST(valid_lifetime AS SIGNED), \
         CAST(UNIX_TIMESTAMP(expire) AS SIGNED), CAST(subnet_id AS SIGNED), fqdn_fwd, fqdn_rev, \
         hostname, CAST(state AS SIGNED), user_context"
    };
}

/// One backend's statements. `valid_lifetime <> 4294967295` keeps infinite leases (which never
/// expire) out of reclamation and flushing. Written lease fields are bound in [`Params4`] order
/// (address last), which INSERT and UPDATE share; UPDATE then binds the `expire` of the lease read,
/// which the row must still hold (Kea's condition, LC-116), as DELETE does after the address.
struct Statements4 {
    get: &'static str,
    by_hwaddr: &'static str,
    by_client_id: &'static str,
    /// Candidates for a case-insensitive host name match; the exact ASCII rule is applied after.
    by_hostname: &'static str,
    /// Leases with no host name (empty or NULL).
    by_empty_hostname: &'static str,
    insert: &'static str,
    update: &'static str,
    delete: &'static str,
    /// Unreclaimed, finite leases with `expire <= $1`, oldest first, at most `$2`.
    expired: &'static str,
    /// Reclaimed, finite leases with `expire <= $1`.
    flush_reclaimed: &'static str,
    page: &'static str,
    count: &'static str,
}

const PG: Statements4 = Statements4 {
    get: concat!("SELECT ", pg_cols4!(), " FROM lease4 WHERE address = $1"),
    by_hwaddr: concat!(
        "SELECT ",
        pg_cols4!(),
        " FROM lease4 WHERE hwaddr = $1 ORDER BY address"
    ),
    by_client_id: concat!(
        "SELECT ",
        pg_cols4!(),
        " FROM lease4 WHERE client_id = $1 ORDER BY address"
    ),
    // lower(hostname) is Kea's lease4_by_hostname index.
    by_hostname: concat!(
        "SELECT ",
        pg_cols4!(),
        " FROM lease4 WHERE lower(hostname) = lower($1) ORDER BY address"
    ),
    by_empty_hostname: concat!(
        "SELECT ",
        pg_cols4!(),
        " FROM lease4 WHERE hostname = '' OR hostname IS NULL ORDER BY address"
    ),
    insert: "INSERT INTO lease4 (hwaddr, client_id, valid_lifetime, expire, subnet_id, fqdn_fwd, \
             fqdn_rev, hostname, state, user_context, address) \
             VALUES ($1, $2, $3, to_timestamp($4), $5, $6, $7, $8, $9, $10, $11)",
    update: "UPDATE lease4 SET hwaddr = $1, client_id = $2, valid_lifetime = $3, \
             expire = to_timestamp($4), subnet_id = $5, fqdn_fwd = $6, fqdn_rev = $7, \
             hostname = $8, state = $9, user_context = $10 \
             WHERE address = $11 AND expire = to_timestamp($12)",
    delete: "DELETE FROM lease4 WHERE address = $1 AND expire = to_timestamp($2)",
    // state, expire: Kea's lease4_by_state_expire index.
    expired: concat!(
        "SELECT ",
        pg_cols4!(),
        " FROM lease4 WHERE state <> 2 AND expire <= to_timestamp($1) \
              AND valid_lifetime <> ",
        "4294967295",
        " ORDER BY expire, address LIMIT $2"
    ),
    flush_reclaimed: concat!(
        "DELETE FROM lease4 WHERE state = 2 AND expire <= to_timestamp($1) \
                      AND valid_lifetime <> ",
        "4294967295"
    ),
    page: concat!(
        "SELECT ",
        pg_cols4!(),
        " FROM lease4 WHERE address > $1 ORDER BY address LIMIT $2"
    ),
    count: "SELECT COUNT(*) FROM lease4",
};

const MY: Statements4 = Statements4 {
    get: concat!("SELECT ", my_cols4!(), " FROM lease4 WHERE address = ?"),
    by_hwaddr: concat!(
        "SELECT ",
        my_cols4!(),
        " FROM lease4 WHERE hwaddr = ? ORDER BY address"
    ),
    by_client_id: concat!(
        "SELECT ",
        my_cols4!(),
        " FROM lease4 WHERE client_id = ? ORDER BY address"
    ),
    // The column's collation is case-insensitive, so the lease4_by_hostname index serves.
    by_hostname: concat!(
        "SELECT ",
        my_cols4!(),
        " FROM lease4 WHERE hostname = ? ORDER BY address"
    ),
    by_empty_hostname: concat!(
        "SELECT ",
        my_cols4!(),
        " FROM lease4 WHERE hostname = '' OR hostname IS NULL ORDER BY address"
    ),
    insert: "INSERT INTO lease4 (hwaddr, client_id, valid_lifetime, expire, subnet_id, fqdn_fwd, \
             fqdn_rev, hostname, state, user_context, address) \
             VALUES (?, ?, ?, FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?, ?)",
    update: "UPDATE lease4 SET hwaddr = ?, client_id = ?, valid_lifetime = ?, \
             expire = FROM_UNIXTIME(?), subnet_id = ?, fqdn_fwd = ?, fqdn_rev = ?, \
             hostname = ?, state = ?, user_context = ? \
             WHERE address = ? AND expire = FROM_UNIXTIME(?)",
    delete: "DELETE FROM lease4 WHERE address = ? AND expire = FROM_UNIXTIME(?)",
    // expire, state: Kea's lease4_by_expire_state index.
    expired: concat!(
        "SELECT ",
        my_cols4!(),
        " FROM lease4 WHERE state <> 2 AND expire <= FROM_UNIXTIME(?) \
              AND valid_lifetime <> ",
        "4294967295",
        " ORDER BY expire, address LIMIT ?"
    ),
    flush_reclaimed: concat!(
        "DELETE FROM lease4 WHERE state = 2 AND expire <= FROM_UNIXTIME(?) \
                      AND valid_lifetime <> ",
        "4294967295"
    ),
    page: concat!(
        "SELECT ",
        my_cols4!(),
        " FROM lease4 WHERE address > ? ORDER BY address LIMIT ?"
    ),
    count: "SELECT COUNT(*) FROM lease4",
};

/// PostgreSQL's `lease4-wipe`: one statement returning what it deleted.
const PG_WIPE: &str = concat!(
    "DELETE FROM lease4 WHERE subnet_id = ANY($1) RETURNING ",
    pg_cols4!()
);
/// MySQL's `lease4-wipe`, per subnet inside one transaction: read (locking) then delete.
const MY_WIPE_SELECT: &str = concat!(
    "SELECT ",
    my_cols4!(),
    " FROM lease4 WHERE subnet_id = ? FOR UPDATE"
);
const MY_WIPE_DELETE: &str = "DELETE FROM lease4 WHERE subnet_id = ?";

/// Runs `$body` against the pool of `$db` with `$pool` bound to the concrete driver pool and
/// `$sql` to that backend's [`Statements4`]: the body is written once and type-checked per driver.
macro_rules! each_backend {
    ($db:expr, |$pool:ident, $sql:ident| $body:expr) => {
        match &$db.pool {
            Pool::Pg($pool) => {
                let $sql = &PG;
                $body
            }
            Pool::My($pool) => {
                let $sql = &MY;
                $body
            }
        }
    };
}

/// Binds a [`Params4`] in statement order.
macro_rules! bind_params4 {
    ($query:expr, $p:expr) => {{
        let p = $p;
        $query
            .bind(p.hwaddr)
            .bind(p.client_id)
            .bind(p.valid_lifetime)
            .bind(p.expire)
            .bind(p.subnet_id)
            .bind(p.fqdn_fwd)
            .bind(p.fqdn_rev)
            .bind(p.hostname)
            .bind(p.state)
            .bind(p.user_context)
            .bind(p.address)
    }};
}

/// A lease's column values as written.
struct Params4 {
    hwaddr: Vec<u8>,
    client_id: Vec<u8>,
    valid_lifetime: i64,
    expire: i64,
    subnet_id: i64,
    fqdn_fwd: bool,
    fqdn_rev: bool,
    hostname: String,
    state: i64,
    user_context: Option<String>,
    address: i64,
}

impl Params4 {
    /// The column values of `lease`; an expiration past the year-2038 limit is refused (CTL-096).
    fn of(db: &str, lease: &Lease4) -> Result<Params4, SqlError> {
        Ok(Params4 {
            hwaddr: lease
                .hwaddr
                .map(|h| h.as_bytes().to_vec())
                .unwrap_or_default(),
            client_id: lease
                .client_id
                .as_ref()
                .map(|c| c.as_bytes().to_vec())
                .unwrap_or_default(),
            valid_lifetime: i64::from(lease.valid_lifetime),
            expire: expire_to_db(db, lease.cltt, lease.valid_lifetime)?,
            subnet_id: i64::from(lease.subnet_id),
            fqdn_fwd: lease.fqdn_fwd,
            fqdn_rev: lease.fqdn_rev,
            hostname: lease.hostname.clone(),
            state: i64::from(crate::time::stored_state(lease.state).as_u32()),
            user_context: lease
                .user_context
                .as_ref()
                .map(|c| serde_json::Value::Object(c.clone()).to_string()),
            address: i64::from(u32::from(lease.address)),
        })
    }
}

/// A row that cannot be a lease (written by something else than Kea or Ruru).
fn bad_row(what: String) -> sqlx::Error {
    sqlx::Error::Decode(what.into())
}

/// The lease in a row of the SELECT list [`pg_cols4`]/[`my_cols4`].
fn lease_of_row<'r, R>(row: &'r R) -> Result<Lease4, sqlx::Error>
where
    R: Row,
    usize: ColumnIndex<R>,
    Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
    Option<bool>: Decode<'r, R::Database> + Type<R::Database>,
    Option<Vec<u8>>: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
{
    let int = |i: usize| -> Result<i64, sqlx::Error> {
        Ok(row.try_get::<Option<i64>, _>(i)?.unwrap_or(0))
    };
    let address = int(0)?;
    let address = u32::try_from(address)
        .map(Ipv4Addr::from)
        .map_err(|_| bad_row(format!("lease4 address {address} is not an IPv4 address")))?;
    let u32_col = |i: usize, name: &str| -> Result<u32, sqlx::Error> {
        let v = int(i)?;
        u32::try_from(v).map_err(|_| bad_row(format!("lease4 {address}: {name} {v} out of range")))
    };
    let valid_lifetime = u32_col(3, "valid_lifetime")?;
    let expire = int(4)?;
    let subnet_id = u32_col(5, "subnet_id")?;
    let state = u32_col(9, "state")?;
    let state = LeaseState::from_u32(state)
        .ok_or_else(|| bad_row(format!("lease4 {address}: unknown state {state}")))?;
    // Kea writes "no context" as an empty string.
    let user_context = match row.try_get::<Option<String>, _>(10)? {
        None => None,
        Some(text) if text.is_empty() => None,
        Some(text) => match serde_json::from_str(&text) {
            Ok(serde_json::Value::Object(map)) => Some(map),
            _ => {
                return Err(bad_row(format!(
                    "lease4 {address}: user_context is not a JSON object"
                )))
            }
        },
    };
    Ok(Lease4 {
        address,
        hwaddr: row
            .try_get::<Option<Vec<u8>>, _>(1)?
            .filter(|b| !b.is_empty())
            .map(|b| HwAddr::new(HTYPE_ETHER, &b)),
        client_id: row
            .try_get::<Option<Vec<u8>>, _>(2)?
            .filter(|b| !b.is_empty())
            .map(|b| ClientId::new(&b)),
        valid_lifetime,
        cltt: cltt_from_db(expire, valid_lifetime),
        subnet_id,
        fqdn_fwd: row.try_get::<Option<bool>, _>(6)?.unwrap_or(false),
        fqdn_rev: row.try_get::<Option<bool>, _>(7)?.unwrap_or(false),
        hostname: row.try_get::<Option<String>, _>(8)?.unwrap_or_default(),
        state,
        user_context,
        pool_id: 0,
    })
}

/// Whether `e` says a lease of `address` already exists. Only lease4's own key counts: Kea's
/// statistics triggers may hit a duplicate in `lease4_stat` when two servers insert the first
/// lease of a subnet and state at once, which is a failed write, not a taken address.
fn holds_address(e: &dyn sqlx::error::DatabaseError, address: i64) -> bool {
    e.is_unique_violation()
        && (e.constraint() == Some("lease4_pkey")
            // MySQL names no constraint; its message quotes the duplicate value and key.
            || e.message()
                .contains(&format!("'{address}' for key 'PRIMARY'")))
}

/// A time bound for comparisons with `expire`: every stored expiration is at most
/// [`MAX_DB_TIME`], so clamping a later bound changes no answer and keeps it representable.
fn time_bound(t: u64) -> i64 {
    i64::try_from(t).unwrap_or(i64::MAX).min(MAX_DB_TIME)
}

/// A row count limit as the databases take it (0 is 0).
fn row_limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl SqlLeases4 {
    /// Connects to `params` and checks (or creates) Kea's schema.
    pub async fn open(params: &ruru_config::SqlDatabase) -> Result<SqlLeases4, SqlError> {
        let db = Db::connect(params).await?;
        crate::schema::check(&db, false).await?;
        Ok(SqlLeases4 { db })
    }

    /// A store over `db` without checking it (a connection made later: `retry-on-startup`; the
    /// server's watcher checks the schema once the database answers).
    pub fn from_db(db: Db) -> SqlLeases4 {
        SqlLeases4 { db }
    }

    /// The database handle (reconnection probes, closing).
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Leases that statement `pick` selects with one bound value, in address order.
    async fn select_by<T>(
        &self,
        pick: fn(&Statements4) -> &'static str,
        value: T,
    ) -> Result<Vec<Lease4>, SqlError>
    where
        T: Send + 'static,
        T: for<'q> sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
        T: for<'q> sqlx::Encode<'q, sqlx::MySql> + sqlx::Type<sqlx::MySql>,
    {
        self.db
            .run(move |db| async move {
                each_backend!(db, |p, s| {
                    let rows = sqlx::query(pick(s)).bind(value).fetch_all(p).await?;
                    rows.iter().map(lease_of_row).collect()
                })
            })
            .await
    }

    /// Inserts `lease` (`read` is `None`) or replaces `read` with it, returning the rows matched
    /// (`None`: the address is taken, for an INSERT).
    async fn write(&self, lease: &Lease4, read: Option<&Lease4>) -> Result<Option<u64>, SqlError> {
        let params = Params4::of(&self.db.name, lease)?;
        let address = params.address;
        let read_expire = read
            .map(|r| expire_to_db(&self.db.name, r.cltt, r.valid_lifetime))
            .transpose()?;
        self.db
            .run(move |db| async move {
                let done = each_backend!(db, |p, s| {
                    let q = match read_expire {
                        None => bind_params4!(sqlx::query(s.insert), params),
                        Some(expire) => bind_params4!(sqlx::query(s.update), params).bind(expire),
                    };
                    q.execute(p).await.map(|r| r.rows_affected())
                });
                match done {
                    Ok(n) => Ok(Some(n)),
                    Err(sqlx::Error::Database(d)) if holds_address(&*d, address) => Ok(None),
                    Err(e) => Err(e),
                }
            })
            .await
    }
}

impl LeaseStore4 for SqlLeases4 {
    async fn get4(&self, addr: Ipv4Addr) -> Result<Option<Lease4>, StoreError> {
        let found = self
            .select_by(|s| s.get, i64::from(u32::from(addr)))
            .await?;
        Ok(found.into_iter().next())
    }

    async fn get4_by_hwaddr(&self, hw: &HwAddr) -> Result<Vec<Lease4>, StoreError> {
        // Empty bytes are stored for "none", which no lease holds.
        if hw.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .select_by(|s| s.by_hwaddr, hw.as_bytes().to_vec())
            .await?)
    }

    async fn get4_by_client_id(&self, id: &ClientId) -> Result<Vec<Lease4>, StoreError> {
        if id.as_bytes().is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .select_by(|s| s.by_client_id, id.as_bytes().to_vec())
            .await?)
    }

    async fn get4_by_hostname(&self, name: &str) -> Result<Vec<Lease4>, StoreError> {
        if name.is_empty() {
            return Ok(self
                .db
                .run(|db| async move {
                    each_backend!(db, |p, s| {
                        let rows = sqlx::query(s.by_empty_hostname).fetch_all(p).await?;
                        rows.iter().map(lease_of_row).collect()
                    })
                })
                .await?);
        }
        // The databases' case folding is wider than ASCII (Unicode, accents, trailing spaces);
        // it finds a superset, narrowed here to the contract's ASCII rule.
        let mut found = self.select_by(|s| s.by_hostname, name.to_owned()).await?;
        found.retain(|l| l.hostname.eq_ignore_ascii_case(name));
        Ok(found)
    }

    async fn add4(&self, lease: &Lease4) -> Result<bool, StoreError> {
        Ok(self.write(lease, None).await?.is_some())
    }

    async fn update4(&self, lease: &Lease4, read: &Lease4) -> Result<bool, StoreError> {
        // Rows matched, not changed: sqlx's MySQL driver connects with CLIENT_FOUND_ROWS.
        Ok(self.write(lease, Some(read)).await?.unwrap_or(0) > 0)
    }

    async fn delete4(&self, read: &Lease4) -> Result<bool, StoreError> {
        let addr = i64::from(u32::from(read.address));
        let expire = expire_to_db(&self.db.name, read.cltt, read.valid_lifetime)?;
        let n = self
            .db
            .run(move |db| async move {
                each_backend!(db, |p, s| sqlx::query(s.delete)
                    .bind(addr)
                    .bind(expire)
                    .execute(p)
                    .await
                    .map(|r| r.rows_affected()))
            })
            .await?;
        Ok(n > 0)
    }

    async fn wipe4(&self, ids: &[u32]) -> Result<Vec<Lease4>, StoreError> {
        let ids: Vec<i64> = ids.iter().map(|&i| i64::from(i)).collect();
        let mut gone = self
            .db
            .run(move |db| async move {
                match &db.pool {
                    Pool::Pg(p) => {
                        let rows = sqlx::query(PG_WIPE).bind(ids).fetch_all(p).await?;
                        rows.iter().map(lease_of_row).collect::<Result<Vec<_>, _>>()
                    }
                    Pool::My(p) => {
                        let mut tx = p.begin().await?;
                        let mut gone = Vec::new();
                        for id in ids {
                            let rows = sqlx::query(MY_WIPE_SELECT)
                                .bind(id)
                                .fetch_all(&mut *tx)
                                .await?;
                            for row in &rows {
                                gone.push(lease_of_row(row)?);
                            }
                            sqlx::query(MY_WIPE_DELETE)
                                .bind(id)
                                .execute(&mut *tx)
                                .await?;
                        }
                        tx.commit().await?;
                        Ok(gone)
                    }
                }
            })
            .await?;
        gone.sort_by_key(|l| l.address);
        gone.dedup_by_key(|l| l.address);
        Ok(gone)
    }

    async fn expired4(&self, now: u64, limit: usize) -> Result<Vec<Lease4>, StoreError> {
        let now = time_bound(now);
        let limit = row_limit(if limit == 0 { usize::MAX } else { limit });
        Ok(self
            .db
            .run(move |db| async move {
                each_backend!(db, |p, s| {
                    let rows = sqlx::query(s.expired)
                        .bind(now)
                        .bind(limit)
                        .fetch_all(p)
                        .await?;
                    rows.iter().map(lease_of_row).collect()
                })
            })
            .await?)
    }

    async fn flush_reclaimed4(&self, now: u64, hold_secs: u64) -> Result<usize, StoreError> {
        let Some(cutoff) = now.checked_sub(hold_secs) else {
            return Ok(0);
        };
        let cutoff = time_bound(cutoff);
        let n = self
            .db
            .run(move |db| async move {
                each_backend!(db, |p, s| sqlx::query(s.flush_reclaimed)
                    .bind(cutoff)
                    .execute(p)
                    .await
                    .map(|r| r.rows_affected()))
            })
            .await?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    async fn page4(&self, from: Option<Ipv4Addr>, limit: usize) -> Result<Vec<Lease4>, StoreError> {
        // -1: below every address.
        let from = from.map_or(-1, |a| i64::from(u32::from(a)));
        let limit = row_limit(limit);
        Ok(self
            .db
            .run(move |db| async move {
                each_backend!(db, |p, s| {
                    let rows = sqlx::query(s.page)
                        .bind(from)
                        .bind(limit)
                        .fetch_all(p)
                        .await?;
                    rows.iter().map(lease_of_row).collect()
                })
            })
            .await?)
    }

    async fn count4(&self) -> Result<usize, StoreError> {
        let n: i64 = self
            .db
            .run(|db| async move {
                each_backend!(db, |p, s| sqlx::query_scalar(s.count).fetch_one(p).await)
            })
            .await?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    async fn flush(&self) -> Result<(), StoreError> {
        // Every statement is committed when it returns.
        Ok(())
    }
}
