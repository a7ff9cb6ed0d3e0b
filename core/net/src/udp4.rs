//! UDP/IPv4 sockets that report and choose the interface and local address per datagram.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

use crate::batch::{self, Datagram, Wait};
use crate::sys;
use crate::{RecvMeta4, SendTarget4, Socket4};

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
        sys::enlarge_buffers(fd);
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

impl UdpSocket4 {
    fn recv_with(
        &self,
        bufs: &mut [Vec<u8>],
        metas: &mut [RecvMeta4],
        wait: Wait,
    ) -> io::Result<usize> {
        batch::recv(self.as_raw_fd(), bufs, metas, wait, |dg, _| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    const WAIT: Duration = Duration::from_secs(2);

    fn loopback_index() -> u32 {
        crate::interfaces()
            .unwrap()
            .into_iter()
            .find(|i| i.loopback)
            .expect("a loopback interface")
            .index
    }

    fn bind_local() -> UdpSocket4 {
        UdpSocket4::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0), None, false).unwrap()
    }

    fn target(dst: SocketAddrV4) -> SendTarget4 {
        SendTarget4 {
            dst,
            ifindex: 0,
            src: Ipv4Addr::UNSPECIFIED,
            dst_mac: None,
        }
    }

    /// Receives until `want` datagrams arrived (or fails after WAIT).
    fn recv_n(sock: &UdpSocket4, want: usize, buf_len: usize) -> (Vec<Vec<u8>>, Vec<RecvMeta4>) {
        let mut bufs = vec![vec![0u8; buf_len]; want + 8];
        let mut metas = vec![RecvMeta4::default(); want + 8];
        let mut got = 0;
        let deadline = Instant::now() + WAIT;
        while got < want && Instant::now() < deadline {
            got += sock
                .recv_batch_timeout(&mut bufs[got..], &mut metas[got..], Some(WAIT))
                .unwrap();
        }
        assert_eq!(got, want, "datagrams received");
        bufs.truncate(got);
        metas.truncate(got);
        (bufs, metas)
    }

    // V4-013: UDP service on loopback.
    #[test]
    fn batch_of_100_round_trips_with_metadata() {
        let rx = bind_local();
        let tx = bind_local();
        let (rx_addr, tx_addr) = (rx.local_addr().unwrap(), tx.local_addr().unwrap());
        assert_ne!(rx_addr.port(), 0);
        let payloads: Vec<Vec<u8>> = (0..100u16)
            .map(|i| {
                (0..(i as usize * 13 % 600 + 1))
                    .map(|b| (b as u16 ^ i) as u8)
                    .collect()
            })
            .collect();
        let msgs: Vec<(&[u8], SendTarget4)> =
            payloads.iter().map(|p| (&p[..], target(rx_addr))).collect();
        let mut sent = 0;
        while sent < msgs.len() {
            sent += tx.send_batch(&msgs[sent..]).unwrap();
        }
        let (bufs, metas) = recv_n(&rx, 100, 1500);
        let lo = loopback_index();
        for (i, (buf, meta)) in bufs.iter().zip(&metas).enumerate() {
            assert_eq!(meta.src, tx_addr, "#{i}");
            assert_eq!(meta.dst, Ipv4Addr::LOCALHOST, "#{i}");
            assert_eq!(meta.ifindex, lo, "#{i}");
            assert_eq!(meta.src_mac, None);
            assert_eq!(&buf[..meta.len], &payloads[i][..], "#{i}");
            assert_eq!(buf.len(), 1500, "buffer length is left alone");
        }
    }

    #[test]
    fn empty_queue_returns_zero_without_blocking_and_timeout_waits() {
        let rx = bind_local();
        let mut bufs = vec![vec![0u8; 64]; 4];
        let mut metas = [RecvMeta4::default(); 4];
        assert_eq!(rx.recv_batch(&mut bufs, &mut metas).unwrap(), 0);
        let start = Instant::now();
        let n = rx
            .recv_batch_timeout(&mut bufs, &mut metas, Some(Duration::from_millis(30)))
            .unwrap();
        assert_eq!(n, 0);
        assert!(start.elapsed() >= Duration::from_millis(30));
        assert_eq!(rx.recv_batch(&mut [], &mut []).unwrap(), 0);
    }

