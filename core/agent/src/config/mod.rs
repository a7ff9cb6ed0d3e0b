//! The `Control-agent` configuration (CTL-031): read with `ruru_config::reader` (comments,
//! includes, positions), checked key by key, and validated into [`AgentConfig`].
//!
//! `ruru-config` deserializes the servers' maps; the agent's map is Kea's smallest and has its own
//! rules (a fixed `control-sockets` map instead of a list, all-or-nothing TLS keys, the
//! `kea-control-agent` realm), so it is read here. Nothing is opened: `-t` runs anywhere.

mod fields;
mod listener;
mod loggers;
mod migrate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ruru_config::reader::{self, Document};
use ruru_config::{ConfigError, HookLibrary, HttpControlSocket, Logger};
use serde_json::{json, Map, Value};

use fields::Fields;
pub(crate) use listener::REALM;
pub use migrate::server_socket;

/// The configuration object of the agent's file.
pub const OBJECT: &str = "Control-agent";

/// The services a `control-sockets` map may name (Kea's grammar).
const SERVICES: &[&str] = &["dhcp4", "dhcp6", "d2"];

/// A validated `Control-agent` map.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentConfig {
    /// The HTTP(S) listener: `http-host`, `http-port`, the TLS keys and `authentication`.
    pub listener: HttpControlSocket,
    /// `user-context` of `authentication` (the shared model has no place for it).
    pub auth_context: Option<Map<String, Value>>,
    /// `control-sockets`: where each service's UNIX control socket is.
    pub services: BTreeMap<String, ServiceSocket>,
    /// `hooks-libraries`: the agent's plugins, in load order.
    pub hooks: Vec<HookLibrary>,
    /// `loggers`.
    pub loggers: Vec<Logger>,
    /// `user-context` of the `Control-agent` map.
    pub user_context: Option<Map<String, Value>>,
    /// Tolerated oddities of the file (trailing commas), with positions.
    pub warnings: Vec<String>,
}

/// One entry of `control-sockets`.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSocket {
    /// `socket-name`.
    pub path: PathBuf,
    /// `user-context`.
    pub user_context: Option<Map<String, Value>>,
}

/// Reads and validates an agent configuration file (and its includes).
pub fn load_file(path: &Path) -> Result<AgentConfig, ConfigError> {
    from_document(&reader::read_file(path)?)
}

/// Validates a whole configuration given as JSON (`{"Control-agent": {...}}`), as `config-set`
/// and `config-test` pass it; positions refer to its pretty-printed form.
pub fn parse_value(value: &Value) -> Result<AgentConfig, ConfigError> {
    from_document(&reader::from_value(value, "<config>")?)
}

fn from_document(doc: &Document) -> Result<AgentConfig, ConfigError> {
    // As in Kea's agent grammar, the file holds the one object and nothing else (CTL-073).
    let top = Fields::new(
        &doc.root,
        "the top level",
        &[OBJECT],
        " (an agent configuration holds only Control-agent)",
    )?;
    let node = top.node(OBJECT).ok_or_else(|| ConfigError::Syntax {
        file: doc.root.loc.file.to_string(),
        line: doc.root.loc.line as usize,
        col: doc.root.loc.col as usize,
        msg: "the configuration has no Control-agent map".into(),
    })?;
    let f = Fields::new(
        node,
        OBJECT,
        &[
            "http-host",
            "http-port",
            "trust-anchor",
            "cert-file",
            "key-file",
            "cert-required",
            "authentication",
            "control-sockets",
            "hooks-libraries",
            "loggers",
            "user-context",
            "comment",
        ],
        "",
    )?;
    let (listener, auth_context) = listener::listener(&f)?;
    Ok(AgentConfig {
        listener,
        auth_context,
        services: services(&f)?,
        hooks: hooks(&f)?,
        loggers: loggers::loggers(&f)?,
        user_context: f.user_context()?,
        warnings: doc.warnings.clone(),
    })
}

