//! Parking edge cases (HK-066, HK-067), with a C plugin compiled here and a parking lot of one: a
//! park-capable point whose callouts do not park lets the packet go on and leaves nothing parked; a
//! callout that takes a park reference and then fails leaves nothing parked either, so the next
//! packet is not refused for a full lot.

use ruru_config::HookLibrary;
use ruru_hooks::{check, Args, Called, Family, HookSet, Point, RequestContext};

mod support;

/// `leases4_committed`: continue without parking; `lease4_offer`: take a park reference, then fail.
///
/// The descriptor around these functions comes from [`support::callout_plugin`].
const FUNCTIONS: &str = r#"
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
"#;

fn source() -> String {
    support::callout_plugin(
        "parks",
        FUNCTIONS,
        &[
            ("leases4_committed", "no_park"),
            ("lease4_offer", "park_then_fail"),
        ],
    )
}

fn call(set: &HookSet, p: Point) -> Called {
    set.call(p, &mut Args::new(), &mut RequestContext::new())
}

#[test]
fn hk066_hk067_nothing_stays_parked() {
    let entry = [HookLibrary {
        library: support::c_plugin("parks", &source(), &[]),
        parameters: None,
    }];
    let checked = check(&entry, Family::V4, true).expect("the plugin passes the checks");
    let set = HookSet::load(checked, Family::V4, 1, true).expect("and loads with a lot of one");
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
