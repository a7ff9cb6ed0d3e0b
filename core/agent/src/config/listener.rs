//! The agent's HTTP(S) listener: `http-host`, `http-port`, `trust-anchor`, `cert-file`,
//! `key-file`, `cert-required` and `authentication` (CTL-024..027, CTL-031), validated into the
//! model `ruru-control` listens with.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use ruru_config::{ConfigError, HttpAuth, HttpClient, HttpControlSocket, TlsConfig};
use serde_json::{json, Map, Value};

use super::fields::Fields;
use super::put_context;

/// The agent's default basic-authentication realm (CTL-024).
pub(crate) const REALM: &str = "kea-control-agent";

/// The listener of the `Control-agent` map `f`, and the `user-context` of its `authentication`.
pub(super) fn listener(
    f: &Fields<'_>,
) -> Result<(HttpControlSocket, Option<Map<String, Value>>), ConfigError> {
    let address = match f.string("http-host")? {
        None => IpAddr::V4(Ipv4Addr::LOCALHOST),
        Some(host) => host.parse().map_err(|_| {
            f.invalid(
                "http-host",
                format!("invalid http-host '{host}': an IPv4 or IPv6 address is expected"),
            )
        })?,
    };
    let tls = tls(f)?;
    let (auth, auth_context) = match f.node("authentication") {
        None => (None, None),
        Some(node) => {
            let (auth, context) = authentication(&Fields::new(
                node,
                &f.at("authentication"),
                &[
                    "type",
                    "realm",
                    "directory",
                    "clients",
                    "user-context",
                    "comment",
                ],
                "",
            )?)?;
            (Some(auth), context)
        }
    };
    let socket = HttpControlSocket {
        https: tls.is_some(),
        address,
        port: f.integer("http-port")?.unwrap_or(8000),
        auth,
        tls,
        user_context: None,
    };
    Ok((socket, auth_context))
}

/// The TLS keys: all three or none, as Kea's agent requires (CTL-027).
fn tls(f: &Fields<'_>) -> Result<Option<TlsConfig>, ConfigError> {
    TlsConfig::from_keys(
        f.string("trust-anchor")?.as_deref(),
        f.string("cert-file")?.as_deref(),
        f.string("key-file")?.as_deref(),
        f.boolean("cert-required")?,
        false,
    )
    .map_err(|e| f.invalid(e.key(), e.to_string()))
}

/// `authentication` (CTL-024, CTL-025). Files named by `user-file` and `password-file` are read
/// when the listener opens, not here, so `-t` stays free of side conditions on other files.
fn authentication(a: &Fields<'_>) -> Result<(HttpAuth, Option<Map<String, Value>>), ConfigError> {
    match a.string("type")?.as_deref() {
        Some("basic") => {}
        None => return Err(a.invalid("type", "missing parameter 'type' (basic)")),
        Some(other) => {
            return Err(a.invalid(
                "type",
                format!("unsupported authentication type '{other}' (only basic)"),
            ))
        }
    }
    let clients = a
        .list("clients")?
        .iter()
        .enumerate()
        .map(|(i, node)| {
            client(&Fields::new(
                node,
                &format!("{}[{i}]", a.at("clients")),
                &[
                    "user",
                    "user-file",
                    "password",
                    "password-file",
                    "user-context",
                    "comment",
                ],
                "",
            )?)
        })
        .collect::<Result<_, _>>()?;
    let auth = HttpAuth {
        realm: a.string("realm")?.unwrap_or_else(|| REALM.into()),
        directory: a.string("directory")?.map(PathBuf::from),
        clients,
    };
    Ok((auth, a.user_context()?))
}

/// One entry of `clients` (CTL-025).
fn client(c: &Fields<'_>) -> Result<HttpClient, ConfigError> {
    let user = c.string("user")?;
    if let Some(u) = &user {
        if u.is_empty() || u.contains(':') {
            return Err(c.invalid(
                "user",
                format!("user must not be empty nor contain a ':': '{u}'"),
            ));
        }
    }
    let user_file = c.string("user-file")?.map(PathBuf::from);
    let password_file = c.string("password-file")?.map(PathBuf::from);
    for (a, b) in [("user", "user-file"), ("password", "password-file")] {
        if c.node(a).is_some() && c.node(b).is_some() {
            return Err(c.invalid(b, format!("'{a}' and '{b}' are mutually exclusive")));
        }
    }
    // A password file alone holds the whole `user:password` secret.
    if user.is_none() && user_file.is_none() && password_file.is_none() {
        return Err(c.invalid("user", "user is required in clients items"));
    }
    Ok(HttpClient {
        user,
        user_file,
        password: c.string("password")?,
        password_file,
        user_context: c.user_context()?,
    })
}

