//! Parking edge cases (HK-066, HK-067), with a C plugin compiled here and a parking lot of one: a
//! park-capable point whose callouts do not park lets the packet go on and leaves nothing parked; a
//! callout that takes a park reference and then fails leaves nothing parked either, so the next
//! packet is not refused for a full lot.

use ruru_config::HookLibrary;
use ruru_hooks::{check, Args, Called, Family, HookSet, Point, RequestContext};

mod support;

/// `leases4_committed`: continue without parking; `lease4_offer`: take a park reference, then fail.
const SOURCE: &str = r#"
#include "ruru_hooks.h"

static const RuruHostApi *host;

static int32_t no_park(RuruCalloutHandle *h) {
    host->set_status(h, RURU_NEXT_STEP_CONTINUE);
    return 0;
}

static int32_t park_then_fail(RuruCalloutHandle *h) {
    if (host->park(h) == NULL) {
        return 0;
    }
    host->set_status(h, RURU_NEXT_STEP_PARK);
    return RURU_RESULT_EXCEPTION;
}

static int32_t multi_threading_compatible(void) {
    return 1;
}

static const RuruCalloutDecl callouts[] = {
    {{(const uint8_t *)"leases4_committed", 17}, no_park},
    {{(const uint8_t *)"lease4_offer", 12}, park_then_fail},
};

static const RuruPluginDescriptor descriptor = {
    .abi_major = RURU_HOOK_ABI_MAJOR,
    .abi_minor = RURU_HOOK_ABI_MINOR,
    .struct_size = sizeof(RuruPluginDescriptor),
    .name = {(const uint8_t *)"parks", 5},
    .multi_threading_compatible = multi_threading_compatible,
    .load = NULL,
    .unload = NULL,
    .callouts = callouts,
    .callouts_len = 2,
};

const RuruPluginDescriptor *ruru_plugin_descriptor(const RuruHostApi *h) {
    host = h;
    return &descriptor;
}
"#;

fn call(set: &HookSet, p: Point) -> Called {
    set.call(p, &mut Args::new(), &mut RequestContext::new())
}

#[test]
fn hk066_hk067_nothing_stays_parked() {
    let entry = [HookLibrary {
        library: support::c_plugin("parks", SOURCE, &[]),
        parameters: None,
    }];
    let checked = check(&entry, Family::V4, true).expect("the plugin passes the checks");
    let set = HookSet::load(checked, Family::V4, 1).expect("and loads with a lot of one");
    for round in 0..3 {
        // HK-066: not parked → on at once, every time.
        let c = call(&set, Point::Leases4Committed);
        assert!(matches!(c, Called::Continue), "round {round}: {c:?}");
        // HK-067: the failing callout's packet is dropped, and its lot slot freed.
        let c = call(&set, Point::Lease4Offer);
        assert!(matches!(c, Called::Drop), "round {round}: {c:?}");
    }
    set.unload();
}
