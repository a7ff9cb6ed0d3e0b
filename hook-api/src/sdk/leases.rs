//! The server's lease storage (ABI 1.1): typed wrappers over the `lease4_*` and `subnet4_*` host
//! services, usable from any thread of the plugin.
//!
//! Leases travel as Kea's lease map ([`LeaseMap`], the JSON `lease4-get` answers with), so a command
//! plugin passes them through unchanged and a new key needs no new function. Changes made here go
//! through the server's statistics and are seen by packet processing at once; no callout runs for
//! them.

use crate::abi::*;
use crate::sdk::host::host;
use crate::sdk::value::{bytes_of, raw_bytes, str_of, HookError, HookResult};
use serde_json::{Map, Value as Json};
use std::ffi::c_void;
use std::fmt;
use std::net::Ipv4Addr;

/// One lease as Kea's lease map: `ip-address`, `hw-address`, `client-id`, `valid-lft`, `cltt`,
/// `subnet-id`, `fqdn-fwd`, `fqdn-rev`, `hostname`, `state`, `user-context`, `pool-id`.
pub type LeaseMap = Map<String, Json>;

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
        let mask = u32::MAX
            .checked_shl(32 - u32::from(self.prefix_len))
            .unwrap_or(0);
        u32::from(addr) & mask == u32::from(self.prefix) & mask
    }

    fn from_json(v: &Json) -> Option<Self> {
        let (prefix, len) = v.get("subnet")?.as_str()?.split_once('/')?;
        Some(Subnet4Info {
            id: u32::try_from(v.get("id")?.as_u64()?).ok()?,
            prefix: prefix.parse().ok()?,
            prefix_len: len.parse().ok().filter(|&l: &u8| l <= 32)?,
            valid_lifetime: u32::try_from(v.get("valid-lft")?.as_u64()?).ok()?,
        })
    }
}

/// `192.0.2.0/24`, as Kea names a subnet in its messages.
impl fmt::Display for Subnet4Info {
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

/// What one service call produced: the result document, or the error with the server's reason.
fn call(
    what: &str,
    f: impl FnOnce(&RuruHostApi, RuruSink, *mut c_void) -> i32,
) -> HookResult<Json> {
    let api = host();
    if api.abi_minor < 1 {
        return Err(HookError::Unsupported(format!(
            "{what}: the server's hooks ABI has no lease services (minor {})",
            api.abi_minor
        )));
    }
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

fn subnet(v: &Json, what: &str) -> HookResult<Subnet4Info> {
    Subnet4Info::from_json(v).ok_or_else(|| HookError::Type(what.to_owned()))
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

/// Sends a lease map to a storing service; `f` picks the service from the table (read only after
/// the minor version was checked, since an older table ends before it).
fn store(
    what: &str,
    lease: &LeaseMap,
    f: impl FnOnce(&RuruHostApi, RuruStr, RuruSink, *mut c_void) -> i32,
) -> HookResult {
    let text = serde_json::to_string(lease).map_err(|e| HookError::Invalid(e.to_string()))?;
    call(what, |h, s, c| f(h, str_of(&text), s, c)).map(drop)
}

/// Stores a new lease (a complete lease map); [`HookError::Exists`] when its address has one.
pub fn add4(lease: &LeaseMap) -> HookResult {
    // SAFETY: the text, the sink and its context outlive the call.
    store("lease4_add", lease, |h, l, s, c| unsafe {
        (h.lease4_add)(l, s, c)
    })
}

/// Replaces the lease at the map's `ip-address`; [`HookError::NotFound`] when there is none.
pub fn update4(lease: &LeaseMap) -> HookResult {
    // SAFETY: the text, the sink and its context outlive the call.
    store("lease4_update", lease, |h, l, s, c| unsafe {
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
    r?.as_u64()
        .ok_or_else(|| HookError::Type("lease4_wipe".to_owned()))
}

/// Writes every lease to `filename` in the memfile CSV format; the path written (see
/// [`RuruHostApi::lease4_write`] for where files may go).
pub fn write4(filename: &str) -> HookResult<String> {
    // SAFETY: the text, the sink and its context outlive the call.
    let r = call("lease4_write", |h, s, c| unsafe {
        (h.lease4_write)(str_of(filename), s, c)
    });
    match r? {
        Json::String(path) => Ok(path),
        _ => Err(HookError::Type("lease4_write".to_owned())),
    }
}

/// The configured subnet `id`, if any.
pub fn subnet4(id: u32) -> HookResult<Option<Subnet4Info>> {
    // SAFETY: the sink and its context outlive the call.
    let r = call("subnet4_get", |h, s, c| unsafe {
        (h.subnet4_get)(id, s, c)
    });
    optional(r)?.map(|v| subnet(&v, "subnet4_get")).transpose()
}

/// The subnet the server selects for `addr` (the first holding it that no client class guards).
pub fn select_subnet4(addr: Ipv4Addr) -> HookResult<Option<Subnet4Info>> {
    // SAFETY: the sink and its context outlive the call.
    let r = call("subnet4_select", |h, s, c| unsafe {
        (h.subnet4_select)(u32::from(addr), s, c)
    });
    optional(r)?
        .map(|v| subnet(&v, "subnet4_select"))
        .transpose()
}

/// Every configured subnet, in configuration order.
pub fn subnets4() -> HookResult<Vec<Subnet4Info>> {
    // SAFETY: the sink and its context outlive the call.
    let r = call("subnet4_list", |h, s, c| unsafe { (h.subnet4_list)(s, c) })?;
    match r {
        Json::Array(items) => items.iter().map(|v| subnet(v, "subnet4_list")).collect(),
        _ => Err(HookError::Type("subnet4_list".to_owned())),
    }
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
}
