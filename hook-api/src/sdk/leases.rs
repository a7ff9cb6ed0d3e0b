//! The server's lease storage: typed wrappers over the `lease4_*` and `subnet4_*` host services (ABI
//! 1.1) and the `lease6_*` and `subnet6_*` ones (ABI 1.2), usable from any thread of the plugin. On a
//! server whose ABI is older than a service, the wrapper answers [`HookError::Unsupported`] without
//! calling it (the table ends before it).
//!
//! Leases travel as Kea's lease map ([`LeaseMap`], the JSON `lease4-get` and `lease6-get` answer
//! with), so a command plugin passes them through unchanged and a new key needs no new function. Changes made here go
//! through the server's statistics and are seen by packet processing at once; no callout runs for
//! them.

use crate::abi::*;
use crate::sdk::host::host_since;
use crate::sdk::value::{bytes_of, raw_bytes, str_of, HookError, HookResult};
use serde_json::{Map, Value as Json};
use std::ffi::c_void;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// One lease as Kea's lease map. DHCPv4: `ip-address`, `hw-address`, `client-id`, `valid-lft`, `cltt`,
/// `subnet-id`, `fqdn-fwd`, `fqdn-rev`, `hostname`, `state`, `user-context`, `pool-id`. DHCPv6 has
/// `duid`, `iaid`, `type`, `prefix-len` and `preferred-lft` in place of `client-id`.
pub type LeaseMap = Map<String, Json>;

/// What a DHCPv6 lease binds (`type` in its lease map).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeaseType {
    /// A non-temporary address, `IA_NA`.
    Na,
    /// A temporary address, `IA_TA`.
    Ta,
    /// A delegated prefix, `IA_PD`.
    Pd,
}

impl LeaseType {
    /// The management API's name: `IA_NA`, `IA_TA`, `IA_PD`.
    pub fn name(self) -> &'static str {
        match self {
            LeaseType::Na => "IA_NA",
            LeaseType::Ta => "IA_TA",
            LeaseType::Pd => "IA_PD",
        }
    }

    /// The ABI's number (`RURU_LEASE_TYPE_*`).
    pub fn code(self) -> u32 {
        match self {
            LeaseType::Na => RURU_LEASE_TYPE_NA,
            LeaseType::Ta => RURU_LEASE_TYPE_TA,
            LeaseType::Pd => RURU_LEASE_TYPE_PD,
        }
    }
}

impl fmt::Display for LeaseType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses the exact names `IA_NA`, `IA_TA`, `IA_PD`; the error is the text given.
impl FromStr for LeaseType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        [LeaseType::Na, LeaseType::Ta, LeaseType::Pd]
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| s.to_owned())
    }
}

/// Whether `addr` is inside `prefix/len`, both as the high bits of a `width`-bit number.
fn in_prefix(addr: u128, prefix: u128, len: u8, width: u32) -> bool {
    let mask = u128::MAX
        .checked_shl(width.saturating_sub(u32::from(len)))
        .unwrap_or(0);
    addr & mask == prefix & mask
}

/// The members every subnet map has: `id`, `subnet` as `prefix/len` (`len` at most `max_len`),
/// `valid-lft`.
fn subnet_fields<A: FromStr>(v: &Json, max_len: u8) -> Option<(u32, A, u8, u32)> {
    let (prefix, len) = v.get("subnet")?.as_str()?.split_once('/')?;
    Some((
        u32_of(v, "id")?,
        prefix.parse().ok()?,
        len.parse().ok().filter(|&l: &u8| l <= max_len)?,
        u32_of(v, "valid-lft")?,
    ))
}

fn u32_of(v: &Json, k: &str) -> Option<u32> {
    u32::try_from(v.get(k)?.as_u64()?).ok()
}

