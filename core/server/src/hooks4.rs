//! `hooks-libraries` for `ruru-dhcp4`: the validation phase (HK-040) and the load phase with
//! `dhcp4_srv_configured` (HK-043..HK-047).

use ruru_config::Dhcp4Config;
use ruru_hook_api::names::arg;
use ruru_hooks::{Args, Called, Checked, Family, HookSet, Point, RequestContext, Slot};
use std::sync::Arc;

/// Opens and checks every listed library without loading it; names every failing one.
pub(crate) fn check(cfg: &Dhcp4Config) -> Result<Vec<Checked>, String> {
    ruru_hooks::check(&cfg.hooks_libraries, Family::V4, cfg.multi_threading.enable).map_err(
        |errs| {
            let all: Vec<String> = errs.iter().map(ToString::to_string).collect();
            format!(
                "One or more hook libraries failed validation: {}",
                all.join("; ")
            )
        },
    )
}

/// Loads checked libraries and runs `dhcp4_srv_configured`; a refusal unloads them again.
pub(crate) fn load(checked: Vec<Checked>, cfg: &Dhcp4Config) -> Result<Arc<HookSet>, String> {
    let set = HookSet::load(checked, Family::V4, cfg.parked_packet_limit)
        .map_err(|e| format!("One or more hook libraries failed to load: {e}"))?;
    if set.has(Point::Dhcp4SrvConfigured) {
        let config = cfg.raw.to_string();
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
        if let Called::Drop = set.call(Point::Dhcp4SrvConfigured, &mut args, &mut ctx) {
            let why = args
                .text(arg::ERROR)
                .unwrap_or("no reason given")
                .to_owned();
            set.unload();
            return Err(format!(
                "a hook library refused the configuration (dhcp4_srv_configured): {why}"
            ));
        }
    }
    Ok(set)
}
