//! The parameters that global, shared-network and subnet maps share and that
//! inherit from the wider scope (V4-003, V6-003): one group both families
//! have, one group per family.

use super::fields::{common_scope_fields, params_struct, scope4_fields, scope6_fields};

/// A field-wise fallback to the wider scope.
pub trait Inherit {
    /// Each parameter from `self`, else from the wider `parent`.
    fn or(&self, parent: &Self) -> Self;
}

common_scope_fields!(params_struct! {
    /// The inheritable parameters both families have, each `None` when not written at the scope.
    pub struct CommonScope;
});

scope4_fields!(params_struct! {
    /// The inheritable parameters only DHCPv4 has, each `None` when not written at the scope.
    pub struct Scope4;
});

scope6_fields!(params_struct! {
    /// The inheritable parameters only DHCPv6 has, each `None` when not written at the scope.
    pub struct Scope6;
});

/// All inheritable parameters written at one scope: the common group and the
/// family's own group `F` ([`Scope4`] or [`Scope6`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScopeParams<F> {
    /// The parameters both families have.
    pub common: CommonScope,
    /// The family's own parameters.
    pub family: F,
}

impl<F: Inherit> Inherit for ScopeParams<F> {
    fn or(&self, parent: &Self) -> Self {
        ScopeParams {
            common: self.common.or(&parent.common),
            family: self.family.or(&parent.family),
        }
    }
}
