//! Opening the DHCPv4 sockets `interfaces-config` asks for (V4-009, V4-010).

use ruru_config::{InterfaceSpec, InterfacesConfig, SocketType};
use ruru_net::{Interface, RawSocket4, Socket4, UdpSocket4};
use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::Arc;

/// One receive socket and what the engine needs to know about where its packets come from.
pub(crate) struct Listener4 {
    /// Where queries are read.
    pub(crate) recv: Arc<dyn Socket4>,
    /// UDP socket for replies the kernel can route (relays, clients with an address).
    pub(crate) udp: Arc<UdpSocket4>,
    /// Raw socket for broadcasts and clients without an address (`dhcp-socket-type: raw`).
    pub(crate) raw: Option<Arc<RawSocket4>>,
    /// Interface name.
    pub(crate) ifname: Arc<str>,
    /// Interface index.
    pub(crate) ifindex: u32,
    /// The interface's IPv4 addresses this listener serves.
    pub(crate) addrs: Arc<[Ipv4Addr]>,
}

/// Opening failed for one interface or address.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SocketError {
    /// An interface named in the configuration does not exist: the configuration is refused, as Kea
    /// does.
    #[error("interface '{0}' does not exist in the system")]
    NoInterface(String),
    /// The address is not configured on the interface.
    #[error("address {1} is not configured on interface '{0}'")]
    NoAddress(String, Ipv4Addr),
    /// The kernel refused a socket.
    #[error("cannot open socket on {what}: {source}")]
    Io {
        /// Which socket.
        what: String,
        /// Why.
        source: io::Error,
    },
}

/// Opens the sockets for `cfg` on the interfaces `all` lists. An interface `all` lacks fails the whole
/// call; other failures are returned per interface so the caller can apply
/// `service-sockets-require-all` (V4-014).
pub(crate) fn open(
    cfg: &InterfacesConfig,
    all: &[Interface],
    port: u16,
) -> Result<(Vec<Listener4>, Vec<SocketError>), SocketError> {
    // (index into `all`, addresses to serve), merged per interface.
    let mut wanted: Vec<(usize, Vec<Ipv4Addr>)> = Vec::new();
    let mut errors = Vec::new();
    let mut want = |idx: usize, addrs: Vec<Ipv4Addr>| match wanted.iter_mut().find(|w| w.0 == idx) {
        Some((_, a)) => addrs.into_iter().for_each(|x| {
            if !a.contains(&x) {
                a.push(x);
            }
        }),
        None => wanted.push((idx, addrs)),
    };
    let v4 = |i: &Interface| i.ipv4.iter().map(|a| a.0).collect::<Vec<_>>();
    let find = |n: &str| all.iter().position(|i| i.name == n);
    for spec in &cfg.interfaces {
        match spec {
            InterfaceSpec::All => (0..all.len())
                .filter(|&i| all[i].flags_up && !all[i].loopback && !all[i].ipv4.is_empty())
                .for_each(|i| want(i, v4(&all[i]))),
            InterfaceSpec::Name(n) => match find(n) {
                Some(i) => want(i, v4(&all[i])),
                None => return Err(SocketError::NoInterface(n.clone())),
            },
            InterfaceSpec::Address(n, a) => match find(n) {
                Some(i) if all[i].ipv4.iter().any(|x| x.0 == *a) => want(i, vec![*a]),
                Some(_) => errors.push(SocketError::NoAddress(n.clone(), *a)),
                None => return Err(SocketError::NoInterface(n.clone())),
            },
        }
    }
    let mut listeners = Vec::new();
    for (idx, addrs) in wanted {
        if addrs.is_empty() {
            continue;
        }
        match open_one(cfg.socket_type, &all[idx], &addrs, port) {
            Ok(mut l) => listeners.append(&mut l),
            Err(e) => errors.push(e),
        }
    }
    Ok((listeners, errors))
}

fn open_one(
    kind: SocketType,
    iface: &Interface,
    addrs: &[Ipv4Addr],
    port: u16,
) -> Result<Vec<Listener4>, SocketError> {
    let io_err = |what: String| move |source| SocketError::Io { what, source };
    let ifname: Arc<str> = Arc::from(iface.name.as_str());
    let addr_list: Arc<[Ipv4Addr]> = Arc::from(addrs);
    // Raw mode needs the link layer; loopback has none worth framing, so it is served over UDP (V4-013).
    if kind == SocketType::Raw && !iface.loopback {
        let raw = Arc::new(
            RawSocket4::open(iface, port).map_err(io_err(format!("{} (raw)", iface.name)))?,
        );
        // Bound so the kernel does not answer with ICMP port unreachable; used to send routed replies.
        let udp = Arc::new(
            UdpSocket4::bind(
                SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port),
                Some(&iface.name),
                true,
            )
            .map_err(io_err(format!("{} (udp)", iface.name)))?,
        );
        return Ok(vec![Listener4 {
            recv: raw.clone(),
            udp,
            raw: Some(raw),
            ifname,
            ifindex: iface.index,
            addrs: addr_list,
        }]);
    }
    addrs
        .iter()
        .map(|&a| {
            let udp = Arc::new(
                UdpSocket4::bind(SocketAddrV4::new(a, port), Some(&iface.name), true)
                    .map_err(io_err(format!("{}/{a}", iface.name)))?,
            );
            Ok(Listener4 {
                recv: udp.clone(),
                udp,
                raw: None,
                ifname: ifname.clone(),
                ifindex: iface.index,
                addrs: addr_list.clone(),
            })
        })
        .collect()
}
