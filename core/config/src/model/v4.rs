//! The DHCPv4 server's model: the configuration, subnets, reservations and classes.

use std::net::Ipv4Addr;

use ruru_proto::defs::OptionDef;

use super::fields::{class_parts, config_parts, host_parts, model_struct, subnet_parts};
use super::*;
use crate::addr::{IpAddress, Prefix};

config_parts!(model_struct! {
/// The whole DHCPv4 server configuration.
#[derive(Debug, Clone)]
pub struct Dhcp4Config {
    /// The `Dhcp4` map as read (includes expanded, `comment` folded), for `config-get`.
    pub raw: serde_json::Value,
    /// `interfaces-config`.
    pub interfaces: InterfacesConfig<Ipv4Addr>,
    /// All subnets in config order: plain ones and shared-network members.
    pub subnets: Vec<Subnet4>,
    /// Shared networks; their members are indexes into `subnets`.
    pub shared_networks: Vec<SharedNetwork4>,
    /// Global reservations (`Dhcp4.reservations`).
    pub global_reservations: Vec<Host4>,
    /// Identifier types looked up for reservations, in order (V4-090).
    pub host_reservation_identifiers: Vec<HostIdType>,
    /// `client-classes` in config order.
    pub client_classes: Vec<ClientClass>,
    /// `echo-client-id` (V4-042).
    pub echo_client_id: bool,
    /// `stash-agent-options` (V4-155).
    pub stash_agent_options: bool,
    /// `compatibility`.
    pub compatibility: Compatibility,
    /// Tolerated oddities, with positions: trailing commas, and Kea 2.2 forms
    /// accepted with the meaning 2.2 gives them (subnets without `id`, relay
    /// `ip-address`, DDNS keys in `dhcp-ddns`, option names and spaces).
    pub warnings: Vec<String>,
}});

subnet_parts!(model_struct! {
/// A subnet with every inheritable value resolved.
#[derive(Debug, Clone)]
pub struct Subnet4 {
    /// `id` (1..4294967294, unique).
    pub id: u32,
    /// Prefix address as written (may be non-canonical, V4-005).
    pub prefix: Ipv4Addr,
    /// Prefix length.
    pub prefix_len: u8,
    /// The `subnet` text as written.
    pub text: String,
    /// Index into `Dhcp4Config::shared_networks` when a member.
    pub shared_network: Option<usize>,
    /// Pools in config order.
    pub pools: Vec<Pool4>,
    /// `relay.ip-addresses`: the subnet's own, else its network's.
    pub relay_addresses: Vec<Ipv4Addr>,
    /// `interface`: the subnet's, else its network's.
    pub interface: Option<String>,
    /// `client-class`: the subnet's, else its network's.
    pub client_class: Option<String>,
    /// `require-client-classes` of this subnet only (the network's are in
    /// `SharedNetwork4`, since they are evaluated separately, V4-130).
    pub require_client_classes: Vec<String>,
    /// Reservations of this subnet.
    pub reservations: Vec<Host4>,
    /// This subnet's own `option-data` (network and global are separate levels, V4-107).
    pub options: OptionSet,
    /// Effective `match-client-id`.
    pub match_client_id: bool,
    /// Effective `authoritative`.
    pub authoritative: bool,
    /// Effective `offer-lifetime`.
    pub offer_lifetime: u32,
    /// Effective `next-server` (`0.0.0.0` = none).
    pub next_server: Ipv4Addr,
    /// Effective `server-hostname`.
    pub server_hostname: String,
    /// Effective `boot-file-name`.
    pub boot_file_name: String,
    /// `4o6-interface`.
    pub dhcp4o6_interface: Option<String>,
    /// `4o6-interface-id`.
    pub dhcp4o6_interface_id: Option<String>,
    /// `4o6-subnet` (IPv6 prefix and length).
    pub dhcp4o6_subnet: Option<(std::net::Ipv6Addr, u8)>,
    /// `user-context` (with `comment` folded in).
    pub user_context: Option<Map>,
}});

impl Subnet4 {
    /// The netmask of the prefix.
    pub fn netmask(&self) -> Ipv4Addr {
        <Ipv4Addr as IpAddress>::from_u128(crate::addr::mask::<Ipv4Addr>(self.prefix_len))
    }

    /// Whether `addr` lies in this subnet's prefix.
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        Prefix {
            addr: self.prefix,
            len: self.prefix_len,
        }
        .contains(addr)
    }
}

host_parts!(model_struct! {
/// A host reservation (V4-088).
#[derive(Debug, Clone, PartialEq)]
pub struct Host4 {
    /// `ip-address`.
    pub ip_address: Option<Ipv4Addr>,
    /// `next-server`.
    pub next_server: Option<Ipv4Addr>,
    /// `server-hostname`.
    pub server_hostname: Option<String>,
    /// `boot-file-name`.
    pub boot_file_name: Option<String>,
}});

class_parts!(model_struct! {
/// A client class definition (V4-127).
#[derive(Debug, Clone)]
pub struct ClientClass {
    /// `next-server`.
    pub next_server: Option<Ipv4Addr>,
    /// `server-hostname`.
    pub server_hostname: Option<String>,
    /// `boot-file-name`.
    pub boot_file_name: Option<String>,
    /// `offer-lifetime`.
    pub offer_lifetime: Option<u32>,
    /// Class `option-def` (codes 43 and 224-254 only, V4-121).
    pub option_defs: Vec<OptionDef>,
}});
