//! The lease services of the host table: what every family shares (the storage registration, answers
//! through the plugin's sink, panics kept on this side, and the services whose arguments do not depend
//! on the family: add, update, by host name, wipe, write, subnet by id, subnet list), and the 1.1
//! DHCPv4 entry points over [`LeaseAdmin4`]. The 1.2 DHCPv6 ones are in `lease_host6`.

use crate::lease_admin::{lease_admin4, AdminError, LeaseAdmin4};
use crate::lease_json::{lease4_from_json, lease4_json, subnet4_json, write_leases4};
use crate::value::{raw_slice, raw_str, slice};
use ruru_hook_api::abi::*;
use serde_json::{json, Value as Json};
use std::ffi::c_void;
use std::net::Ipv4Addr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;

fn code(e: &AdminError) -> i32 {
    match e {
        AdminError::Unavailable => RURU_ERR_STATE,
        AdminError::NotFound => RURU_ERR_NOT_FOUND,
        AdminError::Exists(_) | AdminError::Exists6(_) => RURU_ERR_EXISTS,
        AdminError::Invalid(_) => RURU_ERR_INVALID,
        AdminError::Unsupported(_) => RURU_ERR_UNSUPPORTED,
        AdminError::Backend(_) => RURU_ERR_BACKEND,
        AdminError::Busy(_) => RURU_ERR_BUSY,
    }
}

/// A family's lease storage as the services reach it: its registration, where a panic in it is
/// logged, and what the family-independent services ask of it (in the family's lease maps).
pub(crate) trait Storage {
    /// The storage installed for the family.
    fn installed() -> Result<Arc<Self>, AdminError>;
    /// Logs that a service of the family panicked.
    fn log_panic();
    /// Reads a lease map and stores the lease: a new one, or (`replace`) in place of the one at its
    /// address.
    fn store_map(&self, map: &[u8], replace: bool) -> Result<(), AdminError>;
    /// The leases of a host name, as a JSON list.
    fn hostname_list(&self, name: &str) -> Result<Vec<u8>, AdminError>;
    /// Deletes the leases of the subnets `ids`; how many.
    fn wipe_subnets(&self, ids: &[u32]) -> Result<usize, AdminError>;
    /// Writes the leases to a file; the path written.
    fn write_file(&self, filename: &str) -> Result<PathBuf, AdminError>;
    /// The configured subnets, in order, each with its map.
    fn subnet_maps(&self) -> Result<Vec<(u32, Json)>, AdminError>;
    /// Reads a lease map and queues an NCR for it.
    fn queue_ncr_map(&self, map: &[u8], add: bool) -> Result<(), AdminError>;
}

/// Implements [`Storage`] for a family's `dyn LeaseAdmin*` from its registration, its log target and
/// its lease map functions: the storage traits name their methods alike.
macro_rules! storage {
    ($admin:ident, $installed:path, $target:literal, $from_json:path, $list:path, $subnet:path) => {
        impl $crate::lease_host::Storage for dyn $admin {
            fn installed() -> Result<std::sync::Arc<Self>, AdminError> {
                $installed()
            }
            fn log_panic() {
                tracing::error!(target: $target, "a lease service panicked");
            }
            fn store_map(&self, map: &[u8], replace: bool) -> Result<(), AdminError> {
                let lease = $from_json(map).map_err(AdminError::Invalid)?;
                match replace {
                    false => self.add(&lease),
                    true => self.update(&lease),
                }
            }
            fn hostname_list(&self, name: &str) -> Result<Vec<u8>, AdminError> {
                Ok($list(&self.by_hostname(name)?))
            }
            fn wipe_subnets(&self, ids: &[u32]) -> Result<usize, AdminError> {
                self.wipe(ids)
            }
            fn write_file(&self, filename: &str) -> Result<std::path::PathBuf, AdminError> {
                self.write(filename)
            }
            fn subnet_maps(&self) -> Result<Vec<(u32, serde_json::Value)>, AdminError> {
                Ok(self.subnets()?.iter().map(|s| (s.id, $subnet(s))).collect())
            }
            fn queue_ncr_map(&self, map: &[u8], add: bool) -> Result<(), AdminError> {
                let lease = $from_json(map).map_err(AdminError::Invalid)?;
                self.queue_ncr(add, &lease)
            }
        }
    };
}
pub(crate) use storage;

