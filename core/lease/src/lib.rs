//! Ruru's lease storage: lease types ([`Lease4`], [`Lease6`]), the async [`LeaseStore4`] and
//! [`LeaseStore6`] traits every backend implements, and the memfile backend ([`Memfile4`],
//! [`Memfile6`]), which keeps leases in memory and appends every change to a CSV file in Kea's
//! format, cleaned periodically by the `ruru-lfc` process ([`cleanup4`], [`cleanup6`]).
//!
//! The crate knows nothing of sockets, packets or configuration files. The CSV dialect, the field
//! encodings, the file handling (loading order, appending, the durability barrier, cleanup), the
//! cleanup protocol, the in-memory indexes and the store around them are written once against a
//! per-family row codec and index keys; a family adds its lease type, codec and queries.

#![warn(missing_docs)]

mod cleanup;
mod codec4;
mod codec6;
mod csv;
mod error;
mod fields;
mod ids;
mod index;
mod index4;
mod index6;
mod journal;
mod kea_json;
mod key_index;
mod lease4;
mod lease6;
mod load;
mod memfile;
mod memfile4;
mod memfile6;
mod persist;
mod pidfile;
mod store;
mod store6;
mod write;

pub use cleanup::{cleanup4, cleanup6, CleanupFiles, CleanupOutcome};
pub use error::StoreError;
pub use ids::{
    ClientId, Duid, HwAddr, ParseIdError, CLIENT_ID_MAX, DUID_MAX, HTYPE_ETHER, HWADDR_MAX,
};
pub use lease4::{Lease4, LeaseState};
pub use lease6::{Lease6, LeaseType, ParseLeaseTypeError};
pub use memfile4::{LeaseCheck, Memfile4};
pub use memfile6::Memfile6;
pub use persist::{LfcStart, LoadReport, MemfileOptions};
pub use store::LeaseStore4;
pub use store6::LeaseStore6;
