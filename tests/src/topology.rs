//! The network layouts the suites use.

use std::net::Ipv6Addr;

use crate::error::Result;
use crate::netns::{Netns, VethPair};

/// The server end's address in [`DirectLink::new6`]'s layout.
pub const SERVER6_CIDR: &str = "2001:db8:1::1/64";

/// A server namespace and a client namespace joined by one veth pair (end `a` on the server
/// side, with an address; end `b` on the client side, without one).
///
/// Fields drop in order: the link first, then the namespaces (and what still runs in them).
#[derive(Debug)]
pub struct DirectLink {
    /// The veth pair; `a` is in `server`, `b` in `client`.
    pub veth: VethPair,
    /// Where the DHCP clients run.
    pub client: Netns,
    /// Where the server runs.
    pub server: Netns,
}

impl DirectLink {
    /// Builds the layout and gives the server end `server_cidr` (e.g. `192.0.2.1/24`).
    pub fn new(server_cidr: &str) -> Result<DirectLink> {
        let server = Netns::new()?;
        let client = Netns::new()?;
        let veth = VethPair::new(Some(&server), Some(&client))?;
        veth.a().add_address(server_cidr)?;
        Ok(DirectLink {
            veth,
            client,
            server,
        })
    }

    /// Builds the layout for DHCPv6: duplicate address detection is off in both namespaces
    /// (so link-local addresses work at once), the server end gets `server_cidr` (e.g.
    /// [`SERVER6_CIDR`], added `nodad`), and both ends have a usable link-local address when this
    /// returns. Clients multicast to ff02::1:2 from their link-local address; the server answers
    /// from its own.
    pub fn new6(server_cidr: &str) -> Result<DirectLink> {
        let server = Netns::new()?;
        let client = Netns::new()?;
        server.disable_dad()?;
        client.disable_dad()?;
        let veth = VethPair::new(Some(&server), Some(&client))?;
        veth.a().add_address(server_cidr)?;
        veth.a().link_local()?;
        veth.b().link_local()?;
        Ok(DirectLink {
            veth,
            client,
            server,
        })
    }

    /// The server end's IPv6 link-local address (the source of its DHCPv6 answers).
    pub fn server_link_local(&self) -> Result<Ipv6Addr> {
        self.veth.a().link_local()
    }

    /// The client end's IPv6 link-local address (the source of its DHCPv6 queries).
    pub fn client_link_local(&self) -> Result<Ipv6Addr> {
        self.veth.b().link_local()
    }

    /// The server's interface name.
    pub fn server_iface(&self) -> &str {
        self.veth.a().name()
    }

    /// The client's interface name.
    pub fn client_iface(&self) -> &str {
        self.veth.b().name()
    }
}

/// A namespace for relayed traffic over its loopback: the server binds `127.0.0.1` and
/// perfdhcp plays a relay from each extra address (`127.0.0.2`, ...), which becomes giaddr.
pub fn loopback_relay(relays: &[&str]) -> Result<Netns> {
    let ns = Netns::new()?;
    for relay in relays {
        ns.add_address("lo", &format!("{relay}/8"))?;
    }
    Ok(ns)
}
