//! The C ABI: every type and constant that crosses between a server and a plugin.
//!
//! Only `#[repr(C)]` structs, integers, byte slices as (pointer, length) and function pointers cross; the
//! server's objects (packets, leases, subnets) are opaque handles read and written through [`RuruHostApi`].
//! `include/ruru_hooks.h` is generated from this file by cbindgen (a test keeps it current).
//!
//! Compatibility rules: `RURU_HOOK_ABI_MAJOR` changes when anything existing changes meaning; a server
//! loads a plugin only with the same major and a minor no newer than its own. Structs carry their size
//! and grow only by appending fields, so a plugin built for minor N works on a server of minor N+k.
//!
//! History: 1.0 callouts, commands, parking; 1.1 lease storage services (`lease4_*`, `subnet4_*`);
//! 1.2 the DHCPv6 lease storage services (`lease6_*`, `subnet6_*`, [`RuruIpv6`], `RURU_LEASE_TYPE_*`);
//! 1.3 the DNS update services (`lease4_queue_ncr`, `lease6_queue_ncr`, `ddns_enabled`); 1.4 the
//! answer's IA at `lease6_renew`/`lease6_rebind` (`RURU_OBJECT_IA6`) and `multi_threading_enabled`.

/// Incompatible changes bump this; a plugin built for another major is refused.
pub const RURU_HOOK_ABI_MAJOR: u32 = 1;
/// Compatible additions bump this; a plugin needing a newer minor than the server's is refused.
pub const RURU_HOOK_ABI_MINOR: u32 = 4;

/// Next-step status: the server proceeds normally.
pub const RURU_NEXT_STEP_CONTINUE: i32 = 0;
/// Next-step status: the server skips the step the point guards (meaning per point).
pub const RURU_NEXT_STEP_SKIP: i32 = 1;
/// Next-step status: the server abandons the packet and sends nothing.
pub const RURU_NEXT_STEP_DROP: i32 = 2;
/// Next-step status: the server suspends the packet until every reference taken with `park` is released.
pub const RURU_NEXT_STEP_PARK: i32 = 3;

/// Host call succeeded.
pub const RURU_OK: i32 = 0;
/// No such argument, field, option, parameter or context entry.
pub const RURU_ERR_NOT_FOUND: i32 = 1;
/// The value has another kind than the one given or expected.
pub const RURU_ERR_TYPE: i32 = 2;
/// The argument or field may not be written at this callout point.
pub const RURU_ERR_READ_ONLY: i32 = 3;
/// The value is malformed or out of range.
pub const RURU_ERR_INVALID: i32 = 4;
/// The call is not allowed now (for example registering a callout outside `load`, or a lease service in
/// a process that has no lease storage).
pub const RURU_ERR_STATE: i32 = 5;
/// The object already exists (a lease added at an address that has one). Since 1.1.
pub const RURU_ERR_EXISTS: i32 = 6;
/// The configured backend cannot do this (for example writing a lease file without memfile). Since 1.1.
pub const RURU_ERR_UNSUPPORTED: i32 = 7;
/// The lease backend failed (a file or database error); the reason goes to the sink. Since 1.1.
pub const RURU_ERR_BACKEND: i32 = 8;
/// A packet being processed holds the address (multi-threaded Kea's `ResourceBusy`); the text goes to
/// the sink. Since 1.2.
pub const RURU_ERR_BUSY: i32 = 9;

/// DHCPv6 lease type: a non-temporary address (IA_NA), Kea's number. Since 1.2.
pub const RURU_LEASE_TYPE_NA: u32 = 0;
/// DHCPv6 lease type: a temporary address (IA_TA). Since 1.2.
pub const RURU_LEASE_TYPE_TA: u32 = 1;
/// DHCPv6 lease type: a delegated prefix (IA_PD). Since 1.2.
pub const RURU_LEASE_TYPE_PD: u32 = 2;

/// NameChangeRequest: add or update the lease's DNS records (Kea's `CHG_ADD`). Since 1.3.
pub const RURU_NCR_ADD: u32 = 0;
/// NameChangeRequest: remove the lease's DNS records (Kea's `CHG_REMOVE`). Since 1.3.
pub const RURU_NCR_REMOVE: u32 = 1;

