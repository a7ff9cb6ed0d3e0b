//! Bookkeeping for DHCPv6 lease transitions, shared by packet processing, reclamation and lease
//! commands: the statistics (addresses count in `*-nas` and their pool, prefixes in `*-pds` and their
//! pd-pool), and the pd-pools' `flq` free queues, which follow the same transitions (a prefix counted
//! as assigned is not free, V6-072).

use super::snapshot::{Snapshot6, SubnetState6};
use ruru_lease::{Lease6, LeaseState, LeaseType};
use ruru_stats::Counter;

/// The counters one lease moves at one level (subnet or pool).
struct Level<'a> {
    assigned: &'a Counter,
    cumulative: &'a Counter,
    reclaimed: &'a Counter,
    /// Declined counters exist for addresses only.
    declined: Option<(&'a Counter, &'a Counter)>,
}

impl Snapshot6 {
    /// Puts the prefix of a PD lease back into (`free`) or takes it out of its pd-pool's free queue,
    /// if the pool has one.
    fn mark_free(&self, lease: &Lease6, free: bool) {
        let pool = self
            .subnet_by_id(lease.subnet_id)
            .and_then(|si| self.subnets[si].pd_pool_of(lease.address, lease.prefix_len))
            .filter(|_| lease.lease_type == LeaseType::Pd);
        if let Some((p, q)) = pool.and_then(|p| Some((p, p.free.as_ref()?))) {
            let k = p.index_of(lease.address) as u32;
            if free {
                q.put(k);
            } else {
                q.take(k);
            }
        }
    }

    /// The subnet and pool levels of `lease`, if its subnet is configured.
    fn levels(&self, lease: &Lease6) -> Vec<Level<'_>> {
        let Some(si) = self.subnet_by_id(lease.subnet_id) else {
            return Vec::new();
        };
        let st: &SubnetState6 = &self.subnets[si];
        let s = &st.stats;
        let mut out = Vec::with_capacity(2);
        if lease.lease_type == LeaseType::Pd {
            out.push(Level {
                assigned: &s.assigned_pds,
                cumulative: &s.cumulative_pds,
                reclaimed: &s.reclaimed,
                declined: None,
            });
            if let Some(p) = st.pd_pool_of(lease.address, lease.prefix_len) {
                out.push(Level {
                    assigned: &p.stats.assigned,
                    cumulative: &p.stats.cumulative,
                    reclaimed: &p.stats.reclaimed,
                    declined: None,
                });
            }
        } else {
            out.push(Level {
                assigned: &s.assigned_nas,
                cumulative: &s.cumulative_nas,
                reclaimed: &s.reclaimed,
                declined: Some((&s.declined, &s.reclaimed_declined)),
            });
            if let Some(p) = st.pool_of(lease.address) {
                out.push(Level {
                    assigned: &p.stats.assigned,
                    cumulative: &p.stats.cumulative,
                    reclaimed: &p.stats.reclaimed,
                    declined: Some((&p.stats.declined, &p.stats.reclaimed_declined)),
                });
            }
        }
        out
    }

    /// A new lease was handed out (V6-185, V6-186).
    pub(crate) fn count_assigned(&self, lease: &Lease6) {
        match lease.lease_type {
            LeaseType::Pd => self.stats.cumulative_pds.inc(),
            _ => self.stats.cumulative_nas.inc(),
        }
        for l in self.levels(lease) {
            l.assigned.inc();
            l.cumulative.inc();
        }
        self.mark_free(lease, false);
    }

    /// A lease stopped counting as assigned (RELEASE, V6-040).
    pub(crate) fn count_unassigned(&self, lease: &Lease6) {
        self.levels(lease).iter().for_each(|l| l.assigned.dec());
        self.mark_free(lease, true);
    }

    /// An address was declined (V6-041, V6-188): assigned stays, declined rises.
    pub(crate) fn count_declined(&self, lease: &Lease6) {
        self.stats.declined.inc();
        for l in self.levels(lease) {
            if let Some((declined, _)) = l.declined {
                declined.inc();
            }
        }
    }

    /// An expired or declined lease was reclaimed (V6-095, V6-096, V6-187, V6-188).
    pub(crate) fn count_reclaimed(&self, lease: &Lease6) {
        self.stats.reclaimed.inc();
        let declined = lease.state == LeaseState::Declined;
        if declined {
            self.stats.declined.dec();
            self.stats.reclaimed_declined.inc();
        }
        for l in self.levels(lease) {
            l.reclaimed.inc();
            l.assigned.dec();
            if let (true, Some((d, rd))) = (declined, l.declined) {
                d.dec();
                rd.inc();
            }
        }
        self.mark_free(lease, true);
    }

    /// A lease entered (`delta` 1) or left (`delta` -1) the store outside packet processing (a lease
    /// command, or a recount): its share of the assigned counters while in state default or declined,
    /// and of `declined-addresses`. Cumulative counters stay: nothing was allocated.
    pub(crate) fn count_stored(&self, lease: &Lease6, delta: i64) {
        let assigned = matches!(lease.state, LeaseState::Default | LeaseState::Declined);
        let declined = lease.state == LeaseState::Declined;
        if declined {
            self.stats.declined.add(delta);
        }
        if assigned {
            self.mark_free(lease, delta < 0);
        }
        for l in self.levels(lease) {
            if assigned {
                l.assigned.add(delta);
            }
            if let (true, Some((d, _))) = (declined, l.declined) {
                d.add(delta);
            }
        }
    }
}

// The stored context, its relay information replaced by the one this query brought.
crate::commit::family_accounting!(Lease6, Snapshot6, |new, old| {
    new.user_context = crate::extended_info::carry_over(
        super::extended_info::KEY,
        old.user_context.as_ref(),
        new.user_context.take(),
    );
});
