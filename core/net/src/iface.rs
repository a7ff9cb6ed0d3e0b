//! Interface discovery through `getifaddrs`.

use std::ffi::CStr;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::sys;

/// A network interface and its addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// Name, e.g. `eth0`.
    pub name: String,
    /// Kernel interface index.
    pub index: u32,
    /// Hardware address when it is 6 bytes long (Ethernet and alike).
    pub mac: Option<[u8; 6]>,
    /// IPv4 addresses with prefix lengths, in the kernel's order.
    pub ipv4: Vec<(Ipv4Addr, u8)>,
    /// IPv6 addresses with prefix lengths, in the kernel's order.
    pub ipv6: Vec<(Ipv6Addr, u8)>,
    /// Administratively up (`IFF_UP`).
    pub flags_up: bool,
    /// The loopback interface (`IFF_LOOPBACK`).
    pub loopback: bool,
    /// Supports broadcast (`IFF_BROADCAST`).
    pub broadcast_capable: bool,
    /// Supports multicast (`IFF_MULTICAST`), which a DHCPv6 server needs to join its groups.
    pub multicast: bool,
}

impl Interface {
    /// The IPv6 link-local addresses (`fe80::/10`), in the kernel's order. The first is the
    /// usual source of a DHCPv6 reply on this link; as a socket address it takes
    /// [`index`](Self::index) as its scope id.
    pub fn ipv6_link_local(&self) -> impl Iterator<Item = Ipv6Addr> + '_ {
        self.ipv6
            .iter()
            .map(|&(a, _)| a)
            .filter(Ipv6Addr::is_unicast_link_local)
    }

    /// The IPv6 unicast addresses that reach beyond the link (global and unique-local), in the
    /// kernel's order.
    pub fn ipv6_global(&self) -> impl Iterator<Item = Ipv6Addr> + '_ {
        self.ipv6.iter().map(|&(a, _)| a).filter(|a| {
            !(a.is_unicast_link_local()
                || a.is_loopback()
                || a.is_multicast()
                || a.is_unspecified())
        })
    }
}

/// Frees the list `getifaddrs` returned.
struct IfAddrs(*mut libc::ifaddrs);

impl Drop for IfAddrs {
    fn drop(&mut self) {
        // SAFETY: the pointer came from a successful getifaddrs and is freed exactly once.
        unsafe { libc::freeifaddrs(self.0) }
    }
}

/// One address of an interface, as found in a `getifaddrs` entry.
enum Addr {
    Link { index: u32, mac: Option<[u8; 6]> },
    V4(Ipv4Addr, u8),
    V6(Ipv6Addr, u8),
}

/// Reads the address of one `getifaddrs` entry, if it is of a family we use.
///
/// # Safety
/// `ifa` must be an entry of a list returned by `getifaddrs` that has not been freed.
unsafe fn entry_addr(ifa: &libc::ifaddrs) -> Option<Addr> {
    let sa = ifa.ifa_addr;
    if sa.is_null() {
        return None;
    }
    // SAFETY: a non-null ifa_addr points at least at a sockaddr header.
    match libc::c_int::from(unsafe { (*sa).sa_family }) {
        libc::AF_PACKET => {
            // SAFETY: getifaddrs allocates an AF_PACKET address as a (possibly longer)
            // sockaddr_ll.
            let ll = unsafe { sa.cast::<libc::sockaddr_ll>().read_unaligned() };
            let mac = (ll.sll_halen == 6).then(|| {
                let mut m = [0; 6];
                m.copy_from_slice(&ll.sll_addr[..6]);
                m
            });
            Some(Addr::Link {
                index: u32::try_from(ll.sll_ifindex).ok()?,
                mac,
            })
        }
        libc::AF_INET => {
            // SAFETY: an AF_INET address is a whole sockaddr_in.
            let sin = unsafe { sa.cast::<libc::sockaddr_in>().read_unaligned() };
            let prefix = (!ifa.ifa_netmask.is_null()).then(|| {
                // SAFETY: a present netmask has the address's family, so it is a sockaddr_in.
                let mask = unsafe { ifa.ifa_netmask.cast::<libc::sockaddr_in>().read_unaligned() };
                mask.sin_addr.s_addr.count_ones() as u8
            });
            Some(Addr::V4(
                Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)),
                prefix.unwrap_or(32),
            ))
        }
        libc::AF_INET6 => {
            // SAFETY: an AF_INET6 address is a whole sockaddr_in6.
            let sin6 = unsafe { sa.cast::<libc::sockaddr_in6>().read_unaligned() };
            let prefix = (!ifa.ifa_netmask.is_null()).then(|| {
                // SAFETY: a present netmask has the address's family, so it is a sockaddr_in6.
                let mask = unsafe {
                    ifa.ifa_netmask
                        .cast::<libc::sockaddr_in6>()
                        .read_unaligned()
                };
                mask.sin6_addr
                    .s6_addr
                    .iter()
                    .map(|b| b.count_ones())
                    .sum::<u32>() as u8
            });
            Some(Addr::V6(
                Ipv6Addr::from(sin6.sin6_addr.s6_addr),
                prefix.unwrap_or(128),
            ))
        }
        _ => None,
    }
}

