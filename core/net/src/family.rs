//! The two IP families a UDP socket speaks, and everything that differs between them: address
//! types, the kernel socket address, and the packet-info control message.
//!
//! The socket, batch and metadata code is written once over [`IpFamily`]; [`V4`] and [`V6`]
//! supply the few family-specific pieces.

use std::fmt::Debug;
use std::hash::Hash;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use socket2::Domain;

use sealed::Pktinfo;

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
    type SockAddr: Copy + Debug + PartialEq + Eq + Hash + Send + Sync + 'static + Into<SocketAddr>;
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

    /// How a family asks for and carries packet info.
    #[derive(Clone, Copy, Debug)]
    pub struct Pktinfo {
        /// Protocol level of the option and of the control message.
        pub level: libc::c_int,
        /// Socket option that turns packet info on for received datagrams.
        pub recv_option: libc::c_int,
        /// Control message type carrying packet info, received and sent.
        pub cmsg: libc::c_int,
    }

    impl Pktinfo {
        /// Level, option, control message type.
        pub(crate) const fn new(
            level: libc::c_int,
            recv_option: libc::c_int,
            cmsg: libc::c_int,
        ) -> Self {
            Self {
                level,
                recv_option,
                cmsg,
            }
        }
    }

    /// What the generic socket code asks of a family. Not nameable outside the crate, which
    /// seals [`IpFamily`].
    #[allow(unreachable_pub)] // must be `pub` to bound the public IpFamily; the module is private
    pub trait Ops {
        /// `socket(2)` domain.
        const DOMAIN: socket2::Domain;
        /// The packet-info socket option and control message.
        const PKTINFO: Pktinfo;
        /// The packet-info payload written for a send.
        type PktInfo: AsRef<[u8]>;

        /// socket2's reading of a socket address, if it is of this family.
        fn narrow(addr: &socket2::SockAddr) -> Option<<Self as IpFamily>::SockAddr>
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
    const PKTINFO: Pktinfo = Pktinfo::new(libc::IPPROTO_IP, libc::IP_PKTINFO, libc::IP_PKTINFO);
    type PktInfo = [u8; 12];

    fn narrow(addr: &socket2::SockAddr) -> Option<SocketAddrV4> {
        addr.as_socket_ipv4()
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
    // Asked for with IPV6_RECVPKTINFO (RFC 3542); the message is IPV6_PKTINFO both ways.
    const PKTINFO: Pktinfo = Pktinfo::new(
        libc::IPPROTO_IPV6,
        libc::IPV6_RECVPKTINFO,
        libc::IPV6_PKTINFO,
    );
    type PktInfo = [u8; 20];

    fn narrow(addr: &socket2::SockAddr) -> Option<SocketAddrV6> {
        addr.as_socket_ipv6()
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

/// The socket address of family `F` in a kernel-filled `sockaddr_storage`, if it is of that family.
pub(crate) fn from_storage<F: IpFamily>(ss: &libc::sockaddr_storage) -> Option<F::SockAddr> {
    let len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: `ss` is a whole, initialized sockaddr_storage (zeroed, then filled by the kernel),
    // so its full size is a valid length; socket2 reads only what the family field announces.
    let addr = unsafe { socket2::SockAddr::new(*ss, len) };
    F::narrow(&addr)
}

/// Writes a socket address of family `F` into `ss`; returns the length to pass to the kernel.
pub(crate) fn to_storage<F: IpFamily>(
    addr: F::SockAddr,
    ss: &mut libc::sockaddr_storage,
) -> libc::socklen_t {
    let addr = socket2::SockAddr::from(addr.into());
    let len = addr.len();
    *ss = addr.as_storage();
    len
}
