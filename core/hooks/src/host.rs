//! The host function table handed to plugins, and the invocation state its functions act on.

use crate::args::Args;
use crate::context::RequestContext;
use crate::lease_admin::{LeaseAdmin4, LeaseAdmin6};
use crate::lease_host::*;
use crate::lease_host6::*;
use crate::object::{Arena, Obj};
use crate::park::Parcel;
use crate::point::Point;
use crate::set::Registrar;
use crate::value::{raw_str, slice};
use ruru_hook_api::abi::*;
use std::sync::Arc;

/// One invocation of a point: what the `RuruCalloutHandle` pointer refers to.
pub(crate) struct Invocation<'a, 'b> {
    pub(crate) point: Point,
    pub(crate) status: i32,
    pub(crate) args: &'b mut Args<'a>,
    pub(crate) ctx: &'b mut RequestContext,
    /// Index of the plugin whose callout runs.
    pub(crate) lib: u32,
    /// The ABI minor that plugin was built for: what some arguments look like to it.
    pub(crate) minor: u32,
    pub(crate) arena: Arena,
    /// Present at park-capable points: the parcel plugins take references on.
    pub(crate) parcel: Option<Arc<Parcel>>,
}

/// # Safety
/// `h` must be the handle of a running invocation.
unsafe fn inv<'x>(h: *mut RuruCalloutHandle) -> &'x mut Invocation<'static, 'static> {
    // SAFETY: the server passes `&mut Invocation` as the handle for the duration of the callout.
    unsafe { &mut *h.cast::<Invocation<'static, 'static>>() }
}

/// # Safety
/// `l` must be the handle passed to a running `load`.
unsafe fn reg<'x>(l: *mut RuruLibraryHandle) -> &'x mut Registrar {
    // SAFETY: the server passes `&mut Registrar` as the library handle during `load`.
    unsafe { &mut *l.cast::<Registrar>() }
}

/// # Safety
/// `o` must be an object of a running invocation.
unsafe fn obj<'x>(o: *mut RuruObject) -> &'x mut Obj {
    // SAFETY: objects live in the invocation's arena until it ends.
    unsafe { &mut *o.cast::<Obj>() }
}

fn text<'x>(s: RuruStr) -> Option<&'x str> {
    // SAFETY: plugins pass valid (pointer, length) pairs for the call.
    std::str::from_utf8(unsafe { slice(s) }).ok()
}

fn put<T>(out: *mut T, v: T) -> i32 {
    if out.is_null() {
        return RURU_ERR_INVALID;
    }
    // SAFETY: non-null places provided by the plugin.
    unsafe { out.write(v) };
    RURU_OK
}

unsafe extern "C" fn library_parameters(l: *mut RuruLibraryHandle, out: *mut RuruValue) -> i32 {
    // SAFETY: called during `load`.
    let r = unsafe { reg(l) };
    match r.params_text.as_deref() {
        Some(t) => put(out, crate::value::bytes(RURU_VALUE_JSON, t.as_bytes())),
        None => RURU_ERR_NOT_FOUND,
    }
}

unsafe extern "C" fn library_parameter(
    l: *mut RuruLibraryHandle,
    name: RuruStr,
    out: *mut RuruValue,
) -> i32 {
    // SAFETY: called during `load`.
    let r = unsafe { reg(l) };
    let Some(v) = text(name).and_then(|n| r.params.as_ref()?.get(n)) else {
        return RURU_ERR_NOT_FOUND;
    };
    r.scratch.push(v.to_string());
    let t = r.scratch.last().map_or("", String::as_str);
    put(out, crate::value::bytes(RURU_VALUE_JSON, t.as_bytes()))
}

unsafe extern "C" fn library_index(l: *mut RuruLibraryHandle) -> u32 {
    // SAFETY: called during `load`.
    unsafe { reg(l) }.index
}

unsafe extern "C" fn register_callout(
    l: *mut RuruLibraryHandle,
    point: RuruStr,
    f: RuruCallout,
) -> i32 {
    // SAFETY: called during `load`.
    let r = unsafe { reg(l) };
    match text(point).and_then(Point::from_name) {
        Some(p) => {
            r.callouts.push((p, f));
            hooks_log!(
                r.family,
                debug,
                id = "HOOKS_CALLOUT_REGISTRATION",
                debuglevel = 45,
                library = r.index,
                point = p.name(),
                "callout registered"
            );
            RURU_OK
        }
        None => RURU_ERR_NOT_FOUND,
    }
}

