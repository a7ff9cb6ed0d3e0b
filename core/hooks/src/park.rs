//! Parking (HK-061..HK-069): a packet waits at a point until every plugin reference on it is released.
//!
//! A parked packet is an engine future awaiting a [`ParkWait`]; plugins hold tokens (boxed `Arc`s) that
//! they release from any thread. The waiting future is resumed by whichever executor polls it, never by
//! the releasing thread. Reconfiguration and shutdown discard every parked packet first.

use parking_lot::Mutex;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::task::{Context, Poll, Waker};

/// How a parked packet ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unparked {
    /// Processing resumes.
    Resume,
    /// The packet is discarded without a response.
    Drop,
}

#[derive(Debug, Default)]
struct State {
    resolved: Option<Unparked>,
    waker: Option<Waker>,
}

/// The shared state of one parked packet.
#[derive(Debug, Default)]
pub(crate) struct Parcel {
    refs: AtomicUsize,
    state: Mutex<State>,
}

impl Parcel {
    pub(crate) fn take_ref(&self) {
        self.refs.fetch_add(1, Ordering::AcqRel);
    }

    pub(crate) fn refs(&self) -> usize {
        self.refs.load(Ordering::Acquire)
    }

    /// Releases one reference; resumes when it was the last (or `force`).
    pub(crate) fn release(&self, force: bool) {
        let left = self
            .refs
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                Some(n.saturating_sub(1))
            })
            .map_or(0, |n| n.saturating_sub(1));
        if left == 0 || force {
            self.resolve(Unparked::Resume);
        }
    }

    /// Ends the parking; the first resolution wins.
    pub(crate) fn resolve(&self, how: Unparked) {
        let waker = {
            let mut s = self.state.lock();
            if s.resolved.is_some() {
                return;
            }
            s.resolved = Some(how);
            s.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// The parking lot of one point: its size is checked against `parked-packet-limit` (HK-065).
#[derive(Debug, Default)]
pub(crate) struct Lot {
    parked: Mutex<Vec<Weak<Parcel>>>,
}

impl Lot {
    pub(crate) fn len(&self) -> usize {
        let mut p = self.parked.lock();
        p.retain(|w| w.strong_count() > 0);
        p.len()
    }

    fn add(&self, parcel: &Arc<Parcel>) {
        self.parked.lock().push(Arc::downgrade(parcel));
    }

    /// Discards every parked packet (reconfiguration, shutdown: HK-068).
    pub(crate) fn discard_all(&self) {
        let parked = std::mem::take(&mut *self.parked.lock());
        for p in parked.iter().filter_map(Weak::upgrade) {
            p.resolve(Unparked::Drop);
        }
    }
}

/// A packet waiting in a lot; completes when unparked or discarded.
#[derive(Debug)]
pub struct ParkWait {
    parcel: Arc<Parcel>,
}

impl ParkWait {
    pub(crate) fn new(parcel: Arc<Parcel>, lot: &Lot) -> Self {
        lot.add(&parcel);
        ParkWait { parcel }
    }
}

impl Future for ParkWait {
    type Output = Unparked;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Unparked> {
        let mut s = self.parcel.state.lock();
        match s.resolved {
            Some(how) => Poll::Ready(how),
            None => {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HK-062: the packet resumes only when the last reference is released; HK-063 force and drop.
    #[test]
    fn hk_062_resume_after_last_reference() {
        let lot = Lot::default();
        let p = Arc::new(Parcel::default());
        p.take_ref();
        p.take_ref();
        let mut w = Box::pin(ParkWait::new(p.clone(), &lot));
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(lot.len(), 1);
        assert!(w.as_mut().poll(&mut cx).is_pending());
        p.release(false);
        assert!(w.as_mut().poll(&mut cx).is_pending());
        p.release(false);
        assert_eq!(w.as_mut().poll(&mut cx), Poll::Ready(Unparked::Resume));
        drop(w);
        drop(p);
        assert_eq!(lot.len(), 0);

        let p = Arc::new(Parcel::default());
        p.take_ref();
        p.take_ref();
        let mut w = Box::pin(ParkWait::new(p.clone(), &lot));
        p.release(true);
        assert_eq!(w.as_mut().poll(&mut cx), Poll::Ready(Unparked::Resume));
    }

    /// HK-068: discarding a lot drops every parked packet.
    #[test]
    fn hk_068_discard_drops_parked_packets() {
        let lot = Lot::default();
        let p = Arc::new(Parcel::default());
        p.take_ref();
        let mut w = Box::pin(ParkWait::new(p.clone(), &lot));
        lot.discard_all();
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(w.as_mut().poll(&mut cx), Poll::Ready(Unparked::Drop));
        // A late release after the discard changes nothing.
        p.release(false);
        assert_eq!(w.as_mut().poll(&mut cx), Poll::Ready(Unparked::Drop));
    }
}
