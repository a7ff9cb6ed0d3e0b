//! The free lease queue allocator (`allocator: "flq"`, V4-058): each pool of an flq subnet keeps the set
//! of its addresses that no lease holds, so a pick is one random draw however full the pool is.
//!
//! The set starts full when the snapshot is built, loses the addresses the store holds when the snapshot
//! is recounted, and then follows the lease transitions the statistics follow (`account.rs`): an
//! assignment takes an address out, a release or a reclamation puts it back. An expired lease that was
//! not reclaimed yet keeps its address out, so it is offered only after reclamation. The store stays
//! the authority: a pick it refuses (a declined address, a lease added by a command) leaves the set.

use std::sync::Mutex;

/// Marks an offset absent from the set in [`FreeSet::slot`].
const ABSENT: u32 = u32::MAX;

/// The free addresses of one pool, as offsets from its first address.
#[derive(Debug)]
pub(crate) struct FreeQueue {
    set: Mutex<FreeSet>,
    /// `exclude-first-last-24`: x.x.x.0 and x.x.x.255 are never free (V4-060).
    skip_edges: bool,
    first: u32,
}

/// An indexed set: `items` for the random draw, `slot[offset]` the place of `offset` in `items`, so
/// insertion and removal are constant time (removal swaps the last item in).
#[derive(Debug)]
struct FreeSet {
    items: Vec<u32>,
    slot: Vec<u32>,
}

impl FreeQueue {
    /// A queue holding every address of `first..=last` (but the edges when `skip_edges`).
    pub(crate) fn full(first: u32, last: u32, skip_edges: bool) -> Self {
        let size = (last - first) as usize + 1;
        let mut set = FreeSet {
            items: Vec::with_capacity(size),
            slot: vec![ABSENT; size],
        };
        for off in 0..=(last - first) {
            if !(skip_edges && is_edge(first + off)) {
                set.insert(off);
            }
        }
        FreeQueue {
            set: Mutex::new(set),
            skip_edges,
            first,
        }
    }

    /// A free address drawn uniformly, if any.
    pub(crate) fn draw(&self) -> Option<u32> {
        let set = self.lock();
        let n = set.items.len();
        (n > 0).then(|| self.first + set.items[rand::random::<u64>() as usize % n])
    }

    /// How many addresses are free.
    pub(crate) fn len(&self) -> usize {
        self.lock().items.len()
    }

    /// `addr` is leased: it leaves the set.
    pub(crate) fn take(&self, addr: u32) {
        self.lock().remove(addr - self.first);
    }