unsafe extern "C" fn deregister_callout(
    l: *mut RuruLibraryHandle,
    point: RuruStr,
    f: RuruCallout,
) -> i32 {
    // SAFETY: called during `load`.
    let r = unsafe { reg(l) };
    let Some(p) = text(point).and_then(Point::from_name) else {
        return RURU_ERR_NOT_FOUND;
    };
    match r
        .callouts
        .iter()
        .position(|(q, g)| *q == p && std::ptr::fn_addr_eq(*g, f))
    {
        Some(i) => {
            r.callouts.remove(i);
            RURU_OK
        }
        None => RURU_ERR_NOT_FOUND,
    }
}

unsafe extern "C" fn deregister_all_callouts(l: *mut RuruLibraryHandle, point: RuruStr) -> i32 {
    // SAFETY: called during `load`.
    let r = unsafe { reg(l) };
    let Some(p) = text(point).and_then(Point::from_name) else {
        return RURU_ERR_NOT_FOUND;
    };
    r.callouts.retain(|(q, _)| *q != p);
    RURU_OK
}

unsafe extern "C" fn register_command(
    l: *mut RuruLibraryHandle,
    name: RuruStr,
    f: RuruCallout,
) -> i32 {
    // SAFETY: called during `load`.
    let r = unsafe { reg(l) };
    match text(name).filter(|n| !n.is_empty()) {
        Some(n) => {
            r.commands.push((n.to_owned(), f));
            RURU_OK
        }
        None => RURU_ERR_INVALID,
    }
}

/// Plugin messages go to `<process>.plugin` with the plugin's own logger name as a field; the
/// logging layer (`ruru_log::PLUGIN_TARGETS`) files them under `<process>.<logger>` (HK-036), so a
/// `loggers` entry such as `kea-dhcp4.lease-cmds-hooks` governs them.
macro_rules! plugin_log {
    ($target:literal, $logger:expr, $severity:expr, $message:expr) => {{
        let logger = text($logger).unwrap_or("hooks");
        let msg = text($message).unwrap_or("<invalid UTF-8>");
        match $severity {
            RURU_LOG_ERROR => tracing::error!(target: $target, logger, "{msg}"),
            RURU_LOG_WARN => tracing::warn!(target: $target, logger, "{msg}"),
            RURU_LOG_INFO => tracing::info!(target: $target, logger, "{msg}"),
            _ => tracing::debug!(target: $target, logger, "{msg}"),
        }
    }};
}

unsafe extern "C" fn log4(logger: RuruStr, severity: u32, message: RuruStr) {
    plugin_log!("kea-dhcp4.plugin", logger, severity, message);
}

unsafe extern "C" fn log6(logger: RuruStr, severity: u32, message: RuruStr) {
    plugin_log!("kea-dhcp6.plugin", logger, severity, message);
}

unsafe extern "C" fn log_agent(logger: RuruStr, severity: u32, message: RuruStr) {
    plugin_log!("kea-ctrl-agent.plugin", logger, severity, message);
}

unsafe extern "C" fn point_name(h: *mut RuruCalloutHandle) -> RuruStr {
    // SAFETY: called from a running callout.
    raw_str(unsafe { inv(h) }.point.name().as_bytes())
}

unsafe extern "C" fn get_status(h: *mut RuruCalloutHandle) -> i32 {
    // SAFETY: called from a running callout.
    unsafe { inv(h) }.status
}

unsafe extern "C" fn set_status(h: *mut RuruCalloutHandle, s: i32) -> i32 {
    if !(RURU_NEXT_STEP_CONTINUE..=RURU_NEXT_STEP_PARK).contains(&s) {
        return RURU_ERR_INVALID;
    }
    // SAFETY: called from a running callout.
    unsafe { inv(h) }.status = s;
    RURU_OK
}

unsafe extern "C" fn argument_count(h: *mut RuruCalloutHandle) -> usize {
    // SAFETY: called from a running callout.
    unsafe { inv(h) }.args.len()
}

unsafe extern "C" fn argument_name(h: *mut RuruCalloutHandle, i: usize, out: *mut RuruStr) -> i32 {
    // SAFETY: called from a running callout.
    match unsafe { inv(h) }.args.name(i) {
        Some(n) => put(out, raw_str(n.as_bytes())),
        None => RURU_ERR_NOT_FOUND,
    }
}

unsafe extern "C" fn get_argument(
    h: *mut RuruCalloutHandle,
    name: RuruStr,
    out: *mut RuruValue,
) -> i32 {
    // SAFETY: called from a running callout.
    let i = unsafe { inv(h) };
    let Some(name) = text(name) else {
        return RURU_ERR_NOT_FOUND;
    };
    match i.args.get(name, &mut i.arena, i.minor) {
        Ok(v) => put(out, v),
        Err(e) => e,
    }
}

