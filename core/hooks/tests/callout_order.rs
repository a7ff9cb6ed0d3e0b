//! Several callouts of one plugin on one point (HK-014, HK-015): they run in the order the plugin
//! declared them, each sees the status the previous one left, and the status starts at CONTINUE
//! again for every invocation of the point. The plugin is a small C file compiled here.

use ruru_config::HookLibrary;
use ruru_hooks::{check, Args, Called, Family, HookSet, Point, RequestContext};

mod support;

/// `first` sets SKIP only when it finds CONTINUE; `second` turns SKIP into DROP and anything else
/// into CONTINUE. So DROP comes out exactly when the status was reset before `first`, `first` ran
/// before `second`, and `second` ran although `first` had said SKIP.
const SOURCE: &str = r#"
#include "ruru_hooks.h"

static const RuruHostApi *host;

static int32_t first(RuruCalloutHandle *h) {
    if (host->get_status(h) == RURU_NEXT_STEP_CONTINUE) {
        host->set_status(h, RURU_NEXT_STEP_SKIP);
    }
    return 0;
}

static int32_t second(RuruCalloutHandle *h) {
    int32_t seen = host->get_status(h);
    host->set_status(h, seen == RURU_NEXT_STEP_SKIP ? RURU_NEXT_STEP_DROP : RURU_NEXT_STEP_CONTINUE);
    return 0;
}

static int32_t multi_threading_compatible(void) {
    return 1;
}

static const RuruCalloutDecl callouts[] = {
    {{(const uint8_t *)"pkt4_receive", 12}, first},
    {{(const uint8_t *)"pkt4_receive", 12}, second},
};

static const RuruPluginDescriptor descriptor = {
    .abi_major = RURU_HOOK_ABI_MAJOR,
    .abi_minor = RURU_HOOK_ABI_MINOR,
    .struct_size = sizeof(RuruPluginDescriptor),
    .name = {(const uint8_t *)"order", 5},
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

#[test]
fn hk014_hk015_one_plugins_callouts_in_declared_order_from_continue() {
    let library = support::c_plugin("order", SOURCE, &[]);
    let entry = [HookLibrary {
        library,
        parameters: None,
    }];
    let checked = check(&entry, Family::V4, true).expect("the plugin passes the checks");
    let set = HookSet::load(checked, Family::V4, 256).expect("and loads");
    for round in 0..2 {
        let called = set.call(
            Point::Pkt4Receive,
            &mut Args::new(),
            &mut RequestContext::new(),
        );
        assert!(matches!(called, Called::Drop), "round {round}: {called:?}");
    }
    set.unload();
}
