//! Ruru's lease storage: lease types, the async [`LeaseStore4`] trait every backend implements, and
//! the memfile backend ([`Memfile4`]), which keeps leases in memory and appends every change to a
//! CSV file in Kea's format, cleaned periodically by the `ruru-lfc` process.
//!
//! The crate knows nothing of sockets, packets or configuration files.

#![warn(missing_docs)]

mod error;
mod ids;
mod index4;
mod lease4;
mod memfile4;
mod store;

pub use error::StoreError;
pub use ids::{ClientId, HwAddr, ParseIdError, CLIENT_ID_MAX, HTYPE_ETHER, HWADDR_MAX};
pub use lease4::{Lease4, LeaseState};
pub use memfile4::{LfcStart, LoadReport, Memfile4, MemfileOptions};
pub use store::LeaseStore4;
