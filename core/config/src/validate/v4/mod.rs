//! The DHCPv4 server's model: the shared builders assembled, plus what only
//! `Dhcp4` has (`echo-client-id`, `stash-agent-options`, the BOOTP-style
//! fields of classes and reservations, four compatibility flags).

mod subnets;

use std::net::Ipv4Addr;

use ruru_proto::defs::OptionDefs;

use super::classes::{class_base, client_classes};
use super::ctx::Ctx;
use super::globals::{globals, host_identifiers};
use super::hosts::{host_base, hosts, HostSubnet, Reserved, Resource};
use super::options::{class_defs, global_defs, Defs};
use super::scope::global_scope;
use super::subnets::{subnet_lists, Env};
use super::{opt_addr, profile, services};
use crate::model::fields::{assemble, class_parts, config_parts, host_parts};
use crate::model::*;
use crate::reader::Document;
use crate::wire;
use crate::ConfigError;

/// Builds the DHCPv4 model from the strict wire struct `w` of `doc`,
/// whose positions locate errors and whose reading warnings come first. Kea 2.2
/// forms accepted on the way are listed in `warnings` and shown in `raw` in
/// their 2.7 form, as Kea 2.2's `config-get` shows them.
pub(crate) fn build(w: &wire::Dhcp4, doc: &Document) -> Result<Dhcp4Config, ConfigError> {
    let (ctx, mut raw) = Ctx::of(&profile::V4, doc);
    let option_defs = global_defs(&ctx, &w.option_def)?;
    let global_scope = global_scope(&ctx, w.scope(), w.dhcp_ddns.as_ref(), &mut raw)?;
    let defs = Defs::global(&option_defs);
    let client_classes = classes(&ctx, &w.client_classes, &option_defs)?;
    let builder = Env::new(&ctx, &option_defs, global_scope, w.globals());
    let ip_unique = builder.ip_unique;
    let (subnets, shared_networks) = subnet_lists(&builder, w, ctx.root(), &mut raw)?;
    let default_interfaces = wire::InterfacesConfig::default();
    let i = w.interfaces_config.as_ref().unwrap_or(&default_interfaces);
    let interfaces = services::interfaces(
        &ctx,
        i.common(),
        i.dhcp_socket_type.unwrap_or(SocketType::Raw),
        i.outbound_interface
            .unwrap_or(OutboundInterface::SameAsInbound),
    )?;
    let global_reservations = host_list(
        &ctx,
        &w.reservations,
        ctx.profile().root,
        &defs,
        None,
        ip_unique,
    )?;
    let host_reservation_identifiers =
        host_identifiers(&ctx, w.host_reservation_identifiers.clone())?;
    let g = globals(&ctx, w.globals(), option_defs, &raw)?;
    let mut config = config_parts!(assemble! { g => Dhcp4Config {
        raw,
        interfaces,
        subnets,
        shared_networks,
        global_reservations,
        host_reservation_identifiers,
        client_classes,
        echo_client_id: w.echo_client_id.unwrap_or(true),
        stash_agent_options: w.stash_agent_options.unwrap_or(false),
        compatibility: compatibility(w.compatibility.as_ref()),
        warnings: Vec::new(),
    } });
    config.warnings = ctx.warnings_after(doc);
    Ok(config)
}

/// `client-classes`, with DHCPv4's class `option-def` and BOOTP-style fields.
fn classes(
    ctx: &Ctx,
    list: &[wire::ClientClass],
    registry: &OptionDefs,
) -> Result<Vec<ClientClass>, ConfigError> {
    client_classes(
        ctx,
        list,
        registry,
        wire::ClientClass::common,
        |c, path, name, compiled| {
            let local = class_defs(ctx, &c.option_def, path)?;
            let defs = Defs {
                registry,
                local: &local,
            };
            let base = class_base(ctx, path, name, c.common(), &defs, compiled)?;
            let boot = Boot::new(
                ctx,
                path,
                [&c.next_server, &c.server_hostname, &c.boot_file_name],
            )?;
            Ok(class_parts!(assemble! { base => ClientClass {
                next_server: boot.next_server,
                server_hostname: boot.server_hostname,
                boot_file_name: boot.boot_file_name,
                offer_lifetime: c.offer_lifetime,
                option_defs: local,
            } }))
        },
    )
}

