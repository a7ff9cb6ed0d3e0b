//! `libdhcp_lease_cmds.so` for Ruru: Kea's lease commands (`lease4-add`, `lease6-get`, ... ; spec
//! `lease_cmds.md`) as a plugin. It reaches the server only through the hook ABI: the commands are
//! registered in `load`, and leases are read and changed through the lease services
//! (`ruru_hook_api::leases`: ABI 1.1 for DHCPv4, 1.2 for DHCPv6), which keep the server's statistics
//! and lease backend in step.
//!
//! A server gets the commands of its family. A command of the other family is not registered, so the
//! server answers it with result 2 and changes nothing (LC-006).

mod commands;
mod commands4;
mod commands6;
mod failure;
mod family;
mod lease;
mod lease4;
mod lease6;
mod params;

use commands::LOGGER;
use ruru_hook_api::sdk::{log, process_name, Severity};
use ruru_hook_api::{command, HookError, HookResult, Library};

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
        "kea-dhcp4" => register4(lib)?,
        "kea-dhcp6" => register6(lib)?,
        other => {
            return Err(HookError::Plugin(format!(
                "This library can only be loaded by kea-dhcp4 or kea-dhcp6, not by '{other}'"
            )))
        }
    }
    log(
        LOGGER,
        Severity::Info,
        "LEASE_CMDS_INIT_OK loading Lease Commands hooks library successful",
    );
    Ok(())
}

/// The twelve DHCPv4 commands (LC-005).
fn register4(lib: &mut Library) -> HookResult {
    use commands4::*;
    lib.register_command("lease4-add", command!(add))?;
    lib.register_command("lease4-get", command!(get))?;
    lib.register_command("lease4-get-all", command!(get_all))?;
    lib.register_command("lease4-get-page", command!(get_page))?;
    lib.register_command("lease4-get-by-hw-address", command!(get_by_hw_address))?;
    lib.register_command("lease4-get-by-client-id", command!(get_by_client_id))?;
    lib.register_command("lease4-get-by-hostname", command!(get_by_hostname))?;
    lib.register_command("lease4-del", command!(del))?;
    lib.register_command("lease4-update", command!(update))?;
    lib.register_command("lease4-wipe", command!(wipe))?;
    lib.register_command("lease4-resend-ddns", command!(resend_ddns))?;
    lib.register_command("lease4-write", command!(write))
}

/// The twelve DHCPv6 commands (LC-005).
fn register6(lib: &mut Library) -> HookResult {
    use commands6::*;
    lib.register_command("lease6-add", command!(add))?;
    lib.register_command("lease6-bulk-apply", command!(bulk_apply))?;
    lib.register_command("lease6-get", command!(get))?;
    lib.register_command("lease6-get-all", command!(get_all))?;
    lib.register_command("lease6-get-page", command!(get_page))?;
    lib.register_command("lease6-get-by-duid", command!(get_by_duid))?;
    lib.register_command("lease6-get-by-hostname", command!(get_by_hostname))?;
    lib.register_command("lease6-del", command!(del))?;
    lib.register_command("lease6-update", command!(update))?;
    lib.register_command("lease6-wipe", command!(wipe))?;
    lib.register_command("lease6-resend-ddns", command!(resend_ddns))?;
    lib.register_command("lease6-write", command!(write))
}

fn unload() -> HookResult {
    log(
        LOGGER,
        Severity::Info,
        "LEASE_CMDS_DEINIT_OK unloading Lease Commands hooks library successful",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    /// LC-145: the plugin's documentation (docs/hooks.md §14) says that `lease4-write` and
    /// `lease6-write` are for emergency recovery and do not replace lease file cleanup (LFC).
    #[test]
    fn lc_145_write_is_documented_as_emergency_recovery() {
        let docs = include_str!("../../../docs/hooks.md");
        let section = docs
            .split("## 14. The lease commands plugin")
            .nth(1)
            .expect("docs/hooks.md §14");
        let write = section
            .split("\n- **")
            .find(|item| item.contains("`lease4-write`/`lease6-write`"))
            .expect("an item on lease4-write/lease6-write");
        for words in ["recovery", "do not replace", "LFC"] {
            assert!(write.contains(words), "'{words}' missing in: {write}");
        }
    }
}
