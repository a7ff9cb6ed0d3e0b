//! `statistic-get-all`'s text, rewritten only where statistics changed (CTL-068).
//!
//! With 10 000 subnets there are some 190 000 statistics and most never move. Writing each one's text
//! on every poll cost tens of milliseconds, mostly cache misses on the counter, its sample buffer and
//! its name, and those milliseconds compete with the packet threads for the CPU. The registry keeps
//! its last answer with, per statistic, where its text lies and the [`Stamp`] of the state it shows;
//! a poll copies the text of every statistic whose stamp has not changed, read from the counter
//! without its lock, and writes the others afresh.

use crate::render::write_statistic;
use crate::{Counter, Registry, Stamp};
use std::ops::Range;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The last answer and what it was made of.
#[derive(Debug, Default)]
pub(crate) struct Rendered {
    /// The registry's `names_version` when `entries` was listed; `None` before the first listing.
    names_version: Option<u64>,
    /// Every statistic, in name order.
    entries: Vec<Entry>,
    /// Shared with the answers sent: they go out without a copy.
    text: Arc<String>,
}

#[derive(Debug)]
struct Entry {
    name: Arc<str>,
    counter: Arc<Counter>,
    /// The state `text` shows; `None` when it must be written again (never written, or samples that
    /// age out).
    shown: Option<Stamp>,
    /// This statistic's part of the text; empty when it was hidden.
    text: Range<usize>,
}

impl Registry {
    /// Lists the statistics again when names were added or removed since the last listing.
    pub(crate) fn relist(&self, rendered: &mut Rendered) {
        let map = self.stats.read();
        // Names change only under the map's write lock: this read is consistent with `map`.
        let version = self.names_version.load(Ordering::Relaxed);
        if rendered.names_version == Some(version) {
            return;
        }
        rendered.entries = map
            .iter()
            .map(|(name, counter)| Entry {
                name: name.clone(),
                counter: counter.clone(),
                shown: None,
                text: 0..0,
            })
            .collect();
        rendered.names_version = Some(version);
    }
}

impl Rendered {
    /// The text of the last [`Self::refresh`].
    pub(crate) fn text(&self) -> &Arc<String> {
        &self.text
    }

    /// Writes the answer again, copying each unchanged statistic's text from the previous one.
    pub(crate) fn refresh(&mut self) {
        let mut next = String::with_capacity(self.text.len().max(self.entries.len() * 80));
        let mut samples = Vec::new();
        let mut first = true;
        // Nearly all the time goes to the cache miss of reading each counter's stamp. Read them all
        // first in a loop whose iterations do not depend on each other, so the processor has many
        // of those misses in flight at once (several times faster than one per iteration).
        let now: Vec<Stamp> = self.entries.iter().map(|e| e.counter.stamp()).collect();
        next.push_str("{ ");
        for (entry, now) in self.entries.iter_mut().zip(now) {
            let unchanged = entry.shown == Some(now);
            if unchanged && entry.text.is_empty() {
                continue; // hidden then, hidden now
            }
            let reading = (!unchanged).then(|| entry.counter.read_into(&mut samples));
            if let Some(reading) = &reading {
                entry.shown = reading.stamp;
                if !reading.visible {
                    entry.text = 0..0;
                    continue;
                }
            }
            if !first {
                next.push_str(", ");
            }
            first = false;
            let start = next.len();
            match reading {
                None => next.push_str(&self.text[entry.text.clone()]),
                Some(_) => write_statistic(&mut next, &entry.name, &samples),
            }
            entry.text = start..next.len();
        }
        next.push_str(" }");
        self.text = Arc::new(next);
    }
}

#[cfg(test)]
mod tests {
    use crate::render::write_statistic;
    use crate::tests::next_tick;
    use crate::{now_micros, Limit, Registry};
    use std::time::Duration;

    /// The answer written from scratch, as before the reuse.
    fn from_scratch(r: &Registry) -> String {
        let mut out = String::from("{ ");
        let mut samples = Vec::new();
        let mut first = true;
        for (name, counter) in r.listing() {
            if counter.samples_into(&mut samples) {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                write_statistic(&mut out, &name, &samples);
            }
        }
        out.push_str(" }");
        out
    }

    fn all(r: &Registry) -> String {
        r.all_json().to_string()
    }

    // CTL-068, CTL-058..063: after every kind of change the reused answer equals one written from
    // scratch: updates within a tick and in a new one, wide values, reset, remove and reappearance,
    // a count limit, names added and removed.
    #[test]
    fn ctl068_reused_text_follows_every_change() {
        let r = Registry::new();
        let a = r.counter("a");
        let b = r.counter("subnet[1].b");
        let untouched = r.counter("c");
        let check = |what: &str| assert_eq!(all(&r), from_scratch(&r), "after {what}");
        check("creation");
        check("nothing");
        a.inc();
        check("an update");
        a.inc();
        check("an update in the same tick");
        next_tick();
        a.add(5);
        check("an update in a new tick");
        b.set_wide(1 << 80);
        check("a wide value");
        assert!(r.reset("a"));
        check("reset");
        assert!(r.remove("subnet[1].b"));
        check("remove");
        check("remove, twice");
        b.inc();
        check("reappearance");
        r.remove_all();
        check("remove-all");
        untouched.inc();
        check("one back after remove-all");
        for _ in 0..3 {
            next_tick();
            a.inc();
        }
        assert!(r.set_limit("a", Limit::Count(2)));
        check("a count limit");
        r.counter("b-new").inc();
        check("a new name");
        r.remove_prefixed("subnet[");
        check("removed names");
        assert!(all(&r).contains("\"b-new\""));
        assert!(!all(&r).contains("subnet[1]"));
    }

    // CTL-062, CTL-068: samples an age limit drops disappear from the reused answer too.
    #[test]
    fn ctl068_age_limited_samples_age_out_of_the_reused_text() {
        let r = Registry::new();
        let c = r.counter("x");
        c.inc();
        next_tick();
        c.inc();
        r.set_limit_all(Limit::AgeSecs(1));
        let before = all(&r);
        assert_eq!(before.matches("[ 1,").count(), 1, "{before}");
        std::thread::sleep(Duration::from_millis(1100));
        let after = all(&r);
        assert_eq!(after, from_scratch(&r));
        assert_eq!(after.matches("[ 1,").count(), 0, "{after}");
    }

    // CTL-066, CTL-068: a statistic never updated shows its creation time, poll after poll.
    #[test]
    fn ctl068_never_updated_statistics_keep_their_creation_time() {
        let r = Registry::new();
        r.counter("idle");
        let first = all(&r);
        next_tick();
        assert_eq!(all(&r), first);
        let created = r.samples("idle").unwrap()[0].at_micros;
        assert!(created < now_micros());
    }
}
