//! Config fragments every suite needs, in the Kea 2.2 syntax that Kea 2.7.3 also accepts.

use serde_json::{json, Value};

use crate::subject::Family;

/// The `loggers` list: everything of `kea-dhcp4` (and its children) to stdout, which the
/// [`Server`](crate::Server) guard captures. Kea 2.2 only knows the `output_options` spelling.
pub fn stdout_loggers(severity: &str) -> Value {
    stdout_loggers_for(Family::V4, severity)
}

/// [`stdout_loggers`] for the daemon of `family` (`kea-dhcp4` or `kea-dhcp6`, the root logger
/// names Ruru's servers answer to as well).
pub fn stdout_loggers_for(family: Family, severity: &str) -> Value {
    json!([{
        "name": family.kea_name(),
        "output_options": [{"output": "stdout"}],
        "severity": severity
    }])
}

/// A memfile lease database that writes every change, with lease file cleanup off so a test
/// sees every row. The [`Server`](crate::Server) guard fills in the file name.
pub fn persistent_memfile() -> Value {
    json!({"type": "memfile", "persist": true, "lfc-interval": 0})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_have_the_keys_kea_22_reads() {
        assert_eq!(
            stdout_loggers("WARN")[0]["output_options"][0]["output"],
            "stdout"
        );
        assert_eq!(persistent_memfile()["persist"], true);
        assert_eq!(
            stdout_loggers_for(Family::V6, "INFO")[0]["name"],
            "kea-dhcp6"
        );
    }
}
