//! In-memory lease indexes for a lease family: by address (ordered, for paging), by expiration
//! (ordered, for reclamation) and by up to [`ID_SLOTS`] client identifiers (hashed: one probe per
//! lookup). A family says what its identifiers are by implementing [`Indexed`]; queries and
//! mutations are O(log n), plus O(k) for the k leases sharing one identifier.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, Hash, RandomState};

use crate::key_index::KeyIndex;

/// Most identifier indexes a family has (v6: DUID with IAID and type, and DUID).
pub(crate) const ID_SLOTS: usize = 2;

/// What the indexes need to know of a lease.
pub(crate) trait Indexed: Clone {
    /// The primary key.
    type Addr: Ord + Copy;

    /// The lease's primary key.
    fn addr(&self) -> Self::Addr;

    /// Expiration time, Unix seconds.
    fn expire(&self) -> u64;

    /// True in state ExpiredReclaimed: such leases wait in their own expiry index for the flush
    /// after the hold time, apart from those reclamation must still process.
    fn is_reclaimed(&self) -> bool;

    /// The key of each identifier index this lease is listed in, `None` where it has no such
    /// identifier. Keys are made with `ids`, as lookups make theirs.
    fn id_keys(&self, ids: &IdHasher) -> [Option<u64>; ID_SLOTS];
}

/// Hashes identifiers into index keys. Seeded per store, so clients cannot aim collisions; keys
/// are hashes, so the indexes hold no copy of the identifiers and every hit is checked against
/// the lease.
#[derive(Default)]
pub(crate) struct IdHasher(RandomState);

impl IdHasher {
    /// The key of identifier `id`.
    pub(crate) fn key(&self, id: impl Hash) -> u64 {
        self.0.hash_one(id)
    }
}

/// The leases of one family and their secondary indexes, kept consistent by routing every change
/// through [`insert`](Self::insert) and [`remove`](Self::remove).
pub(crate) struct LeaseIndex<L: Indexed> {
    by_addr: BTreeMap<L::Addr, L>,
    ids: [KeyIndex<L::Addr>; ID_SLOTS],
    /// Leases not yet reclaimed (states Default, Declined, Released) by expiration time.
    unreclaimed: BTreeSet<(u64, L::Addr)>,
    /// Leases in state ExpiredReclaimed by expiration time.
    reclaimed: BTreeSet<(u64, L::Addr)>,
    hasher: IdHasher,
}

/// The secondary keys of one lease.
struct Keys {
    ids: [Option<u64>; ID_SLOTS],
    expire: u64,
    reclaimed: bool,
}

impl<L: Indexed> Default for LeaseIndex<L> {
    fn default() -> Self {
        Self::from_map(BTreeMap::new())
    }
}

impl<L: Indexed> LeaseIndex<L> {
    /// Indexes `leases` (keyed by their addresses), building each ordered index in one sorted pass.
    pub(crate) fn from_map(by_addr: BTreeMap<L::Addr, L>) -> Self {
        let mut index = Self {
            by_addr: BTreeMap::new(),
            ids: Default::default(),
            unreclaimed: BTreeSet::new(),
            reclaimed: BTreeSet::new(),
            hasher: IdHasher::default(),
        };
        let (mut unreclaimed, mut reclaimed) = (Vec::with_capacity(by_addr.len()), Vec::new());
        for (addr, lease) in &by_addr {
            let k = index.keys(lease);
            // Addresses arrive ascending, so each lands at the end of its key's list.
            index.link_ids(*addr, &k.ids);
            if k.reclaimed {
                &mut reclaimed
            } else {
                &mut unreclaimed
            }
            .push((k.expire, *addr));
        }
        index.unreclaimed = unreclaimed.into_iter().collect();
        index.reclaimed = reclaimed.into_iter().collect();
        index.by_addr = by_addr;
        index
    }

    fn keys(&self, lease: &L) -> Keys {
        Keys {
            ids: lease.id_keys(&self.hasher),
            expire: lease.expire(),
            reclaimed: lease.is_reclaimed(),
        }
    }

    /// The hasher lookups make their keys with.
    pub(crate) fn hasher(&self) -> &IdHasher {
        &self.hasher
    }

    /// The lease of `addr`.
    pub(crate) fn get(&self, addr: L::Addr) -> Option<&L> {
        self.by_addr.get(&addr)
    }

    /// Number of leases.
    pub(crate) fn len(&self) -> usize {
        self.by_addr.len()
    }

    fn expiry_set(&mut self, reclaimed: bool) -> &mut BTreeSet<(u64, L::Addr)> {
        if reclaimed {
            &mut self.reclaimed
        } else {
            &mut self.unreclaimed
        }
    }

