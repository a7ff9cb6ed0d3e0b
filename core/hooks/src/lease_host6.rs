//! The 1.2 host services (`lease6_*`, `subnet6_*`) over the installed [`LeaseAdmin6`], under the rules
//! of the v4 ones: the family-independent ones are `lease_host`'s generic entry points on
//! `dyn LeaseAdmin6`, the ones taking addresses or lease types are here.

use crate::lease_admin::{lease_admin6, AdminError, LeaseAdmin6};
use crate::lease_host::{doc, serve_on, storage};
use crate::lease_json::{lease6_from_json, lease6_json, subnet6_json, write_leases6};
use crate::value::slice;
use ruru_hook_api::abi::*;
use ruru_lease::LeaseType;
use std::ffi::c_void;
use std::net::Ipv6Addr;

storage!(
    LeaseAdmin6,
    lease_admin6,
    "kea-dhcp6.hooks",
    lease6_from_json,
    write_leases6,
    subnet6_json
);

fn serve(
    sink: RuruSink,
    ctx: *mut c_void,
    f: impl FnOnce(&(dyn LeaseAdmin6 + 'static)) -> Result<Vec<u8>, AdminError>,
) -> i32 {
    serve_on::<dyn LeaseAdmin6>(sink, ctx, f)
}

fn address(a: RuruIpv6) -> Ipv6Addr {
    Ipv6Addr::from(a.octets)
}

/// A `RURU_LEASE_TYPE_*` number.
fn lease_type(n: u32) -> Result<LeaseType, AdminError> {
    LeaseType::from_u32(n).ok_or_else(|| AdminError::Invalid(format!("invalid lease type {n}")))
}

pub(crate) unsafe extern "C" fn lease6_get(
    lease_type_n: u32,
    addr: RuruIpv6,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    serve(sink, ctx, |a| {
        a.get(lease_type(lease_type_n)?, address(addr))?
            .map(|l| lease6_json(&l))
            .ok_or(AdminError::NotFound)
    })
}

pub(crate) unsafe extern "C" fn lease6_get_by_duid_iaid(
    lease_type_n: u32,
    duid: RuruStr,
    iaid: u32,
    subnet_id: u32,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    // SAFETY: plugin bytes valid for the call.
    let duid = unsafe { slice(duid) };
    let subnet = (subnet_id != 0).then_some(subnet_id);
    serve(sink, ctx, |a| {
        let t = lease_type(lease_type_n)?;
        Ok(write_leases6(&a.by_duid_iaid(t, duid, iaid, subnet)?))
    })
}

pub(crate) unsafe extern "C" fn lease6_get_by_duid(
    duid: RuruStr,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    // SAFETY: plugin bytes valid for the call.
    let duid = unsafe { slice(duid) };
    serve(sink, ctx, |a| Ok(write_leases6(&a.by_duid(duid)?)))
}

pub(crate) unsafe extern "C" fn lease6_get_page(
    after: RuruIpv6,
    limit: u32,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    let after = Some(address(after)).filter(|a| !a.is_unspecified());
    serve(sink, ctx, |a| {
        Ok(write_leases6(&a.page(after, limit as usize)?))
    })
}

pub(crate) unsafe extern "C" fn lease6_delete(
    lease_type_n: u32,
    addr: RuruIpv6,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    serve(sink, ctx, |a| {
        let t = lease_type(lease_type_n)?;
        Ok(lease6_json(&a.delete(t, address(addr))?))
    })
}

pub(crate) unsafe extern "C" fn subnet6_select(
    addr: RuruIpv6,
    sink: RuruSink,
    ctx: *mut c_void,
) -> i32 {
    serve(sink, ctx, |a| {
        a.select_subnet(address(addr))?
            .as_ref()
            .map(|s| doc(subnet6_json(s)))
            .ok_or(AdminError::NotFound)
    })
}

/// The test implementation of [`LeaseAdmin6`] over a real `Memfile6`, shared with the integration
/// tests that load the lease commands plugin.
#[cfg(test)]
#[path = "../tests/support/admin6.rs"]
#[allow(dead_code)]
mod admin6;

#[cfg(test)]
mod tests {
    use super::admin6::MemfileAdmin6;
    use super::*;
    use crate::lease_admin::install_lease_admin6;
    use crate::lease_host::tests::{call, s};
    use crate::lease_host::{
        lease_add, lease_get_by_hostname, lease_update, lease_wipe, lease_write, subnet_get,
        subnet_list,
    };
    use serde_json::{json, Value as Json};
    use std::sync::Arc;

    type V6 = dyn LeaseAdmin6;

    fn ip(text: &str) -> RuruIpv6 {
        RuruIpv6 {
            octets: text.parse::<Ipv6Addr>().expect("address").octets(),
        }
    }

    const NA: u32 = RURU_LEASE_TYPE_NA;
    const PD: u32 = RURU_LEASE_TYPE_PD;

    fn json_of(text: &str) -> Json {
        serde_json::from_str(text).expect("JSON")
    }

    // One test: the registration is process-wide. The storage is a real memfile in a scratch
    // directory, so what the services change is what the lease file holds.
    #[test]
    fn v6_services_answer_through_the_sink_with_abi_codes() {
        install_lease_admin6(None);
        // SAFETY (every call below): valid strings and sinks for the call.
        assert_eq!(
            call(|k, c| unsafe { lease6_get(NA, ip("2001:db8::1"), k, c) }),
            (
                RURU_ERR_STATE,
                "lease storage is not available in this process".into()
            )
        );
        let admin = Arc::new(MemfileAdmin6::new("host6"));
        install_lease_admin6(Some(admin.clone()));
        let na = r#"{"ip-address": "2001:db8:1::1", "duid": "01:02:03:04", "iaid": 7,
                     "subnet-id": 1, "cltt": 5, "valid-lft": 4000, "preferred-lft": 3000,
                     "hostname": "Host.example.org"}"#;
        let pd = r#"{"ip-address": "2001:db8:cafe::", "type": "IA_PD", "prefix-len": 48,
                     "duid": "01:02:03:04", "iaid": 8, "subnet-id": 1, "cltt": 5,
                     "valid-lft": 4000}"#;
        assert_eq!(
            call(|k, c| unsafe { lease_add::<V6>(s(na), k, c) }),
            (RURU_OK, String::new())
        );
        assert_eq!(
            call(|k, c| unsafe { lease_add::<V6>(s(pd), k, c) }).0,
            RURU_OK
        );
        let (rc, text) = call(|k, c| unsafe { lease_add::<V6>(s(na), k, c) });
        assert_eq!(
            (rc, text.as_str()),
            (RURU_ERR_EXISTS, "a lease for 2001:db8:1::1 already exists")
        );
        // An address holds one lease whatever its type.
        let clash = pd.replace("2001:db8:cafe::", "2001:db8:1::1");
        assert_eq!(
            call(|k, c| unsafe { lease_add::<V6>(s(&clash), k, c) }).0,
            RURU_ERR_EXISTS
        );
        let (rc, text) =
            call(|k, c| unsafe { lease_add::<V6>(s(r#"{"ip-address": "::1"}"#), k, c) });
        assert_eq!((rc, text.as_str()), (RURU_ERR_INVALID, "missing 'duid'"));

        let (rc, text) = call(|k, c| unsafe { lease6_get(NA, ip("2001:db8:1::1"), k, c) });
        assert_eq!(rc, RURU_OK);
        let got = json_of(&text);
        assert_eq!(
            (&got["type"], &got["preferred-lft"], got.get("prefix-len")),
            (&json!("IA_NA"), &json!(3000), None)
        );
        // The type is part of the key.
        assert_eq!(
            call(|k, c| unsafe { lease6_get(PD, ip("2001:db8:1::1"), k, c) }),
            (RURU_ERR_NOT_FOUND, "not found".into())
        );
        let (rc, text) = call(|k, c| unsafe { lease6_get(9, ip("2001:db8:1::1"), k, c) });
        assert_eq!(
            (rc, text.as_str()),
            (RURU_ERR_INVALID, "invalid lease type 9")
        );
        let (rc, text) = call(|k, c| unsafe { lease6_get(PD, ip("2001:db8:cafe::"), k, c) });
        assert_eq!(
            (rc, json_of(&text)["prefix-len"].clone()),
            (RURU_OK, json!(48))
        );

        let duid = [1u8, 2, 3, 4];
        let by = |t: u32, iaid: u32, subnet: u32| {
            let (rc, text) =
                call(|k, c| unsafe { lease6_get_by_duid_iaid(t, raw(&duid), iaid, subnet, k, c) });
            assert_eq!(rc, RURU_OK);
            json_of(&text).as_array().expect("list").len()
        };
        assert_eq!(
            (
                by(NA, 7, 0),
                by(NA, 7, 1),
                by(NA, 7, 2),
                by(PD, 7, 0),
                by(PD, 8, 1)
            ),
            (1, 1, 0, 0, 1)
        );
        let (_, text) = call(|k, c| unsafe { lease6_get_by_duid(raw(&duid), k, c) });
        assert_eq!(json_of(&text).as_array().map(Vec::len), Some(2));
        let (_, text) =
            call(|k, c| unsafe { lease_get_by_hostname::<V6>(s("host.EXAMPLE.org"), k, c) });
        assert_eq!(json_of(&text).as_array().map(Vec::len), Some(1));

        // Paging: `::` is the start; both types in one address order.
        let (_, page) = call(|k, c| unsafe { lease6_get_page(ip("::"), 10, k, c) });
        let page = json_of(&page);
        let addrs: Vec<&str> = page
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["ip-address"].as_str().unwrap())
            .collect();
        assert_eq!(addrs, ["2001:db8:1::1", "2001:db8:cafe::"]);
        assert_eq!(
            call(|k, c| unsafe { lease6_get_page(ip("2001:db8:1::1"), 1, k, c) })
                .1
                .matches("ip-address")
                .count(),
            1
        );

        let updated = na.replace("Host.example.org", "other");
        assert_eq!(
            call(|k, c| unsafe { lease_update::<V6>(s(&updated), k, c) }).0,
            RURU_OK
        );
        let elsewhere = na.replace("2001:db8:1::1", "2001:db8:1::2");
        assert_eq!(
            call(|k, c| unsafe { lease_update::<V6>(s(&elsewhere), k, c) }),
            (RURU_ERR_NOT_FOUND, "not found".into())
        );

        let (rc, text) = call(|k, c| unsafe { subnet6_select(ip("2001:db8:1::77"), k, c) });
        assert_eq!(
            (rc, text.as_str()),
            (
                RURU_OK,
                r#"{"id":1,"subnet":"2001:db8:1::/64","valid-lft":4000,"preferred-lft":3000}"#
            )
        );
        assert_eq!(
            call(|k, c| unsafe { subnet6_select(ip("2001:db8:9::1"), k, c) }).0,
            RURU_ERR_NOT_FOUND
        );
        assert_eq!(call(|k, c| unsafe { subnet_get::<V6>(2, k, c) }).0, RURU_OK);
        assert_eq!(
            call(|k, c| unsafe { subnet_get::<V6>(3, k, c) }).0,
            RURU_ERR_NOT_FOUND
        );
        let (_, list) = call(|k, c| unsafe { subnet_list::<V6>(k, c) });
        assert_eq!(json_of(&list).as_array().map(Vec::len), Some(2));

        // Deleting names the type too, and answers the lease deleted.
        assert_eq!(
            call(|k, c| unsafe { lease6_delete(NA, ip("2001:db8:cafe::"), k, c) }).0,
            RURU_ERR_NOT_FOUND
        );
        let (rc, text) = call(|k, c| unsafe { lease6_delete(PD, ip("2001:db8:cafe::"), k, c) });
        assert_eq!((rc, json_of(&text)["iaid"].clone()), (RURU_OK, json!(8)));
        let (rc, text) = call(|k, c| unsafe { lease6_delete(NA, ip("2001:db8:1::1"), k, c) });
        assert_eq!(
            (rc, json_of(&text)["hostname"].clone()),
            (RURU_OK, json!("other"))
        );

        // Wipe counts what it removed; write answers the path written.
        assert_eq!(
            call(|k, c| unsafe { lease_add::<V6>(s(na), k, c) }).0,
            RURU_OK
        );
        let ids = [1u32, 5];
        assert_eq!(
            call(|k, c| unsafe { lease_wipe::<V6>(ids.as_ptr(), 2, k, c) }),
            (RURU_OK, "1".into())
        );
        assert_eq!(
            call(|k, c| unsafe { lease_add::<V6>(s(pd), k, c) }).0,
            RURU_OK
        );
        let (rc, text) = call(|k, c| unsafe { lease_write::<V6>(s("copy6.csv"), k, c) });
        assert_eq!(rc, RURU_OK, "{text}");
        let path: String = serde_json::from_str(&text).expect("a JSON string");
        let file = std::fs::read_to_string(&path).expect("written");
        assert!(file.contains("2001:db8:cafe::,"), "{file}");
        let (rc, text) = call(|k, c| unsafe { lease_write::<V6>(s("/etc/x.csv"), k, c) });
        assert_eq!(
            (rc, text.contains("invalid path")),
            (RURU_ERR_INVALID, true)
        );

        install_lease_admin6(None);
        admin.remove();
    }

    fn raw(b: &[u8]) -> RuruStr {
        crate::value::raw_str(b)
    }
}
