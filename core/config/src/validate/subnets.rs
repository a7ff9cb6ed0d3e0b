//! Subnets, pools and shared networks of both servers: the walk over the
//! subnet lists in Kea's order, network names, relays, address pools, the
//! values network members must agree on and duplicate prefixes (V4-005,
//! V4-047, V4-051, V4-052, V4-074, V4-099, V4-101; V6-005, V6-056, V6-061,
//! V6-062, V6-125, V6-127). What a subnet holds beyond that is built by the
//! family's [`SubnetBuilder`].

use std::collections::{HashMap, HashSet};

use super::ctx::{index, join, Ctx};
use ruru_proto::defs::OptionDefs;

use super::globals::ip_reservations_unique;
use super::layout::{WireNetwork, WireServer};
use super::options::{option_set, Defs, Level};
use super::subnet_ids::{subnet_ids, SubnetIds};
use super::{fold_comment, kea22, parse_addr, written_before};
use crate::addr::{overlap, IpAddress, Prefix};
use crate::model::fields::{assemble, part_struct, pool_parts};
use crate::model::{Pool, SharedNetwork};
use crate::reader::Node;
use crate::wire::{self, ScopeParams};
use crate::ConfigError;

/// A family's wire `Dhcp4`/`Dhcp6` map.
type ServerOf<'a, F> = <Env<'a, F> as SubnetBuilder>::Server;
/// A family's built subnet.
type SubnetOf<'a, F> = <Env<'a, F> as SubnetBuilder>::Subnet;
/// A family's subnets (plain ones and network members) and shared networks.
type SubnetLists<'a, F> = (Vec<SubnetOf<'a, F>>, Vec<SharedNetwork>);

/// The wire subnet map of a builder's server.
pub(crate) type WireSubnetOf<B> =
    <<<B as SubnetBuilder>::Server as WireServer>::Network as WireNetwork>::Subnet;
/// The wire shared-network map of a builder's server.
pub(crate) type WireNetworkOf<B> = <<B as SubnetBuilder>::Server as WireServer>::Network;

/// What every subnet needs from the global level: the context, the
/// definitions `option-data` resolves against, the merged global scope
/// (`F`: the family's own parameters) and `ip-reservations-unique`. Each
/// family implements [`SubnetBuilder`] on its `Env`.
pub(crate) struct Env<'a, F> {
    pub(crate) ctx: &'a Ctx<'a>,
    pub(crate) defs: Defs<'a>,
    pub(crate) global: ScopeParams<F>,
    pub(crate) ip_unique: bool,
}

impl<'a, F> Env<'a, F> {
    /// The environment of the top-level map `g` over `global`.
    pub(crate) fn new(
        ctx: &'a Ctx<'a>,
        registry: &'a OptionDefs,
        global: ScopeParams<F>,
        g: wire::GlobalsView,
    ) -> Self {
        Env {
            ctx,
            defs: Defs::global(registry),
            global,
            ip_unique: ip_reservations_unique(g),
        }
    }
}

/// What one family adds to the shared walk: its subnet and the
/// network-level values its members inherit.
pub(crate) trait SubnetBuilder {
    /// The family's wire `Dhcp4`/`Dhcp6` struct.
    type Server: WireServer;
    /// The family's built subnet.
    type Subnet: Member;
    /// What a member inherits from its network, resolved once per network.
    type Level;

    /// The network `w` at `path`, the `index`-th network, named `name`.
    fn level(
        &self,
        index: usize,
        w: &WireNetworkOf<Self>,
        path: &str,
        name: &str,
    ) -> Result<Self::Level, ConfigError>;

    /// One subnet with its checked `id`, a member of `network` if any.
    fn subnet(
        &self,
        w: &WireSubnetOf<Self>,
        id: u32,
        path: &str,
        network: Option<&Self::Level>,
    ) -> Result<Self::Subnet, ConfigError>;
}

/// What the shared checks read of a built subnet.
pub(crate) trait Member {
    /// The `subnet` text as written.
    fn text(&self) -> &str;
    /// The values all members of a network must share, by plural label
    /// (`interfaces`); `None` (unset) agrees with anything.
    fn agreed(&self) -> Vec<(&'static str, Option<String>)>;
}

/// Every subnet and shared network of the server map `g`, ids checked and
/// assigned (V4-004, V6-004), in Kea's order: the list written first in
/// `root` comes first (V4-049). `raw` then shows them as Kea 2.2's
/// `config-get` does.
pub(crate) fn subnet_lists<'a, F>(
    env: &Env<'a, F>,
    g: &ServerOf<'a, F>,
    root: Option<&Node>,
    raw: &mut serde_json::Value,
) -> Result<SubnetLists<'a, F>, ConfigError>
where
    Env<'a, F>: SubnetBuilder,
{
    let ctx = env.ctx;
    let networks_first = written_before(root, "shared-networks", ctx.profile().subnets);
    let ids = subnet_ids(ctx, g)?;
    let lists = subnets_and_networks(env, g, &ids, networks_first)?;
    ids.write_into(ctx, raw);
    kea22::relay_in_raw(ctx, raw);
    Ok(lists)
}