/// Returned by a callout, `load`, `unload` or command handler that caught a panic: the server logs
/// `HOOKS_CALLOUT_EXCEPTION` (or the load/unload equivalent) and, for a callout, forces DROP.
pub const RURU_RESULT_EXCEPTION: i32 = -1;

/// No value (an absent optional argument).
pub const RURU_VALUE_NONE: u32 = 0;
/// `num` is 0 or 1.
pub const RURU_VALUE_BOOL: u32 = 1;
/// `num` is an unsigned integer.
pub const RURU_VALUE_U64: u32 = 2;
/// `num` holds the bits of a signed integer.
pub const RURU_VALUE_I64: u32 = 3;
/// `ptr`/`len` are raw bytes.
pub const RURU_VALUE_BYTES: u32 = 4;
/// `ptr`/`len` are UTF-8 text.
pub const RURU_VALUE_STRING: u32 = 5;
/// `ptr`/`len` are a JSON document in UTF-8.
pub const RURU_VALUE_JSON: u32 = 6;
/// `num` is an IPv4 address in host order.
pub const RURU_VALUE_IPV4: u32 = 7;
/// `ptr`/`len` are the 16 bytes of an IPv6 address.
pub const RURU_VALUE_IPV6: u32 = 8;
/// `object` is a server object of kind `object_kind`.
pub const RURU_VALUE_OBJECT: u32 = 9;
/// `object` is a list; `list_len`/`list_get` reach its items, each of kind `object_kind`.
pub const RURU_VALUE_LIST: u32 = 10;

/// A DHCPv4 packet (query or response).
pub const RURU_OBJECT_PKT4: u32 = 1;
/// A DHCPv6 packet.
pub const RURU_OBJECT_PKT6: u32 = 2;
/// A DHCPv4 lease.
pub const RURU_OBJECT_LEASE4: u32 = 3;
/// A DHCPv6 lease.
pub const RURU_OBJECT_LEASE6: u32 = 4;
/// A DHCPv4 subnet of the configuration.
pub const RURU_OBJECT_SUBNET4: u32 = 5;
/// A DHCPv6 subnet of the configuration.
pub const RURU_OBJECT_SUBNET6: u32 = 6;
/// An IA_NA or IA_PD option of the DHCPv6 answer being built (`ia_na`, `ia_pd` at `lease6_renew` and
/// `lease6_rebind`): fields `code` (3 or 25) and `iaid`, read-only; its sub-options through
/// `get_option`, `set_option` and `delete_option`. The server adds the granted address or prefix and
/// sets T1/T2 after the callouts; sub-options the callouts leave are sent. Since 1.4: a plugin built
/// for an older minor gets the client's IA payload there, as `RURU_VALUE_BYTES`.
pub const RURU_OBJECT_IA6: u32 = 7;

/// Log severities for `log`.
pub const RURU_LOG_ERROR: u32 = 0;
/// Warning.
pub const RURU_LOG_WARN: u32 = 1;
/// Informational.
pub const RURU_LOG_INFO: u32 = 2;
/// Debug.
pub const RURU_LOG_DEBUG: u32 = 3;

/// Borrowed bytes or UTF-8 text: valid for the duration of the call that passes or returns it.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RuruStr {
    /// First byte; may be null when `len` is 0.
    pub ptr: *const u8,
    /// Number of bytes.
    pub len: usize,
}

/// An IPv6 address passed by value to the DHCPv6 lease services: its 16 bytes in network order. Since
/// 1.2.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuruIpv6 {
    /// The address bytes, most significant first.
    pub octets: [u8; 16],
}

/// A tagged value: the unit of every argument, field and parameter exchanged.
///
/// Values the server returns borrow server memory that stays valid until the callout returns or the same
/// object is written, whichever comes first; values a plugin passes are copied by the server.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RuruValue {
    /// One of `RURU_VALUE_*`.
    pub kind: u32,
    /// For `RURU_VALUE_OBJECT` and `RURU_VALUE_LIST`: one of `RURU_OBJECT_*`.
    pub object_kind: u32,
    /// Numeric payload (bool, integers, IPv4).
    pub num: u64,
    /// Byte payload (bytes, string, JSON, IPv6).
    pub bytes: RuruStr,
    /// Object or list payload.
    pub object: *mut RuruObject,
}

