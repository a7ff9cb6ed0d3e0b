//! `hooks-libraries` for either server: the validation phase (HK-040), the load phase with
//! `dhcp4_srv_configured`/`dhcp6_srv_configured` (HK-043..HK-047, HK-117, HK-136), and what the lease
//! services of both families share: the server's state reached weakly, waiting for the store, the
//! ResourceBusy rule.

use crate::shared::Shared;
use ruru_config::HookLibrary;
use ruru_hook_api::names::arg;
use ruru_hooks::{AdminError, Args, Called, Checked, Family, HookSet, RequestContext, Slot};
use ruru_lease::StoreError;
use std::future::Future;
use std::net::IpAddr;
use std::pin::pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll, Wake, Waker};

/// The running server's state as the lease services reach it (hook ABI 1.1/1.2): each call acts on
/// the snapshot and store in force at that moment. Held weakly, so the registration does not keep
/// the server's state alive.
pub(crate) struct ServerLeases<N, S> {
    shared: Weak<Shared<N, S>>,
}

impl<N, S> ServerLeases<N, S> {
    pub(crate) fn new(shared: &Arc<Shared<N, S>>) -> Self {
        ServerLeases {
            shared: Arc::downgrade(shared),
        }
    }

    /// The server's state, while it runs.
    pub(crate) fn shared(&self) -> Result<Arc<Shared<N, S>>, AdminError> {
        self.shared.upgrade().ok_or(AdminError::Unavailable)
    }

    /// Runs `f` on the snapshot and store in force, waiting for the backend.
    pub(crate) fn run<T, F: Future<Output = Result<T, StoreError>>>(
        &self,
        f: impl FnOnce(Arc<N>, Arc<S>) -> F,
    ) -> Result<T, AdminError> {
        let shared = self.shared()?;
        block_on(f(shared.snapshot(), shared.store()))
            .map_err(|e| AdminError::Backend(e.to_string()))
    }
}

/// The lease-service methods `hooks4::Admin4` and `hooks6::Admin6` answer alike, written into each
/// one's `impl LeaseAdmin4`/`LeaseAdmin6`: `$changes` is the family's engine lease admin
/// (`LeaseAdmin`, `LeaseAdmin6`), `$addr` its address type, `$info` its `SubnetInfo*` and `$of` the
/// function making one from a configured subnet.
macro_rules! lease_services_common {
    ($changes:ident, $addr:ty, $info:ty, $of:path) => {
        fn wipe(&self, ids: &[u32]) -> Result<usize, ruru_hooks::AdminError> {
            self.0
                .shared()?
                .store()
                .memfile_only("wiping leases")
                .map_err(|e| ruru_hooks::AdminError::Backend(e.to_string()))?;
            self.0
                .run(|snap, store| async move { $changes::new(&snap, &*store).wipe(ids).await })
        }

        fn write(&self, filename: &str) -> Result<std::path::PathBuf, ruru_hooks::AdminError> {
            let store = self.0.shared()?.store();
            $crate::lease_write::write_lease_file(filename, store.lease_file(), |path| {
                store.write_leases(path)
            })
        }

        fn subnets(&self) -> Result<Vec<$info>, ruru_hooks::AdminError> {
            let shared = self.0.shared()?;
            Ok(shared.snapshot().config.subnets.iter().map($of).collect())
        }

        fn select_subnet(&self, addr: $addr) -> Result<Option<$info>, ruru_hooks::AdminError> {
            let shared = self.0.shared()?;
            let (snap, store) = (shared.snapshot(), shared.store());
            Ok($changes::new(&snap, &*store).select_subnet(addr).map($of))
        }

        fn ddns_enabled(&self) -> bool {
            self.0.shared().is_ok_and(|s| s.snapshot().ddns.enabled())
        }
    };
}
pub(crate) use lease_services_common;

/// LC-021: a lease command on an address a packet being processed holds is refused with Kea's
/// `ResourceBusy` text rather than racing the packet.
pub(crate) fn not_busy(
    busy: &ruru_engine::Busy,
    addr: IpAddr,
    verb: &str,
) -> Result<(), AdminError> {
    if busy.is_held(addr) {
        return Err(AdminError::Busy(format!(
            "ResourceBusy: IP address:{addr} could not be {verb}."
        )));
    }
    Ok(())
}

