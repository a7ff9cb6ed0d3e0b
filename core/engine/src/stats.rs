//! What both families' statistics share: a declaration macro so each Kea name is written once, and the
//! per-subnet name prefix.

/// Declares a struct of counters and how each is named, so a name is written exactly once.
macro_rules! stat_set {
    ($(#[$m:meta])* $name:ident { $($field:ident => $stat:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone)]
        pub struct $name { $(#[doc = $stat] pub $field: std::sync::Arc<ruru_stats::Counter>,)* }
        impl $name {
            /// Resolves every counter as `<prefix><name>` in `reg`.
            pub fn register(reg: &ruru_stats::Registry, prefix: &str) -> Self {
                Self { $($field: reg.counter(&format!("{prefix}{}", $stat)),)* }
            }
        }
    };
}

pub(crate) use stat_set;

/// The prefix of every statistic of subnet `id`.
pub(crate) fn subnet_prefix(id: u32) -> String {
    format!("subnet[{id}].")
}

/// The prefix of every statistic of pool `pool_id` of kind `kind` (`pool`, or `pd-pool` for DHCPv6 prefix
/// pools) in subnet `id`.
pub(crate) fn pool_prefix(id: u32, kind: &str, pool_id: u32) -> String {
    format!("subnet[{id}].{kind}[{pool_id}].")
}
