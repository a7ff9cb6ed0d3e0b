//! Reclamation bounds and results, the same for both families.

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

impl ReclaimLimits {
    /// How many expired leases a cycle asks the store for: one more than it may reclaim, so that one
    /// stopping at the limit knows more remain (0 = all).
    pub(crate) fn batch(&self) -> usize {
        match self.max_leases {
            0 => 0,
            n => n + 1,
        }
    }

    /// Whether a cycle started at `started` that has reclaimed `reclaimed` leases must stop.
    pub(crate) fn reached(&self, reclaimed: usize, started: Instant) -> bool {
        let over_count = self.max_leases != 0 && reclaimed >= self.max_leases;
        let over_time = !self.max_time.is_zero() && started.elapsed() >= self.max_time;
        over_count || over_time
    }
}

/// What one cycle did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReclaimReport {
    /// Leases reclaimed.
    pub reclaimed: usize,
    /// Whether expired leases remain (the cycle hit a limit).
    pub unfinished: bool,
}
