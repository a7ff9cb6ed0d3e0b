//! What the commands of both families share: logging by Kea's message ids, the answer of list queries,
//! walking the whole store, and the commands whose logic does not depend on the family (add, update,
//! get-all, get-page, get-by-hostname, wipe, resend-ddns, write), written once over [`Family`].

use crate::failure::Failure;
use crate::family::Family;
use crate::lease::{NewLease, Server};
use crate::params::Params;
use ruru_hook_api::leases::{self, LeaseMap};
use ruru_hook_api::sdk::{log, Severity};
use ruru_hook_api::{Command, HookError, Response};
use serde_json::{json, Map, Value as Json};
use std::collections::HashMap;
use std::net::IpAddr;

/// The logger Kea's plugin logs under.
pub(crate) const LOGGER: &str = "lease-cmds-hooks";

/// Leases fetched per service call when a command walks the whole store.
const WALK_PAGE: u32 = 10_000;

/// The text when a query's arguments are missing or not a map.
pub(crate) const NOT_A_MAP: &str = "Command arguments missing or a not a map.";

pub(crate) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// How a command is logged, by Kea's message ids: `<id>` on success (at debug, or at info where Kea
/// logs it so), `<id>_CONFLICT` as a warning for a conflict when Kea has that message, `<id>_FAILED`
/// as an error otherwise. Queries are not logged, as in Kea.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Messages {
    id: Option<&'static str>,
    conflicts: bool,
    success: Severity,
}

pub(crate) const QUIET: Messages = Messages {
    id: None,
    conflicts: false,
    success: Severity::Debug,
};

/// Success logged at debug.
pub(crate) const fn logged(id: &'static str, conflicts: bool) -> Messages {
    Messages {
        id: Some(id),
        conflicts,
        success: Severity::Debug,
    }
}

/// Success logged at info, as Kea logs `LEASE_CMDS_WIPE4`/`6` (LC-122).
pub(crate) const fn logged_at_info(id: &'static str) -> Messages {
    Messages {
        id: Some(id),
        conflicts: false,
        success: Severity::Info,
    }
}

/// Turns a handler's outcome into the response, logging it.
pub(crate) fn finish(
    cmd: &Command,
    messages: Messages,
    outcome: Result<Response, Failure>,
) -> Response {
    let Some(id) = messages.id else {
        return outcome.unwrap_or_else(|f| f.response());
    };
    let params = cmd
        .arguments
        .as_ref()
        .map_or_else(String::new, Json::to_string);
    match outcome {
        Ok(r) => {
            let msg = format!(
                "{id} {} command successful (parameters: {params})",
                cmd.name
            );
            log(LOGGER, messages.success, &msg);
            r
        }
        Err(f) => {
            let (suffix, severity, how) = match f {
                Failure::Conflict(_) if messages.conflicts => {
                    ("_CONFLICT", Severity::Warn, "failed due to conflict")
                }
                _ => ("_FAILED", Severity::Error, "failed"),
            };
            let msg = format!(
                "{id}{suffix} {} command {how} (parameters: {params}, reason: {})",
                cmd.name,
                f.text()
            );
            log(LOGGER, severity, &msg);
            f.response()
        }
    }
}

