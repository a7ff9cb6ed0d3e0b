//! Stage 2: serde structs mirroring Kea 2.7.3's `Dhcp4` grammar (ARM §29.1),
//! plus the few Kea 2.2 keys that 2.7.3 renamed or moved (relay
//! `ip-address`, the DDNS behaviour keys of `dhcp-ddns`), which the model
//! stage accepts with a deprecation warning so 2.2 files load unchanged.
//!
//! Every map denies unknown keys, so a typo fails with the key and its
//! position (V4-002). Only three maps are open, as in Kea: `user-context`,
//! hook `parameters` and `dhcp-queue-control` (its grammar takes arbitrary
//! entries for queue implementations). Key names are kebab-case except
//! `Dhcp4`, the `4o6-*` keys and the `output_options` alias of
//! `output-options`. Values are typed as in the grammar; ranges, formats and
//! cross-references are checked by the model stage.

mod scope;

use serde::{Deserialize, Deserializer};

use crate::model::{HostIdType, ReplaceClientName};
pub use scope::ScopeParams;
use scope::{scoped_struct, with_scope_fields};

/// A free-form JSON map (`user-context`, `parameters`).
pub type Map = serde_json::Map<String, serde_json::Value>;

/// The top-level object: Kea 2.7.3's `kea-dhcp4` accepts only `Dhcp4` there.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopLevel {
    /// The server configuration.
    #[serde(rename = "Dhcp4")]
    pub dhcp4: Option<Dhcp4>,
}

with_scope_fields!(scoped_struct! {
    /// The `Dhcp4` map.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct Dhcp4 {
        /// `decline-probation-period`.
        #[serde(default)]
        pub decline_probation_period: Option<u32>,
        /// `subnet4`.
        #[serde(default)]
        pub subnet4: Vec<Subnet4>,
        /// `shared-networks`.
        #[serde(default)]
        pub shared_networks: Vec<SharedNetwork4>,
        /// `interfaces-config`.
        #[serde(default)]
        pub interfaces_config: Option<InterfacesConfig>,
        /// `lease-database`.
        #[serde(default)]
        pub lease_database: Option<Database>,
        /// `hosts-database`.
        #[serde(default)]
        pub hosts_database: Option<Database>,
        /// `hosts-databases`.
        #[serde(default)]
        pub hosts_databases: Vec<Database>,
        /// `host-reservation-identifiers`.
        #[serde(default)]
        pub host_reservation_identifiers: Option<Vec<HostIdType>>,
        /// `client-classes`.
        #[serde(default)]
        pub client_classes: Vec<ClientClass>,
        /// `option-def`.
        #[serde(default)]
        pub option_def: Vec<OptionDef>,
        /// `option-data`.
        #[serde(default)]
        pub option_data: Vec<OptionData>,
        /// `hooks-libraries`.
        #[serde(default)]
        pub hooks_libraries: Vec<HookLibrary>,
        /// `expired-leases-processing`.
        #[serde(default)]
        pub expired_leases_processing: Option<ExpiredLeasesProcessing>,
        /// `dhcp4o6-port`.
        #[serde(default)]
        pub dhcp4o6_port: Option<u16>,
        /// `control-socket` (single, older form).
        #[serde(default)]
        pub control_socket: Option<ControlSocket>,
        /// `control-sockets`.
        #[serde(default)]
        pub control_sockets: Vec<ControlSocket>,
        /// `dhcp-queue-control` (open map).
        #[serde(default)]
        pub dhcp_queue_control: Option<Map>,
        /// `dhcp-ddns`.
        #[serde(default)]
        pub dhcp_ddns: Option<DhcpDdns>,
        /// `echo-client-id`.
        #[serde(default)]
        pub echo_client_id: Option<bool>,
        /// `user-context`.
        #[serde(default)]
        pub user_context: Option<Map>,
        /// `comment`.
        #[serde(default)]
        pub comment: Option<String>,
        /// `sanity-checks`.
        #[serde(default)]
        pub sanity_checks: Option<SanityChecks>,
        /// `reservations` (global).
        #[serde(default)]
        pub reservations: Vec<Reservation>,
        /// `config-control`.
        #[serde(default)]
        pub config_control: Option<ConfigControl>,
        /// `server-tag`.
        #[serde(default)]
        pub server_tag: Option<String>,
        /// `loggers`.
        #[serde(default)]
        pub loggers: Vec<Logger>,
        /// `statistic-default-sample-count`.
        #[serde(default)]
        pub statistic_default_sample_count: Option<u32>,
        /// `statistic-default-sample-age`.
        #[serde(default)]
        pub statistic_default_sample_age: Option<u32>,
        /// `multi-threading`.
        #[serde(default)]
        pub multi_threading: Option<MultiThreading>,
        /// `early-global-reservations-lookup`.
        #[serde(default)]
        pub early_global_reservations_lookup: Option<bool>,
        /// `ip-reservations-unique`.
        #[serde(default)]
        pub ip_reservations_unique: Option<bool>,
        /// `reservations-lookup-first`.
        #[serde(default)]
        pub reservations_lookup_first: Option<bool>,
        /// `compatibility`.
        #[serde(default)]
        pub compatibility: Option<Compatibility>,
        /// `parked-packet-limit`.
        #[serde(default)]
        pub parked_packet_limit: Option<u32>,
        /// `stash-agent-options`.
        #[serde(default)]
        pub stash_agent_options: Option<bool>,
    }
});