/// A configured DHCPv4 subnet, as the subnet services describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subnet4Info {
    /// The subnet id.
    pub id: u32,
    /// The prefix address, as configured.
    pub prefix: Ipv4Addr,
    /// The prefix length.
    pub prefix_len: u8,
    /// The subnet's default valid lifetime, seconds.
    pub valid_lifetime: u32,
}

impl Subnet4Info {
    /// Whether `addr` is inside the subnet's prefix.
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        let bits = |a: Ipv4Addr| u128::from(u32::from(a));
        in_prefix(bits(addr), bits(self.prefix), self.prefix_len, 32)
    }

    fn from_json(v: &Json) -> Option<Self> {
        let (id, prefix, prefix_len, valid_lifetime) = subnet_fields(v, 32)?;
        Some(Subnet4Info {
            id,
            prefix,
            prefix_len,
            valid_lifetime,
        })
    }
}

/// `192.0.2.0/24`, as Kea names a subnet in its messages.
impl fmt::Display for Subnet4Info {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.prefix, self.prefix_len)
    }
}

/// A configured DHCPv6 subnet, as the subnet services describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subnet6Info {
    /// The subnet id.
    pub id: u32,
    /// The prefix address, as configured.
    pub prefix: Ipv6Addr,
    /// The prefix length.
    pub prefix_len: u8,
    /// The subnet's default valid lifetime, seconds.
    pub valid_lifetime: u32,
    /// The subnet's default preferred lifetime, seconds.
    pub preferred_lifetime: u32,
}

impl Subnet6Info {
    /// Whether `addr` is inside the subnet's prefix.
    pub fn contains(&self, addr: Ipv6Addr) -> bool {
        in_prefix(addr.into(), self.prefix.into(), self.prefix_len, 128)
    }

    fn from_json(v: &Json) -> Option<Self> {
        let (id, prefix, prefix_len, valid_lifetime) = subnet_fields(v, 128)?;
        Some(Subnet6Info {
            id,
            prefix,
            prefix_len,
            valid_lifetime,
            preferred_lifetime: u32_of(v, "preferred-lft")?,
        })
    }
}

/// `2001:db8:1::/64`, as Kea names a subnet in its messages.
impl fmt::Display for Subnet6Info {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.prefix, self.prefix_len)
    }
}

/// The sink the SDK hands the server: it copies what it is given into the `Vec<u8>` behind `ctx`.
unsafe extern "C" fn collect(ctx: *mut c_void, bytes: RuruStr) {
    // SAFETY: `ctx` is the `Vec<u8>` `call` passed for this call, and the bytes are valid now.
    let (out, bytes) = unsafe { (&mut *ctx.cast::<Vec<u8>>(), bytes_of(bytes)) };
    out.clear();
    out.extend_from_slice(bytes);
}

/// What one 1.1 service call produced: the result document, or the error with the server's reason.
fn call(
    what: &str,
    f: impl FnOnce(&RuruHostApi, RuruSink, *mut c_void) -> i32,
) -> HookResult<Json> {
    call_since(1, what, f)
}

/// [`call`] for a 1.2 (DHCPv6) service.
fn call6(
    what: &str,
    f: impl FnOnce(&RuruHostApi, RuruSink, *mut c_void) -> i32,
) -> HookResult<Json> {
    call_since(2, what, f)
}

/// Calls a service the table has from ABI minor `minor` on; `f` reads it from the table only once the
/// server's minor was checked, since an older table ends before it.
fn call_since(
    minor: u32,
    what: &str,
    f: impl FnOnce(&RuruHostApi, RuruSink, *mut c_void) -> i32,
) -> HookResult<Json> {
    let api = host_since(minor, what)?;
    let mut out = Vec::new();
    let rc = f(api, collect, std::ptr::from_mut(&mut out).cast());
    match rc {
        RURU_OK if out.is_empty() => Ok(Json::Null),
        RURU_OK => serde_json::from_slice(&out)
            .map_err(|e| HookError::Invalid(format!("{what}: the server answered no JSON: {e}"))),
        rc => {
            let reason = String::from_utf8_lossy(&out);
            let reason = if reason.is_empty() {
                what.to_owned()
            } else {
                reason.into_owned()
            };
            Err(match rc {
                RURU_ERR_NOT_FOUND => HookError::NotFound(what.to_owned()),
                RURU_ERR_INVALID | RURU_ERR_STATE => HookError::Refused(reason),
                rc => HookError::from_code(rc, &reason),
            })
        }
    }
}

