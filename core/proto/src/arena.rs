//! The storage behind both option containers ([`crate::v4::Options4`], [`crate::v6::Options6`]): an
//! ordered list of `(code, data)` entries whose data all live in one byte arena.
//!
//! A parsed packet then costs two allocations however many options it carries. Replacing or removing
//! an entry leaves its old bytes in the arena until they outweigh the live data; then the arena is
//! compacted. The containers add the family's rules on top (DHCPv4: one entry per code; DHCPv6: any
//! number of instances).

use std::fmt;
use std::ops::Range;

/// One entry: its code and where its data sits in the arena.
#[derive(Clone, Copy, Debug)]
struct Entry<C> {
    code: C,
    start: usize,
    len: usize,
}

impl<C> Entry<C> {
    fn range(&self) -> Range<usize> {
        self.start..self.start + self.len
    }
}

/// Ordered `(code, data)` entries over one byte arena; entries are addressed by index.
#[derive(Clone)]
pub(crate) struct Arena<C> {
    bytes: Vec<u8>,
    index: Vec<Entry<C>>,
    /// Arena bytes no entry points to any more.
    waste: usize,
}

/// Compaction is not worth it below this much dead data.
const COMPACT_MIN_WASTE: usize = 512;

impl<C> Default for Arena<C> {
    fn default() -> Self {
        Self {
            bytes: Vec::new(),
            index: Vec::new(),
            waste: 0,
        }
    }
}

impl<C: Copy + PartialEq> Arena<C> {
    /// Room for `data_bytes` bytes of data and `entries` entries.
    pub(crate) fn with_capacity(data_bytes: usize, entries: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(data_bytes),
            index: Vec::with_capacity(entries),
            waste: 0,
        }
    }

    /// Index of the first entry with `code`.
    pub(crate) fn position(&self, code: C) -> Option<usize> {
        self.index.iter().position(|e| e.code == code)
    }

    /// Data of the first entry with `code`.
    pub(crate) fn find(&self, code: C) -> Option<&[u8]> {
        self.position(code).map(|i| self.data(i))
    }

    fn data(&self, i: usize) -> &[u8] {
        self.index
            .get(i)
            .and_then(|e| self.bytes.get(e.range()))
            .unwrap_or_default()
    }

    /// Appends an entry.
    pub(crate) fn push(&mut self, code: C, data: &[u8]) {
        self.index.push(Entry {
            code,
            start: self.bytes.len(),
            len: data.len(),
        });
        self.bytes.extend_from_slice(data);
    }

    /// Replaces the data of entry `i`, keeping its place in the order.
    pub(crate) fn set(&mut self, i: usize, data: &[u8]) {
        let entry = &mut self.index[i];
        if data.len() <= entry.len {
            // Fits where the old value was: overwrite and keep the entry's place in the arena.
            self.bytes[entry.start..entry.start + data.len()].copy_from_slice(data);
            self.waste += entry.len - data.len();
            entry.len = data.len();
        } else {
            self.waste += entry.len;
            entry.start = self.bytes.len();
            entry.len = data.len();
            self.bytes.extend_from_slice(data);
            self.maybe_compact();
        }
    }

    /// Appends `data` to the data of entry `i`.
    pub(crate) fn extend(&mut self, i: usize, data: &[u8]) {
        let arena_len = self.bytes.len();
        let entry = &mut self.index[i];
        if entry.start + entry.len != arena_len {
            // Not at the arena's end: move the existing value there so it can grow in place.
            let old = entry.range();
            entry.start = arena_len;
            self.waste += entry.len;
            self.bytes.extend_from_within(old);
        }
        entry.len += data.len();
        self.bytes.extend_from_slice(data);
        self.maybe_compact();
    }

    /// Removes every entry for which `keep` is false; returns how many were removed.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(C) -> bool) -> usize {
        let before = self.index.len();
        let mut freed = 0;
        self.index.retain(|e| {
            let kept = keep(e.code);
            if !kept {
                freed += e.len;
            }
            kept
        });
        self.waste += freed;
        self.maybe_compact();
        before - self.index.len()
    }

    /// Entries in order, as `(code, data)`.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (C, &[u8])> {
        self.index
            .iter()
            .map(|e| (e.code, self.bytes.get(e.range()).unwrap_or_default()))
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.index.len()
    }

    /// Removes every entry, keeping the allocations for reuse.
    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
        self.index.clear();
        self.waste = 0;
    }

    fn maybe_compact(&mut self) {
        if self.waste < COMPACT_MIN_WASTE || self.waste * 2 < self.bytes.len() {
            return;
        }
        let mut bytes = Vec::with_capacity(self.bytes.len() - self.waste);
        for entry in &mut self.index {
            let old = entry.range();
            entry.start = bytes.len();
            bytes.extend_from_slice(&self.bytes[old]);
        }
        self.bytes = bytes;
        self.waste = 0;
    }
}

/// Equal when the same entries carry the same data in the same order (arena layout does not matter).
impl<C: Copy + PartialEq> PartialEq for Arena<C> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<C: Copy + Eq> Eq for Arena<C> {}

impl<C: Copy + PartialEq + fmt::Debug> fmt::Debug for Arena<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compaction_keeps_values() {
        let mut a = Arena::default();
        a.push(1u8, &[1; 10]);
        a.push(2, &[]);
        a.push(3, &[]);
        for i in 0..200u8 {
            a.set(1, &vec![i; 20 + usize::from(i)]);
            a.extend(2, &[i]);
        }
        assert_eq!(a.find(1), Some(&[1u8; 10][..]));
        assert_eq!(a.find(2), Some(&vec![199u8; 219][..]));
        assert_eq!(a.find(3).map(<[u8]>::len), Some(200));
        assert!(a.bytes.len() < 4 * (10 + 219 + 200));
    }

    #[test]
    fn retain_counts_and_keeps_order() {
        let mut a = Arena::default();
        for (code, data) in [(3u16, &b"a"[..]), (5, b"b"), (3, b"c"), (7, b"")] {
            a.push(code, data);
        }
        assert_eq!(a.retain(|c| c != 3), 2);
        assert_eq!(
            a.iter().collect::<Vec<_>>(),
            [(5, &b"b"[..]), (7, &b""[..])]
        );
        assert_eq!(a.retain(|_| true), 0);
    }
}
