//! End-to-end harness for Ruru's DHCP servers (DHCPv4 and DHCPv6).
//!
//! Tests built on this crate speak only the wire (real clients, real packets) and read only files
//! (Kea's CSV lease file), never Ruru's Rust types, so the same test runs against Ruru and against
//! ISC Kea. That is the drop-in proof.
//!
//! # Choosing the server under test
//! - `RURU_TEST_SUBJECT=ruru` (default) runs `ruru-dhcp4`, found through `RURU_DHCP4_BIN`, else
//!   `<target>/release/ruru-dhcp4`, else `<target>/debug/ruru-dhcp4` (see [`subject`]); for a
//!   `{"Dhcp6": ...}` config `ruru-dhcp6`, found the same way through `RURU_DHCP6_BIN`.
//! - `RURU_TEST_SUBJECT=kea` runs the installed `kea-dhcp4` (`kea-dhcp6`).
//!
//! The family ([`Family`]) follows the config handed to [`Server`]: binary, lease file
//! (`leases4.csv`/`leases6.csv`) and the port waited for (67/547).
//!
//! # Building blocks
//! - [`Netns`] and [`VethPair`]: throw-away network namespaces and links, removed on drop
//!   (IPv6: DAD off, link-local addresses awaited).
//! - [`Server`]: the subject started in a namespace with a config, a private lease file and logs;
//!   [`Server::start_unprivileged`] runs it as another user with only some capabilities
//!   ([`Unprivileged`], `setpriv`, file or ambient capabilities); [`Server::start_on_ports`] passes
//!   `-p`/`-P` ([`Ports`]).
//! - [`clients`]: `dhclient` (`-4`, `-6`, `-6 -P`), `udhcpc` and `perfdhcp` (`-4`, `-6`) drivers.
//! - [`Capture`] and [`pcap`]: `tcpdump` capture and a pcap reader that lists DHCPv4 replies.
//! - [`control`]: the management API over UNIX sockets and HTTP (curl); [`agent`]: a control agent
//!   process.
//! - [`db_proxy`]: a TCP relay from a namespace to the host's database server, which tests can cut.
//! - [`leases`]: Kea's memfile CSV reader, v4 and v6 (including lease-file-cleanup files).
//! - [`topology`] and [`config`]: the usual layouts and config fragments.
//!
//! Everything needs root and the tools listed in [`process::require_tool`]'s hints; a missing
//! prerequisite is an error, which tests turn into a loud failure, never a skip.
#![warn(missing_docs)]

pub mod agent;
mod capture;
pub mod clients;
pub mod config;
pub mod control;
pub mod db_proxy;
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
pub use leases::{Lease4, Lease6, LeaseFileError, LeaseSet, LeaseSet6, LeaseState, LeaseType6};
pub use netns::{Netns, VethEnd, VethPair};
pub use server::{Grant, Ports, Server, Unprivileged};
pub use subject::{Family, Subject};