    /// `addr` is free again.
    pub(crate) fn put(&self, addr: u32) {
        if !(self.skip_edges && is_edge(addr)) {
            self.lock().insert(addr - self.first);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FreeSet> {
        // The set is consistent after every statement, so a panic elsewhere cannot leave it torn.
        self.set.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn is_edge(addr: u32) -> bool {
    matches!(addr & 0xff, 0 | 255)
}

impl FreeSet {
    fn insert(&mut self, off: u32) {
        let Some(slot) = self.slot.get_mut(off as usize) else {
            return;
        };
        if *slot == ABSENT {
            *slot = self.items.len() as u32;
            self.items.push(off);
        }
    }

    fn remove(&mut self, off: u32) {
        let Some(&at) = self.slot.get(off as usize) else {
            return;
        };
        if at == ABSENT {
            return;
        }
        self.items.swap_remove(at as usize);
        if let Some(&moved) = self.items.get(at as usize) {
            self.slot[moved as usize] = at;
        }
        self.slot[off as usize] = ABSENT;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::net::Ipv4Addr;

    fn a(s: &str) -> u32 {
        s.parse::<Ipv4Addr>().unwrap().into()
    }

    // V4-058: take and put keep the set exact; draws come only from it.
    #[test]
    fn set_follows_take_and_put() {
        let q = FreeQueue::full(a("10.0.0.1"), a("10.0.0.10"), false);
        assert_eq!(q.len(), 10);
        for i in 1..=9 {
            q.take(a(&format!("10.0.0.{i}")));
        }
        q.take(a("10.0.0.3"));
        assert_eq!(q.len(), 1);
        for _ in 0..20 {
            assert_eq!(q.draw(), Some(a("10.0.0.10")));
        }
        q.take(a("10.0.0.10"));
        assert_eq!(q.draw(), None);
        q.put(a("10.0.0.4"));
        q.put(a("10.0.0.4"));
        q.put(a("10.0.0.7"));
        let drawn: BTreeSet<u32> = (0..200).filter_map(|_| q.draw()).collect();
        assert_eq!(drawn, BTreeSet::from([a("10.0.0.4"), a("10.0.0.7")]));
    }

    // V4-060 with flq: the edges of a /24 are never free.
    #[test]
    fn edges_excluded() {
        let q = FreeQueue::full(a("10.0.0.0"), a("10.0.1.255"), true);
        assert_eq!(q.len(), 512 - 4);
        q.put(a("10.0.1.0"));
        assert_eq!(q.len(), 512 - 4);
    }

    mod engine {
        use crate::v4::process::tests::{ip, query, Bench};
        use crate::v4::{DropReason, Outcome4};
        use ruru_lease::Lease4;
        use ruru_proto::v4::MessageType;
        use serde_json::json;
        use std::collections::BTreeSet;
        use std::net::Ipv4Addr;

        fn bench(lifetime: u32) -> Bench {
            Bench::new(json!({
                "valid-lifetime": lifetime,
                "allocator": "flq",
                "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                             "pools": [{"pool": "192.0.2.10 - 192.0.2.14"}, {"pool": "192.0.2.100/31"}]}]
            }))
        }

        fn offer_fails(b: &Bench, mac: u8) {
            let out = b.run(&query(MessageType::Discover, mac), None);
            assert!(
                matches!(out, Outcome4::Drop(DropReason::NoAddress)),
                "{out:?}"
            );
        }

        fn free(b: &Bench) -> usize {
            b.snap.subnets[0]
                .pools
                .iter()
                .filter_map(|p| p.free.as_ref())
                .map(super::FreeQueue::len)
                .sum()
        }

        // V4-058: flq fills both pools completely with distinct addresses, then fails as exhausted; a
        // release puts its address back, and the next client gets exactly it.
        #[test]
        fn fills_pools_and_reuses_released() {
            let b = bench(4000);
            assert_eq!(free(&b), 7);
            let leased: Vec<Ipv4Addr> = (1..=7).map(|mac| b.dora(mac)).collect();
            let got: BTreeSet<Ipv4Addr> = leased.iter().copied().collect();
            let all: BTreeSet<Ipv4Addr> = ["10", "11", "12", "13", "14", "100", "101"]
                .iter()
                .map(|o| ip(&format!("192.0.2.{o}")))
                .collect();
            assert_eq!(got, all);
            assert_eq!(free(&b), 0);
            offer_fails(&b, 8);
            assert_eq!(b.stat("subnet[1].v4-allocation-fail-subnet"), 1);
            let mut rel = query(MessageType::Release, 3);
            rel.ciaddr = leased[2];
            b.run(&rel, None);
            assert_eq!(free(&b), 1);
            assert_eq!(b.dora(9), rel.ciaddr);
        }

        // V4-058: an expired lease is not offered until it is reclaimed.
        #[test]
        fn expired_free_only_once_reclaimed() {
            let mut b = bench(100);
            for mac in 1..=7 {
                b.dora(mac);
            }
            b.now += 200;
            offer_fails(&b, 8);
            b.reclaim(b.now);
            assert_eq!(free(&b), 7);
            assert_ne!(b.dora(8), Ipv4Addr::UNSPECIFIED);
        }

        // V4-058: a snapshot built over a store that holds leases starts without their addresses:
        // active, expired-unreclaimed and declined ones are out, a reclaimed one is free.
        #[test]
        fn recount_takes_out_stored_leases() {
            use ruru_lease::LeaseState;
            let b = bench(4000);
            let lease = |a: &str, state: LeaseState, cltt: u64| {
                let mut l = Lease4::new(ip(a), 1, 4000, cltt);
                l.state = state;
                assert!(b.store.add4_sync(&l));
            };
            lease("192.0.2.10", LeaseState::Default, b.now);
            lease("192.0.2.11", LeaseState::Default, b.now - 10_000);
            lease("192.0.2.12", LeaseState::Declined, b.now);
            lease("192.0.2.13", LeaseState::ExpiredReclaimed, b.now - 10_000);
            tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap()
                .block_on(b.snap.recount(&b.store))
                .unwrap();
            assert_eq!(free(&b), 4);
            let got: BTreeSet<Ipv4Addr> = (1..=4).map(|mac| b.dora(mac)).collect();
            assert!(got.contains(&ip("192.0.2.13")), "{got:?}");
            assert!(!got.contains(&ip("192.0.2.11")), "{got:?}");
            offer_fails(&b, 5);
        }
    }
}
