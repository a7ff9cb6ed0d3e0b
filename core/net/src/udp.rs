//! UDP sockets, IPv4 and IPv6 alike, that report and choose the interface and local address per
//! datagram.

use std::io;
use std::marker::PhantomData;
use std::net::{Ipv6Addr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::time::Duration;

use socket2::{Protocol, Socket, Type};

use crate::batch::{self, Wait};
use crate::{family, sys};
use crate::{DatagramSocket, IpFamily, RecvMeta, SendTarget, V4, V6};

/// `ff02::1:2`, All_DHCP_Relay_Agents_and_Servers (RFC 8415 section 7.1): link-scoped, the group
/// DHCPv6 clients send to.
pub const ALL_DHCP_RELAY_AGENTS_AND_SERVERS: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 1, 2);
/// `ff05::1:3`, All_DHCP_Servers (RFC 8415 section 7.1): site-scoped, the group relay agents may
/// send to.
pub const ALL_DHCP_SERVERS: Ipv6Addr = Ipv6Addr::new(0xff05, 0, 0, 0, 0, 0, 1, 3);

/// A non-blocking UDP socket of family `F` with packet info on receive and send (`IP_PKTINFO`,
/// `IPV6_RECVPKTINFO`/`IPV6_PKTINFO`).
///
/// Bound to the wildcard address, one socket serves every interface: each datagram's
/// [`RecvMeta`] says where it arrived and to which address, and each reply's [`SendTarget`]
/// picks the interface and source address.
#[derive(Debug)]
pub struct UdpSocket<F: IpFamily> {
    sock: Socket,
    family: PhantomData<F>,
}

/// A UDP/IPv4 socket; see [`UdpSocket`].
pub type UdpSocket4 = UdpSocket<V4>;
/// A UDP/IPv6 socket (IPv6 only, no mapped IPv4); see [`UdpSocket`].
pub type UdpSocket6 = UdpSocket<V6>;

impl<F: IpFamily> UdpSocket<F> {
    /// Opens, configures and binds: `SO_REUSEADDR`, the device, whatever `configure` adds, packet
    /// info, large buffers, non-blocking.
    fn open(
        addr: F::SockAddr,
        device: Option<&str>,
        configure: impl FnOnce(&Socket) -> io::Result<()>,
    ) -> io::Result<Self> {
        let sock = Socket::new(F::DOMAIN, Type::DGRAM, Some(Protocol::UDP))?;
        sock.set_reuse_address(true)?;
        if let Some(dev) = device {
            sock.bind_device(Some(dev.as_bytes()))?;
        }
        configure(&sock)?;
        let fd = sock.as_raw_fd();
        let info = F::PKTINFO;
        sys::setsockopt_int(fd, info.level, info.recv_option, 1)?;
        sys::enlarge_buffers(fd);
        sock.set_nonblocking(true)?;
        sock.bind(&addr.into().into())?;
        Ok(Self {
            sock,
            family: PhantomData,
        })
    }

    /// The address the socket is bound to (with the kernel-chosen port after binding port 0).
    pub fn local_addr(&self) -> io::Result<F::SockAddr> {
        F::narrow(&self.sock.local_addr()?)
            .ok_or_else(|| io::Error::other("UDP socket has a local address of another family"))
    }

    fn recv_with(
        &self,
        bufs: &mut [Vec<u8>],
        metas: &mut [RecvMeta<F>],
        wait: Wait,
    ) -> io::Result<usize> {
        batch::recv(self.as_raw_fd(), bufs, metas, wait, |dg, _| {
            if dg.truncated {
                return None;
            }
            let src = family::from_storage::<F>(dg.addr)?;
            // The kernel always adds the message once packet info is on; without it the
            // datagram is still worth handing on.
            let (dst, ifindex) = dg
                .control(F::PKTINFO.level, F::PKTINFO.cmsg)
                .and_then(F::parse_pktinfo)
                .unwrap_or((F::UNSPECIFIED, 0));
            Some(RecvMeta {
                src,
                dst,
                ifindex,
                src_mac: None,
                len: dg.len,
            })
        })
    }
}

impl UdpSocket<V4> {
    /// Binds to `addr` with `SO_REUSEADDR`, optionally to one interface (`SO_BINDTODEVICE`) and
    /// allowed to send broadcasts (`SO_BROADCAST`).
    pub fn bind(addr: SocketAddrV4, device: Option<&str>, broadcast: bool) -> io::Result<Self> {
        Self::open(addr, device, |sock| {
            if broadcast {
                sock.set_broadcast(true)?;
            }
            Ok(())
        })
    }
}

