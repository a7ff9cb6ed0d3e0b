//! Raw-socket and UDP/IPv6 (multicast, link-local, packet info) tests across a veth pair between
//! two network namespaces made for the test.
//!
//! Needs root (namespaces, `CAP_NET_RAW`) and iproute2; fails loudly without them. Names carry
//! the process id and a counter, so parallel runs and parallel tests do not collide, and a drop
//! guard deletes the namespaces (and with them the veth pair) even when a test fails.

use std::fs::File;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
use std::os::fd::AsRawFd;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ruru_net::{
    interface_by_name, interfaces, DatagramSocket, Interface, IpFamily, RawSocket4, RecvMeta,
    SendTarget4, SendTarget6, UdpSocket4, UdpSocket6, ALL_DHCP_RELAY_AGENTS_AND_SERVERS,
    ALL_DHCP_SERVERS,
};

const SERVER_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const CLIENT_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);
const SERVER_PORT: u16 = 67;
const CLIENT_PORT: u16 = 68;
const WAIT: Duration = Duration::from_secs(3);
/// Link-local and global IPv6 addresses of each end (the server has a second global one to
/// choose a source among). High ports stand in for 547/546.
const SERVER_LL: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1);
const CLIENT_LL: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 2);
const SERVER_GLOBAL: [Ipv6Addr; 2] = [
    Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
    Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 3),
];
const CLIENT_GLOBAL: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);
const SERVER_PORT6: u16 = 10547;
const CLIENT_PORT6: u16 = 10546;

fn ip(args: &[&str]) {
    let out = Command::new("ip")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run ip {args:?}: {e}"));
    assert!(
        out.status.success(),
        "ip {args:?} failed (these tests need root and iproute2): {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Two namespaces joined by a veth pair, each end named `veth0`: 192.0.2.1/24 on the server
/// side, 192.0.2.2/24 on the client side, and the IPv6 addresses above (no kernel-made
/// link-local address, no duplicate address detection, so all are usable at once).
struct NetnsPair {
    server: String,
    client: String,
}

impl NetnsPair {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let base = format!(
            "rurunet-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        // The guard exists before the first namespace, so a failed setup is cleaned up too.
        let pair = NetnsPair {
            server: format!("{base}-s"),
            client: format!("{base}-c"),
        };
        ip(&["netns", "add", &pair.server]);
        ip(&["netns", "add", &pair.client]);
        ip(&[
            "-n",
            &pair.server,
            "link",
            "add",
            "veth0",
            "type",
            "veth",
            "peer",
            "name",
            "veth0",
            "netns",
            &pair.client,
        ]);
        for (ns, addr) in [(&pair.server, SERVER_IP), (&pair.client, CLIENT_IP)] {
            ip(&[
                "-n",
                ns,
                "addr",
                "add",
                &format!("{addr}/24"),
                "dev",
                "veth0",
            ]);
            ip(&["-n", ns, "link", "set", "veth0", "addrgenmode", "none"]);
            ip(&["-n", ns, "link", "set", "lo", "up"]);
            ip(&["-n", ns, "link", "set", "veth0", "up"]);
        }
        let v6 = [
            (&pair.server, SERVER_LL),
            (&pair.server, SERVER_GLOBAL[0]),
            (&pair.server, SERVER_GLOBAL[1]),
            (&pair.client, CLIENT_LL),
            (&pair.client, CLIENT_GLOBAL),
        ];
        for (ns, addr) in v6 {
            let addr = format!("{addr}/64");
            ip(&[
                "-n", ns, "-6", "addr", "add", &addr, "dev", "veth0", "nodad",
            ]);
        }
        pair
    }

    /// Runs `f` on a thread inside namespace `ns`; sockets it opens stay in that namespace.
    fn run_in<T: Send>(ns: &str, f: impl FnOnce() -> T + Send) -> T {
        let handle = File::open(format!("/var/run/netns/{ns}")).expect("namespace handle");
        std::thread::scope(|s| {
            s.spawn(|| {
                // SAFETY: `handle` is an open namespace file; setns only switches this thread.
                let ret = unsafe { libc::setns(handle.as_raw_fd(), libc::CLONE_NEWNET) };
                assert_eq!(ret, 0, "setns: {}", std::io::Error::last_os_error());
                f()
            })
            .join()
            .expect("namespace thread panicked")
        })
    }

    /// The `veth0` ends as seen from inside the server and the client namespaces.
    fn ends(&self) -> (Interface, Interface) {
        (Self::veth(&self.server), Self::veth(&self.client))
    }

    /// Runs `f` in the server namespace.
    fn in_server<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        Self::run_in(&self.server, f)
    }

    /// Runs `f` in the client namespace.
    fn in_client<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        Self::run_in(&self.client, f)
    }

    /// The `veth0` interface as seen from inside `ns`.
    fn veth(ns: &str) -> Interface {
        Self::run_in(ns, || {
            interfaces()
                .unwrap()
                .into_iter()
                .find(|i| i.name == "veth0")
                .expect("veth0")
        })
    }
}

