//! Subnets, pools and shared networks with scope inheritance resolved
//! (V4-003..V4-005, V4-047, V4-051..V4-055, V4-062, V4-064, V4-065,
//! V4-074, V4-099, V4-101, V4-144, V4-151).

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;

use super::ctx::{index, join, Ctx};
use super::hosts::hosts;
use super::options::{option_set, Defs, Level};
use super::subnet_ids::SubnetIds;
use super::{fold_comment, parse_ipv4};
use crate::model::{
    prefix_mask, AllocatorKind, ConflictResolutionMode, DdnsParams, Pool4, ReplaceClientName,
    SharedNetwork4, Subnet4, Triplet,
};
use crate::wire::{self, ReplaceName, ScopeParams};
use crate::ConfigError;

/// Built-in `valid-lifetime` (spec §26 #1: Kea's code, not the ARM prose).
const DEFAULT_VALID_LIFETIME: u32 = 7200;
/// Built-in `hostname-char-set` (spec §26 #2).
const DEFAULT_HOSTNAME_CHAR_SET: &str = "[^A-Za-z0-9.-]";

/// What every subnet needs from the global level.
pub(crate) struct SubnetEnv<'a> {
    pub(crate) ctx: &'a Ctx<'a>,
    pub(crate) defs: Defs<'a>,
    pub(crate) global: ScopeParams,
    pub(crate) ip_unique: bool,
}

/// The legacy `ddns-use-conflict-resolution` boolean becomes a mode at the
/// scope where it is written (V4-151).
fn normalized(mut s: ScopeParams) -> ScopeParams {
    if s.ddns_conflict_resolution_mode.is_none() {
        s.ddns_conflict_resolution_mode = s.ddns_use_conflict_resolution.map(|b| {
            if b {
                ConflictResolutionMode::CheckWithDhcid
            } else {
                ConflictResolutionMode::NoCheckWithDhcid
            }
        });
    }
    s
}

/// `a.b.c.d/len` (the address may have host bits set, V4-005).
pub(crate) fn parse_prefix(text: &str) -> Option<(Ipv4Addr, u8)> {
    let (addr, len) = text.trim().split_once('/')?;
    let len: u8 = len.trim().parse().ok().filter(|l| *l <= 32)?;
    Some((addr.trim().parse().ok()?, len))
}

/// `"a - b"` (spaces optional) or `"prefix/len"` (V4-051).
fn parse_pool_range(text: &str) -> Option<(Ipv4Addr, Ipv4Addr)> {
    if let Some((a, b)) = text.split_once('-') {
        let (a, b): (Ipv4Addr, Ipv4Addr) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
        return (a <= b).then_some((a, b));
    }
    let (addr, len) = parse_prefix(text)?;
    let mask = prefix_mask(len);
    let start = u32::from(addr) & mask;
    Some((Ipv4Addr::from(start), Ipv4Addr::from(start | !mask)))
}

/// The lifetime triplet from effective values, checked min <= default <= max (V4-062).
pub(crate) fn triplet(
    ctx: &Ctx,
    path: &str,
    valid: Option<u32>,
    min: Option<u32>,
    max: Option<u32>,
) -> Result<Triplet, ConfigError> {
    let default = valid.unwrap_or(DEFAULT_VALID_LIFETIME);
    let t = Triplet {
        min: min.unwrap_or(default),
        default,
        max: max.unwrap_or(default),
    };
    if t.default < t.min {
        let msg = format!(
            "valid-lifetime ({}) is less than min-valid-lifetime ({})",
            t.default, t.min
        );
        return Err(ctx.invalid(path, msg));
    }
    // With min <= default, this also covers min > max.
    if t.default > t.max {
        let msg = format!(
            "valid-lifetime ({}) is greater than max-valid-lifetime ({})",
            t.default, t.max
        );
        return Err(ctx.invalid(path, msg));
    }
    Ok(t)
}

