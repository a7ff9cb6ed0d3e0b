//! `subnet6` entries, their prefix pools and what members inherit from a
//! shared network (V6-003, V6-006, V6-052..V6-056, V6-063, V6-064, V6-069,
//! V6-127).

use std::net::Ipv6Addr;

use super::hosts::host_list;
use crate::addr::{mask, overlap, IpAddress, Prefix};
use crate::model::fields::{assemble, pool_parts, subnet_parts};
use crate::model::{AllocatorKind, Ipv6Prefix, PdPool, Subnet6, Triplet};
use crate::validate::ctx::{index, Ctx};
use crate::validate::fold_comment;
use crate::validate::lifetimes::optional_triplet;
use crate::validate::options::{option_set, Defs, Level};
use crate::validate::scope::{allocator, effective, merge_level};
use crate::validate::subnets::{
    pool_base, pools, relabel, relay, subnet_prefix, Env, Member, SubnetBuilder,
};
use crate::wire::{self, Scope6, ScopeParams};
use crate::ConfigError;

/// The longest IPv6 prefix.
const MAX_LEN: u8 = 128;

/// What a member subnet inherits from its shared network.
pub(crate) struct Network6 {
    index: usize,
    interface: Option<String>,
    interface_id: Option<String>,
    rapid_commit: Option<bool>,
    client_class: Option<String>,
    relay: Option<Vec<Ipv6Addr>>,
    scope: ScopeParams<Scope6>,
}

/// The inheritable values only DHCPv6 has, resolved for one effective scope.
pub(super) struct FamilyValues {
    preferred_lifetime: Option<Triplet>,
    pd_allocator: AllocatorKind,
}

/// Checks and converts the DHCPv6 inheritable values of one effective scope
/// (V6-006, V6-069).
pub(super) fn family_values(
    ctx: &Ctx,
    path: &str,
    s: &ScopeParams<Scope6>,
) -> Result<FamilyValues, ConfigError> {
    let f = &s.family;
    Ok(FamilyValues {
        preferred_lifetime: optional_triplet(
            ctx,
            path,
            "preferred-lifetime",
            [
                f.preferred_lifetime,
                f.min_preferred_lifetime,
                f.max_preferred_lifetime,
            ],
        )?,
        pd_allocator: allocator(ctx, path, "pd-allocator", f.pd_allocator.as_deref(), true)?,
    })
}

/// A text key where `""` means unset (Kea's example files write `""`).
fn non_empty(v: &Option<String>) -> Option<String> {
    v.clone().filter(|s| !s.is_empty())
}

/// `interface` and `interface-id` exclude each other at one scope (V6-055).
fn one_link_key(
    ctx: &Ctx,
    path: &str,
    owner: &str,
    interface: &Option<String>,
    interface_id: &Option<String>,
) -> Result<(), ConfigError> {
    match (non_empty(interface), non_empty(interface_id)) {
        (Some(_), Some(_)) => Err(ctx.invalid(
            path,
            format!("{owner}: 'interface' (a local link) and 'interface-id' (a relayed link) cannot both be set"),
        )),
        _ => Ok(()),
    }
}

impl SubnetBuilder for Env<'_, Scope6> {
    type Server = wire::Dhcp6;
    type Subnet = Subnet6;
    type Level = Network6;

    fn level(
        &self,
        index: usize,
        w: &wire::SharedNetwork6,
        path: &str,
        name: &str,
    ) -> Result<Network6, ConfigError> {
        let ctx = self.ctx;
        let owner = format!("shared network '{name}'");
        let scope = merge_level(self.ctx, path, &owner, w.scope(), &self.global);
        effective(ctx, path, &scope.common).map_err(|e| relabel(e, &owner))?;
        family_values(ctx, path, &scope).map_err(|e| relabel(e, &owner))?;
        one_link_key(ctx, path, &owner, &w.interface, &w.interface_id)?;
        Ok(Network6 {
            index,
            interface: non_empty(&w.interface),
            interface_id: non_empty(&w.interface_id),
            rapid_commit: w.rapid_commit,
            client_class: non_empty(&w.client_class),
            relay: relay(ctx, path, &owner, w.relay.as_ref())?,
            scope,
        })
    }

    fn subnet(
        &self,
        w: &wire::Subnet6,
        id: u32,
        path: &str,
        network: Option<&Network6>,
    ) -> Result<Subnet6, ConfigError> {
        let ctx = self.ctx;
        let (prefix, text) = subnet_prefix::<Ipv6Addr>(ctx, path, w.subnet.as_deref())?;
        let label = format!("id {id} ({text})");
        let owner = format!("subnet {label}");
        let parent = network.map_or(&self.global, |n| &n.scope);
        let s = merge_level(ctx, path, &owner, w.scope(), parent);
        let eff = effective(ctx, path, &s.common).map_err(|e| relabel(e, &owner))?;
        let fam = family_values(ctx, path, &s).map_err(|e| relabel(e, &owner))?;
        one_link_key(ctx, path, &owner, &w.interface, &w.interface_id)?;
        let inherited = |own: &Option<String>, net: fn(&Network6) -> &Option<String>| {
            non_empty(own).or_else(|| network.and_then(|n| net(n).clone()))
        };
        Ok(subnet_parts!(assemble! { eff => Subnet6 {
            id,
            prefix: prefix.addr,
            prefix_len: prefix.len,
            shared_network: network.map(|n| n.index),
            pools: pools(ctx, &self.defs, &w.pools, path, &prefix, &label)?,
            pd_pools: pd_pools(ctx, &self.defs, &w.pd_pools, path, &label)?,
            relay_addresses: relay(ctx, path, &format!("subnet {text}"), w.relay.as_ref())?
                .or_else(|| network.and_then(|n| n.relay.clone()))
                .unwrap_or_default(),
            interface: inherited(&w.interface, |n| &n.interface),
            interface_id: inherited(&w.interface_id, |n| &n.interface_id),
            rapid_commit: w
                .rapid_commit
                .or_else(|| network.and_then(|n| n.rapid_commit))
                .unwrap_or(false),
            client_class: inherited(&w.client_class, |n| &n.client_class),
            require_client_classes: w.require_client_classes.clone(),
            reservations: host_list(
                ctx,
                &w.reservations,
                path,
                &self.defs,
                Some((prefix, &label)),
                self.ip_unique,
            )?,
            options: option_set(ctx, &w.option_data, &self.defs, Level::Normal, path)?,
            preferred_lifetime: fam.preferred_lifetime,
            pd_allocator: fam.pd_allocator,
            user_context: fold_comment(w.user_context.clone(), w.comment.clone()),
            text,
        } }))
    }
}

