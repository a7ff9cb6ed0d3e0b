//! Host reservations in Kea 2.2's host tables (`hosts`, `ipv6_reservations`, `dhcp4_options`,
//! `dhcp6_options`), read for both families (CTL-094). The rows of one lookup are folded per host
//! into the map of a `reservations` entry, which the running configuration then checks and decodes
//! as it would a configured reservation; a host whose rows cannot be one is logged and skipped.
//!
//! Each lookup is one statement: the host LEFT JOINed with its options (and, for DHCPv6, its
//! reservations), ordered by host so that its rows are consecutive. The join repeats each option
//! once per reservation and the other way round, so each is taken once, by its id.
//!
//! Kea's encodings (an interface): `dhcp_identifier_type` 0 hw-address, 1 duid, 2 circuit-id,
//! 3 client-id, 4 flex-id; client classes comma-separated; an option's `formatted_value`, when not
//! empty, is its data as CSV text, else `value` is its binary payload (empty: no data);
//! `persistent` is always-send; a NULL or empty `space` is the family's main space; user contexts
//! are JSON text, empty for none.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

use ruru_config::{ConfigError, HostIdType, SqlDatabase};
use ruru_lease::StoreError;
use serde_json::{json, Map, Value};
use sqlx::{ColumnIndex, Row};

use crate::conn::{Db, Pool};
use crate::lease6_row::{bind_args, Arg, Decodable};
use crate::{schema, SqlError};

/// Which server's reservations.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Family {
    V4,
    V6,
}

impl Family {
    /// The option space of options stored without one.
    fn main_space(self) -> &'static str {
        match self {
            Family::V4 => "dhcp4",
            Family::V6 => "dhcp6",
        }
    }
}

/// A family's lookups in one dialect. Rows have the columns of [`host_columns`] followed by the
/// family's four, ordered by host.
pub(crate) struct Statements {
    /// Hosts of subnet (1) with identifier type (2) and identifier (3).
    pub(crate) by_id: &'static str,
    /// DHCPv4: hosts of subnet (1) reserving the address (2) stored as an integer. DHCPv6: hosts
    /// of subnet (1) reserving the address text (2) with prefix length (3).
    pub(crate) by_resource: &'static str,
}

/// A family's statements in both dialects.
pub(crate) struct Tables {
    pub(crate) family: Family,
    pub(crate) pg: Statements,
    pub(crate) my: Statements,
}

/// The columns every lookup reads first (`h` the host, `o` one of its options, NULL when it has
/// none): `$int` is the dialect's cast to a signed 64-bit integer, `$v` the family's digit.
macro_rules! host_columns {
    ($int:literal, $v:literal) => {
        concat!(
            "CAST(h.host_id AS ",
            $int,
            "), h.dhcp_identifier, CAST(h.dhcp_identifier_type AS ",
            $int,
            "), h.hostname, h.dhcp",
            $v,
            "_client_classes, h.user_context, CAST(o.option_id AS ",
            $int,
            "), CAST(o.code AS ",
            $int,
            "), o.value, o.formatted_value, o.space, o.persistent, o.user_context"
        )
    };
}
pub(crate) use host_columns;

// Positions in the rows of [`host_columns`].
const HOST_ID: usize = 0;
const IDENTIFIER: usize = 1;
const IDENTIFIER_TYPE: usize = 2;
const HOSTNAME: usize = 3;
const CLASSES: usize = 4;
const CONTEXT: usize = 5;
const OPTION_ID: usize = 6;
const OPTION_CODE: usize = 7;
const OPTION_VALUE: usize = 8;
const OPTION_FORMATTED: usize = 9;
const OPTION_SPACE: usize = 10;
const OPTION_PERSISTENT: usize = 11;
const OPTION_CONTEXT: usize = 12;
/// The first of the family's own columns: DHCPv4 `ipv4_address`, `dhcp4_next_server`,
/// `dhcp4_server_hostname`, `dhcp4_boot_file_name`; DHCPv6 the reservation's `reservation_id`,
/// `address`, `prefix_len`, `type` (NULL when the host has none).
const FAMILY: usize = 13;

/// Kea's `dhcp_identifier_type` of an identifier type (its `host_identifier_type` table).
fn id_type_code(t: HostIdType) -> i64 {
    match t {
        HostIdType::HwAddress => 0,
        HostIdType::Duid => 1,
        HostIdType::CircuitId => 2,
        HostIdType::ClientId => 3,
        HostIdType::FlexId => 4,
    }
}

/// The identifier type of a `dhcp_identifier_type` value.
fn id_type_of(code: i64) -> Option<HostIdType> {
    [
        HostIdType::HwAddress,
        HostIdType::Duid,
        HostIdType::CircuitId,
        HostIdType::ClientId,
        HostIdType::FlexId,
    ]
    .into_iter()
    .find(|&t| id_type_code(t) == code)
}

