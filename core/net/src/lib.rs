//! Linux socket layer for the Ruru DHCP servers.
//!
//! This crate knows nothing about DHCP beyond the ports a caller passes in. It provides:
//! - [`interfaces`]: interface discovery (`getifaddrs`), IPv4 and IPv6 addresses (link-local and
//!   global) per interface.
//! - [`UdpSocket4`] and [`UdpSocket6`] (one generic [`UdpSocket`] over [`IpFamily`]): UDP sockets
//!   that report, per datagram, the destination address and the interface it arrived on
//!   (`IP_PKTINFO`, `IPV6_PKTINFO`), and pick the source address and interface per reply. The
//!   IPv6 socket joins the DHCPv6 multicast groups per interface.
//! - [`RawSocket4`]: an `AF_PACKET` socket bound to one interface that receives UDP/IPv4 datagrams
//!   for one port (broadcasts included) and sends hand-built Ethernet + IPv4 + UDP frames, so a
//!   server can answer clients that have no IP address yet. The server must still keep a UDP
//!   socket bound to the same port, or the kernel answers unicast queries with ICMP
//!   port-unreachable.
//! - Batched I/O for all of them (`recvmmsg`/`sendmmsg`) through the [`DatagramSocket`] trait
//!   ([`Socket4`], [`Socket6`]).
//!
//! Sockets are non-blocking and expose their descriptor ([`AsRawFd`], [`AsFd`](std::os::fd::AsFd)),
//! so an async runtime can wait for readiness (e.g. tokio's `AsyncFd`) and then drain a batch.
//!
//! This is the one Ruru crate that uses `unsafe`: every block wraps one libc call or one
//! conversion of a kernel-filled structure and says why it is sound.

#![warn(missing_docs)]

use std::io;
use std::os::fd::AsRawFd;
use std::time::Duration;

mod batch;
mod family;
mod frame4;
mod iface;
mod raw4;
mod sys;
mod udp;

pub use family::{IpFamily, V4, V6};
pub use iface::{interface_by_name, interfaces, Interface};
pub use raw4::RawSocket4;
pub use udp::{
    UdpSocket, UdpSocket4, UdpSocket6, ALL_DHCP_RELAY_AGENTS_AND_SERVERS, ALL_DHCP_SERVERS,
};

/// What the kernel told us about one received datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecvMeta<F: IpFamily> {
    /// The sender's address and port (IPv6: with the arrival interface as scope id when the
    /// sender is link-local).
    pub src: F::SockAddr,
    /// The destination address in the IP header: `255.255.255.255` for an IPv4 limited
    /// broadcast, the group (e.g. `ff02::1:2`) for IPv6 multicast, else a unicast address.
    pub dst: F::Addr,
    /// Index of the interface the datagram arrived on.
    pub ifindex: u32,
    /// The sender's Ethernet address; only raw sockets see it.
    pub src_mac: Option<[u8; 6]>,
    /// Length of the UDP payload, which starts at offset 0 of the receive buffer.
    pub len: usize,
}

/// Metadata of one received UDP/IPv4 datagram.
pub type RecvMeta4 = RecvMeta<V4>;
/// Metadata of one received UDP/IPv6 datagram.
pub type RecvMeta6 = RecvMeta<V6>;

impl<F: IpFamily> Default for RecvMeta<F> {
    fn default() -> Self {
        Self {
            src: F::UNSPECIFIED_SOCKADDR,
            dst: F::UNSPECIFIED,
            ifindex: 0,
            src_mac: None,
            len: 0,
        }
    }
}

/// Where and how to send one datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendTarget<F: IpFamily> {
    /// Destination address and port. An IPv6 link-local or link-scoped multicast destination
    /// needs an interface: its scope id or [`ifindex`](SendTarget::ifindex).
    pub dst: F::SockAddr,
    /// Interface to send on; 0 lets the kernel route (UDP) or means "the bound interface" (raw).
    pub ifindex: u32,
    /// Source address to use; unspecified (`0.0.0.0`, `::`) lets the kernel choose (UDP) or uses
    /// the interface's first address when the raw socket was opened.
    pub src: F::Addr,
    /// Destination Ethernet address. Raw sockets address the frame to it; `None` is only valid
    /// for `255.255.255.255`, which goes to `ff:ff:ff:ff:ff:ff`. UDP sockets ignore it (the
    /// kernel resolves the address with ARP or neighbour discovery).
    pub dst_mac: Option<[u8; 6]>,
}