/// The scope-level rules on effective values, checked for the global level
/// and every subnet.
pub(crate) struct Effective {
    pub(crate) valid_lifetime: Triplet,
    pub(crate) calculate_tee_times: bool,
    pub(crate) t1_percent: f64,
    pub(crate) t2_percent: f64,
    pub(crate) allocator: AllocatorKind,
    pub(crate) ddns: DdnsParams,
}

/// Checks and converts the inheritable values of one effective scope.
pub(crate) fn effective(ctx: &Ctx, path: &str, s: &ScopeParams) -> Result<Effective, ConfigError> {
    let valid_lifetime = triplet(
        ctx,
        path,
        s.valid_lifetime,
        s.min_valid_lifetime,
        s.max_valid_lifetime,
    )?;
    if let (Some(t1), Some(t2)) = (s.renew_timer, s.rebind_timer) {
        if t1 > t2 {
            return Err(ctx.invalid(
                path,
                format!("renew-timer ({t1}) is greater than rebind-timer ({t2})"),
            ));
        }
    }
    let calculate_tee_times = s.calculate_tee_times.unwrap_or(false);
    let t1_percent = s.t1_percent.unwrap_or(0.5);
    let t2_percent = s.t2_percent.unwrap_or(0.875);
    // V4-064: Kea checks the percents only when it computes the timers.
    if calculate_tee_times {
        for (name, v) in [("t1-percent", t1_percent), ("t2-percent", t2_percent)] {
            if !(v > 0.0 && v < 1.0) {
                return Err(ctx.invalid(
                    path,
                    format!("{name} {v} is invalid: it must be greater than 0 and less than 1"),
                ));
            }
        }
        if t1_percent >= t2_percent {
            return Err(ctx.invalid(
                path,
                format!("t1-percent {t1_percent} must be less than t2-percent {t2_percent}"),
            ));
        }
    }
    if let Some(c) = s.cache_threshold {
        if !(c > 0.0 && c < 1.0) {
            return Err(ctx.invalid(
                path,
                format!(
                    "cache-threshold {c} is invalid: it must be greater than 0 and less than 1"
                ),
            ));
        }
    }
    let allocator = match s.allocator.as_deref() {
        None | Some("iterative") => AllocatorKind::Iterative,
        Some("random") => AllocatorKind::Random,
        Some("flq") => AllocatorKind::Flq,
        Some(other) => {
            return Err(ctx.invalid(
                path,
                format!("allocator '{other}' is not supported: use iterative, random or flq"),
            ))
        }
    };
    let replace_client_name = match &s.ddns_replace_client_name {
        None => ReplaceClientName::Never,
        Some(ReplaceName::Mode(m)) => *m,
        Some(ReplaceName::Bool(b)) => {
            return Err(ctx.invalid(
                path,
                format!("ddns-replace-client-name {b}: boolean values are not supported, use never, always, when-present or when-not-present"),
            ))
        }
    };
    if let Some(set) = s.hostname_char_set.as_deref() {
        if let Err(e) = regex::Regex::new(set) {
            return Err(ctx.invalid(
                path,
                format!("hostname-char-set '{set}' is not a valid regular expression: {e}"),
            ));
        }
    }
    if let Some(p) = s.ddns_ttl_percent {
        if p.is_nan() || p <= 0.0 {
            return Err(ctx.invalid(
                path,
                format!("ddns-ttl-percent {p} is invalid: it must be greater than 0"),
            ));
        }
    }
    Ok(Effective {
        valid_lifetime,
        calculate_tee_times,
        t1_percent,
        t2_percent,
        allocator,
        ddns: DdnsParams {
            send_updates: s.ddns_send_updates.unwrap_or(true),
            override_no_update: s.ddns_override_no_update.unwrap_or(false),
            override_client_update: s.ddns_override_client_update.unwrap_or(false),
            replace_client_name,
            generated_prefix: s
                .ddns_generated_prefix
                .clone()
                .unwrap_or_else(|| "myhost".into()),
            qualifying_suffix: s.ddns_qualifying_suffix.clone().unwrap_or_default(),
            update_on_renew: s.ddns_update_on_renew.unwrap_or(false),
            conflict_resolution_mode: s
                .ddns_conflict_resolution_mode
                .unwrap_or(ConflictResolutionMode::CheckWithDhcid),
            ttl_percent: s.ddns_ttl_percent,
            hostname_char_set: s
                .hostname_char_set
                .clone()
                .unwrap_or_else(|| DEFAULT_HOSTNAME_CHAR_SET.into()),
            hostname_char_replacement: s.hostname_char_replacement.clone().unwrap_or_default(),
        },
    })
}