/// The parameters of a `by_id` statement.
pub(crate) fn id_params(subnet_id: u32, id_type: HostIdType, id: &[u8]) -> Vec<Arg> {
    vec![
        Arg::Int(subnet_id.into()),
        Arg::Int(id_type_code(id_type)),
        Arg::Bytes(id.to_vec()),
    ]
}

/// Connects to a hosts database and checks its schema, creating a missing one unless the
/// database is `readonly` (CTL-095).
pub(crate) async fn connect(params: &SqlDatabase) -> Result<Db, SqlError> {
    let db = Db::connect(params).await?;
    schema::check(&db, params.readonly).await?;
    Ok(db)
}

/// The reservations statement `pick` of `tables` finds with `params`, each built by `build` (the
/// running configuration's `reservation_from_json` for the lookup's subnet) in host order; hosts
/// that cannot be built are logged and left out.
pub(crate) async fn hosts<H>(
    db: &Db,
    tables: &'static Tables,
    pick: fn(&Statements) -> &'static str,
    params: Vec<Arg>,
    build: impl Fn(&Value) -> Result<H, ConfigError>,
) -> Result<Vec<H>, StoreError> {
    let family = tables.family;
    let found = db
        .run(move |db| async move {
            match &db.pool {
                Pool::Pg(p) => {
                    let rows = bind_args(sqlx::query(pick(&tables.pg)), params)
                        .fetch_all(p)
                        .await?;
                    fold(family, &rows)
                }
                Pool::My(p) => {
                    let rows = bind_args(sqlx::query(pick(&tables.my)), params)
                        .fetch_all(p)
                        .await?;
                    fold(family, &rows)
                }
            }
        })
        .await?;
    Ok(found
        .into_iter()
        .filter_map(|(host_id, map)| {
            let built = map.and_then(|m| build(&Value::Object(m)).map_err(|e| e.to_string()));
            built
                .map_err(|reason| skipped(family, db.name(), host_id, &reason))
                .ok()
        })
        .collect())
}

/// Logs a host left out of a lookup.
fn skipped(family: Family, database: &str, host_id: i64, reason: &str) {
    match family {
        Family::V4 => {
            tracing::warn!(target: "kea-dhcp4.hosts", database, host_id, reason, "host reservation skipped: its rows are not a valid reservation")
        }
        Family::V6 => {
            tracing::warn!(target: "kea-dhcp6.hosts", database, host_id, reason, "host reservation skipped: its rows are not a valid reservation")
        }
    }
}

/// A row's values in the types both drivers decode; a value that cannot be read is described.
trait Columns {
    fn int(&self, i: usize) -> Result<Option<i64>, String>;
    fn text(&self, i: usize) -> Result<Option<String>, String>;
    fn bytes(&self, i: usize) -> Result<Option<Vec<u8>>, String>;
    fn flag(&self, i: usize) -> Result<Option<bool>, String>;
}

impl<R: Row> Columns for R
where
    usize: ColumnIndex<R>,
    Option<i64>: Decodable<R::Database>,
    Option<String>: Decodable<R::Database>,
    Option<Vec<u8>>: Decodable<R::Database>,
    Option<bool>: Decodable<R::Database>,
{
    fn int(&self, i: usize) -> Result<Option<i64>, String> {
        self.try_get(i).map_err(|e| e.to_string())
    }
    fn text(&self, i: usize) -> Result<Option<String>, String> {
        self.try_get(i).map_err(|e| e.to_string())
    }
    fn bytes(&self, i: usize) -> Result<Option<Vec<u8>>, String> {
        self.try_get(i).map_err(|e| e.to_string())
    }
    fn flag(&self, i: usize) -> Result<Option<bool>, String> {
        self.try_get(i).map_err(|e| e.to_string())
    }
}

/// A host's `host_id` and its reservation map, or why its rows are not one.
type Found = (i64, Result<Map<String, Value>, String>);

/// The rows of each host (consecutive, by `host_id`) as a reservation map, or why they are not
/// one. A row without a readable `host_id` means the statement itself is wrong: an error.
fn fold<R: Columns>(family: Family, rows: &[R]) -> Result<Vec<Found>, sqlx::Error> {
    let ids = rows
        .iter()
        .map(|r| r.int(HOST_ID)?.ok_or_else(|| "NULL host_id".to_owned()))
        .collect::<Result<Vec<i64>, String>>()
        .map_err(|e| sqlx::Error::Decode(e.into()))?;
    let mut out = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let id = ids[start];
        let len = ids[start..].iter().take_while(|&&i| i == id).count();
        out.push((id, host_map(family, &rows[start..start + len])));
        start += len;
    }
    Ok(out)
}

