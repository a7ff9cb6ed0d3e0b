//! What the v6 commands read from their arguments: a whole lease for `lease6-add`/`lease6-update` and
//! the elements of `lease6-bulk-apply`'s `leases` (Kea's `Lease6Parser`, with its checks), and the
//! lease a `lease6-get`/`lease6-del` names (by type and address, or by DUID, IAID and type within a
//! subnet).

use crate::failure::Failure;
use crate::family::V6;
use crate::lease::{error, parse_named, subnet_id, subnet_of, Common, Named, NewLease, Subnets};
use crate::params::{duid, hex, hw_address, lease_type, Params};
use ruru_hook_api::leases::{LeaseMap, LeaseType};
use serde_json::json;
use std::net::{IpAddr, Ipv6Addr};

/// The first address of `addr/len`.
fn first_address(addr: Ipv6Addr, len: u8) -> Ipv6Addr {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    Ipv6Addr::from(u128::from(addr) & mask)
}

/// Reads a lease from `lease6-add`/`lease6-update` arguments; `now` is the `cltt` when no `expire`
/// is given. Every syntax check comes before the subnet is looked up, so a malformed lease is an
/// error (result 1) even when its subnet would also conflict (result 4): `lease6-bulk-apply` applies
/// nothing when an element is malformed (LC-052) but goes on past conflicts (LC-056).
pub(crate) fn parse_lease6(
    p: &Params<'_>,
    now: u64,
    subnets: &dyn Subnets<V6>,
) -> Result<NewLease<Ipv6Addr>, Failure> {
    let address = match p.address("ip-address")? {
        IpAddr::V6(a) => a,
        IpAddr::V4(a) => return error(format!("Non-IPv6 address specified: {a}")),
    };
    // LC-037: IA_TA is not offered (spec §14.8).
    let lease_type = match p.opt_string("type")? {
        None => LeaseType::Na,
        Some(t) => lease_type(t, &["IA_NA", "IA_PD"])?,
    };
    // LC-036: a prefix needs its length and is named by its first address.
    let prefix_len = match lease_type {
        LeaseType::Pd => {
            let len = p.uint("prefix-len", 255)? as u8;
            if !(1..=128).contains(&len) {
                return error(format!(
                    "Invalid prefix length: {len}, it must be from 1 to 128"
                ));
            }
            let first = first_address(address, len);
            if first != address {
                return error(format!(
                    "Prefix address: {address} is not the first address of the prefix \
                     {first}/{len}"
                ));
            }
            len
        }
        _ => 128,
    };
    let iaid = p.uint("iaid", u64::from(u32::MAX))?;
    let duid = duid(p.string("duid")?)?;
    let hw = p.opt_string("hw-address")?.map(hw_address).transpose()?;
    let common = Common::read(p)?;
    if common.state == 1 && lease_type == LeaseType::Pd {
        return error("A prefix lease (IA_PD) cannot be in the declined state (1).".into());
    }
    let preferred = p.opt_uint("preferred-lft", u64::from(u32::MAX))?;
    let id = subnet_id(p)?;
    if id == 0 && lease_type == LeaseType::Pd {
        return error(
            "subnet-id is required for a prefix lease (IA_PD): prefixes are not matched to \
             subnets"
                .into(),
        );
    }
    // Prefixes are not checked against the subnet's prefix (LC-036).
    let subnet = subnet_of(id, address, lease_type == LeaseType::Na, subnets)?;
    let (valid, cltt) = common.times(subnet.valid_lifetime, now, address)?;
    // LC-038: the subnet's preferred lifetime by default, as the ARM says.
    let preferred = preferred.map_or(subnet.preferred_lifetime, |n| n as u32);
    let force_create = common.force_create;

    let mut lease = LeaseMap::new();
    lease.insert("ip-address".into(), json!(address.to_string()));
    lease.insert("type".into(), json!(lease_type.name()));
    if lease_type == LeaseType::Pd {
        lease.insert("prefix-len".into(), json!(prefix_len));
    }
    lease.insert("duid".into(), json!(hex(&duid)));
    lease.insert("iaid".into(), json!(iaid));
    if let Some(hw) = hw.filter(|hw| !hw.is_empty()) {
        lease.insert("hw-address".into(), json!(hex(&hw)));
    }
    lease.insert("preferred-lft".into(), json!(preferred));
    lease.insert("subnet-id".into(), json!(subnet.id));
    common.put(&mut lease, valid, cltt);
    let described = match lease_type {
        LeaseType::Pd => format!("prefix {address}/{prefix_len}"),
        _ => format!("address {address}"),
    };
    Ok(NewLease {
        lease,
        address,
        described,
        subnet_id: subnet.id,
        force_create,
    })
}