/// `hooks-libraries` (CTL-036): `library` is mandatory, `parameters` a map; the files are opened
/// when the configuration is put in force (or checked by `-t`), not here.
fn hooks(f: &Fields<'_>) -> Result<Vec<HookLibrary>, ConfigError> {
    f.list("hooks-libraries")?
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let entry = Fields::new(
                node,
                &format!("{}[{i}]", f.at("hooks-libraries")),
                &["library", "parameters"],
                "",
            )?;
            let library = entry
                .string("library")?
                .filter(|l| !l.is_empty())
                .ok_or_else(|| entry.invalid("library", "hooks library needs a 'library' path"))?;
            let parameters = match entry.node("parameters") {
                None => None,
                Some(n) => match n.to_value() {
                    v @ Value::Object(_) => Some(v),
                    _ => return Err(entry.invalid("parameters", "'parameters' must be a map")),
                },
            };
            Ok(HookLibrary {
                library: PathBuf::from(library),
                parameters,
            })
        })
        .collect()
}

/// `control-sockets`: a map keyed by service, each a UNIX socket (CTL-031).
fn services(f: &Fields<'_>) -> Result<BTreeMap<String, ServiceSocket>, ConfigError> {
    let Some(node) = f.node("control-sockets") else {
        return Ok(BTreeMap::new());
    };
    let path = f.at("control-sockets");
    let map = Fields::new(node, &path, SERVICES, " (services are dhcp4, dhcp6 and d2)")?;
    let mut services = BTreeMap::new();
    for service in SERVICES {
        let Some(node) = map.node(service) else {
            continue;
        };
        let s = Fields::new(
            node,
            &map.at(service),
            &["socket-type", "socket-name", "user-context", "comment"],
            "",
        )?;
        match s.string("socket-type")?.as_deref() {
            None | Some("unix") => {}
            Some(other) => {
                return Err(s.invalid(
                    "socket-type",
                    format!(
                    "unsupported socket-type '{other}' (the agent forwards over unix sockets only)"
                ),
                ))
            }
        }
        let name = s
            .string("socket-name")?
            .filter(|n| !n.is_empty())
            .ok_or_else(|| s.invalid("socket-name", "a control socket needs a 'socket-name'"))?;
        services.insert(
            service.to_string(),
            ServiceSocket {
                path: PathBuf::from(name),
                user_context: s.user_context()?,
            },
        );
    }
    Ok(services)
}

impl AgentConfig {
    /// `{"Control-agent": {...}}` as in force, defaults included and `comment` folded into
    /// `user-context`, as `config-get` and `config-write` show it; read back it yields the same
    /// configuration (CTL-043, CTL-072).
    pub fn to_json(&self) -> Value {
        let mut object = listener::to_json(&self.listener, self.auth_context.as_ref());
        let sockets: Map<String, Value> = self
            .services
            .iter()
            .map(|(service, s)| {
                let mut entry = json!({"socket-type": "unix", "socket-name": s.path});
                put_context(&mut entry, s.user_context.as_ref());
                (service.clone(), entry)
            })
            .collect();
        object.insert("control-sockets".into(), Value::Object(sockets));
        let hooks: Vec<Value> = self
            .hooks
            .iter()
            .map(|h| {
                let mut entry = json!({"library": h.library});
                if let Some(p) = &h.parameters {
                    entry["parameters"] = p.clone();
                }
                entry
            })
            .collect();
        object.insert("hooks-libraries".into(), Value::Array(hooks));
        if !self.loggers.is_empty() {
            object.insert("loggers".into(), loggers::to_json(&self.loggers));
        }
        let mut object = Value::Object(object);
        put_context(&mut object, self.user_context.as_ref());
        json!({ OBJECT: object })
    }
}

