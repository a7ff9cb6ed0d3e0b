//! DHCPv6 host reservation lookup: an index over one list of reservations by identifier and by reserved
//! address or prefix (V6-108..V6-118).

use ruru_config::{Host6, HostIdType};
use std::collections::HashMap;
use std::net::Ipv6Addr;

/// The identifiers a query offers for reservation lookup, borrowed from the packet.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ClientIds6<'a> {
    /// The client-id option's payload.
    pub(crate) duid: &'a [u8],
    /// The hardware address found by `mac-sources` (V6-084), without its type.
    pub(crate) hw: Option<&'a [u8]>,
    /// The flex-id a plugin computed (`host6_identifier`), if any.
    pub(crate) flex: Option<&'a [u8]>,
}

impl<'a> ClientIds6<'a> {
    /// The bytes to match for one identifier type, if the query carries it.
    pub(crate) fn get(&self, t: HostIdType) -> Option<&'a [u8]> {
        match t {
            HostIdType::Duid => Some(self.duid).filter(|d| !d.is_empty()),
            HostIdType::HwAddress => self.hw,
            HostIdType::FlexId => self.flex,
            _ => None,
        }
    }
}

/// Reservations of one scope (a subnet, or the global list).
#[derive(Debug, Default)]
pub(crate) struct HostIndex6 {
    by_id: HashMap<HostIdType, HashMap<Vec<u8>, usize>>,
    /// Reserved addresses (length 128) and prefixes, by first address and length.
    by_resource: HashMap<(Ipv6Addr, u8), usize>,
}

impl HostIndex6 {
    pub(crate) fn build(hosts: &[Host6]) -> Self {
        let mut idx = HostIndex6::default();
        for (i, h) in hosts.iter().enumerate() {
            idx.by_id
                .entry(h.id_type)
                .or_default()
                .entry(h.id.clone())
                .or_insert(i);
            for &a in &h.ip_addresses {
                idx.by_resource.entry((a, 128)).or_insert(i);
            }
            for p in &h.prefixes {
                idx.by_resource
                    .entry((p.prefix.addr, p.prefix.len))
                    .or_insert(i);
            }
        }
        idx
    }

    /// The first reservation matching the identifiers, trying types in `order` (V6-114).
    pub(crate) fn find(&self, ids: &ClientIds6<'_>, order: &[HostIdType]) -> Option<usize> {
        if self.by_id.is_empty() {
            return None;
        }
        order.iter().find_map(|&t| self.get(t, ids.get(t)?))
    }

    /// The reservation for identifier `id` of type `t`.
    pub(crate) fn get(&self, t: HostIdType, id: &[u8]) -> Option<usize> {
        self.by_id.get(&t)?.get(id).copied()
    }

    /// The reservation holding address or prefix `addr`/`len` (128 for an address), if any.
    pub(crate) fn holder(&self, addr: Ipv6Addr, len: u8) -> Option<usize> {
        self.by_resource.get(&(addr, len)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruru_config::OptionSet;

    fn host(t: HostIdType, id: &[u8], ip: Ipv6Addr) -> Host6 {
        Host6 {
            id_type: t,
            id: id.to_vec(),
            hostname: None,
            options: OptionSet::default(),
            client_classes: vec![],
            user_context: None,
            ip_addresses: vec![ip],
            prefixes: vec![],
        }
    }

    // V6-114: identifier types are tried in the configured order; the first hit wins.
    #[test]
    fn v6_114_identifier_order() {
        let a: Ipv6Addr = "2001:db8::5".parse().unwrap();
        let b: Ipv6Addr = "2001:db8::6".parse().unwrap();
        let hosts = vec![
            host(HostIdType::HwAddress, &[1, 2, 3, 4, 5, 6], a),
            host(HostIdType::Duid, &[0, 3, 0, 1, 1, 2, 3, 4, 5, 6], b),
        ];
        let idx = HostIndex6::build(&hosts);
        let ids = ClientIds6 {
            duid: &[0, 3, 0, 1, 1, 2, 3, 4, 5, 6],
            hw: Some(&[1, 2, 3, 4, 5, 6]),
            flex: None,
        };
        let order = [HostIdType::HwAddress, HostIdType::Duid];
        assert_eq!(idx.find(&ids, &order), Some(0));
        assert_eq!(idx.find(&ids, &[HostIdType::Duid]), Some(1));
        assert_eq!(idx.holder(b, 128), Some(1));
        assert_eq!(idx.holder(b, 64), None);
    }
}
