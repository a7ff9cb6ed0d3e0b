//! Key groups that several strict maps share, written once and spliced into
//! each map's struct, because serde's `flatten` cannot be combined with
//! `deny_unknown_fields`.
//!
//! A group macro (`common_scope_fields!`, `global_fields!`, ...) calls
//! `$callback! { [earlier groups] [its fields] rest... }`, so groups chain:
//! `common_scope_fields!(scope4_fields!(scoped_struct! { ... }))` hands
//! `scoped_struct!` both lists. The generators then build:
//! - `params_struct!`: the owned, inheritable parameters of one scope with a
//!   field-wise fallback to the wider scope (V4-003, V6-003);
//! - `scoped_struct!`: a global, shared-network or subnet map with both scope
//!   groups, `scope()` returning them, and its shared key group;
//! - `view_struct!` / `spliced_struct!`: a map holding a shared group, with a
//!   getter returning the group as a struct of references, so one validation
//!   function serves the maps of both families.

/// The inheritable parameters of both families (G/SN/S).
macro_rules! common_scope_fields {
    ( $( [ $($pre:tt)* ] )* $cb:ident ! { $($rest:tt)* } ) => {
        $cb! { $( [ $($pre)* ] )* [
            /// `valid-lifetime`.
            valid_lifetime: Option<u32>,
            /// `min-valid-lifetime`.
            min_valid_lifetime: Option<u32>,
            /// `max-valid-lifetime`.
            max_valid_lifetime: Option<u32>,
            /// `renew-timer`.
            renew_timer: Option<u32>,
            /// `rebind-timer`.
            rebind_timer: Option<u32>,
            /// `calculate-tee-times`.
            calculate_tee_times: Option<bool>,
            /// `t1-percent`.
            t1_percent: Option<f64>,
            /// `t2-percent`.
            t2_percent: Option<f64>,
            /// `cache-threshold`.
            cache_threshold: Option<f64>,
            /// `cache-max-age`.
            cache_max_age: Option<u32>,
            /// `reservations-global`.
            reservations_global: Option<bool>,
            /// `reservations-in-subnet`.
            reservations_in_subnet: Option<bool>,
            /// `reservations-out-of-pool`.
            reservations_out_of_pool: Option<bool>,
            /// `ddns-send-updates`.
            ddns_send_updates: Option<bool>,
            /// `ddns-override-no-update`.
            ddns_override_no_update: Option<bool>,
            /// `ddns-override-client-update`.
            ddns_override_client_update: Option<bool>,
            /// `ddns-replace-client-name`.
            ddns_replace_client_name: Option<crate::wire::ReplaceName>,
            /// `ddns-generated-prefix`.
            ddns_generated_prefix: Option<String>,
            /// `ddns-qualifying-suffix`.
            ddns_qualifying_suffix: Option<String>,
            /// `ddns-update-on-renew`.
            ddns_update_on_renew: Option<bool>,
            /// `ddns-use-conflict-resolution` (deprecated boolean form).
            ddns_use_conflict_resolution: Option<bool>,
            /// `ddns-conflict-resolution-mode`.
            ddns_conflict_resolution_mode: Option<crate::model::ConflictResolutionMode>,
            /// `ddns-ttl-percent`.
            ddns_ttl_percent: Option<f64>,
            /// `hostname-char-set`.
            hostname_char_set: Option<String>,
            /// `hostname-char-replacement`.
            hostname_char_replacement: Option<String>,
            /// `store-extended-info`.
            store_extended_info: Option<bool>,
            /// `allocator`.
            allocator: Option<String>,
        ] $($rest)* }
    };
}

/// The inheritable parameters only DHCPv4 has (G/SN/S).
macro_rules! scope4_fields {
    ( $( [ $($pre:tt)* ] )* $cb:ident ! { $($rest:tt)* } ) => {
        $cb! { $( [ $($pre)* ] )* [
            /// `match-client-id`.
            match_client_id: Option<bool>,
            /// `authoritative`.
            authoritative: Option<bool>,
            /// `next-server`.
            next_server: Option<String>,
            /// `server-hostname`.
            server_hostname: Option<String>,
            /// `boot-file-name`.
            boot_file_name: Option<String>,
            /// `offer-lifetime`.
            offer_lifetime: Option<u32>,
        ] $($rest)* }
    };
}

