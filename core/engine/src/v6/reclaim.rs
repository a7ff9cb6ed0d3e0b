//! DHCPv6 lease reclamation (V6-095..V6-097): expired and declined leases return to their pools.

use super::snapshot::Snapshot6;
use crate::reclaim::{ReclaimLimits, ReclaimReport};
use ruru_hook_api::names::arg;
use ruru_hooks::{Args, Point, Slot};
use ruru_lease::{Lease6, LeaseState, LeaseStore6, StoreError};
use std::time::Instant;

/// Reclaims leases expired at `now`, oldest first, within `limits`.
pub async fn reclaim<S: LeaseStore6>(
    snap: &Snapshot6,
    store: &S,
    now: u64,
    limits: ReclaimLimits,
) -> Result<ReclaimReport, StoreError> {
    let started = Instant::now();
    let mut report = ReclaimReport::default();
    for read in store.expired6(now, limits.batch()).await? {
        if limits.reached(report.reclaimed, started) {
            report.unfinished = true;
            break;
        }
        let mut lease = read.clone();
        let declined = lease.state == LeaseState::Declined;
        if !reclaim_hook(snap, &mut lease, declined, limits.remove || declined) {
            // A plugin reclaimed it itself (lease6_expire) or keeps it declined (lease6_recover).
            continue;
        }
        let written = if limits.remove || declined {
            // A declined lease leaving probation is removed, never kept (V6-096).
            store.delete6(&read).await?
        } else {
            let kept = Lease6 {
                state: LeaseState::ExpiredReclaimed,
                ..lease.clone()
            };
            store.update6(&kept, &read).await?
        };
        if !written {
            // Renewed, reclaimed or deleted meanwhile by another server sharing the database
            // (LC-116): its lease stays and nothing is counted.
            tracing::debug!(target: "kea-dhcp6.alloc-engine", id = "ALLOC_ENGINE_V6_LEASE_RECLAMATION_FAILED", address = %lease.address, "lease changed since it was found expired");
            continue;
        }
        // A released lease left the assigned counts when it was released; it only changes state here
        // (and counts as reclaimed, V6-095).
        if lease.state == LeaseState::Released {
            snap.stats.reclaimed.inc();
            if let Some(si) = snap.subnet_by_id(lease.subnet_id) {
                snap.subnets[si].stats.reclaimed.inc();
            }
        } else {
            snap.count_reclaimed(&lease);
        }
        // Released and declined leases left DNS when they were given back.
        if lease.state == LeaseState::Default {
            snap.queue_ncr(ruru_ddns::ChangeType::Remove, &lease);
        }
        tracing::debug!(target: "kea-dhcp6.alloc-engine", id = "ALLOC_ENGINE_V6_LEASE_RECLAIM", address = %lease.address, "lease reclaimed");
        report.reclaimed += 1;
    }
    Ok(report)
}

/// `lease6_expire` (HK-133) or, for a declined lease leaving probation, `lease6_recover` (HK-134).
fn reclaim_hook(snap: &Snapshot6, lease: &mut Lease6, declined: bool, remove: bool) -> bool {
    let (point, skip_id) = if declined {
        (Point::Lease6Recover, "DHCPSRV_HOOK_LEASE6_RECOVER_SKIP")
    } else {
        (Point::Lease6Expire, "DHCPSRV_HOOK_LEASE6_EXPIRE_SKIP")
    };
    if !snap.hooks.has(point) {
        return true;
    }
    let mut args = if declined {
        Args::new().with(arg::LEASE6, Slot::Lease6(lease))
    } else {
        Args::new()
            .with(arg::LEASE6, Slot::Lease6Mut(lease))
            .with(arg::REMOVE_LEASE, Slot::Bool(remove, false))
    };
    let allowed = crate::callouts::reclaim_allowed(&snap.hooks, point, &mut args);
    if !allowed {
        tracing::debug!(target: "kea-dhcp6.hooks", id = skip_id, "reclamation skipped by a plugin");
    }
    allowed
}
