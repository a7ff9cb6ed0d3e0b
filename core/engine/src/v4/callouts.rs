//! Running callout points from the engine: parking awaited, a full parking lot counted (HK-065).

use super::snapshot::Snapshot4;
use ruru_hooks::{Args, Called, Point, RequestContext, Unparked};
use std::sync::Mutex;

/// What the engine does after a point's callouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Continue,
    Skip,
    Drop,
    /// The point's parking lot was full: drop and count.
    LotFull,
}

/// Runs `p` and waits out a park. The context lock is not held across the wait.
pub(crate) async fn run(
    snap: &Snapshot4,
    p: Point,
    args: &mut Args<'_>,
    ctx: &Mutex<RequestContext>,
) -> Step {
    let called = {
        let mut ctx = ctx.lock().unwrap_or_else(|e| e.into_inner());
        snap.hooks.call(p, args, &mut ctx)
    };
    match called {
        Called::Continue => Step::Continue,
        Called::Skip => Step::Skip,
        Called::Drop => Step::Drop,
        Called::LotFull => {
            tracing::debug!(target: "kea-dhcp4.hooks", point = p.name(), limit = snap.config.parked_packet_limit, "parking lot full, packet dropped");
            Step::LotFull
        }
        Called::Park(wait) => match wait.await {
            Unparked::Resume => Step::Continue,
            Unparked::Drop => Step::Drop,
        },
    }
}
