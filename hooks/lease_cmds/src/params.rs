//! Reading command arguments with the texts Kea answers, so operators' scripts that match on them keep
//! working. Kea words the same mistake two ways: its configuration parser (`missing parameter 'x'`,
//! used by `lease4-add`/`lease4-update`) and the lease commands' own checks (`'x' parameter not
//! specified`); both are here, named after where Kea uses them.

use crate::failure::Failure;
use ruru_hook_api::Command;
use serde_json::{Map, Value as Json};
use std::net::{IpAddr, Ipv4Addr};

/// The `arguments` map of one command.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Params<'a>(pub(crate) &'a Map<String, Json>);

fn error<T>(text: String) -> Result<T, Failure> {
    Err(Failure::Error(text))
}

impl<'a> Params<'a> {
    /// The arguments of `cmd`; `missing` is the text when they are absent or not a map.
    pub(crate) fn of(cmd: &'a Command, missing: &str) -> Result<Self, Failure> {
        match &cmd.arguments {
            Some(Json::Object(m)) => Ok(Params(m)),
            _ => error(missing.to_owned()),
        }
    }

    /// The raw value of `k`.
    pub(crate) fn get(&self, k: &str) -> Option<&'a Json> {
        self.0.get(k)
    }

    // ---- the configuration parser's wording (lease maps of add and update) ----

    fn typed<T>(
        &self,
        k: &str,
        f: impl FnOnce(&'a Json) -> Option<T>,
    ) -> Result<Option<T>, Failure> {
        match self.0.get(k) {
            None => Ok(None),
            Some(v) => match f(v) {
                Some(t) => Ok(Some(t)),
                None => error(format!("invalid type specified for parameter '{k}'")),
            },
        }
    }

    /// An optional string.
    pub(crate) fn opt_string(&self, k: &str) -> Result<Option<&'a str>, Failure> {
        self.typed(k, Json::as_str)
    }

    /// A mandatory string.
    pub(crate) fn string(&self, k: &str) -> Result<&'a str, Failure> {
        self.opt_string(k)?
            .ok_or_else(|| Failure::Error(format!("missing parameter '{k}'")))
    }

    /// An optional integer.
    pub(crate) fn opt_int(&self, k: &str) -> Result<Option<i64>, Failure> {
        self.typed(k, Json::as_i64)
    }

    /// An optional integer from 0 to `max`.
    pub(crate) fn opt_uint(&self, k: &str, max: u64) -> Result<Option<u64>, Failure> {
        match self.opt_int(k)? {
            Some(n) if n < 0 || n as u64 > max => error(format!(
                "out of range value ({n}) specified for parameter '{k}'"
            )),
            n => Ok(n.map(|n| n as u64)),
        }
    }

    /// An optional boolean.
    pub(crate) fn opt_bool(&self, k: &str) -> Result<Option<bool>, Failure> {
        self.typed(k, Json::as_bool)
    }

    /// A mandatory address, of either family.
    pub(crate) fn address(&self, k: &str) -> Result<IpAddr, Failure> {
        let text = self.string(k)?;
        text.parse().or_else(|_| {
            error(format!(
                "Failed to convert string to address '{text}': Invalid argument"
            ))
        })
    }

    // ---- the lease commands' own wording ----

    /// A mandatory string: `'k' parameter not specified` / `'k' parameter must be a string`.
    pub(crate) fn named_string(&self, k: &str) -> Result<&'a str, Failure> {
        match self.0.get(k) {
            None => error(format!("'{k}' parameter not specified")),
            Some(Json::String(s)) => Ok(s),
            Some(_) => error(format!("'{k}' parameter must be a string")),
        }
    }

    /// The IPv4 address `ip-address` as `lease4-get`, `lease4-del` and `lease4-resend-ddns` read it;
    /// `None` when absent.
    pub(crate) fn ipv4(&self) -> Result<Option<Ipv4Addr>, Failure> {
        let Some(v) = self.0.get("ip-address") else {
            return Ok(None);
        };
        let Some(text) = v.as_str() else {
            return error("'ip-address' is not a string.".into());
        };
        match text.parse::<IpAddr>() {
            Ok(IpAddr::V4(a)) => Ok(Some(a)),
            Ok(IpAddr::V6(_)) => error(format!("Invalid IPv4 address specified: {text}")),
            Err(_) => error(format!("'{text}' is not a valid IP address.")),
        }
    }
}

/// Colon-separated hex as Kea reads a hardware address (`1a:1b:1c`, one or two digits a group).
pub(crate) fn hw_address(text: &str) -> Result<Vec<u8>, Failure> {
    let bad = |why: String| Failure::Error(why);
    if let Some(c) = text.chars().find(|c| *c != ':' && !c.is_ascii_hexdigit()) {
        return Err(bad(format!(
            "'{c}' is not a valid hexadecimal digit in decoded string '{text}'"
        )));
    }
    let bytes = hex_groups(text).ok_or_else(|| {
        bad(format!(
            "'{text}' is not a valid hardware address: each group is one or two hex digits"
        ))
    })?;
    if bytes.len() > 20 {
        return Err(bad(format!(
            "hardware address '{text}' is too long: at most 20 bytes"
        )));
    }
    Ok(bytes)
}

