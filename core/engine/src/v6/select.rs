//! DHCPv6 subnet selection (V6-052..V6-057): by relay interface-id, relay address and link address for
//! relayed queries; by interface and source address for direct ones.

use super::snapshot::Snapshot6;
use super::Ingress6;
use crate::classes::{class_allows, Classes};
use ruru_proto::v6::Packet6;
use std::net::Ipv6Addr;

/// Whether a relay's link-address identifies the client's link: neither `::` nor link-local (V6-054).
fn usable_link(a: Ipv6Addr) -> bool {
    !a.is_unspecified() && !a.is_unicast_link_local()
}

/// The link-address of the relay nearest the client that has a usable one (V6-054).
pub(crate) fn link_address(pkt: &Packet6) -> Option<Ipv6Addr> {
    pkt.relays
        .iter()
        .rev()
        .map(|r| r.link_address)
        .find(|&a| usable_link(a))
}

/// Picks the subnet for a query, in Kea's order; `None` when nothing matches.
pub(crate) fn select_subnet(
    snap: &Snapshot6,
    pkt: &Packet6,
    ing: &Ingress6,
    classes: &Classes<'_>,
) -> Option<usize> {
    let subnets = &snap.config.subnets;
    let eligible = |i: usize| class_allows(&subnets[i].client_class, classes);
    // Candidates in ascending id order: the first match wins (V6-058).
    let first = |f: &dyn Fn(usize) -> bool| snap.selection_order.iter().copied().find(|&i| f(i));
    let by_prefix = |a: Ipv6Addr| first(&|i| subnets[i].contains(a) && eligible(i));
    if let Some(link) = link_address(pkt) {
        // (1) interface-id of the relay nearest the client, (2) relay addresses, (3) the link's prefix.
        if let Some(id) = pkt.nearest_client_relay().and_then(|r| r.interface_id()) {
            let found = first(&|i| {
                subnets[i].interface_id.as_deref().map(str::as_bytes) == Some(id) && eligible(i)
            });
            if found.is_some() {
                return found;
            }
        }
        let relayed = first(&|i| subnets[i].relay_addresses.contains(&link) && eligible(i));
        return relayed.or_else(|| by_prefix(link));
    }
    // Direct: (1) the subnet bound to the receiving interface, (2) the source address's prefix.
    if let Some(name) = ing.ifname.as_deref() {
        if let Some(i) = first(&|i| subnets[i].interface.as_deref() == Some(name) && eligible(i)) {
            return Some(i);
        }
    }
    let src = *ing.src.ip();
    (!src.is_unicast_link_local() && !src.is_unspecified())
        .then(|| by_prefix(src))
        .flatten()
}
