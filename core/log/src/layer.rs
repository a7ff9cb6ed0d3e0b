//! The tracing layer: decides per callsite from the current [`Tree`], and writes each admitted
//! event to its logger's outputs.

use std::cell::RefCell;
use std::fmt::{Debug, Write};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use parking_lot::RwLock;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::Context;

use crate::level::MAX_DEBUG;
use crate::pattern::Record;
use crate::tree::Tree;

/// The field carrying a Kea message ID (`id = "DHCP4_STARTED"`), printed first (CTL-108).
const ID: &str = "id";

/// The field refining an event's Kea debug level (see [`crate::level`]); not printed.
const DEBUGLEVEL: &str = "debuglevel";

/// Fields `tracing-log` adds to records of the `log` crate; the record's text is enough.
const LOG_FIELDS: &str = "log.";

/// The field naming a plugin's own logger on events of a [`crate::PLUGIN_TARGETS`] target: the
/// event belongs to `<root>.<logger>` (HK-036, e.g. `kea-dhcp4.lease-cmds-hooks`); not printed.
const LOGGER: &str = "logger";

/// State shared by the layer and the [`Logging`](crate::Logging) handle.
#[derive(Debug)]
pub(crate) struct Shared {
    tree: RwLock<Arc<Tree>>,
    started: Instant,
    pid: u32,
}

impl Shared {
    pub(crate) fn new(tree: Tree) -> Shared {
        Shared {
            tree: RwLock::new(Arc::new(tree)),
            started: Instant::now(),
            pid: std::process::id(),
        }
    }

    pub(crate) fn current(&self) -> Arc<Tree> {
        self.tree.read().clone()
    }

    /// Puts `tree` in force. Events already past the filter finish with the tree they took; the
    /// old tree's files close when the last of them is done.
    pub(crate) fn replace(&self, tree: Tree) {
        *self.tree.write() = Arc::new(tree);
        // Callsites cache whether they are enabled, and tracing a global maximum level: both are
        // computed again from the new tree.
        tracing::callsite::rebuild_interest_cache();
    }
}

/// The layer installed over tracing's registry.
pub(crate) struct KeaLayer(pub(crate) Arc<Shared>);

impl<S: Subscriber> tracing_subscriber::Layer<S> for KeaLayer {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if self.0.current().enabled(meta.target(), *meta.level()) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _: Context<'_, S>) -> bool {
        self.0.current().enabled(meta.target(), *meta.level())
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(self.0.current().max())
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        write(&self.0, event);
    }
}

thread_local! {
    /// Per-thread buffers, so formatting an event allocates nothing once they have grown.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
    /// `%t` and `%T` of this thread.
    static THREAD: (u64, u64) = {
        // SAFETY: both calls only identify the calling thread.
        unsafe { (libc::pthread_self() as u64, libc::gettid() as u64) }
    };
}

#[derive(Default)]
struct Scratch {
    fields: Fields,
    line: String,
    /// `<root>.<logger>` of a plugin's event.
    plugin_logger: String,
}

fn write(shared: &Shared, event: &Event<'_>) {
    let tree = shared.current();
    let meta = event.metadata();
    let level = *meta.level();
    let plugin = crate::is_plugin_target(meta.target());
    // The callsite check used the tree of its time; a reconfiguration may have come since. A
    // plugin's event is checked once its logger name is read.
    if !plugin && tree.node(tree.logger(meta.target())).threshold.filter() < level {
        return;
    }
    SCRATCH.with(|scratch| {
        // Only an output that logged while writing could find the buffers taken; its event is
        // dropped rather than written into the middle of another line.
        let Ok(mut scratch) = scratch.try_borrow_mut() else {
            return;
        };
        let Scratch {
            fields,
            line,
            plugin_logger,
        } = &mut *scratch;
        fields.clear();
        event.record(fields);
        let logger = if plugin {
            plugin_logger.clear();
            let root = meta.target().split('.').next().unwrap_or_default();
            let own = if fields.logger.is_empty() {
                "hooks"
            } else {
                fields.logger.as_str()
            };
            let _ = write!(plugin_logger, "{root}.{own}");
            plugin_logger.as_str()
        } else {
            tree.logger(meta.target())
        };
        let node = tree.node(logger);
        if !node.threshold.admits(level, fields.debuglevel) {
            return;
        }
        let (thread, tid) = THREAD.with(|t| *t);
        let record = Record {
            time: SystemTime::now(),
            uptime: shared.started.elapsed(),
            level,
            logger,
            message: fields.compose(),
            pid: shared.pid,
            thread,
            tid,
            file: meta.file(),
            line: meta.line(),
            module: meta.module_path(),
        };
        for output in node.outputs.iter() {
            output.write(&record, line);
        }
    });
}

/// An event's fields, sorted into what Kea's `%m` is made of: `ID text key=value …`.
#[derive(Default)]
struct Fields {
    id: String,
    text: String,
    rest: String,
    debuglevel: Option<u8>,
    message: String,
    /// A plugin's own logger name ([`LOGGER`]).
    logger: String,
}

impl Fields {
    fn clear(&mut self) {
        for s in [
            &mut self.id,
            &mut self.text,
            &mut self.rest,
            &mut self.message,
            &mut self.logger,
        ] {
            s.clear();
            // One huge message should not keep its buffer for the thread's life.
            s.shrink_to(1 << 16);
        }
        self.debuglevel = None;
    }

    /// The message: the ID, the text, then the other fields.
    fn compose(&mut self) -> &str {
        let m = &mut self.message;
        m.push_str(&self.id);
        if !self.id.is_empty() && !self.text.is_empty() {
            m.push(' ');
        }
        m.push_str(&self.text);
        m.push_str(if m.is_empty() {
            self.rest.trim_start()
        } else {
            &self.rest
        });
        m
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            ID => self.id.push_str(value),
            "message" => self.text.push_str(value),
            LOGGER => self.logger.push_str(value),
            _ => self.record_debug(field, &value),
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == DEBUGLEVEL {
            self.debuglevel = Some(value.min(MAX_DEBUG.into()) as u8);
        } else {
            self.record_debug(field, &value);
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if field.name() == DEBUGLEVEL {
            self.debuglevel = Some(value.clamp(0, MAX_DEBUG.into()) as u8);
        } else {
            self.record_debug(field, &value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        // Writing into a String cannot fail. `%x` fields arrive here unquoted, plain strings
        // (through record_str) quoted: tracing's own rendering.
        let _ = match field.name() {
            "message" => write!(self.text, "{value:?}"),
            ID => write!(self.id, "{value:?}"),
            DEBUGLEVEL => Ok(()),
            name if name.starts_with(LOG_FIELDS) => Ok(()),
            name => write!(self.rest, " {name}={value:?}"),
        };
    }
}
