//! Host reservation lookup: identifiers taken from a query, and an index over one list of reservations.

use ruru_config::{Host4, HostIdType};
use ruru_proto::v4::{code, rai, Packet4};
use std::collections::HashMap;
use std::net::Ipv4Addr;

/// The identifiers a query offers for reservation lookup (V4-088), borrowed from the packet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientIds<'a> {
    pub(crate) hw: &'a [u8],
    pub(crate) client_id: Option<&'a [u8]>,
    pub(crate) circuit_id: Option<&'a [u8]>,
}

impl<'a> ClientIds<'a> {
    pub(crate) fn of(pkt: &'a Packet4) -> Self {
        ClientIds {
            hw: pkt.hw_addr(),
            client_id: pkt.options.get(code::CLIENT_ID).filter(|c| !c.is_empty()),
            circuit_id: pkt
                .options
                .get(code::RELAY_AGENT_INFO)
                .and_then(|r| rai::find(r, rai::CIRCUIT_ID)),
        }
    }

    /// The bytes to match for one identifier type, if the query carries it; `flex` is the flex-id a
    /// plugin computed (`host4_identifier`), if any.
    pub(crate) fn get(&self, t: HostIdType, flex: Option<&'a [u8]>) -> Option<&'a [u8]> {
        match t {
            HostIdType::HwAddress => Some(self.hw).filter(|h| !h.is_empty()),
            HostIdType::ClientId => self.client_id,
            // RFC 4361: client-id type 255, then a 4-byte IAID, then the DUID (V4-070).
            HostIdType::Duid => self
                .client_id
                .filter(|c| c.len() > 5 && c[0] == 255)
                .map(|c| &c[5..]),
            HostIdType::CircuitId => self.circuit_id,
            HostIdType::FlexId => flex,
        }
    }
}

/// Reservations of one scope (a subnet, or the global list), indexed by identifier and by address.
#[derive(Debug, Default)]
pub(crate) struct HostIndex {
    /// Per identifier type, so a lookup borrows the packet's bytes instead of building a key.
    by_id: HashMap<HostIdType, HashMap<Vec<u8>, usize>>,
    by_addr: HashMap<Ipv4Addr, usize>,
}

impl HostIndex {
    pub(crate) fn build(hosts: &[Host4]) -> Self {
        let mut idx = HostIndex::default();
        for (i, h) in hosts.iter().enumerate() {
            idx.by_id
                .entry(h.id_type)
                .or_default()
                .entry(h.id.clone())
                .or_insert(i);
            if let Some(a) = h.ip_address {
                idx.by_addr.entry(a).or_insert(i);
            }
        }
        idx
    }

    /// The first reservation matching the identifiers, trying types in `order` (V4-090).
    pub(crate) fn find(
        &self,
        ids: &ClientIds<'_>,
        order: &[HostIdType],
        flex: Option<&[u8]>,
    ) -> Option<usize> {
        if self.by_id.is_empty() {
            return None;
        }
        order.iter().find_map(|&t| self.get(t, ids.get(t, flex)?))
    }

    /// The reservation for identifier `id` of type `t`.
    pub(crate) fn get(&self, t: HostIdType, id: &[u8]) -> Option<usize> {
        self.by_id.get(&t)?.get(id).copied()
    }

    /// The reservation holding `addr`, if any.
    pub(crate) fn by_address(&self, addr: Ipv4Addr) -> Option<usize> {
        self.by_addr.get(&addr).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruru_config::OptionSet;

    fn host(t: HostIdType, id: &[u8], ip: [u8; 4]) -> Host4 {
        Host4 {
            id_type: t,
            id: id.to_vec(),
            ip_address: Some(Ipv4Addr::from(ip)),
            hostname: None,
            options: OptionSet::default(),
            client_classes: vec![],
            next_server: None,
            server_hostname: None,
            boot_file_name: None,
            user_context: None,
        }
    }

    // V4-090: the identifier order decides which reservation wins.
    #[test]
    fn identifier_order_decides() {
        let hosts = vec![
            host(HostIdType::HwAddress, &[1, 2, 3, 4, 5, 6], [10, 0, 0, 5]),
            host(HostIdType::ClientId, &[1, 9, 9], [10, 0, 0, 6]),
        ];
        let idx = HostIndex::build(&hosts);
        let ids = ClientIds {
            hw: &[1, 2, 3, 4, 5, 6],
            client_id: Some(&[1, 9, 9]),
            circuit_id: None,
        };
        assert_eq!(
            idx.find(&ids, &[HostIdType::HwAddress, HostIdType::ClientId], None),
            Some(0)
        );
        assert_eq!(
            idx.find(&ids, &[HostIdType::ClientId, HostIdType::HwAddress], None),
            Some(1)
        );
        assert_eq!(idx.by_address(Ipv4Addr::new(10, 0, 0, 6)), Some(1));
    }

    // V4-070: a DUID reservation matches an RFC 4361 client identifier.
    #[test]
    fn duid_from_rfc4361_client_id() {
        let hosts = vec![host(HostIdType::Duid, &[0, 1, 2, 3], [10, 0, 0, 7])];
        let idx = HostIndex::build(&hosts);
        let cid = [255, 0, 0, 0, 1, 0, 1, 2, 3];
        let ids = ClientIds {
            hw: &[],
            client_id: Some(&cid),
            circuit_id: None,
        };
        assert_eq!(idx.find(&ids, &[HostIdType::Duid], None), Some(0));
    }
}