impl Member for Subnet6 {
    fn text(&self) -> &str {
        &self.text
    }

    fn agreed(&self) -> Vec<(&'static str, Option<String>)> {
        vec![
            ("interfaces", self.interface.clone()),
            ("rapid-commit values", Some(self.rapid_commit.to_string())),
        ]
    }
}

/// A subnet's `pd-pools` (V6-063, V6-064): `prefix`, `prefix-len` and
/// `delegated-len` mandatory, the prefix written with its first address,
/// `delegated-len` in `prefix-len..=128`; `excluded-prefix` and its length
/// together, longer than `delegated-len` and sharing its first
/// `delegated-len` bits with the prefix; no two pools of one subnet
/// overlapping. A pool may lie outside the subnet's prefix.
fn pd_pools(
    ctx: &Ctx,
    defs: &Defs,
    list: &[wire::PdPool],
    path: &str,
    label: &str,
) -> Result<Vec<PdPool>, ConfigError> {
    let mut out: Vec<PdPool> = Vec::with_capacity(list.len());
    let mut ranges: Vec<(Ipv6Addr, Ipv6Addr)> = Vec::with_capacity(list.len());
    for (i, p) in list.iter().enumerate() {
        let path = index(path, "pd-pools", i);
        let mandatory = |key: &str| ctx.invalid(&path, format!("pd-pool needs a '{key}'"));
        let text = p.prefix.as_deref().ok_or_else(|| mandatory("prefix"))?;
        let len = p.prefix_len.ok_or_else(|| mandatory("prefix-len"))?;
        let delegated_len = p.delegated_len.ok_or_else(|| mandatory("delegated-len"))?;
        if !(1..=MAX_LEN).contains(&len) {
            return Err(ctx.invalid(&path, format!("prefix-len {len} is not in 1..128")));
        }
        let addr: Ipv6Addr = text
            .trim()
            .parse()
            .map_err(|_| ctx.invalid(&path, format!("invalid pd-pool prefix '{text}'")))?;
        let prefix = Prefix { addr, len };
        if !prefix.is_aligned() {
            return Err(ctx.invalid(
                &path,
                format!(
                    "pd-pool prefix {text} is not the first address of {}/{len}",
                    prefix.first()
                ),
            ));
        }
        if !(len..=MAX_LEN).contains(&delegated_len) {
            return Err(ctx.invalid(
                &path,
                format!("delegated-len {delegated_len} must be at least prefix-len {len} and at most 128"),
            ));
        }
        let range = (prefix.first(), prefix.last());
        if let Some(j) = ranges.iter().position(|&r| overlap(range, r)) {
            return Err(ctx.invalid(
                &path,
                format!(
                    "pd-pool {text}/{len} overlaps pd-pool {} of subnet {label}",
                    out[j].prefix
                ),
            ));
        }
        ranges.push(range);
        let excluded = excluded(ctx, &path, p, prefix, delegated_len)?;
        let base = pool_base(ctx, defs, &path, p.common())?;
        out.push(pool_parts!(assemble! { base => PdPool {
            prefix: prefix.into(),
            delegated_len,
            excluded,
        } }));
    }
    Ok(out)
}

/// A pd-pool's excluded prefix (V6-064).
fn excluded(
    ctx: &Ctx,
    path: &str,
    p: &wire::PdPool,
    prefix: Prefix<Ipv6Addr>,
    delegated_len: u8,
) -> Result<Option<Ipv6Prefix>, ConfigError> {
    let (text, len) = match (p.excluded_prefix.as_deref(), p.excluded_prefix_len) {
        (None, None) => return Ok(None),
        (Some(text), Some(len)) => (text, len),
        _ => {
            return Err(ctx.invalid(
                path,
                "excluded-prefix and excluded-prefix-len must be given together",
            ))
        }
    };
    let addr: Ipv6Addr = text
        .trim()
        .parse()
        .map_err(|_| ctx.invalid(path, format!("invalid excluded-prefix '{text}'")))?;
    if len <= delegated_len || len > MAX_LEN {
        return Err(ctx.invalid(
            path,
            format!("excluded-prefix-len {len} must be longer than delegated-len {delegated_len} and at most 128"),
        ));
    }
    let common = mask::<Ipv6Addr>(delegated_len);
    if addr.to_u128() & common != prefix.addr.to_u128() & common {
        return Err(ctx.invalid(
            path,
            format!("excluded prefix {text}/{len} must share its first {delegated_len} bits with the pd-pool prefix {}/{}", prefix.addr, prefix.len),
        ));
    }
    Ok(Some(Ipv6Prefix { addr, len }))
}
