//! `libdhcp_lease_cmds.so` for Ruru: Kea's lease commands (`lease4-add`, `lease4-get`, ... ; spec
//! `lease_cmds.md`) as a plugin. It reaches the server only through the hook ABI: the commands are
//! registered in `load`, and leases are read and changed through the lease services
//! (`ruru_hook_api::leases`), which keep the server's statistics and lease backend in step.
//!
//! The DHCPv4 commands are here; the DHCPv6 ones come with the DHCPv6 server. A command of the other
//! family is not registered, so the server answers it with result 2 (LC-006).

mod commands4;
mod failure;
mod lease4;
mod params;

use ruru_hook_api::sdk::{log, process_name, Severity};
use ruru_hook_api::{HookError, HookResult, Library};

ruru_hook_api::ruru_plugin! {
    name: "lease_cmds",
    multi_threading_compatible: true,
    load: load,
    unload: unload,
    callouts: {},
}

/// Registers the commands of the server's family. Parameters are ignored, as Kea ignores them
/// (LC-002); any process other than a DHCP server refuses the plugin (LC-003).
fn load(lib: &mut Library) -> HookResult {
    match process_name() {
        "kea-dhcp4" => {}
        "kea-dhcp6" => {
            return Err(HookError::Unsupported(
                "the DHCPv6 lease commands are not implemented yet".into(),
            ))
        }
        other => {
            return Err(HookError::Plugin(format!(
                "This library can only be loaded by kea-dhcp4 or kea-dhcp6, not by '{other}'"
            )))
        }
    }
    use ruru_hook_api::command;
    lib.register_command("lease4-add", command!(commands4::add))?;
    lib.register_command("lease4-get", command!(commands4::get))?;
    lib.register_command("lease4-get-all", command!(commands4::get_all))?;
    lib.register_command("lease4-get-page", command!(commands4::get_page))?;
    lib.register_command(
        "lease4-get-by-hw-address",
        command!(commands4::get_by_hw_address),
    )?;
    lib.register_command(
        "lease4-get-by-client-id",
        command!(commands4::get_by_client_id),
    )?;
    lib.register_command(
        "lease4-get-by-hostname",
        command!(commands4::get_by_hostname),
    )?;
    lib.register_command("lease4-del", command!(commands4::del))?;
    lib.register_command("lease4-update", command!(commands4::update))?;
    lib.register_command("lease4-wipe", command!(commands4::wipe))?;
    lib.register_command("lease4-resend-ddns", command!(commands4::resend_ddns))?;
    lib.register_command("lease4-write", command!(commands4::write))?;
    log(
        commands4::LOGGER,
        Severity::Info,
        "LEASE_CMDS_INIT_OK loading Lease Commands hooks library successful",
    );
    Ok(())
}

fn unload() -> HookResult {
    log(
        commands4::LOGGER,
        Severity::Info,
        "LEASE_CMDS_DEINIT_OK unloading Lease Commands hooks library successful",
    );
    Ok(())
}
