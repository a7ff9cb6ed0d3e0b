//! What `-v`, `-V`, `-W`, `version-get` and `build-report` print (CTL-040, CTL-041, CTL-130).
//!
//! The short version is the Kea level Ruru implements, because Stork, exporters and HA partners gate
//! features on a Kea-style version; Ruru's own version is in the extended text.

/// The Kea release whose behaviour this build matches.
pub(crate) const KEA_LEVEL: &str = "2.7.3";

/// `-v`, `version-get` `text`.
pub(crate) fn short() -> &'static str {
    KEA_LEVEL
}

/// `-V`, `version-get` `arguments.extended`.
pub(crate) fn extended(binary: &str) -> String {
    format!(
        "{KEA_LEVEL}\n{binary} (Ruru {}) lease backends: memfile",
        env!("CARGO_PKG_VERSION")
    )
}

/// `-W`, `build-report` `text`.
pub(crate) fn build_report(binary: &str) -> String {
    format!(
        "Kea-compatible level: {KEA_LEVEL}\nRuru {}\nbinary: {binary}\nlease backends: memfile\nhost backends: configuration file\ncontrol channels: unix, http, https",
        env!("CARGO_PKG_VERSION")
    )
}