/// The BOOTP-style fields classes and reservations may set (V4-075); `""`
/// means unset, as Kea reads them.
struct Boot {
    next_server: Option<Ipv4Addr>,
    server_hostname: Option<String>,
    boot_file_name: Option<String>,
}

impl Boot {
    /// From `next-server`, `server-hostname` and `boot-file-name`.
    fn new(
        ctx: &Ctx,
        path: &str,
        [next, server, file]: [&Option<String>; 3],
    ) -> Result<Self, ConfigError> {
        let non_empty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        Ok(Boot {
            next_server: opt_addr(ctx, path, "next-server", non_empty(next).as_deref())?,
            server_hostname: non_empty(server),
            boot_file_name: non_empty(file),
        })
    }
}

impl Reserved for Host4 {
    fn key(&self) -> (HostIdType, &[u8]) {
        (self.id_type, &self.id)
    }

    fn resources(&self) -> Vec<Resource> {
        self.ip_address
            .map(|a| Resource::Address(a.into()))
            .into_iter()
            .collect()
    }
}

/// A scope's reservations (V4-088, V4-089); `subnet` is `None` for global ones.
fn host_list(
    ctx: &Ctx,
    list: &[wire::Reservation],
    parent: &str,
    defs: &Defs,
    subnet: HostSubnet<Ipv4Addr>,
    ip_unique: bool,
) -> Result<Vec<Host4>, ConfigError> {
    hosts(ctx, list, parent, ip_unique, |w, path| {
        host4(ctx, w, path, defs, subnet)
    })
}

/// One reservation at `path`; `subnet` is `None` for a global one.
pub(crate) fn host4(
    ctx: &Ctx,
    w: &wire::Reservation,
    path: &str,
    defs: &Defs,
    subnet: HostSubnet<Ipv4Addr>,
) -> Result<Host4, ConfigError> {
    let ids = [
        (HostIdType::HwAddress, &w.hw_address),
        (HostIdType::Duid, &w.duid),
        (HostIdType::ClientId, &w.client_id),
        (HostIdType::CircuitId, &w.circuit_id),
        (HostIdType::FlexId, &w.flex_id),
    ];
    let base = host_base(ctx, path, w.common(), &ids, defs)?;
    let ip_address = opt_addr(ctx, path, "ip-address", w.ip_address.as_deref())?;
    if let Some(ip) = ip_address {
        super::hosts::within(ctx, path, ip, subnet)?;
    }
    let boot = Boot::new(
        ctx,
        path,
        [&w.next_server, &w.server_hostname, &w.boot_file_name],
    )?;
    Ok(host_parts!(assemble! { base => Host4 {
        ip_address,
        next_server: boot.next_server,
        server_hostname: boot.server_hostname,
        boot_file_name: boot.boot_file_name,
    } }))
}

/// `compatibility` (all flags default false).
fn compatibility(w: Option<&wire::Compatibility>) -> Compatibility {
    let flag = |f: fn(&wire::Compatibility) -> Option<bool>| w.and_then(f).unwrap_or(false);
    Compatibility {
        lenient_option_parsing: flag(|w| w.lenient_option_parsing),
        ignore_dhcp_server_identifier: flag(|w| w.ignore_dhcp_server_identifier),
        ignore_rai_link_selection: flag(|w| w.ignore_rai_link_selection),
        exclude_first_last_24: flag(|w| w.exclude_first_last_24),
    }
}

super::layout::wire_layout!(wire::Dhcp4, wire::SharedNetwork4, wire::Subnet4, subnet4);