/// The shared-network level a member subnet inherits from.
struct NetworkLevel<'a> {
    index: usize,
    wire: &'a wire::SharedNetwork4,
    relay: Option<Vec<Ipv4Addr>>,
}

/// `relay.ip-addresses`, mandatory inside `relay` (V4-047). Kea 2.2's
/// single `ip-address` is taken as a one-address list, with a warning, as
/// 2.2 reads it; 2.2's grammar takes exactly one of the two keys. `owner`
/// names the subnet or shared network for messages.
fn relay(
    ctx: &Ctx,
    path: &str,
    owner: &str,
    r: Option<&wire::Relay>,
) -> Result<Option<Vec<Ipv4Addr>>, ConfigError> {
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
        .map(|a| parse_ipv4(ctx, &path, key, a))
        .collect::<Result<_, _>>()
        .map(Some)
}

/// Builds one subnet with its checked `id`; `parent` is the effective parent
/// scope (network then global).
fn subnet(
    env: &SubnetEnv,
    w: &wire::Subnet4,
    id: u32,
    path: &str,
    parent: &ScopeParams,
    network: Option<&NetworkLevel>,
) -> Result<Subnet4, ConfigError> {
    let ctx = env.ctx;
    let text = w
        .subnet
        .clone()
        .ok_or_else(|| ctx.invalid(path, "subnet4 entry needs a 'subnet' prefix"))?;
    let (prefix, prefix_len) = parse_prefix(&text)
        .ok_or_else(|| ctx.invalid(path, format!("invalid subnet prefix '{text}'")))?;
    let label = format!("id {id} ({text})");
    let s = normalized(w.scope()).or(parent);
    let eff = effective(ctx, path, &s).map_err(|e| relabel(e, &format!("subnet {label}")))?;
    let mask = prefix_mask(prefix_len);
    let contains = move |a: Ipv4Addr| u32::from(a) & mask == u32::from(prefix) & mask;
    let pools = pools(env, w, path, &contains, &label)?;
    let own_relay = relay(ctx, path, &format!("subnet {text}"), w.relay.as_ref())?;
    Ok(Subnet4 {
        id,
        prefix,
        prefix_len,
        text,
        shared_network: network.map(|n| n.index),
        pools,
        relay_addresses: own_relay
            .or_else(|| network.and_then(|n| n.relay.clone()))
            .unwrap_or_default(),
        interface: w
            .interface
            .clone()
            .or_else(|| network.and_then(|n| n.wire.interface.clone())),
        client_class: w
            .client_class
            .clone()
            .or_else(|| network.and_then(|n| n.wire.client_class.clone())),
        require_client_classes: w.require_client_classes.clone(),
        reservations: hosts(
            ctx,
            &w.reservations,
            path,
            &env.defs,
            Some((&contains, &label)),
            env.ip_unique,
        )?,
        options: option_set(ctx, &w.option_data, &env.defs, Level::Normal, path)?,
        valid_lifetime: eff.valid_lifetime,
        renew_timer: s.renew_timer,
        rebind_timer: s.rebind_timer,
        calculate_tee_times: eff.calculate_tee_times,
        t1_percent: eff.t1_percent,
        t2_percent: eff.t2_percent,
        match_client_id: s.match_client_id.unwrap_or(true),
        authoritative: s.authoritative.unwrap_or(false),
        reservations_global: s.reservations_global.unwrap_or(false),
        reservations_in_subnet: s.reservations_in_subnet.unwrap_or(true),
        reservations_out_of_pool: s.reservations_out_of_pool.unwrap_or(false),
        cache_threshold: s.cache_threshold,
        cache_max_age: s.cache_max_age,
        allocator: eff.allocator,
        offer_lifetime: s.offer_lifetime.unwrap_or(0),
        next_server: fixed_ipv4(ctx, path, &s)?,
        server_hostname: s.server_hostname.clone().unwrap_or_default(),
        boot_file_name: s.boot_file_name.clone().unwrap_or_default(),
        store_extended_info: s.store_extended_info.unwrap_or(false),
        ddns: eff.ddns,
        dhcp4o6_interface: w.dhcp4o6_interface.clone(),
        dhcp4o6_interface_id: w.dhcp4o6_interface_id.clone(),
        dhcp4o6_subnet: dhcp4o6_subnet(ctx, path, w.dhcp4o6_subnet.as_deref())?,
        user_context: fold_comment(w.user_context.clone(), w.comment.clone()),
    })
}

