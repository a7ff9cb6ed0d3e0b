//! Lease reclamation (V4-077..V4-081): expired and declined leases return to the pool.

use super::snapshot::Snapshot4;
use ruru_lease::{LeaseState, LeaseStore4, StoreError};
use std::time::{Duration, Instant};

/// Bounds of one reclamation cycle (`max-reclaim-leases`, `max-reclaim-time`; 0 = unlimited).
#[derive(Debug, Clone, Copy)]
pub struct ReclaimLimits {
    /// At most this many leases (0 = no limit).
    pub max_leases: usize,
    /// At most this long (zero = no limit).
    pub max_time: Duration,
    /// Delete reclaimed leases instead of keeping them in state expired-reclaimed (no affinity).
    pub remove: bool,
}

/// What one cycle did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReclaimReport {
    /// Leases reclaimed.
    pub reclaimed: usize,
    /// Whether expired leases remain (the cycle hit a limit).
    pub unfinished: bool,
}

/// Reclaims leases expired at `now`, oldest first, within `limits`.
pub async fn reclaim<S: LeaseStore4>(
    snap: &Snapshot4,
    store: &S,
    now: u64,
    limits: ReclaimLimits,
) -> Result<ReclaimReport, StoreError> {
    let started = Instant::now();
    let batch = if limits.max_leases == 0 {
        0
    } else {
        limits.max_leases + 1
    };
    let expired = store.expired4(now, batch).await?;
    let mut report = ReclaimReport::default();
    for mut lease in expired {
        let over_count = limits.max_leases != 0 && report.reclaimed >= limits.max_leases;
        let over_time = !limits.max_time.is_zero() && started.elapsed() >= limits.max_time;
        if over_count || over_time {
            report.unfinished = true;
            break;
        }
        // A released lease left the assigned count when it was released; it only changes state here.
        if lease.state != LeaseState::Released {
            snap.count_reclaimed(&lease);
        }
        let declined = lease.state == LeaseState::Declined;
        if limits.remove || declined {
            store.delete4(lease.address).await?;
        } else {
            // Affinity (V4-080): the row stays so a returning client gets its address back.
            lease.state = LeaseState::ExpiredReclaimed;
            store.update4(&lease).await?;
        }
        tracing::debug!(target: "kea-dhcp4.alloc-engine", id = "ALLOC_ENGINE_V4_LEASE_RECLAIM", address = %lease.address, "lease reclaimed");
        report.reclaimed += 1;
    }
    Ok(report)
}
