//! Running callout points from the engine, the same for both families: parking awaited, a full
//! parking lot reported (HK-065), per-request context around the whole exchange (HK-138).

use ruru_hooks::{Args, Called, HookSet, Point, RequestContext, Unparked};
use std::future::Future;
use std::sync::Mutex;

/// What the engine does after a point's callouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Continue,
    Skip,
    Drop,
    /// The point's parking lot was full: drop and count (the caller names Kea's message).
    LotFull,
}

/// Runs `p` and waits out a park. The context lock is not held across the wait.
pub(crate) async fn run(
    hooks: &HookSet,
    p: Point,
    args: &mut Args<'_>,
    ctx: &Mutex<RequestContext>,
) -> Step {
    let called = {
        let mut ctx = ctx.lock().unwrap_or_else(|e| e.into_inner());
        hooks.call(p, args, &mut ctx)
    };
    match called {
        Called::Continue => Step::Continue,
        Called::Skip => Step::Skip,
        Called::Drop => Step::Drop,
        Called::LotFull => Step::LotFull,
        Called::Park(wait) => match wait.await {
            Unparked::Resume => Step::Continue,
            Unparked::Drop => Step::Drop,
        },
    }
}

/// Runs `exchange` between `context_create` and `context_destroy` (HK-018, HK-138), so plugins may
/// set up and tear down their per-request state in `ctx`.
pub(crate) async fn in_context<T>(
    hooks: &HookSet,
    ctx: &Mutex<RequestContext>,
    exchange: impl Future<Output = T>,
) -> T {
    if hooks.has(Point::ContextCreate) {
        run(hooks, Point::ContextCreate, &mut Args::new(), ctx).await;
    }
    let out = exchange.await;
    if hooks.has(Point::ContextDestroy) {
        run(hooks, Point::ContextDestroy, &mut Args::new(), ctx).await;
    }
    out
}

/// `lease*_expire` or `lease*_recover` during reclamation (HK-114, HK-115, HK-133, HK-134): `false`
/// when a plugin said SKIP, so the server leaves the lease to it (or declined).
pub(crate) fn reclaim_allowed(hooks: &HookSet, p: Point, args: &mut Args<'_>) -> bool {
    !matches!(
        hooks.call(p, args, &mut RequestContext::new()),
        Called::Skip
    )
}
