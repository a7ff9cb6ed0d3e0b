//! Statistics with Kea's names.
//!
//! The hot path holds [`Counter`] handles resolved once per configuration, so counting a packet is one
//! atomic add, never a map lookup. The [`Registry`] maps Kea's statistic names (`pkt4-received`,
//! `subnet[1].assigned-addresses`, …) to those counters for the management API.
//!
//! Kea keeps a list of timestamped samples per statistic, bounded by a count or an age. Ruru keeps one
//! sample per clock tick (the coarse real-time clock, a few milliseconds): the first update in a new
//! tick takes a lock and opens a sample; later updates in the same tick are only the atomic add, and
//! the newest sample is read as the current value. Updates further apart than a tick give one sample
//! each, as in Kea; bursts within a tick collapse into their final value.

mod clock;
mod render;
mod rendered;
mod samples;

pub use clock::{format_timestamp, now_micros};
pub use samples::{Limit, Sample};

use parking_lot::{Mutex, RwLock};
use rendered::Rendered;
use samples::Samples;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Weak};

/// One integer statistic. Statistics order nothing else: the value and the tick are relaxed atomics,
/// except where [`Counter::note_change`] says.
#[derive(Debug)]
pub struct Counter {
    value: AtomicI64,
    /// Timestamp (µs) of the newest sample; 0 forces the next update through the slow path.
    tick: AtomicI64,
    /// Set by the first change after `statistic-get-all` last read this counter; that change also
    /// queues the counter in `changes`, so a poll visits only the statistics that changed (CTL-068).
    queued: AtomicBool,
    changes: Arc<Changes>,
    /// This counter, for queueing itself.
    this: Weak<Counter>,
    samples: Mutex<Samples>,
}

/// The counters changed since `statistic-get-all` last read them, each once (see `Counter::queued`).
/// Weak: a counter removed from the registry and then dropped leaves nothing behind.
type Changes = Mutex<Vec<Weak<Counter>>>;

impl Counter {
    fn new(limit: Limit, changes: Arc<Changes>) -> Arc<Self> {
        Arc::new_cyclic(|this| Self {
            value: AtomicI64::new(0),
            tick: AtomicI64::new(0),
            queued: AtomicBool::new(false),
            changes,
            this: this.clone(),
            samples: Mutex::new(Samples::new(limit, now_micros())),
        })
    }

    /// Queues the counter for the next `statistic-get-all` unless it already is: one load on the hot
    /// path once queued. Sequentially consistent with [`Self::unqueue`]'s store and the reader's
    /// load of `value` (free on x86, where the add is a full barrier anyway): either this load sees
    /// the reader's `false` and queues again, or the reader's load sees the change.
    fn note_change(&self) {
        if !self.queued.load(Ordering::SeqCst) && !self.queued.swap(true, Ordering::SeqCst) {
            self.changes.lock().push(self.this.clone());
        }
    }

    /// Called by `statistic-get-all` just before it reads the counter: changes from here on queue it
    /// again.
    fn unqueue(&self) {
        self.queued.store(false, Ordering::SeqCst);
    }

    /// Runs `f` on the samples under their lock and marks them changed.
    fn edit<R>(&self, f: impl FnOnce(&mut Samples) -> R) -> R {
        let mut s = self.samples.lock();
        let r = f(&mut s);
        self.note_change();
        r
    }

