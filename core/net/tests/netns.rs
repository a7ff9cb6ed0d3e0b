//! Raw-socket tests across a veth pair between two network namespaces made for the test.
//!
//! Needs root (namespaces, `CAP_NET_RAW`) and iproute2; fails loudly without them. Names carry
//! the process id and a counter, so parallel runs and parallel tests do not collide, and a drop
//! guard deletes the namespaces (and with them the veth pair) even when a test fails.

use std::fs::File;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::AsRawFd;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ruru_net::{interfaces, Interface, RawSocket4, RecvMeta4, SendTarget4, Socket4, UdpSocket4};

const SERVER_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const CLIENT_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);
const SERVER_PORT: u16 = 67;
const CLIENT_PORT: u16 = 68;
const WAIT: Duration = Duration::from_secs(3);

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
/// side, 192.0.2.2/24 on the client side.
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
            ip(&["-n", ns, "link", "set", "lo", "up"]);
            ip(&["-n", ns, "link", "set", "veth0", "up"]);
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
fn recv_some(sock: &dyn Socket4) -> Vec<(Vec<u8>, RecvMeta4)> {
    let mut bufs = vec![vec![0u8; 1600]; 8];
    let mut metas = [RecvMeta4::default(); 8];
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
    let server_if = NetnsPair::veth(&pair.server);
    let client_if = NetnsPair::veth(&pair.client);
    let raw = NetnsPair::run_in(&pair.server, || {
        RawSocket4::open(&server_if, SERVER_PORT).unwrap()
    });
    let client = NetnsPair::run_in(&pair.client, || {
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
    let server_if = NetnsPair::veth(&pair.server);
    let client_if = NetnsPair::veth(&pair.client);
    let raw = NetnsPair::run_in(&pair.server, || {
        RawSocket4::open(&server_if, SERVER_PORT).unwrap()
    });
    let client = NetnsPair::run_in(&pair.client, || {
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
    let raw = NetnsPair::run_in(&pair.server, || {
        RawSocket4::open(&server_if, SERVER_PORT).unwrap()
    });
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
