//! The maps of Kea 2.7.3's `Dhcp4` grammar (ARM §29.1) that differ from the
//! `Dhcp6` ones.

use serde::Deserialize;

use super::fields::{
    class_fields, common_scope_fields, global_fields, interfaces_fields, network_fields,
    reservation_fields, scope4_fields, scoped_struct, spliced_struct, subnet_fields,
};
use super::OptionDef;
use crate::model::{HostIdType, OutboundInterface, SocketType};

/// The top-level object: Kea 2.7.3's `kea-dhcp4` accepts only `Dhcp4` there.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopLevel {
    /// The server configuration.
    #[serde(rename = "Dhcp4")]
    pub dhcp4: Option<Dhcp4>,
}

common_scope_fields!(scope4_fields! { global_fields! { scoped_struct! {
    Scope4, GlobalsView via globals;
    /// The `Dhcp4` map.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct Dhcp4 {
        /// `subnet4`.
        #[serde(default)]
        pub subnet4: Vec<Subnet4>,
        /// `shared-networks`.
        #[serde(default)]
        pub shared_networks: Vec<SharedNetwork4>,
        /// `interfaces-config`.
        #[serde(default)]
        pub interfaces_config: Option<InterfacesConfig>,
        /// `host-reservation-identifiers`.
        #[serde(default)]
        pub host_reservation_identifiers: Option<Vec<HostIdType>>,
        /// `client-classes`.
        #[serde(default)]
        pub client_classes: Vec<ClientClass>,
        /// `reservations` (global).
        #[serde(default)]
        pub reservations: Vec<Reservation>,
        /// `compatibility`.
        #[serde(default)]
        pub compatibility: Option<Compatibility>,
        /// `echo-client-id`.
        #[serde(default)]
        pub echo_client_id: Option<bool>,
        /// `stash-agent-options`.
        #[serde(default)]
        pub stash_agent_options: Option<bool>,
    }
} } });

common_scope_fields!(scope4_fields! { network_fields! { scoped_struct! {
    Scope4, NetworkView via common;
    /// One `shared-networks` entry.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct SharedNetwork4 {
        /// `subnet4` members.
        #[serde(default)]
        pub subnet4: Vec<Subnet4>,
    }
} } });

common_scope_fields!(scope4_fields! { subnet_fields! { scoped_struct! {
    Scope4, SubnetView via common;
    /// One `subnet4` entry.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct Subnet4 {
        /// `reservations`.
        #[serde(default)]
        pub reservations: Vec<Reservation>,
        /// `4o6-interface`.
        #[serde(default, rename = "4o6-interface")]
        pub dhcp4o6_interface: Option<String>,
        /// `4o6-interface-id`.
        #[serde(default, rename = "4o6-interface-id")]
        pub dhcp4o6_interface_id: Option<String>,
        /// `4o6-subnet`.
        #[serde(default, rename = "4o6-subnet")]
        pub dhcp4o6_subnet: Option<String>,
    }
} } });

interfaces_fields!(spliced_struct! {
    InterfacesView via common;
    /// `interfaces-config`.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct InterfacesConfig {
        /// `dhcp-socket-type`.
        #[serde(default)]
        pub dhcp_socket_type: Option<SocketType>,
        /// `outbound-interface`.
        #[serde(default)]
        pub outbound_interface: Option<OutboundInterface>,
    }
});

reservation_fields!(spliced_struct! {
    ReservationView via common;
    /// One `reservations` entry.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct Reservation {
        /// `client-id`.
        #[serde(default)]
        pub client_id: Option<String>,
        /// `circuit-id`.
        #[serde(default)]
        pub circuit_id: Option<String>,
        /// `ip-address`.
        #[serde(default)]
        pub ip_address: Option<String>,
        /// `next-server`.
        #[serde(default)]
        pub next_server: Option<String>,
        /// `server-hostname`.
        #[serde(default)]
        pub server_hostname: Option<String>,
        /// `boot-file-name`.
        #[serde(default)]
        pub boot_file_name: Option<String>,
    }
});

class_fields!(spliced_struct! {
    ClassView via common;
    /// One `client-classes` entry.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct ClientClass {
        /// `option-def`.
        #[serde(default)]
        pub option_def: Vec<OptionDef>,
        /// `next-server`.
        #[serde(default)]
        pub next_server: Option<String>,
        /// `server-hostname`.
        #[serde(default)]
        pub server_hostname: Option<String>,
        /// `boot-file-name`.
        #[serde(default)]
        pub boot_file_name: Option<String>,
        /// `offer-lifetime`.
        #[serde(default)]
        pub offer_lifetime: Option<u32>,
    }
});

/// `compatibility`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Compatibility {
    /// `lenient-option-parsing`.
    #[serde(default)]
    pub lenient_option_parsing: Option<bool>,
    /// `ignore-dhcp-server-identifier`.
    #[serde(default)]
    pub ignore_dhcp_server_identifier: Option<bool>,
    /// `ignore-rai-link-selection`.
    #[serde(default)]
    pub ignore_rai_link_selection: Option<bool>,
    /// `exclude-first-last-24`.
    #[serde(default)]
    pub exclude_first_last_24: Option<bool>,
}
