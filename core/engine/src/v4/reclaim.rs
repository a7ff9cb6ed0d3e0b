//! Lease reclamation (V4-077..V4-081): expired and declined leases return to the pool.

use super::snapshot::Snapshot4;
use crate::reclaim::{ReclaimLimits, ReclaimReport};
use ruru_hook_api::names::arg;
use ruru_hooks::{Args, Point, Slot};
use ruru_lease::{Lease4, LeaseState, LeaseStore4, StoreError};
use std::time::Instant;

/// Reclaims leases expired at `now`, oldest first, within `limits`.
pub async fn reclaim<S: LeaseStore4>(
    snap: &Snapshot4,
    store: &S,
    now: u64,
    limits: ReclaimLimits,
) -> Result<ReclaimReport, StoreError> {
    let started = Instant::now();
    let expired = store.expired4(now, limits.batch()).await?;
    let mut report = ReclaimReport::default();
    for read in expired {
        if limits.reached(report.reclaimed, started) {
            report.unfinished = true;
            break;
        }
        let mut lease = read.clone();
        let declined = lease.state == LeaseState::Declined;
        if !reclaim_hook(snap, &mut lease, declined, limits.remove || declined) {
            // A plugin reclaimed it itself (lease4_expire) or keeps it declined (lease4_recover).
            continue;
        }
        let written = if limits.remove || declined {
            store.delete4(&read).await?
        } else {
            // Affinity (V4-080): the row stays so a returning client gets its address back.
            let kept = Lease4 {
                state: LeaseState::ExpiredReclaimed,
                ..lease.clone()
            };
            store.update4(&kept, &read).await?
        };
        if !written {
            // Renewed, reclaimed or deleted meanwhile by another server sharing the database
            // (LC-116): its lease stays and nothing is counted.
            tracing::debug!(target: "kea-dhcp4.alloc-engine", id = "ALLOC_ENGINE_V4_LEASE_RECLAMATION_FAILED", address = %lease.address, "lease changed since it was found expired");
            continue;
        }
        // A released lease left the assigned count and DNS when it was released; it only changes
        // state here.
        if lease.state != LeaseState::Released {
            snap.count_reclaimed(&lease);
        }
        if lease.state == LeaseState::Default {
            snap.queue_ncr(ruru_ddns::ChangeType::Remove, &lease);
        }
        tracing::debug!(target: "kea-dhcp4.alloc-engine", id = "ALLOC_ENGINE_V4_LEASE_RECLAIM", address = %lease.address, "lease reclaimed");
        report.reclaimed += 1;
    }
    Ok(report)
}

/// `lease4_expire` (HK-114) or, for a declined lease leaving probation, `lease4_recover` (HK-115).
fn reclaim_hook(snap: &Snapshot4, lease: &mut Lease4, declined: bool, remove: bool) -> bool {
    let (point, skip_id) = if declined {
        (Point::Lease4Recover, "DHCPSRV_HOOK_LEASE4_RECOVER_SKIP")
    } else {
        (Point::Lease4Expire, "DHCPSRV_HOOK_LEASE4_EXPIRE_SKIP")
    };
    if !snap.hooks.has(point) {
        return true;
    }
    let mut args = if declined {
        Args::new().with(arg::LEASE4, Slot::Lease4(lease))
    } else {
        Args::new()
            .with(arg::LEASE4, Slot::Lease4Mut(lease))
            .with(arg::REMOVE_LEASE, Slot::Bool(remove, false))
    };
    let allowed = crate::callouts::reclaim_allowed(&snap.hooks, point, &mut args);
    if !allowed {
        tracing::debug!(target: "kea-dhcp4.hooks", id = skip_id, "reclamation skipped by a plugin");
    }
    allowed
}