unsafe extern "C" fn set_argument(
    h: *mut RuruCalloutHandle,
    name: RuruStr,
    v: *const RuruValue,
) -> i32 {
    // SAFETY: called from a running callout.
    let i = unsafe { inv(h) };
    match (text(name), v.is_null()) {
        // SAFETY: non-null value provided by the plugin for the call.
        (Some(n), false) => i.args.set(n, unsafe { &*v }).err().unwrap_or(RURU_OK),
        _ => RURU_ERR_INVALID,
    }
}

unsafe extern "C" fn get_context(
    h: *mut RuruCalloutHandle,
    name: RuruStr,
    out: *mut RuruStr,
) -> i32 {
    // SAFETY: called from a running callout.
    let i = unsafe { inv(h) };
    match text(name).and_then(|n| i.ctx.get(i.lib, n)) {
        Some(v) => put(out, raw_str(v)),
        None => RURU_ERR_NOT_FOUND,
    }
}

unsafe extern "C" fn set_context(h: *mut RuruCalloutHandle, name: RuruStr, v: RuruStr) -> i32 {
    // SAFETY: called from a running callout.
    let i = unsafe { inv(h) };
    let Some(n) = text(name) else {
        return RURU_ERR_INVALID;
    };
    // SAFETY: plugin bytes valid for the call; copied.
    i.ctx.set(i.lib, n, unsafe { slice(v) });
    RURU_OK
}

unsafe extern "C" fn delete_context(h: *mut RuruCalloutHandle, name: RuruStr) -> i32 {
    // SAFETY: called from a running callout.
    let i = unsafe { inv(h) };
    match text(name).map(|n| i.ctx.delete(i.lib, n)) {
        Some(true) => RURU_OK,
        _ => RURU_ERR_NOT_FOUND,
    }
}

unsafe extern "C" fn get_field(o: *mut RuruObject, field: RuruStr, out: *mut RuruValue) -> i32 {
    let Some(f) = text(field) else {
        return RURU_ERR_NOT_FOUND;
    };
    // SAFETY: an object of the running invocation.
    match unsafe { obj(o) }.get(f) {
        Ok(v) => put(out, v),
        Err(e) => e,
    }
}

unsafe extern "C" fn set_field(o: *mut RuruObject, field: RuruStr, v: *const RuruValue) -> i32 {
    match (text(field), v.is_null()) {
        // SAFETY: an object of the running invocation; the value is valid for the call.
        (Some(f), false) => unsafe { obj(o) }
            .set(f, unsafe { &*v })
            .err()
            .unwrap_or(RURU_OK),
        _ => RURU_ERR_INVALID,
    }
}

unsafe extern "C" fn get_option(o: *mut RuruObject, code: u32, out: *mut RuruStr) -> i32 {
    // SAFETY: an object of the running invocation.
    match unsafe { obj(o) }.options(false) {
        Ok(p) => match p.option(code) {
            // The bytes live in the engine's packet or IA for the callout, not in `p`.
            Some(v) => put(out, raw_str(v)),
            None => RURU_ERR_NOT_FOUND,
        },
        Err(e) => e,
    }
}

unsafe extern "C" fn set_option(o: *mut RuruObject, code: u32, payload: RuruStr) -> i32 {
    // SAFETY: an object of the running invocation.
    match unsafe { obj(o) }.options(true) {
        // SAFETY: plugin bytes valid for the call; copied.
        Ok(mut p) => p
            .set_option(code, unsafe { slice(payload) })
            .err()
            .unwrap_or(RURU_OK),
        Err(e) => e,
    }
}

unsafe extern "C" fn delete_option(o: *mut RuruObject, code: u32) -> i32 {
    // SAFETY: an object of the running invocation.
    match unsafe { obj(o) }.options(true) {
        Ok(mut p) => {
            if p.remove_option(code) {
                RURU_OK
            } else {
                RURU_ERR_NOT_FOUND
            }
        }
        Err(e) => e,
    }
}

unsafe extern "C" fn list_len(o: *mut RuruObject) -> usize {
    // SAFETY: an object of the running invocation.
    unsafe { obj(o) }.list().map_or(0, <[_]>::len)
}

unsafe extern "C" fn list_get(o: *mut RuruObject, i: usize, out: *mut RuruValue) -> i32 {
    // SAFETY: an object of the running invocation.
    let list = match unsafe { obj(o) }.list() {
        Ok(l) => l,
        Err(e) => return e,
    };
    match list.get(i) {
        Some(&item) => {
            // SAFETY: list items live in the same arena.
            let kind = unsafe { &*item }.kind;
            put(
                out,
                RuruValue {
                    kind: RURU_VALUE_OBJECT,
                    object_kind: kind,
                    object: item.cast(),
                    ..crate::value::NONE
                },
            )
        }
        None => RURU_ERR_NOT_FOUND,
    }
}

