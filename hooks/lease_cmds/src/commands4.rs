//! The DHCPv4 lease commands: Kea's argument checks, result codes and texts, over the hook ABI's
//! lease services (which keep the server's statistics and backend in step). What the v6 commands
//! share is in `commands`.

use crate::commands::{
    add_body, address_of, found, get_all_body, get_by_hostname_body, get_page_body, handlers,
    logged, logged_at_info, remove_dns, resend_ddns_body, subnet_of, update_body, wipe_body,
    write_body, NOT_A_MAP, QUIET,
};
use crate::failure::Failure;
use crate::family::V4;
use crate::lease4::{parse_target, Target};
use crate::params::{client_id, hw_address, Params};
use ruru_hook_api::leases::{self, LeaseMap};
use ruru_hook_api::{Command, Response};
use serde_json::Value as Json;

handlers! {
    /// `lease4-add` (LC-030..LC-043).
    add => add_body::<V4>, logged("LEASE_CMDS_ADD4", true);
    /// `lease4-get` (LC-060..LC-066).
    get => get_body, QUIET;
    /// `lease4-get-all` (LC-070..LC-072).
    get_all => get_all_body::<V4>, QUIET;
    /// `lease4-get-page` (LC-080..LC-084).
    get_page => get_page_body::<V4>, QUIET;
    /// `lease4-get-by-hw-address` (LC-090..LC-093).
    get_by_hw_address => get_by_hw_address_body, QUIET;
    /// `lease4-get-by-client-id` (LC-090..LC-093).
    get_by_client_id => get_by_client_id_body, QUIET;
    /// `lease4-get-by-hostname` (LC-090..LC-093).
    get_by_hostname => get_by_hostname_body::<V4>, QUIET;
    /// `lease4-del` (LC-100..LC-105).
    del => del_body, logged("LEASE_CMDS_DEL4", false);
    /// `lease4-update` (LC-110..LC-116).
    update => update_body::<V4>, logged("LEASE_CMDS_UPDATE4", true);
    /// `lease4-wipe`, deprecated (LC-120..LC-125).
    wipe => wipe_body::<V4>, logged_at_info("LEASE_CMDS_WIPE4");
    /// `lease4-resend-ddns` (LC-130..LC-135).
    resend_ddns => resend_ddns_body::<V4>, logged("LEASE_CMDS_RESEND_DDNS4", false);
    /// `lease4-write` (LC-140..LC-144).
    write => write_body::<V4>, logged("LEASE_CMDS_LEASE4_WRITE", false);
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

fn get_by_hw_address_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, NOT_A_MAP)?;
    let hw = hw_address(p.named_string("hw-address")?)?;
    Ok(found::<V4>(leases::get4_by_hw_address(&hw)?, false))
}

fn get_by_client_id_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, NOT_A_MAP)?;
    let id = client_id(p.named_string("client-id")?)?;
    Ok(found::<V4>(leases::get4_by_client_id(&id)?, false))
}

fn del_body(cmd: &Command) -> Result<Response, Failure> {
    let p = Params::of(cmd, "Parameters missing or are not a map.")?;
    let (target, update_ddns) = parse_target(&p, "Delete")?;
    let not_found = || Failure::Empty("IPv4 lease not found.".into());
    let address = match &target {
        Target::Address(a) => *a,
        other => address_of::<V4>(&find(other)?.ok_or_else(not_found)?)?,
    };
    let deleted = leases::delete4(address)?.ok_or_else(not_found)?;
    if update_ddns {
        remove_dns::<V4>(&deleted);
    }
    Ok(Response::success("IPv4 lease deleted.", None))
}
