//! What both families read alike from command arguments: the subnet of a lease (given or selected),
//! the lease members `lease4-add` and `lease6-add` share (lifetime, expiry, DNS flags, host name,
//! state, user context, pool, `force-create`), and the two ways get/del commands name a lease.

use crate::failure::Failure;
use crate::family::Family;
use crate::params::Params;
use ruru_hook_api::leases::LeaseMap;
use ruru_hook_api::HookResult;
use serde_json::{json, Value as Json};
use std::fmt::Display;

/// Subnet lookups the parsers need: the server's in the plugin ([`Server`]), a table in tests.
pub(crate) trait Subnets<F: Family> {
    /// The configured subnet `id`.
    fn by_id(&self, id: u32) -> HookResult<Option<F::Subnet>>;
    /// The subnet the server selects for `addr`.
    fn select(&self, addr: F::Addr) -> HookResult<Option<F::Subnet>>;
}

/// The server's subnets, through the subnet services.
#[derive(Debug)]
pub(crate) struct Server;

impl<F: Family> Subnets<F> for Server {
    fn by_id(&self, id: u32) -> HookResult<Option<F::Subnet>> {
        F::subnet(id)
    }
    fn select(&self, addr: F::Addr) -> HookResult<Option<F::Subnet>> {
        F::select_subnet(addr)
    }
}

/// A lease to store, as the add and update commands give it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewLease<A> {
    /// The complete lease map for the lease services.
    pub(crate) lease: LeaseMap,
    /// Its address (a prefix's first address).
    pub(crate) address: A,
    /// `address 192.0.2.1` or `prefix 2001:db8::/48`, as the success text names it.
    pub(crate) described: String,
    /// Its subnet, given or selected.
    pub(crate) subnet_id: u32,
    /// `force-create`: an update creates the lease when there is none.
    pub(crate) force_create: bool,
}

pub(crate) fn error<T>(text: String) -> Result<T, Failure> {
    Err(Failure::Error(text))
}

fn conflict<T>(text: String) -> Result<T, Failure> {
    Err(Failure::Conflict(text))
}

/// The subnet of `addr`: `subnet-id` when given and not 0 (it must exist and, with `check_range`,
/// hold the address: LC-033..035), else the one the server selects.
pub(crate) fn subnet_of<F: Family>(
    id: u32,
    addr: F::Addr,
    check_range: bool,
    subnets: &dyn Subnets<F>,
) -> Result<F::Subnet, Failure> {
    if id == 0 {
        return match subnets.select(addr)? {
            Some(s) => Ok(s),
            None => conflict(format!(
                "subnet-id not specified and failed to find a subnet for address {addr}"
            )),
        };
    }
    let Some(s) = subnets.by_id(id)? else {
        return conflict(format!(
            "Invalid subnet-id: No {} subnet with subnet-id={id} currently configured.",
            F::NAME
        ));
    };
    if check_range && !F::contains(&s, addr) {
        return conflict(format!(
            "The address {addr} does not belong to subnet {s}, subnet-id={id}"
        ));
    }
    Ok(s)
}

/// `subnet-id` as the add and update commands read it; 0 when absent.
pub(crate) fn subnet_id(p: &Params<'_>) -> Result<u32, Failure> {
    Ok(p.opt_uint("subnet-id", u64::from(u32::MAX))?.unwrap_or(0) as u32)
}

/// The user context: `user-context` (a map) with a top-level `comment` folded in (LC-018, LC-019).
fn user_context(p: &Params<'_>) -> Result<Option<Json>, Failure> {
    let ctx = match p.get("user-context") {
        None => None,
        Some(Json::Object(m)) => Some(m.clone()),
        Some(other) => {
            return error(format!("Invalid user context '{other}' is not a JSON map."));
        }
    };
    let Some(comment) = p.get("comment") else {
        return Ok(ctx.map(Json::Object));
    };
    let mut ctx = ctx.unwrap_or_default();
    if ctx.contains_key("comment") {
        return error(format!(
            "Duplicated comment entry '{comment}' in user context '{}'",
            Json::Object(ctx)
        ));
    }
    ctx.insert("comment".into(), comment.clone());
    Ok(Some(Json::Object(ctx)))
}

/// The lease members the add and update commands of both families read alike.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Common {
    valid: Option<u32>,
    expire: Option<i64>,
    fqdn_fwd: bool,
    fqdn_rev: bool,
    hostname: String,
    /// `state`, 0 to 3.
    pub(crate) state: u64,
    user_context: Option<Json>,
    pool_id: u64,
    /// `force-create`.
    pub(crate) force_create: bool,
}

impl Common {
    /// Reads the members, with Kea's checks and texts (LC-015, LC-017..LC-019, LC-039..LC-041).
    pub(crate) fn read(p: &Params<'_>) -> Result<Self, Failure> {
        let valid = p
            .opt_uint("valid-lft", u64::from(u32::MAX))?
            .map(|v| v as u32);
        let expire = p.opt_int("expire")?;
        let fqdn_fwd = p.opt_bool("fqdn-fwd")?.unwrap_or(false);
        let fqdn_rev = p.opt_bool("fqdn-rev")?.unwrap_or(false);
        // Kea keeps host names in lower case.
        let hostname = p.opt_string("hostname")?.unwrap_or("").to_lowercase();
        if hostname.is_empty() && (fqdn_fwd || fqdn_rev) {
            return error(
                "No hostname specified and either forward or reverse fqdn was set to true.".into(),
            );
        }
        let state = p.opt_uint("state", 255)?.unwrap_or(0);
        if state > 3 {
            return error(format!(
                "Invalid state value: {state}, supported values are: 0 (default), 1 (declined), \
                 2 (expired-reclaimed) and 3 (released)"
            ));
        }
        Ok(Common {
            valid,
            expire,
            fqdn_fwd,
            fqdn_rev,
            hostname,
            state,
            user_context: user_context(p)?,
            pool_id: p.opt_uint("pool-id", u64::from(u32::MAX))?.unwrap_or(0),
            force_create: p.opt_bool("force-create")?.unwrap_or(false),
        })
    }

