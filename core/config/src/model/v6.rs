//! The DHCPv6 server's model: the configuration, subnets with address and
//! prefix pools, reservations, classes and the server identifier.

use std::fmt;
use std::net::Ipv6Addr;
use std::path::PathBuf;

use super::fields::{
    class_parts, config_parts, host_parts, model_struct, pool_parts, subnet_parts,
};
use super::*;
use crate::addr::Prefix;

/// Kea's data directory when `data-directory` is not set (V6-093).
pub const DEFAULT_DATA_DIRECTORY: &str = "/var/lib/kea";
/// The memfile lease file in the data directory (V6-100).
const LEASE_FILE: &str = "kea-leases6.csv";
/// The server identifier file in the data directory (V6-088).
const SERVER_ID_FILE: &str = "kea-dhcp6-serverid";

config_parts!(model_struct! {
/// The whole DHCPv6 server configuration.
#[derive(Debug, Clone)]
pub struct Dhcp6Config {
    /// The `Dhcp6` map as read (includes expanded, `comment` folded), for `config-get`.
    pub raw: serde_json::Value,
    /// `interfaces-config` (always UDP, answers over the receiving interface, V6-013).
    pub interfaces: InterfacesConfig<Ipv6Addr>,
    /// All subnets in config order: plain ones and shared-network members.
    pub subnets: Vec<Subnet6>,
    /// Shared networks; their members are indexes into `subnets`.
    pub shared_networks: Vec<SharedNetwork6>,
    /// Global reservations (`Dhcp6.reservations`).
    pub global_reservations: Vec<Host6>,
    /// Identifier types looked up for reservations, in order (V6-114).
    pub host_reservation_identifiers: Vec<HostIdType>,
    /// `client-classes` in config order.
    pub client_classes: Vec<ClientClass6>,
    /// `mac-sources` in order, as written (V6-084; default `[Any]`).
    pub mac_sources: Vec<MacSource>,
    /// Option codes enabled for RSOO (V6-050): 65 `erp-local-domain-name`,
    /// always, then `relay-supplied-options` (names resolved), without repeats.
    pub relay_supplied_options: Vec<u16>,
    /// `server-id` (V6-089).
    pub server_id: ServerId,
    /// `data-directory` (V6-093).
    pub data_directory: PathBuf,
    /// `compatibility` (only `lenient-option-parsing` exists in DHCPv6).
    pub compatibility: Compatibility,
    /// Tolerated oddities, with positions: trailing commas, and Kea 2.2 forms
    /// accepted with the meaning 2.2 gives them (subnets without `id`, relay
    /// `ip-address`, DDNS keys in `dhcp-ddns`, space `docsis3-v6`).
    pub warnings: Vec<String>,
}});

impl Dhcp6Config {
    /// The memfile lease file: `lease-database.name`, else
    /// `<data-directory>/kea-leases6.csv` (V6-100, V6-101); `None` for SQL.
    pub fn lease_file(&self) -> Option<PathBuf> {
        match &self.lease_database {
            LeaseDatabase::Memfile { name: Some(n), .. } => Some(n.clone()),
            LeaseDatabase::Memfile { name: None, .. } => Some(self.data_directory.join(LEASE_FILE)),
            _ => None,
        }
    }

    /// Where the server DUID is kept: `<data-directory>/kea-dhcp6-serverid` (V6-088).
    pub fn server_id_file(&self) -> PathBuf {
        self.data_directory.join(SERVER_ID_FILE)
    }
}

/// An IPv6 prefix (address and length).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ipv6Prefix {
    /// The address as written.
    pub addr: Ipv6Addr,
    /// The prefix length (0..=128).
    pub len: u8,
}

impl Ipv6Prefix {
    /// Whether `addr` lies in the prefix.
    pub fn contains(&self, addr: Ipv6Addr) -> bool {
        Prefix {
            addr: self.addr,
            len: self.len,
        }
        .contains(addr)
    }
}

impl From<Prefix<Ipv6Addr>> for Ipv6Prefix {
    fn from(p: Prefix<Ipv6Addr>) -> Self {
        Ipv6Prefix {
            addr: p.addr,
            len: p.len,
        }
    }
}

