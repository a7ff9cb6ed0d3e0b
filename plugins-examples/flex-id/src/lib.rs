//! Example plugin: reservations keyed by `flex-id` match the payload of one option of the query.
//!
//! ```json
//! "host-reservation-identifiers": ["flex-id", "hw-address"],
//! "hooks-libraries": [{"library": ".../libruru_example_flex_id.so", "parameters": {"option": 60}}],
//! "reservations": [{"flex-id": "'docsis3.0'", "ip-address": "192.0.2.9"}]
//! ```

use ruru_hook_api::names::arg;
use ruru_hook_api::{Callout, HookError, HookResult, Library, NextStep, Value};
use std::sync::atomic::{AtomicU8, Ordering};

/// The option whose payload is the identifier; 0 until loaded.
static OPTION: AtomicU8 = AtomicU8::new(0);

ruru_hook_api::ruru_plugin! {
    name: "flex-id",
    multi_threading_compatible: true,
    load: load,
    unload: unload,
    callouts: { host4_identifier: identify },
}

fn load(lib: &mut Library) -> HookResult {
    let code = lib
        .parameter_as::<i64>("option")?
        .and_then(|c| u8::try_from(c).ok())
        .filter(|c| (1..=254).contains(c))
        .ok_or_else(|| {
            HookError::Plugin("parameter 'option' must be an option code 1-254".into())
        })?;
    OPTION.store(code, Ordering::Relaxed);
    Ok(())
}

fn unload() -> HookResult {
    OPTION.store(0, Ordering::Relaxed);
    Ok(())
}

fn identify(c: &mut Callout) -> HookResult {
    let code = OPTION.load(Ordering::Relaxed);
    match c.query4()?.option(code).map(<[u8]>::to_vec) {
        Some(id) => c.set_arg(arg::ID_VALUE, Value::Bytes(&id)),
        // No option, no identifier: the server moves on to the next identifier type.
        None => {
            c.set_status(NextStep::Skip);
            Ok(())
        }
    }
}
