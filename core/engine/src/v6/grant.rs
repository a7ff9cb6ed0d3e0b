//! The steps of granting one IA: a reservation (V6-116..V6-118), the client's hint (V6-028, V6-074), the
//! lease record with its lifetimes, and the store write with its statistics.

use super::alloc::{
    availability, class_allows_pool, reserved_for_other, AllocFail, Avail6, Owner, Pick,
};
use super::ia::Mode;
use super::lifetimes::lifetimes;
use super::process::Query6;
use ruru_lease::{Duid, Lease6, LeaseState, LeaseStore6, LeaseType, StoreError};
use ruru_proto::v6::{code, IaAddr, IaPrefix, Options6, PdExclude};
use std::net::Ipv6Addr;

/// The client's hint as the grant steps use it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Hint {
    pub(super) addr: Ipv6Addr,
    pub(super) len: u8,
    pub(super) preferred: u32,
    pub(super) valid: u32,
}

impl<'a> Query6<'a> {
    /// The first of the client's reserved addresses (or prefixes) not yet in this answer and not leased
    /// to another client; a reserved address is used only inside the selected subnet's family (V6-118).
    pub(super) async fn reserved<S: LeaseStore6>(
        &self,
        store: &S,
        t: LeaseType,
        owner: &Owner<'_>,
        family: &[usize],
        used: &[Ipv6Addr],
    ) -> Result<Option<Pick>, StoreError> {
        let Some(h) = self.host else { return Ok(None) };
        let (Some(si), cfg) = (self.subnet, &self.snap.config) else {
            return Ok(None);
        };
        let resources: Vec<(Ipv6Addr, u8)> = match t {
            LeaseType::Pd => h
                .prefixes
                .iter()
                .map(|p| (p.prefix.addr, p.prefix.len))
                .collect(),
            _ => h.ip_addresses.iter().map(|&a| (a, 128)).collect(),
        };
        for (addr, len) in resources {
            if used.contains(&addr) {
                continue;
            }
            let target = match t {
                LeaseType::Pd => Some(si),
                _ => family
                    .iter()
                    .copied()
                    .find(|&m| cfg.subnets[m].contains(addr)),
            };
            let Some(target) = target else {
                tracing::debug!(target: "kea-dhcp6.alloc-engine", id = "ALLOC_ENGINE_IGNORING_UNSUITABLE_GLOBAL_ADDRESS6", address = %addr, "reserved address outside the subnet");
                continue;
            };
            let avail = availability(store, t, addr, owner, self.now).await?;
            if avail.usable() {
                return Ok(Some(Pick {
                    subnet: target,
                    addr,
                    len,
                    avail,
                }));
            }
        }
        Ok(None)
    }

    /// The client's hint when it lies in a pool of the family the client may use and is free (V6-028;
    /// for prefixes, the exact prefix of a pd-pool delegating that length, V6-074).
    pub(super) async fn hinted<S: LeaseStore6>(
        &self,
        store: &S,
        t: LeaseType,
        h: Hint,
        owner: &Owner<'_>,
        family: &[usize],
        used: &[Ipv6Addr],
    ) -> Result<Option<Pick>, StoreError> {
        if used.contains(&h.addr) {
            return Ok(None);
        }
        for &m in family {
            let Some((pool, _, _)) = self.pool_at(m, t, h.addr, h.len) else {
                continue;
            };
            let len = if t == LeaseType::Pd { h.len } else { 128 };
            if !class_allows_pool(self.snap, m, t, pool, owner.classes)
                || reserved_for_other(self.snap, m, h.addr, len, owner).await?
            {
                continue;
            }
            let avail = availability(store, t, h.addr, owner, self.now).await?;
            if avail.usable() {
                return Ok(Some(Pick {
                    subnet: m,
                    addr: h.addr,
                    len,
                    avail,
                }));
            }
        }
        Ok(None)
    }

    /// The lease a pick becomes: lifetimes from classes and subnet, clamped hints (V6-076..V6-078), the
    /// relays' information with `store-extended-info` (V6-178).
    pub(super) fn lease_for(
        &self,
        t: LeaseType,
        iaid: u32,
        pick: &Pick,
        hint: Option<Hint>,
    ) -> Lease6 {
        let subnet = &self.snap.config.subnets[pick.subnet];
        let lt = lifetimes(
            subnet,
            &self.configured_classes(),
            hint.map(|h| (h.preferred, h.valid)),
        );
        let pool_id = self
            .pool_at(pick.subnet, t, pick.addr, pick.len)
            .map_or(0, |p| p.2);
        let (hwaddr, hwaddr_source) = match &self.hw {
            Some((h, s)) => (Some(*h), *s),
            None => (None, 0),
        };
        let (fqdn_fwd, fqdn_rev) = match &self.fqdn {
            Some(f) => self.dns_directions(f),
            None => (false, false),
        };
        Lease6 {
            address: pick.addr,
            prefix_len: pick.len,
            lease_type: t,
            duid: Duid::new(self.duid),
            iaid,
            preferred_lifetime: lt.preferred,
            valid_lifetime: lt.valid,
            cltt: self.now,
            subnet_id: subnet.id,
            pool_id,
            fqdn_fwd,
            fqdn_rev,
            hostname: self.hostname_for((t == LeaseType::Na).then_some(pick.addr)),
            hwaddr,
            hwaddr_source,
            state: LeaseState::Default,
            user_context: subnet
                .store_extended_info
                .then(|| super::extended_info::context(&self.pkt.relays))
                .flatten(),
        }
    }

