//! What differs between the DHCPv4 and DHCPv6 commands where they otherwise work alike: the address
//! type, the words of the texts, and which lease services to call. Code written once over [`Family`]
//! serves `lease4-*` and `lease6-*`.

use crate::failure::Failure;
use crate::lease::{NewLease, Subnets};
use crate::params::Params;
use ruru_hook_api::leases::{self, LeaseMap, Subnet4Info, Subnet6Info};
use ruru_hook_api::HookResult;
use std::fmt::Display;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One address family of the lease commands.
pub(crate) trait Family: Sized + 'static {
    /// An address of the family.
    type Addr: Copy + Display + PartialEq + std::fmt::Debug;
    /// A configured subnet, as the subnet services describe it.
    type Subnet: Clone + Display + std::fmt::Debug;
    /// `IPv4` or `IPv6`, as Kea's texts name the family.
    const NAME: &'static str;
    /// 4 or 6, as in `lease4-add`, `v6`, `LEASE_CMDS_ADD6`.
    const VERSION: u8;

    /// `ip` when it is of this family.
    fn addr_of(ip: IpAddr) -> Option<Self::Addr>;
    /// Whether `a` is the family's zero address.
    fn is_unspecified(a: Self::Addr) -> bool;

    /// Reads the lease an add or update command gives (`now` is the `cltt` without `expire`).
    fn parse_lease(
        p: &Params<'_>,
        now: u64,
        subnets: &dyn Subnets<Self>,
    ) -> Result<NewLease<Self::Addr>, Failure>;

    /// Stores a new lease.
    fn add(lease: &LeaseMap) -> HookResult;
    /// Replaces the lease at the map's address.
    fn update(lease: &LeaseMap) -> HookResult;
    /// At most `limit` leases above `after`, ascending.
    fn page(after: Option<Self::Addr>, limit: u32) -> HookResult<Vec<LeaseMap>>;
    /// The leases of a host name.
    fn by_hostname(name: &str) -> HookResult<Vec<LeaseMap>>;
    /// Deletes the leases of the subnets `ids`; how many.
    fn wipe(ids: &[u32]) -> HookResult<u64>;
    /// Writes the leases to a file; the path written.
    fn write(filename: &str) -> HookResult<String>;
    /// The address lease at `a` (DHCPv6: `IA_NA` only, the leases with DNS records).
    fn address_lease(a: Self::Addr) -> HookResult<Option<LeaseMap>>;
    /// Queues a NameChangeRequest adding (or removing) a lease's DNS records.
    fn queue_ncr(add: bool, lease: &LeaseMap) -> HookResult;

    /// The configured subnet `id`.
    fn subnet(id: u32) -> HookResult<Option<Self::Subnet>>;
    /// The subnet the server selects for `a`.
    fn select_subnet(a: Self::Addr) -> HookResult<Option<Self::Subnet>>;
    /// Every configured subnet.
    fn subnets() -> HookResult<Vec<Self::Subnet>>;
    /// A subnet's id.
    fn subnet_id(s: &Self::Subnet) -> u32;
    /// Whether `a` is in the subnet's prefix.
    fn contains(s: &Self::Subnet, a: Self::Addr) -> bool;
}

/// DHCPv4.
#[derive(Debug)]
pub(crate) struct V4;

/// DHCPv6.
#[derive(Debug)]
pub(crate) struct V6;

impl Family for V4 {
    type Addr = Ipv4Addr;
    type Subnet = Subnet4Info;
    const NAME: &'static str = "IPv4";
    const VERSION: u8 = 4;

