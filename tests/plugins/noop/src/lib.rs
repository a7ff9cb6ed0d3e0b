//! `ruru-test-noop`: registers, from `load`, one callout on every DHCPv4 callout point; the callout does
//! nothing and returns `Ok(())`. `scripts/bench/hooks4.sh` compares a server running it with one without
//! plugins, which measures what the plugin runtime itself costs per packet (HK-054: a no-op plugin on
//! every point leaves the responses as they are).

use ruru_hook_api::names::point;
use ruru_hook_api::{Callout, HookResult, Library};

ruru_hook_api::ruru_plugin! {
    name: "noop",
    multi_threading_compatible: true,
    load: load,
    callouts: {},
}

/// The DHCPv4 server's own points (`dhcp4_srv_configured` ... `ddns4_update`).
fn v4_points() -> impl Iterator<Item = &'static str> {
    point::ALL.iter().copied().filter(|p| p.contains('4'))
}

fn load(lib: &mut Library) -> HookResult {
    for p in v4_points() {
        lib.register_callout(p, ruru_hook_api::callout!(noop))?;
    }
    Ok(())
}

fn noop(_: &mut Callout) -> HookResult {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::v4_points;

    #[test]
    fn every_v4_point_and_no_other() {
        let points: Vec<_> = v4_points().collect();
        assert_eq!(points.len(), 17, "{points:?}");
        assert!(points.contains(&"pkt4_send") && points.contains(&"dhcp4_srv_configured"));
        assert!(!points
            .iter()
            .any(|p| p.contains('6') || p.starts_with("context")));
    }
}