/// Declares the command handlers the plugin registers: each runs its `Result`-returning body and
/// answers through [`finish`].
macro_rules! handlers {
    ($($(#[$doc:meta])* $name:ident => $body:path, $messages:expr;)*) => {
        $(
            $(#[$doc])*
            pub(crate) fn $name(cmd: &Command) -> Response {
                $crate::commands::finish(cmd, $messages, $body(cmd))
            }
        )*
    };
}
pub(crate) use handlers;

/// `<n> IPv4 lease(s) found.` with the list (and its `count` for pages): result 0, or 3 when empty.
pub(crate) fn found<F: Family>(leases: Vec<LeaseMap>, with_count: bool) -> Response {
    let n = leases.len();
    let mut args = Map::new();
    if with_count {
        args.insert("count".into(), json!(n));
    }
    let leases = leases.into_iter().map(Json::Object).collect();
    args.insert("leases".into(), Json::Array(leases));
    Response {
        result: if n > 0 { 0 } else { 3 },
        text: format!("{n} {} lease(s) found.", F::NAME),
        arguments: Some(Json::Object(args)),
    }
}

pub(crate) fn subnet_of(lease: &LeaseMap) -> Option<u64> {
    lease.get("subnet-id").and_then(Json::as_u64)
}

/// The address of a lease the server returned.
pub(crate) fn address_of<F: Family>(lease: &LeaseMap) -> Result<F::Addr, Failure> {
    lease
        .get("ip-address")
        .and_then(Json::as_str)
        .and_then(|a| a.parse::<IpAddr>().ok())
        .and_then(F::addr_of)
        .ok_or_else(|| Failure::Error("the server returned a lease without an address".into()))
}

/// Every lease of the family, in address order.
fn every_lease<F: Family>() -> Result<Vec<LeaseMap>, Failure> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = F::page(after, WALK_PAGE)?;
        let full = page.len() == WALK_PAGE as usize;
        if let Some(last) = page.last() {
            after = Some(address_of::<F>(last)?);
        }
        all.extend(page);
        if !full {
            return Ok(all);
        }
    }
}

/// `lease4-add`, `lease6-add` (LC-030..LC-043).
pub(crate) fn add_body<F: Family>(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, "no parameters specified for the command")?;
    let new = F::parse_lease(&p, now(), &Server)?;
    F::add(&new.lease).map_err(|e| match e {
        HookError::Exists(_) => Failure::Conflict(format!("{} lease already exists.", F::NAME)),
        e => e.into(),
    })?;
    Ok(Response::success(
        format!(
            "Lease for {}, subnet-id {} added.",
            new.described, new.subnet_id
        ),
        None,
    ))
}

/// Stores a parsed lease as the update commands do: replaced when there is one at its address, else
/// created when `force_create`, else a conflict (LC-114, LC-115). The text says which.
pub(crate) fn update_lease<F: Family>(
    new: &NewLease<F::Addr>,
    force_create: bool,
) -> Result<String, Failure> {
    match F::update(&new.lease) {
        Ok(()) => Ok(format!("{} lease updated.", F::NAME)),
        Err(HookError::NotFound(_)) if force_create => match F::add(&new.lease) {
            Ok(()) => Ok(format!("{} lease added.", F::NAME)),
            Err(HookError::Exists(_)) => Err(Failure::Conflict(
                "lost race between calls to get and add".into(),
            )),
            Err(e) => Err(e.into()),
        },
        Err(HookError::NotFound(_)) => Err(Failure::Conflict(format!(
            "failed to update the lease with address {} either because the lease has been \
             deleted or it has changed in the database, in both cases a retry might succeed",
            new.address
        ))),
        Err(e) => Err(e.into()),
    }
}

/// `lease4-update`, `lease6-update` (LC-110..LC-116).
pub(crate) fn update_body<F: Family>(cmd: &Command) -> Result<Response, Failure> {
    let missing = format!("no parameters specified for {} command", cmd.name);
    let p = Params::of(cmd, &missing)?;
    let new = F::parse_lease(&p, now(), &Server)?;
    Ok(Response::success(
        update_lease::<F>(&new, new.force_create)?,
        None,
    ))
}

/// `lease4-get-all`, `lease6-get-all` (LC-070..LC-072).
pub(crate) fn get_all_body<F: Family>(cmd: &Command) -> Result<Response, Failure> {
    let Some(args) = &cmd.arguments else {
        return Ok(found::<F>(every_lease::<F>()?, false));
    };
    let ids = listed_subnets(args)?;
    // Kea answers subnet by subnet, in the order listed.
    let mut by_subnet: HashMap<u64, Vec<LeaseMap>> = HashMap::new();
    for lease in every_lease::<F>()? {
        if let Some(id) = subnet_of(&lease).filter(|id| ids.contains(id)) {
            by_subnet.entry(id).or_default().push(lease);
        }
    }
    let listed = ids
        .iter()
        .flat_map(|id| by_subnet.remove(id).unwrap_or_default())
        .collect();
    Ok(found::<F>(listed, false))
}

