//! In-memory DHCPv4 lease indexes: by address (ordered, for paging), by expiration (ordered), and
//! by hardware address and client identifier (hashed: one probe per lookup, as every DISCOVER and
//! REQUEST does both). Queries and mutations are O(log n), plus O(k) for the k leases sharing one
//! identifier.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, RandomState};
use std::net::Ipv4Addr;

use crate::key_index::KeyIndex;
use crate::{ClientId, HwAddr, Lease4, LeaseState};

/// The lease set and its secondary indexes, kept consistent by routing every change through
/// [`insert`](Self::insert) and [`remove`](Self::remove).
#[derive(Default)]
pub(crate) struct Index4 {
    by_addr: BTreeMap<Ipv4Addr, Lease4>,
    keys: Secondary,
}

/// The secondary indexes. Several leases may share a key.
///
/// The identifier indexes are keyed by a hash of the identifier's bytes so they hold no copy of
/// it; hits are checked against the lease. The hasher is seeded per store so clients cannot aim
/// collisions.
#[derive(Default)]
struct Secondary {
    /// Keyed by the address bytes alone, as Kea matches: a lease file does not record the hardware
    /// type, so a reloaded lease must still match a packet's `htype`.
    by_hw: KeyIndex,
    /// Keyed by the identifier's bytes.
    by_client: KeyIndex,
    /// Leases not yet reclaimed (states Default, Declined, Released) by expiration time.
    unreclaimed: BTreeSet<(u64, Ipv4Addr)>,
    /// Leases in state ExpiredReclaimed by expiration time.
    reclaimed: BTreeSet<(u64, Ipv4Addr)>,
    hasher: RandomState,
}

/// The secondary keys of one lease.
#[derive(PartialEq)]
struct Keys {
    hw: Option<u64>,
    client: Option<u64>,
    expire: u64,
    reclaimed: bool,
}

impl Secondary {
    fn keys(&self, lease: &Lease4) -> Keys {
        Keys {
            hw: lease.hwaddr.as_ref().map(|hw| self.id_key(hw.as_bytes())),
            client: lease
                .client_id
                .as_ref()
                .map(|id| self.id_key(id.as_bytes())),
            expire: lease.expire(),
            reclaimed: lease.state == LeaseState::ExpiredReclaimed,
        }
    }

    /// The index key of an identifier: a hash of its bytes (for a hardware address, without the
    /// type).
    fn id_key(&self, bytes: &[u8]) -> u64 {
        self.hasher.hash_one(bytes)
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
            self.by_hw.insert(hw, addr);
        }
        if let Some(c) = k.client {
            self.by_client.insert(c, addr);
        }
        self.expiry_set(k.reclaimed).insert((k.expire, addr));
    }

    fn unlink(&mut self, addr: Ipv4Addr, k: &Keys) {
        if let Some(hw) = k.hw {
            self.by_hw.remove(hw, addr);
        }
        if let Some(c) = k.client {
            self.by_client.remove(c, addr);
        }
        self.expiry_set(k.reclaimed).remove(&(k.expire, addr));
    }

    /// Moves the entries of `addr` from `old` to `new` keys, touching only those that changed (a
    /// renewal changes only the expiration).
    fn relink(&mut self, addr: Ipv4Addr, old: &Keys, new: &Keys) {
        if old.hw != new.hw {
            if let Some(hw) = old.hw {
                self.by_hw.remove(hw, addr);
            }
            if let Some(hw) = new.hw {
                self.by_hw.insert(hw, addr);
            }
        }
        if old.client != new.client {
            if let Some(c) = old.client {
                self.by_client.remove(c, addr);
            }
            if let Some(c) = new.client {
                self.by_client.insert(c, addr);
            }
        }
        if (old.expire, old.reclaimed) != (new.expire, new.reclaimed) {
            self.expiry_set(old.reclaimed).remove(&(old.expire, addr));
            self.expiry_set(new.reclaimed).insert((new.expire, addr));
        }
    }
}