/// Which lease a `lease6-get` or `lease6-del` (or a `deleted-leases` element) names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target6 {
    /// By type and address (a prefix by its first address).
    Address(LeaseType, Ipv6Addr),
    /// By type, DUID and IAID, within a subnet.
    Duid {
        /// The lease type.
        lease_type: LeaseType,
        /// The DUID's bytes.
        duid: Vec<u8>,
        /// The IAID.
        iaid: u32,
        /// The subnet.
        subnet_id: u32,
    },
}

/// The lease named by `lease6-get`/`lease6-del` arguments, and the `update-ddns` flag: `type`
/// (default `IA_NA`) and `ip-address`, or `type`, `subnet-id`, `identifier-type` `duid`,
/// `identifier` and `iaid` (LC-061, LC-100..LC-102); `verb` words the refusal of a v4 identifier.
pub(crate) fn parse_target6(p: &Params<'_>, verb: &str) -> Result<(Target6, bool), Failure> {
    let update_ddns = p.update_ddns()?;
    let lease_type = p.lease_type()?;
    let target = match parse_named::<V6>(p, verb, &["duid"])? {
        Named::Address(a) => Target6::Address(lease_type, a),
        Named::Identifier {
            ident, subnet_id, ..
        } => {
            let duid = duid(ident)?;
            Target6::Duid {
                lease_type,
                duid,
                // Optional, 0 when absent, as in Kea's `getParameters` (the differential test
                // found the difference).
                iaid: p.optional_u32("iaid")?.unwrap_or(0),
                subnet_id,
            }
        }
    };
    Ok((target, update_ddns))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lease::tests::{map, Table};
    use ruru_hook_api::leases::Subnet6Info;
    use serde_json::Value as Json;

    fn table() -> Table<V6> {
        let subnet = |id, prefix: &str, valid, preferred| Subnet6Info {
            id,
            prefix: prefix.parse().unwrap(),
            prefix_len: 64,
            valid_lifetime: valid,
            preferred_lifetime: preferred,
        };
        Table(vec![
            subnet(1, "2001:db8:1::", 4000, 3000),
            subnet(66, "2001:db8::", 5000, 3500),
        ])
    }

    fn parse(v: Json) -> Result<NewLease<Ipv6Addr>, Failure> {
        parse_lease6(&Params(&map(v)), 1_000_000, &table())
    }

    fn failure(v: Json) -> (i64, String) {
        let f = parse(v).unwrap_err();
        (f.result(), f.text().to_owned())
    }

    // LC-031, LC-033, LC-038, LC-043: the ARM's simplest add; subnet selected, both lifetimes from
    // the subnet, cltt is now.
    #[test]
    fn lc_038_defaults_from_the_subnet() {
        let l = parse(json!({"ip-address": "2001:db8:1::3", "duid": "1A:1B:1C",
                             "iaid": 1234}))
        .expect("parses");
        assert_eq!((l.subnet_id, l.force_create), (1, false));
        assert_eq!(l.described, "address 2001:db8:1::3");
        assert_eq!(
            Json::Object(l.lease),
            json!({"ip-address": "2001:db8:1::3", "type": "IA_NA", "duid": "1a:1b:1c",
                   "iaid": 1234, "preferred-lft": 3000, "subnet-id": 1, "valid-lft": 4000,
                   "cltt": 1_000_000, "fqdn-fwd": false, "fqdn-rev": false, "hostname": "",
                   "state": 0})
        );
    }

    // LC-036, LC-041: the ARM's prefix example and its complex example (every optional field).
    #[test]
    fn lc_041_prefix_and_every_field() {
        let pd = parse(
            json!({"subnet-id": 66, "type": "IA_PD", "ip-address": "2001:db8:abcd::",
                              "prefix-len": 48, "duid": "1a:1b:1c:1d:1e:1f:20:21:22:23:24",
                              "iaid": 1234}),
        )
        .expect("parses");
        assert_eq!(pd.described, "prefix 2001:db8:abcd::/48");
        assert_eq!(
            (
                &pd.lease["type"],
                &pd.lease["prefix-len"],
                &pd.lease["valid-lft"]
            ),
            (&json!("IA_PD"), &json!(48), &json!(5000))
        );
        let all = parse(json!({"subnet-id": 66, "ip-address": "2001:db8::3",
            "duid": "01:02:03:04:05:06:07:08", "iaid": 1234, "hw-address": "1a:1b:1c:1d:1e:1f",
            "preferred-lft": 500, "valid-lft": 1000, "expire": 12_345_678, "fqdn-fwd": true,
            "fqdn-rev": true, "state": 0, "hostname": "urania.example.org",
            "user-context": { "version": 1 }, "force-create": true}))
        .expect("parses");
        assert!(all.force_create);
        assert_eq!(
            Json::Object(all.lease),
            json!({"ip-address": "2001:db8::3", "type": "IA_NA",
                   "duid": "01:02:03:04:05:06:07:08", "iaid": 1234,
                   "hw-address": "1a:1b:1c:1d:1e:1f", "preferred-lft": 500, "subnet-id": 66,
                   "valid-lft": 1000, "cltt": 12_344_678, "fqdn-fwd": true, "fqdn-rev": true,
                   "hostname": "urania.example.org", "state": 0,
                   "user-context": {"version": 1}})
        );
    }

    // LC-031..LC-040: each refusal, with its result code.
    #[test]
    fn lc_031_refusals() {
        let base = |extra: Json| {
            let mut m = json!({"ip-address": "2001:db8:1::5", "duid": "01:02", "iaid": 1});
            for (k, v) in extra.as_object().unwrap() {
                m[k] = v.clone();
            }
            m
        };
        let without = |k: &str| {
            let mut m = base(json!({}));
            m.as_object_mut().unwrap().remove(k);
            m
        };
        let cases = [
            (without("ip-address"), 1, "missing parameter 'ip-address'"),
            (without("iaid"), 1, "missing parameter 'iaid'"),
            (without("duid"), 1, "missing parameter 'duid'"),
            (
                base(json!({"ip-address": "192.0.2.1"})),
                1,
                "Non-IPv6 address specified: 192.0.2.1",
            ),
            (
                base(json!({"type": "IA_XX"})),
                1,
                "Incorrect lease type: IA_XX, the only supported values are: IA_NA, IA_PD",
            ),
            (
                base(json!({"type": "IA_TA"})),
                1,
                "Incorrect lease type: IA_TA, the only supported values are: IA_NA, IA_PD",
            ),
            (
                base(json!({"type": "IA_PD", "subnet-id": 1})),
                1,
                "missing parameter 'prefix-len'",
            ),
            (
                base(json!({"type": "IA_PD", "prefix-len": 0, "subnet-id": 1})),
                1,
                "Invalid prefix length: 0, it must be from 1 to 128",
            ),
            (
                base(json!({"type": "IA_PD", "prefix-len": 48, "subnet-id": 1,
                            "ip-address": "2001:db8:abcd::1"})),
                1,
                "Prefix address: 2001:db8:abcd::1 is not the first address of the prefix \
                 2001:db8:abcd::/48",
            ),
            (
                base(json!({"type": "IA_PD", "prefix-len": 64, "ip-address": "2001:db8:1::"})),
                1,
                "subnet-id is required for a prefix lease (IA_PD): prefixes are not matched to \
                 subnets",
            ),
            (
                base(
                    json!({"type": "IA_PD", "prefix-len": 64, "ip-address": "2001:db8:1::",
                            "subnet-id": 1, "state": 1}),
                ),
                1,
                "A prefix lease (IA_PD) cannot be in the declined state (1).",
            ),
            (
                base(json!({"iaid": -1})),
                1,
                "out of range value (-1) specified for parameter 'iaid'",
            ),
            (
                base(json!({"duid": "xx"})),
                1,
                "'xx' is not a valid string of hexadecimal digits",
            ),
            (
                base(json!({"ip-address": "2001:db8:9::1"})),
                4,
                "subnet-id not specified and failed to find a subnet for address 2001:db8:9::1",
            ),
            (
                base(json!({"subnet-id": 999})),
                4,
                "Invalid subnet-id: No IPv6 subnet with subnet-id=999 currently configured.",
            ),
            (
                base(json!({"subnet-id": 66})),
                4,
                "The address 2001:db8:1::5 does not belong to subnet 2001:db8::/64, subnet-id=66",
            ),
            (
                base(json!({"state": 4})),
                1,
                "Invalid state value: 4, supported values are: 0 (default), 1 (declined), \
                 2 (expired-reclaimed) and 3 (released)",
            ),
            (
                base(json!({"fqdn-fwd": true})),
                1,
                "No hostname specified and either forward or reverse fqdn was set to true.",
            ),
            (
                base(json!({"user-context": [1]})),
                1,
                "Invalid user context '[1]' is not a JSON map.",
            ),
            (
                base(json!({"preferred-lft": "1"})),
                1,
                "invalid type specified for parameter 'preferred-lft'",
            ),
            // A malformed lease is an error even when its subnet also conflicts.
            (
                base(json!({"subnet-id": 999, "state": 9})),
                1,
                "Invalid state value: 9, supported values are: 0 (default), 1 (declined), \
                 2 (expired-reclaimed) and 3 (released)",
            ),
        ];
        for (args, result, text) in cases {
            assert_eq!(failure(args.clone()), (result, text.to_owned()), "{args}");
        }
        // Prefixes are not checked against the subnet's prefix; state 1 is fine on an address.
        assert!(parse(base(
            json!({"type": "IA_PD", "prefix-len": 48, "subnet-id": 1,
                                   "ip-address": "2001:db8:cafe::"})
        ))
        .is_ok());
        assert!(parse(base(json!({"state": 1}))).is_ok());
    }

    // LC-061, LC-100..LC-102: the forms of get/del arguments.
    #[test]
    fn lc_061_targets() {
        let target =
            |v: Json| parse_target6(&Params(&map(v)), "Delete").map_err(|f| f.text().to_owned());
        let a: Ipv6Addr = "2001:db8:1::".parse().unwrap();
        assert_eq!(
            target(json!({"ip-address": "2001:db8:1::", "type": "IA_PD", "subnet-id": 1})),
            Ok((Target6::Address(LeaseType::Pd, a), false))
        );
        // Kea's numbers for the types, as strings.
        assert_eq!(
            target(json!({"ip-address": "2001:db8:1::", "type": "2"})),
            Ok((Target6::Address(LeaseType::Pd, a), false))
        );
        assert_eq!(
            target(json!({"ip-address": "2001:db8:1::", "update-ddns": true})),
            Ok((Target6::Address(LeaseType::Na, a), true))
        );
        assert_eq!(
            target(
                json!({"identifier-type": "duid", "identifier": "08:08:08:08:08:08",
                          "iaid": 1_234_567, "type": "IA_NA", "subnet-id": 44})
            ),
            Ok((
                Target6::Duid {
                    lease_type: LeaseType::Na,
                    duid: vec![8; 6],
                    iaid: 1_234_567,
                    subnet_id: 44
                },
                false
            ))
        );
        // Without `iaid`, IAID 0 is meant.
        assert_eq!(
            target(json!({"subnet-id": 1, "identifier-type": "duid", "identifier": "01:02"})),
            Ok((
                Target6::Duid {
                    lease_type: LeaseType::Na,
                    duid: vec![1, 2],
                    iaid: 0,
                    subnet_id: 1
                },
                false
            ))
        );
        let refused = [
            (json!({}), "Mandatory 'subnet-id' parameter missing."),
            (
                json!({"subnet-id": 1, "identifier-type": "duid", "identifier": "01:02",
                       "iaid": "1"}),
                "'iaid' parameter is not integer.",
            ),
            (
                json!({"subnet-id": 1, "identifier-type": "hw-address", "identifier": "01:02"}),
                "Delete by hw-address is not allowed in v6.",
            ),
            (
                json!({"subnet-id": 1, "identifier-type": "client-id", "identifier": "01:02"}),
                "Delete by client-id is not allowed in v6.",
            ),
            (
                json!({"ip-address": "192.0.2.1"}),
                "Invalid IPv6 address specified: 192.0.2.1",
            ),
            (
                json!({"ip-address": "2001:db8::1", "type": "IA_XX"}),
                "Incorrect lease type: IA_XX, the only supported values are: IA_NA, IA_TA, IA_PD",
            ),
        ];
        for (args, text) in refused {
            assert_eq!(target(args.clone()), Err(text.to_owned()), "{args}");
        }
    }
}
