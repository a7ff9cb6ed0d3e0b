//! Reclamation bounds and results, the same for both families.

use std::time::Duration;

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