    /// Adds one.
    pub fn inc(&self) {
        self.add(1);
    }
    /// Subtracts one.
    pub fn dec(&self) {
        self.add(-1);
    }
    /// Adds `n` (may be negative).
    pub fn add(&self, n: i64) {
        let before = self.value.fetch_add(n, Ordering::SeqCst);
        self.note_change();
        self.record(before, before.wrapping_add(n));
    }
    /// Overwrites the value (used when totals are recomputed at reconfiguration).
    pub fn set(&self, v: i64) {
        self.set_wide(i128::from(v));
    }
    /// Overwrites the value with one that may exceed 64 bits (DHCPv6 capacities: a /64 pool holds
    /// 2^64 addresses, V6-066). Later `add`s count on top of it.
    pub fn set_wide(&self, v: i128) {
        self.edit(|s| {
            let before = s.base + i128::from(self.value.swap(0, Ordering::Relaxed));
            s.base = v;
            s.open(now_micros(), before, v);
            self.tick.store(0, Ordering::Relaxed);
        });
    }
    /// Current value.
    pub fn get(&self) -> i128 {
        let s = self.samples.lock();
        s.base + i128::from(self.value.load(Ordering::Relaxed))
    }

    /// Opens a sample when the clock has moved to a new tick since the newest one.
    fn record(&self, before: i64, after: i64) {
        let now = now_micros();
        if self.tick.load(Ordering::Relaxed) == now {
            return;
        }
        self.edit(|s| {
            let base = s.base;
            s.open(now, base + i128::from(before), base + i128::from(after));
            self.tick.store(now, Ordering::Relaxed);
        });
    }

    /// Samples, newest first; the newest carries the current value.
    pub fn samples(&self) -> Vec<Sample> {
        let mut out = Vec::new();
        self.samples_into(&mut out);
        out
    }

    /// Replaces `out` with the samples, newest first; false (and `out` untouched) when the statistic
    /// is hidden.
    fn samples_into(&self, out: &mut Vec<Sample>) -> bool {
        self.read_into(out).visible
    }

    /// [`Self::samples_into`], also telling which state of the counter was read. One short lock, no
    /// allocation under it once `out` has grown.
    fn read_into(&self, out: &mut Vec<Sample>) -> Reading {
        let mut s = self.samples.lock();
        let reading = Reading {
            visible: !s.hidden(),
            ages: !s.timeless(),
        };
        if reading.visible {
            let current = s.base + i128::from(self.value.load(Ordering::SeqCst));
            s.list_into(current, now_micros(), out);
        }
        reading
    }

    /// Back to 0 with one fresh sample (`statistic-reset`).
    pub fn reset(&self) {
        self.edit(|s| {
            self.value.store(0, Ordering::Relaxed);
            s.base = 0;
            s.restart(now_micros(), 0);
            self.tick.store(0, Ordering::Relaxed);
        });
    }

    /// Replaces the bound on samples and trims at once.
    pub fn set_limit(&self, limit: Limit) {
        self.edit(|s| s.set_limit(limit, now_micros()));
    }

    /// Hides the statistic until its next update (`statistic-remove`: Kea drops it, and the server's
    /// next record creates it again).
    fn hide(&self) {
        self.edit(|s| {
            self.value.store(0, Ordering::Relaxed);
            s.base = 0;
            s.hide();
            self.tick.store(0, Ordering::Relaxed);
        });
    }

    fn hidden(&self) -> bool {
        self.samples.lock().hidden()
    }
}

/// What [`Counter::read_into`] read.
struct Reading {
    visible: bool,
    /// The samples change as time passes, with no update to queue the counter (an age limit).
    ages: bool,
}

/// Name → counter map shared by the server and the management API.
#[derive(Debug)]
pub struct Registry {
    /// Shared names: listing every statistic copies pointers, not strings.
    stats: RwLock<BTreeMap<Arc<str>, Arc<Counter>>>,
    /// Bumped, under the map's write lock, whenever a name is added or removed.
    names_version: AtomicU64,
    default_limit: Mutex<Limit>,
    /// Shared with every counter: those changed since the last `statistic-get-all`.
    changes: Arc<Changes>,
    /// The last `statistic-get-all` text, reused for the statistics unchanged since (CTL-068).
    rendered: Mutex<Rendered>,
}