/// Per-invocation state of one callout point: arguments, next-step status and the plugin's request context.
#[repr(C)]
pub struct RuruCalloutHandle {
    _opaque: [u8; 0],
}

/// A loaded plugin, as seen by its `load`: parameters and registration of callouts and commands.
#[repr(C)]
pub struct RuruLibraryHandle {
    _opaque: [u8; 0],
}

/// A server object (packet, lease, subnet, list) reachable from a callout.
#[repr(C)]
pub struct RuruObject {
    _opaque: [u8; 0],
}

/// One reference on a parked packet, usable from any thread until given back with `unpark` or `park_drop`.
#[repr(C)]
pub struct RuruParkToken {
    _opaque: [u8; 0],
}

/// Receives what a lease or subnet service returns: on `RURU_OK` the result document (JSON, UTF-8), on an
/// error a human-readable reason (possibly not called at all). `bytes` is valid only during the call;
/// `ctx` is the pointer the plugin passed to the service. Called at most once per service call, on the
/// calling thread.
pub type RuruSink = unsafe extern "C" fn(ctx: *mut core::ffi::c_void, bytes: RuruStr);

/// A callout (and a command handler: it gets the arguments `command` and `response`).
/// Returns 0, a non-zero error code (logged as `HOOKS_CALLOUT_ERROR`), or `RURU_RESULT_EXCEPTION`.
pub type RuruCallout = unsafe extern "C" fn(handle: *mut RuruCalloutHandle) -> i32;

/// A named callout of the descriptor: registered on the point of that name before `load` runs.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RuruCalloutDecl {
    /// Name of the callout point (`pkt4_receive`, ...).
    pub point: RuruStr,
    /// The function.
    pub callout: RuruCallout,
}

/// What a plugin exports, through the symbol [`RURU_PLUGIN_SYMBOL`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RuruPluginDescriptor {
    /// `RURU_HOOK_ABI_MAJOR` the plugin was built with.
    pub abi_major: u32,
    /// `RURU_HOOK_ABI_MINOR` the plugin was built with.
    pub abi_minor: u32,
    /// `sizeof(RuruPluginDescriptor)` as the plugin knows it.
    pub struct_size: usize,
    /// A short name for logs.
    pub name: RuruStr,
    /// Non-zero when callouts may run on several threads at once; absent means not compatible.
    pub multi_threading_compatible: Option<unsafe extern "C" fn() -> i32>,
    /// Called once after the checks; 0 = loaded, anything else refuses the configuration.
    pub load: Option<unsafe extern "C" fn(library: *mut RuruLibraryHandle) -> i32>,
    /// Called when the plugin is unloaded (reconfiguration, shutdown); 0 = success.
    pub unload: Option<unsafe extern "C" fn() -> i32>,
    /// Named callouts registered before `load`.
    pub callouts: *const RuruCalloutDecl,
    /// Number of entries in `callouts`.
    pub callouts_len: usize,
}

// SAFETY: a descriptor is immutable static data (names and function pointers) shared by every thread.
unsafe impl Sync for RuruPluginDescriptor {}
// SAFETY: as above; the pointers refer to static data.
unsafe impl Sync for RuruCalloutDecl {}

/// Name of the exported entry point: `const RuruPluginDescriptor *ruru_plugin_descriptor(const RuruHostApi *host)`.
/// The host table stays valid for the life of the process, so a plugin may keep the pointer.
pub const RURU_PLUGIN_SYMBOL: &str = "ruru_plugin_descriptor";

/// The exported entry point's type.
pub type RuruPluginEntry =
    unsafe extern "C" fn(host: *const RuruHostApi) -> *const RuruPluginDescriptor;

