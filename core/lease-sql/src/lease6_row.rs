//! A [`Lease6`] as `lease6` columns: encoding for binding and decoding of the rows
//! [`lease6_sql`](crate::lease6_sql)'s queries read, written once for both drivers.

use std::net::Ipv6Addr;

use ruru_lease::{Duid, HwAddr, Lease6, LeaseState, LeaseType};
use sqlx::query::Query;
use sqlx::{ColumnIndex, Database, Decode, Encode, Row, Type};

use crate::lease6_sql::Sql6;
use crate::time::{cltt_from_db, expire_to_db};
use crate::SqlError;

/// A value a driver binds.
pub(crate) trait Bindable<'q, DB: Database>: Encode<'q, DB> + Type<DB> + Send + 'q {}
impl<'q, DB: Database, T: Encode<'q, DB> + Type<DB> + Send + 'q> Bindable<'q, DB> for T {}

/// A statement parameter.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

/// Binds `args` in order.
pub(crate) fn bind_args<'q, DB: sqlx::Database>(
    mut q: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    args: Vec<Arg>,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    i64: Bindable<'q, DB>,
    String: Bindable<'q, DB>,
    Vec<u8>: Bindable<'q, DB>,
{
    for a in args {
        q = match a {
            Arg::Int(v) => q.bind(v),
            Arg::Text(v) => q.bind(v),
            Arg::Bytes(v) => q.bind(v),
        };
    }
    q
}

/// A value a driver decodes from any row.
pub(crate) trait Decodable<DB: Database>: for<'r> Decode<'r, DB> + Type<DB> {}
impl<DB: Database, T: for<'r> Decode<'r, DB> + Type<DB>> Decodable<DB> for T {}

/// The column values of a lease, in the order inserts and updates bind them (address last).
/// The dialect-dependent ones (IAID, the absent hardware address) are already in the backend's
/// form.
#[derive(Clone, Debug)]
pub(crate) struct Encoded6 {
    duid: Vec<u8>,
    valid_lifetime: i64,
    expire: i64,
    subnet_id: i64,
    pref_lifetime: i64,
    lease_type: i64,
    iaid: i64,
    prefix_len: i64,
    fqdn_fwd: bool,
    fqdn_rev: bool,
    hostname: String,
    hwaddr: Option<Vec<u8>>,
    hwtype: Option<i64>,
    hwaddr_source: Option<i64>,
    state: i64,
    user_context: Option<String>,
    address: String,
}

impl Encoded6 {
    /// The columns of `lease` for database `db`; an expiration past the schema's year-2038 limit
    /// is refused (CTL-096).
    pub(crate) fn new(db: &str, lease: &Lease6, sql: &Sql6) -> Result<Self, SqlError> {
        let (hwaddr, hwtype, hwaddr_source) = match &lease.hwaddr {
            Some(hw) => (
                Some(hw.as_bytes().to_vec()),
                Some(i64::from(hw.htype())),
                Some(i64::from(lease.hwaddr_source)),
            ),
            None => sql.no_hwaddr.clone(),
        };
        Ok(Self {
            duid: lease.duid.as_bytes().to_vec(),
            valid_lifetime: i64::from(lease.valid_lifetime),
            expire: expire_to_db(db, lease.cltt, lease.valid_lifetime)?,
            subnet_id: i64::from(lease.subnet_id),
            pref_lifetime: i64::from(lease.preferred_lifetime),
            lease_type: i64::from(lease.lease_type.as_u32()),
            iaid: (sql.iaid)(lease.iaid),
            prefix_len: i64::from(lease.prefix_len),
            fqdn_fwd: lease.fqdn_fwd,
            fqdn_rev: lease.fqdn_rev,
            hostname: lease.hostname.clone(),
            hwaddr,
            hwtype,
            hwaddr_source,
            state: i64::from(crate::time::stored_state(lease.state).as_u32()),
            user_context: lease
                .user_context
                .as_ref()
                .map(|c| serde_json::Value::Object(c.clone()).to_string()),
            address: lease.address.to_string(),
        })
    }

