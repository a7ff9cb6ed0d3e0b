//! Secrets out of logged configuration (CTL-115).
//!
//! Wherever a configuration or connection parameters reach a log, the value of every key whose
//! name ends in `password` or `secret` is replaced by asterisks. `config-get` and `config-write`
//! do not go through here: they return the configuration as given (CTL-116).

use serde_json::Value;

/// What a secret's value becomes.
pub const REDACTED: &str = "*****";

/// Whether the value under `key` is a secret.
pub fn is_secret_key(key: &str) -> bool {
    key.ends_with("password") || key.ends_with("secret")
}

/// A copy of `value` with the value of every secret key, at any depth (inside maps and lists,
/// `user-context` and plugin `parameters` included), replaced by [`REDACTED`].
pub fn redact(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if is_secret_key(k) {
                        Value::String(REDACTED.to_owned())
                    } else {
                        redact(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // CTL-115: secrets at any depth, the rest untouched.
    #[test]
    fn ctl115_secret_values_become_asterisks_at_any_depth() {
        let config = json!({"Dhcp4": {
            "lease-database": {"type": "mysql", "name": "kea", "user": "kea", "password": "db-pw"},
            "control-socket": {"socket-type": "http", "authentication": {"type": "basic",
                "clients": [{"user": "admin", "password": "admin-pw"}]}},
            "hooks-libraries": [{"library": "/x.so", "parameters": {"api-secret": {"nested": 1},
                "list": [{"client-secret": "s"}]}}],
            "user-context": {"backup-password": 7, "password-file": "/etc/kea/pw"},
            "valid-lifetime": 4000
        }});
        let out = redact(&config);
        let d = &out["Dhcp4"];
        assert_eq!(d["lease-database"]["password"], REDACTED);
        assert_eq!(d["lease-database"]["user"], "kea");
        assert_eq!(
            d["control-socket"]["authentication"]["clients"][0]["password"],
            REDACTED
        );
        assert_eq!(
            d["hooks-libraries"][0]["parameters"]["api-secret"],
            REDACTED
        );
        assert_eq!(
            d["hooks-libraries"][0]["parameters"]["list"][0]["client-secret"],
            REDACTED
        );
        assert_eq!(d["user-context"]["backup-password"], REDACTED);
        // Not a secret itself: a path to one.
        assert_eq!(d["user-context"]["password-file"], "/etc/kea/pw");
        assert_eq!(d["valid-lifetime"], 4000);
        for secret in ["db-pw", "admin-pw", "\"s\""] {
            assert!(!out.to_string().contains(secret), "{secret} in {out}");
        }
    }
}
