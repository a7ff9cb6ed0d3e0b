//! IPv6-only preferred clients (RFC 8925, V4-158, V4-159): a client that lists option 108 in its
//! parameter request list, on a network whose subnet or shared network carries 108, is answered with
//! yiaddr 0.0.0.0 and the option instead of an address. Option 108 configured anywhere else (global,
//! pool, class, host) is an ordinary option and does not stop allocation.

use super::{Placement, Query};
use crate::classes::{class_allows, Classes};
use crate::v4::snapshot::Snapshot4;
use crate::v4::{DropReason, Outcome4};
use ruru_proto::v4::{code, MessageType, Packet4};
use std::net::Ipv4Addr;

impl<'a> Query<'a> {
    /// The IPv6-only preferred answer (an OFFER or ACK of `msg` type), when it applies to the client
    /// placed at `p`: nothing is allocated or stored. A reply that lost 108 on the way (`never-send`)
    /// would tell the client nothing, so it is dropped.
    pub(super) fn v6_only(&mut self, msg: MessageType, p: &Placement<'a>) -> Option<Outcome4> {
        let si = subnet(self.snap, self.pkt, p.subnet, p.family, &self.classes)?;
        let host = self.host_in(p, si);
        self.require_classes(si, None);
        let r = self.answer(msg, si, host, Ipv4Addr::UNSPECIFIED, None, None);
        if r.options.contains(code::V6_ONLY_PREFERRED) {
            return Some(self.send(r, Vec::new()));
        }
        let reason = DropReason::V6OnlyPreferredMissing {
            ack: msg == MessageType::Ack,
        };
        tracing::error!(target: "kea-dhcp4.packets", id = reason.message_id(), xid = self.pkt.xid, "v6-only-preferred option missing in 0.0.0.0 reply");
        Some(Outcome4::Drop(reason))
    }
}

/// The subnet an IPv6-only preferred answer is built from, or `None` when the client gets an address.
///
/// `selected` is the client's subnet and `family` its shared network (itself first). The selected
/// subnet wins when it has 108; else a sibling the client may use that has it (its options then
/// apply); else the shared network's own 108 keeps the selected subnet.
fn subnet(
    snap: &Snapshot4,
    pkt: &Packet4,
    selected: usize,
    family: &[usize],
    classes: &Classes<'_>,
) -> Option<usize> {
    if !pkt
        .options
        .parameter_request_list()
        .contains(&code::V6_ONLY_PREFERRED)
    {
        return None;
    }
    let cfg = &snap.config;
    let has = |set: &ruru_config::OptionSet| set.get(code::V6_ONLY_PREFERRED.into()).is_some();
    if has(&cfg.subnets[selected].options) {
        return Some(selected);
    }
    let sibling = family.iter().copied().find(|&si| {
        let s = &cfg.subnets[si];
        si != selected && has(&s.options) && class_allows(&s.client_class, classes)
    });
    sibling.or_else(|| {
        cfg.subnets[selected]
            .shared_network
            .filter(|&n| has(&cfg.shared_networks[n].options))
            .map(|_| selected)
    })
}

#[cfg(test)]
mod tests {
    use crate::v4::process::tests::{ip, query, selecting, Bench};
    use crate::v4::{DropReason, Outcome4};
    use ruru_proto::v4::{code, MessageType, Packet4};
    use serde_json::{json, Value};
    use std::net::Ipv4Addr;

    const V6ONLY: &[u8] = &1800u32.to_be_bytes();

    fn option(data: &str) -> Value {
        json!([{"name": "v6-only-preferred", "data": data}])
    }

    /// A query from client `mac` asking for 108 (and routers).
    fn asking(mut p: Packet4) -> Packet4 {
        p.options.insert(
            code::PARAMETER_REQUEST_LIST,
            &[code::ROUTERS, code::V6_ONLY_PREFERRED],
        );
        p
    }

