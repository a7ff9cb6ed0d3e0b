//! Bookkeeping for lease transitions, shared by packet processing, reclamation and lease commands: the
//! statistics, and the `flq` free queues, which follow the same transitions (an address counted as
//! assigned is not free, V4-058).

use super::snapshot::Snapshot4;
use ruru_lease::{Lease4, LeaseState};

impl Snapshot4 {
    /// Puts the lease's address back into (`free`) or takes it out of its pool's free queue, if the
    /// pool has one.
    fn mark_free(&self, lease: &Lease4, free: bool) {
        let queue = self
            .subnet_by_id(lease.subnet_id)
            .and_then(|si| self.subnets[si].pool_of(lease.address))
            .and_then(|p| p.free.as_ref());
        if let Some(q) = queue {
            let a = u32::from(lease.address);
            if free {
                q.put(a);
            } else {
                q.take(a);
            }
        }
    }

    fn for_lease(&self, lease: &Lease4, f: impl Fn(&ruru_stats::Counter, &ruru_stats::Counter)) {
        if let Some(si) = self.subnet_by_id(lease.subnet_id) {
            let st = &self.subnets[si];
            f(&st.stats.assigned, &st.stats.declined);
            if let Some(p) = st.pool_of(lease.address) {
                f(&p.stats.assigned, &p.stats.declined);
            }
        }
    }

    /// A new lease was handed out (V4-165, V4-166).
    pub(crate) fn count_assigned(&self, lease: &Lease4) {
        self.stats.cumulative_assigned.inc();
        if let Some(si) = self.subnet_by_id(lease.subnet_id) {
            let st = &self.subnets[si];
            st.stats.assigned.inc();
            st.stats.cumulative_assigned.inc();
            if let Some(p) = st.pool_of(lease.address) {
                p.stats.assigned.inc();
                p.stats.cumulative_assigned.inc();
                if let Some(q) = &p.free {
                    q.take(lease.address.into());
                }
            }
        }
    }

    /// A lease stopped counting as assigned (release, or reclamation of an active lease).
    pub(crate) fn count_unassigned(&self, lease: &Lease4) {
        self.for_lease(lease, |assigned, _| assigned.dec());
        self.mark_free(lease, true);
    }

    /// An address was declined (V4-034, V4-168): assigned stays, declined rises.
    pub(crate) fn count_declined(&self, lease: &Lease4) {
        self.stats.declined.inc();
        self.for_lease(lease, |_, declined| declined.inc());
    }

    /// A lease entered (`delta` 1) or left (`delta` -1) the store outside packet processing (a lease
    /// command): its share of `assigned-addresses` (while in state default or declined, the rule
    /// `recount` applies, so a restart finds the same figures) and of `declined-addresses` is added or
    /// taken back. Cumulative counters stay: nothing was allocated (Kea does the same, LC-020).
    pub(crate) fn count_stored(&self, lease: &Lease4, delta: i64) {
        let assigned = matches!(lease.state, LeaseState::Default | LeaseState::Declined);
        let declined = lease.state == LeaseState::Declined;
        if declined {
            self.stats.declined.add(delta);
        }
        if assigned {
            self.mark_free(lease, delta < 0);
        }
        self.for_lease(lease, |a, d| {
            if assigned {
                a.add(delta);
            }
            if declined {
                d.add(delta);
            }
        });
    }

    /// An expired or declined lease was reclaimed (V4-077, V4-078, V4-167).
    pub(crate) fn count_reclaimed(&self, lease: &Lease4) {
        self.stats.reclaimed.inc();
        let declined = lease.state == LeaseState::Declined;
        if declined {
            self.stats.declined.dec();
            self.stats.reclaimed_declined.inc();
        }
        if let Some(si) = self.subnet_by_id(lease.subnet_id) {
            let st = &self.subnets[si];
            st.stats.reclaimed.inc();
            st.stats.assigned.dec();
            if declined {
                st.stats.declined.dec();
                st.stats.reclaimed_declined.inc();
            }
            if let Some(p) = st.pool_of(lease.address) {
                if let Some(q) = &p.free {
                    q.put(lease.address.into());
                }
                p.stats.reclaimed.inc();
                p.stats.assigned.dec();
                if declined {
                    p.stats.declined.dec();
                    p.stats.reclaimed_declined.inc();
                }
            }
        }
    }
}

// The stored context, its relay agent information replaced by the one this query brought.
crate::commit::family_accounting!(Lease4, Snapshot4, |new, old| {
    new.user_context = crate::extended_info::carry_over(
        super::extended_info::KEY,
        old.user_context.as_ref(),
        new.user_context.take(),
    );
});
