//! A minimal in-process host for the probe's unit tests: the host table the server would pass, backed by
//! plain Rust data, so the plugin's entry point, `load`, callouts, commands and `unload` run as they would
//! in a server (through the C ABI and the SDK).

use ruru_hook_api::abi::*;
use std::collections::HashMap;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Mutex;

/// What `load` registered, what the plugin logged, and the parameters the next `load` sees.
#[derive(Default)]
pub(crate) struct Registry {
    pub(crate) parameters: String,
    pub(crate) callouts: Vec<(String, RuruCallout)>,
    pub(crate) commands: Vec<(String, RuruCallout)>,
    pub(crate) logs: Vec<String>,
}

pub(crate) static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    parameters: String::new(),
    callouts: Vec::new(),
    commands: Vec::new(),
    logs: Vec::new(),
});

/// Park events: `(true, _)` for unpark, `(false, _)` for drop; the second item is `force`.
static PARK_EVENTS: Mutex<Option<Sender<(bool, bool)>>> = Mutex::new(None);

pub(crate) fn park_events() -> Receiver<(bool, bool)> {
    let (tx, rx) = channel();
    *PARK_EVENTS.lock().unwrap() = Some(tx);
    rx
}

/// One invocation: the callout handle the server would build.
pub(crate) struct Handle {
    pub(crate) point: &'static str,
    pub(crate) status: i32,
    pub(crate) args: Vec<(&'static str, Vec<u8>)>,
    pub(crate) can_park: bool,
    pub(crate) context: HashMap<String, Vec<u8>>,
    pub(crate) response: Option<String>,
}

impl Handle {
    pub(crate) fn new(point: &'static str, args: &[&'static str]) -> Handle {
        Handle {
            point,
            status: RURU_NEXT_STEP_CONTINUE,
            args: args.iter().map(|a| (*a, Vec::new())).collect(),
            can_park: false,
            context: HashMap::new(),
            response: None,
        }
    }
    /// Runs `callout` on this handle.
    pub(crate) fn call(&mut self, callout: RuruCallout) -> i32 {
        // SAFETY: the handle outlives the call; the mock functions cast it back.
        unsafe { callout((self as *mut Handle).cast()) }
    }
}

fn s(x: &[u8]) -> RuruStr {
    RuruStr {
        ptr: x.as_ptr(),
        len: x.len(),
    }
}

/// # Safety
/// As for the ABI: `x` points to `len` bytes.
unsafe fn text(x: RuruStr) -> String {
    if x.len == 0 {
        return String::new();
    }
    // SAFETY: the caller's guarantee.
    String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(x.ptr, x.len) }).into_owned()
}

/// # Safety
/// `h` is a `Handle` passed by `Handle::call`.
unsafe fn handle<'a>(h: *mut RuruCalloutHandle) -> &'a mut Handle {
    // SAFETY: the caller's guarantee.
    unsafe { &mut *h.cast::<Handle>() }
}