/// The listener's keys of the `Control-agent` map as in force.
pub(super) fn to_json(
    socket: &HttpControlSocket,
    auth_context: Option<&Map<String, Value>>,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("http-host".into(), json!(socket.address.to_string()));
    m.insert("http-port".into(), json!(socket.port));
    if let Some(tls) = &socket.tls {
        m.insert("trust-anchor".into(), json!(tls.trust_anchor));
        m.insert("cert-file".into(), json!(tls.cert_file));
        m.insert("key-file".into(), json!(tls.key_file));
        m.insert("cert-required".into(), json!(tls.cert_required));
    }
    if let Some(auth) = &socket.auth {
        let clients: Vec<Value> = auth
            .clients
            .iter()
            .map(|c| {
                let mut entry = Map::new();
                let fields = [
                    ("user", c.user.as_ref().map(|u| json!(u))),
                    ("user-file", c.user_file.as_ref().map(|p| json!(p))),
                    ("password", c.password.as_ref().map(|p| json!(p))),
                    ("password-file", c.password_file.as_ref().map(|p| json!(p))),
                ];
                for (key, value) in fields {
                    if let Some(v) = value {
                        entry.insert(key.into(), v);
                    }
                }
                let mut entry = Value::Object(entry);
                put_context(&mut entry, c.user_context.as_ref());
                entry
            })
            .collect();
        let mut a = json!({"type": "basic", "realm": auth.realm, "clients": clients});
        if let Some(d) = &auth.directory {
            a["directory"] = json!(d);
        }
        put_context(&mut a, auth_context);
        m.insert("authentication".into(), a);
    }
    m
}

#[cfg(test)]
mod tests {
    use crate::config::parse_value;
    use serde_json::json;

    fn error(object: serde_json::Value) -> String {
        parse_value(&json!({ "Control-agent": object }))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn ctl027_tls_keys_all_or_nothing() {
        let e = error(json!({"cert-file": "c", "key-file": "k"}));
        assert!(e.ends_with("Control-agent: trust-anchor parameter is missing or empty: all or none of TLS parameters must be set"), "{e}");
        let e = error(json!({"trust-anchor": "a", "cert-file": "c"}));
        assert!(e.contains("key-file parameter is missing"), "{e}");
        let all = parse_value(
            &json!({"Control-agent": {"trust-anchor": "a", "cert-file": "c", "key-file": "k"}}),
        )
        .unwrap();
        let tls = all.listener.tls.unwrap();
        assert!(all.listener.https && tls.cert_required);
    }

    #[test]
    fn ctl024_ctl025_authentication_rules() {
        for (auth, wanted) in [
            (json!({"clients": []}), "missing parameter 'type'"),
            (
                json!({"type": "digest"}),
                "unsupported authentication type 'digest'",
            ),
            (
                json!({"type": "basic", "clients": [{"user": "a:b"}]}),
                "nor contain a ':'",
            ),
            (
                json!({"type": "basic", "clients": [{"user": ""}]}),
                "must not be empty",
            ),
            (
                json!({"type": "basic", "clients": [{"password": "x"}]}),
                "user is required in clients items",
            ),
            (
                json!({"type": "basic", "clients": [{"user": "a", "user-file": "f"}]}),
                "'user' and 'user-file' are mutually exclusive",
            ),
            (
                json!({"type": "basic", "clients": [{"user": "a", "x": 1}]}),
                "unknown key 'x' in Control-agent/authentication/clients[0]",
            ),
        ] {
            let e = error(json!({ "authentication": auth }));
            assert!(e.contains(wanted), "{auth}: {e}");
        }
        let ok = parse_value(&json!({"Control-agent": {"authentication": {"type": "basic", "clients": [{"password-file": "s"}]}}})).unwrap();
        assert_eq!(ok.listener.auth.unwrap().realm, "kea-control-agent");
    }

    #[test]
    fn ctl031_host_and_port_checked() {
        assert!(error(json!({"http-host": "foo"})).contains("invalid http-host 'foo'"));
        assert!(error(json!({"http-port": 70000}))
            .contains("out of range value (70000) specified for parameter 'http-port'"));
        assert!(error(json!({"http-port": -1})).contains("out of range value (-1)"));
        let v6 = parse_value(&json!({"Control-agent": {"http-host": "::1"}})).unwrap();
        assert!(v6.listener.address.is_ipv6());
    }
}
