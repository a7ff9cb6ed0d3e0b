//! A minimal DHCPv6 client for exchanges no stock client makes on demand (DECLINE): a UDP socket on
//! port 546 inside the client's namespace, queries multicast to ff02::1:2 on one interface, packets
//! built and read with `ruru_proto::v6`. Only what the tests ask for: one IA_NA per client.

use std::net::{Ipv6Addr, SocketAddrV6, UdpSocket};
use std::time::{Duration, Instant};

use ruru_e2e::Netns;
use ruru_proto::v6::{code, Ia, IaAddr, Message6, MessageType, Options6, Packet6, StatusCode};

/// All_DHCP_Relay_Agents_and_Servers (RFC 8415 §7.1).
const ALL_SERVERS: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 1, 2);

/// A client with one DUID and one IA_NA (IAID 1) on one interface.
pub(crate) struct Client6 {
    socket: UdpSocket,
    to: SocketAddrV6,
    duid: Vec<u8>,
    xid: u32,
}

/// The address an answer's IA_NA carries, and the IA's status code (0 when the IA has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IaResult {
    pub(crate) address: Option<Ipv6Addr>,
    pub(crate) status: u16,
}

impl Client6 {
    /// Binds `[::]:546` in `ns` (on a thread that entered it: a socket stays in the namespace it was
    /// made in) and aims at the servers' multicast group over `iface`.
    pub(crate) fn new(ns: &Netns, iface: &str, duid: &[u8]) -> Client6 {
        let (socket, index) = std::thread::scope(|s| {
            s.spawn(|| {
                ns.enter().expect("enter the client namespace");
                let name = std::ffi::CString::new(iface).expect("interface name");
                // SAFETY: if_nametoindex(3) reads a NUL-terminated string owned here.
                let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
                assert_ne!(index, 0, "no interface {iface} in the client namespace");
                let socket = UdpSocket::bind("[::]:546").expect("bind [::]:546");
                (socket, index)
            })
            .join()
            .expect("binding thread")
        });
        Client6 {
            socket,
            to: SocketAddrV6::new(ALL_SERVERS, 547, 0, index),
            duid: duid.to_vec(),
            xid: 0x00ab_cd00,
        }
    }

    /// A message of type `t` with the client-id, the server-id of `server` when given, and an IA_NA
    /// holding `address` when given.
    pub(crate) fn message(
        &mut self,
        t: MessageType,
        server: Option<&Packet6>,
        address: Option<Ipv6Addr>,
    ) -> Message6 {
        self.xid += 1;
        let mut m = Message6::new(t, self.xid);
        m.options.push(code::CLIENTID, &self.duid);
        if let Some(id) = server.and_then(|s| s.message.options.get(code::SERVERID)) {
            m.options.push(code::SERVERID, id);
        }
        let mut ia = Ia {
            iaid: 1,
            t1: 0,
            t2: 0,
            options: Options6::new(),
        };
        if let Some(address) = address {
            let a = IaAddr {
                address,
                preferred: 0,
                valid: 0,
                options: Options6::new(),
            };
            ia.options.push_typed(code::IAADDR, &a).expect("IAADDR");
        }
        m.options.push_typed(code::IA_NA, &ia).expect("IA_NA");
        m
    }

    /// Sends `m` and returns the answer with its transaction id, or `None` after `wait`.
    pub(crate) fn exchange(&self, m: Message6, wait: Duration) -> Option<Packet6> {
        let xid = m.transaction_id;
        let mut out = Vec::new();
        Packet6::direct(m).encode(&mut out).expect("encode");
        self.socket.send_to(&out, self.to).expect("send");
        let deadline = Instant::now() + wait;
        let mut buf = [0u8; 1500];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            self.socket.set_read_timeout(Some(left)).expect("timeout");
            let n = self.socket.recv(&mut buf).ok()?;
            let p = Packet6::parse(&buf[..n]).expect("the answer parses");
            if p.message.transaction_id == xid {
                return Some(p);
            }
        }
    }

    /// SOLICIT → ADVERTISE → REQUEST → REPLY; the REPLY, which must grant an address.
    pub(crate) fn bind(&mut self) -> (Packet6, Ipv6Addr) {
        let wait = Duration::from_secs(5);
        let solicit = self.message(MessageType::Solicit, None, None);
        let adv = self.exchange(solicit, wait).expect("ADVERTISE");
        assert_eq!(adv.message.msg_type, MessageType::Advertise);
        let offered = ia_na(&adv).address.expect("an address advertised");
        let request = self.message(MessageType::Request, Some(&adv), Some(offered));
        let reply = self.exchange(request, wait).expect("REPLY to REQUEST");
        assert_eq!(reply.message.msg_type, MessageType::Reply);
        let got = ia_na(&reply);
        assert_eq!(got.status, 0, "{reply:?}");
        (reply, got.address.expect("an address granted"))
    }
}

/// The first IA_NA of an answer, decoded.
pub(crate) fn first_ia_na(p: &Packet6) -> Ia {
    p.message
        .options
        .typed(code::IA_NA)
        .expect("an IA_NA")
        .expect("IA_NA decodes")
}

/// What the first IA_NA of an answer grants.
pub(crate) fn ia_na(p: &Packet6) -> IaResult {
    let ia = first_ia_na(p);
    IaResult {
        address: ia
            .options
            .typed::<IaAddr>(code::IAADDR)
            .map(|a| a.expect("IAADDR decodes").address),
        status: status(&ia.options).unwrap_or(0),
    }
}

/// The status code among `options`, if any.
pub(crate) fn status(options: &Options6) -> Option<u16> {
    options
        .typed::<StatusCode>(code::STATUS_CODE)
        .map(|s| s.expect("status decodes").code)
}