unsafe extern "C" fn library_parameters(_: *mut RuruLibraryHandle, out: *mut RuruValue) -> i32 {
    // Leaked: the mock keeps returned bytes valid for the rest of the test.
    let p: &'static str = REGISTRY.lock().unwrap().parameters.clone().leak();
    if p.is_empty() {
        return RURU_ERR_NOT_FOUND;
    }
    // SAFETY: `out` is a valid place.
    unsafe {
        (*out).kind = RURU_VALUE_JSON;
        (*out).bytes = s(p.as_bytes());
    }
    RURU_OK
}
unsafe extern "C" fn library_parameter(
    _: *mut RuruLibraryHandle,
    name: RuruStr,
    out: *mut RuruValue,
) -> i32 {
    let p = REGISTRY.lock().unwrap().parameters.clone();
    let p: serde_json::Value = serde_json::from_str(&p).unwrap_or_default();
    // SAFETY: name is valid for the call.
    let Some(v) = p.get(unsafe { text(name) }) else {
        return RURU_ERR_NOT_FOUND;
    };
    let v: &'static str = v.to_string().leak();
    // SAFETY: `out` is a valid place.
    unsafe {
        (*out).kind = RURU_VALUE_JSON;
        (*out).bytes = s(v.as_bytes());
    }
    RURU_OK
}
unsafe extern "C" fn library_index(_: *mut RuruLibraryHandle) -> u32 {
    1
}
unsafe extern "C" fn register_callout(
    _: *mut RuruLibraryHandle,
    p: RuruStr,
    f: RuruCallout,
) -> i32 {
    // SAFETY: valid for the call.
    let p = unsafe { text(p) };
    REGISTRY.lock().unwrap().callouts.push((p, f));
    RURU_OK
}
unsafe extern "C" fn deregister_callout(
    _: *mut RuruLibraryHandle,
    _: RuruStr,
    _: RuruCallout,
) -> i32 {
    RURU_ERR_NOT_FOUND
}
unsafe extern "C" fn deregister_all_callouts(_: *mut RuruLibraryHandle, _: RuruStr) -> i32 {
    RURU_OK
}
unsafe extern "C" fn register_command(
    _: *mut RuruLibraryHandle,
    c: RuruStr,
    f: RuruCallout,
) -> i32 {
    // SAFETY: valid for the call.
    let c = unsafe { text(c) };
    REGISTRY.lock().unwrap().commands.push((c, f));
    RURU_OK
}
unsafe extern "C" fn log(logger: RuruStr, _: u32, message: RuruStr) {
    // SAFETY: valid for the call.
    let line = unsafe { format!("{}: {}", text(logger), text(message)) };
    REGISTRY.lock().unwrap().logs.push(line);
}
unsafe extern "C" fn point_name(h: *mut RuruCalloutHandle) -> RuruStr {
    // SAFETY: a live handle.
    s(unsafe { handle(h) }.point.as_bytes())
}
unsafe extern "C" fn get_status(h: *mut RuruCalloutHandle) -> i32 {
    // SAFETY: a live handle.
    unsafe { handle(h) }.status
}
unsafe extern "C" fn set_status(h: *mut RuruCalloutHandle, st: i32) -> i32 {
    // SAFETY: a live handle.
    unsafe { handle(h) }.status = st;
    RURU_OK
}
unsafe extern "C" fn argument_count(h: *mut RuruCalloutHandle) -> usize {
    // SAFETY: a live handle.
    unsafe { handle(h) }.args.len()
}
unsafe extern "C" fn argument_name(h: *mut RuruCalloutHandle, i: usize, out: *mut RuruStr) -> i32 {
    // SAFETY: a live handle.
    match unsafe { handle(h) }.args.get(i) {
        Some((name, _)) => {
            // SAFETY: `out` is a valid place.
            unsafe { *out = s(name.as_bytes()) };
            RURU_OK
        }
        None => RURU_ERR_NOT_FOUND,
    }
}
unsafe extern "C" fn get_argument(
    h: *mut RuruCalloutHandle,
    name: RuruStr,
    out: *mut RuruValue,
) -> i32 {
    // SAFETY: a live handle; `name` valid for the call.
    let (h, name) = unsafe { (handle(h), text(name)) };
    match h.args.iter().find(|(n, _)| *n == name) {
        Some((_, json)) => {
            // SAFETY: `out` is a valid place; the bytes live as long as the handle.
            unsafe {
                (*out).kind = RURU_VALUE_JSON;
                (*out).bytes = s(json);
            }
            RURU_OK
        }
        None => RURU_ERR_NOT_FOUND,
    }
}
unsafe extern "C" fn set_argument(
    h: *mut RuruCalloutHandle,
    name: RuruStr,
    v: *const RuruValue,
) -> i32 {
    // SAFETY: a live handle, valid name and value.
    let (h, name, v) = unsafe { (handle(h), text(name), &*v) };
    if name != "response" || v.kind != RURU_VALUE_JSON {
        return RURU_ERR_READ_ONLY;
    }
    // SAFETY: the value's bytes are valid for the call.
    h.response = Some(unsafe { text(v.bytes) });
    RURU_OK
}
unsafe extern "C" fn get_context(
    h: *mut RuruCalloutHandle,
    name: RuruStr,
    out: *mut RuruStr,
) -> i32 {
    // SAFETY: a live handle and name.
    let (h, name) = unsafe { (handle(h), text(name)) };
    match h.context.get(&name) {
        Some(v) => {
            // SAFETY: `out` is a valid place.
            unsafe { *out = s(v) };
            RURU_OK
        }
        None => RURU_ERR_NOT_FOUND,
    }
}
unsafe extern "C" fn set_context(h: *mut RuruCalloutHandle, name: RuruStr, v: RuruStr) -> i32 {
    // SAFETY: a live handle, valid name and bytes.
    let (h, name, v) = unsafe { (handle(h), text(name), text(v)) };
    h.context.insert(name, v.into_bytes());
    RURU_OK
}
unsafe extern "C" fn delete_context(h: *mut RuruCalloutHandle, name: RuruStr) -> i32 {
    // SAFETY: a live handle and name.
    let (h, name) = unsafe { (handle(h), text(name)) };
    h.context.remove(&name);
    RURU_OK
}
unsafe extern "C" fn get_field(_: *mut RuruObject, _: RuruStr, _: *mut RuruValue) -> i32 {
    RURU_ERR_NOT_FOUND
}
unsafe extern "C" fn set_field(_: *mut RuruObject, _: RuruStr, _: *const RuruValue) -> i32 {
    RURU_ERR_READ_ONLY
}
unsafe extern "C" fn get_option(_: *mut RuruObject, _: u32, _: *mut RuruStr) -> i32 {
    RURU_ERR_NOT_FOUND
}
unsafe extern "C" fn set_option(_: *mut RuruObject, _: u32, _: RuruStr) -> i32 {
    RURU_ERR_READ_ONLY
}
unsafe extern "C" fn delete_option(_: *mut RuruObject, _: u32) -> i32 {
    RURU_ERR_READ_ONLY
}
unsafe extern "C" fn list_len(_: *mut RuruObject) -> usize {
    0
}
unsafe extern "C" fn list_get(_: *mut RuruObject, _: usize, _: *mut RuruValue) -> i32 {
    RURU_ERR_NOT_FOUND
}
unsafe extern "C" fn park(h: *mut RuruCalloutHandle) -> *mut RuruParkToken {
    // SAFETY: a live handle.
    if unsafe { handle(h) }.can_park {
        std::ptr::NonNull::<RuruParkToken>::dangling().as_ptr()
    } else {
        std::ptr::null_mut()
    }
}
fn park_event(unpark: bool, force: bool) -> i32 {
    if let Some(tx) = PARK_EVENTS.lock().unwrap().as_ref() {
        let _ = tx.send((unpark, force));
    }
    RURU_OK
}
unsafe extern "C" fn unpark(_: *mut RuruParkToken, force: bool) -> i32 {
    park_event(true, force)
}
unsafe extern "C" fn park_drop(_: *mut RuruParkToken) -> i32 {
    park_event(false, false)
}

