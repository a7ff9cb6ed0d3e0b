//! The DHCPv4 lease commands: Kea's argument checks, result codes and texts, over the hook ABI's
//! lease services (which keep the server's statistics and backend in step).

use crate::failure::Failure;
use crate::lease4::{parse_lease, parse_target, Subnets, Target};
use crate::params::{client_id, hw_address, Params};
use ruru_hook_api::leases::{self, LeaseMap, Subnet4Info};
use ruru_hook_api::sdk::{log, Severity};
use ruru_hook_api::{Command, HookError, HookResult, Response};
use serde_json::{json, Map, Value as Json};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

/// The logger Kea's plugin logs under.
pub(crate) const LOGGER: &str = "lease-cmds-hooks";

/// Leases fetched per service call when a command walks the whole store.
const WALK_PAGE: u32 = 10_000;

/// The server's subnets, through the subnet services.
struct ServerSubnets;

impl Subnets for ServerSubnets {
    fn by_id(&self, id: u32) -> HookResult<Option<Subnet4Info>> {
        leases::subnet4(id)
    }
    fn select(&self, addr: Ipv4Addr) -> HookResult<Option<Subnet4Info>> {
        leases::select_subnet4(addr)
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// How a command is logged, by Kea's message ids: `<id>` at debug on success, `<id>_CONFLICT` as a
/// warning for a conflict when Kea has that message, `<id>_FAILED` as an error otherwise. Queries
/// are not logged, as in Kea.
#[derive(Debug, Clone, Copy)]
struct Messages {
    id: Option<&'static str>,
    conflicts: bool,
}

const QUIET: Messages = Messages {
    id: None,
    conflicts: false,
};

fn logged(id: &'static str, conflicts: bool) -> Messages {
    Messages {
        id: Some(id),
        conflicts,
    }
}

/// Turns a handler's outcome into the response, logging it.
fn finish(cmd: &Command, messages: Messages, outcome: Result<Response, Failure>) -> Response {
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
            log(LOGGER, Severity::Debug, &msg);
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
    ($($(#[$doc:meta])* $name:ident => $body:ident, $messages:expr;)*) => {
        $(
            $(#[$doc])*
            pub(crate) fn $name(cmd: &Command) -> Response {
                finish(cmd, $messages, $body(cmd))
            }
        )*
    };
}

handlers! {
    /// `lease4-add` (LC-030..LC-043).
    add => add_body, logged("LEASE_CMDS_ADD4", true);
    /// `lease4-get` (LC-060..LC-066).
    get => get_body, QUIET;
    /// `lease4-get-all` (LC-070..LC-072).
    get_all => get_all_body, QUIET;
    /// `lease4-get-page` (LC-080..LC-084).
    get_page => get_page_body, QUIET;
    /// `lease4-get-by-hw-address` (LC-090..LC-093).
    get_by_hw_address => get_by_hw_address_body, QUIET;
    /// `lease4-get-by-client-id` (LC-090..LC-093).
    get_by_client_id => get_by_client_id_body, QUIET;
    /// `lease4-get-by-hostname` (LC-090..LC-093).
    get_by_hostname => get_by_hostname_body, QUIET;
    /// `lease4-del` (LC-100..LC-105).
    del => del_body, logged("LEASE_CMDS_DEL4", false);
    /// `lease4-update` (LC-110..LC-116).
    update => update_body, logged("LEASE_CMDS_UPDATE4", true);
    /// `lease4-wipe`, deprecated (LC-120..LC-125).
    wipe => wipe_body, logged("LEASE_CMDS_WIPE4", false);
    /// `lease4-resend-ddns` (LC-130..LC-135).
    resend_ddns => resend_ddns_body, logged("LEASE_CMDS_RESEND_DDNS4", false);
    /// `lease4-write` (LC-140..LC-144).
    write => write_body, logged("LEASE_CMDS_LEASE4_WRITE", false);
}

/// `<n> IPv4 lease(s) found.` with the list (and its `count` for pages): result 0, or 3 when empty.
fn found(leases: Vec<Json>, with_count: bool) -> Response {
    let n = leases.len();
    let mut args = Map::new();
    if with_count {
        args.insert("count".into(), json!(n));
    }
    args.insert("leases".into(), Json::Array(leases));
    Response {
        result: if n > 0 { 0 } else { 3 },
        text: format!("{n} IPv4 lease(s) found."),
        arguments: Some(Json::Object(args)),
    }
}

fn into_json(leases: Vec<LeaseMap>) -> Vec<Json> {
    leases.into_iter().map(Json::Object).collect()
}

fn subnet_of(lease: &LeaseMap) -> Option<u64> {
    lease.get("subnet-id").and_then(Json::as_u64)
}

fn address_of(lease: &LeaseMap) -> Result<Ipv4Addr, Failure> {
    lease
        .get("ip-address")
        .and_then(Json::as_str)
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| Failure::Error("the server returned a lease without an address".into()))
}

/// The lease `target` names, if any: an identifier names the client's lease in that subnet.
fn find(target: &Target) -> Result<Option<LeaseMap>, Failure> {
    let in_subnet = |all: Vec<LeaseMap>, id: u32| {
        all.into_iter()
            .find(|l| subnet_of(l) == Some(u64::from(id)))
    };
    Ok(match target {
        Target::Address(a) => leases::get4(*a)?,
        Target::HwAddress(hw, id) => in_subnet(leases::get4_by_hw_address(hw)?, *id),
        Target::ClientId(cid, id) => in_subnet(leases::get4_by_client_id(cid)?, *id),
    })
}

fn add_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, "no parameters specified for the command")?;
    let new = parse_lease(&p, now(), &ServerSubnets)?;
    leases::add4(&new.lease).map_err(|e| match e {
        HookError::Exists(_) => Failure::Conflict("IPv4 lease already exists.".into()),
        e => e.into(),
    })?;
    Ok(Response::success(
        format!(
            "Lease for address {}, subnet-id {} added.",
            new.address, new.subnet_id
        ),
        None,
    ))
}

fn get_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, "Parameters missing or are not a map.")?;
    let (target, _) = parse_target(&p, "Query")?;
    match find(&target)? {
        Some(l) => Ok(Response::success(
            "IPv4 lease found.",
            Some(Json::Object(l)),
        )),
        None => Err(Failure::Empty("Lease not found.".into())),
    }
}

