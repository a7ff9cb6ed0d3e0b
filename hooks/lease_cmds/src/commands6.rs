//! The DHCPv6 lease commands (LC-031, LC-036..LC-038, LC-050..LC-057, LC-061, LC-085, LC-100..LC-102,
//! LC-135): as the v4 ones, over the 1.2 lease services; leases are named by type and address, or by
//! type, DUID and IAID within a subnet. What the v4 commands share is in `commands`.

use crate::commands::{
    add_body, address_of, found, get_all_body, get_by_hostname_body, get_page_body, handlers,
    logged, logged_at_info, now, remove_dns, resend_ddns_body, update_body, update_lease,
    wipe_body, write_body, NOT_A_MAP, QUIET,
};
use crate::failure::Failure;
use crate::family::V6;
use crate::lease::{error, Server};
use crate::lease6::{parse_lease6, parse_target6, Target6};
use crate::params::{duid, Params};
use ruru_hook_api::leases::{self, LeaseMap};
use ruru_hook_api::{Command, Response};
use serde_json::{json, Map, Value as Json};

handlers! {
    /// `lease6-add` (LC-031..LC-043).
    add => add_body::<V6>, logged("LEASE_CMDS_ADD6", true);
    /// `lease6-bulk-apply` (LC-050..LC-057).
    bulk_apply => bulk_apply_body, logged("LEASE_CMDS_BULK_APPLY6", false);
    /// `lease6-get` (LC-061..LC-066).
    get => get_body, QUIET;
    /// `lease6-get-all` (LC-070..LC-072).
    get_all => get_all_body::<V6>, QUIET;
    /// `lease6-get-page` (LC-080..LC-085).
    get_page => get_page_body::<V6>, QUIET;
    /// `lease6-get-by-duid` (LC-090..LC-093).
    get_by_duid => get_by_duid_body, QUIET;
    /// `lease6-get-by-hostname` (LC-090..LC-093).
    get_by_hostname => get_by_hostname_body::<V6>, QUIET;
    /// `lease6-del` (LC-100..LC-105).
    del => del_body, logged("LEASE_CMDS_DEL6", false);
    /// `lease6-update` (LC-110..LC-116).
    update => update_body::<V6>, logged("LEASE_CMDS_UPDATE6", true);
    /// `lease6-wipe`, deprecated (LC-120..LC-125).
    wipe => wipe_body::<V6>, logged_at_info("LEASE_CMDS_WIPE6");
    /// `lease6-resend-ddns` (LC-130..LC-135).
    resend_ddns => resend_ddns_body::<V6>, logged("LEASE_CMDS_RESEND_DDNS6", false);
    /// `lease6-write` (LC-140..LC-144).
    write => write_body::<V6>, logged("LEASE_CMDS_LEASE6_WRITE", false);
}

/// The lease `target` names, if any. By DUID, the client's one lease of that type and IA in that
/// subnet; when it holds several, which one is meant is unknown, and Kea's backends refuse with
/// this error (result 1) rather than pick one.
fn find(target: &Target6) -> Result<Option<LeaseMap>, Failure> {
    match target {
        Target6::Address(t, a) => Ok(leases::get6(*t, *a)?),
        Target6::Duid {
            lease_type,
            duid,
            iaid,
            subnet_id,
        } => {
            let mut found = leases::get6_by_duid_iaid(*lease_type, duid, *iaid, Some(*subnet_id))?;
            if found.len() > 1 {
                return Err(Failure::Error(format!(
                    "More than one lease found for type {}, duid {}, iaid {iaid} and subnet-id \
                     {subnet_id}",
                    lease_type.code(),
                    crate::params::hex(duid)
                )));
            }
            Ok(found.pop())
        }
    }
}

/// Deletes the lease `target` names; the deleted lease, `None` when there was none.
fn delete(target: &Target6) -> Result<Option<LeaseMap>, Failure> {
    let (lease_type, address) = match target {
        Target6::Address(t, a) => (*t, *a),
        Target6::Duid { lease_type, .. } => match find(target)? {
            Some(l) => (*lease_type, address_of::<V6>(&l)?),
            None => return Ok(None),
        },
    };
    Ok(leases::delete6(lease_type, address)?)
}

fn get_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, "Parameters missing or are not a map.")?;
    let (target, _) = parse_target6(&p, "Query")?;
    match find(&target)? {
        Some(l) => Ok(Response::success(
            "IPv6 lease found.",
            Some(Json::Object(l)),
        )),
        None => Err(Failure::Empty("Lease not found.".into())),
    }
}

fn get_by_duid_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, NOT_A_MAP)?;
    let duid = duid(p.named_string("duid")?)?;
    Ok(found::<V6>(leases::get6_by_duid(&duid)?, false))
}

