//! Raw `AF_PACKET` sockets for UDP/IPv4: reach clients that have no IP address yet.

use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::time::Duration;

use socket2::{Domain, Socket, Type};

use crate::batch::Wait;
use crate::frame4::{self, BuildError, FrameAddrs, HEADERS_LEN};
use crate::{batch, sys, DatagramSocket, Interface, RecvMeta4, SendTarget4, V4};

/// A raw socket on one Ethernet interface that receives UDP/IPv4 datagrams to one port and
/// sends complete Ethernet + IPv4 + UDP frames.
///
/// Receiving: a kernel filter passes only unfragmented UDP/IPv4 frames to the port, broadcasts
/// included, and each frame is checked again in user space (IPv4 header length and checksum,
/// lengths, fragments) before its UDP payload is moved to the front of the buffer. Frames the
/// host itself sent, or that were addressed to another host's MAC, are dropped.
///
/// Sending: frames go out on the bound interface from its MAC, to [`SendTarget4::dst_mac`] or,
/// without one, to the Ethernet broadcast address for `255.255.255.255`; the UDP source port is
/// the socket's port.
///
/// A raw socket does not stop the kernel's own UDP stack from answering unicast datagrams to the
/// port with ICMP port-unreachable: the server must also keep a UDP socket bound to the port
/// (it may simply never read from it).
#[derive(Debug)]
pub struct RawSocket4 {
    sock: Socket,
    ifindex: u32,
    mac: [u8; 6],
    /// Source address for targets that leave it unspecified: the interface's first address.
    default_src: Ipv4Addr,
    port: u16,
}

impl RawSocket4 {
    /// Opens a raw socket on `iface` for UDP datagrams to `port`. Needs `CAP_NET_RAW` and an
    /// interface with an Ethernet address.
    pub fn open(iface: &Interface, port: u16) -> io::Result<Self> {
        let mac = iface.mac.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("interface {} has no Ethernet address", iface.name),
            )
        })?;
        // Protocol 0 receives nothing, so no unfiltered frame queues up before the filter is
        // in place; binding below selects IPv4 frames on the one interface.
        let sock = Socket::new(Domain::PACKET, Type::RAW, None)?;
        sock.attach_filter(&frame4::udp_port_filter(port))?;
        let fd = sock.as_raw_fd();
        sys::enlarge_buffers(fd);
        sock.set_nonblocking(true)?;
        sys::bind_packet(fd, iface.index, libc::ETH_P_IP as u16)?;
        Ok(Self {
            sock,
            ifindex: iface.index,
            mac,
            default_src: iface
                .ipv4
                .first()
                .map_or(Ipv4Addr::UNSPECIFIED, |&(a, _)| a),
            port,
        })
    }

    /// Builds the frame headers for one message.
    fn headers(
        &self,
        payload: &[u8],
        t: &SendTarget4,
        out: &mut [u8; HEADERS_LEN],
    ) -> Result<(), BuildError> {
        if t.ifindex != 0 && t.ifindex != self.ifindex {
            return Err(BuildError::OtherInterface {
                bound: self.ifindex,
                asked: t.ifindex,
            });
        }
        let dst_mac = match t.dst_mac {
            Some(mac) => mac,
            None if t.dst.ip().is_broadcast() => frame4::BROADCAST_MAC,
            None => return Err(BuildError::NoDestinationMac(*t.dst.ip())),
        };
        let src = if t.src.is_unspecified() {
            self.default_src
        } else {
            t.src
        };
        let addrs = FrameAddrs {
            src_mac: self.mac,
            dst_mac,
            src: SocketAddrV4::new(src, self.port),
            dst: t.dst,
        };
        frame4::write_headers(out, &addrs, payload)
    }
}

impl DatagramSocket<V4> for RawSocket4 {
    fn recv_batch(&self, bufs: &mut [Vec<u8>], metas: &mut [RecvMeta4]) -> io::Result<usize> {
        self.recv_with(bufs, metas, Wait::No)
    }

    fn recv_batch_wait(&self, bufs: &mut [Vec<u8>], metas: &mut [RecvMeta4]) -> io::Result<usize> {
        self.recv_with(bufs, metas, Wait::ForOne)
    }

    fn set_wait_timeout(&self, timeout: Duration) -> io::Result<()> {
        self.sock.set_read_timeout(Some(timeout))?;
        self.sock.set_nonblocking(false)
    }

    fn send_batch(&self, msgs: &[(&[u8], SendTarget4)]) -> io::Result<usize> {
        batch::send(self.as_raw_fd(), msgs, |payload, t, slot| {
            self.headers(payload, t, slot.head_mut::<HEADERS_LEN>())
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
        })
    }
}

impl RawSocket4 {
    fn recv_with(
        &self,
        bufs: &mut [Vec<u8>],
        metas: &mut [RecvMeta4],
        wait: Wait,
    ) -> io::Result<usize> {
        batch::recv(self.as_raw_fd(), bufs, metas, wait, |dg, buf| {
            if dg.truncated {
                return None;
            }
            let ll = sys::storage_to_ll(dg.addr)?;
            if matches!(
                ll.sll_pkttype,
                libc::PACKET_OUTGOING | libc::PACKET_OTHERHOST
            ) {
                return None;
            }
            let udp = frame4::parse(buf.get(..dg.len)?, self.port).ok()?;
            let len = udp.payload.len();
            buf.copy_within(udp.payload, 0);
            Some(RecvMeta4 {
                src: udp.src,
                dst: *udp.dst.ip(),
                ifindex: u32::try_from(ll.sll_ifindex).ok()?,
                src_mac: Some(udp.src_mac),
                len,
            })
        })
    }
}

impl AsRawFd for RawSocket4 {
    fn as_raw_fd(&self) -> RawFd {
        self.sock.as_raw_fd()
    }
}

impl AsFd for RawSocket4 {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }
}