/// The inheritable parameters only DHCPv6 has (G/SN/S).
macro_rules! scope6_fields {
    ( $( [ $($pre:tt)* ] )* $cb:ident ! { $($rest:tt)* } ) => {
        $cb! { $( [ $($pre)* ] )* [
            /// `preferred-lifetime`.
            preferred_lifetime: Option<u32>,
            /// `min-preferred-lifetime`.
            min_preferred_lifetime: Option<u32>,
            /// `max-preferred-lifetime`.
            max_preferred_lifetime: Option<u32>,
            /// `pd-allocator`.
            pd_allocator: Option<String>,
        ] $($rest)* }
    };
}

/// The global keys both servers have with the same type.
macro_rules! global_fields {
    ( $( [ $($pre:tt)* ] )* $cb:ident ! { $($rest:tt)* } ) => {
        $cb! { $( [ $($pre)* ] )* [
            /// `decline-probation-period`.
            decline_probation_period: Option<u32>,
            /// `lease-database`.
            lease_database: Option<crate::wire::Database>,
            /// `hosts-database`.
            hosts_database: Option<crate::wire::Database>,
            /// `hosts-databases`.
            hosts_databases: Vec<crate::wire::Database>,
            /// `option-def`.
            option_def: Vec<crate::wire::OptionDef>,
            /// `option-data`.
            option_data: Vec<crate::wire::OptionData>,
            /// `hooks-libraries`.
            hooks_libraries: Vec<crate::wire::HookLibrary>,
            /// `expired-leases-processing`.
            expired_leases_processing: Option<crate::wire::ExpiredLeasesProcessing>,
            /// `dhcp4o6-port`.
            dhcp4o6_port: Option<u16>,
            /// `control-socket` (single, older form).
            control_socket: Option<crate::wire::ControlSocket>,
            /// `control-sockets`.
            control_sockets: Vec<crate::wire::ControlSocket>,
            /// `dhcp-queue-control` (open map).
            dhcp_queue_control: Option<crate::wire::Map>,
            /// `dhcp-ddns`.
            dhcp_ddns: Option<crate::wire::DhcpDdns>,
            /// `sanity-checks`.
            sanity_checks: Option<crate::wire::SanityChecks>,
            /// `config-control`.
            config_control: Option<crate::wire::ConfigControl>,
            /// `server-tag`.
            server_tag: Option<String>,
            /// `loggers`.
            loggers: Vec<crate::wire::Logger>,
            /// `statistic-default-sample-count`.
            statistic_default_sample_count: Option<u32>,
            /// `statistic-default-sample-age`.
            statistic_default_sample_age: Option<u32>,
            /// `multi-threading`.
            multi_threading: Option<crate::wire::MultiThreading>,
            /// `early-global-reservations-lookup`.
            early_global_reservations_lookup: Option<bool>,
            /// `ip-reservations-unique`.
            ip_reservations_unique: Option<bool>,
            /// `reservations-lookup-first`.
            reservations_lookup_first: Option<bool>,
            /// `parked-packet-limit`.
            parked_packet_limit: Option<u32>,
            /// `user-context`.
            user_context: Option<crate::wire::Map>,
            /// `comment`.
            comment: Option<String>,
        ] $($rest)* }
    };
}

/// The `interfaces-config` keys of both servers.
macro_rules! interfaces_fields {
    ( $( [ $($pre:tt)* ] )* $cb:ident ! { $($rest:tt)* } ) => {
        $cb! { $( [ $($pre)* ] )* [
            /// `interfaces`.
            interfaces: Vec<String>,
            /// `re-detect`.
            re_detect: Option<bool>,
            /// `service-sockets-require-all`.
            service_sockets_require_all: Option<bool>,
            /// `service-sockets-retry-wait-time` (ms).
            service_sockets_retry_wait_time: Option<u32>,
            /// `service-sockets-max-retries`.
            service_sockets_max_retries: Option<u32>,
            /// `user-context`.
            user_context: Option<crate::wire::Map>,
            /// `comment`.
            comment: Option<String>,
        ] $($rest)* }
    };
}

