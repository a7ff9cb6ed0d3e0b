//! In-memory DHCPv4 lease indexes: by address (ordered, for paging), by hardware address, by client
//! identifier and by expiration. Every query and mutation is O(log n).

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, RandomState};
use std::net::Ipv4Addr;

use crate::{ClientId, HwAddr, Lease4, LeaseState};

/// The lease set and its secondary indexes, kept consistent by routing every change through
/// [`insert`](Self::insert) and [`remove`](Self::remove).
#[derive(Default)]
pub(crate) struct Index4 {
    by_addr: BTreeMap<Ipv4Addr, Lease4>,
    keys: Secondary,
}

/// The secondary indexes: (key, address) pairs, so several leases may share a key.
#[derive(Default)]
struct Secondary {
    /// Keyed by the address bytes alone (type 0), as Kea matches: a lease file does not record the
    /// hardware type, so a reloaded lease must still match a packet's `htype`.
    by_hw: BTreeSet<(HwAddr, Ipv4Addr)>,
    /// Keyed by a hash of the identifier so the index holds no copy of it; hits are checked against
    /// the lease. The hasher is seeded per store so clients cannot aim collisions.
    by_client: BTreeSet<(u64, Ipv4Addr)>,
    /// Leases not yet reclaimed (states Default, Declined, Released) by expiration time.
    unreclaimed: BTreeSet<(u64, Ipv4Addr)>,
    /// Leases in state ExpiredReclaimed by expiration time.
    reclaimed: BTreeSet<(u64, Ipv4Addr)>,
    hasher: RandomState,
}

/// The secondary keys of one lease.
#[derive(PartialEq)]
struct Keys {
    hw: Option<HwAddr>,
    client: Option<u64>,
    expire: u64,
    reclaimed: bool,
}

impl Secondary {
    fn keys(&self, lease: &Lease4) -> Keys {
        Keys {
            hw: lease.hwaddr.as_ref().map(hw_key),
            client: lease.client_id.as_ref().map(|id| self.client_key(id)),
            expire: lease.expire(),
            reclaimed: lease.state == LeaseState::ExpiredReclaimed,
        }
    }

    fn client_key(&self, id: &ClientId) -> u64 {
        self.hasher.hash_one(id.as_bytes())
    }

    fn expiry_set(&mut self, reclaimed: bool) -> &mut BTreeSet<(u64, Ipv4Addr)> {
        if reclaimed {
            &mut self.reclaimed
        } else {
            &mut self.unreclaimed
        }
    }

    fn link(&mut self, addr: Ipv4Addr, k: &Keys) {
        if let Some(hw) = k.hw {
            self.by_hw.insert((hw, addr));
        }
        if let Some(c) = k.client {
            self.by_client.insert((c, addr));
        }
        self.expiry_set(k.reclaimed).insert((k.expire, addr));
    }

    fn unlink(&mut self, addr: Ipv4Addr, k: &Keys) {
        if let Some(hw) = k.hw {
            self.by_hw.remove(&(hw, addr));
        }
        if let Some(c) = k.client {
            self.by_client.remove(&(c, addr));
        }
        self.expiry_set(k.reclaimed).remove(&(k.expire, addr));
    }

    /// Moves the entries of `addr` from `old` to `new` keys, touching only those that changed (a
    /// renewal changes only the expiration).
    fn relink(&mut self, addr: Ipv4Addr, old: &Keys, new: &Keys) {
        if old.hw != new.hw {
            if let Some(hw) = old.hw {
                self.by_hw.remove(&(hw, addr));
            }
            if let Some(hw) = new.hw {
                self.by_hw.insert((hw, addr));
            }
        }
        if old.client != new.client {
            if let Some(c) = old.client {
                self.by_client.remove(&(c, addr));
            }
            if let Some(c) = new.client {
                self.by_client.insert((c, addr));
            }
        }
        if (old.expire, old.reclaimed) != (new.expire, new.reclaimed) {
            self.expiry_set(old.reclaimed).remove(&(old.expire, addr));
            self.expiry_set(new.reclaimed).insert((new.expire, addr));
        }
    }
}