/// Prefixes an `Invalid` message with what it concerns (`subnet 10.0.0.0/8`, `shared network 'x'`),
/// so the user sees which one.
fn relabel(e: ConfigError, what: &str) -> ConfigError {
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

/// Effective `next-server` (`""` written at a scope means "inherit", V4-075).
fn fixed_ipv4(ctx: &Ctx, path: &str, s: &ScopeParams) -> Result<Ipv4Addr, ConfigError> {
    match s.next_server.as_deref() {
        None => Ok(Ipv4Addr::UNSPECIFIED),
        Some(a) => parse_ipv4(ctx, path, "next-server", a),
    }
}

fn dhcp4o6_subnet(
    ctx: &Ctx,
    path: &str,
    text: Option<&str>,
) -> Result<Option<(std::net::Ipv6Addr, u8)>, ConfigError> {
    let Some(text) = text else { return Ok(None) };
    let parsed = text.split_once('/').and_then(|(a, l)| {
        let len: u8 = l.parse().ok().filter(|l| *l <= 128)?;
        Some((a.parse().ok()?, len))
    });
    parsed
        .map(Some)
        .ok_or_else(|| ctx.invalid(path, format!("invalid 4o6-subnet '{text}'")))
}

/// A subnet's pools: inside the prefix, not overlapping (V4-051, V4-052).
fn pools(
    env: &SubnetEnv,
    w: &wire::Subnet4,
    path: &str,
    contains: &dyn Fn(Ipv4Addr) -> bool,
    label: &str,
) -> Result<Vec<Pool4>, ConfigError> {
    let ctx = env.ctx;
    let mut out: Vec<Pool4> = Vec::with_capacity(w.pools.len());
    for (i, p) in w.pools.iter().enumerate() {
        let path = index(path, "pools", i);
        let text = p
            .pool
            .as_deref()
            .ok_or_else(|| ctx.invalid(&path, "pool entry needs a 'pool'"))?;
        let (start, end) = parse_pool_range(text)
            .ok_or_else(|| ctx.invalid(&path, format!("invalid pool '{text}'")))?;
        if !contains(start) || !contains(end) {
            return Err(ctx.invalid(&path, format!("pool {text} is not inside subnet {label}")));
        }
        if let Some(other) = out.iter().find(|o| start <= o.end && o.start <= end) {
            return Err(ctx.invalid(
                &path,
                format!(
                    "pool {text} overlaps pool {}-{} of subnet {label}",
                    other.start, other.end
                ),
            ));
        }
        out.push(Pool4 {
            start,
            end,
            pool_id: p.pool_id.unwrap_or(0),
            client_class: p.client_class.clone(),
            require_client_classes: p.require_client_classes.clone(),
            options: option_set(ctx, &p.option_data, &env.defs, Level::Normal, &path)?,
            user_context: fold_comment(p.user_context.clone(), p.comment.clone()),
        });
    }
    Ok(out)
}

/// All subnets (plain ones and network members, in the order their lists
/// appear) with their `ids`, and the shared networks.
pub(crate) fn subnets_and_networks(
    env: &SubnetEnv,
    g: &wire::Dhcp4,
    ids: &SubnetIds,
    networks_first: bool,
) -> Result<(Vec<Subnet4>, Vec<SharedNetwork4>), ConfigError> {
    let ctx = env.ctx;
    let global = normalized(env.global.clone());
    let mut subnets = Vec::new();
    let mut paths = Vec::new();
    let mut networks = Vec::new();
    let mut names = HashSet::new();
    let plain = |subnets: &mut Vec<Subnet4>, paths: &mut Vec<String>| -> Result<(), ConfigError> {
        for ((i, w), &id) in g.subnet4.iter().enumerate().zip(&ids.plain) {
            let path = index("Dhcp4", "subnet4", i);
            subnets.push(subnet(env, w, id, &path, &global, None)?);
            paths.push(path);
        }
        Ok(())
    };
    if !networks_first {
        plain(&mut subnets, &mut paths)?;
    }
    for ((n, w), member_ids) in g.shared_networks.iter().enumerate().zip(&ids.members) {
        let path = index("Dhcp4", "shared-networks", n);
        let name = w
            .name
            .clone()
            .ok_or_else(|| ctx.invalid(&path, "shared network needs a 'name'"))?;
        if !names.insert(name.clone()) {
            return Err(ctx.invalid(&path, format!("duplicate shared network name '{name}'")));
        }
        let level = NetworkLevel {
            index: networks.len(),
            wire: w,
            relay: relay(
                ctx,
                &path,
                &format!("shared network '{name}'"),
                w.relay.as_ref(),
            )?,
        };
        let scope = normalized(w.scope()).or(&global);
        effective(ctx, &path, &scope)
            .map_err(|e| relabel(e, &format!("shared network '{name}'")))?;
        let mut members = Vec::with_capacity(w.subnet4.len());
        for ((i, sw), &id) in w.subnet4.iter().enumerate().zip(member_ids) {
            let sub_path = index(&path, "subnet4", i);
            members.push(subnets.len());
            subnets.push(subnet(env, sw, id, &sub_path, &scope, Some(&level))?);
            paths.push(sub_path);
        }
        check_members_agree(ctx, &path, &name, &subnets, &members)?;
        networks.push(SharedNetwork4 {
            name,
            subnets: members,
            options: option_set(ctx, &w.option_data, &env.defs, Level::Normal, &path)?,
            require_client_classes: w.require_client_classes.clone(),
            user_context: fold_comment(w.user_context.clone(), w.comment.clone()),
        });
    }
    if networks_first {
        plain(&mut subnets, &mut paths)?;
    }
    check_unique_prefixes(ctx, &subnets, &paths)?;
    Ok((subnets, networks))
}

/// Members of a network share one `interface` (V4-101) and one `authoritative` (V4-074).
fn check_members_agree(
    ctx: &Ctx,
    path: &str,
    name: &str,
    subnets: &[Subnet4],
    members: &[usize],
) -> Result<(), ConfigError> {
    let mut first: Option<&Subnet4> = None;
    for s in members.iter().filter_map(|&i| subnets.get(i)) {
        let Some(f) = first else {
            first = Some(s);
            continue;
        };
        if f.interface != s.interface {
            return Err(ctx.invalid(
                path,
                format!(
                    "shared network '{name}': subnets {} and {} use different interfaces ({:?} vs {:?})",
                    f.text, s.text, f.interface, s.interface
                ),
            ));
        }
        if f.authoritative != s.authoritative {
            return Err(ctx.invalid(
                path,
                format!(
                    "shared network '{name}': subnets {} and {} have different authoritative values",
                    f.text, s.text
                ),
            ));
        }
    }
    Ok(())
}

/// The same prefix text twice is an error (V4-005); ids are checked by
/// `subnet_ids` (V4-004).
fn check_unique_prefixes(
    ctx: &Ctx,
    subnets: &[Subnet4],
    paths: &[String],
) -> Result<(), ConfigError> {
    let mut texts: HashMap<&str, &str> = HashMap::new();
    for (s, path) in subnets.iter().zip(paths) {
        if let Some(prev) = texts.insert(s.text.as_str(), path) {
            return Err(ctx.invalid(
                path,
                format!("subnet {} is already defined at {prev}", s.text),
            ));
        }
    }
    Ok(())
}