fn del_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, "Parameters missing or are not a map.")?;
    let (target, update_ddns) = parse_target6(&p, "Delete")?;
    match delete(&target)? {
        Some(deleted) => {
            if update_ddns {
                remove_dns::<V6>(&deleted);
            }
            Ok(Response::success("IPv6 lease deleted.", None))
        }
        None => Err(Failure::Empty("IPv6 lease not found.".into())),
    }
}

/// One element of `failed-deleted-leases` or `failed-leases`: what it named, and why it failed.
fn failed(named: Map<String, Json>, f: &Failure) -> Json {
    let mut entry = named;
    entry.insert("result".into(), json!(f.result()));
    entry.insert("error-message".into(), json!(f.text()));
    Json::Object(entry)
}

/// How a failure entry names a deletion: its type and address, or its DUID.
fn named_target(t: &Target6) -> Map<String, Json> {
    let mut m = Map::new();
    match t {
        Target6::Address(lease_type, a) => {
            m.insert("type".into(), json!(lease_type.name()));
            m.insert("ip-address".into(), json!(a.to_string()));
        }
        Target6::Duid {
            lease_type, duid, ..
        } => {
            m.insert("type".into(), json!(lease_type.name()));
            m.insert("duid".into(), json!(crate::params::hex(duid)));
        }
    }
    m
}

/// How a failure entry names a lease to store: its type (as given, `IA_NA` by default) and address.
fn named_lease(args: &Map<String, Json>) -> Map<String, Json> {
    let mut m = Map::new();
    let lease_type = args.get("type").cloned().unwrap_or_else(|| json!("IA_NA"));
    m.insert("type".into(), lease_type);
    if let Some(a) = args.get("ip-address") {
        m.insert("ip-address".into(), a.clone());
    }
    m
}

/// The elements of the list `name`, each a map; none when absent.
fn elements<'a>(p: &Params<'a>, name: &str) -> Result<Vec<&'a Map<String, Json>>, Failure> {
    match p.get(name) {
        None => Ok(Vec::new()),
        Some(Json::Array(items)) => items
            .iter()
            .map(|e| {
                e.as_object().ok_or_else(|| {
                    Failure::Error(format!("an element of '{name}' is not a map: {e}"))
                })
            })
            .collect(),
        Some(_) => error(format!("the '{name}' parameter is not a list")),
    }
}

/// `lease6-bulk-apply`: every element is read before anything changes, and a malformed one changes
/// nothing (LC-052); then the deletions, then the leases, each created or replaced (LC-053); a
/// failure on one does not stop the others and is listed with its result code (LC-054..LC-056).
fn bulk_apply_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, NOT_A_MAP)?;
    if p.get("deleted-leases").is_none() && p.get("leases").is_none() {
        return error("neither 'leases' nor 'deleted-leases' parameter specified".into());
    }
    let deletions = elements(&p, "deleted-leases")?
        .into_iter()
        .map(|m| Ok(parse_target6(&Params(m), "Delete")?.0))
        .collect::<Result<Vec<Target6>, Failure>>()?;
    let now = now();
    let mut stores = Vec::new();
    for m in elements(&p, "leases")? {
        match parse_lease6(&Params(m), now, &Server) {
            Ok(new) => stores.push(Ok(new)),
            // Well-formed, but clashing with the configuration: that element fails alone.
            Err(f @ Failure::Conflict(_)) => stores.push(Err(failed(named_lease(m), &f))),
            Err(f) => return Err(f),
        }
    }

    let mut applied = 0usize;
    let mut failed_deleted = Vec::new();
    for t in &deletions {
        match delete(t) {
            Ok(Some(_)) => applied += 1,
            Ok(None) => {
                let f = Failure::Empty("lease not found".into());
                failed_deleted.push(failed(named_target(t), &f));
            }
            Err(f) => failed_deleted.push(failed(named_target(t), &f)),
        }
    }
    let mut failed_leases = Vec::new();
    for s in stores {
        let outcome = s.and_then(|new| {
            update_lease::<V6>(&new, true).map_err(|f| failed(named_lease(&new.lease), &f))
        });
        match outcome {
            Ok(_) => applied += 1,
            Err(entry) => failed_leases.push(entry),
        }
    }

    let mut args = Map::new();
    if !failed_deleted.is_empty() {
        args.insert("failed-deleted-leases".into(), Json::Array(failed_deleted));
    }
    if !failed_leases.is_empty() {
        args.insert("failed-leases".into(), Json::Array(failed_leases));
    }
    Ok(Response {
        result: if applied > 0 { 0 } else { 3 },
        text: format!("Bulk apply of {applied} IPv6 leases completed."),
        arguments: (!args.is_empty()).then_some(Json::Object(args)),
    })
}
