//! The free lease queue allocator (`allocator: "flq"` in DHCPv4, V4-058; `pd-allocator: "flq"` in
//! DHCPv6, V6-072): each pool of an flq subnet keeps the set of its addresses (or delegated prefixes)
//! that no lease holds, so a pick is one random draw however full the pool is.
//!
//! A queue holds values: DHCPv4 addresses as integers, or the index of a prefix within its pd-pool.
//! The set starts full when the snapshot is built, loses the values the store holds when the
//! snapshot is recounted, and then follows the lease transitions the statistics follow (each family's
//! `account.rs`): an assignment takes a value out, a release or a reclamation puts it back. An expired
//! lease that was not reclaimed yet keeps its value out, so it is offered only after reclamation. The
//! store stays the authority: a pick it refuses (a declined address, a lease added by a command)
//! leaves the set.

use crate::commit::{Avail, Granted};
use ruru_lease::{LeaseState, StoreError};
use std::sync::Mutex;

/// Marks an offset absent from the set in [`FreeSet::slot`].
const ABSENT: u32 = u32::MAX;

/// The free values of one pool, stored as offsets from its first value.
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
    /// A queue holding every value of `first..=last` (but, for DHCPv4 addresses, x.x.x.0 and
    /// x.x.x.255 when `skip_edges`).
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

    /// A free value drawn uniformly, if any.
    pub(crate) fn draw(&self) -> Option<u32> {
        let set = self.lock();
        let n = set.items.len();
        (n > 0).then(|| self.first + set.items[rand::random::<u64>() as usize % n])
    }

    /// How many values are free.
    pub(crate) fn len(&self) -> usize {
        self.lock().items.len()
    }

    /// `value` is leased: it leaves the set.
    pub(crate) fn take(&self, value: u32) {
        self.lock().remove(value - self.first);
    }

    /// `value` is free again.
    pub(crate) fn put(&self, value: u32) {
        if !(self.skip_edges && is_edge(value)) {
            self.lock().insert(value - self.first);
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

/// Draws from `queues` in turn (each tagged with what the caller needs to place its values) until
/// the store confirms a value as usable for the client (`availability`): a value the store holds
/// after all (declined when offered, added by a lease command, or an expired lease not reclaimed
/// yet) leaves its queue; one `reserved` for another client stays and is redrawn, at most as many
/// times as the queue has free values. The tag, the value and what the store said.
///
/// The queues come as a list and the tags by value, so the future holds no closure over borrowed
/// arguments and stays `Send`.
pub(crate) async fn draw<K: Copy, L: Granted, R, F>(
    queues: Vec<(K, &FreeQueue)>,
    reserved: impl Fn(K, u32) -> R,
    availability: impl Fn(K, u32) -> F,
) -> Result<Option<(K, u32, Avail<L>)>, StoreError>
where
    R: std::future::Future<Output = Result<bool, StoreError>>,
    F: std::future::Future<Output = Result<Avail<L>, StoreError>>,
{
    for (tag, q) in queues {
        for _ in 0..q.len() {
            let Some(v) = q.draw() else { break };
            if reserved(tag, v).await? {
                continue;
            }
            match availability(tag, v).await? {
                Avail::Taken => q.take(v),
                Avail::Reclaimable(l) if l.state() == LeaseState::Default => q.take(v),
                avail => return Ok(Some((tag, v, avail))),
            }
        }
    }
    Ok(None)
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
}
