//! UDP/IPv4 sockets that report and choose the interface and local address per datagram.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use socket2::{Domain, Protocol, Socket, Type};

use crate::batch::{self, Datagram};
use crate::sys;
use crate::{RecvMeta4, SendTarget4, Socket4};

/// Socket buffer size asked for each way: room for bursts of thousands of DHCP messages.
pub(crate) const SOCKET_BUFFER_BYTES: libc::c_int = 4 << 20;

// The packet-info control message is read and written as bytes: ifindex (native int), the
// local address, the header destination address.
const _: () = assert!(std::mem::size_of::<libc::in_pktinfo>() == 12);

/// A non-blocking UDP/IPv4 socket with `IP_PKTINFO` on receive and send.
///
/// Bound to `0.0.0.0`, one socket serves every interface: each datagram's meta says where it
/// arrived, and each reply's [`SendTarget4`] picks the interface and source address.
#[derive(Debug)]
pub struct UdpSocket4 {
    sock: Socket,
}

impl UdpSocket4 {
    /// Binds to `addr` with `SO_REUSEADDR`, optionally to one interface (`SO_BINDTODEVICE`) and
    /// allowed to send broadcasts (`SO_BROADCAST`).
    pub fn bind(addr: SocketAddrV4, device: Option<&str>, broadcast: bool) -> io::Result<Self> {
        let sock = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
        sock.set_reuse_address(true)?;
        if let Some(dev) = device {
            sock.bind_device(Some(dev.as_bytes()))?;
        }
        if broadcast {
            sock.set_broadcast(true)?;
        }
        let fd = sock.as_raw_fd();
        sys::setsockopt_int(fd, libc::IPPROTO_IP, libc::IP_PKTINFO, 1)?;
        sys::enlarge_buffers(fd, SOCKET_BUFFER_BYTES);
        sock.set_nonblocking(true)?;
        sock.bind(&SocketAddr::V4(addr).into())?;
        Ok(Self { sock })
    }

    /// The address the socket is bound to (with the kernel-chosen port after binding port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddrV4> {
        self.sock
            .local_addr()?
            .as_socket_ipv4()
            .ok_or_else(|| io::Error::other("UDP/IPv4 socket has a non-IPv4 local address"))
    }
}

/// Reads the header destination address and arrival interface from `IP_PKTINFO`.
fn pktinfo(dg: &Datagram<'_>) -> Option<(Ipv4Addr, u32)> {
    let data = dg.control(libc::IPPROTO_IP, libc::IP_PKTINFO)?;
    let ifindex = i32::from_ne_bytes(data.get(0..4)?.try_into().ok()?);
    let dst: [u8; 4] = data.get(8..12)?.try_into().ok()?;
    Some((Ipv4Addr::from(dst), u32::try_from(ifindex).ok()?))
}

impl Socket4 for UdpSocket4 {
    fn recv_batch(&self, bufs: &mut [Vec<u8>], metas: &mut [RecvMeta4]) -> io::Result<usize> {
        batch::recv(self.as_raw_fd(), bufs, metas, |dg, _| {
            if dg.truncated {
                return None;
            }
            let src = sys::storage_to_v4(dg.addr)?;
            // The kernel always adds the message once IP_PKTINFO is on; without it the
            // datagram is still worth handing on.
            let (dst, ifindex) = pktinfo(dg).unwrap_or((Ipv4Addr::UNSPECIFIED, 0));
            Some(RecvMeta4 {
                src,
                dst,
                ifindex,
                src_mac: None,
                len: dg.len,
            })
        })
    }

    fn send_batch(&self, msgs: &[(&[u8], SendTarget4)]) -> io::Result<usize> {
        batch::send(self.as_raw_fd(), msgs, |_, t, slot| {
            slot.set_dest_v4(t.dst);
            if t.ifindex != 0 || !t.src.is_unspecified() {
                let ifindex = libc::c_int::try_from(t.ifindex).map_err(|_| {
                    io::Error::new(io::ErrorKind::InvalidInput, "interface index out of range")
                })?;
                let mut info = [0u8; 12];
                info[0..4].copy_from_slice(&ifindex.to_ne_bytes());
                info[4..8].copy_from_slice(&t.src.octets()); // ipi_spec_dst: source to use
                slot.set_control(libc::IPPROTO_IP, libc::IP_PKTINFO, &info);
            }
            Ok(())
        })
    }
}

impl AsRawFd for UdpSocket4 {
    fn as_raw_fd(&self) -> RawFd {
        self.sock.as_raw_fd()
    }
}

impl AsFd for UdpSocket4 {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }
}
