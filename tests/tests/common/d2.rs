//! A UDP listener standing in for `kea-dhcp-ddns`: what the servers' NameChangeRequests are seen
//! through (`ddns`, and the lease commands' checks that something sends none).

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use ruru_e2e::Netns;
use serde_json::Value;

/// The port the stand-in D2 listens on (Kea's default `server-port`).
pub(crate) const D2_PORT: u16 = 53001;

/// A socket bound to 127.0.0.1:`port` inside `ns` (created on a thread that entered it; a socket
/// stays in the namespace it was made in).
pub(crate) fn d2_socket(ns: &Netns, port: u16) -> UdpSocket {
    std::thread::scope(|s| {
        s.spawn(|| {
            ns.enter().expect("enter the namespace");
            UdpSocket::bind(("127.0.0.1", port)).expect("bind the D2 stand-in")
        })
        .join()
        .expect("binding thread")
    })
}

/// Every NCR received within `wait` (length-prefixed JSON, Kea's UDP/JSON format), in order.
pub(crate) fn ncrs(d2: &UdpSocket, wait: Duration) -> Vec<Value> {
    let deadline = Instant::now() + wait;
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return out;
        }
        d2.set_read_timeout(Some(left)).expect("timeout");
        let Ok(n) = d2.recv(&mut buf) else {
            return out;
        };
        let len = usize::from(u16::from_be_bytes([buf[0], buf[1]]));
        assert_eq!(len, n - 2, "length prefix of {:?}", &buf[..n]);
        out.push(serde_json::from_slice(&buf[2..n]).expect("NCR is JSON"));
    }
}
