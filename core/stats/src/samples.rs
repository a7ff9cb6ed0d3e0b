//! The bounded sample history of one statistic.

use std::collections::VecDeque;

/// One observation: the value and when it was recorded (µs since the Unix epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Value (128-bit: DHCPv6 capacities exceed 64 bits, CTL-066).
    pub value: i128,
    /// Microseconds since the Unix epoch.
    pub at_micros: i64,
}

/// How a statistic's samples are bounded: by count or by age, never both (Kea's rule, CTL-062).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Keep at most this many samples (at least 1).
    Count(u32),
    /// Keep samples younger than this many seconds (the newest is always kept).
    AgeSecs(u32),
}

impl Limit {
    /// Kea's default: 20 samples.
    pub const DEFAULT: Limit = Limit::Count(20);
}

/// Samples newest first, the bound they follow, and whether the statistic is hidden (removed until its
/// next update).
#[derive(Debug)]
pub(crate) struct Samples {
    ring: VecDeque<Sample>,
    limit: Limit,
    hidden: bool,
    /// When the statistic was created (µs): the time its value shows until its first update.
    created: i64,
    /// Added to the counter's 64-bit atomic value: non-zero only for values set beyond 64 bits
    /// (`Counter::set_wide`), which change at configuration, never on the hot path.
    pub(crate) base: i128,
}

impl Samples {
    pub(crate) fn new(limit: Limit, created: i64) -> Self {
        Self {
            ring: VecDeque::new(),
            limit,
            hidden: false,
            created,
            base: 0,
        }
    }

    /// Closes the newest sample at `before` (the value its tick ended with) and opens one at `after`.
    pub(crate) fn open(&mut self, now: i64, before: i128, after: i128) {
        self.hidden = false;
        match self.ring.front_mut() {
            Some(newest) if newest.at_micros == now => newest.value = after,
            Some(newest) => {
                newest.value = before;
                self.ring.push_front(Sample {
                    value: after,
                    at_micros: now,
                });
            }
            None => self.ring.push_front(Sample {
                value: after,
                at_micros: now,
            }),
        }
        self.trim(now);
    }

    /// Forgets the history and starts again at `value`.
    pub(crate) fn restart(&mut self, now: i64, value: i128) {
        self.ring.clear();
        self.open(now, value, value);
    }

    pub(crate) fn hide(&mut self) {
        self.ring.clear();
        self.hidden = true;
    }

    pub(crate) fn hidden(&self) -> bool {
        self.hidden
    }

    pub(crate) fn set_limit(&mut self, limit: Limit, now: i64) {
        self.limit = limit;
        self.trim(now);
    }

    /// Replaces `out` with the samples, newest first, the newest showing `current` (updates within its
    /// tick changed only the atomic value). A statistic never updated shows one sample of its current
    /// value, taken when it was created (Kea's servers set theirs to 0 when they create them, and that
    /// sample's time stays). Filling a caller's buffer keeps allocation out of the lock the hot path
    /// takes.
    pub(crate) fn list_into(&mut self, current: i128, now: i64, out: &mut Vec<Sample>) {
        self.trim(now);
        out.clear();
        out.extend(self.ring.iter().copied());
        match out.first_mut() {
            Some(newest) => newest.value = current,
            None => out.push(Sample {
                value: current,
                at_micros: self.created,
            }),
        }
    }

    /// Whether what [`Self::list_into`] gives changes only when the samples or the current value do:
    /// not so under an age limit, which drops samples as time passes.
    pub(crate) fn timeless(&self) -> bool {
        matches!(self.limit, Limit::Count(_))
    }

    fn trim(&mut self, now: i64) {
        match self.limit {
            Limit::Count(n) => self.ring.truncate(n.max(1) as usize),
            Limit::AgeSecs(secs) => {
                let oldest = now - i64::from(secs) * 1_000_000;
                while self.ring.len() > 1 && self.ring.back().is_some_and(|s| s.at_micros < oldest)
                {
                    self.ring.pop_back();
                }
            }
        }
    }
}
