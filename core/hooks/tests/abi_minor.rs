//! Version negotiation across minors (HK-040): a plugin built for an older minor (1.1, before the
//! DHCPv6 lease services were appended) loads on this server and finds the 1.1 services where it
//! expects them; a plugin claiming a newer minor than the server's is refused. The plugins are small C
//! files compiled here against the generated header, declaring the minor they were "built" for.

use ruru_config::HookLibrary;
use ruru_hook_api::abi::RURU_HOOK_ABI_MINOR;
use ruru_hooks::{check, Family, HookSet, LoadError};
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
    assert_eq!(RURU_HOOK_ABI_MINOR, 3);
    let older = entry(plugin(1));
    let checked = check(&older, Family::V6, true).expect("a 1.1 plugin passes the checks");
    let set = HookSet::load(checked, Family::V6, 256).expect("and its load succeeds");
    set.unload();

    let newer = entry(plugin(RURU_HOOK_ABI_MINOR + 1));
    let errors = check(&newer, Family::V4, false).expect_err("a newer minor is refused");
    assert!(
        matches!(errors[..], [LoadError::Version { minor: 4, .. }]),
        "{errors:?}"
    );
}
