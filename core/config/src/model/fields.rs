//! Field groups both servers' models have with the same names, types and
//! meaning, written once: a configuration's global services, a subnet's
//! resolved scope values, a reservation's and a class's common parts.
//!
//! A group macro calls `$callback! { [fields] rest... }`. `model_struct!`
//! splices a group into a public model struct; the validation stage builds
//! the same group once for both families with `part_struct!` and moves it
//! into either model with `assemble!`, so no field list is written twice.

/// The global values both configurations hold (dhcp4 spec §25, dhcp6 spec §24).
macro_rules! config_parts {
    ($cb:ident ! { $($rest:tt)* }) => {
        $cb! { [
            /// Global `option-data`.
            options: crate::model::OptionSet,
            /// The family's standard definitions plus the global `option-def` entries.
            option_defs: ruru_proto::defs::OptionDefs,
            /// `decline-probation-period` in seconds (V4-034, V4-077, V6-041).
            decline_probation_period: u32,
            /// `parked-packet-limit` (V4-177, V6-195).
            parked_packet_limit: u32,
            /// `early-global-reservations-lookup` (V4-095, V6-120).
            early_global_reservations_lookup: bool,
            /// `reservations-lookup-first` (V4-097, V6-123).
            reservations_lookup_first: bool,
            /// `ip-reservations-unique` (V4-089, V6-113).
            ip_reservations_unique: bool,
            /// `lease-database`.
            lease_database: crate::model::LeaseDatabase,
            /// `hosts-database` followed by `hosts-databases`, in order.
            hosts_databases: Vec<crate::model::SqlDatabase>,
            /// `expired-leases-processing`.
            expired_leases: crate::model::ExpiredLeasesProcessing,
            /// `multi-threading`.
            multi_threading: crate::model::MultiThreading,
            /// `dhcp-queue-control` as written (its keys are open to plugins).
            dhcp_queue_control: Option<serde_json::Value>,
            /// `dhcp-ddns` (the connection to the DDNS daemon).
            dhcp_ddns: crate::model::DhcpDdns,
            /// `sanity-checks`.
            sanity_checks: crate::model::SanityChecks,
            /// `hooks-libraries` in load order.
            hooks_libraries: Vec<crate::model::HookLibrary>,
            /// `control-socket` and `control-sockets`, in that order.
            control_sockets: Vec<crate::model::ControlSocket>,
            /// `loggers`.
            loggers: Vec<crate::model::Logger>,
            /// `server-tag`.
            server_tag: Option<String>,
            /// `statistic-default-sample-count`.
            statistic_default_sample_count: u32,
            /// `statistic-default-sample-age`.
            statistic_default_sample_age: u32,
            /// `dhcp4o6-port` (0 = off, V4-179, V6-197).
            dhcp4o6_port: u16,
            /// `config-control` as written (configuration backends, not built yet).
            config_control: Option<serde_json::Value>,
            /// Global `user-context` (with `comment` folded in).
            user_context: Option<crate::model::Map>,
        ] $($rest)* }
    };
}

/// A subnet's inheritable values both families have, resolved (V4-003, V6-003).
macro_rules! subnet_parts {
    ($cb:ident ! { $($rest:tt)* }) => {
        $cb! { [
            /// Effective valid-lifetime triplet.
            valid_lifetime: crate::model::Triplet,
            /// Effective `renew-timer`.
            renew_timer: Option<u32>,
            /// Effective `rebind-timer`.
            rebind_timer: Option<u32>,
            /// Effective `calculate-tee-times` (default false in DHCPv4, true in DHCPv6).
            calculate_tee_times: bool,
            /// Effective `t1-percent`.
            t1_percent: f64,
            /// Effective `t2-percent` (default .875 in DHCPv4, .8 in DHCPv6).
            t2_percent: f64,
            /// Effective `reservations-global`.
            reservations_global: bool,
            /// Effective `reservations-in-subnet`.
            reservations_in_subnet: bool,
            /// Effective `reservations-out-of-pool`.
            reservations_out_of_pool: bool,
            /// Effective `cache-threshold`.
            cache_threshold: Option<f64>,
            /// Effective `cache-max-age`.
            cache_max_age: Option<u32>,
            /// Effective `allocator` (for addresses).
            allocator: crate::model::AllocatorKind,
            /// Effective `store-extended-info`.
            store_extended_info: bool,
            /// Effective DDNS behaviour.
            ddns: crate::model::DdnsParams,
        ] $($rest)* }
    };
}