storage!(
    LeaseAdmin4,
    lease_admin4,
    "kea-dhcp4.hooks",
    lease4_from_json,
    write_leases4,
    subnet4_json
);

/// Runs one service on the installed storage of `A`'s family and answers through `sink`: the
/// document on success (nothing when it is empty), the reason on failure. A panic in the server's
/// code is a backend error.
pub(crate) fn serve_on<A: Storage + ?Sized>(
    sink: RuruSink,
    ctx: *mut c_void,
    f: impl FnOnce(&A) -> Result<Vec<u8>, AdminError>,
) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(|| f(&*A::installed()?)));
    let (rc, bytes) = match outcome {
        Ok(Ok(doc)) => (RURU_OK, doc),
        Ok(Err(e)) => (code(&e), e.to_string().into_bytes()),
        Err(_) => {
            A::log_panic();
            (
                RURU_ERR_BACKEND,
                b"internal error in the lease service".to_vec(),
            )
        }
    };
    if !bytes.is_empty() {
        // SAFETY: the plugin's sink with its own context; the bytes live across the call.
        unsafe { sink(ctx, raw_str(&bytes)) };
    }
    rc
}

/// [`serve_on`] the DHCPv4 storage.
fn serve(
    sink: RuruSink,
    ctx: *mut c_void,
    f: impl FnOnce(&(dyn LeaseAdmin4 + 'static)) -> Result<Vec<u8>, AdminError>,
) -> i32 {
    serve_on::<dyn LeaseAdmin4>(sink, ctx, f)
}

/// A small JSON document as bytes.
pub(crate) fn doc(v: Json) -> Vec<u8> {
    v.to_string().into_bytes()
}

fn text<'a>(s: RuruStr, what: &str) -> Result<&'a str, AdminError> {
    // SAFETY: plugins pass valid (pointer, length) pairs for the call.
    std::str::from_utf8(unsafe { slice(s) })
        .map_err(|_| AdminError::Invalid(format!("'{what}' is not UTF-8")))
}

// ---- the services every family has with the same arguments (`lease4_add`, `lease6_add`, ...) ----

fn store<A: Storage + ?Sized>(
    lease: RuruStr,
    replace: bool,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    // SAFETY: plugin bytes valid for the call.
    let lease = unsafe { slice(lease) };
    serve_on::<A>(sink, ctx, |a| {
        a.store_map(lease, replace)?;
        Ok(Vec::new())
    })
}

pub(crate) unsafe extern "C" fn lease_add<A: Storage + ?Sized>(
    lease: RuruStr,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    store::<A>(lease, false, sink, ctx)
}

pub(crate) unsafe extern "C" fn lease_update<A: Storage + ?Sized>(
    lease: RuruStr,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    store::<A>(lease, true, sink, ctx)
}

pub(crate) unsafe extern "C" fn lease_get_by_hostname<A: Storage + ?Sized>(
    name: RuruStr,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    serve_on::<A>(sink, ctx, |a| a.hostname_list(text(name, "hostname")?))
}

pub(crate) unsafe extern "C" fn lease_wipe<A: Storage + ?Sized>(
    ids: *const u32,
    count: usize,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    // SAFETY: the plugin passes `count` ids valid for the call.
    let ids = unsafe { raw_slice(ids, count) };
    serve_on::<A>(sink, ctx, |a| Ok(doc(json!(a.wipe_subnets(ids)?))))
}

pub(crate) unsafe extern "C" fn lease_write<A: Storage + ?Sized>(
    filename: RuruStr,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    serve_on::<A>(sink, ctx, |a| {
        let path = a.write_file(text(filename, "filename")?)?;
        Ok(doc(json!(path.display().to_string())))
    })
}

pub(crate) unsafe extern "C" fn subnet_get<A: Storage + ?Sized>(
    id: u32,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    serve_on::<A>(sink, ctx, |a| {
        a.subnet_maps()?
            .into_iter()
            .find(|(i, _)| *i == id)
            .map(|(_, m)| doc(m))
            .ok_or(AdminError::NotFound)
    })
}

pub(crate) unsafe extern "C" fn subnet_list<A: Storage + ?Sized>(
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    serve_on::<A>(sink, ctx, |a| {
        let maps = a.subnet_maps()?.into_iter().map(|(_, m)| m).collect();
        Ok(doc(Json::Array(maps)))
    })
}

pub(crate) unsafe extern "C" fn lease_queue_ncr<A: Storage + ?Sized>(
    change_type: u32,
    lease: RuruStr,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    // SAFETY: plugin bytes valid for the call.
    let lease = unsafe { slice(lease) };
    serve_on::<A>(sink, ctx, |a| {
        let add = match change_type {
            RURU_NCR_ADD => true,
            RURU_NCR_REMOVE => false,
            n => return Err(AdminError::Invalid(format!("unknown NCR change type {n}"))),
        };
        a.queue_ncr_map(lease, add)?;
        Ok(Vec::new())
    })
}

/// Whichever family's storage this process installed answers (a process serves one family).
pub(crate) unsafe extern "C" fn ddns_enabled() -> i32 {
    let on = catch_unwind(|| {
        lease_admin4()
            .map(|a| a.ddns_enabled())
            .or_else(|_| crate::lease_admin::lease_admin6().map(|a| a.ddns_enabled()))
            .unwrap_or(false)
    });
    i32::from(on.unwrap_or(false))
}

// ---- DHCPv4 ----

pub(crate) unsafe extern "C" fn lease4_get(address: u32, sink: RuruSink, ctx: *mut c_void) -> i32 {
    serve(sink, ctx, |a| {
        a.get(Ipv4Addr::from(address))?
            .map(|l| lease4_json(&l))
            .ok_or(AdminError::NotFound)
    })
}

pub(crate) unsafe extern "C" fn lease4_get_by_hw_address(
    hw: RuruStr,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    // SAFETY: plugin bytes valid for the call.
    let hw = unsafe { slice(hw) };
    serve(sink, ctx, |a| Ok(write_leases4(&a.by_hw_address(hw)?)))
}

pub(crate) unsafe extern "C" fn lease4_get_by_client_id(
    id: RuruStr,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    // SAFETY: plugin bytes valid for the call.
    let id = unsafe { slice(id) };
    serve(sink, ctx, |a| Ok(write_leases4(&a.by_client_id(id)?)))
}

pub(crate) unsafe extern "C" fn lease4_get_page(
    after: u32,
    limit: u32,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    let after = (after != 0).then(|| Ipv4Addr::from(after));
    serve(sink, ctx, |a| {
        Ok(write_leases4(&a.page(after, limit as usize)?))
    })
}

pub(crate) unsafe extern "C" fn lease4_delete(
    address: u32,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    serve(sink, ctx, |a| {
        Ok(lease4_json(&a.delete(Ipv4Addr::from(address))?))
    })
}

pub(crate) unsafe extern "C" fn subnet4_select(
    address: u32,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    serve(sink, ctx, |a| {
        a.select_subnet(Ipv4Addr::from(address))?
            .as_ref()
            .map(|s| doc(subnet4_json(s)))
            .ok_or(AdminError::NotFound)
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::lease_admin::{install_lease_admin4, SubnetInfo4};
    use parking_lot::Mutex;
    use ruru_lease::Lease4;
    use std::collections::BTreeMap;
    use std::path::PathBuf;
    use std::sync::Arc;

    /// Leases in a map; `panic_on` makes one address blow up, to check panics stay on this side.
    #[derive(Default)]
    struct Fake {
        leases: Mutex<BTreeMap<Ipv4Addr, Lease4>>,
    }

    const BOOM: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 66);

    impl LeaseAdmin4 for Fake {
        fn get(&self, addr: Ipv4Addr) -> Result<Option<Lease4>, AdminError> {
            assert_ne!(addr, BOOM, "boom");
            Ok(self.leases.lock().get(&addr).cloned())
        }
        fn by_hw_address(&self, hw: &[u8]) -> Result<Vec<Lease4>, AdminError> {
            let all = self.leases.lock();
            let hit = |l: &&Lease4| l.hwaddr.is_some_and(|h| h.as_bytes() == hw);
            Ok(all.values().filter(hit).cloned().collect())
        }
        fn by_client_id(&self, _: &[u8]) -> Result<Vec<Lease4>, AdminError> {
            Ok(Vec::new())
        }
        fn by_hostname(&self, name: &str) -> Result<Vec<Lease4>, AdminError> {
            let all = self.leases.lock();
            Ok(all
                .values()
                .filter(|l| l.hostname == name)
                .cloned()
                .collect())
        }
        fn page(&self, after: Option<Ipv4Addr>, limit: usize) -> Result<Vec<Lease4>, AdminError> {
            let all = self.leases.lock();
            let from = after.map_or(0, |a| u32::from(a) + 1);
            Ok(all
                .range(Ipv4Addr::from(from)..)
                .take(limit)
                .map(|(_, l)| l.clone())
                .collect())
        }
        fn add(&self, lease: &Lease4) -> Result<(), AdminError> {
            let mut all = self.leases.lock();
            if all.contains_key(&lease.address) {
                return Err(AdminError::Exists(lease.address));
            }
            all.insert(lease.address, lease.clone());
            Ok(())
        }
        fn update(&self, lease: &Lease4) -> Result<(), AdminError> {
            let mut all = self.leases.lock();
            let slot = all.get_mut(&lease.address).ok_or(AdminError::NotFound)?;
            *slot = lease.clone();
            Ok(())
        }
        fn delete(&self, addr: Ipv4Addr) -> Result<Lease4, AdminError> {
            self.leases.lock().remove(&addr).ok_or(AdminError::NotFound)
        }
        fn wipe(&self, ids: &[u32]) -> Result<usize, AdminError> {
            let mut all = self.leases.lock();
            let before = all.len();
            all.retain(|_, l| !ids.contains(&l.subnet_id));
            Ok(before - all.len())
        }
        fn write(&self, filename: &str) -> Result<PathBuf, AdminError> {
            Err(AdminError::Unsupported(format!("cannot write {filename}")))
        }
        fn subnets(&self) -> Result<Vec<SubnetInfo4>, AdminError> {
            Ok(vec![SubnetInfo4 {
                id: 1,
                prefix: Ipv4Addr::new(192, 0, 2, 0),
                prefix_len: 24,
                valid_lifetime: 4000,
            }])
        }
        fn select_subnet(&self, addr: Ipv4Addr) -> Result<Option<SubnetInfo4>, AdminError> {
            let all = self.subnets()?;
            Ok(all.into_iter().find(|_| addr.octets()[..3] == [192, 0, 2]))
        }
        fn queue_ncr(&self, add: bool, lease: &Lease4) -> Result<(), AdminError> {
            if !add || lease.hostname.is_empty() {
                return Err(AdminError::Invalid("the lease has no hostname".into()));
            }
            Ok(())
        }
        fn ddns_enabled(&self) -> bool {
            true
        }
    }

    pub(crate) unsafe extern "C" fn collect(ctx: *mut c_void, bytes: RuruStr) {
        // SAFETY: the tests pass a `Vec<u8>`; the bytes are valid during the call.
        unsafe { (*ctx.cast::<Vec<u8>>()).extend_from_slice(slice(bytes)) };
    }

    /// Calls a service the way a plugin does: its code and what the sink received.
    pub(crate) fn call(f: impl FnOnce(RuruSink, *mut c_void) -> i32) -> (i32, String) {
        let mut out = Vec::new();
        let rc = f(collect, std::ptr::from_mut(&mut out).cast());
        (rc, String::from_utf8(out).expect("UTF-8"))
    }

    pub(crate) fn s(text: &str) -> RuruStr {
        raw_str(text.as_bytes())
    }

    const A: u32 = 0xc000_0201;

    type V4 = dyn LeaseAdmin4;
    use super::{
        lease_add as add, lease_get_by_hostname as by_hostname, lease_update as update,
        lease_wipe as wipe, lease_write as write, subnet_get as get_subnet, subnet_list as list,
    };

    // One test: the registration is process-wide.
    #[test]
    fn services_answer_through_the_sink_with_abi_codes() {
        install_lease_admin4(None);
        // SAFETY (every call below): valid strings and sinks for the call.
        assert_eq!(
            call(|k, c| unsafe { lease4_get(A, k, c) }),
            (
                RURU_ERR_STATE,
                "lease storage is not available in this process".into()
            )
        );
        install_lease_admin4(Some(Arc::new(Fake::default())));
        let lease = r#"{"ip-address": "192.0.2.1", "hw-address": "01:02:03:04:05:06",
                        "subnet-id": 1, "cltt": 5, "valid-lft": 10, "hostname": "h"}"#;
        assert_eq!(
            call(|k, c| unsafe { add::<V4>(s(lease), k, c) }),
            (RURU_OK, String::new())
        );
        let (rc, text) = call(|k, c| unsafe { add::<V4>(s(lease), k, c) });
        assert_eq!(
            (rc, text.as_str()),
            (RURU_ERR_EXISTS, "a lease for 192.0.2.1 already exists")
        );
        let (rc, text) = call(|k, c| unsafe { add::<V4>(s(r#"{"ip-address": 1}"#), k, c) });
        assert_eq!(
            (rc, text.as_str()),
            (RURU_ERR_INVALID, "'ip-address' is not a string")
        );
        let (rc, text) = call(|k, c| unsafe { lease4_get(A, k, c) });
        assert_eq!(rc, RURU_OK);
        let got: Json = serde_json::from_str(&text).expect("JSON");
        assert_eq!(
            (got["ip-address"].as_str(), got["valid-lft"].as_u64()),
            (Some("192.0.2.1"), Some(10))
        );
        let hw = [1, 2, 3, 4, 5, 6];
        let (rc, text) = call(|k, c| unsafe { lease4_get_by_hw_address(raw_str(&hw), k, c) });
        assert_eq!((rc, text.matches("192.0.2.1").count()), (RURU_OK, 1));
        assert_eq!(
            call(|k, c| unsafe { lease4_get_by_client_id(raw_str(&[1, 2]), k, c) }),
            (RURU_OK, "[]".into())
        );
        let (rc, text) = call(|k, c| unsafe { by_hostname::<V4>(s("h"), k, c) });
        assert_eq!((rc, text.starts_with("[{")), (RURU_OK, true));
        assert_eq!(
            call(|k, c| unsafe { lease4_get_page(A, 10, k, c) }),
            (RURU_OK, "[]".into())
        );
        let (_, page) = call(|k, c| unsafe { lease4_get_page(0, 10, k, c) });
        assert!(page.contains("192.0.2.1"));
        let updated = lease.replace("\"h\"", "\"x\"");
        assert_eq!(
            call(|k, c| unsafe { update::<V4>(s(&updated), k, c) }).0,
            RURU_OK
        );
        let other = lease.replace("192.0.2.1", "192.0.2.2");
        assert_eq!(
            call(|k, c| unsafe { update::<V4>(s(&other), k, c) }),
            (RURU_ERR_NOT_FOUND, "not found".into())
        );
        let (rc, text) = call(|k, c| unsafe { subnet4_select(A, k, c) });
        assert_eq!(
            (rc, text.as_str()),
            (
                RURU_OK,
                r#"{"id":1,"subnet":"192.0.2.0/24","valid-lft":4000}"#
            )
        );
        assert_eq!(
            call(|k, c| unsafe { subnet4_select(1, k, c) }).0,
            RURU_ERR_NOT_FOUND
        );
        assert_eq!(call(|k, c| unsafe { get_subnet::<V4>(1, k, c) }).0, RURU_OK);
        assert_eq!(
            call(|k, c| unsafe { get_subnet::<V4>(2, k, c) }).0,
            RURU_ERR_NOT_FOUND
        );
        assert!(call(|k, c| unsafe { list::<V4>(k, c) })
            .1
            .starts_with("[{\"id\":1"));
        assert_eq!(
            call(|k, c| unsafe { write::<V4>(s("x.csv"), k, c) }),
            (RURU_ERR_UNSUPPORTED, "cannot write x.csv".into())
        );
        let (rc, text) = call(|k, c| unsafe { lease4_delete(A, k, c) });
        assert_eq!((rc, text.contains("\"hostname\":\"x\"")), (RURU_OK, true));
        assert_eq!(
            call(|k, c| unsafe { lease4_delete(A, k, c) }).0,
            RURU_ERR_NOT_FOUND
        );
        assert_eq!(
            call(|k, c| unsafe { add::<V4>(s(&other), k, c) }).0,
            RURU_OK
        );
        let ids = [1u32, 9];
        assert_eq!(
            call(|k, c| unsafe { wipe::<V4>(ids.as_ptr(), 2, k, c) }),
            (RURU_OK, "1".into())
        );
        // A panic in the server's code is an error code, not an unwind into the plugin.
        let (rc, text) = call(|k, c| unsafe { lease4_get(u32::from(BOOM), k, c) });
        assert_eq!(
            (rc, text.as_str()),
            (RURU_ERR_BACKEND, "internal error in the lease service")
        );
        install_lease_admin4(None);
    }
}