impl fmt::Display for Ipv6Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

subnet_parts!(model_struct! {
/// A DHCPv6 subnet with every inheritable value resolved.
#[derive(Debug, Clone)]
pub struct Subnet6 {
    /// `id` (1..4294967294, unique).
    pub id: u32,
    /// Prefix address as written (may be non-canonical, V6-005).
    pub prefix: Ipv6Addr,
    /// Prefix length.
    pub prefix_len: u8,
    /// The `subnet` text as written.
    pub text: String,
    /// Index into `Dhcp6Config::shared_networks` when a member.
    pub shared_network: Option<usize>,
    /// Address pools (`pools`) in config order.
    pub pools: Vec<Pool6>,
    /// Prefix delegation pools (`pd-pools`) in config order.
    pub pd_pools: Vec<PdPool>,
    /// `relay.ip-addresses`: the subnet's own, else its network's (V6-056).
    pub relay_addresses: Vec<Ipv6Addr>,
    /// `interface`: the subnet's, else its network's (V6-052).
    pub interface: Option<String>,
    /// `interface-id`: the subnet's, else its network's, compared byte for
    /// byte with option 18 (V6-053, V6-055).
    pub interface_id: Option<String>,
    /// Effective `rapid-commit` (V6-032).
    pub rapid_commit: bool,
    /// `client-class`: the subnet's, else its network's.
    pub client_class: Option<String>,
    /// `require-client-classes` of this subnet only (the network's are in
    /// its `SharedNetwork`, V6-158).
    pub require_client_classes: Vec<String>,
    /// Reservations of this subnet.
    pub reservations: Vec<Host6>,
    /// This subnet's own `option-data` (network and global are separate levels, V6-135).
    pub options: OptionSet,
    /// Effective preferred-lifetime triplet; `None` when no scope sets one,
    /// so the engine derives it from the valid lifetime (V6-078).
    pub preferred_lifetime: Option<Triplet>,
    /// Effective `pd-allocator` for prefixes.
    pub pd_allocator: AllocatorKind,
    /// `user-context` (with `comment` folded in).
    pub user_context: Option<Map>,
}});

impl Subnet6 {
    /// Whether `addr` lies in this subnet's prefix.
    pub fn contains(&self, addr: Ipv6Addr) -> bool {
        Ipv6Prefix {
            addr: self.prefix,
            len: self.prefix_len,
        }
        .contains(addr)
    }
}

pool_parts!(model_struct! {
    /// A prefix delegation pool (`pd-pools` entry, V6-063..V6-068).
    #[derive(Debug, Clone)]
    pub struct PdPool {
        /// `prefix`/`prefix-len`: the range prefixes are delegated from (it
        /// may lie outside the subnet).
        pub prefix: Ipv6Prefix,
        /// `delegated-len`: the length of each delegated prefix.
        pub delegated_len: u8,
        /// `excluded-prefix`/`excluded-prefix-len`: sent in option 67 inside
        /// each delegated prefix (RFC 6603, V6-065).
        pub excluded: Option<Ipv6Prefix>,
    }
});

impl PdPool {
    /// How many prefixes the pool delegates: 2^(delegated-len − prefix-len) (V6-066).
    pub fn capacity(&self) -> u128 {
        1u128 << (self.delegated_len - self.prefix.len)
    }
}

host_parts!(model_struct! {
/// A DHCPv6 host reservation (V6-108..V6-111).
#[derive(Debug, Clone, PartialEq)]
pub struct Host6 {
    /// `ip-addresses`, in order.
    pub ip_addresses: Vec<Ipv6Addr>,
    /// `prefixes`, in order, each with its `excluded-prefixes` entry.
    pub prefixes: Vec<ReservedPrefix>,
}});

/// A reserved prefix and the prefix excluded from it (V6-111, V6-112).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReservedPrefix {
    /// The reserved prefix.
    pub prefix: Ipv6Prefix,
    /// Its `excluded-prefixes` entry, if not empty.
    pub excluded: Option<Ipv6Prefix>,
}

class_parts!(model_struct! {
/// A DHCPv6 client class definition (V6-155).
#[derive(Debug, Clone)]
pub struct ClientClass6 {
    /// Preferred-lifetime triplet if the class sets any of its keys (V6-076).
    pub preferred_lifetime: Option<Triplet>,
}});