    fn addr_of(ip: IpAddr) -> Option<Ipv4Addr> {
        match ip {
            IpAddr::V4(a) => Some(a),
            IpAddr::V6(_) => None,
        }
    }
    fn is_unspecified(a: Ipv4Addr) -> bool {
        a.is_unspecified()
    }
    fn parse_lease(
        p: &Params<'_>,
        now: u64,
        subnets: &dyn Subnets<V4>,
    ) -> Result<NewLease<Ipv4Addr>, Failure> {
        crate::lease4::parse_lease(p, now, subnets)
    }
    fn add(lease: &LeaseMap) -> HookResult {
        leases::add4(lease)
    }
    fn update(lease: &LeaseMap) -> HookResult {
        leases::update4(lease)
    }
    fn page(after: Option<Ipv4Addr>, limit: u32) -> HookResult<Vec<LeaseMap>> {
        leases::page4(after, limit)
    }
    fn by_hostname(name: &str) -> HookResult<Vec<LeaseMap>> {
        leases::get4_by_hostname(name)
    }
    fn wipe(ids: &[u32]) -> HookResult<u64> {
        leases::wipe4(ids)
    }
    fn write(filename: &str) -> HookResult<String> {
        leases::write4(filename)
    }
    fn address_lease(a: Ipv4Addr) -> HookResult<Option<LeaseMap>> {
        leases::get4(a)
    }
    fn queue_ncr(add: bool, lease: &LeaseMap) -> HookResult {
        leases::queue_ncr4(add, lease)
    }
    fn subnet(id: u32) -> HookResult<Option<Subnet4Info>> {
        leases::subnet4(id)
    }
    fn select_subnet(a: Ipv4Addr) -> HookResult<Option<Subnet4Info>> {
        leases::select_subnet4(a)
    }
    fn subnets() -> HookResult<Vec<Subnet4Info>> {
        leases::subnets4()
    }
    fn subnet_id(s: &Subnet4Info) -> u32 {
        s.id
    }
    fn contains(s: &Subnet4Info, a: Ipv4Addr) -> bool {
        s.contains(a)
    }
}

impl Family for V6 {
    type Addr = Ipv6Addr;
    type Subnet = Subnet6Info;
    const NAME: &'static str = "IPv6";
    const VERSION: u8 = 6;

    fn addr_of(ip: IpAddr) -> Option<Ipv6Addr> {
        match ip {
            IpAddr::V6(a) => Some(a),
            IpAddr::V4(_) => None,
        }
    }
    fn is_unspecified(a: Ipv6Addr) -> bool {
        a.is_unspecified()
    }
    fn parse_lease(
        p: &Params<'_>,
        now: u64,
        subnets: &dyn Subnets<V6>,
    ) -> Result<NewLease<Ipv6Addr>, Failure> {
        crate::lease6::parse_lease6(p, now, subnets)
    }
    fn add(lease: &LeaseMap) -> HookResult {
        leases::add6(lease)
    }
    fn update(lease: &LeaseMap) -> HookResult {
        leases::update6(lease)
    }
    fn page(after: Option<Ipv6Addr>, limit: u32) -> HookResult<Vec<LeaseMap>> {
        leases::page6(after, limit)
    }
    fn by_hostname(name: &str) -> HookResult<Vec<LeaseMap>> {
        leases::get6_by_hostname(name)
    }
    fn wipe(ids: &[u32]) -> HookResult<u64> {
        leases::wipe6(ids)
    }
    fn write(filename: &str) -> HookResult<String> {
        leases::write6(filename)
    }
    fn address_lease(a: Ipv6Addr) -> HookResult<Option<LeaseMap>> {
        leases::get6(leases::LeaseType::Na, a)
    }
    fn queue_ncr(add: bool, lease: &LeaseMap) -> HookResult {
        leases::queue_ncr6(add, lease)
    }
    fn subnet(id: u32) -> HookResult<Option<Subnet6Info>> {
        leases::subnet6(id)
    }
    fn select_subnet(a: Ipv6Addr) -> HookResult<Option<Subnet6Info>> {
        leases::select_subnet6(a)
    }
    fn subnets() -> HookResult<Vec<Subnet6Info>> {
        leases::subnets6()
    }
    fn subnet_id(s: &Subnet6Info) -> u32 {
        s.id
    }
    fn contains(s: &Subnet6Info, a: Ipv6Addr) -> bool {
        s.contains(a)
    }
}
