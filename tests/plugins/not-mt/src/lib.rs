//! `ruru-test-not-mt`: a plugin whose descriptor says it is not multi-threading compatible (HK-023,
//! HK-024). With multi-threading off it loads, and its one `pkt4_receive` callout appends the line
//! `not-mt pkt4_receive` to the file given by the parameter `log`.

use ruru_hook_api::{Callout, HookResult, Library};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{PoisonError, RwLock};

static LOG: RwLock<Option<PathBuf>> = RwLock::new(None);

ruru_hook_api::ruru_plugin! {
    name: "not-mt",
    multi_threading_compatible: false,
    load: load,
    unload: unload,
    callouts: { pkt4_receive: pkt4_receive },
}

fn load(lib: &mut Library) -> HookResult {
    let log: Option<String> = lib
        .parameter_as("log")
        .map_err(|_| "parameter 'log' must be a string")?;
    *LOG.write().unwrap_or_else(PoisonError::into_inner) = log.map(PathBuf::from);
    Ok(())
}

fn unload() -> HookResult {
    *LOG.write().unwrap_or_else(PoisonError::into_inner) = None;
    Ok(())
}

fn pkt4_receive(_: &mut Callout) -> HookResult {
    if let Some(path) = LOG.read().unwrap_or_else(PoisonError::into_inner).as_ref() {
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| f.write_all(b"not-mt pkt4_receive\n"))
            .map_err(|e| format!("cannot append to {}: {e}", path.display()))?;
    }
    Ok(())
}
