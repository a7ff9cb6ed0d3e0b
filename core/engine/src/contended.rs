//! Test stores shared with another server (LC-116): between this server's read of a lease and its
//! write of it (an update or a delete), the other server renews that lease, as two servers on one
//! database can. Every other operation is the in-memory store's own.

use ruru_lease::{
    ClientId, Duid, HwAddr, Lease4, Lease6, LeaseStore4, LeaseStore6, LeaseType, Memfile4,
    Memfile6, MemfileOptions, StoreError,
};
use std::net::{Ipv4Addr, Ipv6Addr};

/// The host name the other server's renewals carry.
pub(crate) const THEIRS: &str = "theirs";

/// A DHCPv4 memfile store where another server renews each lease just before this one writes it.
pub(crate) struct Contended(pub(crate) Memfile4);

impl Contended {
    pub(crate) fn new() -> Self {
        Self(Memfile4::open(MemfileOptions::in_memory()).unwrap().0)
    }

    /// The other server renews `read` for 100 s more.
    fn renew_behind(&self, read: &Lease4) {
        let theirs = Lease4 {
            cltt: read.cltt + 100,
            hostname: THEIRS.into(),
            ..read.clone()
        };
        assert!(
            self.0.update4_sync(&theirs, read),
            "the lease read is stored"
        );
    }
}

impl LeaseStore4 for Contended {
    async fn get4(&self, addr: Ipv4Addr) -> Result<Option<Lease4>, StoreError> {
        self.0.get4(addr).await
    }
    async fn get4_by_hwaddr(&self, hw: &HwAddr) -> Result<Vec<Lease4>, StoreError> {
        self.0.get4_by_hwaddr(hw).await
    }
    async fn get4_by_client_id(&self, id: &ClientId) -> Result<Vec<Lease4>, StoreError> {
        self.0.get4_by_client_id(id).await
    }
    async fn get4_by_hostname(&self, name: &str) -> Result<Vec<Lease4>, StoreError> {
        self.0.get4_by_hostname(name).await
    }
    async fn add4(&self, lease: &Lease4) -> Result<bool, StoreError> {
        self.0.add4(lease).await
    }
    async fn update4(&self, lease: &Lease4, read: &Lease4) -> Result<bool, StoreError> {
        self.renew_behind(read);
        self.0.update4(lease, read).await
    }
    async fn delete4(&self, read: &Lease4) -> Result<bool, StoreError> {
        self.renew_behind(read);
        self.0.delete4(read).await
    }
    async fn wipe4(&self, ids: &[u32]) -> Result<Vec<Lease4>, StoreError> {
        self.0.wipe4(ids).await
    }
    async fn expired4(&self, now: u64, limit: usize) -> Result<Vec<Lease4>, StoreError> {
        self.0.expired4(now, limit).await
    }
    async fn flush_reclaimed4(&self, now: u64, hold_secs: u64) -> Result<usize, StoreError> {
        self.0.flush_reclaimed4(now, hold_secs).await
    }
    async fn page4(&self, from: Option<Ipv4Addr>, limit: usize) -> Result<Vec<Lease4>, StoreError> {
        self.0.page4(from, limit).await
    }
    async fn count4(&self) -> Result<usize, StoreError> {
        self.0.count4().await
    }
    async fn flush(&self) -> Result<(), StoreError> {
        LeaseStore4::flush(&self.0).await
    }
}

/// A DHCPv6 memfile store where another server renews each lease just before this one writes it.
pub(crate) struct Contended6(pub(crate) Memfile6);

impl Contended6 {
    /// The other server renews `read` for 100 s more.
    fn renew_behind(&self, read: &Lease6) {
        let theirs = Lease6 {
            cltt: read.cltt + 100,
            hostname: THEIRS.into(),
            ..read.clone()
        };
        let renewed = self.0.update6_sync(&theirs, read);
        assert!(renewed.unwrap(), "the lease read is stored");
    }
}

impl LeaseStore6 for Contended6 {
    async fn get6(&self, t: LeaseType, addr: Ipv6Addr) -> Result<Option<Lease6>, StoreError> {
        self.0.get6(t, addr).await
    }
    async fn get6_by_duid_iaid(
        &self,
        t: LeaseType,
        duid: &Duid,
        iaid: u32,
        subnet_id: Option<u32>,
    ) -> Result<Vec<Lease6>, StoreError> {
        self.0.get6_by_duid_iaid(t, duid, iaid, subnet_id).await
    }
    async fn get6_by_duid(&self, duid: &Duid) -> Result<Vec<Lease6>, StoreError> {
        self.0.get6_by_duid(duid).await
    }
    async fn get6_by_hostname(&self, hostname: &str) -> Result<Vec<Lease6>, StoreError> {
        self.0.get6_by_hostname(hostname).await
    }
    async fn add6(&self, lease: &Lease6) -> Result<bool, StoreError> {
        self.0.add6(lease).await
    }
    async fn update6(&self, lease: &Lease6, read: &Lease6) -> Result<bool, StoreError> {
        self.renew_behind(read);
        self.0.update6(lease, read).await
    }
    async fn delete6(&self, read: &Lease6) -> Result<bool, StoreError> {
        self.renew_behind(read);
        self.0.delete6(read).await
    }
    async fn expired6(&self, now: u64, limit: usize) -> Result<Vec<Lease6>, StoreError> {
        self.0.expired6(now, limit).await
    }
    async fn flush_reclaimed6(&self, now: u64, hold_secs: u64) -> Result<usize, StoreError> {
        self.0.flush_reclaimed6(now, hold_secs).await
    }
    async fn page6(&self, from: Option<Ipv6Addr>, limit: usize) -> Result<Vec<Lease6>, StoreError> {
        self.0.page6(from, limit).await
    }
    async fn count6(&self) -> Result<usize, StoreError> {
        self.0.count6().await
    }
    async fn flush(&self) -> Result<(), StoreError> {
        LeaseStore6::flush(&self.0).await
    }
}
