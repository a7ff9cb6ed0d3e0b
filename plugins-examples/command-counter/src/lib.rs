//! Example plugin: counts the DHCPv4 queries seen at `pkt4_receive` and answers two control commands,
//! `example-counter-get` (`{"arguments": {"count": N}}`) and `example-counter-reset`.

use ruru_hook_api::{Callout, Command, HookResult, Library, Response};
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};

/// Queries seen. Statics survive a reload when the library is reused, so `load` resets it.
static COUNT: AtomicU64 = AtomicU64::new(0);

ruru_hook_api::ruru_plugin! {
    name: "command-counter",
    multi_threading_compatible: true,
    load: load,
    unload: unload,
    callouts: { pkt4_receive: pkt4_receive },
}

fn load(lib: &mut Library) -> HookResult {
    COUNT.store(0, Ordering::Relaxed);
    lib.register_command("example-counter-get", ruru_hook_api::command!(counter_get))?;
    lib.register_command(
        "example-counter-reset",
        ruru_hook_api::command!(counter_reset),
    )?;
    Ok(())
}

fn unload() -> HookResult {
    COUNT.store(0, Ordering::Relaxed);
    Ok(())
}

fn pkt4_receive(_: &mut Callout) -> HookResult {
    COUNT.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

fn counter_get(_: &Command) -> Response {
    get_response(COUNT.load(Ordering::Relaxed))
}

fn counter_reset(_: &Command) -> Response {
    let before = COUNT.swap(0, Ordering::Relaxed);
    Response::success(format!("counter reset (was {before})"), None)
}

fn get_response(count: u64) -> Response {
    Response::success(
        format!("{count} queries received"),
        Some(json!({ "count": count })),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_response_shape() {
        assert_eq!(
            get_response(7).to_json(),
            json!({"result": 0, "text": "7 queries received", "arguments": {"count": 7}})
        );
    }
}
