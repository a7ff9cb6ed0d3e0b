//! Plugins refused at the checks, built here as small C files (HK-022, HK-025): the configuration
//! naming them is rejected with Kea's message id.

use ruru_config::HookLibrary;
use ruru_hooks::{check, Family};

mod support;

/// The checks' refusal of the C plugin `source`, with multi-threading on (Kea 2.7's default; the
/// compatibility function is only asked then, in Kea as here).
fn refusal(name: &str, source: &str) -> String {
    let entry = [HookLibrary {
        library: support::c_plugin(name, source, &[]),
        parameters: None,
    }];
    let errors = check(&entry, Family::V4, true).expect_err("the plugin is refused");
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

// HK-022: a shared object without the entry point is refused (HOOKS_NO_VERSION).
#[test]
fn hk022_no_entry_point_is_refused() {
    let text = refusal("noversion", "int not_a_plugin(void) { return 0; }\n");
    assert!(
        text.contains("HOOKS_NO_VERSION") && text.contains("libnoversion.so"),
        "{text}"
    );
}

// HK-025: a compatibility function that fails with an exception makes the plugin unusable
// (HOOKS_MULTI_THREADING_COMPATIBLE_EXCEPTION).
#[test]
fn hk025_failing_compatibility_function_is_refused() {
    let source = r#"
#include "ruru_hooks.h"

static int32_t multi_threading_compatible(void) {
    return RURU_RESULT_EXCEPTION;
}

static const RuruPluginDescriptor descriptor = {
    .abi_major = RURU_HOOK_ABI_MAJOR,
    .abi_minor = RURU_HOOK_ABI_MINOR,
    .struct_size = sizeof(RuruPluginDescriptor),
    .name = {(const uint8_t *)"mtpanic", 7},
    .multi_threading_compatible = multi_threading_compatible,
    .load = NULL,
    .unload = NULL,
    .callouts = NULL,
    .callouts_len = 0,
};

const RuruPluginDescriptor *ruru_plugin_descriptor(const RuruHostApi *h) {
    (void)h;
    return &descriptor;
}
"#;
    let text = refusal("mtpanic", source);
    assert!(
        text.contains("HOOKS_MULTI_THREADING_COMPATIBLE_EXCEPTION"),
        "{text}"
    );
}
