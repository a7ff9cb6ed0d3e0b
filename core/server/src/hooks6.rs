//! The DHCPv6 lease storage plugins reach through the hook ABI's 1.2 lease services (`lease6-*`
//! commands of `libdhcp_lease_cmds.so`): queries go to the store, changes through the engine's
//! [`LeaseAdmin6`](ruru_engine::v6::LeaseAdmin6) so the statistics follow.

use crate::plugins::{lease_services_common, ServerLeases};
use crate::shared::Shared;
use ruru_config::Subnet6;
use ruru_engine::v6::{LeaseAdmin6 as Changes, Snapshot6};
use ruru_hooks::{AdminError, LeaseAdmin6, SubnetInfo6};
use ruru_lease::{Duid, Lease6, LeaseStore6, LeaseType};
use std::net::Ipv6Addr;
use std::sync::Arc;

type Shared6 = Shared<Snapshot6, crate::store::Leases6>;

/// Registers the running server's DHCPv6 lease storage for plugins; held weakly.
pub(crate) fn install_lease_admin(shared: &Arc<Shared6>) {
    ruru_hooks::install_lease_admin6(Some(Arc::new(Admin6(ServerLeases::new(shared)))));
}

struct Admin6(ServerLeases<Snapshot6, crate::store::Leases6>);

fn subnet_info(s: &Subnet6) -> SubnetInfo6 {
    SubnetInfo6 {
        id: s.id,
        prefix: s.prefix,
        prefix_len: s.prefix_len,
        valid_lifetime: s.valid_lifetime.default,
        preferred_lifetime: s
            .preferred_lifetime
            .map_or(s.valid_lifetime.default / 8 * 5, |t| t.default),
    }
}

impl Admin6 {
    fn not_busy(&self, addr: std::net::IpAddr, verb: &str) -> Result<(), AdminError> {
        let shared = self.0.shared()?;
        crate::plugins::not_busy(&shared.snapshot().busy, addr, verb)
    }
}

impl LeaseAdmin6 for Admin6 {
    fn get(&self, t: LeaseType, addr: Ipv6Addr) -> Result<Option<Lease6>, AdminError> {
        self.0
            .run(|_, store| async move { store.get6(t, addr).await })
    }

    fn by_duid_iaid(
        &self,
        t: LeaseType,
        duid: &[u8],
        iaid: u32,
        subnet_id: Option<u32>,
    ) -> Result<Vec<Lease6>, AdminError> {
        let duid = Duid::new(duid);
        self.0
            .run(|_, store| async move { store.get6_by_duid_iaid(t, &duid, iaid, subnet_id).await })
    }

    fn by_duid(&self, duid: &[u8]) -> Result<Vec<Lease6>, AdminError> {
        let duid = Duid::new(duid);
        self.0
            .run(|_, store| async move { store.get6_by_duid(&duid).await })
    }

    fn by_hostname(&self, name: &str) -> Result<Vec<Lease6>, AdminError> {
        self.0
            .run(|_, store| async move { store.get6_by_hostname(name).await })
    }

    fn page(&self, after: Option<Ipv6Addr>, limit: usize) -> Result<Vec<Lease6>, AdminError> {
        self.0
            .run(|_, store| async move { store.page6(after, limit).await })
    }

    fn add(&self, lease: &Lease6) -> Result<(), AdminError> {
        self.not_busy(lease.address.into(), "added")?;
        let added = self
            .0
            .run(|snap, store| async move { Changes::new(&snap, &*store).add(lease).await })?;
        added
            .then_some(())
            .ok_or(AdminError::Exists6(lease.address))
    }

    fn update(&self, lease: &Lease6) -> Result<(), AdminError> {
        self.not_busy(lease.address.into(), "updated")?;
        let updated = self
            .0
            .run(|snap, store| async move { Changes::new(&snap, &*store).update(lease).await })?;
        updated.then_some(()).ok_or(AdminError::NotFound)
    }

    fn delete(&self, t: LeaseType, addr: Ipv6Addr) -> Result<Lease6, AdminError> {
        self.not_busy(addr.into(), "deleted")?;
        self.0
            .run(|snap, store| async move { Changes::new(&snap, &*store).delete(t, addr).await })?
            .ok_or(AdminError::NotFound)
    }

    lease_services_common!(Changes, Ipv6Addr, SubnetInfo6, subnet_info);

    fn queue_ncr(&self, add: bool, lease: &Lease6) -> Result<(), AdminError> {
        if lease.lease_type != LeaseType::Na {
            return Err(AdminError::Invalid(
                "only address (IA_NA) leases have DNS records".into(),
            ));
        }
        let snap = self.0.shared()?.snapshot();
        let directions = lease.fqdn_fwd || lease.fqdn_rev;
        crate::plugins::queue_ncr(&snap.ddns, &lease.hostname, directions, || {
            snap.queue_ncr(crate::plugins::ncr_change(add), lease)
        })
    }
}
