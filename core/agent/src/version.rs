//! What `-v`, `-V`, `-W`, `version-get` and `build-report` print (CTL-040, CTL-041, CTL-130).
//!
//! The short version is the Kea level Ruru implements, because Stork and other integrations gate
//! features on a Kea-style version; Ruru's own version is in the extended text.

/// The Kea release whose behaviour this build matches.
const KEA_LEVEL: &str = "2.7.3";

/// The executable's name.
pub(crate) const BINARY: &str = "ruru-ctrl-agent";

/// Kea's name for it, which its PID file carries (`<config>.kea-ctrl-agent.pid`).
pub(crate) const BINARY_KEA: &str = "kea-ctrl-agent";

/// `-v`, `version-get` `text`.
pub(crate) fn short() -> &'static str {
    KEA_LEVEL
}

/// `-V`, `version-get` `arguments.extended`.
pub(crate) fn extended() -> String {
    format!("{KEA_LEVEL}\n{BINARY} (Ruru {})", env!("CARGO_PKG_VERSION"))
}

/// `-W`, `build-report` `text`.
pub(crate) fn build_report() -> String {
    format!(
        "Kea-compatible level: {KEA_LEVEL}\nRuru {}\nbinary: {BINARY}\nlistener: http, https\nforwarding: unix control sockets\nplugins: control_command_receive, auth",
        env!("CARGO_PKG_VERSION")
    )
}
