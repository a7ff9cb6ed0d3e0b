//! An ordered DHCPv4 option container backed by one byte arena.

use super::code;
use std::fmt;
use std::ops::Range;

/// One option: its code and where its data sits in the arena.
#[derive(Clone, Copy, Debug)]
struct Entry {
    code: u8,
    start: usize,
    len: usize,
}

impl Entry {
    fn range(&self) -> Range<usize> {
        self.start..self.start + self.len
    }
}

/// Ordered set of DHCPv4 options, at most one entry per code (RFC 3396 instances are already fused).
///
/// All option data lives in one `Vec<u8>` arena with a small index beside it, so a parsed packet costs
/// two allocations however many options it carries. Replacing or removing an option leaves its old
/// bytes in the arena until they outweigh the live data, then the arena is compacted.
#[derive(Clone, Default)]
pub struct Options4 {
    arena: Vec<u8>,
    index: Vec<Entry>,
    /// Arena bytes no entry points to any more.
    waste: usize,
}

/// Compaction is not worth it below this much dead data.
const COMPACT_MIN_WASTE: usize = 512;

impl Options4 {
    /// An empty container; allocates nothing until the first insert.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty container with room for `data_bytes` bytes of option data and `options` options.
    pub fn with_capacity(data_bytes: usize, options: usize) -> Self {
        Self {
            arena: Vec::with_capacity(data_bytes),
            index: Vec::with_capacity(options),
            waste: 0,
        }
    }

    fn position(&self, code: u8) -> Option<usize> {
        self.index.iter().position(|e| e.code == code)
    }

    /// The data of option `code`, if present.
    pub fn get(&self, code: u8) -> Option<&[u8]> {
        self.index
            .iter()
            .find(|e| e.code == code)
            .and_then(|e| self.arena.get(e.range()))
    }

    /// Whether option `code` is present.
    pub fn contains(&self, code: u8) -> bool {
        self.position(code).is_some()
    }

    /// Sets option `code` to `data`. An existing instance is replaced where it stands in the order; a new
    /// one goes last.
    pub fn insert(&mut self, code: u8, data: &[u8]) {
        let Some(i) = self.position(code) else {
            self.push(code, data);
            return;
        };
        let entry = &mut self.index[i];
        if data.len() <= entry.len {
            // Fits where the old value was: overwrite and keep the entry's place in the arena.
            self.arena[entry.start..entry.start + data.len()].copy_from_slice(data);
            self.waste += entry.len - data.len();
            entry.len = data.len();
        } else {
            self.waste += entry.len;
            entry.start = self.arena.len();
            entry.len = data.len();
            self.arena.extend_from_slice(data);
            self.maybe_compact();
        }
    }

    /// Appends `data` to option `code`, creating it (last in order) when absent. This is how the RFC 3396
    /// instances of one code are fused on receipt (V4-024).
    pub fn append(&mut self, code: u8, data: &[u8]) {
        let Some(i) = self.position(code) else {
            self.push(code, data);
            return;
        };
        let arena_len = self.arena.len();
        let entry = &mut self.index[i];
        if entry.start + entry.len != arena_len {
            // Not at the arena's end: move the existing value there so it can grow in place.
            let old = entry.range();
            entry.start = arena_len;
            self.waste += entry.len;
            self.arena.extend_from_within(old);
        }
        entry.len += data.len();
        self.arena.extend_from_slice(data);
        self.maybe_compact();
    }

    fn push(&mut self, code: u8, data: &[u8]) {
        self.index.push(Entry {
            code,
            start: self.arena.len(),
            len: data.len(),
        });
        self.arena.extend_from_slice(data);
    }

    /// Removes option `code`; returns whether it was present.
    pub fn remove(&mut self, code: u8) -> bool {
        match self.position(code) {
            Some(i) => {
                let entry = self.index.remove(i);
                self.waste += entry.len;
                self.maybe_compact();
                true
            }
            None => false,
        }
    }

