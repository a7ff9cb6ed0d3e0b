//! The parameters that global, shared-network and subnet maps share and that
//! inherit from the wider scope (V4-003). They are written once here and
//! spliced into each of the three structs by `scoped_struct!`, because
//! serde's `flatten` cannot be combined with `deny_unknown_fields`.

/// Calls `$callback! { [common fields] rest... }` so each scope struct gets
/// the same field list.
macro_rules! with_scope_fields {
    ($callback:ident ! { $($rest:tt)* }) => {
        $callback! {
            [
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
                /// `offer-lifetime`.
                offer_lifetime: Option<u32>,
            ]
            $($rest)*
        }
    };
}

/// Defines a serde map struct with its own fields plus the shared scope fields,
/// and `scope()` returning the shared ones as a [`ScopeParams`].
macro_rules! scoped_struct {
    (
        [ $( $(#[$cm:meta])* $cf:ident : $ct:ty, )* ]
        $(#[$m:meta])*
        pub struct $name:ident { $( $(#[$fm:meta])* pub $f:ident : $t:ty, )* }
    ) => {
        $(#[$m])*
        pub struct $name {
            $( $(#[$fm])* pub $f: $t, )*
            $( $(#[$cm])* #[serde(default)] pub $cf: $ct, )*
        }

        impl $name {
            /// The inheritable parameters written at this scope.
            pub fn scope(&self) -> ScopeParams {
                ScopeParams { $( $cf: self.$cf.clone(), )* }
            }
        }
    };
}

/// Defines [`ScopeParams`] and its field-wise fallback.
macro_rules! scope_params_struct {
    ( [ $( $(#[$cm:meta])* $cf:ident : $ct:ty, )* ] ) => {
        /// The inheritable parameters of one scope, each `None` when not written there.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct ScopeParams {
            $( $(#[$cm])* pub $cf: $ct, )*
        }

        impl ScopeParams {
            /// Each parameter from `self`, else from the wider `parent` (V4-003).
            pub fn or(&self, parent: &ScopeParams) -> ScopeParams {
                ScopeParams { $( $cf: self.$cf.clone().or_else(|| parent.$cf.clone()), )* }
            }
        }
    };
}

with_scope_fields!(scope_params_struct! {});

pub(crate) use {scoped_struct, with_scope_fields};