    fn link_ids(&mut self, addr: L::Addr, ids: &[Option<u64>; ID_SLOTS]) {
        for (index, key) in self.ids.iter_mut().zip(ids) {
            if let Some(key) = key {
                index.insert(*key, addr);
            }
        }
    }

    fn unlink_ids(&mut self, addr: L::Addr, ids: &[Option<u64>; ID_SLOTS]) {
        for (index, key) in self.ids.iter_mut().zip(ids) {
            if let Some(key) = key {
                index.remove(*key, addr);
            }
        }
    }

    /// Inserts or replaces the lease at its address, returning the one replaced. A replacement
    /// touches only the index entries whose keys changed (a renewal: the expiration).
    pub(crate) fn insert(&mut self, lease: L) -> Option<L> {
        let addr = lease.addr();
        let new = self.keys(&lease);
        let old = match self.by_addr.entry(addr) {
            Entry::Occupied(mut slot) => slot.insert(lease),
            Entry::Vacant(slot) => {
                slot.insert(lease);
                self.link_ids(addr, &new.ids);
                self.expiry_set(new.reclaimed).insert((new.expire, addr));
                return None;
            }
        };
        let old_keys = self.keys(&old);
        for ((index, was), now) in self.ids.iter_mut().zip(old_keys.ids).zip(new.ids) {
            if was != now {
                if let Some(key) = was {
                    index.remove(key, addr);
                }
                if let Some(key) = now {
                    index.insert(key, addr);
                }
            }
        }
        if (old_keys.expire, old_keys.reclaimed) != (new.expire, new.reclaimed) {
            self.expiry_set(old_keys.reclaimed)
                .remove(&(old_keys.expire, addr));
            self.expiry_set(new.reclaimed).insert((new.expire, addr));
        }
        Some(old)
    }

    /// Removes and returns the lease of `addr`.
    pub(crate) fn remove(&mut self, addr: L::Addr) -> Option<L> {
        let lease = self.by_addr.remove(&addr)?;
        let k = self.keys(&lease);
        self.unlink_ids(addr, &k.ids);
        self.expiry_set(k.reclaimed).remove(&(k.expire, addr));
        Some(lease)
    }

    /// Leases that identifier index `slot` lists under `key` and that `holds` confirms (keys are
    /// hashes, so two identifiers may share one), in address order. A miss allocates nothing.
    pub(crate) fn holders(&self, slot: usize, key: u64, holds: impl Fn(&L) -> bool) -> Vec<L> {
        let addrs = self.ids[slot].get(key);
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
    pub(crate) fn expired(&self, now: u64, limit: usize) -> Vec<L> {
        let limit = if limit == 0 { usize::MAX } else { limit };
        self.unreclaimed
            .iter()
            .take_while(|(expire, _)| *expire <= now)
            .take(limit)
            .filter_map(|(_, addr)| self.by_addr.get(addr).cloned())
            .collect()
    }

    /// Addresses of reclaimed leases with `expire <= cutoff`.
    pub(crate) fn reclaimed_until(&self, cutoff: u64) -> Vec<L::Addr> {
        self.reclaimed
            .iter()
            .take_while(|(expire, _)| *expire <= cutoff)
            .map(|&(_, addr)| addr)
            .collect()
    }

    /// Every lease, in address order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &L> {
        self.by_addr.values()
    }

    /// Leases that `keep` selects, in address order: a scan, for the administrator's queries the
    /// packet path does not pay an index for.
    pub(crate) fn filter(&self, keep: impl Fn(&L) -> bool) -> Vec<L> {
        self.by_addr.values().filter(|l| keep(l)).cloned().collect()
    }

    /// At most `limit` leases with addresses above `from` (all when `None`), ascending.
    pub(crate) fn page(&self, from: Option<L::Addr>, limit: usize) -> Vec<L> {
        use std::ops::Bound::{Excluded, Unbounded};
        let start = from.map_or(Unbounded, Excluded);
        self.by_addr
            .range((start, Unbounded))
            .take(limit)
            .map(|(_, l)| l.clone())
            .collect()
    }

    /// Lists `addr` under `key` in identifier index `slot` as a hash collision would.
    #[cfg(test)]
    pub(crate) fn collide(&mut self, slot: usize, key: u64, addr: L::Addr) {
        self.ids[slot].insert(key, addr);
    }

    /// Every entry of identifier index `slot`, for checking the index against a scan.
    #[cfg(test)]
    pub(crate) fn id_entries(&self, slot: usize) -> impl Iterator<Item = (u64, &[L::Addr])> {
        self.ids[slot].entries()
    }
}
