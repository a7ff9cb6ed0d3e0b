//! The events the hooks framework logs, captured on the test's thread by a subscriber that admits
//! everything up to a maximum level (as the server's logging admits a band of Kea debug levels).

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

/// One logged event: where, how severe, and its fields (`message` included) as text.
#[derive(Debug, Clone)]
pub(crate) struct Logged {
    pub(crate) target: String,
    pub(crate) level: Level,
    pub(crate) fields: BTreeMap<String, String>,
}

impl Logged {
    /// Field `name` as logged, `""` when absent.
    pub(crate) fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

struct Capture(Arc<Mutex<Vec<Logged>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.0.lock().expect("log capture").push(Logged {
            target: event.metadata().target().to_owned(),
            level: *event.metadata().level(),
            fields,
        });
    }
}

/// Runs `f` with events up to `max` captured; returns its result and the events in order.
pub(crate) fn capture<T>(max: LevelFilter, f: impl FnOnce() -> T) -> (T, Vec<Logged>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry()
        .with(Capture(events.clone()))
        .with(max);
    let out = tracing::subscriber::with_default(subscriber, f);
    let logged = events.lock().expect("log capture").clone();
    (out, logged)
}

/// The events with message id `id`.
pub(crate) fn with_id<'a>(events: &'a [Logged], id: &str) -> Vec<&'a Logged> {
    events.iter().filter(|e| e.field("id") == id).collect()
}
