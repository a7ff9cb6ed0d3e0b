//! An ordered DHCPv4 option container backed by one byte arena.

use super::code;
use crate::arena::Arena;
use std::fmt;

/// Ordered set of DHCPv4 options, at most one entry per code (RFC 3396 instances are already fused).
///
/// All option data lives in one byte arena with a small index beside it, so a parsed packet costs two
/// allocations however many options it carries.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Options4(Arena<u8>);

impl Options4 {
    /// An empty container; allocates nothing until the first insert.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty container with room for `data_bytes` bytes of option data and `options` options.
    pub fn with_capacity(data_bytes: usize, options: usize) -> Self {
        Self(Arena::with_capacity(data_bytes, options))
    }

    /// The data of option `code`, if present.
    pub fn get(&self, code: u8) -> Option<&[u8]> {
        self.0.find(code)
    }

    /// Whether option `code` is present.
    pub fn contains(&self, code: u8) -> bool {
        self.0.position(code).is_some()
    }

    /// Sets option `code` to `data`. An existing instance is replaced where it stands in the order; a new
    /// one goes last.
    pub fn insert(&mut self, code: u8, data: &[u8]) {
        match self.0.position(code) {
            Some(i) => self.0.set(i, data),
            None => self.0.push(code, data),
        }
    }

    /// Appends `data` to option `code`, creating it (last in order) when absent. This is how the RFC 3396
    /// instances of one code are fused on receipt (V4-024).
    pub fn append(&mut self, code: u8, data: &[u8]) {
        match self.0.position(code) {
            Some(i) => self.0.extend(i, data),
            None => self.0.push(code, data),
        }
    }

    /// Removes option `code`; returns whether it was present.
    pub fn remove(&mut self, code: u8) -> bool {
        self.0.retain(|c| c != code) > 0
    }

    /// Options in order, as `(code, data)`.
    pub fn iter(&self) -> impl Iterator<Item = (u8, &[u8])> {
        self.0.iter()
    }

    /// Number of options.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no option.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every option, keeping the allocations for reuse.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The contents of option 55 (parameter request list), empty when absent.
    pub fn parameter_request_list(&self) -> &[u8] {
        self.get(code::PARAMETER_REQUEST_LIST).unwrap_or_default()
    }
}

/// A map of code to data, in order.
impl fmt::Debug for Options4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
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
