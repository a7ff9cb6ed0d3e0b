//! The server side of the plugin interface (`hook-api` is the plugin side).
//!
//! [`check`] opens and verifies a `hooks-libraries` list without running plugin code beyond the entry
//! point; [`HookSet::load`] loads it; the engine asks [`HookSet::has`] before building [`Args`] for a
//! point and calls [`HookSet::call`]. Parked packets are futures ([`ParkWait`]). The server makes its
//! lease storage reachable to plugins (ABI 1.1 services) with [`install_lease_admin4`].

mod args;
mod context;
mod host;
mod lease_admin;
mod lease_host;
mod lease_json;
mod loader;
mod object;
mod park;
mod point;
mod set;
mod value;

pub use args::{Args, Slot};
pub use context::RequestContext;
pub use lease_admin::{install_lease_admin4, AdminError, LeaseAdmin4, SubnetInfo4};
pub use loader::{check, Checked, Family, LoadError};
pub use park::{ParkWait, Unparked};
pub use point::Point;
pub use set::{Called, HookSet};
