//! Linux socket layer for the Ruru DHCP servers.
//!
//! This crate knows nothing about DHCP beyond the ports a caller passes in. It provides:
//! - [`interfaces`]: interface discovery (`getifaddrs`).
//! - [`UdpSocket4`]: a UDP/IPv4 socket that reports, per datagram, the destination address and the
//!   interface it arrived on (`IP_PKTINFO`), and picks the source address and interface per reply.
//! - [`RawSocket4`]: an `AF_PACKET` socket bound to one interface that receives UDP/IPv4 datagrams
//!   for one port (broadcasts included) and sends hand-built Ethernet + IPv4 + UDP frames, so a
//!   server can answer clients that have no IP address yet. The server must still keep a UDP
//!   socket bound to the same port, or the kernel answers unicast queries with ICMP
//!   port-unreachable.
//! - Batched I/O for both (`recvmmsg`/`sendmmsg`) through the [`Socket4`] trait.
//!
//! Sockets are non-blocking and expose their descriptor ([`AsRawFd`], [`AsFd`](std::os::fd::AsFd)),
//! so an async runtime can wait for readiness (e.g. tokio's `AsyncFd`) and then drain a batch.
//!
//! This is the one Ruru crate that uses `unsafe`: every block wraps one libc call or one
//! conversion of a kernel-filled structure and says why it is sound.

#![warn(missing_docs)]

use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::AsRawFd;
use std::time::Duration;

mod batch;
mod frame4;
mod iface;
mod raw4;
mod sys;
mod udp4;

pub use iface::{interfaces, Interface};
pub use raw4::RawSocket4;
pub use udp4::UdpSocket4;

/// What the kernel told us about one received IPv4 datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecvMeta4 {
    /// The sender's address and port.
    pub src: SocketAddrV4,
    /// The destination address in the IP header (`255.255.255.255` for a limited broadcast).
    pub dst: Ipv4Addr,
    /// Index of the interface the datagram arrived on.
    pub ifindex: u32,
    /// The sender's Ethernet address; only raw sockets see it.
    pub src_mac: Option<[u8; 6]>,
    /// Length of the UDP payload, which starts at offset 0 of the receive buffer.
    pub len: usize,
}

impl Default for RecvMeta4 {
    fn default() -> Self {
        Self {
            src: SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0),
            dst: Ipv4Addr::UNSPECIFIED,
            ifindex: 0,
            src_mac: None,
            len: 0,
        }
    }
}

/// Where and how to send one IPv4 datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendTarget4 {
    /// Destination address and port.
    pub dst: SocketAddrV4,
    /// Interface to send on; 0 lets the kernel route (UDP) or means "the bound interface" (raw).
    pub ifindex: u32,
    /// Source address to use; `0.0.0.0` lets the kernel choose (UDP) or uses the interface's
    /// first address when the raw socket was opened.
    pub src: Ipv4Addr,
    /// Destination Ethernet address. Raw sockets address the frame to it; `None` is only valid
    /// for `255.255.255.255`, which goes to `ff:ff:ff:ff:ff:ff`. UDP sockets ignore it (the
    /// kernel resolves the address with ARP).
    pub dst_mac: Option<[u8; 6]>,
}

/// A batched IPv4 datagram socket.
///
/// Both methods never block. Typical use with an async runtime: wait until the descriptor is
/// readable, call [`recv_batch`](Socket4::recv_batch) until it returns 0, then wait again.
pub trait Socket4: AsRawFd + Send + Sync {
    /// Receives up to `min(bufs.len(), metas.len())` datagrams without blocking.
    ///
    /// Datagram `i` is written to the start of `bufs[i]` and described by `metas[i]`; each
    /// buffer's current length (not its capacity) is the space offered, and is left unchanged.
    /// Datagrams that do not fit are dropped, as are (raw sockets) frames that are not a whole
    /// UDP/IPv4 datagram to the socket's port. Returns how many entries were filled; 0 means the
    /// receive queue was empty (`WouldBlock` is mapped to `Ok(0)`).
    fn recv_batch(&self, bufs: &mut [Vec<u8>], metas: &mut [RecvMeta4]) -> io::Result<usize>;

    /// Sends each `(payload, target)` in order; returns how many, from the front of `msgs`, were
    /// handed to the kernel.
    ///
    /// A count below `msgs.len()` means the message at that index was not sent: call again
    /// with the rest. When the very first message cannot be sent the error is returned instead:
    /// `WouldBlock` when the send buffer is full (wait for writability), any other error is
    /// about that message alone (skip it and continue with the next).
    fn send_batch(&self, msgs: &[(&[u8], SendTarget4)]) -> io::Result<usize>;

    /// Like [`recv_batch`](Socket4::recv_batch), but blocks until at least one datagram arrives or the
    /// timeout set by [`set_wait_timeout`](Socket4::set_wait_timeout) passes (then returns 0): a whole
    /// batch costs one system call. Without a wait timeout set it behaves like `recv_batch`.
    fn recv_batch_wait(&self, bufs: &mut [Vec<u8>], metas: &mut [RecvMeta4]) -> io::Result<usize>;

    /// Lets [`recv_batch_wait`](Socket4::recv_batch_wait) block up to `timeout`. Other receives and
    /// every send stay non-blocking.
    fn set_wait_timeout(&self, timeout: Duration) -> io::Result<()>;

    /// Like [`recv_batch`](Socket4::recv_batch), but first waits up to `timeout` (`None`: no limit)
    /// for a datagram. Returns 0 on timeout and when a signal interrupted the wait, so a caller
    /// can check for shutdown between calls.
    fn recv_batch_timeout(
        &self,
        bufs: &mut [Vec<u8>],
        metas: &mut [RecvMeta4],
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        if sys::wait_readable(self.as_raw_fd(), timeout)? {
            self.recv_batch(bufs, metas)
        } else {
            Ok(0)
        }
    }
}