    /// The client's stored lease, answered with its remaining lifetimes instead of being rewritten,
    /// when caching allows it (V6-082): same subnet and host name, no shorter lifetimes than stored.
    pub(super) fn reused(&self, old: &Lease6, new: &Lease6) -> Option<Lease6> {
        let si = self.snap.subnet_by_id(old.subnet_id)?;
        let s = &self.snap.config.subnets[si];
        if old.state != LeaseState::Default
            || old.is_expired(self.now)
            || new.subnet_id != old.subnet_id
            || new.valid_lifetime < old.valid_lifetime
            || new.preferred_lifetime < old.preferred_lifetime
            || new.hostname != old.hostname
            || !crate::cache::reusable(
                s.cache_threshold,
                s.cache_max_age,
                old.cltt,
                old.valid_lifetime,
                self.now,
            )
        {
            return None;
        }
        let age = u32::try_from(self.now.saturating_sub(old.cltt)).unwrap_or(u32::MAX);
        let mut kept = old.clone();
        if old.valid_lifetime != u32::MAX {
            kept.valid_lifetime = old.valid_lifetime.saturating_sub(age);
        }
        if old.preferred_lifetime != u32::MAX {
            kept.preferred_lifetime = old.preferred_lifetime.saturating_sub(age);
        }
        let (global, subnet, id) = match old.lease_type {
            LeaseType::Pd => (
                &self.snap.stats.pd_reuses,
                &self.snap.subnets[si].stats.pd_reuses,
                "DHCP6_PD_LEASE_REUSE",
            ),
            _ => (
                &self.snap.stats.na_reuses,
                &self.snap.subnets[si].stats.na_reuses,
                "DHCP6_LEASE_REUSE",
            ),
        };
        global.inc();
        subnet.inc();
        tracing::debug!(target: "kea-dhcp6.leases", id, address = %old.address, valid = kept.valid_lifetime, "lease reused from cache");
        Some(kept)
    }

    /// Writes `lease`, replacing what `avail` found; `None` if another worker took it first.
    pub(super) async fn commit<S: LeaseStore6>(
        &self,
        store: &S,
        lease: Lease6,
        avail: Avail6,
    ) -> Result<Option<Lease6>, StoreError> {
        crate::commit::commit(self.snap, store, lease, avail, self.now).await
    }

    /// Lists the client's leases that are no longer appropriate with zero lifetimes and, when the
    /// exchange commits, removes them (V6-038, V6-117: `ALLOC_ENGINE_V6_REVOKED_*`) unless they
    /// changed since they were read (LC-116).
    pub(super) async fn revoke<S: LeaseStore6>(
        &mut self,
        store: &S,
        revoked: &[Lease6],
        mode: Mode,
        out: &mut Options6,
    ) -> Result<(), StoreError> {
        for l in revoked {
            let zero = (0, 0);
            let _ = match l.lease_type {
                LeaseType::Pd => out.push_typed(
                    code::IAPREFIX,
                    &IaPrefix {
                        preferred: zero.0,
                        valid: zero.1,
                        prefix_len: l.prefix_len,
                        prefix: l.address,
                        options: Options6::new(),
                    },
                ),
                _ => out.push_typed(
                    code::IAADDR,
                    &IaAddr {
                        address: l.address,
                        preferred: zero.0,
                        valid: zero.1,
                        options: Options6::new(),
                    },
                ),
            };
            if mode == Mode::Offer {
                continue;
            }
            if !store.delete6(l).await? {
                // Renewed or deleted meanwhile by another server sharing the database (LC-116):
                // that lease is no longer this client's to lose, and nothing is counted.
                tracing::debug!(target: "kea-dhcp6.alloc-engine", address = %l.address, "revoked lease changed since it was read");
                continue;
            }
            if l.state == LeaseState::Default {
                self.snap.count_unassigned(l);
                self.snap.queue_ncr(ruru_ddns::ChangeType::Remove, l);
            }
            tracing::info!(target: "kea-dhcp6.alloc-engine", id = "ALLOC_ENGINE_V6_REVOKED_ADDR_LEASE", address = %l.address, "lease revoked");
            self.deleted.push(l.clone());
        }
        Ok(())
    }

    /// Option 67 for a delegated prefix: a reservation's own excluded prefix for a reserved prefix,
    /// else the pd-pool's (V6-065, V6-112).
    pub(super) fn excluded_prefix(&self, si: usize, lease: &Lease6) -> Option<PdExclude> {
        let cfg = &self.snap.config;
        let reserved = self.host.and_then(|h| {
            h.prefixes
                .iter()
                .find(|p| p.prefix.addr == lease.address && p.prefix.len == lease.prefix_len)
        });
        let excluded = match reserved {
            Some(r) => r.excluded?,
            None => {
                let (pool, _, _) =
                    self.pool_at(si, LeaseType::Pd, lease.address, lease.prefix_len)?;
                cfg.subnets[si].pd_pools[pool].excluded?
            }
        };
        // The pool's excluded prefix names bits inside each delegated prefix: place it in this one.
        let host_bits = super::snapshot::mask(u128::from(excluded.addr), excluded.len)
            & !super::snapshot::mask(u128::MAX, lease.prefix_len);
        let placed = Ipv6Addr::from(u128::from(lease.address) | host_bits);
        PdExclude::new(lease.prefix_len, placed, excluded.len)
    }

    /// Counts a failed allocation at both levels with its cause (V6-075, V6-189).
    pub(super) fn count_alloc_fail(&self, si: usize, why: AllocFail) {
        let (g, s) = (&self.snap.stats, &self.snap.subnets[si].stats);
        crate::commit::count_alloc_fail!(g, s, why);
        tracing::debug!(target: "kea-dhcp6.alloc-engine", id = "ALLOC_ENGINE_V6_ALLOC_FAIL", ?why, "no lease could be allocated");
    }
}