/// Every lease, in address order.
fn every_lease() -> Result<Vec<LeaseMap>, Failure> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = leases::page4(after, WALK_PAGE)?;
        let full = page.len() == WALK_PAGE as usize;
        if let Some(last) = page.last() {
            after = Some(address_of(last)?);
        }
        all.extend(page);
        if !full {
            return Ok(all);
        }
    }
}

fn get_all_body(cmd: &Command) -> Result<Response, Failure> {
    let Some(args) = &cmd.arguments else {
        return Ok(found(into_json(every_lease()?), false));
    };
    let subnets = args
        .get("subnets")
        .ok_or_else(|| Failure::Error("'subnets' parameter not specified".into()))?
        .as_array()
        .ok_or_else(|| Failure::Error("'subnets' parameter must be a list".into()))?;
    let ids = subnets
        .iter()
        .map(Json::as_u64)
        .collect::<Option<Vec<u64>>>()
        .ok_or_else(|| Failure::Error("listed subnet identifiers must be numbers".into()))?;
    // Kea answers subnet by subnet, in the order listed.
    let mut by_subnet: HashMap<u64, Vec<Json>> = HashMap::new();
    for lease in every_lease()? {
        if let Some(id) = subnet_of(&lease).filter(|id| ids.contains(id)) {
            by_subnet.entry(id).or_default().push(Json::Object(lease));
        }
    }
    let listed = ids
        .iter()
        .flat_map(|id| by_subnet.get(id).into_iter().flatten().cloned())
        .collect();
    Ok(found(listed, false))
}

fn get_page_body(cmd: &Command) -> Result<Response, Failure> {
    let missing = format!("no parameters specified for the {} command", cmd.name);
    let p = Params::of(cmd, &missing)?;
    let err = |t: &str| Failure::Error(t.to_owned());
    let from = p
        .get("from")
        .ok_or_else(|| err("'from' parameter not specified"))?
        .as_str()
        .ok_or_else(|| err("'from' parameter must be a string"))?;
    let after =
        match from {
            "start" => None,
            text => match text.parse::<IpAddr>() {
                Ok(IpAddr::V4(a)) => (!a.is_unspecified()).then_some(a),
                Ok(IpAddr::V6(a)) => {
                    return Err(Failure::Error(format!(
                        "'from' parameter value {a} is not an IPv4 address"
                    )))
                }
                Err(_) => return Err(err(
                    "'from' parameter value is neither 'start' keyword nor a valid IPv4 address",
                )),
            },
        };
    let limit = p
        .get("limit")
        .ok_or_else(|| err("'limit' parameter not specified"))?
        .as_i64()
        .ok_or_else(|| err("'limit' parameter must be a number"))?;
    let limit = match u32::try_from(limit) {
        Ok(0) => return Err(err("page size of retrieved leases must not be 0")),
        Ok(n) => n,
        Err(_) => {
            return Err(err(
                "page size of retrieved leases must not be greater than 4294967295",
            ))
        }
    };
    Ok(found(into_json(leases::page4(after, limit)?), true))
}

