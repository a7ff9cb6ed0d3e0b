//! Statistics with Kea's names.
//!
//! The hot path holds [`Counter`] handles resolved once per configuration, so counting a packet is one
//! atomic add, never a map lookup. The [`Registry`] maps Kea's statistic names (`pkt4-received`,
//! `subnet[1].assigned-addresses`, …) to those counters for the management API.

use parking_lot::RwLock;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// One integer statistic. Relaxed atomics: statistics order nothing else.
#[derive(Debug, Default)]
pub struct Counter(AtomicI64);

impl Counter {
    /// Adds one.
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    /// Subtracts one.
    pub fn dec(&self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
    /// Adds `n` (may be negative).
    pub fn add(&self, n: i64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    /// Overwrites the value (used when totals are recomputed at reconfiguration).
    pub fn set(&self, v: i64) {
        self.0.store(v, Ordering::Relaxed);
    }
    /// Current value.
    pub fn get(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Name → counter map shared by the server and the management API.
#[derive(Debug, Default)]
pub struct Registry {
    stats: RwLock<BTreeMap<String, Arc<Counter>>>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// The counter named `name`, created at 0 if it does not exist yet.
    pub fn counter(&self, name: &str) -> Arc<Counter> {
        if let Some(c) = self.stats.read().get(name) {
            return c.clone();
        }
        self.stats
            .write()
            .entry(name.to_owned())
            .or_default()
            .clone()
    }

    /// The current value of `name`, if it exists.
    pub fn get(&self, name: &str) -> Option<i64> {
        self.stats.read().get(name).map(|c| c.get())
    }

    /// Every statistic and its value, in name order.
    pub fn snapshot(&self) -> Vec<(String, i64)> {
        self.stats
            .read()
            .iter()
            .map(|(k, v)| (k.clone(), v.get()))
            .collect()
    }

    /// Removes every statistic whose name starts with `prefix` (e.g. `subnet[` at reconfiguration).
    pub fn remove_prefixed(&self, prefix: &str) {
        self.stats.write().retain(|k, _| !k.starts_with(prefix));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_handles_share_the_registered_value() {
        let r = Registry::new();
        let a = r.counter("pkt4-received");
        let b = r.counter("pkt4-received");
        a.inc();
        b.add(2);
        assert_eq!(r.get("pkt4-received"), Some(3));
        assert_eq!(r.get("missing"), None);
    }

    #[test]
    fn remove_prefixed_keeps_globals() {
        let r = Registry::new();
        r.counter("subnet[1].assigned-addresses").inc();
        r.counter("pkt4-sent").inc();
        r.remove_prefixed("subnet[");
        assert_eq!(
            r.snapshot(),
            vec![("pkt4-sent".to_string(), 1)],
            "only the global survives"
        );
    }
}
