//! Opening the DHCPv6 sockets `interfaces-config` asks for (V6-010..V6-013): per interface, one UDP
//! socket on port 547 bound to the device, joined to All_DHCP_Relay_Agents_and_Servers (ff02::1:2).
//! It receives multicast and every unicast address of the interface (`"eth0/2001:db8::1"` included);
//! replies leave through the interface the query came in on.

use ruru_config::{InterfaceSpec, InterfacesConfig};
use ruru_net::{Interface, UdpSocket6, ALL_DHCP_RELAY_AGENTS_AND_SERVERS};
use std::net::{Ipv6Addr, SocketAddrV6};
use std::sync::Arc;

/// One DHCPv6 socket and the interface it serves.
pub(crate) struct Listener6 {
    pub(crate) udp: Arc<UdpSocket6>,
    pub(crate) ifname: Arc<str>,
    pub(crate) ifindex: u32,
}

/// Opens the sockets for `cfg` on the interfaces `all` lists. An interface `all` lacks fails the whole
/// call (Kea refuses such a configuration); other failures are returned per interface, as texts, so
/// the caller can apply `service-sockets-require-all`.
pub(crate) fn open(
    cfg: &InterfacesConfig<Ipv6Addr>,
    all: &[Interface],
    port: u16,
) -> Result<(Vec<Listener6>, Vec<String>), String> {
    let mut wanted: Vec<usize> = Vec::new();
    let mut errors = Vec::new();
    let has_link_local = |i: &Interface| i.ipv6_link_local().next().is_some();
    let find = |n: &str| all.iter().position(|i| i.name == n);
    for spec in &cfg.interfaces {
        let (name, unicast) =
            match spec {
                InterfaceSpec::All => {
                    // Loopback only when named (V6-010).
                    wanted.extend((0..all.len()).filter(|&i| {
                        all[i].flags_up && !all[i].loopback && has_link_local(&all[i])
                    }));
                    continue;
                }
                InterfaceSpec::Name(n) => (n, None),
                InterfaceSpec::Address(n, a) => (n, Some(*a)),
            };
        match find(name) {
            Some(i) if has_link_local(&all[i]) || unicast.is_some() || all[i].loopback => {
                wanted.push(i)
            }
            Some(_) => errors.push(format!(
                "interface '{name}' has no link-local address; DHCPv6 is not served on it"
            )),
            None => return Err(format!("interface '{name}' does not exist in the system")),
        }
    }
    wanted.sort_unstable();
    wanted.dedup();
    let mut listeners = Vec::new();
    for i in wanted {
        match open_one(&all[i], port) {
            Ok(l) => listeners.push(l),
            Err(e) => errors.push(e),
        }
    }
    Ok((listeners, errors))
}

fn open_one(iface: &Interface, port: u16) -> Result<Listener6, String> {
    let what = |e: std::io::Error| format!("cannot open socket on {}: {e}", iface.name);
    let udp = UdpSocket6::bind(
        SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, port, 0, 0),
        Some(&iface.name),
    )
    .map_err(what)?;
    if !iface.loopback {
        udp.join_multicast(ALL_DHCP_RELAY_AGENTS_AND_SERVERS, iface.index)
            .map_err(what)?;
    }
    Ok(Listener6 {
        udp: Arc::new(udp),
        ifname: Arc::from(iface.name.as_str()),
        ifindex: iface.index,
    })
}
