//! In-memory DHCPv4 lease indexes: by address (ordered, for paging), by hardware address, by client
//! identifier and by expiration. Every query and mutation is O(log n).

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, RandomState};
use std::net::Ipv4Addr;

use crate::{ClientId, HwAddr, Lease4, LeaseState};

/// The lease set and its secondary indexes, kept consistent by routing every change through
/// [`insert`](Self::insert) and [`remove`](Self::remove).
#[derive(Default)]
pub(crate) struct Index4 {
    by_addr: BTreeMap<Ipv4Addr, Lease4>,
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

impl Index4 {
    fn client_key(&self, id: &ClientId) -> u64 {
        self.hasher.hash_one(id.as_bytes())
    }

    fn hw_key(hw: &HwAddr) -> HwAddr {
        HwAddr::new(0, hw.as_bytes())
    }

    fn expiry_set(&mut self, state: LeaseState) -> &mut BTreeSet<(u64, Ipv4Addr)> {
        if state == LeaseState::ExpiredReclaimed {
            &mut self.reclaimed
        } else {
            &mut self.unreclaimed
        }
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
        let old = self.remove(lease.address);
        let addr = lease.address;
        if let Some(hw) = lease.hwaddr {
            self.by_hw.insert((Self::hw_key(&hw), addr));
        }
        if let Some(id) = &lease.client_id {
            let key = self.client_key(id);
            self.by_client.insert((key, addr));
        }
        let expire = lease.expire();
        self.expiry_set(lease.state).insert((expire, addr));
        self.by_addr.insert(addr, lease);
        old
    }

    /// Removes and returns the lease of `addr`.
    pub(crate) fn remove(&mut self, addr: Ipv4Addr) -> Option<Lease4> {
        let lease = self.by_addr.remove(&addr)?;
        if let Some(hw) = lease.hwaddr {
            self.by_hw.remove(&(Self::hw_key(&hw), addr));
        }
        if let Some(id) = &lease.client_id {
            let key = self.client_key(id);
            self.by_client.remove(&(key, addr));
        }
        let expire = lease.expire();
        self.expiry_set(lease.state).remove(&(expire, addr));
        Some(lease)
    }

    /// Leases of hardware address `hw`, in address order.
    pub(crate) fn by_hwaddr(&self, hw: &HwAddr) -> Vec<Lease4> {
        let key = Self::hw_key(hw);
        self.by_hw
            .range((key, Ipv4Addr::UNSPECIFIED)..=(key, Ipv4Addr::BROADCAST))
            .filter_map(|(_, addr)| self.by_addr.get(addr).cloned())
            .collect()
    }

    /// Leases of client identifier `id`, in address order.
    pub(crate) fn by_client_id(&self, id: &ClientId) -> Vec<Lease4> {
        let key = self.client_key(id);
        self.by_client
            .range((key, Ipv4Addr::UNSPECIFIED)..=(key, Ipv4Addr::BROADCAST))
            .filter_map(|(_, addr)| self.by_addr.get(addr))
            .filter(|l| l.client_id.as_ref() == Some(id))
            .cloned()
            .collect()
    }

    /// Unreclaimed leases with `expire <= now`, oldest first, at most `limit` (0 = all).
    pub(crate) fn expired(&self, now: u64, limit: usize) -> Vec<Lease4> {
        let limit = if limit == 0 { usize::MAX } else { limit };
        self.unreclaimed
            .range(..=(now, Ipv4Addr::BROADCAST))
            .take(limit)
            .filter_map(|(_, addr)| self.by_addr.get(addr).cloned())
            .collect()
    }

    /// Addresses of reclaimed leases with `expire <= cutoff`.
    pub(crate) fn reclaimed_until(&self, cutoff: u64) -> Vec<Ipv4Addr> {
        self.reclaimed
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