    /// The valid lifetime (`valid-lft`, else `default`) and the `cltt`: `expire - valid-lft`, else
    /// `now`. Expired leases may be added on purpose (migrations); only impossible times are refused
    /// (LC-039).
    pub(crate) fn times(
        &self,
        default: u32,
        now: u64,
        address: impl Display,
    ) -> Result<(u32, u64), Failure> {
        let valid = self.valid.unwrap_or(default);
        let cltt = match self.expire {
            None => now,
            Some(e) if e <= 0 => {
                return error(format!(
                    "expiration time must be positive for address {address}"
                ))
            }
            Some(e) if e < i64::from(valid) => {
                return error(format!(
                    "expiration time must be greater than valid lifetime for address {address}"
                ))
            }
            Some(e) => (e - i64::from(valid)) as u64,
        };
        Ok((valid, cltt))
    }

    /// Puts the members, with the times, into `lease`.
    pub(crate) fn put(self, lease: &mut LeaseMap, valid: u32, cltt: u64) {
        lease.insert("valid-lft".into(), json!(valid));
        lease.insert("cltt".into(), json!(cltt));
        lease.insert("fqdn-fwd".into(), json!(self.fqdn_fwd));
        lease.insert("fqdn-rev".into(), json!(self.fqdn_rev));
        lease.insert("hostname".into(), json!(self.hostname));
        lease.insert("state".into(), json!(self.state));
        if let Some(ctx) = self.user_context {
            lease.insert("user-context".into(), ctx);
        }
        if self.pool_id != 0 {
            lease.insert("pool-id".into(), json!(self.pool_id));
        }
    }
}

/// How a get or del command names its lease, before the family reads the identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Named<'a, A> {
    /// By address.
    Address(A),
    /// By a client identifier of type `kind` (already one the family uses), within a subnet.
    Identifier {
        /// `hw-address`, `client-id` or `duid`.
        kind: &'a str,
        /// The identifier's text.
        ident: &'a str,
        /// The subnet.
        subnet_id: u32,
    },
}

/// Reads how get/del arguments name a lease (Kea's `getParameters`): `ip-address`, else `subnet-id`,
/// `identifier-type` and `identifier`. `kinds` are the identifier types of the family; the others are
/// refused in words of `verb` (`Query`, `Delete`).
pub(crate) fn parse_named<'a, F: Family>(
    p: &Params<'a>,
    verb: &str,
    kinds: &[&str],
) -> Result<Named<'a, F::Addr>, Failure> {
    if let Some(a) = p.ip::<F>()? {
        return Ok(Named::Address(a));
    }
    let subnet_id = p.mandatory_u32("subnet-id")?;
    let string = |what: &str| {
        p.get(what).and_then(Json::as_str).ok_or_else(|| {
            Failure::Error(format!(
                "No 'ip-address' provided and '{what}' is either missing or not a string."
            ))
        })
    };
    let kind = string("identifier-type")?;
    let ident = string("identifier")?;
    match kind {
        k if kinds.contains(&k) => Ok(Named::Identifier {
            kind,
            ident,
            subnet_id,
        }),
        "hw-address" | "client-id" | "duid" => error(format!(
            "{verb} by {kind} is not allowed in v{}.",
            F::VERSION
        )),
        "address" => error("Mandatory 'ip-address' parameter missing.".into()),
        other => error(format!(
            "Incorrect identifier type: {other}, the only supported values are: address, \
             hw-address, duid"
        )),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::Map;

    /// Subnets from a list.
    pub(crate) struct Table<F: Family>(pub(crate) Vec<F::Subnet>);

    impl<F: Family> Subnets<F> for Table<F> {
        fn by_id(&self, id: u32) -> HookResult<Option<F::Subnet>> {
            Ok(self.0.iter().find(|s| F::subnet_id(s) == id).cloned())
        }
        fn select(&self, addr: F::Addr) -> HookResult<Option<F::Subnet>> {
            Ok(self.0.iter().find(|s| F::contains(s, addr)).cloned())
        }
    }

    pub(crate) fn map(v: Json) -> Map<String, Json> {
        v.as_object().cloned().expect("a map")
    }

    // LC-039, LC-015: cltt = expire - valid-lft; impossible expiry times are errors.
    #[test]
    fn lc_039_times() {
        let times = |v: Json| {
            let m = map(v);
            let c = Common::read(&Params(&m)).expect("reads");
            c.times(4000, 77, "a").map_err(|f| f.text().to_owned())
        };
        assert_eq!(times(json!({})), Ok((4000, 77)));
        assert_eq!(
            times(json!({"valid-lft": 1000, "expire": 12_345_678})),
            Ok((1000, 12_344_678))
        );
        assert_eq!(
            times(json!({"valid-lft": 1000, "expire": 500})),
            Err("expiration time must be greater than valid lifetime for address a".into())
        );
        assert_eq!(
            times(json!({"expire": -1})),
            Err("expiration time must be positive for address a".into())
        );
    }
}
