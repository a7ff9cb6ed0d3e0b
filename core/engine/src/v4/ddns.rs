//! The DHCPv4 events that send NameChangeRequests (V4-150).

use super::snapshot::Snapshot4;
use crate::ddns::{self, DnsData, NcrParams};
use ruru_ddns::ChangeType;
use ruru_lease::{Lease4, LeaseState};

impl Snapshot4 {
    /// Queues an NCR for `lease` under its subnet's TTL and conflict settings, when DDNS is on and
    /// the lease has a name and a direction; whether one was queued. Also the way in for lease
    /// commands (`lease4-resend-ddns`, `lease4-del` with `update-ddns`).
    pub fn queue_ncr(&self, change: ChangeType, lease: &Lease4) -> bool {
        let subnet = self
            .subnet_by_id(lease.subnet_id)
            .map(|si| &self.config.subnets[si].ddns);
        ddns::lease4(&self.ddns, change, lease, NcrParams::of(subnet))
    }

    /// The NCRs of a lease a REQUEST has just written over `old` (Kea's rule): the old records are
    /// removed when the name or directions changed, and the new ones added unless nothing changed
    /// on a renewal (`ddns-update-on-renew` adds them every time).
    pub(crate) fn ncrs_for_grant(&self, new: &Lease4, old: Option<&Lease4>) {
        if !self.ddns.enabled() {
            return;
        }
        // Leases already reclaimed, released or declined had their records removed back then.
        let old = old.filter(|o| o.state == LeaseState::Default);
        let unchanged = old.is_some_and(|o| DnsData::of4(o).same_as(DnsData::of4(new)));
        if let Some(o) = old.filter(|_| !unchanged) {
            self.queue_ncr(ChangeType::Remove, o);
        }
        let on_renew = self
            .subnet_by_id(new.subnet_id)
            .is_some_and(|si| self.config.subnets[si].ddns.update_on_renew);
        if !unchanged || on_renew {
            self.queue_ncr(ChangeType::Add, new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::process::tests::{ip, query, selecting, Bench, SERVER};
    use ruru_proto::v4::{code, MessageType};
    use serde_json::{json, Value};
    use std::net::UdpSocket;

    /// A bench whose NCRs go to a local socket; `extra` is merged into the `Dhcp4` map.
    fn bench(extra: Value) -> (Bench, UdpSocket) {
        let mut cfg = json!({
            "valid-lifetime": 3600,
            "dhcp-ddns": {"enable-updates": true},
            "ddns-qualifying-suffix": "example.org",
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]}]
        });
        for (k, v) in extra.as_object().unwrap() {
            cfg[k] = v.clone();
        }
        let mut b = Bench::new(cfg);
        let (d2, queue) = crate::ddns::test_d2::start(&b.snap.config.dhcp_ddns, false);
        b.snap.ddns = queue;
        (b, d2)
    }

    /// (change-type, fqdn, forward, reverse) of every NCR that arrives.
    fn received(d2: &UdpSocket) -> Vec<(u64, String, bool, bool)> {
        crate::ddns::test_d2::received(d2)
            .iter()
            .map(|v| {
                (
                    v["change-type"].as_u64().unwrap(),
                    v["fqdn"].as_str().unwrap().to_owned(),
                    v["forward-change"].as_bool().unwrap(),
                    v["reverse-change"].as_bool().unwrap(),
                )
            })
            .collect()
    }

    fn named(msg: MessageType, mac: u8, name: &str) -> ruru_proto::v4::Packet4 {
        let mut p = query(msg, mac);
        p.options.insert(code::HOST_NAME, name.as_bytes());
        p
    }

    fn request(mac: u8, addr: std::net::Ipv4Addr, name: &str) -> ruru_proto::v4::Packet4 {
        let mut p = selecting(mac, addr);
        p.options.insert(code::HOST_NAME, name.as_bytes());
        p
    }

    fn add(fqdn: &str) -> (u64, String, bool, bool) {
        (0, fqdn.into(), true, true)
    }

    fn remove(fqdn: &str) -> (u64, String, bool, bool) {
        (1, fqdn.into(), true, true)
    }

    // V4-150: no NCR for an OFFER; the REQUEST adds; a renewal that changes nothing sends none; a
    // new name removes the old records and adds the new; RELEASE removes.
    #[test]
    fn v4_150_request_renewal_rename_release() {
        let (b, d2) = bench(json!({}));
        let offer = b.reply(&named(MessageType::Discover, 1, "alpha"), None);
        assert!(received(&d2).is_empty(), "an OFFER sent an NCR");
        let a = offer.yiaddr;
        b.reply(&request(1, a, "alpha"), None);
        assert_eq!(received(&d2), [add("alpha.example.org.")]);
        b.reply(&request(1, a, "alpha"), None);
        assert!(received(&d2).is_empty(), "an unchanged renewal sent an NCR");
        b.reply(&request(1, a, "beta"), None);
        assert_eq!(
            received(&d2),
            [remove("alpha.example.org."), add("beta.example.org.")]
        );
        let mut release = query(MessageType::Release, 1);
        release.ciaddr = a;
        release.options.insert(code::SERVER_ID, &SERVER.octets());
        b.run(&release, None);
        assert_eq!(received(&d2), [remove("beta.example.org.")]);
        // Reclaiming the released lease later does not remove the records again.
        b.reclaim(super::super::process::tests::T0 + 10);
        assert!(received(&d2).is_empty());
    }

    // V4-150: ddns-update-on-renew adds on every renewal; DECLINE removes; reclamation of an
    // expired lease removes.
    #[test]
    fn v4_150_update_on_renew_decline_and_reclaim() {
        let (b, d2) = bench(json!({"ddns-update-on-renew": true}));
        let a = b
            .reply(&named(MessageType::Discover, 1, "alpha"), None)
            .yiaddr;
        b.reply(&request(1, a, "alpha"), None);
        b.reply(&request(1, a, "alpha"), None);
        assert_eq!(
            received(&d2),
            [add("alpha.example.org."), add("alpha.example.org.")]
        );
        let mut decline = query(MessageType::Decline, 1);
        decline.options.insert(code::REQUESTED_ADDRESS, &a.octets());
        decline.options.insert(code::SERVER_ID, &SERVER.octets());
        b.run(&decline, None);
        assert_eq!(received(&d2), [remove("alpha.example.org.")]);

        let c = b
            .reply(&named(MessageType::Discover, 2, "gamma"), None)
            .yiaddr;
        b.reply(&request(2, c, "gamma"), None);
        assert_eq!(received(&d2), [add("gamma.example.org.")]);
        b.reclaim(super::super::process::tests::T0 + 3601);
        assert_eq!(received(&d2), [remove("gamma.example.org.")]);
        assert_eq!(c, ip("192.0.2.11"));
    }

    // V4-066, V4-150: with offer-lifetime the OFFER stores a lease but no NCR; its REQUEST adds.
    #[test]
    fn v4_150_offer_lifetime_adds_at_request() {
        let (b, d2) = bench(json!({"offer-lifetime": 60}));
        let a = b
            .reply(&named(MessageType::Discover, 1, "alpha"), None)
            .yiaddr;
        assert!(b.lease(a).is_some());
        assert!(received(&d2).is_empty());
        b.reply(&request(1, a, "alpha"), None);
        assert_eq!(received(&d2), [add("alpha.example.org.")]);
    }
}
