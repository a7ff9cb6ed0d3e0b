//! `subnet4` entries and what their members inherit from a shared network
//! (V4-003, V4-047, V4-074, V4-075, V4-101; the 4o6 keys of V4-179).

use std::net::{Ipv4Addr, Ipv6Addr};

use super::host_list;
use crate::addr::Prefix;
use crate::model::fields::{assemble, subnet_parts};
use crate::model::Subnet4;
use crate::validate::ctx::Ctx;
use crate::validate::options::{option_set, Level};
use crate::validate::scope::{effective, merge_level};
use crate::validate::subnets::{pools, relabel, relay, subnet_prefix, Env, Member, SubnetBuilder};
use crate::validate::{fold_comment, parse_addr};
use crate::wire::{self, Scope4, ScopeParams};
use crate::ConfigError;

/// What a member subnet inherits from its shared network.
pub(crate) struct Network4 {
    index: usize,
    interface: Option<String>,
    client_class: Option<String>,
    relay: Option<Vec<Ipv4Addr>>,
    scope: ScopeParams<Scope4>,
}

impl SubnetBuilder for Env<'_, Scope4> {
    type Server = wire::Dhcp4;
    type Subnet = Subnet4;
    type Level = Network4;

    fn level(
        &self,
        index: usize,
        w: &wire::SharedNetwork4,
        path: &str,
        name: &str,
    ) -> Result<Network4, ConfigError> {
        let owner = format!("shared network '{name}'");
        let scope = merge_level(self.ctx, path, &owner, w.scope(), &self.global);
        effective(self.ctx, path, &scope.common).map_err(|e| relabel(e, &owner))?;
        Ok(Network4 {
            index,
            interface: w.interface.clone(),
            client_class: w.client_class.clone(),
            relay: relay(self.ctx, path, &owner, w.relay.as_ref())?,
            scope,
        })
    }

    fn subnet(
        &self,
        w: &wire::Subnet4,
        id: u32,
        path: &str,
        network: Option<&Network4>,
    ) -> Result<Subnet4, ConfigError> {
        let ctx = self.ctx;
        let (prefix, text) = subnet_prefix::<Ipv4Addr>(ctx, path, w.subnet.as_deref())?;
        let label = format!("id {id} ({text})");
        let parent = network.map_or(&self.global, |n| &n.scope);
        let owner = format!("subnet {label}");
        let s = merge_level(ctx, path, &owner, w.scope(), parent);
        let eff = effective(ctx, path, &s.common).map_err(|e| relabel(e, &owner))?;
        let f = &s.family;
        Ok(subnet_parts!(assemble! { eff => Subnet4 {
            id,
            prefix: prefix.addr,
            prefix_len: prefix.len,
            shared_network: network.map(|n| n.index),
            pools: pools(ctx, &self.defs, &w.pools, path, &prefix, &label)?,
            relay_addresses: relay(ctx, path, &format!("subnet {text}"), w.relay.as_ref())?
                .or_else(|| network.and_then(|n| n.relay.clone()))
                .unwrap_or_default(),
            interface: w
                .interface
                .clone()
                .or_else(|| network.and_then(|n| n.interface.clone())),
            client_class: w
                .client_class
                .clone()
                .or_else(|| network.and_then(|n| n.client_class.clone())),
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
            match_client_id: f.match_client_id.unwrap_or(true),
            authoritative: f.authoritative.unwrap_or(false),
            offer_lifetime: f.offer_lifetime.unwrap_or(0),
            next_server: next_server(ctx, path, f.next_server.as_deref())?,
            server_hostname: f.server_hostname.clone().unwrap_or_default(),
            boot_file_name: f.boot_file_name.clone().unwrap_or_default(),
            dhcp4o6_interface: w.dhcp4o6_interface.clone(),
            dhcp4o6_interface_id: w.dhcp4o6_interface_id.clone(),
            dhcp4o6_subnet: dhcp4o6_subnet(ctx, path, w.dhcp4o6_subnet.as_deref())?,
            user_context: fold_comment(w.user_context.clone(), w.comment.clone()),
            text,
        } }))
    }
}

impl Member for Subnet4 {
    fn text(&self) -> &str {
        &self.text
    }

    fn agreed(&self) -> Vec<(&'static str, Option<String>)> {
        vec![
            ("interfaces", self.interface.clone()),
            ("authoritative values", Some(self.authoritative.to_string())),
        ]
    }
}

/// Effective `next-server` (`0.0.0.0` = none).
fn next_server(ctx: &Ctx, path: &str, text: Option<&str>) -> Result<Ipv4Addr, ConfigError> {
    match text {
        None => Ok(Ipv4Addr::UNSPECIFIED),
        Some(a) => parse_addr(ctx, path, "next-server", a),
    }
}

/// `4o6-subnet`: an IPv6 prefix.
fn dhcp4o6_subnet(
    ctx: &Ctx,
    path: &str,
    text: Option<&str>,
) -> Result<Option<(Ipv6Addr, u8)>, ConfigError> {
    let Some(text) = text else { return Ok(None) };
    Prefix::<Ipv6Addr>::parse(text)
        .map(|p| Some((p.addr, p.len)))
        .ok_or_else(|| ctx.invalid(path, format!("invalid 4o6-subnet '{text}'")))
}