/// The `subnets` of a get-all with arguments (LC-071): mandatory, a list of integers. An integer that
/// is no subnet id (negative, or wider than 32 bits) is accepted and selects nothing, so Kea's
/// answer for it, 3 rather than 1, is kept.
fn listed_subnets(args: &Json) -> Result<Vec<u64>, Failure> {
    let subnets = args
        .get("subnets")
        .ok_or_else(|| Failure::Error("'subnets' parameter not specified".into()))?
        .as_array()
        .ok_or_else(|| Failure::Error("'subnets' parameter must be a list".into()))?;
    let mut ids = Vec::with_capacity(subnets.len());
    for s in subnets {
        match s {
            Json::Number(n) if n.is_u64() || n.is_i64() => {
                ids.extend(n.as_u64().filter(|id| u32::try_from(*id).is_ok()));
            }
            _ => {
                return Err(Failure::Error(
                    "listed subnet identifiers must be numbers".into(),
                ))
            }
        }
    }
    Ok(ids)
}

/// `lease4-get-page`, `lease6-get-page` (LC-080..LC-085).
pub(crate) fn get_page_body<F: Family>(cmd: &Command) -> Result<Response, Failure> {
    let missing = format!("no parameters specified for the {} command", cmd.name);
    let p = Params::of(cmd, &missing)?;
    let after = page_start::<F>(&p)?;
    let limit = page_limit(&p)?;
    Ok(found::<F>(F::page(after, limit)?, true))
}

/// A page's `from`: `start`, or an address of the family after which the page begins (`None` for
/// the start, which the zero address also means).
fn page_start<F: Family>(p: &Params<'_>) -> Result<Option<F::Addr>, Failure> {
    let err = |t: String| Err(Failure::Error(t));
    let from = match p.get("from") {
        None => return err("'from' parameter not specified".into()),
        Some(Json::String(s)) => s.as_str(),
        Some(_) => return err("'from' parameter must be a string".into()),
    };
    if from == "start" {
        return Ok(None);
    }
    match from.parse::<IpAddr>() {
        Ok(ip) => match F::addr_of(ip) {
            Some(a) => Ok((!F::is_unspecified(a)).then_some(a)),
            None => err(format!(
                "'from' parameter value {ip} is not an {} address",
                F::NAME
            )),
        },
        Err(_) => err(format!(
            "'from' parameter value is neither 'start' keyword nor a valid {} address",
            F::NAME
        )),
    }
}

/// A page's `limit` (LC-081): mandatory, an integer from 1 to 4294967295.
fn page_limit(p: &Params<'_>) -> Result<u32, Failure> {
    let err = |t: &str| Failure::Error(t.into());
    let limit = p
        .get("limit")
        .ok_or_else(|| err("'limit' parameter not specified"))?
        .as_i64()
        .ok_or_else(|| err("'limit' parameter must be a number"))?;
    match u32::try_from(limit) {
        Ok(0) => Err(err("page size of retrieved leases must not be 0")),
        Ok(n) => Ok(n),
        Err(_) => Err(err(
            "page size of retrieved leases must not be greater than 4294967295",
        )),
    }
}

/// `lease4-get-by-hostname`, `lease6-get-by-hostname` (LC-090..LC-093).
pub(crate) fn get_by_hostname_body<F: Family>(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, NOT_A_MAP)?;
    let name = p.named_string("hostname")?;
    if name.is_empty() {
        return Err(Failure::Error("'hostname' parameter is empty".into()));
    }
    Ok(found::<F>(F::by_hostname(name)?, false))
}

