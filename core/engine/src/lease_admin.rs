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
    /// Deletes `read`, the lease read at its address, if it is still there unchanged (LC-116).
    fn delete(&self, read: &L) -> impl Future<Output = Result<bool, StoreError>> + Send;
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
    fn delete(&self, read: &Lease4) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.delete4(read)
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
    fn delete(&self, read: &Lease6) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.delete6(read)
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

/// Replaces the lease `lease` names whole; `false` when there is none, or when it changed between
/// this read and the write (a packet, or another server sharing the database: `lease_cmds` then
/// invites a retry, LC-116). The statistics move from the lease read to the new one.
pub(crate) async fn update<L, S: AdminStore<L>>(
    snap: &impl CountStored<L>,
    store: &S,
    lease: &L,
) -> Result<bool, StoreError> {
    let Some(old) = store.get(S::key(lease)).await? else {
        return Ok(false);
    };
    if !store.update(lease, &old).await? {
        return Ok(false);
    }
    snap.stored(&old, -1);
    snap.stored(lease, 1);
    store.flush().await?;
    Ok(true)
}

/// Deletes the lease `key` names, as Kea's `lease*-del` does: the operator names an address (or an
/// identifier), whatever lease is there is read, and that lease is deleted unless it changed before
/// the delete (a packet, or another server sharing the database: Kea answers "not found", result 3,
/// and so does `lease_cmds`; LC-103, LC-116). The lease deleted, `None` when there was none or it
/// changed; the statistics move only with a delete.
pub(crate) async fn delete<L, S: AdminStore<L>>(
    snap: &impl CountStored<L>,
    store: &S,
    key: S::Key,
) -> Result<Option<L>, StoreError> {
    let Some(old) = store.get(key).await? else {
        return Ok(None);
    };
    if !store.delete(&old).await? {
        return Ok(None);
    }
    snap.stored(&old, -1);
    store.flush().await?;
    Ok(Some(old))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commit::tests::{block_on, lease};
    use crate::contended::{Contended, THEIRS};
    use ruru_lease::{Memfile4, MemfileOptions};
    use std::cell::Cell;

    /// Counts the statistics moves.
    #[derive(Default)]
    struct Moves(Cell<u32>);

    impl CountStored<Lease4> for Moves {
        fn stored(&self, _: &Lease4, _: i64) {
            self.0.set(self.0.get() + 1);
        }
    }

    // LC-116: `lease4-update` replaces the lease it read only if nothing changed it since; after
    // another server's renewal in between it answers false (lease_cmds: result 4, inviting a
    // retry), that renewal stays and no statistic moves.
    #[test]
    fn lc116_admin_update_fails_when_the_lease_changed_meanwhile() {
        let store = Contended::new();
        assert!(store.0.add4_sync(&lease(1, 500)));
        let mine = Lease4 {
            hostname: "mine".into(),
            ..lease(1, 500)
        };
        let moves = Moves::default();
        assert!(!block_on(update(&moves, &store, &mine)).unwrap());
        let stored = store.0.get4_sync(mine.address).unwrap();
        assert_eq!(stored.hostname, THEIRS);
        assert_eq!(moves.0.get(), 0);
    }

    // LC-103, LC-116: `lease4-del` deletes the lease it read at the address; renewed by another
    // server before the delete, that lease stays, the answer is "not found" (result 3, as Kea's)
    // and no statistic moves.
    #[test]
    fn lc116_admin_delete_spares_a_lease_renewed_meanwhile() {
        let store = Contended::new();
        let read = lease(1, 500);
        assert!(store.0.add4_sync(&read));
        let moves = Moves::default();
        assert_eq!(
            block_on(delete(&moves, &store, read.address)).unwrap(),
            None
        );
        let stored = store.0.get4_sync(read.address).unwrap();
        assert_eq!((stored.cltt, stored.hostname.as_str()), (600, THEIRS));
        assert_eq!(moves.0.get(), 0);
    }

    // LC-103: with nothing in between, the lease read is deleted, returned and counted out once.
    #[test]
    fn admin_delete_removes_the_lease_read() {
        let store = Memfile4::open(MemfileOptions::in_memory()).unwrap().0;
        let read = lease(1, 500);
        assert!(store.add4_sync(&read));
        let moves = Moves::default();
        assert_eq!(
            block_on(delete(&moves, &store, read.address)).unwrap(),
            Some(read.clone())
        );
        assert_eq!(store.get4_sync(read.address), None);
        assert_eq!(moves.0.get(), 1);
    }
}
