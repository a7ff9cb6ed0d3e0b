//! What the v4 commands read from their arguments: a whole lease for `lease4-add`/`lease4-update`
//! (Kea's `Lease4Parser`, with its sanity checks and texts) and the lease a `lease4-get`/`lease4-del`
//! names (by address, or by identifier within a subnet).

use crate::failure::Failure;
use crate::family::V4;
use crate::lease::{error, parse_named, subnet_id, subnet_of, Common, Named, NewLease, Subnets};
use crate::params::{client_id, hex, hw_address, Params};
use ruru_hook_api::leases::LeaseMap;
use serde_json::json;
use std::net::{IpAddr, Ipv4Addr};

/// Reads a lease from `lease4-add`/`lease4-update` arguments as Kea does, in Kea's order of checks;
/// `now` is the `cltt` when no `expire` is given.
pub(crate) fn parse_lease(
    p: &Params<'_>,
    now: u64,
    subnets: &dyn Subnets<V4>,
) -> Result<NewLease<Ipv4Addr>, Failure> {
    let address = match p.address("ip-address")? {
        IpAddr::V4(a) => a,
        IpAddr::V6(a) => return error(format!("Non-IPv4 address specified: {a}")),
    };
    let hw = hw_address(p.string("hw-address")?)?;
    let subnet = subnet_of(subnet_id(p)?, address, true, subnets)?;
    let client = p.opt_string("client-id")?.map(client_id).transpose()?;
    let common = Common::read(p)?;
    let (valid, cltt) = common.times(subnet.valid_lifetime, now, address)?;
    let force_create = common.force_create;

    let mut lease = LeaseMap::new();
    lease.insert("ip-address".into(), json!(address.to_string()));
    lease.insert("hw-address".into(), json!(hex(&hw)));
    if let Some(id) = client {
        lease.insert("client-id".into(), json!(hex(&id)));
    }
    lease.insert("subnet-id".into(), json!(subnet.id));
    common.put(&mut lease, valid, cltt);
    Ok(NewLease {
        lease,
        address,
        described: format!("address {address}"),
        subnet_id: subnet.id,
        force_create,
    })
}

/// Which lease a `lease4-get` or `lease4-del` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// By address.
    Address(Ipv4Addr),
    /// By hardware address, within a subnet.
    HwAddress(Vec<u8>, u32),
    /// By client identifier, within a subnet.
    ClientId(Vec<u8>, u32),
}