fn hw_key(hw: &HwAddr) -> HwAddr {
    HwAddr::new(0, hw.as_bytes())
}

impl Index4 {
    /// Indexes `leases` (keyed by their addresses), building each index in one sorted pass.
    pub(crate) fn from_map(by_addr: BTreeMap<Ipv4Addr, Lease4>) -> Self {
        let mut keys = Secondary::default();
        let mut hw = Vec::with_capacity(by_addr.len());
        let mut client = Vec::with_capacity(by_addr.len());
        let (mut unreclaimed, mut reclaimed) = (Vec::with_capacity(by_addr.len()), Vec::new());
        for (addr, lease) in &by_addr {
            let k = keys.keys(lease);
            hw.extend(k.hw.map(|h| (h, *addr)));
            client.extend(k.client.map(|c| (c, *addr)));
            if k.reclaimed {
                &mut reclaimed
            } else {
                &mut unreclaimed
            }
            .push((k.expire, *addr));
        }
        keys.by_hw = hw.into_iter().collect();
        keys.by_client = client.into_iter().collect();
        keys.unreclaimed = unreclaimed.into_iter().collect();
        keys.reclaimed = reclaimed.into_iter().collect();
        Self { by_addr, keys }
    }

    /// The lease of `addr`.
    pub(crate) fn get(&self, addr: Ipv4Addr) -> Option<&Lease4> {
        self.by_addr.get(&addr)
    }

    /// Number of leases.
    pub(crate) fn len(&self) -> usize {
        self.by_addr.len()
    }

    /// Inserts or replaces the lease at `lease.address`, returning the one replaced.
    pub(crate) fn insert(&mut self, lease: Lease4) -> Option<Lease4> {
        let addr = lease.address;
        let new = self.keys.keys(&lease);
        match self.by_addr.entry(addr) {
            Entry::Occupied(mut slot) => {
                let old = slot.insert(lease);
                let old_keys = self.keys.keys(&old);
                self.keys.relink(addr, &old_keys, &new);
                Some(old)
            }
            Entry::Vacant(slot) => {
                self.keys.link(addr, &new);
                slot.insert(lease);
                None
            }
        }
    }

    /// Removes and returns the lease of `addr`.
    pub(crate) fn remove(&mut self, addr: Ipv4Addr) -> Option<Lease4> {
        let lease = self.by_addr.remove(&addr)?;
        let k = self.keys.keys(&lease);
        self.keys.unlink(addr, &k);
        Some(lease)
    }

    /// Leases of hardware address `hw`, in address order.
    pub(crate) fn by_hwaddr(&self, hw: &HwAddr) -> Vec<Lease4> {
        let key = hw_key(hw);
        self.keys
            .by_hw
            .range((key, Ipv4Addr::UNSPECIFIED)..=(key, Ipv4Addr::BROADCAST))
            .filter_map(|(_, addr)| self.by_addr.get(addr).cloned())
            .collect()
    }

    /// Leases of client identifier `id`, in address order.
    pub(crate) fn by_client_id(&self, id: &ClientId) -> Vec<Lease4> {
        let key = self.keys.client_key(id);
        self.keys
            .by_client
            .range((key, Ipv4Addr::UNSPECIFIED)..=(key, Ipv4Addr::BROADCAST))
            .filter_map(|(_, addr)| self.by_addr.get(addr))
            .filter(|l| l.client_id.as_ref() == Some(id))
            .cloned()
            .collect()
    }

    /// Unreclaimed leases with `expire <= now`, oldest first, at most `limit` (0 = all).
    pub(crate) fn expired(&self, now: u64, limit: usize) -> Vec<Lease4> {
        let limit = if limit == 0 { usize::MAX } else { limit };
        self.keys
            .unreclaimed
            .range(..=(now, Ipv4Addr::BROADCAST))
            .take(limit)
            .filter_map(|(_, addr)| self.by_addr.get(addr).cloned())
            .collect()
    }