/// The mock server runs multi-threaded.
unsafe extern "C" fn multi_threading_enabled() -> i32 {
    1
}

/// The probe never uses the lease services (ABI 1.1 and 1.2): every one answers "unsupported".
mod no_leases {
    use ruru_hook_api::abi::{RuruIpv6, RuruSink, RuruStr, RURU_ERR_UNSUPPORTED};
    use std::ffi::c_void;
    pub(super) unsafe extern "C" fn by_address(_: u32, _: RuruSink, _: *mut c_void) -> i32 {
        RURU_ERR_UNSUPPORTED
    }
    pub(super) unsafe extern "C" fn by_bytes(_: RuruStr, _: RuruSink, _: *mut c_void) -> i32 {
        RURU_ERR_UNSUPPORTED
    }
    pub(super) unsafe extern "C" fn page(_: u32, _: u32, _: RuruSink, _: *mut c_void) -> i32 {
        RURU_ERR_UNSUPPORTED
    }
    pub(super) unsafe extern "C" fn wipe(
        _: *const u32,
        _: usize,
        _: RuruSink,
        _: *mut c_void,
    ) -> i32 {
        RURU_ERR_UNSUPPORTED
    }
    pub(super) unsafe extern "C" fn list(_: RuruSink, _: *mut c_void) -> i32 {
        RURU_ERR_UNSUPPORTED
    }
    pub(super) unsafe extern "C" fn ncr(_: u32, _: RuruStr, _: RuruSink, _: *mut c_void) -> i32 {
        RURU_ERR_UNSUPPORTED
    }
    pub(super) unsafe extern "C" fn ddns_enabled() -> i32 {
        0
    }
    pub(super) unsafe extern "C" fn by_address6(_: RuruIpv6, _: RuruSink, _: *mut c_void) -> i32 {
        RURU_ERR_UNSUPPORTED
    }
    pub(super) unsafe extern "C" fn by_type_address6(
        _: u32,
        _: RuruIpv6,
        _: RuruSink,
        _: *mut c_void,
    ) -> i32 {
        RURU_ERR_UNSUPPORTED
    }
    pub(super) unsafe extern "C" fn by_duid_iaid(
        _: u32,
        _: RuruStr,
        _: u32,
        _: u32,
        _: RuruSink,
        _: *mut c_void,
    ) -> i32 {
        RURU_ERR_UNSUPPORTED
    }
    pub(super) unsafe extern "C" fn page6(_: RuruIpv6, _: u32, _: RuruSink, _: *mut c_void) -> i32 {
        RURU_ERR_UNSUPPORTED
    }
}

