//! The two IP families a UDP socket speaks, and everything that differs between them: address
//! types, the kernel socket address, and the packet-info control message.
//!
//! The socket, batch and metadata code is written once over [`IpFamily`]; [`V4`] and [`V6`]
//! supply the few family-specific pieces.

use std::fmt::Debug;
use std::hash::Hash;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use socket2::Domain;

use crate::sys;

/// IPv4 (`AF_INET`): addresses are [`Ipv4Addr`], socket addresses [`SocketAddrV4`], packet info
/// is `IP_PKTINFO`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum V4 {}

/// IPv6 (`AF_INET6`): addresses are [`Ipv6Addr`], socket addresses [`SocketAddrV6`] (with the
/// scope id of link-local addresses), packet info is `IPV6_PKTINFO` (`in6_pktinfo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum V6 {}

/// An IP family: [`V4`] or [`V6`]. Sealed; the crate's generic sockets and metadata are
/// parameterized by it.
pub trait IpFamily:
    sealed::Ops + Copy + Debug + PartialEq + Eq + Hash + Send + Sync + 'static
{
    /// An address of the family.
    type Addr: Copy + Debug + PartialEq + Eq + Hash + Send + Sync + 'static;
    /// An address and port (and, for IPv6, flow info and scope id).
    type SockAddr: Copy + Debug + PartialEq + Eq + Hash + Send + Sync + 'static;
    /// The unspecified address (`0.0.0.0`, `::`).
    const UNSPECIFIED: Self::Addr;
    /// The unspecified address with port 0.
    const UNSPECIFIED_SOCKADDR: Self::SockAddr;
}

impl IpFamily for V4 {
    type Addr = Ipv4Addr;
    type SockAddr = SocketAddrV4;
    const UNSPECIFIED: Ipv4Addr = Ipv4Addr::UNSPECIFIED;
    const UNSPECIFIED_SOCKADDR: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0);
}

impl IpFamily for V6 {
    type Addr = Ipv6Addr;
    type SockAddr = SocketAddrV6;
    const UNSPECIFIED: Ipv6Addr = Ipv6Addr::UNSPECIFIED;
    const UNSPECIFIED_SOCKADDR: SocketAddrV6 = SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 0, 0, 0);
}

// The packet-info control messages are read and written as bytes, at these offsets:
// in_pktinfo { int ipi_ifindex; in_addr ipi_spec_dst; in_addr ipi_addr; }
// in6_pktinfo { in6_addr ipi6_addr; unsigned ipi6_ifindex; }
const _: () = assert!(std::mem::size_of::<libc::in_pktinfo>() == 12);
const _: () = assert!(std::mem::size_of::<libc::in6_pktinfo>() == 20);

pub(crate) mod sealed {
    use super::IpFamily;

    /// What the generic socket code asks of a family. Not nameable outside the crate, which
    /// seals [`IpFamily`].
    #[allow(unreachable_pub)] // must be `pub` to bound the public IpFamily; the module is private
    pub trait Ops {
        /// `socket(2)` domain.
        const DOMAIN: socket2::Domain;
        /// Protocol level of the packet-info option and control message.
        const PKTINFO_LEVEL: libc::c_int;
        /// Socket option that turns packet info on for received datagrams.
        const PKTINFO_RECV_OPTION: libc::c_int;
        /// Control message type carrying packet info, received and sent.
        const PKTINFO_CMSG: libc::c_int;
        /// The packet-info payload written for a send.
        type PktInfo: AsRef<[u8]>;

        /// The socket address in a kernel-filled `sockaddr_storage`, if it is of this family.
        fn from_storage(ss: &libc::sockaddr_storage) -> Option<<Self as IpFamily>::SockAddr>
        where
            Self: IpFamily;

        /// Writes a socket address into `ss`; returns its length.
        fn to_storage(
            addr: <Self as IpFamily>::SockAddr,
            ss: &mut libc::sockaddr_storage,
        ) -> libc::socklen_t
        where
            Self: IpFamily;

        /// The standard library's view of a socket address, and back.
        fn to_std(addr: <Self as IpFamily>::SockAddr) -> std::net::SocketAddr
        where
            Self: IpFamily;

        /// `None` for an address of the other family.
        fn from_std(addr: std::net::SocketAddr) -> Option<<Self as IpFamily>::SockAddr>
        where
            Self: IpFamily;

        /// Whether this is the unspecified address.
        fn is_unspecified(addr: <Self as IpFamily>::Addr) -> bool
        where
            Self: IpFamily;

        /// The header destination address and arrival interface of a received packet-info
        /// payload.
        fn parse_pktinfo(data: &[u8]) -> Option<(<Self as IpFamily>::Addr, u32)>
        where
            Self: IpFamily;

        /// The packet-info payload that sends from `src` (unspecified: the kernel chooses) on
        /// interface `ifindex` (0: the kernel routes).
        fn pktinfo(src: <Self as IpFamily>::Addr, ifindex: libc::c_int) -> Self::PktInfo
        where
            Self: IpFamily;
    }
}

