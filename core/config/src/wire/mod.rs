//! Stage 2: serde structs mirroring Kea 2.7.3's `Dhcp4` and `Dhcp6` grammars
//! (ARM §29.1, §29.2), plus the few Kea 2.2 keys that 2.7.3 renamed or moved
//! (relay `ip-address`, the DDNS behaviour keys of `dhcp-ddns`), which the
//! model stage accepts with a deprecation warning so 2.2 files load unchanged.
//!
//! Every map denies unknown keys, so a typo fails with the key and its
//! position (V4-002, V6-002); a key of the other family's grammar is unknown
//! too (V6-001). Only three maps are open, as in Kea: `user-context`, hook
//! `parameters` and `dhcp-queue-control` (its grammar takes arbitrary entries
//! for queue implementations). Key names are kebab-case except `Dhcp4`,
//! `Dhcp6`, the `4o6-*` keys and the `output_options` alias of
//! `output-options`. Values are typed as in the grammar; ranges, formats and
//! cross-references are checked by the model stage.
//!
//! Maps both grammars have key for key are one struct (`common`, `infra`);
//! maps that differ share their common key groups through the macros of
//! `fields`, and expose those groups as the `*View` structs below so one
//! validation function serves both families.

mod common;
mod fields;
mod infra;
mod scope;
mod v4;
mod v6;

pub use common::*;
pub use infra::*;
pub use scope::{CommonScope, Inherit, Scope4, Scope6, ScopeParams};
pub use v4::*;
pub use v6::*;

use fields::{
    class_fields, global_fields, interfaces_fields, network_fields, pool_fields,
    reservation_fields, subnet_fields, view_struct,
};

/// A free-form JSON map (`user-context`, `parameters`).
pub type Map = serde_json::Map<String, serde_json::Value>;

global_fields!(view_struct! {
    /// The global keys both servers have with the same type.
    pub struct GlobalsView;
});

interfaces_fields!(view_struct! {
    /// The `interfaces-config` keys both servers have.
    pub struct InterfacesView;
});

class_fields!(view_struct! {
    /// The `client-classes` entry keys both servers have.
    pub struct ClassView;
});

subnet_fields!(view_struct! {
    /// The subnet keys both servers have.
    pub struct SubnetView;
});

network_fields!(view_struct! {
    /// The shared-network keys both servers have.
    pub struct NetworkView;
});

pool_fields!(view_struct! {
    /// The keys of address and prefix pools besides the range.
    pub struct PoolView;
});

reservation_fields!(view_struct! {
    /// The `reservations` entry keys both servers have.
    pub struct ReservationView;
});

#[cfg(test)]
mod tests;
