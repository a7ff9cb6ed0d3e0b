//! Lease caching (`cache-threshold`, `cache-max-age`; V4-065, V6-082): a lease renewed early enough
//! is answered from what is stored instead of being rewritten, the same rule for both families.

/// Whether a lease written at `cltt` for `valid` seconds may be reused at `now`: caching is on
/// (a threshold in (0, 1] or a max age), and the lease is younger than both the threshold's share of
/// its lifetime and the max age.
pub(crate) fn reusable(
    threshold: Option<f64>,
    max_age: Option<u32>,
    cltt: u64,
    valid: u32,
    now: u64,
) -> bool {
    let threshold = threshold.filter(|t| *t > 0.0 && *t <= 1.0);
    if threshold.is_none() && max_age.is_none() {
        return false;
    }
    let age = now.saturating_sub(cltt);
    if threshold.is_some_and(|t| age as f64 >= t * f64::from(valid)) {
        return false;
    }
    !max_age.is_some_and(|m| m == 0 || age >= u64::from(m))
}

#[cfg(test)]
mod tests {
    use super::reusable;

    // V4-065, V6-082: off unless configured; a quarter of 2000 s is 500 s.
    #[test]
    fn threshold_and_max_age() {
        assert!(!reusable(None, None, 1000, 2000, 1100));
        assert!(reusable(Some(0.25), None, 1000, 2000, 1100));
        assert!(!reusable(Some(0.25), None, 1000, 2000, 1500));
        assert!(!reusable(Some(1.5), None, 1000, 2000, 1100));
        assert!(reusable(None, Some(200), 1000, 2000, 1100));
        assert!(!reusable(None, Some(100), 1000, 2000, 1100));
        assert!(!reusable(Some(0.25), Some(0), 1000, 2000, 1100));
    }
}