unsafe extern "C" fn park(h: *mut RuruCalloutHandle) -> *mut RuruParkToken {
    // SAFETY: called from a running callout.
    let i = unsafe { inv(h) };
    match &i.parcel {
        Some(p) => {
            p.take_ref();
            Arc::into_raw(p.clone()).cast_mut().cast()
        }
        None => std::ptr::null_mut(),
    }
}

/// # Safety
/// `t` must be a token from `park`, used once.
unsafe fn take_token(t: *mut RuruParkToken) -> Option<Arc<Parcel>> {
    // SAFETY: tokens are `Arc<Parcel>` references handed out by `park`.
    (!t.is_null()).then(|| unsafe { Arc::from_raw(t.cast_const().cast::<Parcel>()) })
}

unsafe extern "C" fn unpark(t: *mut RuruParkToken, force: bool) -> i32 {
    // SAFETY: the plugin gives its token back once.
    match unsafe { take_token(t) } {
        Some(p) => {
            p.release(force);
            RURU_OK
        }
        None => RURU_ERR_INVALID,
    }
}

unsafe extern "C" fn park_drop(t: *mut RuruParkToken) -> i32 {
    // SAFETY: the plugin gives its token back once.
    match unsafe { take_token(t) } {
        Some(p) => {
            p.resolve(crate::park::Unparked::Drop);
            RURU_OK
        }
        None => RURU_ERR_INVALID,
    }
}

/// HK-085: the mode [`crate::HookSet::load`] recorded for the configuration in force.
unsafe extern "C" fn multi_threading_enabled() -> i32 {
    i32::from(crate::set::multi_threading())
}

macro_rules! host_table {
    ($family:literal, $name:literal, $log:ident) => {
        RuruHostApi {
            struct_size: std::mem::size_of::<RuruHostApi>(),
            abi_minor: RURU_HOOK_ABI_MINOR,
            family: $family,
            process_name: ruru_hook_api::abi_str($name),
            library_parameters,
            library_parameter,
            library_index,
            register_callout,
            deregister_callout,
            deregister_all_callouts,
            register_command,
            log: $log,
            point_name,
            get_status,
            set_status,
            argument_count,
            argument_name,
            get_argument,
            set_argument,
            get_context,
            set_context,
            delete_context,
            get_field,
            set_field,
            get_option,
            set_option,
            delete_option,
            list_len,
            list_get,
            park,
            unpark,
            park_drop,
            lease4_get,
            lease4_get_by_hw_address,
            lease4_get_by_client_id,
            lease4_get_by_hostname: lease_get_by_hostname::<dyn LeaseAdmin4>,
            lease4_get_page,
            lease4_add: lease_add::<dyn LeaseAdmin4>,
            lease4_update: lease_update::<dyn LeaseAdmin4>,
            lease4_delete,
            lease4_wipe: lease_wipe::<dyn LeaseAdmin4>,
            lease4_write: lease_write::<dyn LeaseAdmin4>,
            subnet4_get: subnet_get::<dyn LeaseAdmin4>,
            subnet4_select,
            subnet4_list: subnet_list::<dyn LeaseAdmin4>,
            lease6_get,
            lease6_get_by_duid_iaid,
            lease6_get_by_duid,
            lease6_get_by_hostname: lease_get_by_hostname::<dyn LeaseAdmin6>,
            lease6_get_page,
            lease6_add: lease_add::<dyn LeaseAdmin6>,
            lease6_update: lease_update::<dyn LeaseAdmin6>,
            lease6_delete,
            lease6_wipe: lease_wipe::<dyn LeaseAdmin6>,
            lease6_write: lease_write::<dyn LeaseAdmin6>,
            subnet6_get: subnet_get::<dyn LeaseAdmin6>,
            subnet6_select,
            subnet6_list: subnet_list::<dyn LeaseAdmin6>,
            lease4_queue_ncr: lease_queue_ncr::<dyn LeaseAdmin4>,
            lease6_queue_ncr: lease_queue_ncr::<dyn LeaseAdmin6>,
            ddns_enabled,
            multi_threading_enabled,
        }
    };
}

/// The DHCPv4 server's table.
pub(crate) static HOST4: RuruHostApi = host_table!(4, "kea-dhcp4", log4);
/// The DHCPv6 server's table.
pub(crate) static HOST6: RuruHostApi = host_table!(6, "kea-dhcp6", log6);
/// The control agent's table: family 0, its lease services answer `RURU_ERR_STATE` (none installed).
pub(crate) static HOST_AGENT: RuruHostApi = host_table!(0, "kea-ctrl-agent", log_agent);
