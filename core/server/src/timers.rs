//! Background work driven by `expired-leases-processing` and `lfc-interval`, for either family.

use crate::family::{flog_at, Family, SharedOf};
use ruru_engine::v4::ReclaimLimits;
use std::sync::Arc;
use std::time::Duration;

/// Reclaims expired leases every `reclaim-timer-wait-time` seconds after the previous cycle ended
/// (V4-079, V6-097).
pub(crate) async fn reclaim_loop<F: Family>(shared: Arc<SharedOf<F>>) {
    let mut unfinished_cycles = 0u32;
    loop {
        let exp = F::settings(F::config_of(&shared.snapshot())).expired_leases;
        if exp.reclaim_timer_wait_time == 0 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        tokio::time::sleep(Duration::from_secs(u64::from(exp.reclaim_timer_wait_time))).await;
        let (snap, store) = (shared.snapshot(), shared.store());
        let exp = F::settings(F::config_of(&snap)).expired_leases;
        let limits = ReclaimLimits {
            max_leases: exp.max_reclaim_leases as usize,
            max_time: Duration::from_millis(u64::from(exp.max_reclaim_time)),
            remove: exp.flush_reclaimed_timer_wait_time == 0 || exp.hold_reclaimed_time == 0,
        };
        let report = match F::reclaim(&snap, &store, crate::unix_now(), limits).await {
            Ok(r) => r,
            Err(e) => {
                flog_at!(
                    F::V6,
                    error,
                    "alloc-engine",
                    "lease reclamation failed: {e}"
                );
                continue;
            }
        };
        if let Err(e) = F::flush(&store).await {
            flog_at!(
                F::V6,
                error,
                "lease-mgr",
                "lease file write failed after reclamation: {e}"
            );
        }
        if report.unfinished {
            unfinished_cycles += 1;
            if exp.unwarned_reclaim_cycles > 0 && unfinished_cycles >= exp.unwarned_reclaim_cycles {
                flog_at!(
                    F::V6,
                    warn,
                    "alloc-engine",
                    id = if F::V6 {
                        "ALLOC_ENGINE_V6_LEASES_RECLAMATION_SLOW"
                    } else {
                        "ALLOC_ENGINE_V4_LEASES_RECLAMATION_SLOW"
                    },
                    cycles = unfinished_cycles,
                    "expired leases still remain after {unfinished_cycles} reclamation cycles"
                );
                unfinished_cycles = 0;
            }
        } else {
            unfinished_cycles = 0;
        }
        if report.reclaimed > 0 {
            flog_at!(
                F::V6,
                debug,
                "alloc-engine",
                id = if F::V6 {
                    "ALLOC_ENGINE_V6_LEASES_RECLAMATION_COMPLETE"
                } else {
                    "ALLOC_ENGINE_V4_LEASES_RECLAMATION_COMPLETE"
                },
                count = report.reclaimed,
                "reclaimed expired leases"
            );
        }
    }
}

/// Removes reclaimed leases held longer than `hold-reclaimed-time` (V4-080, V6-097).
pub(crate) async fn flush_reclaimed_loop<F: Family>(shared: Arc<SharedOf<F>>) {
    loop {
        let exp = F::settings(F::config_of(&shared.snapshot())).expired_leases;
        let wait = u64::from(exp.flush_reclaimed_timer_wait_time);
        tokio::time::sleep(Duration::from_secs(wait.max(1))).await;
        if wait == 0 {
            continue;
        }
        let store = shared.store();
        let held = u64::from(exp.hold_reclaimed_time);
        match F::flush_reclaimed(&store, crate::unix_now(), held).await {
            Ok(n) if n > 0 => {
                flog_at!(
                    F::V6,
                    debug,
                    "alloc-engine",
                    id = if F::V6 {
                        "ALLOC_ENGINE_V6_RECLAIMED_LEASES_DELETE_COMPLETE"
                    } else {
                        "ALLOC_ENGINE_V4_RECLAIMED_LEASES_DELETE_COMPLETE"
                    },
                    count = n,
                    "removed reclaimed leases"
                );
                let _ = F::flush(&store).await;
            }
            Ok(_) => {}
            Err(e) => {
                flog_at!(
                    F::V6,
                    error,
                    "alloc-engine",
                    "removing reclaimed leases failed: {e}"
                )
            }
        }
    }
}

/// Starts a lease file cleanup every `lfc-interval` seconds (V4-085, V6-102).
pub(crate) async fn lfc_loop<F: Family>(shared: Arc<SharedOf<F>>) {
    loop {
        let interval = match F::settings(F::config_of(&shared.snapshot())).lease_database {
            ruru_config::LeaseDatabase::Memfile {
                persist: true,
                lfc_interval,
                ..
            } => u64::from(*lfc_interval),
            _ => 0,
        };
        tokio::time::sleep(Duration::from_secs(interval.max(1))).await;
        if interval == 0 {
            continue;
        }
        match F::start_lfc(&shared.store()) {
            Ok(started) => {
                flog_at!(
                    F::V6,
                    info,
                    "lease-mgr",
                    id = "DHCPSRV_MEMFILE_LFC_START",
                    ?started,
                    "lease file cleanup"
                )
            }
            Err(e) => {
                flog_at!(
                    F::V6,
                    error,
                    "lease-mgr",
                    id = "DHCPSRV_MEMFILE_LFC_SPAWN_FAIL",
                    "lease file cleanup failed to start: {e}"
                )
            }
        }
    }
}
