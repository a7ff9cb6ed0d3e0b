//! Writing a granted lease over what the store held for its address, and the statistics that move
//! with it: the same in both families (v4 `process`, v6 `grant`).

use ruru_lease::{Lease4, Lease6, LeaseState, LeaseStore4, LeaseStore6, StoreError};
use std::future::Future;

/// What the store says about an address (or prefix) for a given client.
#[derive(Debug)]
pub(crate) enum Avail<L> {
    /// No lease: the address is free.
    Free,
    /// The client's own lease (any state; DHCPv6: any state but declined, of this DUID and IAID).
    Ours(L),
    /// Another client's lease that has expired, or a released/reclaimed one: reusable after reclaiming.
    Reclaimable(L),
    /// Leased to someone else, or declined and still in probation.
    Taken,
}

impl<L> Avail<L> {
    pub(crate) fn usable(&self) -> bool {
        !matches!(self, Avail::Taken)
    }
}

impl<L: Granted> Avail<L> {
    /// Judges what the store `found` at an address for a client at `now`; `ours` says whether a lease
    /// is the client's own.
    pub(crate) fn judge(found: Option<L>, ours: impl FnOnce(&L) -> bool, now: u64) -> Self {
        match found {
            None => Avail::Free,
            Some(l) if l.state() != LeaseState::Declined && ours(&l) => Avail::Ours(l),
            Some(l)
                if matches!(
                    l.state(),
                    LeaseState::ExpiredReclaimed | LeaseState::Released
                ) || l.is_expired(now) =>
            {
                Avail::Reclaimable(l)
            }
            Some(_) => Avail::Taken,
        }
    }
}

/// Why no address (or prefix) could be allocated (V4-061, V4-169, V6-075).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AllocFail {
    NoPools,
    Classes,
    Exhausted { shared: bool },
}

/// Counts a failed allocation with its cause (`why`, an [`AllocFail`]) at the global level `$g` and
/// the subnet level `$s`: both families' statistic sets name these counters alike.
macro_rules! count_alloc_fail {
    ($g:expr, $s:expr, $why:expr) => {{
        let (g, s) = ($g, $s);
        g.alloc_fail.inc();
        s.alloc_fail.inc();
        let (gc, sc) = match $why {
            $crate::commit::AllocFail::NoPools => (&g.alloc_fail_no_pools, &s.alloc_fail_no_pools),
            $crate::commit::AllocFail::Classes => (&g.alloc_fail_classes, &s.alloc_fail_classes),
            $crate::commit::AllocFail::Exhausted { shared: true } => {
                (&g.alloc_fail_shared_network, &s.alloc_fail_shared_network)
            }
            $crate::commit::AllocFail::Exhausted { shared: false } => {
                (&g.alloc_fail_subnet, &s.alloc_fail_subnet)
            }
        };
        gc.inc();
        sc.inc();
    }};
}
pub(crate) use count_alloc_fail;

/// A family's lease, as [`commit`] reads it.
pub(crate) trait Granted: Sized {
    fn state(&self) -> LeaseState;
    fn subnet_id(&self) -> u32;
    fn is_expired(&self, now: u64) -> bool;
    fn hostname(&mut self) -> &mut String;
    /// Sets the user context a rewrite of the client's own lease `old` keeps.
    fn carry_context(&mut self, old: &Self);
}

/// The statistics a committed lease moves (the snapshot's `count_*` bookkeeping).
pub(crate) trait Accounting<L> {
    /// A new lease was handed out.
    fn assigned(&self, lease: &L);
    /// A lease stopped counting as assigned.
    fn unassigned(&self, lease: &L);
    /// An expired or declined lease was reclaimed.
    fn reclaimed(&self, lease: &L);
}

/// The [`Granted`], [`Accounting`] and `lease_admin::CountStored` impls of one family, whose lease and
/// snapshot types name their fields and `count_*` methods alike: `$lease`, `$snap`, and `$carry`, the
/// body of [`Granted::carry_context`] over `$new` (the lease being written) and `$old`.
macro_rules! family_accounting {
    ($lease:ty, $snap:ty, |$new:ident, $old:ident| $carry:expr) => {
        impl $crate::commit::Granted for $lease {
            fn state(&self) -> ruru_lease::LeaseState {
                self.state
            }
            fn subnet_id(&self) -> u32 {
                self.subnet_id
            }
            fn is_expired(&self, now: u64) -> bool {
                <$lease>::is_expired(self, now)
            }
            fn hostname(&mut self) -> &mut String {
                &mut self.hostname
            }
            fn carry_context(&mut self, $old: &$lease) {
                let $new = self;
                $carry
            }
        }

        impl $crate::commit::Accounting<$lease> for $snap {
            fn assigned(&self, lease: &$lease) {
                self.count_assigned(lease);
            }
            fn unassigned(&self, lease: &$lease) {
                self.count_unassigned(lease);
            }
            fn reclaimed(&self, lease: &$lease) {
                self.count_reclaimed(lease);
            }
        }

        impl $crate::lease_admin::CountStored<$lease> for $snap {
            fn stored(&self, lease: &$lease, delta: i64) {
                self.count_stored(lease, delta);
            }
        }
    };
}
pub(crate) use family_accounting;