impl UdpSocket<V6> {
    /// Binds to `addr` with `IPV6_V6ONLY` and `SO_REUSEADDR`, optionally to one interface
    /// (`SO_BINDTODEVICE`).
    ///
    /// To receive DHCPv6 queries, bind the wildcard `[::]:547` and
    /// [`join_multicast`](Self::join_multicast) the groups on each interface served: a socket
    /// bound to a unicast or link-local address does not receive multicast.
    pub fn bind(addr: SocketAddrV6, device: Option<&str>) -> io::Result<Self> {
        Self::open(addr, device, |sock| sock.set_only_v6(true))
    }

    /// Joins multicast `group` on interface `ifindex` (`IPV6_ADD_MEMBERSHIP`), e.g.
    /// [`ALL_DHCP_RELAY_AGENTS_AND_SERVERS`] and [`ALL_DHCP_SERVERS`] once per interface.
    pub fn join_multicast(&self, group: Ipv6Addr, ifindex: u32) -> io::Result<()> {
        self.sock.join_multicast_v6(&group, ifindex)
    }

    /// Leaves multicast `group` on interface `ifindex` (`IPV6_DROP_MEMBERSHIP`).
    pub fn leave_multicast(&self, group: Ipv6Addr, ifindex: u32) -> io::Result<()> {
        self.sock.leave_multicast_v6(&group, ifindex)
    }

    /// Hop limit of multicast sent from this socket (`IPV6_MULTICAST_HOPS`; the kernel's default
    /// is 1).
    pub fn set_multicast_hops(&self, hops: u32) -> io::Result<()> {
        self.sock.set_multicast_hops_v6(hops)
    }

    /// Whether multicast sent from this socket is looped back to the host's own sockets
    /// (`IPV6_MULTICAST_LOOP`; the kernel's default is on).
    pub fn set_multicast_loop(&self, on: bool) -> io::Result<()> {
        self.sock.set_multicast_loop_v6(on)
    }
}

impl<F: IpFamily> DatagramSocket<F> for UdpSocket<F> {
    fn recv_batch(&self, bufs: &mut [Vec<u8>], metas: &mut [RecvMeta<F>]) -> io::Result<usize> {
        self.recv_with(bufs, metas, Wait::No)
    }

    fn recv_batch_wait(
        &self,
        bufs: &mut [Vec<u8>],
        metas: &mut [RecvMeta<F>],
    ) -> io::Result<usize> {
        self.recv_with(bufs, metas, Wait::ForOne)
    }

    fn set_wait_timeout(&self, timeout: Duration) -> io::Result<()> {
        self.sock.set_read_timeout(Some(timeout))?;
        self.sock.set_nonblocking(false)
    }

    fn send_batch(&self, msgs: &[(&[u8], SendTarget<F>)]) -> io::Result<usize> {
        batch::send(self.as_raw_fd(), msgs, |_, t, slot| {
            slot.set_dest::<F>(t.dst);
            if t.ifindex != 0 || t.src != F::UNSPECIFIED {
                let ifindex = libc::c_int::try_from(t.ifindex).map_err(|_| {
                    io::Error::new(io::ErrorKind::InvalidInput, "interface index out of range")
                })?;
                let info = F::pktinfo(t.src, ifindex);
                slot.set_control(F::PKTINFO.level, F::PKTINFO.cmsg, info.as_ref());
            }
            Ok(())
        })
    }
}

impl<F: IpFamily> AsRawFd for UdpSocket<F> {
    fn as_raw_fd(&self) -> RawFd {
        self.sock.as_raw_fd()
    }
}

