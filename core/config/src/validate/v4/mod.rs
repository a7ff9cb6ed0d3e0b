//! The DHCPv4 server's model: the shared builders assembled, plus what only
//! `Dhcp4` has (`echo-client-id`, `stash-agent-options`, the BOOTP-style
//! fields of classes and reservations, four compatibility flags).

mod subnets;

use std::net::Ipv4Addr;

use ruru_proto::defs::OptionDefs;

use super::classes::{class_base, client_classes};
use super::ctx::Ctx;
use super::globals::{globals, host_identifiers, ip_reservations_unique};
use super::hosts::{host_base, hosts, HostSubnet, Reserved, Resource};
use super::options::{class_defs, global_defs, Defs};
use super::scope::{effective, merge};
use super::{fold_raw, kea22, opt_addr, profile, services, subnet_ids, written_before};
use crate::model::*;
use crate::reader::Node;
use crate::wire;
use crate::ConfigError;

/// Builds the DHCPv4 model from the strict wire struct; `node` is the
/// positioned `Dhcp4` map for error positions, `raw` the map as read. Kea 2.2
/// forms accepted on the way are listed in `warnings` and shown in `raw` in
/// their 2.7 form, as Kea 2.2's `config-get` shows them.
pub(crate) fn build(
    w: &wire::Dhcp4,
    node: Option<&Node>,
    mut raw: serde_json::Value,
) -> Result<Dhcp4Config, ConfigError> {
    let ctx = Ctx::new(&profile::V4, node);
    fold_raw(&mut raw);
    let option_defs = global_defs(&ctx, &w.option_def)?;
    let mut global_scope = w.scope();
    kea22::ddns_into_global(
        &ctx,
        w.dhcp_ddns.as_ref(),
        &mut global_scope.common,
        &mut raw,
    );
    let global_scope = merge(global_scope, &Default::default());
    effective(&ctx, ctx.profile().root, &global_scope.common)?;
    let defs = Defs {
        registry: &option_defs,
        local: &[],
    };
    let ip_unique = ip_reservations_unique(w.globals());
    let client_classes = classes(&ctx, &w.client_classes, &option_defs)?;
    let builder = subnets::Builder4 {
        ctx: &ctx,
        defs: Defs {
            registry: &option_defs,
            local: &[],
        },
        global: global_scope,
        ip_unique,
    };
    let networks_first = written_before(node, "shared-networks", "subnet4");
    let ids = subnet_ids::subnet_ids(&ctx, w)?;
    let (subnets, shared_networks) =
        super::subnets::subnets_and_networks(&ctx, &builder, w, &ids, networks_first)?;
    ids.write_into(&ctx, &mut raw);
    kea22::relay_in_raw(&ctx, &mut raw);
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
    let g = globals(&ctx, w.globals(), &defs, &raw)?;
    let mut config = Dhcp4Config {
        interfaces,
        subnets,
        shared_networks,
        global_reservations,
        host_reservation_identifiers,
        options: g.options,
        client_classes,
        decline_probation_period: g.decline_probation_period,
        echo_client_id: w.echo_client_id.unwrap_or(true),
        parked_packet_limit: g.parked_packet_limit,
        early_global_reservations_lookup: g.early_global_reservations_lookup,
        reservations_lookup_first: g.reservations_lookup_first,
        ip_reservations_unique: ip_unique,
        stash_agent_options: w.stash_agent_options.unwrap_or(false),
        lease_database: g.lease_database,
        hosts_databases: g.hosts_databases,
        expired_leases: g.expired_leases,
        multi_threading: g.multi_threading,
        dhcp_queue_control: g.dhcp_queue_control,
        dhcp_ddns: g.dhcp_ddns,
        sanity_checks: g.sanity_checks,
        compatibility: compatibility(w.compatibility.as_ref()),
        hooks_libraries: g.hooks_libraries,
        control_sockets: g.control_sockets,
        loggers: g.loggers,
        server_tag: g.server_tag,
        statistic_default_sample_count: g.statistic_default_sample_count,
        statistic_default_sample_age: g.statistic_default_sample_age,
        dhcp4o6_port: g.dhcp4o6_port,
        config_control: g.config_control,
        user_context: g.user_context,
        option_defs,
        raw,
        warnings: Vec::new(),
    };
    config.warnings = ctx.take_warnings();
    Ok(config)
}

/// `client-classes`, with DHCPv4's class `option-def` and BOOTP-style fields.
fn classes(
    ctx: &Ctx,
    list: &[wire::ClientClass],
    registry: &OptionDefs,
) -> Result<Vec<ClientClass>, ConfigError> {
    client_classes(ctx, list, wire::ClientClass::common, |c, path, name| {
        let local = class_defs(ctx, &c.option_def, path)?;
        let defs = Defs {
            registry,
            local: &local,
        };
        let base = class_base(ctx, path, name, c.common(), &defs)?;
        let boot = Boot::new(
            ctx,
            path,
            [&c.next_server, &c.server_hostname, &c.boot_file_name],
        )?;
        Ok(ClientClass {
            name: base.name,
            test: base.test,
            template_test: base.template_test,
            only_if_required: base.only_if_required,
            options: base.options,
            next_server: boot.next_server,
            server_hostname: boot.server_hostname,
            boot_file_name: boot.boot_file_name,
            valid_lifetime: base.valid_lifetime,
            offer_lifetime: c.offer_lifetime,
            option_defs: local,
            user_context: base.user_context,
        })
    })
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
        Ok(Host4 {
            id_type: base.id_type,
            id: base.id,
            ip_address,
            hostname: base.hostname,
            options: base.options,
            client_classes: base.client_classes,
            next_server: boot.next_server,
            server_hostname: boot.server_hostname,
            boot_file_name: boot.boot_file_name,
            user_context: base.user_context,
        })
    })
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
