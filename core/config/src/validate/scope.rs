//! The inheritable values both servers have (lifetimes, timers, caching,
//! reservation modes, allocator, DDNS behaviour), resolved and checked for one
//! effective scope (V4-003, V4-055, V4-062..V4-065, V4-144, V4-146, V4-151;
//! V6-003, V6-069, V6-080, V6-082, V6-167, V6-170, V6-175).

use super::ctx::Ctx;
use super::kea22;
use super::lifetimes::triplet;
use crate::model::fields::{part_struct, subnet_parts};
use crate::model::{AllocatorKind, ConflictResolutionMode, DdnsParams, ReplaceClientName};
use crate::wire::{self, CommonScope, Inherit, ReplaceName, ScopeParams};
use crate::ConfigError;

/// Built-in `valid-lifetime` (dhcp4 spec §26 #1, dhcp6 spec §25 #2: Kea's
/// code, not the ARM prose).
const DEFAULT_VALID_LIFETIME: u32 = 7200;
/// Built-in `hostname-char-set` (dhcp4 spec §26 #2, dhcp6 spec §25 #4).
const DEFAULT_HOSTNAME_CHAR_SET: &str = "[^A-Za-z0-9.-]";

/// The global level both builds inherit from: the top-level map's own
/// parameters with Kea 2.2's DDNS keys of `dhcp-ddns` moved in (`raw`
/// changed the same way), checked like any scope (V4-003, V6-003).
pub(crate) fn global_scope<F: Inherit + Default>(
    ctx: &Ctx,
    mut own: ScopeParams<F>,
    ddns: Option<&wire::DhcpDdns>,
    raw: &mut serde_json::Value,
) -> Result<ScopeParams<F>, ConfigError> {
    kea22::ddns_into_global(ctx, ddns, &mut own.common, raw);
    let global = merge(own, &ScopeParams::default());
    effective(ctx, ctx.profile().root, &global.common)?;
    Ok(global)
}

/// A shared network's or subnet's own parameters over its parent's already
/// merged ones (V4-003, V6-003). Its own `renew-timer` above its own
/// `rebind-timer` is accepted with Kea 2.7.3's warning (V6-081): T1 is then
/// not sent (V4-063, V6-079). Kea 2.2 refused it.
pub(crate) fn merge_level<F: Inherit>(
    ctx: &Ctx,
    path: &str,
    owner: &str,
    own: ScopeParams<F>,
    parent: &ScopeParams<F>,
) -> ScopeParams<F> {
    if let (Some(t1), Some(t2)) = (own.common.renew_timer, own.common.rebind_timer) {
        if t1 > t2 {
            ctx.warn(
                path,
                format!("DHCPSRV_CFGMGR_RENEW_GTR_REBIND in {owner}, the value of renew-timer {t1} is greater than the value of rebind-timer {t2}, ignoring renew-timer"),
            );
        }
    }
    merge(own, parent)
}

/// A scope's own parameters over its parent's already merged ones (V4-003,
/// V6-003).
pub(crate) fn merge<F: Inherit>(
    mut own: ScopeParams<F>,
    parent: &ScopeParams<F>,
) -> ScopeParams<F> {
    own.common = normalized(own.common);
    own.or(parent)
}

/// The legacy `ddns-use-conflict-resolution` boolean becomes a mode at the
/// scope where it is written (V4-151, V6-175), before falling back to the
/// wider scope, so a narrower boolean beats a wider mode.
fn normalized(mut s: CommonScope) -> CommonScope {
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

subnet_parts!(part_struct! {
    /// The inheritable values both families have, resolved and checked for
    /// one effective scope (the global level, every shared network and subnet).
    pub(crate) struct Effective;
});

/// Checks and converts the common inheritable values of one effective scope
/// (`s` already falls back to the wider scopes).
pub(crate) fn effective(ctx: &Ctx, path: &str, s: &CommonScope) -> Result<Effective, ConfigError> {
    let valid_lifetime = triplet(
        ctx,
        path,
        "valid-lifetime",
        [s.valid_lifetime, s.min_valid_lifetime, s.max_valid_lifetime],
        DEFAULT_VALID_LIFETIME,
    )?;
    let profile = ctx.profile();
    let calculate_tee_times = s.calculate_tee_times.unwrap_or(profile.calculate_tee_times);
    let t1_percent = s.t1_percent.unwrap_or(0.5);
    let t2_percent = s.t2_percent.unwrap_or(profile.t2_percent);
    // V4-064, V6-080: Kea checks the percents only when it computes the timers.
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
    let allocator = allocator(
        ctx,
        path,
        "allocator",
        s.allocator.as_deref(),
        profile.address_flq,
    )?;
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
        renew_timer: s.renew_timer,
        rebind_timer: s.rebind_timer,
        calculate_tee_times,
        t1_percent,
        t2_percent,
        cache_threshold: s.cache_threshold,
        cache_max_age: s.cache_max_age,
        reservations_global: s.reservations_global.unwrap_or(false),
        reservations_in_subnet: s.reservations_in_subnet.unwrap_or(true),
        reservations_out_of_pool: s.reservations_out_of_pool.unwrap_or(false),
        store_extended_info: s.store_extended_info.unwrap_or(false),
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

/// An `allocator` or `pd-allocator` value; `flq` only where the family's
/// pools support it (DHCPv6 refuses it for addresses, V6-069).
pub(crate) fn allocator(
    ctx: &Ctx,
    path: &str,
    key: &str,
    value: Option<&str>,
    flq: bool,
) -> Result<AllocatorKind, ConfigError> {
    match value {
        None | Some("iterative") => Ok(AllocatorKind::Iterative),
        Some("random") => Ok(AllocatorKind::Random),
        Some("flq") if flq => Ok(AllocatorKind::Flq),
        Some("flq") => Err(ctx.invalid(
            path,
            format!("{key} 'flq' is not supported for IPv6 address pools: use iterative or random"),
        )),
        Some(other) => Err(ctx.invalid(
            path,
            format!("{key} '{other}' is not supported: use iterative, random or flq"),
        )),
    }
}