impl Drop for NetnsPair {
    fn drop(&mut self) {
        for ns in [&self.server, &self.client] {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

/// Receives until at least one datagram arrives or WAIT passes; returns what came.
fn recv_some<F: IpFamily>(sock: &dyn DatagramSocket<F>) -> Vec<(Vec<u8>, RecvMeta<F>)> {
    let mut bufs = vec![vec![0u8; 1600]; 8];
    let mut metas = [RecvMeta::<F>::default(); 8];
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        let n = sock
            .recv_batch_timeout(&mut bufs, &mut metas, Some(Duration::from_millis(200)))
            .unwrap();
        if n > 0 {
            return bufs
                .into_iter()
                .zip(metas)
                .take(n)
                .map(|(mut b, m)| {
                    b.truncate(m.len);
                    (b, m)
                })
                .collect();
        }
    }
    Vec::new()
}

#[test]
fn veth_interface_is_discovered_inside_the_namespace() {
    let pair = NetnsPair::new();
    let veth = NetnsPair::veth(&pair.server);
    assert!(veth.index > 0);
    assert!(veth.mac.is_some());
    assert_eq!(veth.ipv4, vec![(SERVER_IP, 24)]);
    assert!(veth.flags_up && veth.broadcast_capable && !veth.loopback);
}

// V4-010: a raw socket sees broadcasts on its interface, with the sender's MAC and the
// arrival interface, and (kernel filter) nothing for other ports.
#[test]
fn raw_socket_receives_a_broadcast_and_nothing_for_other_ports() {
    let pair = NetnsPair::new();
    let (server_if, client_if) = pair.ends();
    let raw = pair.in_server(|| RawSocket4::open(&server_if, SERVER_PORT).unwrap());
    let client = pair.in_client(|| {
        UdpSocket4::bind(
            SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, CLIENT_PORT),
            Some("veth0"),
            true,
        )
        .unwrap()
    });
    let to = |port| SendTarget4 {
        dst: SocketAddrV4::new(Ipv4Addr::BROADCAST, port),
        ifindex: client_if.index,
        src: Ipv4Addr::UNSPECIFIED,
        dst_mac: None,
    };
    // A datagram to another port goes first: the filter must keep it from the server.
    let msgs = [
        (&b"not for the server"[..], to(SERVER_PORT + 1000)),
        (&b"DHCPDISCOVER"[..], to(SERVER_PORT)),
    ];
    assert_eq!(client.send_batch(&msgs).unwrap(), 2);

    let got = recv_some(&raw);
    assert_eq!(
        got.len(),
        1,
        "exactly the datagram to the server port: {got:?}"
    );
    let (payload, meta) = &got[0];
    assert_eq!(payload, b"DHCPDISCOVER");
    assert_eq!(meta.src, SocketAddrV4::new(CLIENT_IP, CLIENT_PORT));
    assert_eq!(meta.dst, Ipv4Addr::BROADCAST);
    assert_eq!(meta.ifindex, server_if.index);
    assert_eq!(meta.src_mac, client_if.mac);
    assert_eq!(meta.len, payload.len());
}

// V4-010, V4-038, V4-013: unicast to yiaddr at the client's MAC, and broadcast, as Ethernet II
// frames whose IPv4 and UDP checksums the receiving kernel verifies.
#[test]
fn raw_socket_sends_unicast_and_broadcast_frames_a_udp_socket_accepts() {
    let pair = NetnsPair::new();
    let (server_if, client_if) = pair.ends();
    let raw = pair.in_server(|| RawSocket4::open(&server_if, SERVER_PORT).unwrap());
    let client = pair.in_client(|| {
        UdpSocket4::bind(
            SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, CLIENT_PORT),
            None,
            false,
        )
        .unwrap()
    });
    let unicast = SendTarget4 {
        dst: SocketAddrV4::new(CLIENT_IP, CLIENT_PORT),
        ifindex: server_if.index,
        src: SERVER_IP,
        dst_mac: client_if.mac,
    };
    let broadcast = SendTarget4 {
        dst: SocketAddrV4::new(Ipv4Addr::BROADCAST, CLIENT_PORT),
        ifindex: 0,
        src: Ipv4Addr::UNSPECIFIED, // the interface's first address
        dst_mac: None,
    };
    // Odd length: the UDP checksum's padding byte is exercised; the receiving kernel verifies it.
    let offer = b"DHCPOFFER, odd length";
    assert_eq!(
        raw.send_batch(&[(&offer[..], unicast), (b"DHCPACK", broadcast)])
            .unwrap(),
        2
    );

