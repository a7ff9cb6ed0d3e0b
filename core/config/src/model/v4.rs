//! The DHCPv4 server's model: the configuration, subnets, reservations and classes.

use std::net::Ipv4Addr;

use ruru_proto::defs::{OptionDef, OptionDefs};

use super::*;
use crate::addr::{IpAddress, Prefix};

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
    /// Global `option-data`.
    pub options: OptionSet,
    /// Standard definitions plus the global `option-def` entries.
    pub option_defs: OptionDefs,
    /// `client-classes` in config order.
    pub client_classes: Vec<ClientClass>,
    /// `decline-probation-period` in seconds.
    pub decline_probation_period: u32,
    /// `echo-client-id` (V4-042).
    pub echo_client_id: bool,
    /// `parked-packet-limit` (V4-177).
    pub parked_packet_limit: u32,
    /// `early-global-reservations-lookup` (V4-095).
    pub early_global_reservations_lookup: bool,
    /// `reservations-lookup-first` (V4-097).
    pub reservations_lookup_first: bool,
    /// `ip-reservations-unique` (V4-089).
    pub ip_reservations_unique: bool,
    /// `stash-agent-options` (V4-155).
    pub stash_agent_options: bool,
    /// `lease-database`.
    pub lease_database: LeaseDatabase,
    /// `hosts-database` followed by `hosts-databases`, in order.
    pub hosts_databases: Vec<SqlDatabase>,
    /// `expired-leases-processing`.
    pub expired_leases: ExpiredLeasesProcessing,
    /// `multi-threading`.
    pub multi_threading: MultiThreading,
    /// `dhcp-queue-control` as written (its keys are open to plugins).
    pub dhcp_queue_control: Option<serde_json::Value>,
    /// `dhcp-ddns` (the connection to the DDNS daemon).
    pub dhcp_ddns: DhcpDdns,
    /// `sanity-checks`.
    pub sanity_checks: SanityChecks,
    /// `compatibility`.
    pub compatibility: Compatibility,
    /// `hooks-libraries` in load order.
    pub hooks_libraries: Vec<HookLibrary>,
    /// `control-socket` and `control-sockets`, in that order.
    pub control_sockets: Vec<ControlSocket>,
    /// `loggers`.
    pub loggers: Vec<Logger>,
    /// `server-tag`.
    pub server_tag: Option<String>,
    /// `statistic-default-sample-count`.
    pub statistic_default_sample_count: u32,
    /// `statistic-default-sample-age`.
    pub statistic_default_sample_age: u32,
    /// `dhcp4o6-port` (0 = off, V4-179).
    pub dhcp4o6_port: u16,
    /// `config-control` as written (configuration backends, not built yet).
    pub config_control: Option<serde_json::Value>,
    /// Global `user-context` (with `comment` folded in).
    pub user_context: Option<Map>,
    /// Tolerated oddities, with positions: trailing commas, and Kea 2.2 forms
    /// accepted with the meaning 2.2 gives them (subnets without `id`, relay
    /// `ip-address`, DDNS keys in `dhcp-ddns`, option names and spaces).
    pub warnings: Vec<String>,
}

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
    /// Effective lifetime triplet.
    pub valid_lifetime: Triplet,
    /// Effective `renew-timer`.
    pub renew_timer: Option<u32>,
    /// Effective `rebind-timer`.
    pub rebind_timer: Option<u32>,
    /// Effective `calculate-tee-times`.
    pub calculate_tee_times: bool,
    /// Effective `t1-percent`.
    pub t1_percent: f64,
    /// Effective `t2-percent`.
    pub t2_percent: f64,
    /// Effective `match-client-id`.
    pub match_client_id: bool,
    /// Effective `authoritative`.
    pub authoritative: bool,
    /// Effective `reservations-global`.
    pub reservations_global: bool,
    /// Effective `reservations-in-subnet`.
    pub reservations_in_subnet: bool,
    /// Effective `reservations-out-of-pool`.
    pub reservations_out_of_pool: bool,
    /// Effective `cache-threshold`.
    pub cache_threshold: Option<f64>,
    /// Effective `cache-max-age`.
    pub cache_max_age: Option<u32>,
    /// Effective `allocator`.
    pub allocator: AllocatorKind,
    /// Effective `offer-lifetime`.
    pub offer_lifetime: u32,
    /// Effective `next-server` (`0.0.0.0` = none).
    pub next_server: Ipv4Addr,
    /// Effective `server-hostname`.
    pub server_hostname: String,
    /// Effective `boot-file-name`.
    pub boot_file_name: String,
    /// Effective `store-extended-info`.
    pub store_extended_info: bool,
    /// Effective DDNS behaviour.
    pub ddns: DdnsParams,
    /// `4o6-interface`.
    pub dhcp4o6_interface: Option<String>,
    /// `4o6-interface-id`.
    pub dhcp4o6_interface_id: Option<String>,
    /// `4o6-subnet` (IPv6 prefix and length).
    pub dhcp4o6_subnet: Option<(std::net::Ipv6Addr, u8)>,
    /// `user-context` (with `comment` folded in).
    pub user_context: Option<Map>,
}

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

/// A host reservation (V4-088).
#[derive(Debug, Clone, PartialEq)]
pub struct Host4 {
    /// Which identifier the reservation uses.
    pub id_type: HostIdType,
    /// The identifier bytes.
    pub id: Vec<u8>,
    /// `ip-address`.
    pub ip_address: Option<Ipv4Addr>,
    /// `hostname`.
    pub hostname: Option<String>,
    /// `option-data`.
    pub options: OptionSet,
    /// `client-classes`.
    pub client_classes: Vec<String>,
    /// `next-server`.
    pub next_server: Option<Ipv4Addr>,
    /// `server-hostname`.
    pub server_hostname: Option<String>,
    /// `boot-file-name`.
    pub boot_file_name: Option<String>,
    /// `user-context`.
    pub user_context: Option<Map>,
}

/// A client class definition (V4-127).
#[derive(Debug, Clone)]
pub struct ClientClass {
    /// `name`.
    pub name: String,
    /// `test` expression text (compiled by the engine).
    pub test: Option<String>,
    /// `template-test` expression text.
    pub template_test: Option<String>,
    /// `only-if-required`.
    pub only_if_required: bool,
    /// Class `option-data`.
    pub options: OptionSet,
    /// `next-server`.
    pub next_server: Option<Ipv4Addr>,
    /// `server-hostname`.
    pub server_hostname: Option<String>,
    /// `boot-file-name`.
    pub boot_file_name: Option<String>,
    /// Lifetime triplet if the class sets any of the three keys.
    pub valid_lifetime: Option<Triplet>,
    /// `offer-lifetime`.
    pub offer_lifetime: Option<u32>,
    /// Class `option-def` (codes 43 and 224-254 only, V4-121).
    pub option_defs: Vec<OptionDef>,
    /// `user-context`.
    pub user_context: Option<Map>,
}