/// Lists the interfaces of the calling thread's network namespace, in the kernel's order.
pub fn interfaces() -> io::Result<Vec<Interface>> {
    let mut head = std::ptr::null_mut();
    // SAFETY: on success getifaddrs stores a list head that `IfAddrs` frees.
    sys::cvt(unsafe { libc::getifaddrs(&mut head) })?;
    let list = IfAddrs(head);
    let mut out: Vec<Interface> = Vec::new();
    let mut cur = list.0;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the list, which lives until `list` drops.
        let ifa = unsafe { &*cur };
        cur = ifa.ifa_next;
        if ifa.ifa_name.is_null() {
            continue;
        }
        // SAFETY: a non-null ifa_name is a NUL-terminated string owned by the list.
        let name = unsafe { CStr::from_ptr(ifa.ifa_name) }.to_string_lossy();
        let pos = match out.iter().position(|i| i.name == name) {
            Some(p) => p,
            None => {
                let flags = ifa.ifa_flags as libc::c_int;
                out.push(Interface {
                    name: name.into_owned(),
                    index: 0,
                    mac: None,
                    ipv4: Vec::new(),
                    ipv6: Vec::new(),
                    flags_up: flags & libc::IFF_UP != 0,
                    loopback: flags & libc::IFF_LOOPBACK != 0,
                    broadcast_capable: flags & libc::IFF_BROADCAST != 0,
                    multicast: flags & libc::IFF_MULTICAST != 0,
                });
                out.len() - 1
            }
        };
        let iface = &mut out[pos];
        // SAFETY: `ifa` is an entry of the live list.
        match unsafe { entry_addr(ifa) } {
            Some(Addr::Link { index, mac }) => {
                iface.index = index;
                iface.mac = mac;
            }
            Some(Addr::V4(a, p)) => iface.ipv4.push((a, p)),
            Some(Addr::V6(a, p)) => iface.ipv6.push((a, p)),
            None => {}
        }
    }
    for iface in out.iter_mut().filter(|i| i.index == 0) {
        // Interfaces without a link-layer entry (some tunnels): ask by name.
        iface.index = index_by_name(&iface.name)?;
    }
    Ok(out)
}

/// The interface named `name` in the calling thread's network namespace, with its addresses;
/// `NotFound` when there is none.
pub fn interface_by_name(name: &str) -> io::Result<Interface> {
    interfaces()?
        .into_iter()
        .find(|i| i.name == name)
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("no interface {name}")))
}

/// `if_nametoindex`.
fn index_by_name(name: &str) -> io::Result<u32> {
    let c =
        std::ffi::CString::new(name).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    // SAFETY: `c` is a NUL-terminated string that lives across the call.
    match unsafe { libc::if_nametoindex(c.as_ptr()) } {
        0 => Err(io::Error::last_os_error()),
        i => Ok(i),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_listed_with_its_address() {
        let all = interfaces().unwrap();
        let lo = all.iter().find(|i| i.loopback).expect("loopback interface");
        assert!(lo.flags_up);
        assert!(lo.index > 0);
        assert!(lo.ipv4.contains(&(Ipv4Addr::LOCALHOST, 8)), "{lo:?}");
        assert_eq!(lo.index, index_by_name(&lo.name).unwrap());
        let mut names: Vec<_> = all.iter().map(|i| &i.name).collect();
        names.dedup();
        assert_eq!(names.len(), all.len(), "one entry per interface");
    }

    #[test]
    fn loopback_v6_is_neither_link_local_nor_global() {
        let lo = interfaces()
            .unwrap()
            .into_iter()
            .find(|i| i.loopback)
            .unwrap();
        assert_eq!(interface_by_name(&lo.name).unwrap(), lo);
        if lo.ipv6.iter().any(|a| a.0 == Ipv6Addr::LOCALHOST) {
            assert_eq!(lo.ipv6_link_local().count(), 0, "{lo:?}");
            assert_eq!(lo.ipv6_global().count(), 0, "{lo:?}");
        }
        let mut fake = lo.clone();
        fake.ipv6 = vec![
            ("fe80::1".parse().unwrap(), 64),
            ("2001:db8::1".parse().unwrap(), 64),
            ("fd00::1".parse().unwrap(), 48),
            ("fe80::2".parse().unwrap(), 64),
        ];
        let ll: Vec<_> = fake.ipv6_link_local().map(|a| a.to_string()).collect();
        assert_eq!(ll, ["fe80::1", "fe80::2"]);
        let global: Vec<_> = fake.ipv6_global().map(|a| a.to_string()).collect();
        assert_eq!(global, ["2001:db8::1", "fd00::1"]);
    }

    #[test]
    fn unknown_name_has_no_index() {
        assert_eq!(
            interface_by_name("ruru-nonesuch").unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
        assert!(index_by_name("ruru-nonesuch").is_err());
        assert_eq!(
            index_by_name("a\0b").unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
    }
}