/// All subnets (plain ones and network members, in the order their lists
/// appear) with their `ids`, and the shared networks.
fn subnets_and_networks<'a, F>(
    b: &Env<'a, F>,
    g: &ServerOf<'a, F>,
    ids: &SubnetIds,
    networks_first: bool,
) -> Result<SubnetLists<'a, F>, ConfigError>
where
    Env<'a, F>: SubnetBuilder,
{
    let ctx = b.ctx;
    let key = ctx.profile().subnets;
    let mut subnets = Vec::new();
    let mut paths = Vec::new();
    let mut networks = Vec::new();
    let mut names = HashSet::new();
    let plain =
        |subnets: &mut Vec<SubnetOf<'a, F>>, paths: &mut Vec<String>| -> Result<(), ConfigError> {
            for ((i, w), &id) in g.subnets().iter().enumerate().zip(&ids.plain) {
                let path = ctx.index(key, i);
                subnets.push(b.subnet(w, id, &path, None)?);
                paths.push(path);
            }
            Ok(())
        };
    if !networks_first {
        plain(&mut subnets, &mut paths)?;
    }
    for ((n, w), member_ids) in g.networks().iter().enumerate().zip(&ids.members) {
        let path = ctx.index("shared-networks", n);
        let common = w.view();
        let name = common
            .name
            .clone()
            .ok_or_else(|| ctx.invalid(&path, "shared network needs a 'name'"))?;
        if !names.insert(name.clone()) {
            return Err(ctx.invalid(&path, format!("duplicate shared network name '{name}'")));
        }
        let level = b.level(networks.len(), w, &path, &name)?;
        let mut members = Vec::with_capacity(w.subnets().len());
        for ((i, sw), &id) in w.subnets().iter().enumerate().zip(member_ids) {
            let sub_path = index(&path, key, i);
            members.push(subnets.len());
            subnets.push(b.subnet(sw, id, &sub_path, Some(&level))?);
            paths.push(sub_path);
        }
        check_members_agree(ctx, &path, &name, &subnets, &members)?;
        networks.push(SharedNetwork {
            name,
            subnets: members,
            options: option_set(ctx, common.option_data, &b.defs, Level::Normal, &path)?,
            require_client_classes: common.require_client_classes.clone(),
            user_context: fold_comment(common.user_context.clone(), common.comment.clone()),
        });
    }
    if networks_first {
        plain(&mut subnets, &mut paths)?;
    }
    check_unique_prefixes(ctx, &subnets, &paths)?;
    Ok((subnets, networks))
}

