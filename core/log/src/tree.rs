//! The `loggers` section resolved into what each logger name does (CTL-101, CTL-103).
//!
//! A logger without an entry behaves as its nearest configured ancestor (`kea-dhcp4.leases` →
//! `kea-dhcp4` → the process defaults). An entry sets only what it names: a left-out severity, debug
//! level or output list comes from the parent. An entry with severity DEBUG and no `debuglevel`
//! gets 0, not the parent's level. Several entries with one name merge in order.

use std::collections::HashMap;
use std::sync::Arc;

use ruru_config::{LogOutput, Logger, Severity};
use tracing::level_filters::LevelFilter;
use tracing::Level;

use crate::level::Threshold;
use crate::output::{Opener, Output};

/// What one logger name does.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) threshold: Threshold,
    pub(crate) outputs: Arc<[Output]>,
}

/// Every configured logger, resolved, and the defaults for names under none of them.
#[derive(Debug)]
pub(crate) struct Tree {
    /// The process's root logger (`kea-dhcp4`…), which also governs targets that are not logger
    /// names (module paths of crates logging without a `target:`).
    root: &'static str,
    base: Arc<Node>,
    named: HashMap<String, Arc<Node>>,
    max: LevelFilter,
}

/// The attributes the entries of one name set.
#[derive(Default)]
struct Entry<'l> {
    severity: Option<Severity>,
    debuglevel: Option<u8>,
    outputs: Option<&'l [LogOutput]>,
}

impl Tree {
    /// Resolves `loggers` over `base`, the defaults (CTL-103). `forced` (`-d`) puts every logger at
    /// DEBUG/99 whatever the entries say; their outputs still apply.
    pub(crate) fn build(
        root: &'static str,
        base: Node,
        forced: bool,
        loggers: &[Logger],
        opener: &mut Opener<'_>,
    ) -> Tree {
        let mut entries: HashMap<&str, Entry<'_>> = HashMap::new();
        for l in loggers {
            let e = entries.entry(l.name.as_str()).or_default();
            if l.severity.is_some() {
                // A new severity brings its own debug level (or 0), not an earlier entry's.
                e.severity = l.severity;
                e.debuglevel = l.debuglevel;
            } else if l.debuglevel.is_some() {
                e.debuglevel = l.debuglevel;
            }
            if !l.outputs.is_empty() {
                e.outputs = Some(&l.outputs);
            }
        }
        let mut resolver = Resolver {
            entries: &entries,
            base: Arc::new(base),
            forced,
            opener,
            named: HashMap::new(),
        };
        for name in entries.keys() {
            resolver.resolve(name);
        }
        let Resolver { base, named, .. } = resolver;
        let max = named
            .values()
            .map(|n| n.threshold.filter())
            .fold(base.threshold.filter(), LevelFilter::max);
        Tree {
            root,
            base,
            named,
            max,
        }
    }

    /// The logger an event of `target` belongs to: the target when it is a Kea logger name, else the
    /// root logger.
    pub(crate) fn logger<'s>(&'s self, target: &'s str) -> &'s str {
        if target.starts_with("kea-") {
            target
        } else {
            self.root
        }
    }

    /// The most specific configured logger at or above `logger` (CTL-101).
    pub(crate) fn node(&self, logger: &str) -> &Node {
        let mut name = logger;
        loop {
            if let Some(node) = self.named.get(name) {
                return node;
            }
            match name.rfind('.') {
                Some(dot) => name = &name[..dot],
                None => return &self.base,
            }
        }
    }

    /// Whether events of `target` at `level` may pass: the per-callsite part of the filter.
    pub(crate) fn enabled(&self, target: &str, level: Level) -> bool {
        if crate::is_plugin_target(target) {
            // The logger is named per event (HK-036): any configured level may admit it.
            return self.max >= level;
        }
        self.node(self.logger(target)).threshold.filter() >= level
    }

    /// The most verbose level any logger admits, so tracing skips the rest at its cheapest check.
    pub(crate) fn max(&self) -> LevelFilter {
        self.max
    }

    /// Writes what file outputs hold back (`flush` off).
    pub(crate) fn drain(&self) {
        for node in std::iter::once(&self.base).chain(self.named.values()) {
            node.outputs.iter().for_each(Output::drain);
        }
    }
}

struct Resolver<'r, 'l, 'o> {
    entries: &'r HashMap<&'l str, Entry<'l>>,
    base: Arc<Node>,
    forced: bool,
    opener: &'r mut Opener<'o>,
    named: HashMap<String, Arc<Node>>,
}

impl Resolver<'_, '_, '_> {
    fn resolve(&mut self, name: &str) -> Arc<Node> {
        if let Some(done) = self.named.get(name) {
            return done.clone();
        }
        let parent = match ancestors(name).find(|a| self.entries.contains_key(a)) {
            Some(ancestor) => self.resolve(ancestor),
            None => self.base.clone(),
        };
        let entry = &self.entries[name];
        let inherited = parent.threshold;
        let threshold = match (entry.severity, entry.debuglevel) {
            _ if self.forced => Threshold::DEBUG_ALL,
            (Some(severity), debuglevel) => Threshold {
                severity,
                debuglevel: debuglevel.unwrap_or(0),
            },
            (None, Some(debuglevel)) => Threshold {
                debuglevel,
                ..inherited
            },
            (None, None) => inherited,
        };
        let outputs = match entry.outputs {
            Some(outputs) => outputs.iter().map(|o| self.opener.open(name, o)).collect(),
            None => parent.outputs.clone(),
        };
        let node = Arc::new(Node { threshold, outputs });
        self.named.insert(name.to_owned(), node.clone());
        node
    }
}

/// `a.b.c` → `a.b`, `a`.
fn ancestors(name: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(name), |n| n.rfind('.').map(|dot| &n[..dot])).skip(1)
}
