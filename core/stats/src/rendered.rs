//! `statistic-get-all`'s text, rewritten only where statistics changed (CTL-068).
//!
//! With 10 000 subnets there are some 190 000 statistics (a 16 MB answer) and most never move. The
//! registry keeps its last answer in pieces of [`CHUNK`] statistics each. A counter queues itself
//! when it changes (see [`Counter::note_change`]), so a poll visits only the changed statistics,
//! rewrites only the pieces that hold them, and shares every other piece unchanged with the answer
//! before: no walk over all the counters and no 16 MB copy, only the pieces the sockets send.

use crate::render::write_statistic;
use crate::{Counter, Registry};
use bytes::Bytes;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};

/// Statistics per piece: some 30 KB of text, about what a control socket writes at a time.
const CHUNK: usize = 384;

/// The last answer and what it was made of.
#[derive(Debug, Default)]
pub(crate) struct Rendered {
    /// The registry's `names_version` when `entries` was listed; `None` before the first listing.
    names_version: Option<u64>,
    /// Every statistic, in name order; `chunks[i]` holds the text of entries `i * CHUNK ..`.
    entries: Vec<Entry>,
    /// Index in `entries` by counter address (`entries` holds the counters: no address is reused
    /// while listed).
    by_counter: HashMap<usize, usize>,
    chunks: Vec<Chunk>,
}

#[derive(Debug)]
struct Entry {
    name: Arc<str>,
    counter: Arc<Counter>,
    /// Changed since its text was written, or never written.
    stale: bool,
    /// Its samples age out as time passes (an age limit): written on every poll.
    ages: bool,
    /// Its text in its chunk's, `, "name": [ … ]`; empty while hidden.
    text: Range<usize>,
}

#[derive(Debug, Default)]
struct Chunk {
    /// Its entries' texts, one after another; shared with the answers sent.
    text: Arc<String>,
    /// Holds a stale entry.
    stale: bool,
    /// How many of its entries age.
    aging: usize,
}

/// A chunk's text as [`Bytes`] without a copy.
struct SharedText(Arc<String>);

impl AsRef<[u8]> for SharedText {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl Registry {
    /// Lists the statistics again when names were added or removed since the last listing; every
    /// one is then written afresh.
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
                stale: true,
                ages: false,
                text: 0..0,
            })
            .collect();
        rendered.by_counter = (rendered.entries.iter().enumerate())
            .map(|(i, e)| (Arc::as_ptr(&e.counter) as usize, i))
            .collect();
        rendered.chunks = (0..rendered.entries.len().div_ceil(CHUNK))
            .map(|_| Chunk {
                stale: true,
                ..Chunk::default()
            })
            .collect();
        rendered.names_version = Some(version);
    }
}

impl Rendered {
    /// Marks the `changed` counters' entries stale (those no longer listed are skipped).
    pub(crate) fn note_changed(&mut self, changed: Vec<Weak<Counter>>) {
        for counter in changed.iter().filter_map(Weak::upgrade) {
            if let Some(&i) = self.by_counter.get(&(Arc::as_ptr(&counter) as usize)) {
                self.entries[i].stale = true;
                self.chunks[i / CHUNK].stale = true;
            }
        }
    }

    /// Writes again the chunks that hold stale or ageing entries, copying the text of the others.
    pub(crate) fn refresh(&mut self) {
        let mut samples = Vec::new();
        let chunks = self.chunks.iter_mut();
        for (chunk, entries) in chunks.zip(self.entries.chunks_mut(CHUNK)) {
            if !chunk.stale && chunk.aging == 0 {
                continue;
            }
            let mut text = String::with_capacity(chunk.text.len() + 256);
            for entry in entries {
                let start = text.len();
                if entry.stale || entry.ages {
                    // Changes from here on queue the counter again.
                    entry.counter.unqueue();
                    let reading = entry.counter.read_into(&mut samples);
                    if reading.ages != entry.ages {
                        entry.ages = reading.ages;
                        chunk.aging = if reading.ages {
                            chunk.aging + 1
                        } else {
                            chunk.aging - 1
                        };
                    }
                    entry.stale = false;
                    if reading.visible {
                        text.push_str(", ");
                        write_statistic(&mut text, &entry.name, &samples);
                    }
                } else {
                    text.push_str(&chunk.text[entry.text.clone()]);
                }
                entry.text = start..text.len();
            }
            chunk.text = Arc::new(text);
            chunk.stale = false;
        }
    }