/// `server-id.type` (V6-089).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub enum DuidType {
    /// `LLT`: link-layer address plus time (type 1).
    #[serde(rename = "LLT")]
    Llt,
    /// `EN`: enterprise number plus identifier (type 2).
    #[serde(rename = "EN")]
    En,
    /// `LL`: link-layer address (type 3).
    #[serde(rename = "LL")]
    Ll,
}

impl DuidType {
    /// The DUID type code (RFC 8415 §11).
    pub fn code(self) -> u16 {
        match self {
            DuidType::Llt => 1,
            DuidType::En => 2,
            DuidType::Ll => 3,
        }
    }
}

/// `server-id` (V6-088..V6-091). A part written as 0 or `""` (or not
/// written) is `None`: the server takes it from the stored DUID of that
/// type, else generates it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerId {
    /// `type` (default LLT when the map is absent).
    pub kind: DuidType,
    /// `htype` (LLT, LL).
    pub htype: Option<u16>,
    /// `identifier` bytes.
    pub identifier: Option<Vec<u8>>,
    /// `time` (LLT), seconds since 2000-01-01 UTC.
    pub time: Option<u32>,
    /// `enterprise-id` (EN).
    pub enterprise_id: Option<u32>,
    /// `persist` (default true): whether the DUID file is read and written.
    pub persist: bool,
    /// `user-context`.
    pub user_context: Option<Map>,
}

impl ServerId {
    /// The DUID when the configuration gives every part its type needs
    /// (LLT: htype, time, identifier; EN: enterprise-id, identifier; LL:
    /// htype, identifier), encoded as RFC 8415 §11 says (V6-090); `None`
    /// when the server must complete it from the stored or a generated one.
    pub fn configured_duid(&self) -> Option<Vec<u8>> {
        let id = self.identifier.as_deref()?;
        let mut duid = self.kind.code().to_be_bytes().to_vec();
        match self.kind {
            DuidType::Llt => {
                duid.extend(self.htype?.to_be_bytes());
                duid.extend(self.time?.to_be_bytes());
            }
            DuidType::En => duid.extend(self.enterprise_id?.to_be_bytes()),
            DuidType::Ll => duid.extend(self.htype?.to_be_bytes()),
        }
        duid.extend_from_slice(id);
        Some(duid)
    }
}

/// One `mac-sources` method (V6-084..V6-087).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MacSource {
    /// `any`: every method, in Kea's order (V6-085).
    Any,
    /// `raw`: the packet's source MAC (no effect in DHCPv6).
    Raw,
    /// `duid`: the link-layer part of a DUID-LLT or DUID-LL.
    Duid,
    /// `ipv6-link-local`: an EUI-64 link-local source address.
    Ipv6LinkLocal,
    /// `client-link-addr-option` (`rfc6939`): relay option 79.
    ClientLinkAddrOption,
    /// `remote-id` (`rfc4649`): relay option 37.
    RemoteId,
    /// `subscriber-id` (`rfc4580`): relay option 38 (not implemented by Kea).
    SubscriberId,
    /// `docsis-cmts`: vendor 4491 sub-option 1026 in a relay's option 17.
    DocsisCmts,
    /// `docsis-modem`: vendor 4491 sub-option 36 in the client's option 17.
    DocsisModem,
}

impl MacSource {
    /// The method a `mac-sources` entry names, aliases included.
    pub fn from_name(name: &str) -> Option<MacSource> {
        Some(match name {
            "any" => MacSource::Any,
            "raw" => MacSource::Raw,
            "duid" => MacSource::Duid,
            "ipv6-link-local" => MacSource::Ipv6LinkLocal,
            "client-link-addr-option" | "rfc6939" => MacSource::ClientLinkAddrOption,
            "remote-id" | "rfc4649" => MacSource::RemoteId,
            "subscriber-id" | "rfc4580" => MacSource::SubscriberId,
            "docsis-cmts" => MacSource::DocsisCmts,
            "docsis-modem" => MacSource::DocsisModem,
            _ => return None,
        })
    }
}
