//! Config fragments every suite needs, in the Kea 2.2 syntax that Kea 2.7.3 also accepts.

use serde_json::{json, Value};

/// The `loggers` list: everything of `kea-dhcp4` (and its children) to stdout, which the
/// [`Server`](crate::Server) guard captures. Kea 2.2 only knows the `output_options` spelling.
pub fn stdout_loggers(severity: &str) -> Value {
    json!([{
        "name": "kea-dhcp4",
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
    }
}