    /// One subnet with `subnet_opts`, under a shared network with `network_opts` next to a sibling.
    fn network(network_opts: Value, subnet_opts: Value, sibling_opts: Value) -> Bench {
        Bench::new(json!({
            "valid-lifetime": 4000,
            "shared-networks": [{
                "name": "net",
                "option-data": network_opts,
                "subnet4": [
                    {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}],
                     "option-data": subnet_opts},
                    {"id": 2, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.10 - 198.51.100.20"}],
                     "option-data": sibling_opts}
                ]
            }]
        }))
    }

    fn assert_v6_only(b: &Bench, value: &[u8]) {
        let offer = b.reply(&asking(query(MessageType::Discover, 1)), None);
        assert_eq!(offer.message_type(), Some(MessageType::Offer));
        assert_eq!(offer.yiaddr, Ipv4Addr::UNSPECIFIED);
        assert_eq!(offer.options.get(code::V6_ONLY_PREFERRED), Some(value));
        assert!(!offer.options.contains(code::LEASE_TIME));
        let ack = b.reply(&asking(selecting(1, Ipv4Addr::UNSPECIFIED)), None);
        assert_eq!(ack.message_type(), Some(MessageType::Ack));
        assert_eq!(ack.yiaddr, Ipv4Addr::UNSPECIFIED);
        assert_eq!(ack.options.get(code::V6_ONLY_PREFERRED), Some(value));
        assert_eq!(b.stat("subnet[1].assigned-addresses"), 0);
        assert_eq!(b.stat("subnet[2].assigned-addresses"), 0);
        assert_eq!(b.stat("v4-allocation-fail"), 0);
    }

    // V4-158: 108 on the selected subnet → 0.0.0.0 and 108 in OFFER and ACK, nothing stored.
    #[test]
    fn subnet_option_means_no_address() {
        let b = network(json!([]), option("1800"), json!([]));
        assert_v6_only(&b, V6ONLY);
        assert!(b.lease(ip("192.0.2.10")).is_none());
    }

    // V4-158: 108 on the shared network, or on another member of it, counts too; a member's own value
    // is the one sent.
    #[test]
    fn network_or_sibling_option_means_no_address() {
        assert_v6_only(&network(option("1800"), json!([]), json!([])), V6ONLY);
        let b = network(json!([]), json!([]), option("900"));
        assert_v6_only(&b, &900u32.to_be_bytes());
    }

    // V4-158: a client that does not ask for 108 gets an address as usual.
    #[test]
    fn client_not_asking_gets_an_address() {
        let b = network(json!([]), option("1800"), json!([]));
        assert_eq!(b.dora(1), ip("192.0.2.10"));
    }

    // V4-159: 108 at global or pool level is an ordinary option: an address, and 108 because it was asked for.
    #[test]
    fn global_or_pool_option_is_ordinary() {
        let global = Bench::new(json!({
            "option-data": option("1800"),
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]}]
        }));
        let pool = Bench::new(json!({
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                         "pools": [{"pool": "192.0.2.10 - 192.0.2.20", "option-data": option("1800")}]}]
        }));
        for b in [global, pool] {
            let offer = b.reply(&asking(query(MessageType::Discover, 1)), None);
            assert_eq!(offer.yiaddr, ip("192.0.2.10"));
            assert_eq!(offer.options.get(code::V6_ONLY_PREFERRED), Some(V6ONLY));
        }
    }

    // V4-158: a 0.0.0.0 answer that would lack 108 (never-send) is dropped, not sent.
    #[test]
    fn answer_without_option_is_dropped() {
        let b = network(
            json!([]),
            json!([{"name": "v6-only-preferred", "data": "1800", "never-send": true}]),
            json!([]),
        );
        let out = b.run(&asking(query(MessageType::Discover, 1)), None);
        assert!(
            matches!(
                out,
                Outcome4::Drop(DropReason::V6OnlyPreferredMissing { ack: false })
            ),
            "{out:?}"
        );
        let out = b.run(&asking(selecting(1, Ipv4Addr::UNSPECIFIED)), None);
        let Outcome4::Drop(reason) = out else {
            panic!("{out:?}")
        };
        assert_eq!(
            reason.message_id(),
            "DHCP4_V6_ONLY_PREFERRED_MISSING_IN_ACK"
        );
    }
}