/// Members of a network share the values [`Member::agreed`] names: one
/// `interface` (V4-101, V6-127; unset members ignored, as Kea does), one
/// `authoritative` (V4-074) or `rapid-commit` (V6-127).
fn check_members_agree<S: Member>(
    ctx: &Ctx,
    path: &str,
    name: &str,
    subnets: &[S],
    members: &[usize],
) -> Result<(), ConfigError> {
    let mut first: HashMap<&'static str, (String, &str)> = HashMap::new();
    for s in members.iter().filter_map(|&i| subnets.get(i)) {
        for (label, value) in s.agreed() {
            let Some(value) = value else { continue };
            match first.get(label) {
                None => {
                    first.insert(label, (value, s.text()));
                }
                Some((v, text)) if *v != value => {
                    return Err(ctx.invalid(
                        path,
                        format!(
                            "shared network '{name}': subnets {text} and {} have different {label} ({v} vs {value})",
                            s.text()
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}

/// The same prefix text twice is an error (V4-005, V6-005); ids are checked
/// by `subnet_ids` (V4-004, V6-004).
fn check_unique_prefixes<S: Member>(
    ctx: &Ctx,
    subnets: &[S],
    paths: &[String],
) -> Result<(), ConfigError> {
    let mut texts: HashMap<&str, &str> = HashMap::new();
    for (s, path) in subnets.iter().zip(paths) {
        if let Some(prev) = texts.insert(s.text(), path) {
            return Err(ctx.invalid(
                path,
                format!("subnet {} is already defined at {prev}", s.text()),
            ));
        }
    }
    Ok(())
}

/// A subnet's `subnet` prefix, mandatory (V4-005, V6-005).
pub(crate) fn subnet_prefix<A: IpAddress>(
    ctx: &Ctx,
    path: &str,
    text: Option<&str>,
) -> Result<(Prefix<A>, String), ConfigError> {
    let key = ctx.profile().subnets;
    let text =
        text.ok_or_else(|| ctx.invalid(path, format!("{key} entry needs a 'subnet' prefix")))?;
    let prefix = Prefix::parse(text)
        .ok_or_else(|| ctx.invalid(path, format!("invalid subnet prefix '{text}'")))?;
    Ok((prefix, text.to_string()))
}

/// Prefixes an `Invalid` message with what it concerns (`subnet 10.0.0.0/8`,
/// `shared network 'x'`), so the user sees which one.
pub(crate) fn relabel(e: ConfigError, what: &str) -> ConfigError {
    match e {
        ConfigError::Invalid {
            path,
            msg,
            location,
        } => ConfigError::Invalid {
            path,
            msg: format!("{what}: {msg}"),
            location,
        },
        other => other,
    }
}

/// `relay.ip-addresses`, mandatory inside `relay` (V4-047, V6-056). Kea
/// 2.2's single `ip-address` is taken as a one-address list, with a warning,
/// as 2.2 reads it; 2.2's grammar takes exactly one of the two keys. `owner`
/// names the subnet or shared network for messages.
pub(crate) fn relay<A: IpAddress>(
    ctx: &Ctx,
    path: &str,
    owner: &str,
    r: Option<&wire::Relay>,
) -> Result<Option<Vec<A>>, ConfigError> {
    let Some(r) = r else { return Ok(None) };
    let path = join(path, "relay");
    let (key, list) = match (&r.ip_addresses, &r.ip_address) {
        (Some(list), None) => ("ip-addresses", list.as_slice()),
        (None, Some(one)) => {
            ctx.warn(
                &path,
                format!("{owner}: relay \"ip-address\" is Kea 2.2's form; read as \"ip-addresses\": [\"{one}\"] as Kea 2.2 does (Kea 2.7 requires \"ip-addresses\")"),
            );
            ("ip-address", std::slice::from_ref(one))
        }
        (Some(_), Some(_)) => {
            return Err(ctx.invalid(
                &path,
                format!("{owner}: relay has both \"ip-addresses\" and Kea 2.2's \"ip-address\"; keep only \"ip-addresses\""),
            ))
        }
        (None, None) => {
            return Err(ctx.invalid(&path, "'ip-addresses' is mandatory inside 'relay'"))
        }
    };
    list.iter()
        .map(|a| parse_addr(ctx, &path, key, a))
        .collect::<Result<_, _>>()
        .map(Some)
}

/// `"a - b"` (spaces optional) or `"prefix/len"` (V4-051, V6-061); with
/// `aligned`, a prefix must be written with its first address.
fn pool_range<A: IpAddress>(text: &str, aligned: bool) -> Option<(A, A)> {
    if let Some((a, b)) = text.split_once('-') {
        let (a, b): (A, A) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
        return (a <= b).then_some((a, b));
    }
    let p = Prefix::<A>::parse(text)?;
    (!aligned || p.is_aligned()).then(|| (p.first(), p.last()))
}

/// A subnet's address pools: inside the prefix, not overlapping (V4-052,
/// V6-062). `label` names the subnet for messages.
pub(crate) fn pools<A: IpAddress>(
    ctx: &Ctx,
    defs: &Defs,
    list: &[wire::Pool],
    path: &str,
    subnet: &Prefix<A>,
    label: &str,
) -> Result<Vec<Pool<A>>, ConfigError> {
    let mut out: Vec<Pool<A>> = Vec::with_capacity(list.len());
    for (i, p) in list.iter().enumerate() {
        let path = index(path, "pools", i);
        let text = p
            .pool
            .as_deref()
            .ok_or_else(|| ctx.invalid(&path, "pool entry needs a 'pool'"))?;
        let (start, end) = pool_range(text, ctx.profile().aligned_pool_prefix)
            .ok_or_else(|| ctx.invalid(&path, format!("invalid pool '{text}'")))?;
        if !subnet.contains(start) || !subnet.contains(end) {
            return Err(ctx.invalid(&path, format!("pool {text} is not inside subnet {label}")));
        }
        if let Some(other) = out.iter().find(|o| overlap((start, end), (o.start, o.end))) {
            return Err(ctx.invalid(
                &path,
                format!(
                    "pool {text} overlaps pool {}-{} of subnet {label}",
                    other.start, other.end
                ),
            ));
        }
        let base = pool_base(ctx, defs, &path, p.common())?;
        out.push(pool_parts!(assemble! { base => Pool { start, end, } }));
    }
    Ok(out)
}

pool_parts!(part_struct! {
    /// The parts of an address pool and a prefix pool both have.
    pub(crate) struct PoolBase;
});

/// The common parts of a `pools` or `pd-pools` entry at `path`.
pub(crate) fn pool_base(
    ctx: &Ctx,
    defs: &Defs,
    path: &str,
    p: wire::PoolView,
) -> Result<PoolBase, ConfigError> {
    Ok(PoolBase {
        pool_id: p.pool_id.unwrap_or(0),
        client_class: p.client_class.clone().filter(|c| !c.is_empty()),
        require_client_classes: p.require_client_classes.clone(),
        options: option_set(ctx, p.option_data, defs, Level::Normal, path)?,
        user_context: fold_comment(p.user_context.clone(), p.comment.clone()),
    })
}
