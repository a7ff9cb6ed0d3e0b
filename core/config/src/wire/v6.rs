//! The maps of Kea 2.7.3's `Dhcp6` grammar (ARM §29.2) that differ from the
//! `Dhcp4` ones: subnets with prefix pools, `interface-id` and
//! `rapid-commit`, reservations of several addresses and prefixes, classes
//! with preferred lifetimes, and the global `server-id`, `data-directory`,
//! `mac-sources` and `relay-supplied-options`.

use serde::Deserialize;

use super::fields::{
    class_fields, common_scope_fields, global_fields, interfaces_fields, network_fields,
    pool_fields, reservation_fields, scope6_fields, scoped_struct, spliced_struct, subnet_fields,
};
use super::Map;
use crate::model::{DuidType, HostIdType};

/// The top-level object: Kea 2.7.3's `kea-dhcp6` accepts only `Dhcp6` there.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopLevel6 {
    /// The server configuration.
    #[serde(rename = "Dhcp6")]
    pub dhcp6: Option<Dhcp6>,
}

common_scope_fields!(scope6_fields! { global_fields! { scoped_struct! {
    Scope6, GlobalsView via globals;
    /// The `Dhcp6` map.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct Dhcp6 {
        /// `subnet6`.
        #[serde(default)]
        pub subnet6: Vec<Subnet6>,
        /// `shared-networks`.
        #[serde(default)]
        pub shared_networks: Vec<SharedNetwork6>,
        /// `interfaces-config`.
        #[serde(default)]
        pub interfaces_config: Option<InterfacesConfig6>,
        /// `host-reservation-identifiers`.
        #[serde(default)]
        pub host_reservation_identifiers: Option<Vec<HostId6>>,
        /// `client-classes`.
        #[serde(default)]
        pub client_classes: Vec<ClientClass6>,
        /// `reservations` (global).
        #[serde(default)]
        pub reservations: Vec<Reservation6>,
        /// `compatibility`.
        #[serde(default)]
        pub compatibility: Option<Compatibility6>,
        /// `data-directory`.
        #[serde(default)]
        pub data_directory: Option<String>,
        /// `mac-sources`.
        #[serde(default)]
        pub mac_sources: Option<Vec<String>>,
        /// `relay-supplied-options`: option codes or names.
        #[serde(default)]
        pub relay_supplied_options: Vec<String>,
        /// `server-id`.
        #[serde(default)]
        pub server_id: Option<ServerId>,
    }
} } });

common_scope_fields!(scope6_fields! { network_fields! { scoped_struct! {
    Scope6, NetworkView via common;
    /// One `shared-networks` entry.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct SharedNetwork6 {
        /// `subnet6` members.
        #[serde(default)]
        pub subnet6: Vec<Subnet6>,
        /// `interface-id`.
        #[serde(default)]
        pub interface_id: Option<String>,
        /// `rapid-commit`.
        #[serde(default)]
        pub rapid_commit: Option<bool>,
    }
} } });

common_scope_fields!(scope6_fields! { subnet_fields! { scoped_struct! {
    Scope6, SubnetView via common;
    /// One `subnet6` entry.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct Subnet6 {
        /// `pd-pools`.
        #[serde(default)]
        pub pd_pools: Vec<PdPool>,
        /// `interface-id`.
        #[serde(default)]
        pub interface_id: Option<String>,
        /// `rapid-commit`.
        #[serde(default)]
        pub rapid_commit: Option<bool>,
        /// `reservations`.
        #[serde(default)]
        pub reservations: Vec<Reservation6>,
    }
} } });

pool_fields!(spliced_struct! {
    PoolView via common;
    /// One `pd-pools` entry.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct PdPool {
        /// `prefix` (mandatory).
        #[serde(default)]
        pub prefix: Option<String>,
        /// `prefix-len` (mandatory).
        #[serde(default)]
        pub prefix_len: Option<u8>,
        /// `delegated-len` (mandatory).
        #[serde(default)]
        pub delegated_len: Option<u8>,
        /// `excluded-prefix`.
        #[serde(default)]
        pub excluded_prefix: Option<String>,
        /// `excluded-prefix-len`.
        #[serde(default)]
        pub excluded_prefix_len: Option<u8>,
    }
});

interfaces_fields!(spliced_struct! {
    InterfacesView via common;
    /// `interfaces-config` (DHCPv6 has no `dhcp-socket-type` nor `outbound-interface`).
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct InterfacesConfig6 {}
});

reservation_fields!(spliced_struct! {
    ReservationView via common;
    /// One `reservations` entry.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct Reservation6 {
        /// `ip-addresses`.
        #[serde(default)]
        pub ip_addresses: Vec<String>,
        /// `prefixes`.
        #[serde(default)]
        pub prefixes: Vec<String>,
        /// `excluded-prefixes` (one per `prefixes` entry, `""` for none).
        #[serde(default)]
        pub excluded_prefixes: Vec<String>,
    }
});

class_fields!(spliced_struct! {
    ClassView via common;
    /// One `client-classes` entry.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct ClientClass6 {
        /// `preferred-lifetime`.
        #[serde(default)]
        pub preferred_lifetime: Option<u32>,
        /// `min-preferred-lifetime`.
        #[serde(default)]
        pub min_preferred_lifetime: Option<u32>,
        /// `max-preferred-lifetime`.
        #[serde(default)]
        pub max_preferred_lifetime: Option<u32>,
    }
});

/// A `host-reservation-identifiers` entry of the `Dhcp6` grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostId6 {
    /// `hw-address`.
    HwAddress,
    /// `duid`.
    Duid,
    /// `flex-id`.
    FlexId,
}

impl From<HostId6> for HostIdType {
    fn from(id: HostId6) -> HostIdType {
        match id {
            HostId6::HwAddress => HostIdType::HwAddress,
            HostId6::Duid => HostIdType::Duid,
            HostId6::FlexId => HostIdType::FlexId,
        }
    }
}

/// `compatibility`: DHCPv6 has one flag.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Compatibility6 {
    /// `lenient-option-parsing`.
    #[serde(default)]
    pub lenient_option_parsing: Option<bool>,
}

/// `server-id`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ServerId {
    /// `type` (mandatory).
    #[serde(default, rename = "type")]
    pub type_: Option<DuidType>,
    /// `identifier` (hex).
    #[serde(default)]
    pub identifier: Option<String>,
    /// `time`.
    #[serde(default)]
    pub time: Option<u32>,
    /// `htype`.
    #[serde(default)]
    pub htype: Option<u16>,
    /// `enterprise-id`.
    #[serde(default)]
    pub enterprise_id: Option<u32>,
    /// `persist`.
    #[serde(default)]
    pub persist: Option<bool>,
    /// `user-context`.
    #[serde(default)]
    pub user_context: Option<Map>,
    /// `comment`.
    #[serde(default)]
    pub comment: Option<String>,
}