impl<F: IpFamily> AsFd for UdpSocket<F> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RecvMeta4, SendTarget4, SendTarget6};
    use std::net::{Ipv4Addr, SocketAddr};
    use std::time::{Duration, Instant};

    const WAIT: Duration = Duration::from_secs(2);

    /// What the family-generic tests need to know of a family: its loopback address and how to
    /// bind a plain socket.
    trait TestFamily: IpFamily {
        const LOOPBACK: Self::Addr;
        fn sockaddr(ip: Self::Addr, port: u16) -> Self::SockAddr;
        fn bind_plain(addr: Self::SockAddr) -> UdpSocket<Self>;
    }

    impl TestFamily for V4 {
        const LOOPBACK: Ipv4Addr = Ipv4Addr::LOCALHOST;
        fn sockaddr(ip: Ipv4Addr, port: u16) -> SocketAddrV4 {
            SocketAddrV4::new(ip, port)
        }
        fn bind_plain(addr: SocketAddrV4) -> UdpSocket4 {
            UdpSocket4::bind(addr, None, false).unwrap()
        }
    }

    impl TestFamily for V6 {
        const LOOPBACK: Ipv6Addr = Ipv6Addr::LOCALHOST;
        fn sockaddr(ip: Ipv6Addr, port: u16) -> SocketAddrV6 {
            SocketAddrV6::new(ip, port, 0, 0)
        }
        fn bind_plain(addr: SocketAddrV6) -> UdpSocket6 {
            UdpSocket6::bind(addr, None).unwrap()
        }
    }

    /// Runs a family-generic test body once per family, as `name::v4` and `name::v6`.
    macro_rules! for_both_families {
        ($($name:ident),* $(,)?) => {$(
            mod $name {
                #[test]
                fn v4() {
                    super::$name::<crate::V4>();
                }
                #[test]
                fn v6() {
                    super::$name::<crate::V6>();
                }
            }
        )*};
    }

    for_both_families!(
        batch_of_100_round_trips_with_metadata,
        empty_queue_returns_zero_without_blocking_and_timeout_waits,
        waiting_receive_blocks_for_the_first_datagram_then_takes_the_queue,
        oversized_datagrams_are_dropped_and_the_rest_packed,
        send_stops_before_a_failing_message,
    );

    fn loopback_index() -> u32 {
        crate::interfaces()
            .unwrap()
            .into_iter()
            .find(|i| i.loopback)
            .expect("a loopback interface")
            .index
    }

    fn bind_local<F: TestFamily>() -> UdpSocket<F> {
        F::bind_plain(F::sockaddr(F::LOOPBACK, 0))
    }

    fn std_addr<F: IpFamily>(addr: F::SockAddr) -> SocketAddr {
        addr.into()
    }

    fn target<F: IpFamily>(dst: F::SockAddr) -> SendTarget<F> {
        SendTarget {
            dst,
            ifindex: 0,
            src: F::UNSPECIFIED,
            dst_mac: None,
        }
    }

    /// Receives until `want` datagrams arrived (or fails after WAIT).
    fn recv_n<F: IpFamily>(
        sock: &UdpSocket<F>,
        want: usize,
        buf_len: usize,
    ) -> (Vec<Vec<u8>>, Vec<RecvMeta<F>>) {
        let mut bufs = vec![vec![0u8; buf_len]; want + 8];
        let mut metas = vec![RecvMeta::default(); want + 8];
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

    // V4-013: UDP service on loopback (and the same for UDP/IPv6 on ::1).
    fn batch_of_100_round_trips_with_metadata<F: TestFamily>() {
        let rx = bind_local::<F>();
        let tx = bind_local::<F>();
        let (rx_addr, tx_addr) = (rx.local_addr().unwrap(), tx.local_addr().unwrap());
        assert_ne!(std_addr::<F>(rx_addr).port(), 0);
        let payloads: Vec<Vec<u8>> = (0..100u16)
            .map(|i| {
                (0..(i as usize * 13 % 600 + 1))
                    .map(|b| (b as u16 ^ i) as u8)
                    .collect()
            })
            .collect();
        let msgs: Vec<(&[u8], SendTarget<F>)> =
            payloads.iter().map(|p| (&p[..], target(rx_addr))).collect();
        let mut sent = 0;
        while sent < msgs.len() {
            sent += tx.send_batch(&msgs[sent..]).unwrap();
        }
        let (bufs, metas) = recv_n(&rx, 100, 1500);
        let lo = loopback_index();
        for (i, (buf, meta)) in bufs.iter().zip(&metas).enumerate() {
            assert_eq!(meta.src, tx_addr, "#{i}");
            assert_eq!(meta.dst, F::LOOPBACK, "#{i}");
            assert_eq!(meta.ifindex, lo, "#{i}");
            assert_eq!(meta.src_mac, None);
            assert_eq!(&buf[..meta.len], &payloads[i][..], "#{i}");
            assert_eq!(buf.len(), 1500, "buffer length is left alone");
        }
    }

    fn empty_queue_returns_zero_without_blocking_and_timeout_waits<F: TestFamily>() {
        let rx = bind_local::<F>();
        let mut bufs = vec![vec![0u8; 64]; 4];
        let mut metas = [RecvMeta::<F>::default(); 4];
        assert_eq!(rx.recv_batch(&mut bufs, &mut metas).unwrap(), 0);
        let start = Instant::now();
        let n = rx
            .recv_batch_timeout(&mut bufs, &mut metas, Some(Duration::from_millis(30)))
            .unwrap();
        assert_eq!(n, 0);
        assert!(start.elapsed() >= Duration::from_millis(30));
        assert_eq!(rx.recv_batch(&mut [], &mut []).unwrap(), 0);
    }

    fn waiting_receive_blocks_for_the_first_datagram_then_takes_the_queue<F: TestFamily>() {
        let rx = bind_local::<F>();
        let tx = bind_local::<F>();
        rx.set_wait_timeout(Duration::from_millis(30)).unwrap();
        let mut bufs = vec![vec![0u8; 64]; 8];
        let mut metas = [RecvMeta::<F>::default(); 8];
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

    fn oversized_datagrams_are_dropped_and_the_rest_packed<F: TestFamily>() {
        let rx = bind_local::<F>();
        let tx = bind_local::<F>();
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
        let mut metas = [RecvMeta::<F>::default(); 4];
        assert_eq!(rx.recv_batch(&mut bufs, &mut metas).unwrap(), 2);
        assert_eq!(&bufs[0][..metas[0].len], &small);
        assert_eq!(&bufs[1][..metas[1].len], &small);
    }

    fn send_stops_before_a_failing_message<F: TestFamily>() {
        let rx = bind_local::<F>();
        let tx = bind_local::<F>();
        let dst = rx.local_addr().unwrap();
        let bad = SendTarget {
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
        let too_big = SendTarget {
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

    // V4-072, V4-020: the arrival address and interface are reported per datagram, and a reply
    // leaves from the address the server picks even on a wildcard-bound socket. (IPv6 has one
    // loopback address; tests/netns.rs picks among several on a veth.)
    #[test]
    fn pktinfo_picks_the_source_and_reports_the_destination() {
        // Bound to the wildcard, the sender still answers from the address the target names.
        let rx = V4::bind_plain(V4::UNSPECIFIED_SOCKADDR);
        let tx = V4::bind_plain(V4::UNSPECIFIED_SOCKADDR);
        let lo = loopback_index();
        let dst = SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, 3), rx.local_addr().unwrap().port());
        let t = SendTarget4 {
            dst,
            ifindex: lo,
            src: Ipv4Addr::new(127, 0, 0, 2),
            dst_mac: None,
        };
        assert_eq!(tx.send_batch(&[(b"hi", t)]).unwrap(), 1);
        let (_, metas): (_, Vec<RecvMeta4>) = recv_n(&rx, 1, 64);
        assert_eq!(*metas[0].src.ip(), Ipv4Addr::new(127, 0, 0, 2));
        assert_eq!(metas[0].src.port(), tx.local_addr().unwrap().port());
        assert_eq!(metas[0].dst, Ipv4Addr::new(127, 0, 0, 3));
        assert_eq!(metas[0].ifindex, lo);
    }

    // An IPv6 socket is IPv6-only: an IPv4 sender cannot reach it through a mapped address, and
    // the wildcard v4 and v6 sockets can share a port.
    #[test]
    fn v6_socket_is_v6_only_and_shares_the_port_with_v4() {
        let rx6 = V6::bind_plain(V6::UNSPECIFIED_SOCKADDR);
        let port = rx6.local_addr().unwrap().port();
        let rx4 = V4::bind_plain(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port));
        assert_eq!(rx4.local_addr().unwrap().port(), port);
        let tx6 = bind_local::<V6>();
        let mapped = SocketAddrV6::new(Ipv4Addr::LOCALHOST.to_ipv6_mapped(), port, 0, 0);
        let _ = tx6.send_batch(&[(b"mapped", target(mapped))]);
        let to_loopback = SendTarget6 {
            ifindex: loopback_index(),
            src: Ipv6Addr::LOCALHOST,
            ..target(V6::sockaddr(Ipv6Addr::LOCALHOST, port))
        };
        assert_eq!(tx6.send_batch(&[(b"native", to_loopback)]).unwrap(), 1);
        let (bufs, metas) = recv_n(&rx6, 1, 64);
        assert_eq!(&bufs[0][..metas[0].len], b"native");
        assert_eq!(metas[0].src, tx6.local_addr().unwrap());
        assert_eq!(metas[0].dst, Ipv6Addr::LOCALHOST);
        let mut rest = vec![vec![0u8; 64]; 2];
        let mut rest_meta = [RecvMeta4::default(); 2];
        assert_eq!(rx4.recv_batch(&mut rest, &mut rest_meta).unwrap(), 0);
    }

    #[test]
    fn v6_multicast_options_apply() {
        let sock = V6::bind_plain(V6::UNSPECIFIED_SOCKADDR);
        sock.set_multicast_hops(1).unwrap();
        sock.set_multicast_loop(false).unwrap();
        // Joining and receiving are exercised on a veth in tests/netns.rs; here: an unknown
        // interface is refused.
        assert!(sock
            .join_multicast(ALL_DHCP_RELAY_AGENTS_AND_SERVERS, 0x7fff_fff0)
            .is_err());
    }
}
