//! The DHCPv6 server's model: the shared builders assembled, plus what only
//! `Dhcp6` has (prefix pools, `interface-id`, `rapid-commit`, reservations of
//! addresses and prefixes, preferred lifetimes, the server identifier, MAC
//! sources, relay-supplied options, the data directory).

mod hosts;
pub(super) use hosts::host6;
mod server;
mod subnets;

use std::net::Ipv6Addr;
use std::path::PathBuf;

use ruru_proto::defs::OptionDefs;

use super::classes::{class_base, client_classes};
use super::ctx::Ctx;
use super::globals::{globals, host_identifiers};
use super::lifetimes::optional_triplet;
use super::options::{global_defs, Defs};
use super::scope::global_scope;
use super::subnets::{subnet_lists, Env};
use super::{profile, services};
use crate::model::fields::{assemble, class_parts, config_parts};
use crate::model::*;
use crate::reader::Document;
use crate::wire;
use crate::ConfigError;

/// Builds the DHCPv6 model from the strict wire struct `w` of `doc`,
/// whose positions locate errors and whose reading warnings come first. Kea 2.2
/// forms accepted on the way are listed in `warnings` and shown in `raw` in
/// their 2.7 form, as Kea 2.2's `config-get` shows them.
pub(crate) fn build(w: &wire::Dhcp6, doc: &Document) -> Result<Dhcp6Config, ConfigError> {
    let (ctx, mut raw) = Ctx::of(&profile::V6, doc);
    let option_defs = global_defs(&ctx, &w.option_def)?;
    let global_scope = global_scope(&ctx, w.scope(), w.dhcp_ddns.as_ref(), &mut raw)?;
    let root = ctx.profile().root;
    subnets::family_values(&ctx, root, &global_scope)?;
    let defs = Defs::global(&option_defs);
    let client_classes = classes(&ctx, &w.client_classes, &option_defs)?;
    let builder = Env::new(&ctx, &option_defs, global_scope, w.globals());
    let ip_unique = builder.ip_unique;
    let (subnets, shared_networks) = subnet_lists(&builder, w, ctx.root(), &mut raw)?;
    let default_interfaces = wire::InterfacesConfig6::default();
    let i = w.interfaces_config.as_ref().unwrap_or(&default_interfaces);
    let interfaces = interfaces(&ctx, i)?;
    let global_reservations =
        hosts::host_list(&ctx, &w.reservations, root, &defs, None, ip_unique)?;
    let mac_sources = server::mac_sources(&ctx, w.mac_sources.as_deref())?;
    let relay_supplied_options =
        server::relay_supplied_options(&ctx, &w.relay_supplied_options, &option_defs)?;
    let host_reservation_identifiers = host_identifiers(
        &ctx,
        w.host_reservation_identifiers
            .as_ref()
            .map(|l| l.iter().map(|&id| id.into()).collect()),
    )?;
    let g = globals(&ctx, w.globals(), option_defs, &raw)?;
    let mut config = config_parts!(assemble! { g => Dhcp6Config {
        raw,
        interfaces,
        subnets,
        shared_networks,
        global_reservations,
        host_reservation_identifiers,
        client_classes,
        mac_sources,
        relay_supplied_options,
        server_id: server::server_id(&ctx, w.server_id.as_ref())?,
        data_directory: PathBuf::from(
            w.data_directory
                .as_deref()
                .unwrap_or(DEFAULT_DATA_DIRECTORY),
        ),
        compatibility: Compatibility {
            lenient_option_parsing: w
                .compatibility
                .as_ref()
                .and_then(|c| c.lenient_option_parsing)
                .unwrap_or(false),
            ..Compatibility::default()
        },
        warnings: Vec::new(),
    } });
    config.warnings = ctx.warnings_after(doc);
    Ok(config)
}

/// `interfaces-config`: UDP sockets answering over the receiving interface
/// (V6-013), at most one unicast address per interface (V6-012).
fn interfaces(
    ctx: &Ctx,
    w: &wire::InterfacesConfig6,
) -> Result<InterfacesConfig<Ipv6Addr>, ConfigError> {
    let config = services::interfaces(
        ctx,
        w.common(),
        SocketType::Udp,
        OutboundInterface::SameAsInbound,
    )?;
    let mut unicast = std::collections::HashMap::new();
    for spec in &config.interfaces {
        if let InterfaceSpec::Address(name, addr) = spec {
            if let Some(prev) = unicast.insert(name, addr) {
                return Err(ctx.invalid(
                    &ctx.path("interfaces-config"),
                    format!("interface {name} has two unicast addresses ({prev} and {addr}); at most one is allowed"),
                ));
            }
        }
    }
    Ok(config)
}

/// `client-classes`, with DHCPv6's preferred lifetimes (V6-155).
fn classes(
    ctx: &Ctx,
    list: &[wire::ClientClass6],
    registry: &OptionDefs,
) -> Result<Vec<ClientClass6>, ConfigError> {
    let defs = Defs {
        registry,
        local: &[],
    };
    client_classes(
        ctx,
        list,
        registry,
        wire::ClientClass6::common,
        |c, path, name, compiled| {
            let base = class_base(ctx, path, name, c.common(), &defs, compiled)?;
            Ok(class_parts!(assemble! { base => ClientClass6 {
                preferred_lifetime: optional_triplet(
                    ctx,
                    path,
                    "preferred-lifetime",
                    [
                        c.preferred_lifetime,
                        c.min_preferred_lifetime,
                        c.max_preferred_lifetime,
                    ],
                )?,
            } }))
        },
    )
}

super::layout::wire_layout!(wire::Dhcp6, wire::SharedNetwork6, wire::Subnet6, subnet6);

#[cfg(test)]
mod tests;