/// The parts of a host reservation both families have (V4-088, V6-108).
macro_rules! host_parts {
    ($cb:ident ! { $($rest:tt)* }) => {
        $cb! { [
            /// Which identifier the reservation uses.
            id_type: crate::model::HostIdType,
            /// The identifier bytes.
            id: Vec<u8>,
            /// `hostname`.
            hostname: Option<String>,
            /// `option-data`.
            options: crate::model::OptionSet,
            /// `client-classes`.
            client_classes: Vec<String>,
            /// `user-context` (with `comment` folded in).
            user_context: Option<crate::model::Map>,
        ] $($rest)* }
    };
}

/// The parts of a client class both families have (V4-127, V6-155).
macro_rules! class_parts {
    ($cb:ident ! { $($rest:tt)* }) => {
        $cb! { [
            /// `name`.
            name: String,
            /// `test` expression text.
            test: Option<String>,
            /// `template-test` expression text.
            template_test: Option<String>,
            /// `test` or `template-test`, compiled at load (V4-128, V6-156).
            expression: Option<ruru_eval::Expression>,
            /// Whether the expression reads `KNOWN`/`UNKNOWN`, directly or through `member` of a class
            /// that does: such classes are evaluated after host lookup (V4-137).
            depends_on_known: bool,
            /// `only-if-required`.
            only_if_required: bool,
            /// Class `option-data`.
            options: crate::model::OptionSet,
            /// Valid-lifetime triplet if the class sets any of its keys.
            valid_lifetime: Option<crate::model::Triplet>,
            /// `user-context` (with `comment` folded in).
            user_context: Option<crate::model::Map>,
        ] $($rest)* }
    };
}

/// The parts of an address pool and a prefix pool both have (V4-053,
/// V6-067, V6-068).
macro_rules! pool_parts {
    ($cb:ident ! { $($rest:tt)* }) => {
        $cb! { [
            /// `pool-id` (default 0, not unique).
            pool_id: u32,
            /// `client-class`.
            client_class: Option<String>,
            /// `require-client-classes`.
            require_client_classes: Vec<String>,
            /// Pool `option-data`.
            options: crate::model::OptionSet,
            /// `user-context` (with `comment` folded in).
            user_context: Option<crate::model::Map>,
        ] $($rest)* }
    };
}

/// Defines a public model struct: its own fields, then a group's.
macro_rules! model_struct {
    (
        [ $( $(#[$gm:meta])* $gf:ident : $gt:ty, )* ]
        $(#[$m:meta])*
        pub struct $name:ident $(<$g:ident>)? { $( $(#[$om:meta])* pub $of:ident : $ot:ty, )* }
    ) => {
        $(#[$m])*
        pub struct $name $(<$g>)? {
            $( $(#[$om])* pub $of: $ot, )*
            $( $(#[$gm])* pub $gf: $gt, )*
        }
    };
}

/// Defines the crate-internal struct holding just a group, as built once
/// for both families.
macro_rules! part_struct {
    (
        [ $( $(#[$gm:meta])* $gf:ident : $gt:ty, )* ]
        $(#[$m:meta])*
        pub(crate) struct $name:ident;
    ) => {
        $(#[$m])*
        pub(crate) struct $name {
            $( $(#[$gm])* pub(crate) $gf: $gt, )*
        }
    };
}

/// A struct literal of `$ty` with its own fields as given and the group's
/// moved out of the part `$part`.
macro_rules! assemble {
    (
        [ $( $(#[$gm:meta])* $gf:ident : $gt:ty, )* ]
        $part:ident => $ty:ident { $($own:tt)* }
    ) => {
        $ty { $($own)* $( $gf: $part.$gf, )* }
    };
}

pub(crate) use {
    assemble, class_parts, config_parts, host_parts, model_struct, part_struct, pool_parts,
    subnet_parts,
};