    /// Options in order, as `(code, data)`.
    pub fn iter(&self) -> impl Iterator<Item = (u8, &[u8])> {
        self.index
            .iter()
            .map(|e| (e.code, self.arena.get(e.range()).unwrap_or_default()))
    }

    /// Number of options.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether there is no option.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Removes every option, keeping the allocations for reuse.
    pub fn clear(&mut self) {
        self.arena.clear();
        self.index.clear();
        self.waste = 0;
    }

    /// The contents of option 55 (parameter request list), empty when absent.
    pub fn parameter_request_list(&self) -> &[u8] {
        self.get(code::PARAMETER_REQUEST_LIST).unwrap_or_default()
    }

    fn maybe_compact(&mut self) {
        if self.waste < COMPACT_MIN_WASTE || self.waste * 2 < self.arena.len() {
            return;
        }
        let mut arena = Vec::with_capacity(self.arena.len() - self.waste);
        for entry in &mut self.index {
            let old = entry.range();
            entry.start = arena.len();
            arena.extend_from_slice(&self.arena[old]);
        }
        self.arena = arena;
        self.waste = 0;
    }
}

/// Equal when the same options carry the same data in the same order (arena layout does not matter).
impl PartialEq for Options4 {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Options4 {}

impl fmt::Debug for Options4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_replaces_in_place_and_keeps_order() {
        let mut o = Options4::new();
        o.insert(3, &[1, 2, 3, 4]);
        o.insert(6, &[8, 8, 8, 8]);
        o.insert(3, &[9, 9, 9, 9, 9, 9, 9, 9]);
        o.insert(6, &[1]);
        let all: Vec<_> = o.iter().collect();
        assert_eq!(all, vec![(3, &[9u8; 8][..]), (6, &[1][..])]);
        assert_eq!(o.len(), 2);
    }

    // V4-024: instances of one code are concatenated in order.
    #[test]
    fn append_concatenates_even_when_not_last() {
        let mut o = Options4::new();
        o.append(12, b"ab");
        o.append(15, b"x");
        o.append(12, b"cd");
        o.append(15, b"y");
        assert_eq!(o.get(12), Some(&b"abcd"[..]));
        assert_eq!(o.get(15), Some(&b"xy"[..]));
        assert_eq!(o.iter().map(|(c, _)| c).collect::<Vec<_>>(), vec![12, 15]);
    }

    #[test]
    fn remove_clear_and_prl() {
        let mut o = Options4::new();
        assert!(o.is_empty());
        assert_eq!(o.parameter_request_list(), &[] as &[u8]);
        o.insert(55, &[1, 3, 6]);
        o.insert(61, &[1, 2]);
        assert_eq!(o.parameter_request_list(), &[1, 3, 6]);
        assert!(o.remove(55));
        assert!(!o.remove(55));
        assert!(!o.contains(55) && o.contains(61));
        o.clear();
        assert!(o.is_empty());
        assert_eq!(o.get(61), None);
    }

    #[test]
    fn compaction_keeps_values() {
        let mut o = Options4::new();
        o.insert(1, &[1; 10]);
        for i in 0..200u8 {
            o.insert(2, &vec![i; 20 + usize::from(i)]);
            o.append(3, &[i]);
        }
        assert_eq!(o.get(1), Some(&[1u8; 10][..]));
        assert_eq!(o.get(2), Some(&vec![199u8; 219][..]));
        assert_eq!(o.get(3).map(<[u8]>::len), Some(200));
        assert!(o.arena.len() < 4 * (10 + 219 + 200));
    }

    #[test]
    fn equality_ignores_arena_layout() {
        let mut a = Options4::new();
        a.insert(1, &[1]);
        a.insert(1, &[2, 2]);
        let mut b = Options4::new();
        b.insert(1, &[2, 2]);
        assert_eq!(a, b);
        b.insert(2, &[]);
        assert_ne!(a, b);
    }
}
