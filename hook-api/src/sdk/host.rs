//! The server's function table, kept by the plugin for the life of the process.

use crate::abi::{
    RuruHostApi, RuruStr, RURU_LOG_DEBUG, RURU_LOG_ERROR, RURU_LOG_INFO, RURU_LOG_WARN,
};
use crate::sdk::value::{str_of, HookError, HookResult};
use std::sync::atomic::{AtomicPtr, Ordering};

static HOST: AtomicPtr<RuruHostApi> = AtomicPtr::new(std::ptr::null_mut());

/// Remembers the host table. Called by the entry point [`crate::ruru_plugin!`] generates.
///
/// # Safety
/// `host` must be null or point to a table that lives for the rest of the process.
#[doc(hidden)]
pub unsafe fn set_host(host: *const RuruHostApi) {
    HOST.store(host.cast_mut(), Ordering::Release);
}

/// The host table. Every SDK call happens inside a server call into the plugin, after the entry point ran.
pub(crate) fn host() -> &'static RuruHostApi {
    let p = HOST.load(Ordering::Acquire);
    assert!(!p.is_null(), "ruru plugin used before the server loaded it");
    // SAFETY: set from the server's static table, which outlives the plugin.
    unsafe { &*p }
}

/// Log severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Errors.
    Error,
    /// Warnings.
    Warn,
    /// Information.
    Info,
    /// Debugging.
    Debug,
}

/// Logs `message` through the server's logging under `<process>.<logger>`.
pub fn log(logger: &str, severity: Severity, message: &str) {
    let level = match severity {
        Severity::Error => RURU_LOG_ERROR,
        Severity::Warn => RURU_LOG_WARN,
        Severity::Info => RURU_LOG_INFO,
        Severity::Debug => RURU_LOG_DEBUG,
    };
    // SAFETY: both strings outlive the call.
    unsafe { (host().log)(str_of(logger), level, str_of(message)) }
}

/// The server's family: 4 or 6; 0 in the control agent.
pub fn family() -> u32 {
    host().family
}

/// The server's process name as Kea spells it (`kea-dhcp4`, `kea-dhcp6`).
pub fn process_name() -> &'static str {
    // SAFETY: the host's static name.
    let b = unsafe { crate::sdk::value::bytes_of(host().process_name) };
    std::str::from_utf8(b).unwrap_or("")
}

/// Whether the configuration in force runs multi-threaded. Constant from `load` to `unload`: the mode
/// changes only at reconfiguration, after the old plugins are unloaded and before the new ones load.
/// Since ABI 1.4.
pub fn multi_threading_enabled() -> HookResult<bool> {
    let api = host_since(4, "multi_threading_enabled")?;
    // SAFETY: a function of the server's table, present from 1.4 (checked above).
    Ok(unsafe { (api.multi_threading_enabled)() } != 0)
}

/// The host table when the server's ABI minor is at least `minor`, which added `what`: a field
/// appended later must not be read from an older table, which ends before it.
pub(crate) fn host_since(minor: u32, what: &str) -> HookResult<&'static RuruHostApi> {
    let api = host();
    if api.abi_minor < minor {
        return Err(HookError::Unsupported(format!(
            "{what}: the server's hooks ABI 1.{} is older than 1.{minor}, which added it",
            api.abi_minor
        )));
    }
    Ok(api)
}

pub(crate) fn raw_str(s: &str) -> RuruStr {
    str_of(s)
}