    /// Binds every column, the address last (the order of `INSERT` and `UPDATE`).
    pub(crate) fn bind<'q, DB: Database>(
        self,
        q: Query<'q, DB, <DB as Database>::Arguments<'q>>,
    ) -> Query<'q, DB, <DB as Database>::Arguments<'q>>
    where
        i64: Bindable<'q, DB>,
        bool: Bindable<'q, DB>,
        String: Bindable<'q, DB>,
        Vec<u8>: Bindable<'q, DB>,
        Option<i64>: Bindable<'q, DB>,
        Option<String>: Bindable<'q, DB>,
        Option<Vec<u8>>: Bindable<'q, DB>,
    {
        q.bind(self.duid)
            .bind(self.valid_lifetime)
            .bind(self.expire)
            .bind(self.subnet_id)
            .bind(self.pref_lifetime)
            .bind(self.lease_type)
            .bind(self.iaid)
            .bind(self.prefix_len)
            .bind(self.fqdn_fwd)
            .bind(self.fqdn_rev)
            .bind(self.hostname)
            .bind(self.hwaddr)
            .bind(self.hwtype)
            .bind(self.hwaddr_source)
            .bind(self.state)
            .bind(self.user_context)
            .bind(self.address)
    }
}

/// A column value Ruru cannot read back as a lease.
fn bad(column: &str, what: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("lease6.{column}: {what}").into())
}

/// A number column that must fit `T`.
fn number<T: TryFrom<i64>>(column: &str, v: Option<i64>) -> Result<T, sqlx::Error> {
    let v = v.ok_or_else(|| bad(column, "NULL"))?;
    T::try_from(v).map_err(|_| bad(column, format_args!("{v} out of range")))
}

/// Reads a lease from a row of the `SELECT` column list of [`lease6_sql`](crate::lease6_sql).
/// `pool_id` is not in Kea 2.2's schema and reads 0.
pub(crate) fn lease_from_row<R: Row>(row: &R) -> Result<Lease6, sqlx::Error>
where
    usize: ColumnIndex<R>,
    String: Decodable<R::Database>,
    Option<String>: Decodable<R::Database>,
    Option<Vec<u8>>: Decodable<R::Database>,
    Option<i64>: Decodable<R::Database>,
    Option<bool>: Decodable<R::Database>,
{
    let text: String = row.try_get(0)?;
    let address: Ipv6Addr = text
        .parse()
        .map_err(|_| bad("address", format_args!("{text:?} is not an IPv6 address")))?;
    let int = |i: usize| row.try_get::<Option<i64>, _>(i);
    let valid_lifetime: u32 = number("valid_lifetime", int(2)?)?;
    let expire: i64 = number("expire", int(3)?)?;
    let lease_type = number("lease_type", int(6)?)
        .ok()
        .and_then(LeaseType::from_u32)
        .ok_or_else(|| bad("lease_type", "not 0, 1 or 2"))?;
    // PostgreSQL holds the IAID's bits in a signed integer, MySQL unsigned: both read back.
    let iaid = match int(7)? {
        Some(v) if (i64::from(i32::MIN)..=i64::from(u32::MAX)).contains(&v) => v as u32,
        other => return Err(bad("iaid", format_args!("{other:?} is not a 32-bit IAID"))),
    };
    let state = number("state", int(15)?)
        .ok()
        .and_then(LeaseState::from_u32)
        .ok_or_else(|| bad("state", "unknown lease state"))?;
    let hwaddr = row
        .try_get::<Option<Vec<u8>>, _>(12)?
        .filter(|b| !b.is_empty());
    let (hwaddr, hwaddr_source) = match hwaddr {
        Some(bytes) => (
            Some(HwAddr::new(
                number("hwtype", Some(int(13)?.unwrap_or(0)))?,
                &bytes,
            )),
            number("hwaddr_source", Some(int(14)?.unwrap_or(0)))?,
        ),
        None => (None, 0),
    };
    let user_context = match row.try_get::<Option<String>, _>(16)? {
        None => None,
        Some(s) if s.is_empty() => None,
        Some(s) => match serde_json::from_str(&s) {
            Ok(serde_json::Value::Object(map)) => Some(map),
            _ => return Err(bad("user_context", "not a JSON map")),
        },
    };
    Ok(Lease6 {
        address,
        prefix_len: number("prefix_len", int(8)?)?,
        lease_type,
        duid: Duid::new(&row.try_get::<Option<Vec<u8>>, _>(1)?.unwrap_or_default()),
        iaid,
        preferred_lifetime: number("pref_lifetime", int(5)?)?,
        valid_lifetime,
        cltt: cltt_from_db(expire, valid_lifetime),
        subnet_id: number("subnet_id", int(4)?)?,
        pool_id: 0,
        fqdn_fwd: row.try_get::<Option<bool>, _>(9)?.unwrap_or(false),
        fqdn_rev: row.try_get::<Option<bool>, _>(10)?.unwrap_or(false),
        hostname: row.try_get::<Option<String>, _>(11)?.unwrap_or_default(),
        hwaddr,
        hwaddr_source,
        state,
        user_context,
    })
}