    /// The answer: `{ `, the chunks' texts (the first statistic's without its `, `), ` }`.
    pub(crate) fn pieces(&self) -> Vec<Bytes> {
        let mut out = Vec::with_capacity(self.chunks.len() + 2);
        out.push(Bytes::from_static(b"{ "));
        for chunk in self.chunks.iter().filter(|c| !c.text.is_empty()) {
            let text = Bytes::from_owner(SharedText(chunk.text.clone()));
            out.push(if out.len() == 1 {
                text.slice(2..)
            } else {
                text
            });
        }
        out.push(Bytes::from_static(b" }"));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::CHUNK;
    use crate::render::write_statistic;
    use crate::tests::next_tick;
    use crate::{now_micros, Limit, Registry};
    use std::sync::Arc;
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
        crate::tests::joined(&r.all_json())
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

    /// A registry of `n` statistics `s00000`, `s00001`, … (name order is number order).
    fn numbered(n: usize) -> (Registry, Vec<Arc<crate::Counter>>) {
        let r = Registry::new();
        let counters = (0..n).map(|i| r.counter(&format!("s{i:05}"))).collect();
        (r, counters)
    }

    // CTL-068: with several pieces, the joined answer follows changes in any piece, at piece
    // boundaries, and when whole pieces are hidden (the first shown statistic then lies in a later
    // piece and loses its separator there).
    #[test]
    fn ctl068_pieces_follow_changes_in_every_piece() {
        let (r, c) = numbered(3 * CHUNK + 5);
        let check = |what: &str| assert_eq!(all(&r), from_scratch(&r), "after {what}");
        check("creation");
        c[CHUNK + 7].add(3);
        check("a change in the second piece");
        c[CHUNK - 1].inc();
        c[CHUNK].inc();
        check("changes either side of a boundary");
        for i in 0..CHUNK + 1 {
            assert!(r.remove(&format!("s{i:05}")));
        }
        check("the first piece and one more statistic hidden");
        c[3 * CHUNK + 4].set(-9);
        check("a change in the last, short piece");
        c[5].inc();
        check("one back in the first piece");
        r.remove_all();
        check("everything hidden");
    }

    // CTL-068: a poll rewrites only the pieces holding a changed statistic; the others are the
    // previous answer's, shared, not copies.
    #[test]
    fn ctl068_unchanged_pieces_are_shared_not_rewritten() {
        let (r, c) = numbered(4 * CHUNK);
        let before = r.all_json();
        c[2 * CHUNK + 3].inc();
        let after = r.all_json();
        assert_eq!(before.len(), after.len());
        let rewritten: Vec<usize> = (before.iter().zip(&after).enumerate())
            .filter(|(_, (b, a))| b.as_ptr() != a.as_ptr())
            .map(|(i, _)| i)
            .collect();
        // Piece 0 is the opening brace; chunk k is piece k + 1.
        assert_eq!(rewritten, [3]);
        let again = r.all_json();
        assert!(after
            .iter()
            .zip(&again)
            .all(|(a, b)| a.as_ptr() == b.as_ptr()));
    }

    // CTL-068: updates racing with polls are never lost: once the updates stop, the next answer
    // shows the final value (an update made while a poll reads the counter queues it again).
    #[test]
    fn ctl068_updates_during_polls_are_not_lost() {
        let (r, c) = numbered(2 * CHUNK);
        let r = Arc::new(r);
        let counter = c[CHUNK + 1].clone();
        let updates = 200_000;
        let updater = std::thread::spawn(move || (0..updates).for_each(|_| counter.inc()));
        while !updater.is_finished() {
            r.all_json();
        }
        updater.join().unwrap();
        let text = all(&r);
        assert_eq!(text, from_scratch(&r));
        assert!(
            text.contains(&format!("\"s{:05}\": [ [ {updates},", CHUNK + 1)),
            "{text}"
        );
    }
}
