//! The DHCPv6 lease storage contract every backend implements.

use std::future::Future;
use std::net::Ipv6Addr;

use crate::{Duid, Lease6, LeaseType, StoreError};

/// DHCPv6 lease storage.
///
/// Methods are async so a database backend never blocks a packet worker; the memfile backend's
/// futures complete on first poll without yielding. The trait is runtime-agnostic.
///
/// Leases are keyed by address alone, whatever their type, as in Kea's memfile and SQL schemas
/// (`lease6.address` is the primary key): methods that name a type as well find nothing when the
/// lease at the address has another one. Every query maps onto one indexed SQL statement.
pub trait LeaseStore6: Send + Sync {
    /// The lease of type `lease_type` at `addr` (for a prefix, its first address), if any.
    fn get6(
        &self,
        lease_type: LeaseType,
        addr: Ipv6Addr,
    ) -> impl Future<Output = Result<Option<Lease6>, StoreError>> + Send;

    /// The leases of type `lease_type` that `duid` holds for IA `iaid`, in subnet `subnet_id` when
    /// given, in address order: how the engine finds a client's bindings for one IA (V6-045).
    fn get6_by_duid_iaid(
        &self,
        lease_type: LeaseType,
        duid: &Duid,
        iaid: u32,
        subnet_id: Option<u32>,
    ) -> impl Future<Output = Result<Vec<Lease6>, StoreError>> + Send;

    /// All leases of any type held by `duid`, in address order (`lease6-get-by-duid`).
    fn get6_by_duid(
        &self,
        duid: &Duid,
    ) -> impl Future<Output = Result<Vec<Lease6>, StoreError>> + Send;

    /// All leases whose hostname is `hostname` ignoring ASCII case, in address order
    /// (`lease6-get-by-hostname`).
    fn get6_by_hostname(
        &self,
        hostname: &str,
    ) -> impl Future<Output = Result<Vec<Lease6>, StoreError>> + Send;

    /// Inserts only if no lease of any type holds the address; `Ok(false)` if one does (the
    /// allocator then tries another). A lease the backend cannot store (a DUID-less lease that is
    /// not declined, V6-103) is [`StoreError::InvalidLease`].
    fn add6(&self, lease: &Lease6) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Replaces the lease at `lease.address` provided it is still `read`, the lease the caller read
    /// there, as [`LeaseStore4::update4`](crate::LeaseStore4::update4) does (LC-116); `Ok(false)`
    /// if no lease is there or it has changed since it was read. Checked as [`add6`](Self::add6)
    /// checks.
    fn update6(
        &self,
        lease: &Lease6,
        read: &Lease6,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Deletes the lease at `read.address` provided it is still `read`, the lease the caller read
    /// there (of its type, expiring when it does), as
    /// [`LeaseStore4::delete4`](crate::LeaseStore4::delete4) does (LC-116); `Ok(false)` if no
    /// such lease is there or it has changed since it was read.
    fn delete6(&self, read: &Lease6) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Up to `limit` (0 = no limit) leases of every type with `expire <= now` that are not yet
    /// reclaimed (states Default, Declined and Released), oldest first, for reclamation.
    fn expired6(
        &self,
        now: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Lease6>, StoreError>> + Send;

    /// Deletes leases in state ExpiredReclaimed whose `expire + hold_secs <= now` (lease affinity
    /// flush). Returns how many were deleted. The condition is checked on each stored lease as it
    /// is deleted, as [`LeaseStore4::flush_reclaimed4`](crate::LeaseStore4::flush_reclaimed4)
    /// checks it.
    fn flush_reclaimed6(
        &self,
        now: u64,
        hold_secs: u64,
    ) -> impl Future<Output = Result<usize, StoreError>> + Send;

    /// Leases of every type in ascending address order starting after `from` (`None` = from the
    /// start), at most `limit` (for paging, `lease6-get-page`, LC-085).
    fn page6(
        &self,
        from: Option<Ipv6Addr>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Lease6>, StoreError>> + Send;

    /// Number of leases stored, of every type.
    fn count6(&self) -> impl Future<Output = Result<usize, StoreError>> + Send;

    /// Durability barrier, as [`LeaseStore4::flush`](crate::LeaseStore4::flush): when it returns
    /// `Ok`, every change made before the call is in the backend's durable medium. Callers invoke
    /// it once per batch of replies, before any reply that depends on those changes is sent.
    fn flush(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
}
