//! DHCPv6 lease changes made by administrators (lease commands through the plugin ABI): the store and
//! the statistics move together, as `recount` would find them after a restart. No callout runs.

use super::snapshot::Snapshot6;
use crate::classes::{class_allows, Classes};
use ruru_config::Subnet6;
use ruru_lease::{Lease6, LeaseStore6, LeaseType, StoreError};
use std::net::Ipv6Addr;

/// The lease storage of one DHCPv6 configuration, as administrators change it.
#[derive(Debug)]
pub struct LeaseAdmin6<'a, S> {
    snap: &'a Snapshot6,
    store: &'a S,
}

impl<'a, S: LeaseStore6> LeaseAdmin6<'a, S> {
    /// Changes to `store` counted in `snap`'s statistics.
    pub fn new(snap: &'a Snapshot6, store: &'a S) -> Self {
        LeaseAdmin6 { snap, store }
    }

    /// The configured subnets, in configuration order.
    pub fn subnets(&self) -> &'a [Subnet6] {
        &self.snap.config.subnets
    }

    /// The first subnet whose prefix holds `addr` and that no client class guards.
    pub fn select_subnet(&self, addr: Ipv6Addr) -> Option<&'a Subnet6> {
        let none = Classes::default();
        self.subnets()
            .iter()
            .find(|s| s.contains(addr) && class_allows(&s.client_class, &none))
    }

    /// Stores a new lease; `false` when its address already has one.
    pub async fn add(&self, lease: &Lease6) -> Result<bool, StoreError> {
        crate::lease_admin::add(self.snap, self.store, lease).await
    }

    /// Replaces the lease at `lease.address` whole; `false` when there is none of that type or it
    /// changed while being replaced (LC-116).
    pub async fn update(&self, lease: &Lease6) -> Result<bool, StoreError> {
        crate::lease_admin::update(self.snap, self.store, lease).await
    }

    /// Deletes the lease of type `t` at `addr`; the lease deleted, `None` when there was none.
    pub async fn delete(&self, t: LeaseType, addr: Ipv6Addr) -> Result<Option<Lease6>, StoreError> {
        crate::lease_admin::delete(self.snap, self.store, (t, addr)).await
    }

    /// Deletes every lease of the subnets `ids`; how many. Each delete removes the lease its page
    /// read (LC-116), so the statistics move by exactly what left the store: a lease a packet
    /// renewed in between stays, as it would had the renewal come just after the wipe (a commit
    /// adds anew a lease deleted since it was read).
    pub async fn wipe(&self, ids: &[u32]) -> Result<usize, StoreError> {
        let mut gone = 0;
        let mut from = None;
        loop {
            let page = self.store.page6(from, 4096).await?;
            let Some(last) = page.last() else { break };
            from = Some(last.address);
            for l in page.iter().filter(|l| ids.contains(&l.subnet_id)) {
                if self.store.delete6(l).await? {
                    self.snap.count_stored(l, -1);
                    gone += 1;
                }
            }
        }
        self.store.flush().await?;
        Ok(gone)
    }
}
