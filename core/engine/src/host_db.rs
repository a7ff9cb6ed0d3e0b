//! Reservations held by a host source (`hosts-database(s)`) rather than the configuration: the handle
//! a snapshot keeps, and the slot an exchange keeps the one reservation it fetched in.

use std::fmt;
use std::sync::{Arc, OnceLock};

/// A snapshot's host source, if its configuration names one.
pub struct HostDb<T: ?Sized>(pub Arc<T>);

impl<T: ?Sized> fmt::Debug for HostDb<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HostDb")
    }
}

/// Where an exchange keeps a reservation fetched from the source, so it can be borrowed for the
/// whole exchange like a configured one. An exchange looks up one client, so it fetches at most one.
pub(crate) type Fetched<H> = OnceLock<H>;

/// Keeps `host` in `slot` and lends it for the slot's lifetime.
pub(crate) fn keep<H>(slot: &Fetched<H>, host: H) -> &H {
    slot.get_or_init(|| host)
}