with_scope_fields!(scoped_struct! {
    /// One `shared-networks` entry.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct SharedNetwork4 {
        /// `name`.
        #[serde(default)]
        pub name: Option<String>,
        /// `subnet4` members.
        #[serde(default)]
        pub subnet4: Vec<Subnet4>,
        /// `interface`.
        #[serde(default)]
        pub interface: Option<String>,
        /// `option-data`.
        #[serde(default)]
        pub option_data: Vec<OptionData>,
        /// `relay`.
        #[serde(default)]
        pub relay: Option<Relay>,
        /// `client-class`.
        #[serde(default)]
        pub client_class: Option<String>,
        /// `require-client-classes`.
        #[serde(default)]
        pub require_client_classes: Vec<String>,
        /// `user-context`.
        #[serde(default)]
        pub user_context: Option<Map>,
        /// `comment`.
        #[serde(default)]
        pub comment: Option<String>,
    }
});

with_scope_fields!(scoped_struct! {
    /// One `subnet4` entry.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    pub struct Subnet4 {
        /// `id` (range checked by the model).
        #[serde(default)]
        pub id: Option<i64>,
        /// `subnet`.
        #[serde(default)]
        pub subnet: Option<String>,
        /// `pools`.
        #[serde(default)]
        pub pools: Vec<Pool4>,
        /// `option-data`.
        #[serde(default)]
        pub option_data: Vec<OptionData>,
        /// `interface`.
        #[serde(default)]
        pub interface: Option<String>,
        /// `client-class`.
        #[serde(default)]
        pub client_class: Option<String>,
        /// `require-client-classes`.
        #[serde(default)]
        pub require_client_classes: Vec<String>,
        /// `reservations`.
        #[serde(default)]
        pub reservations: Vec<Reservation>,
        /// `relay`.
        #[serde(default)]
        pub relay: Option<Relay>,
        /// `4o6-interface`.
        #[serde(default, rename = "4o6-interface")]
        pub dhcp4o6_interface: Option<String>,
        /// `4o6-interface-id`.
        #[serde(default, rename = "4o6-interface-id")]
        pub dhcp4o6_interface_id: Option<String>,
        /// `4o6-subnet`.
        #[serde(default, rename = "4o6-subnet")]
        pub dhcp4o6_subnet: Option<String>,
        /// `user-context`.
        #[serde(default)]
        pub user_context: Option<Map>,
        /// `comment`.
        #[serde(default)]
        pub comment: Option<String>,
    }
});

/// `ddns-replace-client-name`: the grammar also takes a boolean, which the
/// model then refuses with a clear message (V4-144).
#[derive(Debug, Clone, PartialEq)]
pub enum ReplaceName {
    /// One of the four mode names.
    Mode(ReplaceClientName),
    /// A (no longer supported) boolean.
    Bool(bool),
}

impl<'de> Deserialize<'de> for ReplaceName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ReplaceName;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("one of never, always, when-present, when-not-present")
            }

            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<ReplaceName, E> {
                Ok(ReplaceName::Bool(b))
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<ReplaceName, E> {
                use serde::de::IntoDeserializer;
                ReplaceClientName::deserialize(s.into_deserializer()).map(ReplaceName::Mode)
            }
        }
        d.deserialize_any(V)
    }
}

/// `relay`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Relay {
    /// `ip-addresses` (mandatory, V4-047).
    #[serde(default)]
    pub ip_addresses: Option<Vec<String>>,
    /// `ip-address`: Kea 2.2's single-address form, accepted with a warning.
    #[serde(default)]
    pub ip_address: Option<String>,
}

/// One `pools` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Pool4 {
    /// `pool`: `"a - b"` or `"prefix/len"`.
    #[serde(default)]
    pub pool: Option<String>,
    /// `pool-id`.
    #[serde(default)]
    pub pool_id: Option<u32>,
    /// `option-data`.
    #[serde(default)]
    pub option_data: Vec<OptionData>,
    /// `client-class`.
    #[serde(default)]
    pub client_class: Option<String>,
    /// `require-client-classes`.
    #[serde(default)]
    pub require_client_classes: Vec<String>,
    /// `user-context`.
    #[serde(default)]
    pub user_context: Option<Map>,
    /// `comment`.
    #[serde(default)]
    pub comment: Option<String>,
}

