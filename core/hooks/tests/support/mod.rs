//! What the integration tests share: finding the plugins the workspace built, and a DHCPv6 lease
//! storage over a real memfile.

#[allow(dead_code)]
pub(crate) mod admin6;

use std::path::{Path, PathBuf};

/// The shared object `file` as `cargo build --workspace --lib` left it: under `CARGO_TARGET_DIR` when
/// set, else the workspace's `target/`, debug build first.
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
