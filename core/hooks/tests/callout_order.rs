//! Several callouts of one plugin on one point (HK-014, HK-015): they run in the order the plugin
//! declared them, each sees the status the previous one left, and the status starts at CONTINUE
//! again for every invocation of the point. The plugin is a small C file compiled here.

use ruru_config::HookLibrary;
use ruru_hooks::{check, Args, Called, Family, HookSet, Point, RequestContext};

mod support;

/// `first` sets SKIP only when it finds CONTINUE; `second` turns SKIP into DROP and anything else
/// into CONTINUE. So DROP comes out exactly when the status was reset before `first`, `first` ran
/// before `second`, and `second` ran although `first` had said SKIP.
///
/// The descriptor around these functions comes from [`support::callout_plugin`].
const FUNCTIONS: &str = r#"
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
"#;

fn source() -> String {
    support::callout_plugin(
        "order",
        FUNCTIONS,
        &[("pkt4_receive", "first"), ("pkt4_receive", "second")],
    )
}

#[test]
fn hk014_hk015_one_plugins_callouts_in_declared_order_from_continue() {
    let library = support::c_plugin("order", &source(), &[]);
    let entry = [HookLibrary {
        library,
        parameters: None,
    }];
    let checked = check(&entry, Family::V4, true).expect("the plugin passes the checks");
    let set = HookSet::load(checked, Family::V4, 256, true).expect("and loads");
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
