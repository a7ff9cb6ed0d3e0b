//! A hash index from a secondary lease key to the addresses of the leases that carry it, for
//! either family's addresses.
//!
//! A lookup is one hash probe. Keys are 64-bit hashes the caller computed with a per-store seed,
//! so the map holds no copy of the identifier and does not hash the key a second time. Almost
//! every key belongs to a single lease, whose address is stored inline with no heap allocation.

use std::collections::hash_map::{Entry, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::net::Ipv4Addr;

/// Leases grouped by a pre-hashed key. Different identifiers may share a key, so callers check
/// hits against the lease itself.
pub(crate) struct KeyIndex<A = Ipv4Addr>(HashMap<u64, AddrList<A>, BuildHasherDefault<Prehashed>>);

impl<A> Default for KeyIndex<A> {
    fn default() -> Self {
        Self(HashMap::default())
    }
}

impl<A: Ord + Copy> KeyIndex<A> {
    /// Records that the lease of `addr` carries `key`.
    pub(crate) fn insert(&mut self, key: u64, addr: A) {
        match self.0.entry(key) {
            Entry::Occupied(mut e) => e.get_mut().insert(addr),
            Entry::Vacant(e) => {
                e.insert(AddrList::One(addr));
            }
        }
    }

    /// Forgets that the lease of `addr` carries `key`, dropping the key with its last address.
    pub(crate) fn remove(&mut self, key: u64, addr: A) {
        if let Entry::Occupied(mut e) = self.0.entry(key) {
            if e.get_mut().remove(addr) {
                e.remove();
            }
        }
    }

    /// The addresses carrying `key`, ascending; empty when none does.
    pub(crate) fn get(&self, key: u64) -> &[A] {
        self.0.get(&key).map_or(&[], AddrList::as_slice)
    }

    /// Every key with its addresses, for checking the index against a scan.
    #[cfg(test)]
    pub(crate) fn entries(&self) -> impl Iterator<Item = (u64, &[A])> {
        self.0.iter().map(|(key, list)| (*key, list.as_slice()))
    }
}

/// The addresses sharing one key, ascending and distinct.
#[derive(Debug, PartialEq)]
enum AddrList<A> {
    /// The usual case: one lease per key, held without a heap allocation.
    One(A),
    /// Two or more (a client with leases in several subnets). A sorted `Vec` rather than a tree:
    /// a change costs O(k) for k leases on the key, no more than a lookup, which clones all k.
    Many(Vec<A>),
}

impl<A: Ord + Copy> AddrList<A> {
    fn as_slice(&self) -> &[A] {
        match self {
            Self::One(addr) => std::slice::from_ref(addr),
            Self::Many(addrs) => addrs,
        }
    }

    fn insert(&mut self, addr: A) {
        match self {
            Self::One(have) if *have == addr => {}
            Self::One(have) => *self = Self::Many(vec![addr.min(*have), addr.max(*have)]),
            Self::Many(addrs) => {
                if let Err(at) = addrs.binary_search(&addr) {
                    addrs.insert(at, addr);
                }
            }
        }
    }

    /// Removes `addr`; true when the list is left empty.
    fn remove(&mut self, addr: A) -> bool {
        match self {
            Self::One(have) => *have == addr,
            Self::Many(addrs) => {
                if let Ok(at) = addrs.binary_search(&addr) {
                    addrs.remove(at);
                }
                // Back to inline storage, so the heap block goes with the second lease.
                if let [only] = addrs[..] {
                    *self = Self::One(only);
                }
                false
            }
        }
    }
}

/// Passes a key that is already a seeded hash through unchanged.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    // Only `u64` keys reach this hasher (through `write_u64`); other input is still mixed in
    // rather than ignored, so the hasher stays correct if the key type ever changes.
    fn write(&mut self, bytes: &[u8]) {
        self.0 = bytes
            .iter()
            .fold(self.0, |h, &b| h.rotate_left(8) ^ u64::from(b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(n: u8) -> Ipv4Addr {
        Ipv4Addr::new(10, 0, 0, n)
    }

    #[test]
    fn addresses_stay_sorted_and_distinct() {
        let mut index = KeyIndex::default();
        for n in [5, 1, 9, 5, 3] {
            index.insert(7, a(n));
        }
        assert_eq!(index.get(7), [a(1), a(3), a(5), a(9)]);
        assert!(index.get(8).is_empty());
        index.remove(7, a(3));
        index.remove(7, a(4)); // absent: no change
        index.remove(8, a(1)); // unknown key: no change
        assert_eq!(index.get(7), [a(1), a(5), a(9)]);
    }

    #[test]
    fn one_address_is_inline_and_the_last_removal_drops_the_key() {
        let mut index = KeyIndex::default();
        index.insert(1, a(2));
        index.insert(1, a(1));
        assert_eq!(index.0.get(&1), Some(&AddrList::Many(vec![a(1), a(2)])));
        index.remove(1, a(1));
        assert_eq!(index.0.get(&1), Some(&AddrList::One(a(2))));
        index.remove(1, a(3));
        assert_eq!(index.get(1), [a(2)]);
        index.remove(1, a(2));
        assert!(index.0.is_empty());
    }
}