/// `lease4-wipe`, `lease6-wipe`, deprecated (LC-120..LC-125).
pub(crate) fn wipe_body<F: Family>(cmd: &Command) -> Result<Response, Failure> {
    log(
        LOGGER,
        Severity::Warn,
        &format!(
            "LEASE_CMDS_WIPE{}_DEPRECATED {} command is deprecated and it will be removed in the \
             future.",
            F::VERSION,
            cmd.name
        ),
    );
    let id = match &cmd.arguments {
        None => 0,
        Some(_) => Params::of(cmd, "arguments must be a map")?
            .opt_uint("subnet-id", u64::from(u32::MAX))?
            .unwrap_or(0) as u32,
    };
    // Subnet 0 (or none) means every configured subnet; leases of unknown subnets stay, as in Kea.
    let ids: Vec<u32> = if id == 0 {
        F::subnets()?.iter().map(F::subnet_id).collect()
    } else {
        vec![id]
    };
    let n = F::wipe(&ids)?;
    let listed: String = ids.iter().map(|i| format!(" {i}")).collect();
    let text = format!(
        "Deleted {n} {} lease(s) from subnet(s){listed} WARNING: {} is deprecated!",
        F::NAME,
        cmd.name
    );
    // Nothing to delete is result 3, but the command did its work: Kea logs it as a success.
    Ok(Response {
        result: if n > 0 { 0 } else { 3 },
        text,
        arguments: None,
    })
}

/// `lease4-resend-ddns`, `lease6-resend-ddns` (LC-130..LC-135).
pub(crate) fn resend_ddns_body<F: Family>(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, "no parameters specified for the command")?;
    let addr = p
        .ip::<F>()?
        .ok_or_else(|| Failure::Error("'ip-address' parameter is missing.".into()))?;
    if !leases::ddns_enabled()? {
        return Err(Failure::Conflict("DDNS updating is not enabled".into()));
    }
    let lease = F::address_lease(addr)?
        .ok_or_else(|| Failure::Empty(format!("No lease found for: {addr}")))?;
    let (hostname, has_direction) = dns_data(&lease);
    if hostname.is_empty() {
        return Err(Failure::Conflict(format!(
            "Lease for: {addr}, has no hostname, nothing to update"
        )));
    }
    if !has_direction {
        return Err(Failure::Conflict(format!(
            "Neither forward nor reverse updates enabled for lease for: {addr}"
        )));
    }
    // Queued, not done: D2 updates DNS later, or not at all if it is down (LC-134).
    F::queue_ncr(true, &lease)?;
    Ok(Response::success(
        format!("NCR generated for: {addr}, hostname: {hostname}"),
        None,
    ))
}

/// A lease map's host name, and whether it has a forward or reverse update.
fn dns_data(lease: &LeaseMap) -> (&str, bool) {
    let flag = |k: &str| lease.get(k).and_then(Json::as_bool).unwrap_or(false);
    let hostname = lease.get("hostname").and_then(Json::as_str).unwrap_or("");
    (hostname, flag("fqdn-fwd") || flag("fqdn-rev"))
}

/// `update-ddns` of `lease*-del` (LC-104): the deleted lease's records are removed when DDNS is on
/// and the lease had a name and a direction; otherwise nothing is queued and the delete stands.
pub(crate) fn remove_dns<F: Family>(deleted: &LeaseMap) {
    let (hostname, has_direction) = dns_data(deleted);
    if hostname.is_empty() || !has_direction || !leases::ddns_enabled().unwrap_or(false) {
        return;
    }
    if let Err(e) = F::queue_ncr(false, deleted) {
        log(
            "lease-cmds-hooks",
            Severity::Error,
            &format!("no DNS removal queued for the deleted lease: {e}"),
        );
    }
}