impl sealed::Ops for V4 {
    const DOMAIN: Domain = Domain::IPV4;
    const PKTINFO_LEVEL: libc::c_int = libc::IPPROTO_IP;
    const PKTINFO_RECV_OPTION: libc::c_int = libc::IP_PKTINFO;
    const PKTINFO_CMSG: libc::c_int = libc::IP_PKTINFO;
    type PktInfo = [u8; 12];

    fn from_storage(ss: &libc::sockaddr_storage) -> Option<SocketAddrV4> {
        let sin = sys::storage_read::<libc::sockaddr_in>(ss)?;
        Some(SocketAddrV4::new(
            Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)),
            u16::from_be(sin.sin_port),
        ))
    }

    fn to_storage(addr: SocketAddrV4, ss: &mut libc::sockaddr_storage) -> libc::socklen_t {
        let sin = libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: addr.port().to_be(),
            sin_addr: libc::in_addr {
                s_addr: u32::from(*addr.ip()).to_be(),
            },
            sin_zero: [0; 8],
        };
        sys::storage_write(sin, ss)
    }

    fn to_std(addr: SocketAddrV4) -> SocketAddr {
        SocketAddr::V4(addr)
    }

    fn from_std(addr: SocketAddr) -> Option<SocketAddrV4> {
        match addr {
            SocketAddr::V4(a) => Some(a),
            SocketAddr::V6(_) => None,
        }
    }

    fn is_unspecified(addr: Ipv4Addr) -> bool {
        addr.is_unspecified()
    }

    fn parse_pktinfo(data: &[u8]) -> Option<(Ipv4Addr, u32)> {
        let ifindex = i32::from_ne_bytes(data.get(0..4)?.try_into().ok()?);
        let dst: [u8; 4] = data.get(8..12)?.try_into().ok()?; // ipi_addr: header destination
        Some((Ipv4Addr::from(dst), u32::try_from(ifindex).ok()?))
    }

    fn pktinfo(src: Ipv4Addr, ifindex: libc::c_int) -> [u8; 12] {
        let mut info = [0u8; 12];
        info[0..4].copy_from_slice(&ifindex.to_ne_bytes());
        info[4..8].copy_from_slice(&src.octets()); // ipi_spec_dst: source to use
        info
    }
}

impl sealed::Ops for V6 {
    const DOMAIN: Domain = Domain::IPV6;
    const PKTINFO_LEVEL: libc::c_int = libc::IPPROTO_IPV6;
    const PKTINFO_RECV_OPTION: libc::c_int = libc::IPV6_RECVPKTINFO;
    const PKTINFO_CMSG: libc::c_int = libc::IPV6_PKTINFO;
    type PktInfo = [u8; 20];

    fn from_storage(ss: &libc::sockaddr_storage) -> Option<SocketAddrV6> {
        let sin6 = sys::storage_read::<libc::sockaddr_in6>(ss)?;
        Some(SocketAddrV6::new(
            Ipv6Addr::from(sin6.sin6_addr.s6_addr),
            u16::from_be(sin6.sin6_port),
            u32::from_be(sin6.sin6_flowinfo),
            sin6.sin6_scope_id,
        ))
    }

    fn to_storage(addr: SocketAddrV6, ss: &mut libc::sockaddr_storage) -> libc::socklen_t {
        let sin6 = libc::sockaddr_in6 {
            sin6_family: libc::AF_INET6 as libc::sa_family_t,
            sin6_port: addr.port().to_be(),
            sin6_flowinfo: addr.flowinfo().to_be(),
            sin6_addr: libc::in6_addr {
                s6_addr: addr.ip().octets(),
            },
            sin6_scope_id: addr.scope_id(),
        };
        sys::storage_write(sin6, ss)
    }

    fn to_std(addr: SocketAddrV6) -> SocketAddr {
        SocketAddr::V6(addr)
    }

    fn from_std(addr: SocketAddr) -> Option<SocketAddrV6> {
        match addr {
            SocketAddr::V6(a) => Some(a),
            SocketAddr::V4(_) => None,
        }
    }

    fn is_unspecified(addr: Ipv6Addr) -> bool {
        addr.is_unspecified()
    }

    fn parse_pktinfo(data: &[u8]) -> Option<(Ipv6Addr, u32)> {
        let dst: [u8; 16] = data.get(0..16)?.try_into().ok()?; // ipi6_addr
        let ifindex = u32::from_ne_bytes(data.get(16..20)?.try_into().ok()?);
        Some((Ipv6Addr::from(dst), ifindex))
    }

    fn pktinfo(src: Ipv6Addr, ifindex: libc::c_int) -> [u8; 20] {
        let mut info = [0u8; 20];
        info[0..16].copy_from_slice(&src.octets()); // ipi6_addr: source to use
        info[16..20].copy_from_slice(&ifindex.to_ne_bytes());
        info
    }
}