/// A client identifier as Kea reads one: colon-separated hex, 2 to 255 bytes.
pub(crate) fn client_id(text: &str) -> Result<Vec<u8>, Failure> {
    if text.is_empty() {
        return Err(Failure::Error("Empty DUIDs are not allowed".into()));
    }
    let bytes = hex_groups(text).ok_or_else(|| {
        Failure::Error(format!(
            "'{text}' is not a valid string of hexadecimal digits"
        ))
    })?;
    match bytes.len() {
        0..=1 => Err(Failure::Error(format!(
            "client-id is too short ({}), at least 2 is required",
            bytes.len()
        ))),
        256.. => Err(Failure::Error(format!(
            "client-id is too large ({}), at most 255 is required",
            bytes.len()
        ))),
        _ => Ok(bytes),
    }
}

/// Bytes of `aa:b:cc`; `None` when a group is empty, longer than two digits or not hex. The empty
/// text is no bytes.
fn hex_groups(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    text.split(':')
        .map(|g| {
            (1..=2)
                .contains(&g.len())
                .then(|| u8::from_str_radix(g, 16).ok())
                .flatten()
        })
        .collect()
}

/// Bytes as lower-case colon-separated hex, as Kea prints identifiers.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(v: Json) -> Map<String, Json> {
        v.as_object().cloned().expect("a map")
    }

    // LC-011, LC-012: missing arguments and wrong types name the parameter.
    #[test]
    fn lc_012_wrong_types_name_the_parameter() {
        let m = params(
            json!({"subnet-id": "44", "state": 256, "hostname": "h", "limit": -1,
                              "ip-address": 5, "flag": 1}),
        );
        let p = Params(&m);
        let text = |r: Result<Option<u64>, Failure>| r.unwrap_err().text().to_owned();
        assert_eq!(
            text(p.opt_uint("subnet-id", u64::from(u32::MAX))),
            "invalid type specified for parameter 'subnet-id'"
        );
        assert_eq!(
            text(p.opt_uint("state", 255)),
            "out of range value (256) specified for parameter 'state'"
        );
        assert_eq!(
            text(p.opt_uint("limit", 10)),
            "out of range value (-1) specified for parameter 'limit'"
        );
        assert_eq!(p.opt_uint("absent", 1), Ok(None));
        assert_eq!(
            p.string("hw-address").unwrap_err().text(),
            "missing parameter 'hw-address'"
        );
        assert_eq!(p.string("hostname"), Ok("h"));
        assert!(p.opt_bool("flag").is_err());
        assert_eq!(
            p.named_string("hw-address").unwrap_err().text(),
            "'hw-address' parameter not specified"
        );
        assert_eq!(
            p.named_string("state").unwrap_err().text(),
            "'state' parameter must be a string"
        );
        assert_eq!(
            p.ipv4().unwrap_err().text(),
            "'ip-address' is not a string."
        );
        let cmd = Command {
            name: "lease4-del".into(),
            arguments: Some(json!([1])),
            request: json!({}),
        };
        assert_eq!(
            Params::of(&cmd, "Parameters missing or are not a map.")
                .unwrap_err()
                .response()
                .result,
            1
        );
    }

    // LC-032, LC-064: addresses of the other family or unparsable ones.
    #[test]
    fn lc_064_addresses() {
        let get = |v: Json| {
            let m = params(json!({ "ip-address": v }));
            Params(&m).ipv4().map_err(|f| f.text().to_owned())
        };
        assert_eq!(
            get(json!("192.0.2.1")),
            Ok(Some(Ipv4Addr::new(192, 0, 2, 1)))
        );
        assert_eq!(
            get(json!("::1")),
            Err("Invalid IPv4 address specified: ::1".into())
        );
        assert_eq!(
            get(json!("x")),
            Err("'x' is not a valid IP address.".into())
        );
        let m = params(json!({"ip-address": "nope"}));
        assert!(Params(&m).address("ip-address").is_err());
        assert_eq!(Params(&Map::new()).ipv4(), Ok(None));
    }

    // LC-016: identifiers in either case, printed lower-case.
    #[test]
    fn lc_016_identifiers() {
        let hw = hw_address("1A:1B:c:1D:1E:1F").expect("parses");
        assert_eq!(hex(&hw), "1a:1b:0c:1d:1e:1f");
        assert_eq!(hw_address(""), Ok(vec![]));
        assert_eq!(
            hw_address("zz:1b").unwrap_err().text(),
            "'z' is not a valid hexadecimal digit in decoded string 'zz:1b'"
        );
        assert!(hw_address("1a::1b").is_err());
        assert!(hw_address("123").is_err());
        assert!(hw_address(&["01"; 21].join(":")).is_err());
        assert_eq!(client_id("01:02:03"), Ok(vec![1, 2, 3]));
        assert_eq!(
            client_id("").unwrap_err().text(),
            "Empty DUIDs are not allowed"
        );
        assert_eq!(
            client_id("xx").unwrap_err().text(),
            "'xx' is not a valid string of hexadecimal digits"
        );
        assert!(client_id("01").is_err(), "too short");
    }
}
