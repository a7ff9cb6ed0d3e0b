//! The lease storage contract every backend implements.

use std::future::Future;
use std::net::Ipv4Addr;

use crate::{ClientId, HwAddr, Lease4, StoreError};

/// DHCPv4 lease storage.
///
/// Methods are async so a database backend never blocks a packet worker; the memfile backend's
/// futures complete on first poll without yielding. The trait is runtime-agnostic.
pub trait LeaseStore4: Send + Sync {
    /// The lease of `addr`, if any.
    fn get4(
        &self,
        addr: Ipv4Addr,
    ) -> impl Future<Output = Result<Option<Lease4>, StoreError>> + Send;

    /// All leases held by hardware address `hw` (one per subnet at most, usually).
    fn get4_by_hwaddr(
        &self,
        hw: &HwAddr,
    ) -> impl Future<Output = Result<Vec<Lease4>, StoreError>> + Send;

    /// All leases held by client identifier `id`.
    fn get4_by_client_id(
        &self,
        id: &ClientId,
    ) -> impl Future<Output = Result<Vec<Lease4>, StoreError>> + Send;

    /// All leases whose host name is `name` ignoring ASCII case (`lease4-get-by-hostname`).
    fn get4_by_hostname(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Vec<Lease4>, StoreError>> + Send;

    /// Inserts only if no lease holds the address; `Ok(false)` if one does (the allocator then tries
    /// another address).
    fn add4(&self, lease: &Lease4) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Replaces the lease at `lease.address` provided it is still `read`, the lease the caller read
    /// there: one that expires when `read` does, the check Kea makes (`expire` in its SQL `WHERE`),
    /// so servers sharing a database never both rewrite the lease each of them read (LC-116).
    /// `Ok(false)` if no lease is there or it has changed since it was read.
    fn update4(
        &self,
        lease: &Lease4,
        read: &Lease4,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Deletes the lease at `read.address` provided it is still `read`, the lease the caller read
    /// there (it expires when `read` does), as [`update4`](Self::update4) replaces only the lease
    /// read: Kea's SQL backends delete `WHERE address = ? AND expire = ?`, so a server never
    /// deletes a lease another one renewed meanwhile (LC-116). `Ok(false)` if no lease is there or
    /// it has changed since it was read.
    fn delete4(&self, read: &Lease4) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Deletes every lease of the subnets `ids` in one step, whatever each holds, and returns them
    /// (`lease4-wipe`).
    fn wipe4(&self, ids: &[u32]) -> impl Future<Output = Result<Vec<Lease4>, StoreError>> + Send;

    /// Up to `limit` (0 = no limit) leases with `expire <= now` that are not yet reclaimed
    /// (states Default, Declined and Released), oldest first, for reclamation.
    fn expired4(
        &self,
        now: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Lease4>, StoreError>> + Send;

    /// Deletes leases in state ExpiredReclaimed whose `expire + hold_secs <= now` (lease affinity
    /// flush). Returns how many were deleted. The condition is checked on each stored lease as it
    /// is deleted (one statement), so a lease renewed meanwhile is never caught.
    fn flush_reclaimed4(
        &self,
        now: u64,
        hold_secs: u64,
    ) -> impl Future<Output = Result<usize, StoreError>> + Send;

    /// Leases in ascending address order starting after `from` (`None` = from the start), at most
    /// `limit` (for paging, `lease4-get-page`).
    fn page4(
        &self,
        from: Option<Ipv4Addr>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Lease4>, StoreError>> + Send;

    /// Number of leases stored.
    fn count4(&self) -> impl Future<Output = Result<usize, StoreError>> + Send;

    /// Durability barrier: when it returns `Ok`, every change made before the call is in the
    /// backend's durable medium (memfile: written to the file with `write(2)`, not only buffered in
    /// user space, so `kill -9` loses nothing). Callers invoke it once per batch of replies, before
    /// any reply that depends on those changes is sent.
    fn flush(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
}