    #[test]
    fn waiting_receive_blocks_for_the_first_datagram_then_takes_the_queue() {
        let rx = bind_local();
        let tx = bind_local();
        rx.set_wait_timeout(Duration::from_millis(30)).unwrap();
        let mut bufs = vec![vec![0u8; 64]; 8];
        let mut metas = [RecvMeta4::default(); 8];
        let start = Instant::now();
        assert_eq!(
            rx.recv_batch_wait(&mut bufs, &mut metas).unwrap(),
            0,
            "timeout"
        );
        assert!(start.elapsed() >= Duration::from_millis(25));
        assert_eq!(
            rx.recv_batch(&mut bufs, &mut metas).unwrap(),
            0,
            "plain receive stays non-blocking"
        );
        let to = rx.local_addr().unwrap();
        let msgs = [(&b"one"[..], target(to)), (&b"two"[..], target(to))];
        assert_eq!(tx.send_batch(&msgs).unwrap(), 2);
        let mut got = 0;
        let deadline = Instant::now() + WAIT;
        while got < 2 && Instant::now() < deadline {
            got += rx
                .recv_batch_wait(&mut bufs[got..], &mut metas[got..])
                .unwrap();
        }
        assert_eq!(got, 2);
        assert_eq!(&bufs[0][..metas[0].len], b"one");
        assert_eq!(&bufs[1][..metas[1].len], b"two");
    }

    #[test]
    fn oversized_datagrams_are_dropped_and_the_rest_packed() {
        let rx = bind_local();
        let tx = bind_local();
        let dst = rx.local_addr().unwrap();
        let (big, small) = ([1u8; 100], [2u8; 10]);
        let msgs = [
            (&big[..], target(dst)),
            (&small[..], target(dst)),
            (&big[..], target(dst)),
            (&small[..], target(dst)),
        ];
        assert_eq!(tx.send_batch(&msgs).unwrap(), 4);
        rx.recv_batch_timeout(&mut [], &mut [], Some(WAIT)).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let mut bufs = vec![vec![0u8; 50]; 4];
        let mut metas = [RecvMeta4::default(); 4];
        assert_eq!(rx.recv_batch(&mut bufs, &mut metas).unwrap(), 2);
        assert_eq!(&bufs[0][..metas[0].len], &small);
        assert_eq!(&bufs[1][..metas[1].len], &small);
    }

    // V4-072, V4-020: the arrival address and interface are reported per datagram, and a reply
    // leaves from the address the server picks even on a wildcard-bound socket.
    #[test]
    fn pktinfo_picks_the_source_and_reports_the_destination() {
        // Bound to the wildcard, the sender still answers from the address the target names.
        let rx =
            UdpSocket4::bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0), None, false).unwrap();
        let tx =
            UdpSocket4::bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0), None, false).unwrap();
        let lo = loopback_index();
        let dst = SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, 3), rx.local_addr().unwrap().port());
        let t = SendTarget4 {
            dst,
            ifindex: lo,
            src: Ipv4Addr::new(127, 0, 0, 2),
            dst_mac: None,
        };
        assert_eq!(tx.send_batch(&[(b"hi", t)]).unwrap(), 1);
        let (_, metas) = recv_n(&rx, 1, 64);
        assert_eq!(*metas[0].src.ip(), Ipv4Addr::new(127, 0, 0, 2));
        assert_eq!(metas[0].src.port(), tx.local_addr().unwrap().port());
        assert_eq!(metas[0].dst, Ipv4Addr::new(127, 0, 0, 3));
        assert_eq!(metas[0].ifindex, lo);
    }

    #[test]
    fn send_stops_before_a_failing_message() {
        let rx = bind_local();
        let tx = bind_local();
        let dst = rx.local_addr().unwrap();
        let bad = SendTarget4 {
            ifindex: 0x7fff_fff0,
            ..target(dst)
        }; // no such interface
        let msgs = [
            (&b"a"[..], target(dst)),
            (&b"b"[..], bad),
            (&b"c"[..], target(dst)),
        ];
        assert_eq!(tx.send_batch(&msgs).unwrap(), 1);
        let err = tx.send_batch(&msgs[1..]).unwrap_err();
        assert_ne!(err.kind(), io::ErrorKind::WouldBlock);
        assert_eq!(tx.send_batch(&msgs[2..]).unwrap(), 1);
        let too_big = SendTarget4 {
            ifindex: u32::MAX,
            ..target(dst)
        };
        assert_eq!(
            tx.send_batch(&[(b"d", too_big)]).unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
        let (bufs, metas) = recv_n(&rx, 2, 8);
        assert_eq!(&bufs[0][..metas[0].len], b"a");
        assert_eq!(&bufs[1][..metas[1].len], b"c");
    }
}