/// A family's store writes, as [`commit`] makes them.
pub(crate) trait Writes<L> {
    /// Inserts only if no lease holds the address; `Ok(false)` if one does.
    fn add(&self, lease: &L) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Replaces `read`, the lease read at the address; `Ok(false)` if it is gone or changed.
    fn update(&self, lease: &L, read: &L) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

impl<S: LeaseStore4> Writes<Lease4> for S {
    fn add(&self, lease: &Lease4) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.add4(lease)
    }
    fn update(
        &self,
        lease: &Lease4,
        read: &Lease4,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.update4(lease, read)
    }
}

impl<S: LeaseStore6> Writes<Lease6> for S {
    fn add(&self, lease: &Lease6) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.add6(lease)
    }
    fn update(
        &self,
        lease: &Lease6,
        read: &Lease6,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.update6(lease, read)
    }
}

/// Writes `lease`, replacing what `avail` found, and counts the change in `snap`; `None` if another
/// worker took the address first or changed the lease found since it was read (another server
/// sharing the database: only one of them takes over a lease both read, LC-116). A lease found
/// but deleted since is added anew.
pub(crate) async fn commit<L: Granted, S: Writes<L>>(
    snap: &impl Accounting<L>,
    store: &S,
    mut lease: L,
    avail: Avail<L>,
    now: u64,
) -> Result<Option<L>, StoreError> {
    match avail {
        Avail::Free => {
            if !store.add(&lease).await? {
                return Ok(None);
            }
            snap.assigned(&lease);
        }
        Avail::Ours(mut old) => {
            let was_active = old.state() == LeaseState::Default && !old.is_expired(now);
            if lease.hostname().is_empty() && was_active {
                *lease.hostname() = old.hostname().clone();
            }
            lease.carry_context(&old);
            if !store.update(&lease, &old).await? && !store.add(&lease).await? {
                return Ok(None);
            }
            if !was_active {
                if old.state() == LeaseState::Default {
                    // Expired but not yet reclaimed: reclaimed on the spot (V4-059, V6-073).
                    snap.reclaimed(&old);
                }
                snap.assigned(&lease);
            } else if old.subnet_id() != lease.subnet_id() {
                snap.unassigned(&old);
                snap.assigned(&lease);
            }
        }
        Avail::Reclaimable(old) => {
            if !store.update(&lease, &old).await? && !store.add(&lease).await? {
                return Ok(None);
            }
            if matches!(old.state(), LeaseState::Default | LeaseState::Declined) {
                snap.reclaimed(&old);
            }
            snap.assigned(&lease);
        }
        Avail::Taken => return Ok(None),
    }
    Ok(Some(lease))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::contended::{Contended, THEIRS};
    use ruru_lease::HwAddr;
    use std::cell::Cell;
    use std::net::Ipv4Addr;

    /// Counts the statistics changes a commit makes.
    #[derive(Default)]
    struct Counts(Cell<u32>);

    impl Accounting<Lease4> for Counts {
        fn assigned(&self, _: &Lease4) {
            self.0.set(self.0.get() + 1);
        }
        fn unassigned(&self, _: &Lease4) {
            self.0.set(self.0.get() + 1);
        }
        fn reclaimed(&self, _: &Lease4) {
            self.0.set(self.0.get() + 1);
        }
    }

    pub(crate) fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    /// Client `client`'s lease of 192.0.2.10, 100 s long from `cltt`.
    pub(crate) fn lease(client: u8, cltt: u64) -> Lease4 {
        Lease4 {
            hwaddr: Some(HwAddr::new(1, &[0, 0, 0, 0, 0, client])),
            ..Lease4::new(Ipv4Addr::new(192, 0, 2, 10), 1, 100, cltt)
        }
    }

    // LC-116: reusing an expired lease, or renewing the client's own, replaces only the lease read.
    // When another server changed it in between, the commit loses the address (the caller picks
    // another), the other server's lease stays, and no statistic moves.
    #[test]
    fn lc116_commit_over_a_lease_changed_since_read_loses_the_address() {
        let now = 1_000;
        let old = lease(1, 500);
        for avail in [Avail::Reclaimable(old.clone()), Avail::Ours(old.clone())] {
            let store = Contended::new();
            assert!(store.0.add4_sync(&old));
            let counts = Counts::default();
            let got = block_on(commit(&counts, &store, lease(2, now), avail, now)).unwrap();
            assert_eq!(got, None);
            let stored = store.0.get4_sync(old.address).unwrap();
            assert_eq!((stored.cltt, stored.hostname.as_str()), (600, THEIRS));
            assert_eq!(counts.0.get(), 0);
        }
    }
}
