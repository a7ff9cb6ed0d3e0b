//! Ruru's lease storage: lease types, the async [`LeaseStore4`] trait every backend implements, and
//! the memfile backend ([`Memfile4`]), which keeps leases in memory and appends every change to a
//! CSV file in Kea's format, cleaned periodically by the `ruru-lfc` process ([`cleanup4`]).
//!
//! The crate knows nothing of sockets, packets or configuration files. The CSV dialect, the field
//! encodings, the file handling (loading order, appending, cleanup) and the cleanup protocol are
//! written once against a per-family row codec, so DHCPv6 leases add only their codec and indexes.

#![warn(missing_docs)]

mod cleanup;
mod codec4;
mod csv;
mod error;
mod fields;
mod ids;
mod index4;
mod journal;
mod kea_json;
mod key_index;
mod lease4;
mod load;
mod memfile4;
mod persist;
mod pidfile;
mod store;

pub use cleanup::{cleanup4, CleanupFiles, CleanupOutcome};
pub use error::StoreError;
pub use ids::{ClientId, HwAddr, ParseIdError, CLIENT_ID_MAX, HTYPE_ETHER, HWADDR_MAX};
pub use lease4::{Lease4, LeaseState};
pub use memfile4::{LeaseCheck, Memfile4};
pub use persist::{LfcStart, LoadReport, MemfileOptions};
pub use store::LeaseStore4;