/// One host's rows (at least one) as the map of a `reservations` entry.
fn host_map<R: Columns>(family: Family, rows: &[R]) -> Result<Map<String, Value>, String> {
    let first = &rows[0];
    let mut map = Map::new();
    let code = first.int(IDENTIFIER_TYPE)?;
    let id_type = code
        .and_then(id_type_of)
        .ok_or_else(|| format!("unknown dhcp_identifier_type {code:?}"))?;
    let id = first.bytes(IDENTIFIER)?.unwrap_or_default();
    map.insert(id_type.as_str().into(), hex(&id).into());
    if let Some(name) = non_empty(first.text(HOSTNAME)?) {
        map.insert("hostname".into(), name.into());
    }
    let classes: Vec<Value> = first
        .text(CLASSES)?
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(Value::from)
        .collect();
    if !classes.is_empty() {
        map.insert("client-classes".into(), classes.into());
    }
    if let Some(c) = context(first.text(CONTEXT)?)? {
        map.insert("user-context".into(), c);
    }
    let mut seen = HashSet::new();
    let mut options = Vec::new();
    for row in rows {
        if let Some(id) = row.int(OPTION_ID)? {
            if seen.insert(id) {
                options.push(option(family, row)?);
            }
        }
    }
    if !options.is_empty() {
        map.insert("option-data".into(), options.into());
    }
    match family {
        Family::V4 => v4_columns(first, &mut map)?,
        Family::V6 => v6_reservations(rows, &mut map)?,
    }
    Ok(map)
}

/// The `option-data` entry of the option in `row`.
fn option(family: Family, row: &impl Columns) -> Result<Value, String> {
    let code = row.int(OPTION_CODE)?.ok_or("an option row has no code")?;
    let space = non_empty(row.text(OPTION_SPACE)?).unwrap_or_else(|| family.main_space().into());
    let (data, csv) = match non_empty(row.text(OPTION_FORMATTED)?) {
        Some(text) => (text, true),
        None => (hex(&row.bytes(OPTION_VALUE)?.unwrap_or_default()), false),
    };
    let mut o = json!({
        "code": code,
        "space": space,
        "data": data,
        "csv-format": csv,
        "always-send": row.flag(OPTION_PERSISTENT)?.unwrap_or(false),
    });
    if let Some(c) = context(row.text(OPTION_CONTEXT)?)? {
        o["user-context"] = c;
    }
    Ok(o)
}

/// `ip-address`, `next-server`, `server-hostname` and `boot-file-name` from the host's DHCPv4
/// columns; an address of 0 is none.
fn v4_columns(row: &impl Columns, map: &mut Map<String, Value>) -> Result<(), String> {
    for (i, key) in [(FAMILY, "ip-address"), (FAMILY + 1, "next-server")] {
        match row.int(i)? {
            None | Some(0) => {}
            Some(n) => {
                let addr = u32::try_from(n)
                    .map(Ipv4Addr::from)
                    .map_err(|_| format!("{key} {n} is not an IPv4 address"))?;
                map.insert(key.into(), addr.to_string().into());
            }
        }
    }
    for (i, key) in [
        (FAMILY + 2, "server-hostname"),
        (FAMILY + 3, "boot-file-name"),
    ] {
        if let Some(v) = non_empty(row.text(i)?) {
            map.insert(key.into(), v.into());
        }
    }
    Ok(())
}

/// `ip-addresses` (type 0) and `prefixes` (type 2) from the host's `ipv6_reservations` rows, in
/// reservation order.
fn v6_reservations(rows: &[impl Columns], map: &mut Map<String, Value>) -> Result<(), String> {
    let mut seen = HashSet::new();
    let (mut addresses, mut prefixes) = (Vec::new(), Vec::new());
    for row in rows {
        let Some(id) = row.int(FAMILY)? else { continue };
        if !seen.insert(id) {
            continue;
        }
        let address = row
            .text(FAMILY + 1)?
            .ok_or("a reservation has no address")?;
        let len = row.int(FAMILY + 2)?.unwrap_or(128);
        match row.int(FAMILY + 3)? {
            Some(0) if len == 128 => addresses.push(Value::from(address)),
            Some(0) => {
                return Err(format!(
                    "address reservation {address} has prefix length {len}"
                ))
            }
            Some(2) => prefixes.push(Value::from(format!("{address}/{len}"))),
            t => {
                let t = t.map_or("NULL".into(), |t| t.to_string());
                return Err(format!(
                    "reservation {address} has type {t}, neither 0 (address) nor 2 (prefix)"
                ));
            }
        }
    }
    if !addresses.is_empty() {
        map.insert("ip-addresses".into(), addresses.into());
    }
    if !prefixes.is_empty() {
        map.insert("prefixes".into(), prefixes.into());
    }
    Ok(())
}

/// A user context column: none when NULL or empty, else a JSON map.
fn context(text: Option<String>) -> Result<Option<Value>, String> {
    let Some(text) = non_empty(text) else {
        return Ok(None);
    };
    match serde_json::from_str(&text) {
        Ok(v @ Value::Object(_)) => Ok(Some(v)),
        _ => Err(format!("user context {text:?} is not a JSON map")),
    }
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.is_empty())
}

/// Plain lower-case hex, as identifiers and binary option data are written in a reservation.
fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
