//! Lease changes made by administrators (the lease commands of plugins, through the hook ABI's lease
//! services): the store and the address statistics move together, so the figures are the ones
//! `recount` would find after a restart, and the allocator sees each change at once since it reads
//! the same store. No callout runs for these changes (LC-023).

use super::snapshot::Snapshot4;
use crate::classes::class_allows;
use crate::classes::Classes;
use ruru_config::Subnet4;
use ruru_lease::{Lease4, LeaseStore4, StoreError};
use std::net::Ipv4Addr;

/// The lease storage of one configuration, as administrators change it.
#[derive(Debug)]
pub struct LeaseAdmin<'a, S> {
    snap: &'a Snapshot4,
    store: &'a S,
}

impl<'a, S: LeaseStore4> LeaseAdmin<'a, S> {
    /// Changes to `store` counted in `snap`'s statistics.
    pub fn new(snap: &'a Snapshot4, store: &'a S) -> Self {
        LeaseAdmin { snap, store }
    }

    /// The configured subnets, in configuration order.
    pub fn subnets(&self) -> &'a [Subnet4] {
        &self.snap.config.subnets
    }

    /// The subnet packet processing would choose for a client at `addr` with no class: the first
    /// whose prefix holds it and that no client class guards (Kea's selection by address).
    pub fn select_subnet(&self, addr: Ipv4Addr) -> Option<&'a Subnet4> {
        let none = Classes::default();
        self.subnets()
            .iter()
            .zip(&self.snap.subnets)
            .find(|(s, st)| st.contains(addr) && class_allows(&s.client_class, &none))
            .map(|(s, _)| s)
    }

    /// Stores a new lease; `false` when its address already has one (nothing changes then).
    pub async fn add(&self, lease: &Lease4) -> Result<bool, StoreError> {
        crate::lease_admin::add(self.snap, self.store, lease).await
    }

    /// Replaces the lease at `lease.address` whole; `false` when there is none or it changed while
    /// being replaced (LC-116).
    pub async fn update(&self, lease: &Lease4) -> Result<bool, StoreError> {
        crate::lease_admin::update(self.snap, self.store, lease).await
    }

    /// Deletes the lease of `addr`; the lease deleted, `None` when there was none.
    pub async fn delete(&self, addr: Ipv4Addr) -> Result<Option<Lease4>, StoreError> {
        crate::lease_admin::delete(self.snap, self.store, addr).await
    }

    /// Deletes every lease of the subnets `ids` at once; how many.
    pub async fn wipe(&self, ids: &[u32]) -> Result<usize, StoreError> {
        let gone = self.store.wipe4(ids).await?;
        for lease in &gone {
            self.snap.count_stored(lease, -1);
        }
        self.store.flush().await?;
        Ok(gone.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v4::process::tests::config;
    use crate::v4::Transport4;
    use ruru_lease::{HwAddr, LeaseState, Memfile4, MemfileOptions};
    use ruru_stats::Registry;
    use serde_json::json;
    use std::future::Future;
    use std::sync::Arc;

    fn now<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    fn setup() -> (Snapshot4, Memfile4, Registry) {
        let reg = Registry::new();
        let cfg = config(json!({
            "client-classes": [{"name": "gold"}],
            "subnet4": [
                {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]},
                {"id": 2, "subnet": "10.0.0.0/8", "client-class": "gold"},
                {"id": 3, "subnet": "10.0.0.0/16"}
            ]
        }));
        let transport = Transport4 {
            server_addresses: vec![],
            server_port: 67,
            client_port: 68,
            direct_send: false,
        };
        let snap = Snapshot4::build(Arc::new(cfg), transport, &reg);
        let store = Memfile4::open(MemfileOptions::in_memory())
            .expect("store")
            .0;
        (snap, store, reg)
    }

    fn lease(last: u8, state: LeaseState) -> Lease4 {
        Lease4 {
            hwaddr: Some(HwAddr::new(1, &[1, 2, 3, 4, 5, last])),
            state,
            ..Lease4::new(Ipv4Addr::new(192, 0, 2, last), 1, 3600, 1000)
        }
    }

    fn figures(reg: &Registry) -> [i128; 5] {
        [
            "subnet[1].assigned-addresses",
            "subnet[1].pool[0].assigned-addresses",
            "subnet[1].declined-addresses",
            "declined-addresses",
            "subnet[1].cumulative-assigned-addresses",
        ]
        .map(|n| reg.get(n).unwrap_or_else(|| panic!("{n}")))
    }

    // LC-020, LC-124: every change moves assigned/declined at subnet and pool level as recount would
    // count the store; cumulative counters do not move.
    #[test]
    fn lc_020_statistics_follow_every_change() {
        let (snap, store, reg) = setup();
        let admin = LeaseAdmin::new(&snap, &store);
        assert!(now(admin.add(&lease(10, LeaseState::Default))).unwrap());
        assert!(
            !now(admin.add(&lease(10, LeaseState::Declined))).unwrap(),
            "taken"
        );
        assert!(now(admin.add(&lease(5, LeaseState::Declined))).unwrap());
        assert!(now(admin.add(&lease(11, LeaseState::ExpiredReclaimed))).unwrap());
        assert_eq!(figures(&reg), [2, 1, 1, 1, 0]);
        assert!(now(admin.update(&lease(10, LeaseState::Declined))).unwrap());
        assert!(now(admin.update(&lease(11, LeaseState::Default))).unwrap());
        assert!(
            !now(admin.update(&lease(12, LeaseState::Default))).unwrap(),
            "absent"
        );
        assert_eq!(figures(&reg), [3, 2, 2, 2, 0]);
        assert_eq!(
            now(admin.delete(Ipv4Addr::new(192, 0, 2, 5))).unwrap(),
            Some(lease(5, LeaseState::Declined))
        );
        assert_eq!(
            now(admin.delete(Ipv4Addr::new(192, 0, 2, 5))).unwrap(),
            None
        );
        assert_eq!(figures(&reg), [2, 2, 1, 1, 0]);
        // What recount finds agrees.
        now(snap.recount(&store)).unwrap();
        assert_eq!(figures(&reg), [2, 2, 1, 1, 0]);
        assert_eq!(now(admin.wipe(&[1, 3])).unwrap(), 2);
        assert_eq!(figures(&reg), [0, 0, 0, 0, 0]);
        assert_eq!(store.count4_sync(), 0);
    }

    // LC-033: selection by address skips class-guarded subnets, as Kea's does for a classless client.
    #[test]
    fn lc_033_selection_by_address() {
        let (snap, store, _) = setup();
        let admin = LeaseAdmin::new(&snap, &store);
        let id = |a: [u8; 4]| admin.select_subnet(Ipv4Addr::from(a)).map(|s| s.id);
        assert_eq!(id([192, 0, 2, 7]), Some(1));
        assert_eq!(
            id([10, 0, 1, 1]),
            Some(3),
            "subnet 2 is for class gold only"
        );
        assert_eq!(id([10, 1, 0, 1]), None);
        assert_eq!(admin.subnets().len(), 3);
    }
}
