//! Stage 3: validation of the wire structs into the runtime [`Dhcp4Config`].
//!
//! Pure: nothing here opens a file, socket, interface or database.

mod classes;
mod ctx;
mod hosts;
mod kea22;
mod options;
mod services;
mod subnet_ids;
mod subnets;

use std::net::Ipv4Addr;

use crate::model::{Dhcp4Config, HostIdType, Map};
use crate::reader::{Node, NodeValue};
use crate::{wire, ConfigError};
pub(crate) use ctx::Ctx;
use options::{Defs, Level};

/// `user-context` with `comment` folded in as `user-context.comment` (V4-006).
pub(crate) fn fold_comment(user_context: Option<Map>, comment: Option<String>) -> Option<Map> {
    match comment {
        None => user_context,
        Some(c) => {
            let mut m = user_context.unwrap_or_default();
            m.insert("comment".into(), serde_json::Value::String(c));
            Some(m)
        }
    }
}

/// An IPv4 address written for `key` of the item at `path`.
pub(crate) fn parse_ipv4(
    ctx: &Ctx,
    path: &str,
    key: &str,
    text: &str,
) -> Result<Ipv4Addr, ConfigError> {
    text.trim()
        .parse()
        .map_err(|_| ctx.invalid(path, format!("invalid IPv4 address '{text}' for {key}")))
}

/// An optional IPv4 address.
pub(crate) fn opt_ipv4(
    ctx: &Ctx,
    path: &str,
    key: &str,
    text: Option<&str>,
) -> Result<Option<Ipv4Addr>, ConfigError> {
    text.map(|t| parse_ipv4(ctx, path, key, t)).transpose()
}

/// The raw `Dhcp4` map as `config-get` shows it: every `comment` moved into
/// its map's `user-context` (V4-006), open maps left verbatim.
pub(crate) fn fold_raw(v: &mut serde_json::Value) {
    let serde_json::Value::Object(m) = v else {
        if let serde_json::Value::Array(items) = v {
            items.iter_mut().for_each(fold_raw);
        }
        return;
    };
    if let Some(serde_json::Value::String(c)) = m.get("comment").cloned() {
        m.remove("comment");
        let uc = m
            .entry("user-context")
            .or_insert_with(|| serde_json::Value::Object(Map::new()));
        if let serde_json::Value::Object(uc) = uc {
            uc.insert("comment".into(), serde_json::Value::String(c));
        }
    }
    for (k, child) in m.iter_mut() {
        if !matches!(
            k.as_str(),
            "user-context" | "parameters" | "dhcp-queue-control"
        ) {
            fold_raw(child);
        }
    }
}

/// Whether `a` is written before `b` in the `Dhcp4` map (subnet order, V4-049).
fn written_before(dhcp4: Option<&Node>, a: &str, b: &str) -> bool {
    let Some(NodeValue::Object(entries)) = dhcp4.map(|n| &n.value) else {
        return false;
    };
    let pos = |k: &str| entries.iter().position(|e| e.key == k);
    matches!((pos(a), pos(b)), (Some(x), Some(y)) if x < y)
}

/// Builds the runtime model from the strict wire struct; `node` is the
/// positioned `Dhcp4` map for error positions, `raw` the map as read. Kea 2.2
/// forms accepted on the way are listed in `warnings` and shown in `raw` in
/// their 2.7 form, as Kea 2.2's `config-get` shows them.
pub(crate) fn build(
    w: &wire::Dhcp4,
    node: Option<&Node>,
    mut raw: serde_json::Value,
) -> Result<Dhcp4Config, ConfigError> {
    let ctx = Ctx::new(node);
    fold_raw(&mut raw);
    let option_defs = options::global_defs(&ctx, &w.option_def)?;
    let mut global_scope = w.scope();
    kea22::ddns_into_global(&ctx, w.dhcp_ddns.as_ref(), &mut global_scope, &mut raw);
    subnets::effective(&ctx, "Dhcp4", &global_scope)?;
    let defs = Defs {
        registry: &option_defs,
        local: &[],
    };
    let ip_reservations_unique = w.ip_reservations_unique.unwrap_or(true);
    let client_classes = classes::client_classes(&ctx, &w.client_classes, &option_defs)?;
    let env = subnets::SubnetEnv {
        ctx: &ctx,
        defs: Defs {
            registry: &option_defs,
            local: &[],
        },
        global: global_scope,
        ip_unique: ip_reservations_unique,
    };
    let networks_first = written_before(node, "shared-networks", "subnet4");
    let ids = subnet_ids::subnet_ids(&ctx, w)?;
    let (subnets, shared_networks) = subnets::subnets_and_networks(&env, w, &ids, networks_first)?;
    ids.write_into(&mut raw);
    kea22::relay_in_raw(&mut raw);
    let mut config = Dhcp4Config {
        interfaces: services::interfaces(&ctx, w.interfaces_config.as_ref())?,
        subnets,
        shared_networks,
        global_reservations: hosts::hosts(
            &ctx,
            &w.reservations,
            "Dhcp4",
            &defs,
            None,
            ip_reservations_unique,
        )?,
        host_reservation_identifiers: w.host_reservation_identifiers.clone().unwrap_or_else(|| {
            vec![
                HostIdType::HwAddress,
                HostIdType::Duid,
                HostIdType::CircuitId,
                HostIdType::ClientId,
            ]
        }),
        options: options::option_set(&ctx, &w.option_data, &defs, Level::Normal, "Dhcp4")?,
        client_classes,
        decline_probation_period: w.decline_probation_period.unwrap_or(86400),
        echo_client_id: w.echo_client_id.unwrap_or(true),
        parked_packet_limit: w.parked_packet_limit.unwrap_or(256),
        early_global_reservations_lookup: w.early_global_reservations_lookup.unwrap_or(false),
        reservations_lookup_first: w.reservations_lookup_first.unwrap_or(false),
        ip_reservations_unique,
        stash_agent_options: w.stash_agent_options.unwrap_or(false),
        lease_database: services::lease_database(&ctx, w.lease_database.as_ref())?,
        hosts_databases: services::hosts_databases(
            &ctx,
            w.hosts_database.as_ref(),
            &w.hosts_databases,
        )?,
        expired_leases: services::expired_leases(w.expired_leases_processing.as_ref()),
        multi_threading: services::multi_threading(w.multi_threading.as_ref()),
        dhcp_queue_control: services::queue_control(&ctx, w.dhcp_queue_control.as_ref())?,
        dhcp_ddns: services::dhcp_ddns(&ctx, w.dhcp_ddns.as_ref())?,
        sanity_checks: services::sanity_checks(&ctx, w.sanity_checks.as_ref())?,
        compatibility: services::compatibility(w.compatibility.as_ref()),
        hooks_libraries: services::hooks(&ctx, &w.hooks_libraries)?,
        control_sockets: services::control_sockets(
            &ctx,
            w.control_socket.as_ref(),
            &w.control_sockets,
        )?,
        loggers: services::loggers(&ctx, &w.loggers)?,
        server_tag: w.server_tag.clone(),
        statistic_default_sample_count: w.statistic_default_sample_count.unwrap_or(20),
        statistic_default_sample_age: w.statistic_default_sample_age.unwrap_or(0),
        dhcp4o6_port: w.dhcp4o6_port.unwrap_or(0),
        config_control: raw.get("config-control").cloned(),
        user_context: fold_comment(w.user_context.clone(), w.comment.clone()),
        option_defs,
        raw,
        warnings: Vec::new(),
    };
    config.warnings = ctx.take_warnings();
    Ok(config)
}

#[cfg(test)]
mod tests;
