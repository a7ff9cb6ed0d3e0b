//! The validated, immutable runtime models of a `Dhcp4` and a `Dhcp6`
//! configuration.
//!
//! Everything here is already checked and has scope inheritance resolved
//! (subnet → shared network → global → built-in default, V4-003, V6-003), so
//! the engines read plain values and never re-validate. Features the servers
//! have not built yet are still recorded here so a server can refuse or warn.
//!
//! What is the same concept in both servers is one type here (option sets,
//! lifetimes, DDNS behaviour, pools, shared networks, databases, control
//! sockets, loggers...); what differs has a type per family (`Subnet4` and
//! `Subnet6`, `Host4` and `Host6`, ...).

mod common;
pub(crate) mod fields;
mod services;
mod v4;
mod v6;

pub use common::*;
pub use services::*;
pub use v4::*;
pub use v6::*;
