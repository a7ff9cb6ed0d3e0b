//! The global keys both servers have with the same meaning, resolved once
//! for either model (defaults: dhcp4 spec §25, dhcp6 spec §24).

use ruru_proto::defs::OptionDefs;

use super::options::{option_set, Defs, Level};
use super::{fold_comment, services, Ctx};
use crate::model::fields::{config_parts, part_struct};
use crate::model::HostIdType;
use crate::{wire, ConfigError};

config_parts!(part_struct! {
    /// The resolved global values both models hold.
    pub(crate) struct Globals;
});

/// `ip-reservations-unique` (V4-089, V6-113), needed before the reservations are built.
pub(crate) fn ip_reservations_unique(g: wire::GlobalsView) -> bool {
    g.ip_reservations_unique.unwrap_or(true)
}

/// Resolves the shared global keys; `option_defs` are the definitions
/// (standard and global `option-def`), `raw` is the top-level map as read,
/// for `config-control` (kept as written: configuration backends are not
/// built).
pub(crate) fn globals(
    ctx: &Ctx,
    g: wire::GlobalsView,
    option_defs: OptionDefs,
    raw: &serde_json::Value,
) -> Result<Globals, ConfigError> {
    let defs = Defs {
        registry: &option_defs,
        local: &[],
    };
    Ok(Globals {
        options: option_set(ctx, g.option_data, &defs, Level::Normal, ctx.profile().root)?,
        ip_reservations_unique: ip_reservations_unique(g),
        decline_probation_period: g.decline_probation_period.unwrap_or(86400),
        parked_packet_limit: g.parked_packet_limit.unwrap_or(256),
        early_global_reservations_lookup: g.early_global_reservations_lookup.unwrap_or(false),
        reservations_lookup_first: g.reservations_lookup_first.unwrap_or(false),
        lease_database: services::lease_database(ctx, g.lease_database.as_ref())?,
        hosts_databases: services::hosts_databases(
            ctx,
            g.hosts_database.as_ref(),
            g.hosts_databases,
        )?,
        expired_leases: services::expired_leases(g.expired_leases_processing.as_ref()),
        multi_threading: services::multi_threading(g.multi_threading.as_ref()),
        dhcp_queue_control: services::queue_control(ctx, g.dhcp_queue_control.as_ref())?,
        dhcp_ddns: services::dhcp_ddns(ctx, g.dhcp_ddns.as_ref())?,
        sanity_checks: services::sanity_checks(ctx, g.sanity_checks.as_ref())?,
        hooks_libraries: services::hooks(ctx, g.hooks_libraries)?,
        control_sockets: services::control_sockets(
            ctx,
            g.control_socket.as_ref(),
            g.control_sockets,
        )?,
        loggers: services::loggers(ctx, g.loggers)?,
        server_tag: g.server_tag.clone(),
        statistic_default_sample_count: g.statistic_default_sample_count.unwrap_or(20),
        statistic_default_sample_age: g.statistic_default_sample_age.unwrap_or(0),
        dhcp4o6_port: g.dhcp4o6_port.unwrap_or(0),
        config_control: raw.get("config-control").cloned(),
        user_context: fold_comment(g.user_context.clone(), g.comment.clone()),
        option_defs,
    })
}

/// `host-reservation-identifiers`: the family's default when absent; an empty
/// list is refused, as Kea's grammar refuses it (V4-090, V6-114).
pub(crate) fn host_identifiers(
    ctx: &Ctx,
    list: Option<Vec<HostIdType>>,
) -> Result<Vec<HostIdType>, ConfigError> {
    match list {
        None => Ok(ctx.profile().host_identifiers.to_vec()),
        Some(l) if l.is_empty() => Err(ctx.invalid(
            &ctx.path("host-reservation-identifiers"),
            "host-reservation-identifiers must not be empty",
        )),
        Some(l) => Ok(l),
    }
}