    let mut got = recv_some(&client);
    if got.len() < 2 {
        got.extend(recv_some(&client));
    }
    assert_eq!(got.len(), 2, "{got:?}");
    let (p0, m0) = &got[0];
    assert_eq!(p0, offer);
    assert_eq!(m0.src, SocketAddrV4::new(SERVER_IP, SERVER_PORT));
    assert_eq!(m0.dst, CLIENT_IP);
    assert_eq!(m0.ifindex, client_if.index);
    let (p1, m1) = &got[1];
    assert_eq!(p1, b"DHCPACK");
    assert_eq!(m1.src, SocketAddrV4::new(SERVER_IP, SERVER_PORT));
    assert_eq!(m1.dst, Ipv4Addr::BROADCAST);
}

#[test]
fn raw_socket_refuses_targets_it_cannot_frame() {
    let pair = NetnsPair::new();
    let server_if = NetnsPair::veth(&pair.server);
    let raw = pair.in_server(|| RawSocket4::open(&server_if, SERVER_PORT).unwrap());
    let ok = SendTarget4 {
        dst: SocketAddrV4::new(Ipv4Addr::BROADCAST, CLIENT_PORT),
        ifindex: 0,
        src: SERVER_IP,
        dst_mac: None,
    };
    let no_mac = SendTarget4 {
        dst: SocketAddrV4::new(CLIENT_IP, CLIENT_PORT),
        ..ok
    };
    let other_if = SendTarget4 {
        ifindex: server_if.index + 100,
        ..ok
    };
    assert_eq!(raw.send_batch(&[(b"a", ok), (b"b", no_mac)]).unwrap(), 1);
    for bad in [no_mac, other_if] {
        let err = raw.send_batch(&[(b"b", bad), (b"c", ok)]).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
    }
    let no_link = Interface {
        mac: None,
        ..server_if
    };
    assert_eq!(
        RawSocket4::open(&no_link, SERVER_PORT).unwrap_err().kind(),
        std::io::ErrorKind::InvalidInput
    );
}

/// Receives until `want` datagrams arrived or WAIT passes.
fn recv_n<F: IpFamily>(sock: &dyn DatagramSocket<F>, want: usize) -> Vec<(Vec<u8>, RecvMeta<F>)> {
    let deadline = Instant::now() + WAIT;
    let mut got = Vec::new();
    while got.len() < want && Instant::now() < deadline {
        got.extend(recv_some(sock));
    }
    assert_eq!(got.len(), want, "{got:?}");
    got
}

#[test]
fn veth_ipv6_addresses_are_discovered_link_local_and_global() {
    let pair = NetnsPair::new();
    let veth = pair.in_server(|| interface_by_name("veth0").unwrap());
    assert!(veth.multicast, "{veth:?}");
    assert_eq!(veth.ipv6_link_local().collect::<Vec<_>>(), [SERVER_LL]);
    let mut global: Vec<_> = veth.ipv6_global().collect();
    global.sort();
    assert_eq!(global, SERVER_GLOBAL);
    assert!(veth.ipv6.contains(&(SERVER_LL, 64)), "{veth:?}");
}

