//! Host reservations kept outside the configuration file (`hosts-database(s)`): the lookups the
//! engine makes while serving a query. The configuration's own `reservations` are indexed by the
//! engine and consulted first; a source answers for what only it holds.
//!
//! Subnet id 0 names the global reservations, as in Kea's host tables. Lookups return owned
//! reservations built against the running configuration (its option definitions decode their
//! option data), so a source holds that configuration. The traits are object-safe: a server picks
//! its source at (re)configuration, and only exchanges of servers that have one pay for the boxing.
//! Errors are the storage errors of leases: a backend that cannot be reached is
//! [`StoreError::is_unavailable`], and the server's connection watcher reacts to it the same way.

#![warn(missing_docs)]

use ruru_config::{Host4, Host6, HostIdType};
pub use ruru_lease::StoreError;
use std::future::Future;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::pin::Pin;

/// What a lookup returns: a boxed future, so sources can sit behind `dyn`.
pub type Lookup<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// DHCPv4 reservations held by a source.
pub trait HostSource4: Send + Sync {
    /// The reservation of subnet `subnet_id` (0: global) for identifier `id` of type `id_type`.
    fn get4<'a>(
        &'a self,
        subnet_id: u32,
        id_type: HostIdType,
        id: &'a [u8],
    ) -> Lookup<'a, Option<Host4>>;
    /// The reservations of `addr` in subnet `subnet_id` (0: global): several only when
    /// `ip-reservations-unique` is false.
    fn get4_by_address(&self, subnet_id: u32, addr: Ipv4Addr) -> Lookup<'_, Vec<Host4>>;
}

/// DHCPv6 reservations held by a source.
pub trait HostSource6: Send + Sync {
    /// The reservation of subnet `subnet_id` (0: global) for identifier `id` of type `id_type`.
    fn get6<'a>(
        &'a self,
        subnet_id: u32,
        id_type: HostIdType,
        id: &'a [u8],
    ) -> Lookup<'a, Option<Host6>>;
    /// The reservations of address (`len` 128) or prefix `addr`/`len` in subnet `subnet_id` (0:
    /// global).
    fn get6_by_resource(&self, subnet_id: u32, addr: Ipv6Addr, len: u8) -> Lookup<'_, Vec<Host6>>;
}

/// Several sources consulted in order (`hosts-databases`): for an identifier the first that holds a
/// reservation answers; reservations of an address or prefix are gathered from all.
pub struct Sources<T: ?Sized>(pub Vec<Box<T>>);

impl HostSource4 for Sources<dyn HostSource4> {
    fn get4<'a>(
        &'a self,
        subnet_id: u32,
        id_type: HostIdType,
        id: &'a [u8],
    ) -> Lookup<'a, Option<Host4>> {
        Box::pin(async move {
            for s in &self.0 {
                if let Some(h) = s.get4(subnet_id, id_type, id).await? {
                    return Ok(Some(h));
                }
            }
            Ok(None)
        })
    }

    fn get4_by_address(&self, subnet_id: u32, addr: Ipv4Addr) -> Lookup<'_, Vec<Host4>> {
        Box::pin(async move {
            let mut all = Vec::new();
            for s in &self.0 {
                all.extend(s.get4_by_address(subnet_id, addr).await?);
            }
            Ok(all)
        })
    }
}

impl HostSource6 for Sources<dyn HostSource6> {
    fn get6<'a>(
        &'a self,
        subnet_id: u32,
        id_type: HostIdType,
        id: &'a [u8],
    ) -> Lookup<'a, Option<Host6>> {
        Box::pin(async move {
            for s in &self.0 {
                if let Some(h) = s.get6(subnet_id, id_type, id).await? {
                    return Ok(Some(h));
                }
            }
            Ok(None)
        })
    }

    fn get6_by_resource(&self, subnet_id: u32, addr: Ipv6Addr, len: u8) -> Lookup<'_, Vec<Host6>> {
        Box::pin(async move {
            let mut all = Vec::new();
            for s in &self.0 {
                all.extend(s.get6_by_resource(subnet_id, addr, len).await?);
            }
            Ok(all)
        })
    }
}
