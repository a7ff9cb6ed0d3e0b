//! The way off the agent (CTL-037): since Kea 2.7.2 the DHCP servers listen for HTTP(S) commands
//! themselves, so the agent's listener becomes one `control-sockets` entry of each server. The
//! mapping is the ARM's ("Migration from the Control Agent"): `http-host` → `socket-address`,
//! `http-port` → `socket-port`, `trust-anchor`, `cert-file`, `key-file`, `cert-required` and
//! `authentication` unchanged.

use serde_json::{json, Map, Value};

use ruru_config::reader::Document;
use ruru_config::ConfigError;

use super::{from_document, OBJECT};

/// Keys of the `Control-agent` map a server's HTTP control socket takes as they are written.
const COPIED: &[&str] = &[
    "trust-anchor",
    "cert-file",
    "key-file",
    "cert-required",
    "authentication",
];

/// The `control-sockets` entry that takes over the listener of the agent configuration `doc`,
/// and the services the agent forwarded to (each of which needs the entry, on an address and port
/// pair of its own). The configuration is validated as `-t` does first.
pub fn server_socket(doc: &Document) -> Result<(Value, Vec<String>), ConfigError> {
    let cfg = from_document(doc)?;
    let listener = &cfg.listener;
    // Address and port are written out: the servers' defaults differ from the agent's (DHCPv6
    // listens on ::1 by default).
    let mut entry = json!({
        "socket-type": if listener.tls.is_some() { "https" } else { "http" },
        "socket-address": listener.address.to_string(),
        "socket-port": listener.port,
    });
    let written = doc.root.get(OBJECT).map(|n| n.to_value());
    if let (Value::Object(entry), Some(Value::Object(agent))) = (&mut entry, written) {
        copy(entry, &agent);
    }
    Ok((entry, cfg.services.into_keys().collect()))
}

fn copy(entry: &mut Map<String, Value>, agent: &Map<String, Value>) {
    for key in COPIED {
        if let Some(value) = agent.get(*key) {
            entry.insert((*key).to_owned(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruru_config::reader;

    fn convert(text: &str) -> (Value, Vec<String>) {
        server_socket(&reader::read_str(text, "ca.json").unwrap()).unwrap()
    }

    /// CTL-037: host and port renamed, TLS keys and `authentication` copied as written (comments
    /// and user contexts included, no default added), `https` when TLS is set up.
    #[test]
    fn ctl037_agent_listener_becomes_a_server_socket() {
        let (entry, services) = convert(
            r#"{"Control-agent": {
                "http-host": "192.0.2.1", "http-port": 8443,
                // kept out of the entry
                "control-sockets": {"dhcp4": {"socket-name": "/run/kea/4.sock"},
                                    "dhcp6": {"socket-name": "/run/kea/6.sock"}},
                "trust-anchor": "/etc/kea/ca.pem", "cert-file": "/etc/kea/c.pem",
                "key-file": "/etc/kea/k.pem", "cert-required": false,
                "authentication": {"type": "basic", "directory": "/etc/kea/auth",
                    "clients": [{"user": "admin", "password-file": "pw", "comment": "ops"}]},
                "loggers": [{"name": "kea-ctrl-agent", "severity": "INFO"}]}}"#,
        );
        assert_eq!(
            entry,
            json!({"socket-type": "https", "socket-address": "192.0.2.1", "socket-port": 8443,
                   "trust-anchor": "/etc/kea/ca.pem", "cert-file": "/etc/kea/c.pem",
                   "key-file": "/etc/kea/k.pem", "cert-required": false,
                   "authentication": {"type": "basic", "directory": "/etc/kea/auth",
                       "clients": [{"user": "admin", "password-file": "pw", "comment": "ops"}]}})
        );
        assert_eq!(services, ["dhcp4", "dhcp6"]);
    }

    /// CTL-037: the agent's defaults are written out (127.0.0.1:8000), plain HTTP without TLS.
    #[test]
    fn ctl037_defaults_written_out() {
        let (entry, services) = convert(r#"{"Control-agent": {}}"#);
        assert_eq!(
            entry,
            json!({"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": 8000})
        );
        assert!(services.is_empty());
    }

    /// CTL-037: an invalid agent configuration is refused as `-t` refuses it.
    #[test]
    fn ctl037_invalid_agent_configuration_refused() {
        let doc = reader::read_str(r#"{"Control-agent": {"cert-file": "c"}}"#, "ca.json").unwrap();
        let e = server_socket(&doc).unwrap_err().to_string();
        assert!(e.contains("trust-anchor parameter is missing"), "{e}");
    }
}