impl Default for Registry {
    fn default() -> Self {
        Self {
            stats: RwLock::default(),
            names_version: AtomicU64::new(0),
            default_limit: Mutex::new(Limit::DEFAULT),
            changes: Arc::default(),
            rendered: Mutex::default(),
        }
    }
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
        let limit = *self.default_limit.lock();
        let created = self
            .stats
            .write()
            .entry(Arc::from(name))
            .or_insert_with(|| {
                self.names_version.fetch_add(1, Ordering::Relaxed);
                Counter::new(limit, self.changes.clone())
            })
            .clone();
        created
    }

    fn listed(&self, name: &str) -> Option<Arc<Counter>> {
        self.stats.read().get(name).filter(|c| !c.hidden()).cloned()
    }

    /// The current value of `name`, if it exists.
    pub fn get(&self, name: &str) -> Option<i128> {
        self.listed(name).map(|c| c.get())
    }

    /// The samples of `name`, newest first, if it exists.
    pub fn samples(&self, name: &str) -> Option<Vec<Sample>> {
        self.listed(name).map(|c| c.samples())
    }

    /// Every statistic and its value, in name order.
    pub fn snapshot(&self) -> Vec<(String, i128)> {
        self.each(|c| c.get())
    }

    /// Every statistic and its samples, in name order.
    pub fn all_samples(&self) -> Vec<(String, Vec<Sample>)> {
        self.each(Counter::samples)
    }

    fn each<T>(&self, f: impl Fn(&Counter) -> T) -> Vec<(String, T)> {
        self.listing()
            .into_iter()
            .filter(|(_, c)| !c.hidden())
            .map(|(k, c)| (k.to_string(), f(&c)))
            .collect()
    }

    /// Every name and counter, in name order. The map lock is held only to copy the pointers: the
    /// counters are read after, so a long walk never delays a reconfiguration (the map's writer).
    fn listing(&self) -> Vec<(Arc<str>, Arc<Counter>)> {
        let map = self.stats.read();
        let mut out = Vec::with_capacity(map.len());
        out.extend(map.iter().map(|(k, v)| (k.clone(), v.clone())));
        out
    }

    /// Resets `name` to 0; false when it does not exist.
    pub fn reset(&self, name: &str) -> bool {
        self.listed(name).map(|c| c.reset()).is_some()
    }

    /// Resets every statistic.
    pub fn reset_all(&self) {
        self.for_all(Counter::reset);
    }

    /// Removes `name` until the server records it again; false when it does not exist.
    pub fn remove(&self, name: &str) -> bool {
        self.listed(name).map(|c| c.hide()).is_some()
    }

    /// Removes every statistic until each is recorded again.
    pub fn remove_all(&self) {
        self.for_all(Counter::hide);
    }

    /// Bounds the samples of `name`; false when it does not exist.
    pub fn set_limit(&self, name: &str, limit: Limit) -> bool {
        self.listed(name).map(|c| c.set_limit(limit)).is_some()
    }

    /// Bounds every statistic's samples, and those created later (`statistic-sample-*-set-all`,
    /// `statistic-default-sample-count`/`-age`).
    pub fn set_limit_all(&self, limit: Limit) {
        *self.default_limit.lock() = limit;
        self.for_all(|c| c.set_limit(limit));
    }

    fn for_all(&self, f: impl Fn(&Counter)) {
        let counters: Vec<Arc<Counter>> = self.stats.read().values().cloned().collect();
        counters.iter().for_each(|c| f(c));
    }

    /// Removes every statistic whose name starts with `prefix` (e.g. `subnet[` at reconfiguration).
    pub fn remove_prefixed(&self, prefix: &str) {
        let mut map = self.stats.write();
        map.retain(|k, _| !k.starts_with(prefix));
        self.names_version.fetch_add(1, Ordering::Relaxed);
        // The next `statistic-get-all` lists the names again and reads every counter; until then the
        // queue would only gather the removed counters (a reconfiguration sets all of theirs).
        self.changes.lock().clear();
    }
}

#[cfg(test)]
mod tests;