/// One `reservations` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Reservation {
    /// `hw-address`.
    #[serde(default)]
    pub hw_address: Option<String>,
    /// `duid`.
    #[serde(default)]
    pub duid: Option<String>,
    /// `client-id`.
    #[serde(default)]
    pub client_id: Option<String>,
    /// `circuit-id`.
    #[serde(default)]
    pub circuit_id: Option<String>,
    /// `flex-id`.
    #[serde(default)]
    pub flex_id: Option<String>,
    /// `ip-address`.
    #[serde(default)]
    pub ip_address: Option<String>,
    /// `hostname`.
    #[serde(default)]
    pub hostname: Option<String>,
    /// `client-classes`.
    #[serde(default)]
    pub client_classes: Vec<String>,
    /// `option-data`.
    #[serde(default)]
    pub option_data: Vec<OptionData>,
    /// `next-server`.
    #[serde(default)]
    pub next_server: Option<String>,
    /// `server-hostname`.
    #[serde(default)]
    pub server_hostname: Option<String>,
    /// `boot-file-name`.
    #[serde(default)]
    pub boot_file_name: Option<String>,
    /// `user-context`.
    #[serde(default)]
    pub user_context: Option<Map>,
    /// `comment`.
    #[serde(default)]
    pub comment: Option<String>,
}

/// One `option-data` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OptionData {
    /// `name`.
    #[serde(default)]
    pub name: Option<String>,
    /// `code`.
    #[serde(default)]
    pub code: Option<u32>,
    /// `space`.
    #[serde(default)]
    pub space: Option<String>,
    /// `data`.
    #[serde(default)]
    pub data: Option<String>,
    /// `csv-format`.
    #[serde(default)]
    pub csv_format: Option<bool>,
    /// `always-send`.
    #[serde(default)]
    pub always_send: Option<bool>,
    /// `never-send`.
    #[serde(default)]
    pub never_send: Option<bool>,
    /// `user-context`.
    #[serde(default)]
    pub user_context: Option<Map>,
    /// `comment`.
    #[serde(default)]
    pub comment: Option<String>,
}

/// One `option-def` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OptionDef {
    /// `name`.
    #[serde(default)]
    pub name: Option<String>,
    /// `code`.
    #[serde(default)]
    pub code: Option<u32>,
    /// `type`.
    #[serde(default, rename = "type")]
    pub type_: Option<String>,
    /// `record-types`.
    #[serde(default)]
    pub record_types: Option<String>,
    /// `space`.
    #[serde(default)]
    pub space: Option<String>,
    /// `encapsulate`.
    #[serde(default)]
    pub encapsulate: Option<String>,
    /// `array`.
    #[serde(default)]
    pub array: Option<bool>,
    /// `user-context`.
    #[serde(default)]
    pub user_context: Option<Map>,
    /// `comment`.
    #[serde(default)]
    pub comment: Option<String>,
}

/// One `client-classes` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClientClass {
    /// `name`.
    #[serde(default)]
    pub name: Option<String>,
    /// `test`.
    #[serde(default)]
    pub test: Option<String>,
    /// `template-test`.
    #[serde(default)]
    pub template_test: Option<String>,
    /// `only-if-required`.
    #[serde(default)]
    pub only_if_required: Option<bool>,
    /// `option-def`.
    #[serde(default)]
    pub option_def: Vec<OptionDef>,
    /// `option-data`.
    #[serde(default)]
    pub option_data: Vec<OptionData>,
    /// `next-server`.
    #[serde(default)]
    pub next_server: Option<String>,
    /// `server-hostname`.
    #[serde(default)]
    pub server_hostname: Option<String>,
    /// `boot-file-name`.
    #[serde(default)]
    pub boot_file_name: Option<String>,
    /// `valid-lifetime`.
    #[serde(default)]
    pub valid_lifetime: Option<u32>,
    /// `min-valid-lifetime`.
    #[serde(default)]
    pub min_valid_lifetime: Option<u32>,
    /// `max-valid-lifetime`.
    #[serde(default)]
    pub max_valid_lifetime: Option<u32>,
    /// `offer-lifetime`.
    #[serde(default)]
    pub offer_lifetime: Option<u32>,
    /// `user-context`.
    #[serde(default)]
    pub user_context: Option<Map>,
    /// `comment`.
    #[serde(default)]
    pub comment: Option<String>,
}

mod infra;
pub use infra::*;

#[cfg(test)]
mod tests;
