//! The server side of the plugin interface (`hook-api` is the plugin side).
//!
//! [`check`] opens and verifies a `hooks-libraries` list without running plugin code beyond the entry
//! point; [`HookSet::load`] loads it; the engine asks [`HookSet::has`] before building [`Args`] for a
//! point and calls [`HookSet::call`]. Parked packets are futures ([`ParkWait`]). The server makes its
//! lease storage reachable to plugins (ABI 1.1 and 1.2 services) with [`install_lease_admin4`] and
//! [`install_lease_admin6`].

/// Logs under `<process>.hooks` for the process `$family` (tracing targets are static).
macro_rules! hooks_log {
    ($family:expr, $level:ident, $($rest:tt)*) => {
        match $family {
            $crate::Family::V4 => tracing::$level!(target: "kea-dhcp4.hooks", $($rest)*),
            $crate::Family::V6 => tracing::$level!(target: "kea-dhcp6.hooks", $($rest)*),
            $crate::Family::Agent => tracing::$level!(target: "kea-ctrl-agent.hooks", $($rest)*),
        }
    };
}

/// Whether the `<process>.hooks` logger of `$family` would print an event of `$level` (a cached check).
macro_rules! hooks_enabled {
    ($family:expr, $level:ident) => {
        match $family {
            $crate::Family::V4 => {
                tracing::enabled!(target: "kea-dhcp4.hooks", tracing::Level::$level)
            }
            $crate::Family::V6 => {
                tracing::enabled!(target: "kea-dhcp6.hooks", tracing::Level::$level)
            }
            $crate::Family::Agent => {
                tracing::enabled!(target: "kea-ctrl-agent.hooks", tracing::Level::$level)
            }
        }
    };
}

mod args;
mod context;
mod host;
mod lease_admin;
mod lease_host;
mod lease_host6;
mod lease_json;
mod loader;
mod object;
mod park;
mod point;
mod set;
mod value;

// The test support shared with the integration tests names this crate as they do.
#[cfg(test)]
extern crate self as ruru_hooks;

pub use args::{Args, Slot};
pub use context::RequestContext;
pub use lease_admin::{
    install_lease_admin4, install_lease_admin6, AdminError, LeaseAdmin4, LeaseAdmin6, SubnetInfo4,
    SubnetInfo6,
};
pub use loader::{check, Checked, Family, LoadError};
pub use park::{ParkWait, Unparked};
pub use point::Point;
pub use set::{Called, HookSet};
