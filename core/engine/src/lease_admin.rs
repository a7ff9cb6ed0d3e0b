//! Lease changes made by administrators, the same in both families (`v4::LeaseAdmin`,
//! `v6::LeaseAdmin6`): each store write moves the statistics with it (`count_stored`) and reaches the
//! durable medium before the answer.

use crate::commit::Writes;
use ruru_lease::{Lease4, Lease6, LeaseStore4, LeaseStore6, LeaseType, StoreError};
use std::future::Future;
use std::net::{Ipv4Addr, Ipv6Addr};

/// A family's lease store, as administrators change it.
pub(crate) trait AdminStore<L>: Writes<L> {
    /// What names one lease: its address (DHCPv6: with its type).
    type Key: Copy + Send;
    fn key(lease: &L) -> Self::Key;
    fn get(&self, key: Self::Key) -> impl Future<Output = Result<Option<L>, StoreError>> + Send;
    fn delete(&self, key: Self::Key) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn flush(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
}

impl<S: LeaseStore4> AdminStore<Lease4> for S {
    type Key = Ipv4Addr;
    fn key(lease: &Lease4) -> Ipv4Addr {
        lease.address
    }
    fn get(
        &self,
        addr: Ipv4Addr,
    ) -> impl Future<Output = Result<Option<Lease4>, StoreError>> + Send {
        self.get4(addr)
    }
    fn delete(&self, addr: Ipv4Addr) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.delete4(addr)
    }
    fn flush(&self) -> impl Future<Output = Result<(), StoreError>> + Send {
        LeaseStore4::flush(self)
    }
}

impl<S: LeaseStore6> AdminStore<Lease6> for S {
    type Key = (LeaseType, Ipv6Addr);
    fn key(lease: &Lease6) -> (LeaseType, Ipv6Addr) {
        (lease.lease_type, lease.address)
    }
    fn get(
        &self,
        (t, addr): (LeaseType, Ipv6Addr),
    ) -> impl Future<Output = Result<Option<Lease6>, StoreError>> + Send {
        self.get6(t, addr)
    }
    fn delete(
        &self,
        (t, addr): (LeaseType, Ipv6Addr),
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.delete6(t, addr)
    }
    fn flush(&self) -> impl Future<Output = Result<(), StoreError>> + Send {
        LeaseStore6::flush(self)
    }
}

/// The statistics a stored lease counts in: the snapshot's `count_stored`.
pub(crate) trait CountStored<L> {
    /// `lease` entered (`delta` 1) or left (`delta` -1) the store.
    fn stored(&self, lease: &L, delta: i64);
}

/// Stores a new lease; `false` when its address already has one (nothing changes then).
pub(crate) async fn add<L, S: AdminStore<L>>(
    snap: &impl CountStored<L>,
    store: &S,
    lease: &L,
) -> Result<bool, StoreError> {
    if !store.add(lease).await? {
        return Ok(false);
    }
    snap.stored(lease, 1);
    store.flush().await?;
    Ok(true)
}

/// Replaces the lease `lease` names whole; `false` when there is none. The statistics move from the
/// lease read to the new one: should a packet change the lease between the read and the write (the
/// store has no compare-and-swap yet), they are off by that change until the next reconfiguration
/// recounts them.
pub(crate) async fn update<L, S: AdminStore<L>>(
    snap: &impl CountStored<L>,
    store: &S,
    lease: &L,
) -> Result<bool, StoreError> {
    let Some(old) = store.get(S::key(lease)).await? else {
        return Ok(false);
    };
    if !store.update(lease).await? {
        return Ok(false);
    }
    snap.stored(&old, -1);
    snap.stored(lease, 1);
    store.flush().await?;
    Ok(true)
}

/// Deletes the lease `key` names; the lease deleted, `None` when there was none.
pub(crate) async fn delete<L, S: AdminStore<L>>(
    snap: &impl CountStored<L>,
    store: &S,
    key: S::Key,
) -> Result<Option<L>, StoreError> {
    let Some(old) = store.get(key).await? else {
        return Ok(None);
    };
    if !store.delete(key).await? {
        return Ok(None);
    }
    snap.stored(&old, -1);
    store.flush().await?;
    Ok(Some(old))
}