/// A DHCPv6-style exchange: the client multicasts to All_DHCP_Relay_Agents_and_Servers (by
/// scope id) and to All_DHCP_Servers (by packet-info interface); the server's wildcard socket,
/// with both groups joined on its veth, sees each with the group as destination and the
/// arrival interface, and answers unicast to the client's link-local address from its own.
#[test]
fn v6_multicast_query_is_received_with_group_and_interface_and_answered_link_local() {
    let pair = NetnsPair::new();
    let (server_if, client_if) = pair.ends();
    let server = pair.in_server(|| {
        let any = SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, SERVER_PORT6, 0, 0);
        let sock = UdpSocket6::bind(any, None).unwrap();
        for group in [ALL_DHCP_RELAY_AGENTS_AND_SERVERS, ALL_DHCP_SERVERS] {
            sock.join_multicast(group, server_if.index).unwrap();
        }
        sock
    });
    let client = pair.in_client(|| {
        let any = SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, CLIENT_PORT6, 0, 0);
        let sock = UdpSocket6::bind(any, Some("veth0")).unwrap();
        sock.set_multicast_hops(1).unwrap();
        sock.set_multicast_loop(false).unwrap();
        sock
    });
    let by_scope = SendTarget6 {
        dst: SocketAddrV6::new(
            ALL_DHCP_RELAY_AGENTS_AND_SERVERS,
            SERVER_PORT6,
            0,
            client_if.index,
        ),
        ifindex: 0,
        src: Ipv6Addr::UNSPECIFIED,
        dst_mac: None,
    };
    let by_pktinfo = SendTarget6 {
        dst: SocketAddrV6::new(ALL_DHCP_SERVERS, SERVER_PORT6, 0, 0),
        ifindex: client_if.index,
        ..by_scope
    };
    let queries = [
        (&b"SOLICIT"[..], by_scope),
        (&b"RELAY-FORW"[..], by_pktinfo),
    ];
    assert_eq!(client.send_batch(&queries).unwrap(), 2);

    let got = recv_n(&server, 2);
    // The link-scoped group is sent from the link-local address (with the arrival interface as
    // scope id); the site-scoped one from the global address, by source address selection.
    let expect = [
        (
            &b"SOLICIT"[..],
            ALL_DHCP_RELAY_AGENTS_AND_SERVERS,
            SocketAddrV6::new(CLIENT_LL, CLIENT_PORT6, 0, server_if.index),
        ),
        (
            &b"RELAY-FORW"[..],
            ALL_DHCP_SERVERS,
            SocketAddrV6::new(CLIENT_GLOBAL, CLIENT_PORT6, 0, 0),
        ),
    ];
    for ((payload, meta), (want, group, src)) in got.iter().zip(expect) {
        assert_eq!(&payload[..], want);
        assert_eq!(meta.dst, group, "{meta:?}");
        assert_eq!(meta.ifindex, server_if.index, "{meta:?}");
        assert_eq!(meta.src, src, "{meta:?}");
        assert_eq!(meta.src_mac, None);
    }

    let source = server_if.ipv6_link_local().next().unwrap();
    let reply = SendTarget6 {
        dst: got[0].1.src,
        ifindex: got[0].1.ifindex,
        src: source,
        dst_mac: None,
    };
    assert_eq!(server.send_batch(&[(b"ADVERTISE", reply)]).unwrap(), 1);
    let answer = recv_n(&client, 1);
    let (payload, meta) = &answer[0];
    assert_eq!(payload, b"ADVERTISE");
    assert_eq!(
        meta.src,
        SocketAddrV6::new(SERVER_LL, SERVER_PORT6, 0, client_if.index)
    );
    assert_eq!(meta.dst, CLIENT_LL);
    assert_eq!(meta.ifindex, client_if.index);
}

/// On a wildcard-bound socket, packet info picks each reply's source among the interface's
/// addresses, and its interface index alone is enough to reach a link-local destination.
#[test]
fn v6_pktinfo_picks_the_source_and_the_interface() {
    let pair = NetnsPair::new();
    let (server_if, client_if) = pair.ends();
    let any = SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 0, 0, 0);
    let server = pair.in_server(|| UdpSocket6::bind(any, None).unwrap());
    let client = pair.in_client(|| {
        UdpSocket6::bind(
            SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, CLIENT_PORT6, 0, 0),
            None,
        )
        .unwrap()
    });
    let to_global = |src| SendTarget6 {
        dst: SocketAddrV6::new(CLIENT_GLOBAL, CLIENT_PORT6, 0, 0),
        ifindex: server_if.index,
        src,
        dst_mac: None,
    };
    let to_link_local = SendTarget6 {
        dst: SocketAddrV6::new(CLIENT_LL, CLIENT_PORT6, 0, 0), // no scope id: ifindex decides
        src: SERVER_LL,
        ..to_global(Ipv6Addr::UNSPECIFIED)
    };
    let msgs = [
        (&b"from 1"[..], to_global(SERVER_GLOBAL[0])),
        (&b"from 3"[..], to_global(SERVER_GLOBAL[1])),
        (&b"link-local"[..], to_link_local),
    ];
    assert_eq!(server.send_batch(&msgs).unwrap(), 3);
    let got = recv_n(&client, 3);
    let port = server.local_addr().unwrap().port();
    let expect = [
        (SERVER_GLOBAL[0], CLIENT_GLOBAL, 0),
        (SERVER_GLOBAL[1], CLIENT_GLOBAL, 0),
        (SERVER_LL, CLIENT_LL, client_if.index),
    ];
    for ((payload, meta), (msg, (src, dst, scope))) in got.iter().zip(msgs.iter().zip(expect)) {
        assert_eq!(&payload[..], msg.0);
        assert_eq!(meta.src, SocketAddrV6::new(src, port, 0, scope), "{meta:?}");
        assert_eq!(meta.dst, dst);
        assert_eq!(meta.ifindex, client_if.index);
    }
}
