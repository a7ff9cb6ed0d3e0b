//! Loading and calling plugins as the framework logs it: a plugin without `load` (HK-029), a plugin
//! that checks which process loads it (HK-035), the callout timing messages (HK-059) and the library
//! path on every load and refusal (CTL-119). The plugins are small C files compiled here, plus the
//! lease commands plugin (`cargo build --workspace --lib` first).

mod support;

use ruru_config::HookLibrary;
use ruru_hooks::{check, Args, Called, Family, HookSet, LoadError, Point, RequestContext};
use std::path::PathBuf;
use support::log::{capture, with_id, Logged};
use tracing::level_filters::LevelFilter;
use tracing::Level;

/// `skip` sets SKIP: a run of `pkt4_receive` that ends in SKIP proves the callout ran.
const SKIP: &str = r#"
static int32_t skip(RuruCalloutHandle *h) {
    host->set_status(h, RURU_NEXT_STEP_SKIP);
    return 0;
}
"#;

fn entry(library: PathBuf) -> [HookLibrary; 1] {
    [HookLibrary {
        library,
        parameters: None,
    }]
}

fn load(libs: &[HookLibrary], family: Family) -> Result<std::sync::Arc<HookSet>, LoadError> {
    let checked = check(libs, family, true).expect("the plugin passes the checks");
    HookSet::load(checked, family, 256, true)
}

fn runs_pkt4_receive(set: &HookSet) -> bool {
    let called = set.call(
        Point::Pkt4Receive,
        &mut Args::new(),
        &mut RequestContext::new(),
    );
    matches!(called, Called::Skip)
}

/// HK-029: a plugin whose descriptor has no `load` but contributes a named callout is loaded, its
/// callout runs, and `HOOKS_NO_LOAD` is logged at debug level 40 with the library.
#[test]
fn hk029_plugin_without_load_contributes_its_callouts() {
    let source = support::callout_plugin("noload", SKIP, &[("pkt4_receive", "skip")]);
    let library = support::c_plugin("noload", &source, &[]);
    let libs = entry(library.clone());
    let (set, logged) = capture(LevelFilter::TRACE, || load(&libs, Family::V4));
    let set = set.expect("a plugin without load is valid");
    assert!(runs_pkt4_receive(&set), "its callout runs");
    set.unload();
    let no_load = with_id(&logged, "HOOKS_NO_LOAD");
    assert_eq!(no_load.len(), 1, "{logged:#?}");
    assert_eq!(no_load[0].level, Level::DEBUG);
    assert_eq!(no_load[0].field("debuglevel"), "40");
    assert_eq!(no_load[0].field("library"), library.display().to_string());
    assert!(with_id(&logged, "HOOKS_LOAD_SUCCESS").is_empty());
}

/// HK-035: `load` sees the process's family and Kea's process name, so it can refuse the wrong
/// server: this plugin accepts only `kea-dhcp4` with family 4.
#[test]
fn hk035_plugin_refuses_a_process_of_another_name() {
    let functions = format!(
        r#"{SKIP}
#include <string.h>

static int32_t load(RuruLibraryHandle *library) {{
    static const char want[] = "kea-dhcp4";
    (void)library;
    if (host->family != 4 || host->process_name.len != sizeof(want) - 1 ||
        memcmp(host->process_name.ptr, want, sizeof(want) - 1) != 0) {{
        return 3;
    }}
    return 0;
}}
"#
    );
    let source = support::plugin_source("only4", &functions, &[("pkt4_receive", "skip")], "load");
    let libs = entry(support::c_plugin("only4", &source, &[]));
    let set = load(&libs, Family::V4).expect("kea-dhcp4 is accepted");
    assert!(runs_pkt4_receive(&set));
    set.unload();
    for other in [Family::V6, Family::Agent] {
        let refused = load(&libs, other).expect_err("another process is refused");
        assert!(
            matches!(refused, LoadError::Load { rc: 3, .. }),
            "{other:?}: {refused}"
        );
    }
}

/// HK-035 with Kea's own lease commands plugin: it loads in `kea-dhcp4` and `kea-dhcp6` and refuses
/// the control agent's process, naming it (LC-003).
#[test]
fn hk035_lease_cmds_refuses_a_process_of_another_name() {
    let libs = entry(support::built_library("libdhcp_lease_cmds.so"));
    for family in [Family::V4, Family::V6] {
        load(&libs, family)
            .unwrap_or_else(|e| panic!("{family:?}: {e}"))
            .unload();
    }
    let checked = check(&libs, Family::Agent, false).expect("the checks pass");
    let (refused, logged) = capture(LevelFilter::INFO, || {
        HookSet::load(checked, Family::Agent, 0, false)
    });
    let refused = refused.expect_err("the agent's process is refused");
    assert!(matches!(refused, LoadError::Load { .. }), "{refused}");
    assert!(
        logged
            .iter()
            .any(|e| e.level == Level::ERROR
                && e.field("message").contains("not by 'kea-ctrl-agent'")),
        "{logged:#?}"
    );
}

