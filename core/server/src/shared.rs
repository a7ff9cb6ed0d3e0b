//! State shared by the packet tasks, the timers and the control channel.

use crate::control::DhcpState;
use parking_lot::RwLock;
use std::sync::Arc;

/// The current configuration snapshot `N` and lease store `S`, each swapped whole on reconfiguration.
pub(crate) struct Shared<N, S> {
    snapshot: RwLock<Arc<N>>,
    store: RwLock<Arc<S>>,
    state: Arc<DhcpState>,
    /// Exchanges that did not finish on their socket thread (parked, or waiting for a database)
    /// and are still running on the shared runtime, over all sockets.
    waiting: Arc<std::sync::atomic::AtomicUsize>,
}

impl<N, S> Shared<N, S> {
    /// Shared state serving `snapshot` from `store`.
    pub(crate) fn new(snapshot: N, store: Arc<S>, state: Arc<DhcpState>) -> Self {
        Shared {
            snapshot: RwLock::new(Arc::new(snapshot)),
            store: RwLock::new(store),
            state,
            waiting: Arc::default(),
        }
    }
    /// The snapshot in force; taken once per batch.
    pub(crate) fn snapshot(&self) -> Arc<N> {
        self.snapshot.read().clone()
    }
    /// The lease store in force.
    pub(crate) fn store(&self) -> Arc<S> {
        self.store.read().clone()
    }
    /// Installs a new configuration (and store): packets in flight finish on the old ones.
    pub(crate) fn replace(&self, snapshot: N, store: Arc<S>) {
        *self.store.write() = store;
        *self.snapshot.write() = Arc::new(snapshot);
    }
    /// The count of exchanges running off their socket thread.
    pub(crate) fn waiting(&self) -> &Arc<std::sync::atomic::AtomicUsize> {
        &self.waiting
    }
    /// Whether DHCP service is on (`dhcp-disable`/`dhcp-enable`, V4-021, V6-023).
    pub(crate) fn service_enabled(&self) -> bool {
        self.state.enabled()
    }
}
