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