/// Where and how to send one IPv4 datagram.
pub type SendTarget4 = SendTarget<V4>;
/// Where and how to send one IPv6 datagram.
pub type SendTarget6 = SendTarget<V6>;

/// A batched datagram socket of family `F` ([`V4`] unless named, so that the trait keeps serving
/// as [`Socket4`]).
///
/// Both methods never block. Typical use with an async runtime: wait until the descriptor is
/// readable, call [`recv_batch`](DatagramSocket::recv_batch) until it returns 0, then wait again.
/// [`Socket4`] and [`Socket6`] name the trait for one family (e.g. `dyn Socket6`).
pub trait DatagramSocket<F: IpFamily = V4>: AsRawFd + Send + Sync {
    /// Receives up to `min(bufs.len(), metas.len())` datagrams without blocking.
    ///
    /// Datagram `i` is written to the start of `bufs[i]` and described by `metas[i]`; each
    /// buffer's current length (not its capacity) is the space offered, and is left unchanged.
    /// Datagrams that do not fit are dropped, as are (raw sockets) frames that are not a whole
    /// UDP/IPv4 datagram to the socket's port. Returns how many entries were filled; 0 means the
    /// receive queue was empty (`WouldBlock` is mapped to `Ok(0)`).
    fn recv_batch(&self, bufs: &mut [Vec<u8>], metas: &mut [RecvMeta<F>]) -> io::Result<usize>;

    /// Sends each `(payload, target)` in order; returns how many, from the front of `msgs`, were
    /// handed to the kernel.
    ///
    /// A count below `msgs.len()` means the message at that index was not sent: call again
    /// with the rest. When the very first message cannot be sent the error is returned instead:
    /// `WouldBlock` when the send buffer is full (wait for writability), any other error is
    /// about that message alone (skip it and continue with the next).
    fn send_batch(&self, msgs: &[(&[u8], SendTarget<F>)]) -> io::Result<usize>;

    /// Like [`recv_batch`](DatagramSocket::recv_batch), but blocks until at least one datagram
    /// arrives or the timeout set by [`set_wait_timeout`](DatagramSocket::set_wait_timeout)
    /// passes (then returns 0): a whole batch costs one system call. Without a wait timeout set
    /// it behaves like `recv_batch`.
    fn recv_batch_wait(&self, bufs: &mut [Vec<u8>], metas: &mut [RecvMeta<F>])
        -> io::Result<usize>;

    /// Lets [`recv_batch_wait`](DatagramSocket::recv_batch_wait) block up to `timeout`. Other
    /// receives and every send stay non-blocking.
    fn set_wait_timeout(&self, timeout: Duration) -> io::Result<()>;

    /// Like [`recv_batch`](DatagramSocket::recv_batch), but first waits up to `timeout` (`None`:
    /// no limit) for a datagram. Returns 0 on timeout and when a signal interrupted the wait, so
    /// a caller can check for shutdown between calls.
    fn recv_batch_timeout(
        &self,
        bufs: &mut [Vec<u8>],
        metas: &mut [RecvMeta<F>],
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        if sys::wait_readable(self.as_raw_fd(), timeout)? {
            self.recv_batch(bufs, metas)
        } else {
            Ok(0)
        }
    }
}

/// A batched IPv4 datagram socket: the name [`DatagramSocket`] had before it was generic. It is
/// the same trait, whose family defaults to [`V4`], so `dyn Socket4` is `dyn DatagramSocket<V4>`
/// and importing `Socket4` brings every socket's batch methods into scope.
pub use DatagramSocket as Socket4;

/// A batched IPv6 datagram socket: [`DatagramSocket<V6>`] under its own name, implemented for
/// every such socket (e.g. `Arc<dyn Socket6>`). Calling the methods on a concrete socket needs
/// [`DatagramSocket`] (or [`Socket4`], the same trait) in scope.
pub trait Socket6: DatagramSocket<V6> {}
impl<T: DatagramSocket<V6> + ?Sized> Socket6 for T {}