/// A plugin's NameChangeRequest for a lease (`lease*-resend-ddns`, `lease*-del` with
/// `update-ddns`): refused with the reason when DDNS is off or the lease has nothing in DNS;
/// `queue` queues it and says whether the queue took it.
pub(crate) fn queue_ncr(
    ddns: &ruru_ddns::Queue,
    hostname: &str,
    has_direction: bool,
    queue: impl FnOnce() -> bool,
) -> Result<(), AdminError> {
    if !ddns.enabled() {
        return Err(AdminError::Unsupported(
            "DDNS updating is not enabled".into(),
        ));
    }
    if hostname.is_empty() {
        return Err(AdminError::Invalid("the lease has no hostname".into()));
    }
    if !has_direction {
        return Err(AdminError::Invalid(
            "neither forward nor reverse updates are set for the lease".into(),
        ));
    }
    queue()
        .then_some(())
        .ok_or_else(|| AdminError::Busy("the NameChangeRequest queue is full".into()))
}

/// The NCR change a plugin asked for.
pub(crate) fn ncr_change(add: bool) -> ruru_ddns::ChangeType {
    if add {
        ruru_ddns::ChangeType::Add
    } else {
        ruru_ddns::ChangeType::Remove
    }
}

/// Opens and checks every listed library without loading it; names every failing one.
pub(crate) fn check(
    libs: &[HookLibrary],
    family: Family,
    multi_threading: bool,
) -> Result<Vec<Checked>, String> {
    ruru_hooks::check(libs, family, multi_threading).map_err(|errs| {
        let all: Vec<String> = errs.iter().map(ToString::to_string).collect();
        format!(
            "One or more hook libraries failed validation: {}",
            all.join("; ")
        )
    })
}

/// Loads checked libraries and runs `dhcp*_srv_configured` with the configuration; a refusal
/// unloads them again. `multi_threading` is the configuration's mode, which plugins see from their
/// `load` on (HK-085).
pub(crate) fn load(
    checked: Vec<Checked>,
    family: Family,
    parked_packet_limit: u32,
    multi_threading: bool,
    config: &serde_json::Value,
) -> Result<Arc<HookSet>, String> {
    let set = HookSet::load(checked, family, parked_packet_limit, multi_threading)
        .map_err(|e| format!("One or more hook libraries failed to load: {e}"))?;
    if let Some(point) = family.srv_configured().filter(|p| set.has(*p)) {
        let config = config.to_string();
        let mut args = Args::new()
            .with(arg::IO_CONTEXT, Slot::Json(None, false))
            .with(
                arg::NETWORK_STATE,
                Slot::Json(Some(r#"{"disabled":false}"#.into()), false),
            )
            .with(arg::JSON_CONFIG, Slot::Json(Some(config.clone()), false))
            .with(arg::SERVER_CONFIG, Slot::Json(Some(config), false))
            .with(arg::ERROR, Slot::Text(None, true));
        let mut ctx = RequestContext::new();
        if let Called::Drop = set.call(point, &mut args, &mut ctx) {
            let why = args
                .text(arg::ERROR)
                .unwrap_or("no reason given")
                .to_owned();
            set.unload();
            return Err(format!(
                "a hook library refused the configuration ({}): {why}",
                point.name()
            ));
        }
    }
    Ok(set)
}

/// Runs a store future to completion on this thread. Memfile's complete on their first poll; a
/// backend that waits wakes this thread. Lease services are called from command handlers, which the
/// control channel runs on blocking threads, so waiting here stalls no packet.
pub(crate) fn block_on<F: Future>(f: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut f = pin!(f);
    loop {
        if let Poll::Ready(out) = f.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_on_waits_for_a_wake() {
        let (tx, rx) = std::sync::mpsc::channel::<Waker>();
        let mut polled = false;
        let fut = std::future::poll_fn(move |cx| {
            if polled {
                return Poll::Ready(7);
            }
            polled = true;
            tx.send(cx.waker().clone()).expect("send");
            Poll::Pending
        });
        let waker = std::thread::spawn(move || rx.recv().expect("waker").wake());
        assert_eq!(block_on(fut), 7);
        waker.join().expect("joined");
    }
}