/// The `client-classes` entry keys of both servers.
macro_rules! class_fields {
    ( $( [ $($pre:tt)* ] )* $cb:ident ! { $($rest:tt)* } ) => {
        $cb! { $( [ $($pre)* ] )* [
            /// `name`.
            name: Option<String>,
            /// `test`.
            test: Option<String>,
            /// `template-test`.
            template_test: Option<String>,
            /// `only-if-required`.
            only_if_required: Option<bool>,
            /// `option-data`.
            option_data: Vec<crate::wire::OptionData>,
            /// `valid-lifetime`.
            valid_lifetime: Option<u32>,
            /// `min-valid-lifetime`.
            min_valid_lifetime: Option<u32>,
            /// `max-valid-lifetime`.
            max_valid_lifetime: Option<u32>,
            /// `user-context`.
            user_context: Option<crate::wire::Map>,
            /// `comment`.
            comment: Option<String>,
        ] $($rest)* }
    };
}

/// The `reservations` entry keys of both servers.
macro_rules! reservation_fields {
    ( $( [ $($pre:tt)* ] )* $cb:ident ! { $($rest:tt)* } ) => {
        $cb! { $( [ $($pre)* ] )* [
            /// `hw-address`.
            hw_address: Option<String>,
            /// `duid`.
            duid: Option<String>,
            /// `flex-id`.
            flex_id: Option<String>,
            /// `hostname`.
            hostname: Option<String>,
            /// `client-classes`.
            client_classes: Vec<String>,
            /// `option-data`.
            option_data: Vec<crate::wire::OptionData>,
            /// `user-context`.
            user_context: Option<crate::wire::Map>,
            /// `comment`.
            comment: Option<String>,
        ] $($rest)* }
    };
}

/// The `subnet4`/`subnet6` entry keys both servers have with the same type.
macro_rules! subnet_fields {
    ( $( [ $($pre:tt)* ] )* $cb:ident ! { $($rest:tt)* } ) => {
        $cb! { $( [ $($pre)* ] )* [
            /// `id` (range checked by the model).
            id: Option<i64>,
            /// `subnet`.
            subnet: Option<String>,
            /// `pools`.
            pools: Vec<crate::wire::Pool>,
            /// `option-data`.
            option_data: Vec<crate::wire::OptionData>,
            /// `interface`.
            interface: Option<String>,
            /// `client-class`.
            client_class: Option<String>,
            /// `require-client-classes`.
            require_client_classes: Vec<String>,
            /// `relay`.
            relay: Option<crate::wire::Relay>,
            /// `user-context`.
            user_context: Option<crate::wire::Map>,
            /// `comment`.
            comment: Option<String>,
        ] $($rest)* }
    };
}

/// The `shared-networks` entry keys both servers have with the same type.
macro_rules! network_fields {
    ( $( [ $($pre:tt)* ] )* $cb:ident ! { $($rest:tt)* } ) => {
        $cb! { $( [ $($pre)* ] )* [
            /// `name`.
            name: Option<String>,
            /// `interface`.
            interface: Option<String>,
            /// `option-data`.
            option_data: Vec<crate::wire::OptionData>,
            /// `relay`.
            relay: Option<crate::wire::Relay>,
            /// `client-class`.
            client_class: Option<String>,
            /// `require-client-classes`.
            require_client_classes: Vec<String>,
            /// `user-context`.
            user_context: Option<crate::wire::Map>,
            /// `comment`.
            comment: Option<String>,
        ] $($rest)* }
    };
}

/// The keys of `pools` and `pd-pools` entries besides the range.
macro_rules! pool_fields {
    ( $( [ $($pre:tt)* ] )* $cb:ident ! { $($rest:tt)* } ) => {
        $cb! { $( [ $($pre)* ] )* [
            /// `pool-id`.
            pool_id: Option<u32>,
            /// `option-data`.
            option_data: Vec<crate::wire::OptionData>,
            /// `client-class`.
            client_class: Option<String>,
            /// `require-client-classes`.
            require_client_classes: Vec<String>,
            /// `user-context`.
            user_context: Option<crate::wire::Map>,
            /// `comment`.
            comment: Option<String>,
        ] $($rest)* }
    };
}