impl Index4 {
    /// Indexes `leases` (keyed by their addresses), building each ordered index in one sorted pass.
    pub(crate) fn from_map(by_addr: BTreeMap<Ipv4Addr, Lease4>) -> Self {
        let mut keys = Secondary::default();
        let (mut unreclaimed, mut reclaimed) = (Vec::with_capacity(by_addr.len()), Vec::new());
        for (addr, lease) in &by_addr {
            let k = keys.keys(lease);
            // Addresses arrive ascending, so each lands at the end of its key's list.
            if let Some(h) = k.hw {
                keys.by_hw.insert(h, *addr);
            }
            if let Some(c) = k.client {
                keys.by_client.insert(c, *addr);
            }
            if k.reclaimed {
                &mut reclaimed
            } else {
                &mut unreclaimed
            }
            .push((k.expire, *addr));
        }
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

    /// Leases of hardware address `hw` (matched by bytes, whatever the type), in address order.
    pub(crate) fn by_hwaddr(&self, hw: &HwAddr) -> Vec<Lease4> {
        let bytes = hw.as_bytes();
        self.holders(&self.keys.by_hw, bytes, |l| {
            l.hwaddr.is_some_and(|h| h.as_bytes() == bytes)
        })
    }

    /// Leases of client identifier `id`, in address order.
    pub(crate) fn by_client_id(&self, id: &ClientId) -> Vec<Lease4> {
        self.holders(&self.keys.by_client, id.as_bytes(), |l| {
            l.client_id.as_ref() == Some(id)
        })
    }

    /// Leases that `index` lists under identifier `bytes` and that `holds` confirms (keys are
    /// hashes, so two identifiers may share one). A miss allocates nothing.
    fn holders(
        &self,
        index: &KeyIndex,
        bytes: &[u8],
        holds: impl Fn(&Lease4) -> bool,
    ) -> Vec<Lease4> {
        let addrs = index.get(self.keys.id_key(bytes));
        let mut out = Vec::with_capacity(addrs.len());
        out.extend(
            addrs
                .iter()
                .filter_map(|addr| self.by_addr.get(addr))
                .filter(|l| holds(l))
                .cloned(),
        );
        out
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

    /// Leases whose host name is `name` ignoring ASCII case, in address order. A scan: host names
    /// are looked up only by administrators, so the packet path does not pay for an index.
    pub(crate) fn by_hostname(&self, name: &str) -> Vec<Lease4> {
        self.by_addr
            .values()
            .filter(|l| l.hostname.eq_ignore_ascii_case(name))
            .cloned()
            .collect()
    }

    /// Removes and returns every lease of the subnets `ids`, in address order.
    pub(crate) fn remove_subnets(&mut self, ids: &[u32]) -> Vec<Lease4> {
        let doomed: Vec<Ipv4Addr> = self
            .by_addr
            .values()
            .filter(|l| ids.contains(&l.subnet_id))
            .map(|l| l.address)
            .collect();
        doomed.into_iter().filter_map(|a| self.remove(a)).collect()
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

    /// What a secondary index must hold for `leases`: each key with its addresses, ascending.
    fn expected(
        leases: &BTreeMap<Ipv4Addr, Lease4>,
        key: impl Fn(&Lease4) -> Option<u64>,
    ) -> BTreeMap<u64, Vec<Ipv4Addr>> {
        let mut want: BTreeMap<u64, Vec<Ipv4Addr>> = BTreeMap::new();
        for lease in leases.values() {
            if let Some(k) = key(lease) {
                want.entry(k).or_default().push(lease.address);
            }
        }
        want
    }

    fn contents(index: &KeyIndex) -> BTreeMap<u64, Vec<Ipv4Addr>> {
        index.entries().map(|(k, a)| (k, a.to_vec())).collect()
    }

    // Every index answers what a scan of all leases answers, after any sequence of changes. The
    // identifier indexes are also compared entry by entry, since lookups filter their hits and
    // would hide a stale entry.
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
                // b = 5 is never leased: the miss path.
                for b in 0..6u8 {
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
                let k = &idx.keys;
                let by_hw = expected(&model, |l| k.keys(l).hw);
                assert_eq!(contents(&k.by_hw), by_hw, "step {step}");
                let by_client = expected(&model, |l| k.keys(l).client);
                assert_eq!(contents(&k.by_client), by_client, "step {step}");
            }
        }
        // Emptying the store leaves no key behind.
        for addr in model.keys() {
            index.remove(*addr);
        }
        assert_eq!(index.keys.by_hw.entries().count(), 0);
        assert_eq!(index.keys.by_client.entries().count(), 0);
        assert_eq!(index.expired(u64::MAX, 0), []);
        assert!(index.reclaimed_until(u64::MAX).is_empty());
    }

    #[test]
    fn hostname_lookup_and_subnet_removal() {
        let mut index = Index4::default();
        for (n, host, subnet) in [
            (1, "Host.Example", 1),
            (2, "host.example", 2),
            (3, "other", 1),
        ] {
            index.insert(Lease4 {
                hostname: host.into(),
                ..Lease4::new(Ipv4Addr::new(10, 0, 0, n), subnet, 100, 0)
            });
        }
        let addrs = |v: Vec<Lease4>| v.iter().map(|l| l.address.octets()[3]).collect::<Vec<_>>();
        assert_eq!(addrs(index.by_hostname("HOST.EXAMPLE")), [1, 2]);
        assert_eq!(addrs(index.by_hostname("nope")), [] as [u8; 0]);
        assert_eq!(addrs(index.remove_subnets(&[1, 7])), [1, 3]);
        assert_eq!(index.len(), 1);
        assert_eq!(
            index.expired(u64::MAX, 0).len(),
            1,
            "secondary indexes follow"
        );
    }

    // Keys are hashes: a lease listed under another identifier's key is not returned for it.
    #[test]
    fn lookups_check_hits_against_the_lease() {
        let mine = HwAddr::new(1, &[1; 6]);
        let id = ClientId::new(&[1, 2, 3]);
        let mut index = Index4::default();
        index.insert(Lease4 {
            hwaddr: Some(HwAddr::new(1, &[2; 6])),
            client_id: Some(ClientId::new(&[4, 5])),
            ..Lease4::new(Ipv4Addr::new(10, 0, 0, 1), 1, 100, 0)
        });
        let hw_key = index.keys.id_key(mine.as_bytes());
        let id_key = index.keys.id_key(id.as_bytes());
        // Stand-ins for colliding hashes.
        index.keys.by_hw.insert(hw_key, Ipv4Addr::new(10, 0, 0, 1));
        index
            .keys
            .by_client
            .insert(id_key, Ipv4Addr::new(10, 0, 0, 1));
        assert_eq!(index.by_hwaddr(&mine), []);
        assert_eq!(index.by_client_id(&id), []);
    }
}