/// `lease4-write`, `lease6-write` (LC-140..LC-144).
pub(crate) fn write_body<F: Family>(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, "no parameters specified for the command")?;
    let filename = p.named_string("filename")?;
    if filename.is_empty() {
        return Err(Failure::Error("'filename' parameter is empty".into()));
    }
    let path = F::write(filename)?;
    Ok(Response::success(
        format!("{} lease database into '{path}'.", F::NAME),
        None,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::{V4, V6};
    use serde_json::json;

    fn text<T: std::fmt::Debug>(r: Result<T, Failure>) -> String {
        r.expect_err("refused").text().to_owned()
    }

    // LC-071: `subnets` is mandatory with arguments, a list of integers; an integer that is no
    // subnet id selects nothing (Kea answers 3 for it, not 1).
    #[test]
    fn lc_071_listed_subnets() {
        assert_eq!(listed_subnets(&json!({"subnets": [1, 3]})), Ok(vec![1, 3]));
        assert_eq!(listed_subnets(&json!({"subnets": []})), Ok(vec![]));
        assert_eq!(
            listed_subnets(&json!({"subnets": [-1, 4_294_967_296u64, 7]})),
            Ok(vec![7])
        );
        assert_eq!(
            text(listed_subnets(&json!({}))),
            "'subnets' parameter not specified"
        );
        assert_eq!(
            text(listed_subnets(&json!({"subnets": 5}))),
            "'subnets' parameter must be a list"
        );
        for bad in [json!(["1"]), json!([1.5]), json!([1, null]), json!([[1]])] {
            assert_eq!(
                text(listed_subnets(&json!({ "subnets": bad }))),
                "listed subnet identifiers must be numbers",
                "{bad}"
            );
        }
    }

    // LC-081: `limit` is mandatory, an integer from 1 to 4294967295.
    #[test]
    fn lc_081_page_limit() {
        let limit = |v: Json| {
            let m = v.as_object().cloned().expect("a map");
            page_limit(&Params(&m))
        };
        assert_eq!(limit(json!({"limit": 1})), Ok(1));
        assert_eq!(limit(json!({"limit": 4_294_967_295u64})), Ok(u32::MAX));
        assert_eq!(text(limit(json!({}))), "'limit' parameter not specified");
        for bad in [json!("2"), json!(2.5), json!(null)] {
            assert_eq!(
                text(limit(json!({ "limit": bad }))),
                "'limit' parameter must be a number"
            );
        }
        assert_eq!(
            text(limit(json!({"limit": 0}))),
            "page size of retrieved leases must not be 0"
        );
        for big in [json!(-1), json!(4_294_967_296u64)] {
            assert_eq!(
                text(limit(json!({ "limit": big }))),
                "page size of retrieved leases must not be greater than 4294967295"
            );
        }
    }

    // LC-080: `from` is `start`, or an address of the family (the zero address is the start).
    #[test]
    fn lc_080_page_start() {
        let from = |v: Json| json!({ "from": v }).as_object().cloned().expect("a map");
        let m = from(json!("start"));
        assert_eq!(page_start::<V4>(&Params(&m)), Ok(None));
        let m = from(json!("0.0.0.0"));
        assert_eq!(page_start::<V4>(&Params(&m)), Ok(None));
        let m = from(json!("192.0.2.1"));
        assert_eq!(
            page_start::<V4>(&Params(&m)),
            Ok(Some("192.0.2.1".parse().expect("address")))
        );
        assert_eq!(
            text(page_start::<V6>(&Params(&m))),
            "'from' parameter value 192.0.2.1 is not an IPv6 address"
        );
        let m = from(json!("foo"));
        assert_eq!(
            text(page_start::<V4>(&Params(&m))),
            "'from' parameter value is neither 'start' keyword nor a valid IPv4 address"
        );
        let m = from(json!(5));
        assert_eq!(
            text(page_start::<V6>(&Params(&m))),
            "'from' parameter must be a string"
        );
        assert_eq!(
            text(page_start::<V6>(&Params(&Map::new()))),
            "'from' parameter not specified"
        );
    }
}