/// Adds `user-context` to a map when there is one.
fn put_context(map: &mut Value, context: Option<&Map<String, Value>>) {
    if let (Value::Object(m), Some(c)) = (map, context) {
        m.insert("user-context".into(), Value::Object(c.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<AgentConfig, String> {
        reader::read_str(text, "t.json")
            .and_then(|d| from_document(&d))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn ctl031_defaults() {
        let c = parse(r#"{"Control-agent": {}}"#).unwrap();
        assert_eq!(c.listener.address.to_string(), "127.0.0.1");
        assert_eq!(c.listener.port, 8000);
        assert!(c.listener.auth.is_none() && c.listener.tls.is_none() && !c.listener.https);
        assert!(c.services.is_empty() && c.loggers.is_empty());
    }

    #[test]
    fn ctl031_control_sockets_map() {
        let c = parse(
            r#"{"Control-agent": {"control-sockets": {
                "dhcp4": {"socket-type": "unix", "socket-name": "/run/4.sock", "comment": "v4"},
                "d2": {"socket-name": "/run/d2.sock"}}}}"#,
        )
        .unwrap();
        assert_eq!(c.services["dhcp4"].path, PathBuf::from("/run/4.sock"));
        assert_eq!(
            c.services["dhcp4"].user_context,
            Some(json!({"comment": "v4"}).as_object().unwrap().clone())
        );
        assert_eq!(c.services["d2"].path, PathBuf::from("/run/d2.sock"));
        assert!(!c.services.contains_key("dhcp6"));
    }

    #[test]
    fn ctl076_errors_name_the_key_and_position() {
        for (text, wanted) in [
            (
                "{\"Control-agent\": {\n \"bogus\": 1}}",
                "t.json:2:2: unknown key 'bogus' in Control-agent",
            ),
            (
                r#"{"Control-agent": {}, "Dhcp4": {}}"#,
                "t.json:1:23: unknown key 'Dhcp4' in the top level (an agent configuration holds only Control-agent)",
            ),
            (r#"{}"#, "t.json:1:1: the configuration has no Control-agent map"),
            (
                r#"{"Control-agent": {"control-sockets": {"dhcp5": {}}}}"#,
                "t.json:1:40: unknown key 'dhcp5' in Control-agent/control-sockets (services are dhcp4, dhcp6 and d2)",
            ),
            (
                r#"{"Control-agent": {"control-sockets": {"dhcp4": {"socket-name": "x", "x": 1}}}}"#,
                "t.json:1:70: unknown key 'x' in Control-agent/control-sockets/dhcp4",
            ),
            (
                r#"{"Control-agent": {"control-sockets": {"dhcp4": {"socket-type": "tcp", "socket-name": "x"}}}}"#,
                "t.json:1:65: Control-agent/control-sockets/dhcp4/socket-type: unsupported socket-type 'tcp' (the agent forwards over unix sockets only)",
            ),
            (
                r#"{"Control-agent": {"control-sockets": {"dhcp4": {}}}}"#,
                "t.json:1:49: Control-agent/control-sockets/dhcp4: a control socket needs a 'socket-name'",
            ),
            (
                r#"{"Control-agent": {"user-context": [1]}}"#,
                "t.json:1:36: expected a map (at Control-agent/user-context)",
            ),
            (
                r#"{"Control-agent": {"hooks-libraries": [{"parameters": {}}]}}"#,
                "t.json:1:40: Control-agent/hooks-libraries[0]: hooks library needs a 'library' path",
            ),
        ] {
            assert_eq!(parse(text).unwrap_err(), wanted, "{text}");
        }
    }

    #[test]
    fn ctl072_to_json_reads_back_the_same() {
        let c = parse(
            r#"{"Control-agent": {"http-host": "::1", "http-port": 8001, "comment": "top",
                "trust-anchor": "ca.pem", "cert-file": "c.pem", "key-file": "k.pem", "cert-required": false,
                "authentication": {"type": "basic", "comment": "auth", "directory": "/etc/kea",
                    "clients": [{"user": "a", "password": "b", "comment": "admin"}, {"password-file": "s"}]},
                "control-sockets": {"dhcp6": {"socket-name": "/run/6.sock", "user-context": {"k": 1}}},
                "hooks-libraries": [{"library": "/x.so", "parameters": {"a": [1]}}],
                "loggers": [{"name": "kea-ctrl-agent", "severity": "debug", "debuglevel": 10,
                    "output_options": [{"output": "stderr", "pattern": "%m\n"}]}]}}"#,
        )
        .unwrap();
        let shown = c.to_json();
        assert_eq!(shown[OBJECT]["user-context"], json!({"comment": "top"}));
        assert_eq!(
            shown[OBJECT]["authentication"]["realm"],
            "kea-control-agent"
        );
        assert_eq!(
            shown[OBJECT]["authentication"]["clients"][0]["user-context"],
            json!({"comment": "admin"})
        );
        assert_eq!(shown[OBJECT]["loggers"][0]["severity"], "DEBUG");
        assert_eq!(parse_value(&shown).unwrap(), c);
    }
}
