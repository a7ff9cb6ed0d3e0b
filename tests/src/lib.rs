//! End-to-end harness for Ruru's DHCP servers.
//!
//! Tests built on this crate speak only the wire (real clients, real packets) and read only files
//! (Kea's CSV lease file), never Ruru's Rust types, so the same test runs against Ruru and against
//! ISC Kea. That is the drop-in proof.
//!
//! # Choosing the server under test
//! - `RURU_TEST_SUBJECT=ruru` (default) runs `ruru-dhcp4`, found through `RURU_DHCP4_BIN`, else
//!   `<target>/release/ruru-dhcp4`, else `<target>/debug/ruru-dhcp4` (see [`subject`]).
//! - `RURU_TEST_SUBJECT=kea` runs the installed `kea-dhcp4`.
//!
//! # Building blocks
//! - [`Netns`] and [`VethPair`]: throw-away network namespaces and links, removed on drop.
//! - [`Server`]: the subject started in a namespace with a config, a private lease file and logs.
//! - [`clients`]: `dhclient`, `udhcpc` and `perfdhcp` drivers.
//! - [`Capture`] and [`pcap`]: `tcpdump` capture and a pcap reader that lists DHCPv4 replies.
//! - [`control`]: the management API over UNIX sockets and HTTP (curl).
//! - [`leases`]: Kea's memfile CSV reader (including lease-file-cleanup files).
//! - [`topology`] and [`config`]: the usual layouts and config fragments.
//!
//! Everything needs root and the tools listed in [`process::require_tool`]'s hints; a missing
//! prerequisite is an error, which tests turn into a loud failure, never a skip.
#![warn(missing_docs)]

mod capture;
pub mod clients;
pub mod config;
pub mod control;
mod error;
pub mod leases;
mod netns;
pub mod pcap;
pub mod process;
mod server;
pub mod subject;
pub mod topology;

pub use capture::{Capture, Captured};
pub use error::{HarnessError, Result};
pub use leases::{Lease4, LeaseFileError, LeaseSet, LeaseState};
pub use netns::{Netns, VethEnd, VethPair};
pub use server::Server;
pub use subject::Subject;