    /// Addresses of reclaimed leases with `expire <= cutoff`.
    pub(crate) fn reclaimed_until(&self, cutoff: u64) -> Vec<Ipv4Addr> {
        self.keys
            .reclaimed
            .range(..=(cutoff, Ipv4Addr::BROADCAST))
            .map(|&(_, addr)| addr)
            .collect()
    }

    /// At most `limit` leases with addresses above `from` (all when `None`), ascending.
    pub(crate) fn page(&self, from: Option<Ipv4Addr>, limit: usize) -> Vec<Lease4> {
        use std::ops::Bound::{Excluded, Unbounded};
        let start = from.map_or(Unbounded, Excluded);
        self.by_addr
            .range((start, Unbounded))
            .take(limit)
            .map(|(_, l)| l.clone())
            .collect()
    }

    /// All leases in address order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Lease4> {
        self.by_addr.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so failures replay.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % n
        }
    }

    fn random_lease(r: &mut Lcg) -> Lease4 {
        let state = LeaseState::from_u32(r.next(4) as u32).unwrap_or_default();
        Lease4 {
            hwaddr: (r.next(4) > 0).then(|| HwAddr::new(r.next(3) as u8, &[0, 1, r.next(5) as u8])),
            client_id: (r.next(3) > 0).then(|| ClientId::new(&[1, r.next(5) as u8])),
            state,
            ..Lease4::new(
                Ipv4Addr::new(10, 0, 0, r.next(40) as u8),
                1,
                r.next(50) as u32,
                r.next(50),
            )
        }
    }

    // Every index answers what a scan of all leases answers, after any sequence of changes.
    #[test]
    fn indexes_agree_with_a_scan() {
        let mut r = Lcg(7);
        let mut index = Index4::default();
        let mut model: BTreeMap<Ipv4Addr, Lease4> = BTreeMap::new();
        for step in 0..5000 {
            let lease = random_lease(&mut r);
            if r.next(4) == 0 {
                assert_eq!(index.remove(lease.address), model.remove(&lease.address));
            } else {
                assert_eq!(
                    index.insert(lease.clone()),
                    model.insert(lease.address, lease)
                );
            }
            if step % 50 != 0 {
                continue;
            }
            let rebuilt = Index4::from_map(model.clone());
            for idx in [&index, &rebuilt] {
                for b in 0..5u8 {
                    let hw = HwAddr::new(9, &[0, 1, b]);
                    let want: Vec<_> = model
                        .values()
                        .filter(|l| l.hwaddr.map(|h| h.as_bytes() == hw.as_bytes()) == Some(true))
                        .cloned()
                        .collect();
                    assert_eq!(idx.by_hwaddr(&hw), want, "step {step}");
                    let id = ClientId::new(&[1, b]);
                    let want: Vec<_> = model
                        .values()
                        .filter(|l| l.client_id.as_ref() == Some(&id))
                        .cloned()
                        .collect();
                    assert_eq!(idx.by_client_id(&id), want, "step {step}");
                }
                let now = r.next(120);
                let mut want: Vec<_> = model
                    .values()
                    .filter(|l| l.state != LeaseState::ExpiredReclaimed && l.expire() <= now)
                    .cloned()
                    .collect();
                want.sort_by_key(|l| (l.expire(), l.address));
                assert_eq!(idx.expired(now, 0), want, "step {step}");
                let mut want: Vec<_> = model
                    .values()
                    .filter(|l| l.state == LeaseState::ExpiredReclaimed && l.expire() <= now)
                    .map(|l| (l.expire(), l.address))
                    .collect();
                want.sort();
                assert_eq!(
                    idx.reclaimed_until(now),
                    want.into_iter().map(|w| w.1).collect::<Vec<_>>()
                );
                assert_eq!(idx.len(), model.len());
            }
        }
    }
}