/// `Ok(None)` for `RURU_ERR_NOT_FOUND`.
fn optional(r: HookResult<Json>) -> HookResult<Option<Json>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(HookError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

fn lease(v: Json, what: &str) -> HookResult<LeaseMap> {
    match v {
        Json::Object(m) => Ok(m),
        _ => Err(HookError::Type(what.to_owned())),
    }
}

fn leases(v: Json, what: &str) -> HookResult<Vec<LeaseMap>> {
    match v {
        Json::Array(items) => items.into_iter().map(|l| lease(l, what)).collect(),
        _ => Err(HookError::Type(what.to_owned())),
    }
}

fn subnet<S>(v: &Json, what: &str, parse: fn(&Json) -> Option<S>) -> HookResult<S> {
    parse(v).ok_or_else(|| HookError::Type(what.to_owned()))
}

/// A list of subnet maps.
fn subnet_list<S>(r: Json, what: &str, parse: fn(&Json) -> Option<S>) -> HookResult<Vec<S>> {
    match r {
        Json::Array(items) => items.iter().map(|v| subnet(v, what, parse)).collect(),
        _ => Err(HookError::Type(what.to_owned())),
    }
}

/// The number a wipe answers.
fn count(r: Json, what: &str) -> HookResult<u64> {
    r.as_u64().ok_or_else(|| HookError::Type(what.to_owned()))
}

/// The path a write answers.
fn path(r: Json, what: &str) -> HookResult<String> {
    match r {
        Json::String(path) => Ok(path),
        _ => Err(HookError::Type(what.to_owned())),
    }
}

fn ipv6(a: Ipv6Addr) -> RuruIpv6 {
    RuruIpv6 { octets: a.octets() }
}

/// The lease of `addr`, if any.
pub fn get4(addr: Ipv4Addr) -> HookResult<Option<LeaseMap>> {
    // SAFETY: the sink and its context outlive the call.
    let r = call("lease4_get", |h, s, c| unsafe {
        (h.lease4_get)(u32::from(addr), s, c)
    });
    optional(r)?.map(|v| lease(v, "lease4_get")).transpose()
}

/// Every lease of the hardware address `hw` (its bytes, whatever the hardware type), by address.
pub fn get4_by_hw_address(hw: &[u8]) -> HookResult<Vec<LeaseMap>> {
    // SAFETY: the bytes, the sink and its context outlive the call.
    let r = call("lease4_get_by_hw_address", |h, s, c| unsafe {
        (h.lease4_get_by_hw_address)(raw_bytes(hw), s, c)
    });
    leases(r?, "lease4_get_by_hw_address")
}

/// Every lease of the client identifier `id`, by address.
pub fn get4_by_client_id(id: &[u8]) -> HookResult<Vec<LeaseMap>> {
    // SAFETY: the bytes, the sink and its context outlive the call.
    let r = call("lease4_get_by_client_id", |h, s, c| unsafe {
        (h.lease4_get_by_client_id)(raw_bytes(id), s, c)
    });
    leases(r?, "lease4_get_by_client_id")
}

/// Every lease whose host name is `name`, ignoring ASCII case, by address.
pub fn get4_by_hostname(name: &str) -> HookResult<Vec<LeaseMap>> {
    // SAFETY: the text, the sink and its context outlive the call.
    let r = call("lease4_get_by_hostname", |h, s, c| unsafe {
        (h.lease4_get_by_hostname)(str_of(name), s, c)
    });
    leases(r?, "lease4_get_by_hostname")
}

/// At most `limit` leases with addresses above `after` (from the start when `None`), ascending.
pub fn page4(after: Option<Ipv4Addr>, limit: u32) -> HookResult<Vec<LeaseMap>> {
    let after = after.map_or(0, u32::from);
    // SAFETY: the sink and its context outlive the call.
    let r = call("lease4_get_page", |h, s, c| unsafe {
        (h.lease4_get_page)(after, limit, s, c)
    });
    leases(r?, "lease4_get_page")
}

/// Sends a lease map to a storing service of ABI minor `minor`; `f` picks the service from the table
/// (read only after the minor version was checked, since an older table ends before it).
fn store(
    minor: u32,
    what: &str,
    lease: &LeaseMap,
    f: impl FnOnce(&RuruHostApi, RuruStr, RuruSink, *mut c_void) -> i32,
) -> HookResult {
    let text = serde_json::to_string(lease).map_err(|e| HookError::Invalid(e.to_string()))?;
    call_since(minor, what, |h, s, c| f(h, str_of(&text), s, c)).map(drop)
}

/// Stores a new lease (a complete lease map); [`HookError::Exists`] when its address has one.
pub fn add4(lease: &LeaseMap) -> HookResult {
    // SAFETY: the text, the sink and its context outlive the call.
    store(1, "lease4_add", lease, |h, l, s, c| unsafe {
        (h.lease4_add)(l, s, c)
    })
}

/// Replaces the lease at the map's `ip-address`; [`HookError::NotFound`] when there is none.
pub fn update4(lease: &LeaseMap) -> HookResult {
    // SAFETY: the text, the sink and its context outlive the call.
    store(1, "lease4_update", lease, |h, l, s, c| unsafe {
        (h.lease4_update)(l, s, c)
    })
}

/// Deletes the lease of `addr`; the lease deleted, `None` when there was none.
pub fn delete4(addr: Ipv4Addr) -> HookResult<Option<LeaseMap>> {
    // SAFETY: the sink and its context outlive the call.
    let r = call("lease4_delete", |h, s, c| unsafe {
        (h.lease4_delete)(u32::from(addr), s, c)
    });
    optional(r)?.map(|v| lease(v, "lease4_delete")).transpose()
}

/// Deletes every lease of the subnets `ids` in one step; how many were deleted.
pub fn wipe4(ids: &[u32]) -> HookResult<u64> {
    // SAFETY: the ids, the sink and its context outlive the call.
    let r = call("lease4_wipe", |h, s, c| unsafe {
        (h.lease4_wipe)(ids.as_ptr(), ids.len(), s, c)
    });
    count(r?, "lease4_wipe")
}

/// Writes every lease to `filename` in the memfile CSV format; the path written (see
/// [`RuruHostApi::lease4_write`] for where files may go).
pub fn write4(filename: &str) -> HookResult<String> {
    // SAFETY: the text, the sink and its context outlive the call.
    let r = call("lease4_write", |h, s, c| unsafe {
        (h.lease4_write)(str_of(filename), s, c)
    });
    path(r?, "lease4_write")
}

/// The configured subnet `id`, if any.
pub fn subnet4(id: u32) -> HookResult<Option<Subnet4Info>> {
    // SAFETY: the sink and its context outlive the call.
    let r = call("subnet4_get", |h, s, c| unsafe {
        (h.subnet4_get)(id, s, c)
    });
    optional(r)?
        .map(|v| subnet(&v, "subnet4_get", Subnet4Info::from_json))
        .transpose()
}

/// The subnet the server selects for `addr` (the first holding it that no client class guards).
pub fn select_subnet4(addr: Ipv4Addr) -> HookResult<Option<Subnet4Info>> {
    // SAFETY: the sink and its context outlive the call.
    let r = call("subnet4_select", |h, s, c| unsafe {
        (h.subnet4_select)(u32::from(addr), s, c)
    });
    optional(r)?
        .map(|v| subnet(&v, "subnet4_select", Subnet4Info::from_json))
        .transpose()
}

/// Every configured subnet, in configuration order.
pub fn subnets4() -> HookResult<Vec<Subnet4Info>> {
    // SAFETY: the sink and its context outlive the call.
    let r = call("subnet4_list", |h, s, c| unsafe { (h.subnet4_list)(s, c) })?;
    subnet_list(r, "subnet4_list", Subnet4Info::from_json)
}

/// The lease of type `lease_type` at `addr` (a prefix by its first address), if any.
pub fn get6(lease_type: LeaseType, addr: Ipv6Addr) -> HookResult<Option<LeaseMap>> {
    // SAFETY: the sink and its context outlive the call.
    let r = call6("lease6_get", |h, s, c| unsafe {
        (h.lease6_get)(lease_type.code(), ipv6(addr), s, c)
    });
    optional(r)?.map(|v| lease(v, "lease6_get")).transpose()
}

/// The leases of type `lease_type` that the DUID `duid` (its bytes) holds for IA `iaid`, in subnet
/// `subnet_id` when given, by address.
pub fn get6_by_duid_iaid(
    lease_type: LeaseType,
    duid: &[u8],
    iaid: u32,
    subnet_id: Option<u32>,
) -> HookResult<Vec<LeaseMap>> {
    // SAFETY: the bytes, the sink and its context outlive the call.
    let r = call6("lease6_get_by_duid_iaid", |h, s, c| unsafe {
        (h.lease6_get_by_duid_iaid)(
            lease_type.code(),
            raw_bytes(duid),
            iaid,
            subnet_id.unwrap_or(0),
            s,
            c,
        )
    });
    leases(r?, "lease6_get_by_duid_iaid")
}

/// Every lease of any type held by the DUID `duid` (its bytes), by address.
pub fn get6_by_duid(duid: &[u8]) -> HookResult<Vec<LeaseMap>> {
    // SAFETY: the bytes, the sink and its context outlive the call.
    let r = call6("lease6_get_by_duid", |h, s, c| unsafe {
        (h.lease6_get_by_duid)(raw_bytes(duid), s, c)
    });
    leases(r?, "lease6_get_by_duid")
}

/// Every DHCPv6 lease whose host name is `name`, ignoring ASCII case, by address.
pub fn get6_by_hostname(name: &str) -> HookResult<Vec<LeaseMap>> {
    // SAFETY: the text, the sink and its context outlive the call.
    let r = call6("lease6_get_by_hostname", |h, s, c| unsafe {
        (h.lease6_get_by_hostname)(str_of(name), s, c)
    });
    leases(r?, "lease6_get_by_hostname")
}

/// At most `limit` leases of every type with addresses above `after` (from the start when `None`),
/// ascending.
pub fn page6(after: Option<Ipv6Addr>, limit: u32) -> HookResult<Vec<LeaseMap>> {
    let after = ipv6(after.unwrap_or(Ipv6Addr::UNSPECIFIED));
    // SAFETY: the sink and its context outlive the call.
    let r = call6("lease6_get_page", |h, s, c| unsafe {
        (h.lease6_get_page)(after, limit, s, c)
    });
    leases(r?, "lease6_get_page")
}

/// Stores a new DHCPv6 lease (a complete lease map); [`HookError::Exists`] when a lease of any type
/// holds its address.
pub fn add6(lease: &LeaseMap) -> HookResult {
    // SAFETY: the text, the sink and its context outlive the call.
    store(2, "lease6_add", lease, |h, l, s, c| unsafe {
        (h.lease6_add)(l, s, c)
    })
}

/// Replaces the DHCPv6 lease at the map's `ip-address`; [`HookError::NotFound`] when there is none.
pub fn update6(lease: &LeaseMap) -> HookResult {
    // SAFETY: the text, the sink and its context outlive the call.
    store(2, "lease6_update", lease, |h, l, s, c| unsafe {
        (h.lease6_update)(l, s, c)
    })
}

/// Deletes the lease of type `lease_type` at `addr`; the lease deleted, `None` when there was none.
pub fn delete6(lease_type: LeaseType, addr: Ipv6Addr) -> HookResult<Option<LeaseMap>> {
    // SAFETY: the sink and its context outlive the call.
    let r = call6("lease6_delete", |h, s, c| unsafe {
        (h.lease6_delete)(lease_type.code(), ipv6(addr), s, c)
    });
    optional(r)?.map(|v| lease(v, "lease6_delete")).transpose()
}

/// Deletes every DHCPv6 lease of the subnets `ids` in one step; how many were deleted.
pub fn wipe6(ids: &[u32]) -> HookResult<u64> {
    // SAFETY: the ids, the sink and its context outlive the call.
    let r = call6("lease6_wipe", |h, s, c| unsafe {
        (h.lease6_wipe)(ids.as_ptr(), ids.len(), s, c)
    });
    count(r?, "lease6_wipe")
}

/// Writes every DHCPv6 lease to `filename` in the memfile v6 CSV format; the path written (the rules
/// of [`RuruHostApi::lease4_write`] apply).
pub fn write6(filename: &str) -> HookResult<String> {
    // SAFETY: the text, the sink and its context outlive the call.
    let r = call6("lease6_write", |h, s, c| unsafe {
        (h.lease6_write)(str_of(filename), s, c)
    });
    path(r?, "lease6_write")
}

/// The configured DHCPv6 subnet `id`, if any.
pub fn subnet6(id: u32) -> HookResult<Option<Subnet6Info>> {
    // SAFETY: the sink and its context outlive the call.
    let r = call6("subnet6_get", |h, s, c| unsafe {
        (h.subnet6_get)(id, s, c)
    });
    optional(r)?
        .map(|v| subnet(&v, "subnet6_get", Subnet6Info::from_json))
        .transpose()
}

/// The DHCPv6 subnet the server selects for `addr` (the first holding it that no client class
/// guards).
pub fn select_subnet6(addr: Ipv6Addr) -> HookResult<Option<Subnet6Info>> {
    // SAFETY: the sink and its context outlive the call.
    let r = call6("subnet6_select", |h, s, c| unsafe {
        (h.subnet6_select)(ipv6(addr), s, c)
    });
    optional(r)?
        .map(|v| subnet(&v, "subnet6_select", Subnet6Info::from_json))
        .transpose()
}

/// Every configured DHCPv6 subnet, in configuration order.
pub fn subnets6() -> HookResult<Vec<Subnet6Info>> {
    // SAFETY: the sink and its context outlive the call.
    let r = call6("subnet6_list", |h, s, c| unsafe { (h.subnet6_list)(s, c) })?;
    subnet_list(r, "subnet6_list", Subnet6Info::from_json)
}

/// Whether the server sends NameChangeRequests (`dhcp-ddns` `enable-updates`). Since ABI 1.3.
pub fn ddns_enabled() -> HookResult<bool> {
    let api = host_since(3, "ddns_enabled")?;
    // SAFETY: a function of the server's table, present from 1.3 (checked above).
    Ok(unsafe { (api.ddns_enabled)() } != 0)
}

/// Queues a NameChangeRequest for a DHCPv4 lease map: `add` its DNS records, or remove them. Queued
/// is not done: D2 talks to DNS later. [`HookError::Unsupported`] when DDNS is off,
/// [`HookError::Refused`] when the lease has no host name or no update direction,
/// [`HookError::Busy`] when the queue is full. Since ABI 1.3.
pub fn queue_ncr4(add: bool, lease: &LeaseMap) -> HookResult {
    let change = if add { RURU_NCR_ADD } else { RURU_NCR_REMOVE };
    // SAFETY: the text, the sink and its context outlive the call.
    store(3, "lease4_queue_ncr", lease, |h, l, s, c| unsafe {
        (h.lease4_queue_ncr)(change, l, s, c)
    })
}

/// [`queue_ncr4`] for a DHCPv6 address lease map (prefixes have no DNS records). Since ABI 1.3.
pub fn queue_ncr6(add: bool, lease: &LeaseMap) -> HookResult {
    let change = if add { RURU_NCR_ADD } else { RURU_NCR_REMOVE };
    // SAFETY: the text, the sink and its context outlive the call.
    store(3, "lease6_queue_ncr", lease, |h, l, s, c| unsafe {
        (h.lease6_queue_ncr)(change, l, s, c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnet_info_parses_and_contains() {
        let v = serde_json::json!({"id": 7, "subnet": "192.0.2.0/24", "valid-lft": 4000});
        let s = Subnet4Info::from_json(&v).expect("parses");
        assert_eq!(s.to_string(), "192.0.2.0/24");
        assert!(s.contains(Ipv4Addr::new(192, 0, 2, 255)));
        assert!(!s.contains(Ipv4Addr::new(192, 0, 3, 0)));
        let all = Subnet4Info {
            prefix_len: 0,
            ..s.clone()
        };
        assert!(all.contains(Ipv4Addr::new(10, 0, 0, 1)));
        for bad in [
            serde_json::json!({"id": 7, "subnet": "192.0.2.0", "valid-lft": 1}),
            serde_json::json!({"id": 7, "subnet": "192.0.2.0/33", "valid-lft": 1}),
            serde_json::json!({"id": -1, "subnet": "192.0.2.0/24", "valid-lft": 1}),
        ] {
            assert_eq!(Subnet4Info::from_json(&bad), None, "{bad}");
        }
    }

    #[test]
    fn subnet6_info_parses_and_contains() {
        let v = serde_json::json!({"id": 3, "subnet": "2001:db8:1::/64", "valid-lft": 4000,
                                   "preferred-lft": 3000});
        let s = Subnet6Info::from_json(&v).expect("parses");
        assert_eq!(s.to_string(), "2001:db8:1::/64");
        assert_eq!(s.preferred_lifetime, 3000);
        assert!(s.contains("2001:db8:1::ffff".parse().unwrap()));
        assert!(!s.contains("2001:db8:2::".parse().unwrap()));
        let all = Subnet6Info {
            prefix_len: 0,
            ..s.clone()
        };
        assert!(all.contains("fe80::1".parse().unwrap()));
        let host = Subnet6Info {
            prefix_len: 128,
            ..s.clone()
        };
        assert!(host.contains("2001:db8:1::".parse().unwrap()));
        assert!(!host.contains("2001:db8:1::1".parse().unwrap()));
        for bad in [
            serde_json::json!({"id": 3, "subnet": "2001:db8:1::/129", "valid-lft": 1,
                               "preferred-lft": 1}),
            serde_json::json!({"id": 3, "subnet": "2001:db8:1::/64", "valid-lft": 1}),
            serde_json::json!({"id": 3, "subnet": "192.0.2.0/24", "valid-lft": 1,
                               "preferred-lft": 1}),
        ] {
            assert_eq!(Subnet6Info::from_json(&bad), None, "{bad}");
        }
    }

    #[test]
    fn lease_types_have_keas_names_and_abi_numbers() {
        for (t, name, code) in [
            (LeaseType::Na, "IA_NA", RURU_LEASE_TYPE_NA),
            (LeaseType::Ta, "IA_TA", RURU_LEASE_TYPE_TA),
            (LeaseType::Pd, "IA_PD", RURU_LEASE_TYPE_PD),
        ] {
            assert_eq!((t.name(), t.code(), name.parse()), (name, code, Ok(t)));
        }
        assert_eq!("ia_na".parse::<LeaseType>(), Err("ia_na".to_owned()));
    }
}
