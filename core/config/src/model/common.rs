//! Types both servers' models use: option sets, lifetimes, allocators, DDNS
//! behaviour, host identifiers, pools and shared networks.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::fields::{model_struct, pool_parts};

/// A JSON object kept verbatim (user contexts, plugin parameters).
pub type Map = serde_json::Map<String, serde_json::Value>;

/// A shared network (V4-099, V6-125); the same for both families.
#[derive(Debug, Clone)]
pub struct SharedNetwork {
    /// `name` (unique).
    pub name: String,
    /// Members: indexes into the configuration's `subnets`, in config order.
    pub subnets: Vec<usize>,
    /// Network-level `option-data`.
    pub options: OptionSet,
    /// Network-level `require-client-classes`.
    pub require_client_classes: Vec<String>,
    /// `user-context`.
    pub user_context: Option<Map>,
}

/// Host identifier types (`host-reservation-identifiers`); DHCPv6 has
/// `hw-address`, `duid` and `flex-id` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostIdType {
    /// `hw-address`: chaddr.
    HwAddress,
    /// `duid`: an RFC 4361 DUID in option 61 (DHCPv4), the client-id option (DHCPv6).
    Duid,
    /// `circuit-id`: RAI sub-option 1.
    CircuitId,
    /// `client-id`: option 61.
    ClientId,
    /// `flex-id`: computed by a plugin.
    FlexId,
}

impl HostIdType {
    /// Kea's name of the identifier type.
    pub fn as_str(self) -> &'static str {
        match self {
            HostIdType::HwAddress => "hw-address",
            HostIdType::Duid => "duid",
            HostIdType::CircuitId => "circuit-id",
            HostIdType::ClientId => "client-id",
            HostIdType::FlexId => "flex-id",
        }
    }
}

/// Options configured at one scope, in config order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OptionSet {
    /// The options.
    pub items: Vec<ConfiguredOption>,
}

impl OptionSet {
    /// The first option with `code` in space `dhcp4` (DHCPv6 options are
    /// looked up with [`OptionSet::get_in`] and space `dhcp6`).
    pub fn get(&self, code: u16) -> Option<&ConfiguredOption> {
        self.get_in("dhcp4", code)
    }

    /// The first option with `code` in `space`.
    pub fn get_in(&self, space: &str, code: u16) -> Option<&ConfiguredOption> {
        self.items
            .iter()
            .find(|o| o.code == code && o.space == space)
    }

    /// Whether no option is configured.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// One `option-data` entry, encoded.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfiguredOption {
    /// Option code.
    pub code: u16,
    /// Option space (`dhcp4` or `dhcp6` for top-level options).
    pub space: String,
    /// Wire payload (without code and length); sub-options of an
    /// encapsulated space configured at the same scope are appended (V4-118).
    pub data: Vec<u8>,
    /// `always-send`.
    pub always_send: bool,
    /// `never-send`.
    pub never_send: bool,
    /// `user-context`.
    pub user_context: Option<Map>,
}

/// A lifetime with its bounds (V4-062, V6-006).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Triplet {
    /// Lower bound for a client's request.
    pub min: u32,
    /// Value when the client asks for nothing.
    pub default: u32,
    /// Upper bound for a client's request.
    pub max: u32,
}

impl Triplet {
    /// The lifetime to grant when a client asks for `requested` (V4-062, V6-077).
    pub fn clamp(&self, requested: Option<u32>) -> u32 {
        match requested {
            None => self.default,
            Some(r) => r.clamp(self.min, self.max),
        }
    }
}

/// `allocator` and `pd-allocator` (V4-055, V6-069).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocatorKind {
    /// `iterative`.
    Iterative,
    /// `random`.
    Random,
    /// `flq`: free lease queue.
    Flq,
}

/// In-server DDNS behaviour at a subnet (V4-143..V4-151).
#[derive(Debug, Clone, PartialEq)]
pub struct DdnsParams {
    /// `ddns-send-updates`.
    pub send_updates: bool,
    /// `ddns-override-no-update`.
    pub override_no_update: bool,
    /// `ddns-override-client-update`.
    pub override_client_update: bool,
    /// `ddns-replace-client-name`.
    pub replace_client_name: ReplaceClientName,
    /// `ddns-generated-prefix`.
    pub generated_prefix: String,
    /// `ddns-qualifying-suffix`.
    pub qualifying_suffix: String,
    /// `ddns-update-on-renew`.
    pub update_on_renew: bool,
    /// `ddns-conflict-resolution-mode` (or legacy `ddns-use-conflict-resolution`).
    pub conflict_resolution_mode: ConflictResolutionMode,
    /// `ddns-ttl-percent`.
    pub ttl_percent: Option<f64>,
    /// `hostname-char-set` (regex of invalid characters; empty = no scrubbing).
    pub hostname_char_set: String,
    /// `hostname-char-replacement`.
    pub hostname_char_replacement: String,
}

/// `ddns-replace-client-name` (V4-144).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReplaceClientName {
    /// `never`.
    Never,
    /// `always`.
    Always,
    /// `when-present`.
    WhenPresent,
    /// `when-not-present`.
    WhenNotPresent,
}

/// `ddns-conflict-resolution-mode` (V4-151).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConflictResolutionMode {
    /// `check-with-dhcid`.
    CheckWithDhcid,
    /// `no-check-with-dhcid`.
    NoCheckWithDhcid,
    /// `check-exists-with-dhcid`.
    CheckExistsWithDhcid,
    /// `no-check-without-dhcid`.
    NoCheckWithoutDhcid,
}

pool_parts!(model_struct! {
    /// An address pool inside a subnet (V4-051, V6-061); [`Pool4`] and [`Pool6`]
    /// name its two forms.
    #[derive(Debug, Clone)]
    pub struct Pool<A> {
        /// First address (inclusive).
        pub start: A,
        /// Last address (inclusive).
        pub end: A,
    }
});

/// An IPv4 address pool.
pub type Pool4 = Pool<Ipv4Addr>;
/// An IPv6 address pool (`pools`, not `pd-pools`).
pub type Pool6 = Pool<Ipv6Addr>;

impl<A: PartialOrd> Pool<A> {
    /// Whether `addr` is inside the pool.
    pub fn contains(&self, addr: A) -> bool {
        self.start <= addr && addr <= self.end
    }
}

impl Pool4 {
    /// Number of addresses in the pool.
    pub fn size(&self) -> u64 {
        u64::from(u32::from(self.end)) - u64::from(u32::from(self.start)) + 1
    }
}

impl Pool6 {
    /// Number of addresses in the pool (V6-066); a pool of all 2^128
    /// addresses saturates at `u128::MAX`.
    pub fn size(&self) -> u128 {
        (u128::from(self.end) - u128::from(self.start)).saturating_add(1)
    }
}

/// A DHCPv4 shared network.
pub type SharedNetwork4 = SharedNetwork;
/// A DHCPv6 shared network.
pub type SharedNetwork6 = SharedNetwork;