/// Functions the server provides. Appended to only; check `struct_size` before using a field added
/// after the minor version the plugin was built for.
///
/// The fields from `lease4_get` on (ABI 1.1) are the lease storage services (docs/hooks.md §5.1). They
/// reach the lease store of the running server and may be called from any thread of the plugin, inside
/// or outside a callout (command handlers are the intended callers); each blocks until the backend
/// answered. Leases are exchanged as Kea's lease map in JSON (what `lease4-get` answers: `ip-address`,
/// `hw-address`, `client-id`, `valid-lft`, `cltt`, `subnet-id`, `fqdn-fwd`, `fqdn-rev`, `hostname`,
/// `state`, `user-context`, `pool-id`); addresses are IPv4 in host order. Changes go through the
/// server's statistics, are seen by packet processing at once, and run no callout. Without lease
/// storage (`-T`, or a DHCPv6 server for these v4 services) they return `RURU_ERR_STATE`.
///
/// The fields from `lease6_get` on (ABI 1.2) are the same services for DHCPv6 leases, under the same
/// rules, in a DHCPv6 server (`RURU_ERR_STATE` in a DHCPv4 one). Their lease map is `lease6-get`'s:
/// `ip-address`, `type` (`IA_NA`, `IA_TA`, `IA_PD`), `prefix-len` (prefixes only), `duid`, `iaid`,
/// `preferred-lft`, `valid-lft`, `cltt`, `subnet-id`, `pool-id`, `fqdn-fwd`, `fqdn-rev`, `hostname`,
/// `hw-address` (when known), `state`, `user-context`. Addresses are [`RuruIpv6`]; lease types
/// `RURU_LEASE_TYPE_*` (another number is `RURU_ERR_INVALID`). A prefix is named by its first address.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RuruHostApi {
    /// `sizeof(RuruHostApi)` as the server knows it.
    pub struct_size: usize,
    /// The server's `RURU_HOOK_ABI_MINOR`.
    pub abi_minor: u32,
    /// Address family of the server: 4 or 6; 0 in the control agent.
    pub family: u32,
    /// Process name as Kea spells it (`kea-dhcp4`, `kea-dhcp6`): plugins that serve one family check it.
    pub process_name: RuruStr,

    /// The plugin's `parameters` map as JSON, or `RURU_ERR_NOT_FOUND` when the entry has none.
    pub library_parameters:
        unsafe extern "C" fn(library: *mut RuruLibraryHandle, out: *mut RuruValue) -> i32,
    /// One parameter as JSON, or `RURU_ERR_NOT_FOUND`.
    pub library_parameter: unsafe extern "C" fn(
        library: *mut RuruLibraryHandle,
        name: RuruStr,
        out: *mut RuruValue,
    ) -> i32,
    /// Position of the plugin in `hooks-libraries`, from 1.
    pub library_index: unsafe extern "C" fn(library: *mut RuruLibraryHandle) -> u32,
    /// Registers `callout` on `point` (after the plugin's earlier ones there); only during `load`.
    pub register_callout: unsafe extern "C" fn(
        library: *mut RuruLibraryHandle,
        point: RuruStr,
        callout: RuruCallout,
    ) -> i32,
    /// Removes one registration of `callout` from `point`.
    pub deregister_callout: unsafe extern "C" fn(
        library: *mut RuruLibraryHandle,
        point: RuruStr,
        callout: RuruCallout,
    ) -> i32,
    /// Removes every callout of this plugin from `point`.
    pub deregister_all_callouts:
        unsafe extern "C" fn(library: *mut RuruLibraryHandle, point: RuruStr) -> i32,
    /// Registers a control-command handler; only during `load`.
    pub register_command: unsafe extern "C" fn(
        library: *mut RuruLibraryHandle,
        command: RuruStr,
        handler: RuruCallout,
    ) -> i32,

    /// Logs `message` under the logger `<process>.<logger>` at `severity` (`RURU_LOG_*`).
    pub log: unsafe extern "C" fn(logger: RuruStr, severity: u32, message: RuruStr),

    /// The callout point being run.
    pub point_name: unsafe extern "C" fn(handle: *mut RuruCalloutHandle) -> RuruStr,
    /// The current next-step status.
    pub get_status: unsafe extern "C" fn(handle: *mut RuruCalloutHandle) -> i32,
    /// Sets the next-step status (`RURU_NEXT_STEP_*`).
    pub set_status: unsafe extern "C" fn(handle: *mut RuruCalloutHandle, status: i32) -> i32,
    /// Number of arguments of this point.
    pub argument_count: unsafe extern "C" fn(handle: *mut RuruCalloutHandle) -> usize,
    /// Name of argument `index`.
    pub argument_name: unsafe extern "C" fn(
        handle: *mut RuruCalloutHandle,
        index: usize,
        out: *mut RuruStr,
    ) -> i32,
    /// Reads an argument.
    pub get_argument: unsafe extern "C" fn(
        handle: *mut RuruCalloutHandle,
        name: RuruStr,
        out: *mut RuruValue,
    ) -> i32,
    /// Writes an argument the point lets plugins change.
    pub set_argument: unsafe extern "C" fn(
        handle: *mut RuruCalloutHandle,
        name: RuruStr,
        value: *const RuruValue,
    ) -> i32,
    /// Reads an entry of this plugin's context for the current request (bytes).
    pub get_context: unsafe extern "C" fn(
        handle: *mut RuruCalloutHandle,
        name: RuruStr,
        out: *mut RuruStr,
    ) -> i32,
    /// Stores an entry in this plugin's context for the current request (bytes, copied).
    pub set_context:
        unsafe extern "C" fn(handle: *mut RuruCalloutHandle, name: RuruStr, value: RuruStr) -> i32,
    /// Removes an entry of this plugin's context.
    pub delete_context: unsafe extern "C" fn(handle: *mut RuruCalloutHandle, name: RuruStr) -> i32,

    /// Reads a field of an object (`giaddr` of a packet, `hostname` of a lease, ...).
    pub get_field:
        unsafe extern "C" fn(object: *mut RuruObject, field: RuruStr, out: *mut RuruValue) -> i32,
    /// Writes a field of a writable object.
    pub set_field: unsafe extern "C" fn(
        object: *mut RuruObject,
        field: RuruStr,
        value: *const RuruValue,
    ) -> i32,
    /// The payload of the first option `code` of a packet (or of an IA, `RURU_OBJECT_IA6`).
    pub get_option:
        unsafe extern "C" fn(object: *mut RuruObject, code: u32, out: *mut RuruStr) -> i32,
    /// Sets option `code` of a writable packet (or IA) to `payload`, replacing any instance.
    pub set_option:
        unsafe extern "C" fn(object: *mut RuruObject, code: u32, payload: RuruStr) -> i32,
    /// Removes option `code` from a writable packet (or IA).
    pub delete_option: unsafe extern "C" fn(object: *mut RuruObject, code: u32) -> i32,
    /// Number of items of a list.
    pub list_len: unsafe extern "C" fn(list: *mut RuruObject) -> usize,
    /// Item `index` of a list.
    pub list_get:
        unsafe extern "C" fn(list: *mut RuruObject, index: usize, out: *mut RuruValue) -> i32,

    /// Takes a reference on the packet being processed so it can be parked; null where the point cannot park.
    pub park: unsafe extern "C" fn(handle: *mut RuruCalloutHandle) -> *mut RuruParkToken,
    /// Gives a reference back; the packet resumes when the last one is given back, or at once with `force`.
    pub unpark: unsafe extern "C" fn(token: *mut RuruParkToken, force: bool) -> i32,
    /// Gives a reference back and discards the packet: no response.
    pub park_drop: unsafe extern "C" fn(token: *mut RuruParkToken) -> i32,

    /// The lease of `address` as a lease map; `RURU_ERR_NOT_FOUND` when there is none.
    pub lease4_get:
        unsafe extern "C" fn(address: u32, sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,
    /// Every lease whose hardware address has the bytes `hw_address` (any type), as a JSON list of lease
    /// maps in address order (possibly empty).
    pub lease4_get_by_hw_address: unsafe extern "C" fn(
        hw_address: RuruStr,
        sink: RuruSink,
        ctx: *mut core::ffi::c_void,
    ) -> i32,
    /// Every lease of client identifier `client_id` (bytes), as a JSON list (possibly empty).
    pub lease4_get_by_client_id: unsafe extern "C" fn(
        client_id: RuruStr,
        sink: RuruSink,
        ctx: *mut core::ffi::c_void,
    ) -> i32,
    /// Every lease whose host name equals `hostname` ignoring ASCII case, as a JSON list.
    pub lease4_get_by_hostname:
        unsafe extern "C" fn(hostname: RuruStr, sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,
    /// At most `limit` leases with addresses strictly above `after` (0 = from the start), ascending, as a
    /// JSON list: the last address of one page is `after` for the next.
    pub lease4_get_page: unsafe extern "C" fn(
        after: u32,
        limit: u32,
        sink: RuruSink,
        ctx: *mut core::ffi::c_void,
    ) -> i32,
    /// Stores a new lease given as a complete lease map (`ip-address`, `subnet-id`, `cltt` and
    /// `valid-lft` required, the rest defaulting to empty/false/0); `RURU_ERR_EXISTS` when its address
    /// has a lease, `RURU_ERR_INVALID` (reason to the sink) when the map is malformed.
    pub lease4_add:
        unsafe extern "C" fn(lease: RuruStr, sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,
    /// Replaces the lease at the map's `ip-address` whole; `RURU_ERR_NOT_FOUND` when there is none.
    pub lease4_update:
        unsafe extern "C" fn(lease: RuruStr, sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,
    /// Deletes the lease of `address`; the sink gets the deleted lease map. `RURU_ERR_NOT_FOUND` when
    /// there is none.
    pub lease4_delete:
        unsafe extern "C" fn(address: u32, sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,
    /// Deletes every lease of the `count` subnets `subnet_ids` in one step; the sink gets the number
    /// deleted (a JSON number). No callout runs for them.
    pub lease4_wipe: unsafe extern "C" fn(
        subnet_ids: *const u32,
        count: usize,
        sink: RuruSink,
        ctx: *mut core::ffi::c_void,
    ) -> i32,
    /// Writes every lease to `filename` in the memfile CSV format; the sink gets the path written (a
    /// JSON string). A bare name goes to the lease data directory (`KEA_DHCP_DATA_DIRECTORY`, default
    /// `/var/lib/kea`), any other directory is refused (`RURU_ERR_INVALID`) except for the configured
    /// lease file itself. An existing file is first renamed `<file>.bak<pid>`; when it is the
    /// configured lease file the server goes on appending to the new one. `RURU_ERR_UNSUPPORTED`
    /// without memfile.
    pub lease4_write:
        unsafe extern "C" fn(filename: RuruStr, sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,
    /// The configured subnet `subnet_id` as a subnet map (`id`, `subnet` as `192.0.2.0/24`,
    /// `valid-lft`); `RURU_ERR_NOT_FOUND` when there is none.
    pub subnet4_get:
        unsafe extern "C" fn(subnet_id: u32, sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,
    /// The subnet the server selects for `address`: the first configured one whose prefix holds it and
    /// that no client class guards; `RURU_ERR_NOT_FOUND` when none does.
    pub subnet4_select:
        unsafe extern "C" fn(address: u32, sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,
    /// Every configured subnet, in configuration order, as a JSON list of subnet maps.
    pub subnet4_list: unsafe extern "C" fn(sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,

    /// The lease of type `lease_type` at `address` as a lease map; `RURU_ERR_NOT_FOUND` when there is
    /// none (or the lease there has another type). Since 1.2.
    pub lease6_get: unsafe extern "C" fn(
        lease_type: u32,
        address: RuruIpv6,
        sink: RuruSink,
        ctx: *mut core::ffi::c_void,
    ) -> i32,
    /// The leases of type `lease_type` that the DUID with the bytes `duid` holds for IA `iaid`, in
    /// subnet `subnet_id` (0 = any subnet), as a JSON list in address order (possibly empty).
    pub lease6_get_by_duid_iaid: unsafe extern "C" fn(
        lease_type: u32,
        duid: RuruStr,
        iaid: u32,
        subnet_id: u32,
        sink: RuruSink,
        ctx: *mut core::ffi::c_void,
    ) -> i32,
    /// Every lease of any type held by the DUID with the bytes `duid`, as a JSON list in address order.
    pub lease6_get_by_duid:
        unsafe extern "C" fn(duid: RuruStr, sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,
    /// Every lease whose host name equals `hostname` ignoring ASCII case, as a JSON list.
    pub lease6_get_by_hostname:
        unsafe extern "C" fn(hostname: RuruStr, sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,
    /// At most `limit` leases of every type with addresses strictly above `after` (`::` = from the
    /// start), ascending, as a JSON list: the last address of one page is `after` for the next.
    pub lease6_get_page: unsafe extern "C" fn(
        after: RuruIpv6,
        limit: u32,
        sink: RuruSink,
        ctx: *mut core::ffi::c_void,
    ) -> i32,
    /// Stores a new lease given as a complete lease map (`ip-address`, `duid`, `iaid`, `subnet-id`,
    /// `cltt` and `valid-lft` required; `type` defaults to `IA_NA`; `prefix-len` is required for
    /// `IA_PD` and 128 otherwise; the rest defaults to empty/false/0); `RURU_ERR_EXISTS` when a lease
    /// of any type holds its address, `RURU_ERR_INVALID` (reason to the sink) when the map is
    /// malformed.
    pub lease6_add:
        unsafe extern "C" fn(lease: RuruStr, sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,
    /// Replaces the lease at the map's `ip-address` whole; `RURU_ERR_NOT_FOUND` when there is none.
    pub lease6_update:
        unsafe extern "C" fn(lease: RuruStr, sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,
    /// Deletes the lease of type `lease_type` at `address`; the sink gets the deleted lease map.
    /// `RURU_ERR_NOT_FOUND` when there is none.
    pub lease6_delete: unsafe extern "C" fn(
        lease_type: u32,
        address: RuruIpv6,
        sink: RuruSink,
        ctx: *mut core::ffi::c_void,
    ) -> i32,
    /// Deletes every lease of the `count` subnets `subnet_ids` in one step; the sink gets the number
    /// deleted (a JSON number). No callout runs for them.
    pub lease6_wipe: unsafe extern "C" fn(
        subnet_ids: *const u32,
        count: usize,
        sink: RuruSink,
        ctx: *mut core::ffi::c_void,
    ) -> i32,
    /// Writes every lease to `filename` in the memfile v6 CSV format, under the rules of
    /// `lease4_write`; the sink gets the path written (a JSON string).
    pub lease6_write:
        unsafe extern "C" fn(filename: RuruStr, sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,
    /// The configured subnet `subnet_id` as a subnet map (`id`, `subnet` as `2001:db8::/64`,
    /// `valid-lft`, `preferred-lft`); `RURU_ERR_NOT_FOUND` when there is none.
    pub subnet6_get:
        unsafe extern "C" fn(subnet_id: u32, sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,
    /// The subnet the server selects for `address`: the first configured one whose prefix holds it and
    /// that no client class guards; `RURU_ERR_NOT_FOUND` when none does.
    pub subnet6_select:
        unsafe extern "C" fn(address: RuruIpv6, sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,
    /// Every configured subnet, in configuration order, as a JSON list of subnet maps.
    pub subnet6_list: unsafe extern "C" fn(sink: RuruSink, ctx: *mut core::ffi::c_void) -> i32,

    /// Queues a NameChangeRequest to the DHCP-DDNS service (`dhcp-ddns`) for the DHCPv4 lease given
    /// as a lease map (it need not be stored: a deleted lease's map removes its records):
    /// `change_type` is `RURU_NCR_ADD` or `RURU_NCR_REMOVE`. Success means queued, not done in DNS.
    /// `RURU_ERR_UNSUPPORTED` when DDNS updates are not enabled; `RURU_ERR_INVALID` (reason to the
    /// sink) when the map is malformed or the lease has no host name or no update direction;
    /// `RURU_ERR_BUSY` when the queue is full. Since 1.3.
    pub lease4_queue_ncr: unsafe extern "C" fn(
        change_type: u32,
        lease: RuruStr,
        sink: RuruSink,
        ctx: *mut core::ffi::c_void,
    ) -> i32,
    /// `lease4_queue_ncr` for a DHCPv6 lease map; only address (`IA_NA`) leases have DNS records, a
    /// prefix is `RURU_ERR_INVALID`. Since 1.3.
    pub lease6_queue_ncr: unsafe extern "C" fn(
        change_type: u32,
        lease: RuruStr,
        sink: RuruSink,
        ctx: *mut core::ffi::c_void,
    ) -> i32,
    /// 1 when the server sends NameChangeRequests (`dhcp-ddns` `enable-updates`), else 0. Since 1.3.
    pub ddns_enabled: unsafe extern "C" fn() -> i32,

    /// 1 when the configuration in force runs multi-threaded (`multi-threading`
    /// `enable-multi-threading`), else 0 (always 0 in the control agent). The mode changes only at
    /// reconfiguration, after the old plugins are unloaded and before the new ones load, so it is
    /// constant from a plugin's `load` to its `unload`. Since 1.4.
    pub multi_threading_enabled: unsafe extern "C" fn() -> i32,
}

// SAFETY: the host table is immutable for the life of the process and its functions are thread-safe.
unsafe impl Sync for RuruHostApi {}
// SAFETY: as above.
unsafe impl Send for RuruHostApi {}
