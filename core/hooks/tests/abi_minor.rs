//! Version negotiation across minors (HK-040): a plugin built for an older minor (1.1, before the
//! DHCPv6 lease services were appended) loads on this server and finds the 1.1 services where it
//! expects them; a plugin claiming a newer minor than the server's is refused; and `ia_na` keeps the
//! form a plugin's minor knows (HK-125). The plugins are small C files compiled here against the
//! generated header, declaring the minor they were "built" for.

use ruru_config::HookLibrary;
use ruru_hook_api::abi::RURU_HOOK_ABI_MINOR;
use ruru_hooks::{check, Args, Called, Family, HookSet, LoadError, Point, RequestContext, Slot};
use ruru_proto::v6::{Ia, Options6};
use std::path::PathBuf;

mod support;

/// A plugin whose `load` calls the 1.1 service `lease4_get` (no storage is installed in this test
/// process, so the answer must be `RURU_ERR_STATE`) and reads the 1.0 field `abi_minor`; it loads only
/// when both are where a 1.1 plugin reads them.
const SOURCE: &str = r#"
#include "ruru_hooks.h"

static const RuruHostApi *host;

static void sink(void *ctx, RuruStr bytes) {
    (void)ctx;
    (void)bytes;
}

static int32_t load(RuruLibraryHandle *library) {
    (void)library;
    if (host->abi_minor < 1) {
        return 1;
    }
    return host->lease4_get(0xc0000201u, sink, NULL) == RURU_ERR_STATE ? 0 : 2;
}

static int32_t multi_threading_compatible(void) {
    return 1;
}

static const RuruPluginDescriptor descriptor = {
    .abi_major = RURU_HOOK_ABI_MAJOR,
    .abi_minor = PLUGIN_MINOR,
    .struct_size = sizeof(RuruPluginDescriptor),
    .name = {(const uint8_t *)"minor", 5},
    .multi_threading_compatible = multi_threading_compatible,
    .load = load,
    .unload = NULL,
    .callouts = NULL,
    .callouts_len = 0,
};

const RuruPluginDescriptor *ruru_plugin_descriptor(const RuruHostApi *h) {
    host = h;
    return &descriptor;
}
"#;

/// Compiles [`SOURCE`] as a plugin built for minor `minor`.
fn plugin(minor: u32) -> PathBuf {
    support::c_plugin(
        &format!("minor{minor}"),
        SOURCE,
        &[format!("PLUGIN_MINOR={minor}")],
    )
}

fn entry(library: PathBuf) -> [HookLibrary; 1] {
    [HookLibrary {
        library,
        parameters: None,
    }]
}

#[test]
fn a_plugin_built_for_1_1_loads_and_a_newer_minor_is_refused() {
    assert_eq!(RURU_HOOK_ABI_MINOR, 4);
    let older = entry(plugin(1));
    let checked = check(&older, Family::V6, true).expect("a 1.1 plugin passes the checks");
    let set = HookSet::load(checked, Family::V6, 256, true).expect("and its load succeeds");
    set.unload();

    let newer = entry(plugin(RURU_HOOK_ABI_MINOR + 1));
    let errors = check(&newer, Family::V4, false).expect_err("a newer minor is refused");
    assert!(
        matches!(errors[..], [LoadError::Version { minor: 5, .. }]),
        "{errors:?}"
    );
}

/// At `lease6_renew`, a plugin built for 1.4 finds `ia_na` as the answer's IA and sets a Success
/// status in it; one built for 1.3 finds the client's IA bytes (IAID 7 first) and says SKIP.
const RENEW: &str = r#"
static int32_t renew(RuruCalloutHandle *h) {
    static const RuruStr name = {(const uint8_t *)"ia_na", 5};
    RuruValue v;
    if (host->get_argument(h, name, &v) != RURU_OK) {
        return 1;
    }
#if PLUGIN_MINOR >= 4
    static const uint8_t ok[] = {0, 0, 'o', 'k'};
    const RuruStr status = {ok, sizeof ok};
    if (v.kind != RURU_VALUE_OBJECT || v.object_kind != RURU_OBJECT_IA6) {
        return 2;
    }
    return host->set_option(v.object, 13, status) == RURU_OK ? 0 : 3;
#else
    if (v.kind != RURU_VALUE_BYTES || v.bytes.len != 12 || v.bytes.ptr[3] != 7) {
        return 2;
    }
    host->set_status(h, RURU_NEXT_STEP_SKIP);
    return 0;
#endif
}
"#;

// HK-125: ABI 1.4 made `ia_na`/`ia_pd` the answer's IA; a plugin built for 1.3 still reads the
// client's IA bytes there, as it was built to.
#[test]
fn ia_na_has_the_form_of_the_plugins_minor() {
    let received = [0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0];
    for minor in [3, RURU_HOOK_ABI_MINOR] {
        let name = format!("renew{minor}");
        let source = support::callout_plugin(&name, RENEW, &[("lease6_renew", "renew")]);
        let library = support::c_plugin(&name, &source, &[format!("PLUGIN_MINOR={minor}")]);
        let checked = check(&entry(library), Family::V6, true).expect("passes the checks");
        let set = HookSet::load(checked, Family::V6, 256, true).expect("loads");
        let mut ia = Ia {
            iaid: 7,
            t1: 0,
            t2: 0,
            options: Options6::new(),
        };
        let slot = Slot::Ia6 {
            ia: &mut ia,
            code: 3,
            received: &received,
        };
        let mut args = Args::new().with("ia_na", slot);
        let called = set.call(Point::Lease6Renew, &mut args, &mut RequestContext::new());
        drop(args);
        set.unload();
        if minor >= 4 {
            assert!(matches!(called, Called::Continue), "{called:?}");
            assert_eq!(ia.options.get(13), Some(&b"\0\0ok"[..]));
        } else {
            assert!(
                matches!(called, Called::Skip),
                "1.3 sees the bytes: {called:?}"
            );
            assert!(ia.options.is_empty());
        }
    }
}
