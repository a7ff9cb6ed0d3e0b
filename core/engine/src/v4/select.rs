//! Subnet selection (V4-044): which configured subnet a query belongs to.

use super::snapshot::Snapshot4;
use super::Ingress4;
use crate::classes::{class_allows, Classes};
use ruru_proto::v4::{code, rai, Packet4};
use std::net::Ipv4Addr;

/// Picks the subnet for a query, in Kea's order; `None` when nothing matches.
pub(crate) fn select_subnet(
    snap: &Snapshot4,
    pkt: &Packet4,
    ing: &Ingress4,
    classes: &Classes<'_>,
) -> Option<usize> {
    let cfg = &snap.config;
    let eligible = |i: usize| class_allows(&cfg.subnets[i].client_class, classes);
    // Candidates in ascending id order: the first match wins (V4-049).
    let first = |f: &dyn Fn(usize) -> bool| snap.selection_order.iter().copied().find(|&i| f(i));
    let by_prefix = |a: Ipv4Addr| first(&|i| snap.subnets[i].contains(a) && eligible(i));
    // (1) An explicit link from the relay or the client.
    if let Some(link) = link_hint(snap, pkt) {
        return by_prefix(link);
    }
    if !pkt.giaddr.is_unspecified() {
        // (2) giaddr against relay addresses, then (3) against subnet prefixes.
        let relayed =
            first(&|i| cfg.subnets[i].relay_addresses.contains(&pkt.giaddr) && eligible(i));
        return relayed.or_else(|| by_prefix(pkt.giaddr));
    }
    if !ing.is_broadcast() {
        // (4) ciaddr, then (5) the source address: only meaningful for unicast traffic.
        if !pkt.ciaddr.is_unspecified() {
            if let Some(i) = by_prefix(pkt.ciaddr) {
                return Some(i);
            }
        }
        if !ing.src.ip().is_unspecified() {
            if let Some(i) = by_prefix(*ing.src.ip()) {
                return Some(i);
            }
        }
    }
    // (6) The subnet bound to the receiving interface, then (7) the interface's addresses.
    if let Some(name) = ing.ifname.as_deref() {
        if let Some(i) =
            first(&|i| cfg.subnets[i].interface.as_deref() == Some(name) && eligible(i))
        {
            return Some(i);
        }
    }
    ing.iface_addrs.iter().find_map(|&a| by_prefix(a))
}

/// RAI link-selection (unless ignored), else option 118 (V4-044 rule 1).
fn link_hint(snap: &Snapshot4, pkt: &Packet4) -> Option<Ipv4Addr> {
    let as_addr = |b: &[u8]| <[u8; 4]>::try_from(b).ok().map(Ipv4Addr::from);
    if !snap.config.compatibility.ignore_rai_link_selection {
        if let Some(a) = pkt
            .options
            .get(code::RELAY_AGENT_INFO)
            .and_then(|r| rai::find(r, rai::LINK_SELECTION))
            .and_then(as_addr)
        {
            return Some(a);
        }
    }
    pkt.options.get(code::SUBNET_SELECTION).and_then(as_addr)
}
