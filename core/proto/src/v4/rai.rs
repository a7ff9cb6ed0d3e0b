//! Relay agent information (option 82, RFC 3046) sub-options.
//!
//! Sub-options use the same code/length/value layout as options, without PAD or END.

use std::borrow::Cow;

/// Agent circuit ID (1).
pub const CIRCUIT_ID: u8 = 1;
/// Agent remote ID (2).
pub const REMOTE_ID: u8 = 2;
/// Link selection (5, RFC 3527).
pub const LINK_SELECTION: u8 = 5;
/// Subscriber ID (6, RFC 3993).
pub const SUBSCRIBER_ID: u8 = 6;
/// Server identifier override (11, RFC 5107).
pub const SERVER_ID_OVERRIDE: u8 = 11;
/// Relay agent identifier (12, RFC 6925).
pub const RELAY_ID: u8 = 12;
/// Relay source port (19, RFC 8357).
pub const RELAY_PORT: u8 = 19;

/// Iterates over the sub-options of an option 82 payload in wire order. A sub-option whose length runs
/// past the end stops the iteration (the malformed tail is ignored).
pub fn sub_options(data: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    let mut rest = data;
    std::iter::from_fn(move || {
        let (&code, tail) = rest.split_first()?;
        let (&len, tail) = tail.split_first()?;
        let Some((value, tail)) = tail.split_at_checked(usize::from(len)) else {
            rest = &[];
            return None;
        };
        rest = tail;
        Some((code, value))
    })
}

/// The first sub-option `code` of an option 82 payload.
pub fn find(data: &[u8], code: u8) -> Option<&[u8]> {
    sub_options(data).find(|&(c, _)| c == code).map(|(_, v)| v)
}

/// Sub-option `code` with all its instances concatenated in order (RFC 3396 applied to sub-options,
/// V4-024). Borrows when there is one instance; allocates only to fuse several.
pub fn find_fused(data: &[u8], code: u8) -> Option<Cow<'_, [u8]>> {
    let mut parts = sub_options(data)
        .filter(|&(c, _)| c == code)
        .map(|(_, v)| v);
    let first = parts.next()?;
    let Some(second) = parts.next() else {
        return Some(Cow::Borrowed(first));
    };
    let mut fused = [first, second].concat();
    parts.for_each(|p| fused.extend_from_slice(p));
    Some(Cow::Owned(fused))
}

#[cfg(test)]
mod tests {
    use super::*;

    // V4-114
    #[test]
    fn finds_known_sub_options() {
        let data = [1, 2, 0xaa, 0xbb, 2, 4, 1, 2, 3, 4, 19, 0];
        assert_eq!(find(&data, CIRCUIT_ID), Some(&[0xaa, 0xbb][..]));
        assert_eq!(find(&data, REMOTE_ID), Some(&[1, 2, 3, 4][..]));
        assert_eq!(find(&data, RELAY_PORT), Some(&[][..]));
        assert_eq!(find(&data, LINK_SELECTION), None);
    }

    // V4-024: split sub-options are fused.
    #[test]
    fn fuses_repeated_sub_options() {
        let data = [1, 2, b'a', b'b', 2, 1, 9, 1, 1, b'c', 1, 0];
        assert_eq!(find_fused(&data, CIRCUIT_ID).as_deref(), Some(&b"abc"[..]));
        assert!(matches!(
            find_fused(&data, REMOTE_ID),
            Some(Cow::Borrowed([9]))
        ));
        assert_eq!(find_fused(&data, RELAY_ID), None);
    }

    #[test]
    fn stops_at_malformed_tail() {
        let data = [1, 1, 7, 2, 9, 1];
        let subs: Vec<_> = sub_options(&data).collect();
        assert_eq!(subs, vec![(1, &[7][..])]);
        assert_eq!(sub_options(&[5]).count(), 0);
        assert_eq!(sub_options(&[]).count(), 0);
    }
}