/// The events of `id` about `point`.
fn about<'a>(logged: &'a [Logged], id: &str, point: &str) -> Vec<&'a Logged> {
    with_id(logged, id)
        .into_iter()
        .filter(|e| e.field("point") == point)
        .collect()
}

/// HK-059: each invoked point logs `HOOKS_CALLOUTS_BEGIN` and `HOOKS_CALLOUTS_COMPLETE` (debug level
/// 45, total duration) around one `HOOKS_CALLOUT_CALLED` per callout (level 55, its duration); a
/// logger admitting only the coarser debug band gets the first two, one at INFO none.
#[test]
fn hk059_callout_timing_messages_follow_the_debug_level() {
    let source = support::callout_plugin(
        "timed",
        SKIP,
        &[("pkt4_receive", "skip"), ("pkt4_receive", "skip")],
    );
    let libs = entry(support::c_plugin("timed", &source, &[]));
    let set = load(&libs, Family::V4).expect("loads");
    let (ran, logged) = capture(LevelFilter::TRACE, || runs_pkt4_receive(&set));
    assert!(ran);
    let begin = about(&logged, "HOOKS_CALLOUTS_BEGIN", "pkt4_receive");
    let called = about(&logged, "HOOKS_CALLOUT_CALLED", "pkt4_receive");
    let complete = about(&logged, "HOOKS_CALLOUTS_COMPLETE", "pkt4_receive");
    assert_eq!(
        (begin.len(), called.len(), complete.len()),
        (1, 2, 1),
        "{logged:#?}"
    );
    assert_eq!(
        (begin[0].level, begin[0].field("debuglevel")),
        (Level::DEBUG, "45")
    );
    assert_eq!(
        (complete[0].level, complete[0].field("debuglevel")),
        (Level::DEBUG, "45")
    );
    assert!(
        complete[0]
            .field("message")
            .contains("(total callouts duration: "),
        "{complete:?}"
    );
    for c in &called {
        assert_eq!((c.level, c.field("debuglevel")), (Level::TRACE, "55"));
        assert_eq!(c.field("index"), "1");
        assert!(
            c.field("message").contains("(callout duration: ")
                && c.field("message").ends_with(" ms)"),
            "{c:?}"
        );
    }
    let order: Vec<&str> = logged.iter().map(|e| e.field("id")).collect();
    assert_eq!(
        order,
        [
            "HOOKS_CALLOUTS_BEGIN",
            "HOOKS_CALLOUT_CALLED",
            "HOOKS_CALLOUT_CALLED",
            "HOOKS_CALLOUTS_COMPLETE"
        ]
    );

    let (_, logged) = capture(LevelFilter::DEBUG, || runs_pkt4_receive(&set));
    let ids: Vec<&str> = logged.iter().map(|e| e.field("id")).collect();
    assert_eq!(ids, ["HOOKS_CALLOUTS_BEGIN", "HOOKS_CALLOUTS_COMPLETE"]);

    let (ran, logged) = capture(LevelFilter::INFO, || runs_pkt4_receive(&set));
    assert!(ran && logged.is_empty(), "{logged:#?}");
    set.unload();
}

/// CTL-119: every load and every refusal is logged with the library's path: a successful load at
/// info level, a library that cannot be opened and one whose `load` fails at error level.
#[test]
fn ctl119_loads_and_failures_name_the_library() {
    let fails = r#"
static int32_t load(RuruLibraryHandle *library) {
    (void)library;
    return 7;
}
"#;
    let failing = support::c_plugin(
        "failsload",
        &support::plugin_source(
            "failsload",
            &format!("{SKIP}{fails}"),
            &[("pkt4_receive", "skip")],
            "load",
        ),
        &[],
    );
    let good = support::c_plugin(
        "loadsfine",
        &support::callout_plugin("loadsfine", SKIP, &[("pkt4_receive", "skip")]),
        &[],
    );
    let missing = std::env::temp_dir().join("ruru-ctl119-no-such-plugin.so");
    let logs_path = |logged: &[Logged], level: Level, path: &PathBuf| {
        let path = path.display().to_string();
        logged.iter().any(|e| {
            e.level == level
                && (e.field("library") == path || e.field("message").contains(path.as_str()))
        })
    };

    let (set, logged) = capture(LevelFilter::INFO, || load(&entry(good.clone()), Family::V4));
    set.expect("loads").unload();
    assert!(
        with_id(&logged, "HOOKS_LIBRARY_LOADED")
            .iter()
            .any(|e| e.level == Level::INFO && e.field("library") == good.display().to_string()),
        "{logged:#?}"
    );
    assert!(
        logs_path(&logged, Level::INFO, &good),
        "unloaded: {logged:#?}"
    );

    let (refused, logged) = capture(LevelFilter::INFO, || {
        check(&entry(missing.clone()), Family::V4, true)
    });
    assert!(refused.is_err());
    assert!(logs_path(&logged, Level::ERROR, &missing), "{logged:#?}");

    let (refused, logged) = capture(LevelFilter::INFO, || {
        load(&entry(failing.clone()), Family::V4)
    });
    assert!(matches!(refused, Err(LoadError::Load { rc: 7, .. })));
    assert!(logs_path(&logged, Level::ERROR, &failing), "{logged:#?}");
}
