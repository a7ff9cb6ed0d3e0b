//! What the integration tests share: finding the plugins the workspace built, and a DHCPv6 lease
//! storage over a real memfile.

#[allow(dead_code)]
pub(crate) mod admin6;
#[allow(dead_code)]
pub(crate) mod log;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The shared object `file` as `cargo build --workspace --lib` left it: under `CARGO_TARGET_DIR` when
/// set, else the workspace's `target/`, debug build first.
#[allow(dead_code)]
pub(crate) fn built_library(file: &str) -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
    let dirs: Vec<PathBuf> = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain([workspace])
        .collect();
    dirs.iter()
        .flat_map(|d| ["debug", "release"].map(|p| d.join(p).join(file)))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{file} is built (cargo build --workspace --lib)"))
}

/// Compiles the C plugin `source` against the generated header into `lib<name>.so` in this test
/// target's scratch directory, with the preprocessor definitions `defines` (`NAME=VALUE`).
#[allow(dead_code)]
pub(crate) fn c_plugin(name: &str, source: &str, defines: &[String]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("c-plugin-{name}"));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let src = dir.join(format!("{name}.c"));
    std::fs::write(&src, source).expect("write the C source");
    let out = dir.join(format!("lib{name}.so"));
    let include = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../hook-api/include");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let status = Command::new(&cc)
        .args(["-std=c11", "-Wall", "-Werror", "-shared", "-fPIC"])
        .args(defines.iter().map(|d| format!("-D{d}")))
        .arg("-I")
        .arg(&include)
        .arg("-o")
        .arg(&out)
        .arg(&src)
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler '{cc}': {e}"));
    assert!(status.success(), "{cc} failed on {}", src.display());
    out
}

/// The rest of a C plugin whose callout functions (`static int32_t f(RuruCalloutHandle *)`, using the
/// `host` table pointer this declares before them) come in `functions`: multi-threading compatible, no
/// `load`/`unload`, and `callouts` as (point, function) in declaration order.
#[allow(dead_code)]
pub(crate) fn callout_plugin(name: &str, functions: &str, callouts: &[(&str, &str)]) -> String {
    plugin_source(name, functions, callouts, "NULL")
}

/// [`callout_plugin`] whose descriptor names `load` (a function of `functions`, or `NULL`). The
/// descriptor claims the ABI minor `PLUGIN_MINOR` when the build defines it, else the header's.
#[allow(dead_code)]
pub(crate) fn plugin_source(
    name: &str,
    functions: &str,
    callouts: &[(&str, &str)],
    load: &str,
) -> String {
    let decls: String = callouts
        .iter()
        .map(|(point, f)| {
            format!(
                "    {{{{(const uint8_t *)\"{point}\", {}}}, {f}}},\n",
                point.len()
            )
        })
        .collect();
    format!(
        r#"#include "ruru_hooks.h"

#ifndef PLUGIN_MINOR
#define PLUGIN_MINOR RURU_HOOK_ABI_MINOR
#endif

static const RuruHostApi *host;

{functions}
static int32_t multi_threading_compatible(void) {{
    return 1;
}}

static const RuruCalloutDecl callouts[] = {{
{decls}}};

static const RuruPluginDescriptor descriptor = {{
    .abi_major = RURU_HOOK_ABI_MAJOR,
    .abi_minor = PLUGIN_MINOR,
    .struct_size = sizeof(RuruPluginDescriptor),
    .name = {{(const uint8_t *)"{name}", {}}},
    .multi_threading_compatible = multi_threading_compatible,
    .load = {load},
    .unload = NULL,
    .callouts = callouts,
    .callouts_len = {},
}};

const RuruPluginDescriptor *ruru_plugin_descriptor(const RuruHostApi *h) {{
    host = h;
    return &descriptor;
}}
"#,
        name.len(),
        callouts.len()
    )
}