/// Defines a scope's parameter struct (each `None` when not written there)
/// and its [`Inherit`](crate::wire::Inherit) fallback.
macro_rules! params_struct {
    (
        [ $( $(#[$cm:meta])* $cf:ident : $ct:ty, )* ]
        $(#[$m:meta])* pub struct $name:ident;
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            $( $(#[$cm])* pub $cf: $ct, )*
        }

        impl crate::wire::Inherit for $name {
            fn or(&self, parent: &Self) -> Self {
                $name { $( $cf: self.$cf.clone().or_else(|| parent.$cf.clone()), )* }
            }
        }
    };
}

/// Defines a global, shared-network or subnet map: its own fields plus the
/// common and the family scope groups and the map's shared key group,
/// `scope()` returning both scope groups and `$getter()` the shared group
/// as its view struct.
macro_rules! scoped_struct {
    (
        [ $( $(#[$cm:meta])* $cf:ident : $ct:ty, )* ]
        [ $( $(#[$fm:meta])* $ff:ident : $ft:ty, )* ]
        [ $( $(#[$gm:meta])* $gf:ident : $gt:ty, )* ]
        $family:ident, $view:ident via $getter:ident;
        $(#[$m:meta])*
        pub struct $name:ident { $( $(#[$om:meta])* pub $of:ident : $ot:ty, )* }
    ) => {
        $(#[$m])*
        pub struct $name {
            $( $(#[$om])* pub $of: $ot, )*
            $( $(#[$gm])* #[serde(default)] pub $gf: $gt, )*
            $( $(#[$cm])* #[serde(default)] pub $cf: $ct, )*
            $( $(#[$fm])* #[serde(default)] pub $ff: $ft, )*
        }

        impl $name {
            /// The inheritable parameters written at this scope.
            pub fn scope(&self) -> crate::wire::ScopeParams<crate::wire::$family> {
                crate::wire::ScopeParams {
                    common: crate::wire::CommonScope { $( $cf: self.$cf.clone(), )* },
                    family: crate::wire::$family { $( $ff: self.$ff.clone(), )* },
                }
            }

            /// The keys this map shares with the other family's.
            pub fn $getter(&self) -> crate::wire::$view<'_> {
                crate::wire::$view { $( $gf: &self.$gf, )* }
            }
        }
    };
}

/// Defines a struct of references to a shared group's fields.
macro_rules! view_struct {
    (
        [ $( $(#[$cm:meta])* $cf:ident : $ct:ty, )* ]
        $(#[$m:meta])* pub struct $name:ident;
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name<'a> {
            $( $(#[$cm])* pub $cf: &'a $ct, )*
        }
    };
}

/// Defines a map with its own fields plus a shared group, and a getter
/// returning the group as its view struct.
macro_rules! spliced_struct {
    (
        [ $( $(#[$cm:meta])* $cf:ident : $ct:ty, )* ]
        $view:ident via $getter:ident;
        $(#[$m:meta])*
        pub struct $name:ident { $( $(#[$om:meta])* pub $of:ident : $ot:ty, )* }
    ) => {
        $(#[$m])*
        pub struct $name {
            $( $(#[$om])* pub $of: $ot, )*
            $( $(#[$cm])* #[serde(default)] pub $cf: $ct, )*
        }

        impl $name {
            /// The keys this map shares with the other family's.
            pub fn $getter(&self) -> crate::wire::$view<'_> {
                crate::wire::$view { $( $cf: &self.$cf, )* }
            }
        }
    };
}

pub(crate) use {
    class_fields, common_scope_fields, global_fields, interfaces_fields, network_fields,
    params_struct, pool_fields, reservation_fields, scope4_fields, scope6_fields, scoped_struct,
    spliced_struct, subnet_fields, view_struct,
};