const NOT_A_MAP: &str = "Command arguments missing or a not a map.";

fn get_by_hw_address_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, NOT_A_MAP)?;
    let hw = hw_address(p.named_string("hw-address")?)?;
    Ok(found(into_json(leases::get4_by_hw_address(&hw)?), false))
}

fn get_by_client_id_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, NOT_A_MAP)?;
    let id = client_id(p.named_string("client-id")?)?;
    Ok(found(into_json(leases::get4_by_client_id(&id)?), false))
}

fn get_by_hostname_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, NOT_A_MAP)?;
    let name = p.named_string("hostname")?;
    if name.is_empty() {
        return Err(Failure::Error("'hostname' parameter is empty".into()));
    }
    Ok(found(into_json(leases::get4_by_hostname(name)?), false))
}

fn del_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, "Parameters missing or are not a map.")?;
    // `update-ddns` is read and checked, but Ruru has no DHCP-DDNS client yet: as in Kea with
    // `enable-updates` false, no removal request is queued (LC-104).
    let (target, _update_ddns) = parse_target(&p, "Delete")?;
    let not_found = || Failure::Empty("IPv4 lease not found.".into());
    let address = match &target {
        Target::Address(a) => *a,
        other => address_of(&find(other)?.ok_or_else(not_found)?)?,
    };
    leases::delete4(address)?.ok_or_else(not_found)?;
    Ok(Response::success("IPv4 lease deleted.", None))
}

fn update_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, "no parameters specified for lease4-update command")?;
    let new = parse_lease(&p, now(), &ServerSubnets)?;
    match leases::update4(&new.lease) {
        Ok(()) => Ok(Response::success("IPv4 lease updated.", None)),
        Err(HookError::NotFound(_)) if new.force_create => match leases::add4(&new.lease) {
            Ok(()) => Ok(Response::success("IPv4 lease added.", None)),
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

fn wipe_body(cmd: &Command) -> Result<Response, Failure> {
    log(
        LOGGER,
        Severity::Warn,
        "LEASE_CMDS_WIPE4_DEPRECATED lease4-wipe command is deprecated and it will be removed in the future.",
    );
    let id = match &cmd.arguments {
        None => 0,
        Some(_) => Params::of(cmd, "arguments must be a map")?
            .opt_uint("subnet-id", u64::from(u32::MAX))?
            .unwrap_or(0) as u32,
    };
    // Subnet 0 (or none) means every configured subnet; leases of unknown subnets stay, as in Kea.
    let ids: Vec<u32> = if id == 0 {
        leases::subnets4()?.iter().map(|s| s.id).collect()
    } else {
        vec![id]
    };
    let n = leases::wipe4(&ids)?;
    let listed: String = ids.iter().map(|i| format!(" {i}")).collect();
    let text = format!(
        "Deleted {n} IPv4 lease(s) from subnet(s){listed} WARNING: lease4-wipe is deprecated!"
    );
    if n == 0 {
        return Err(Failure::Empty(text));
    }
    Ok(Response::success(text, None))
}

fn resend_ddns_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, "no parameters specified for the command")?;
    p.ipv4()?
        .ok_or_else(|| Failure::Error("'ip-address' parameter is missing.".into()))?;
    // Ruru has no DHCP-DDNS client yet: every request is answered as Kea 2.7 answers when
    // `enable-updates` is false (LC-133).
    Err(Failure::Conflict("DDNS updating is not enabled".into()))
}

fn write_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, "no parameters specified for the command")?;
    let filename = p.named_string("filename")?;
    if filename.is_empty() {
        return Err(Failure::Error("'filename' parameter is empty".into()));
    }
    let path = leases::write4(filename)?;
    Ok(Response::success(
        format!("IPv4 lease database into '{path}'."),
        None,
    ))
}