pub(crate) static HOST: RuruHostApi = RuruHostApi {
    struct_size: std::mem::size_of::<RuruHostApi>(),
    abi_minor: RURU_HOOK_ABI_MINOR,
    family: 4,
    process_name: ruru_hook_api::abi_str("kea-dhcp4"),
    library_parameters,
    library_parameter,
    library_index,
    register_callout,
    deregister_callout,
    deregister_all_callouts,
    register_command,
    log,
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
    lease4_get: no_leases::by_address,
    lease4_get_by_hw_address: no_leases::by_bytes,
    lease4_get_by_client_id: no_leases::by_bytes,
    lease4_get_by_hostname: no_leases::by_bytes,
    lease4_get_page: no_leases::page,
    lease4_add: no_leases::by_bytes,
    lease4_update: no_leases::by_bytes,
    lease4_delete: no_leases::by_address,
    lease4_wipe: no_leases::wipe,
    lease4_write: no_leases::by_bytes,
    subnet4_get: no_leases::by_address,
    subnet4_select: no_leases::by_address,
    subnet4_list: no_leases::list,
    lease6_get: no_leases::by_type_address6,
    lease6_get_by_duid_iaid: no_leases::by_duid_iaid,
    lease6_get_by_duid: no_leases::by_bytes,
    lease6_get_by_hostname: no_leases::by_bytes,
    lease6_get_page: no_leases::page6,
    lease6_add: no_leases::by_bytes,
    lease6_update: no_leases::by_bytes,
    lease6_delete: no_leases::by_type_address6,
    lease6_wipe: no_leases::wipe,
    lease6_write: no_leases::by_bytes,
    subnet6_get: no_leases::by_address,
    subnet6_select: no_leases::by_address6,
    subnet6_list: no_leases::list,
    lease4_queue_ncr: no_leases::ncr,
    lease6_queue_ncr: no_leases::ncr,
    ddns_enabled: no_leases::ddns_enabled,
    multi_threading_enabled,
};
