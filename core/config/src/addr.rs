//! Prefix arithmetic for both address families, so subnets, pools, prefix
//! pools and reservations share one implementation of "inside", "first" and
//! "overlaps" instead of one per family.

use std::fmt::{Debug, Display};
use std::hash::Hash;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// An IPv4 or IPv6 address, seen as a number of `WIDTH` bits.
pub(crate) trait IpAddress:
    Copy + Ord + Hash + Debug + Display + FromStr + Send + Sync + 'static
{
    /// Address width in bits.
    const WIDTH: u8;
    /// `IPv4` or `IPv6`, for messages.
    const NAME: &'static str;
    /// The address as a number.
    fn to_u128(self) -> u128;
    /// The address of a number (bits above `WIDTH` are ignored).
    fn from_u128(bits: u128) -> Self;
}

impl IpAddress for Ipv4Addr {
    const WIDTH: u8 = 32;
    const NAME: &'static str = "IPv4";

    fn to_u128(self) -> u128 {
        u128::from(u32::from(self))
    }

    fn from_u128(bits: u128) -> Self {
        // Truncation to the low 32 bits is the meaning of `from_u128`.
        Ipv4Addr::from(bits as u32)
    }
}

impl IpAddress for Ipv6Addr {
    const WIDTH: u8 = 128;
    const NAME: &'static str = "IPv6";

    fn to_u128(self) -> u128 {
        u128::from(self)
    }

    fn from_u128(bits: u128) -> Self {
        Ipv6Addr::from(bits)
    }
}

/// The network mask of a `len`-bit prefix of `A` (lengths above `A::WIDTH` saturate).
pub(crate) fn mask<A: IpAddress>(len: u8) -> u128 {
    let width = u128::MAX >> (128 - u32::from(A::WIDTH));
    let host = width.checked_shr(u32::from(len)).unwrap_or(0);
    width & !host
}

/// An address and a prefix length no longer than the family's width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Prefix<A> {
    /// The address as written (host bits may be set).
    pub(crate) addr: A,
    /// The prefix length.
    pub(crate) len: u8,
}

impl<A: IpAddress> Prefix<A> {
    /// `address/len`, spaces around either part allowed; `None` if either part is invalid.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (addr, len) = text.trim().split_once('/')?;
        let len: u8 = len.trim().parse().ok().filter(|l| *l <= A::WIDTH)?;
        Some(Prefix {
            addr: addr.trim().parse().ok()?,
            len,
        })
    }

    /// The first address of the prefix.
    pub(crate) fn first(&self) -> A {
        A::from_u128(self.addr.to_u128() & mask::<A>(self.len))
    }

    /// The last address of the prefix.
    pub(crate) fn last(&self) -> A {
        A::from_u128(self.addr.to_u128() | (mask::<A>(A::WIDTH) & !mask::<A>(self.len)))
    }

    /// Whether the address as written is the first of its prefix (no host bits set).
    pub(crate) fn is_aligned(&self) -> bool {
        self.addr == self.first()
    }

    /// Whether `a` lies in the prefix.
    pub(crate) fn contains(&self, a: A) -> bool {
        let m = mask::<A>(self.len);
        a.to_u128() & m == self.addr.to_u128() & m
    }
}

/// Whether the inclusive ranges `a` and `b` share an address.
pub(crate) fn overlap<A: Ord>(a: (A, A), b: (A, A)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_bounds_of_both_families() {
        assert_eq!(mask::<Ipv4Addr>(24), 0xffff_ff00);
        assert_eq!(mask::<Ipv4Addr>(0), 0);
        assert_eq!(mask::<Ipv4Addr>(40), 0xffff_ffff);
        assert_eq!(mask::<Ipv6Addr>(128), u128::MAX);
        let p = Prefix::<Ipv4Addr>::parse(" 10.0.0.77 / 24 ").unwrap();
        assert_eq!(
            (p.first(), p.last()),
            ("10.0.0.0".parse().unwrap(), "10.0.0.255".parse().unwrap())
        );
        assert!(!p.is_aligned() && p.contains("10.0.0.1".parse().unwrap()));
        let p = Prefix::<Ipv6Addr>::parse("2001:db8::/32").unwrap();
        assert_eq!(
            p.last(),
            "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"
                .parse::<Ipv6Addr>()
                .unwrap()
        );
        assert!(p.is_aligned());
        assert!(Prefix::<Ipv6Addr>::parse("2001:db8::/129").is_none());
        assert!(Prefix::<Ipv4Addr>::parse("2001:db8::/8").is_none());
        assert!(overlap((1, 5), (5, 9)) && !overlap((1, 4), (5, 9)));
    }
}