/// The lease named by `lease4-get`/`lease4-del` arguments (Kea's `getParameters`), and the
/// `update-ddns` flag; `verb` words the refusal of a DUID (`Query`, `Delete`).
pub(crate) fn parse_target(p: &Params<'_>, verb: &str) -> Result<(Target, bool), Failure> {
    let update_ddns = p.update_ddns()?;
    let target = match parse_named::<V4>(p, verb, &["hw-address", "client-id"])? {
        Named::Address(a) => Target::Address(a),
        Named::Identifier {
            kind: "hw-address",
            ident,
            subnet_id,
        } => Target::HwAddress(hw_address(ident)?, subnet_id),
        Named::Identifier {
            ident, subnet_id, ..
        } => Target::ClientId(client_id(ident)?, subnet_id),
    };
    Ok((target, update_ddns))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lease::tests::Table;
    use ruru_hook_api::leases::Subnet4Info;
    use serde_json::{Map, Value as Json};

    fn table() -> Table<V4> {
        Table(vec![
            Subnet4Info {
                id: 1,
                prefix: Ipv4Addr::new(192, 0, 2, 0),
                prefix_len: 24,
                valid_lifetime: 4000,
            },
            Subnet4Info {
                id: 7,
                prefix: Ipv4Addr::new(198, 51, 100, 0),
                prefix_len: 24,
                valid_lifetime: 5000,
            },
        ])
    }

    fn parse(v: Json) -> Result<NewLease<Ipv4Addr>, Failure> {
        let m: Map<String, Json> = v.as_object().cloned().expect("map");
        parse_lease(&Params(&m), 1_000_000, &table())
    }

    fn failure(v: Json) -> (i64, String) {
        let f = parse(v).unwrap_err();
        (f.result(), f.text().to_owned())
    }

    // LC-030, LC-033, LC-038, LC-041, LC-043: the simplest add; subnet and lifetime come from the
    // configuration, cltt is now, the host name is kept in lower case.
    #[test]
    fn lc_033_defaults_from_the_selected_subnet() {
        let l = parse(
            json!({"ip-address": "198.51.100.9", "hw-address": "1A:1B:1C:1D:1E:1F",
                             "hostname": "Host.Example.Org"}),
        )
        .expect("parses");
        assert_eq!((l.subnet_id, l.force_create), (7, false));
        assert_eq!(
            Json::Object(l.lease),
            json!({"ip-address": "198.51.100.9", "hw-address": "1a:1b:1c:1d:1e:1f",
                   "valid-lft": 5000, "cltt": 1_000_000, "subnet-id": 7, "fqdn-fwd": false,
                   "fqdn-rev": false, "hostname": "host.example.org", "state": 0})
        );
    }

    // LC-015, LC-019, LC-039, LC-041: every optional field; cltt = expire - valid-lft.
    #[test]
    fn lc_039_every_field() {
        let l = parse(
            json!({"ip-address": "192.0.2.6", "hw-address": "", "subnet-id": 1,
            "client-id": "01:02:03", "valid-lft": 1000, "expire": 12_345_678, "fqdn-fwd": true,
            "hostname": "h", "state": 3, "user-context": {"a": 1}, "comment": "c", "pool-id": 2,
            "force-create": true}),
        )
        .expect("parses");
        assert!(l.force_create);
        let m = l.lease;
        assert_eq!(m["cltt"], 12_344_678);
        assert_eq!(m["client-id"], "01:02:03");
        assert_eq!(m["user-context"], json!({"a": 1, "comment": "c"}));
        assert_eq!(
            (m["state"].as_u64(), m["pool-id"].as_u64()),
            (Some(3), Some(2))
        );
    }

    // LC-030, LC-032..LC-040: each refusal, with its result code and Kea's text.
    #[test]
    fn lc_030_refusals() {
        let hw = "1a:1b:1c:1d:1e:1f";
        let cases = [
            (
                json!({"hw-address": hw}),
                1,
                "missing parameter 'ip-address'",
            ),
            (
                json!({"ip-address": "192.0.2.5"}),
                1,
                "missing parameter 'hw-address'",
            ),
            (
                json!({"ip-address": "2001:db8::1", "hw-address": hw}),
                1,
                "Non-IPv4 address specified: 2001:db8::1",
            ),
            (
                json!({"ip-address": "10.9.9.9", "hw-address": hw}),
                4,
                "subnet-id not specified and failed to find a subnet for address 10.9.9.9",
            ),
            (
                json!({"ip-address": "192.0.2.6", "hw-address": hw, "subnet-id": 999}),
                4,
                "Invalid subnet-id: No IPv4 subnet with subnet-id=999 currently configured.",
            ),
            (
                json!({"ip-address": "192.0.2.6", "hw-address": hw, "subnet-id": 7}),
                4,
                "The address 192.0.2.6 does not belong to subnet 198.51.100.0/24, subnet-id=7",
            ),
            (
                json!({"ip-address": "192.0.2.6", "hw-address": hw, "subnet-id": "1"}),
                1,
                "invalid type specified for parameter 'subnet-id'",
            ),
            (
                json!({"ip-address": "192.0.2.6", "hw-address": hw, "state": 4}),
                1,
                "Invalid state value: 4, supported values are: 0 (default), 1 (declined), \
              2 (expired-reclaimed) and 3 (released)",
            ),
            (
                json!({"ip-address": "192.0.2.6", "hw-address": hw, "user-context": [1]}),
                1,
                "Invalid user context '[1]' is not a JSON map.",
            ),
            (
                json!({"ip-address": "192.0.2.6", "hw-address": hw, "user-context": {"comment": 1},
                    "comment": "c"}),
                1,
                "Duplicated comment entry '\"c\"' in user context '{\"comment\":1}'",
            ),
            (
                json!({"ip-address": "192.0.2.6", "hw-address": hw, "fqdn-rev": true}),
                1,
                "No hostname specified and either forward or reverse fqdn was set to true.",
            ),
            (
                json!({"ip-address": "192.0.2.6", "hw-address": hw, "expire": 500, "valid-lft": 1000}),
                1,
                "expiration time must be greater than valid lifetime for address 192.0.2.6",
            ),
            (
                json!({"ip-address": "192.0.2.6", "hw-address": hw, "expire": 0}),
                1,
                "expiration time must be positive for address 192.0.2.6",
            ),
            (
                json!({"ip-address": "192.0.2.6", "hw-address": hw, "client-id": "xx"}),
                1,
                "'xx' is not a valid string of hexadecimal digits",
            ),
            (
                json!({"ip-address": "192.0.2.6", "hw-address": hw, "force-create": "yes"}),
                1,
                "invalid type specified for parameter 'force-create'",
            ),
        ];
        for (args, result, text) in cases {
            assert_eq!(failure(args.clone()), (result, text.to_owned()), "{args}");
        }
    }

    // LC-060, LC-062, LC-063, LC-101, LC-102, LC-104: the forms of get/del arguments.
    #[test]
    fn lc_060_targets() {
        let target = |v: Json| {
            let m: Map<String, Json> = v.as_object().cloned().expect("map");
            parse_target(&Params(&m), "Delete").map_err(|f| f.text().to_owned())
        };
        assert_eq!(
            target(json!({"ip-address": "192.0.2.1", "update-ddns": true})),
            Ok((Target::Address(Ipv4Addr::new(192, 0, 2, 1)), true))
        );
        assert_eq!(
            target(
                json!({"identifier-type": "hw-address", "identifier": "08:08:08:08:08:08",
                          "subnet-id": 44})
            ),
            Ok((Target::HwAddress(vec![8; 6], 44), false))
        );
        assert_eq!(
            target(json!({"identifier-type": "client-id", "identifier": "01:02", "subnet-id": 1})),
            Ok((Target::ClientId(vec![1, 2], 1), false))
        );
        let refused = [
            (json!({}), "Mandatory 'subnet-id' parameter missing."),
            (json!({"subnet-id": "1"}), "'subnet-id' parameter is not integer."),
            (json!({"subnet-id": 1, "identifier": "01:02"}),
             "No 'ip-address' provided and 'identifier-type' is either missing or not a string."),
            (json!({"subnet-id": 1, "identifier-type": "client-id"}),
             "No 'ip-address' provided and 'identifier' is either missing or not a string."),
            (json!({"subnet-id": 1, "identifier-type": "duid", "identifier": "01:02"}),
             "Delete by duid is not allowed in v4."),
            (json!({"subnet-id": 1, "identifier-type": "foo", "identifier": "01:02"}),
             "Incorrect identifier type: foo, the only supported values are: address, hw-address, duid"),
            (json!({"ip-address": "192.0.2.1", "update-ddns": 5}), "'update-ddns' is not a boolean"),
            (json!({"ip-address": "2001:db8::1"}), "Invalid IPv4 address specified: 2001:db8::1"),
        ];
        for (args, text) in refused {
            assert_eq!(target(args.clone()), Err(text.to_owned()), "{args}");
        }
    }
}
