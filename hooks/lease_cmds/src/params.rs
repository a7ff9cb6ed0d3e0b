//! Reading command arguments with the texts Kea answers, so operators' scripts that match on them keep
//! working. Kea words the same mistake two ways: its configuration parser (`missing parameter 'x'`,
//! used by `lease4-add`/`lease4-update`) and the lease commands' own checks (`'x' parameter not
//! specified`); both are here, named after where Kea uses them.

use crate::failure::Failure;
use crate::family::Family;
use ruru_hook_api::leases::LeaseType;
use ruru_hook_api::Command;
use serde_json::{Map, Value as Json};
use std::net::IpAddr;

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

    /// A mandatory integer from 0 to `max`.
    pub(crate) fn uint(&self, k: &str, max: u64) -> Result<u64, Failure> {
        self.opt_uint(k, max)?
            .ok_or_else(|| Failure::Error(format!("missing parameter '{k}'")))
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

    /// An integer the lease commands require when no address is given (`subnet-id`):
    /// `Mandatory 'k' parameter missing.` / `'k' parameter is not integer.`
    pub(crate) fn mandatory_u32(&self, k: &str) -> Result<u32, Failure> {
        self.optional_u32(k)?
            .map_or_else(|| error(format!("Mandatory '{k}' parameter missing.")), Ok)
    }

    /// An optional integer `k` of 32 bits, with the texts of [`mandatory_u32`](Self::mandatory_u32).
    pub(crate) fn optional_u32(&self, k: &str) -> Result<Option<u32>, Failure> {
        match self.0.get(k) {
            None => Ok(None),
            Some(v) => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
                Some(n) => Ok(Some(n)),
                None => error(format!("'{k}' parameter is not integer.")),
            },
        }
    }

    /// The address `ip-address` of the family `F` as `lease4-get`, `lease6-del`, the resend commands
    /// and the like read it; `None` when absent.
    pub(crate) fn ip<F: Family>(&self) -> Result<Option<F::Addr>, Failure> {
        let Some(v) = self.0.get("ip-address") else {
            return Ok(None);
        };
        let Some(text) = v.as_str() else {
            return error("'ip-address' is not a string.".into());
        };
        match text.parse::<IpAddr>() {
            Ok(ip) => F::addr_of(ip).map(Some).ok_or_else(|| {
                Failure::Error(format!("Invalid {} address specified: {text}", F::NAME))
            }),
            Err(_) => error(format!("'{text}' is not a valid IP address.")),
        }
    }

    /// `type`, the DHCPv6 lease type of a query or deletion: `IA_NA` when absent.
    pub(crate) fn lease_type(&self) -> Result<LeaseType, Failure> {
        match self.0.get("type") {
            None => Ok(LeaseType::Na),
            Some(Json::String(t)) => {
                // Kea's getParameters also takes the types' numbers, as strings.
                let name = match t.as_str() {
                    "0" => "IA_NA",
                    "1" => "IA_TA",
                    "2" => "IA_PD",
                    other => other,
                };
                lease_type(name, &["IA_NA", "IA_TA", "IA_PD"])
            }
            Some(_) => error("'type' parameter must be a string.".into()),
        }
    }

    /// `update-ddns`, false when absent.
    pub(crate) fn update_ddns(&self) -> Result<bool, Failure> {
        match self.0.get("update-ddns") {
            None => Ok(false),
            Some(Json::Bool(b)) => Ok(*b),
            Some(_) => error("'update-ddns' is not a boolean".into()),
        }
    }
}

/// A lease type name, one of `allowed`.
pub(crate) fn lease_type(text: &str, allowed: &[&str]) -> Result<LeaseType, Failure> {
    match text.parse() {
        Ok(t) if allowed.contains(&text) => Ok(t),
        _ => error(format!(
            "Incorrect lease type: {text}, the only supported values are: {}",
            allowed.join(", ")
        )),
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
    identifier(text, "client-id", 2, 255)
}

/// A DUID as Kea reads one: colon-separated hex, 1 to 130 bytes (a type and at most 128 more).
pub(crate) fn duid(text: &str) -> Result<Vec<u8>, Failure> {
    identifier(text, "duid", 1, 130)
}

/// Colon-separated hex naming a client, `min` to `max` bytes.
fn identifier(text: &str, what: &str, min: usize, max: usize) -> Result<Vec<u8>, Failure> {
    if text.is_empty() {
        return Err(Failure::Error("Empty DUIDs are not allowed".into()));
    }
    let bytes = hex_groups(text).ok_or_else(|| {
        Failure::Error(format!(
            "'{text}' is not a valid string of hexadecimal digits"
        ))
    })?;
    let n = bytes.len();
    if n < min {
        return error(format!(
            "{what} is too short ({n}), at least {min} is required"
        ));
    }
    if n > max {
        return error(format!(
            "{what} is too large ({n}), at most {max} is required"
        ));
    }
    Ok(bytes)
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
    use crate::family::{V4, V6};
    use serde_json::json;
    use std::net::Ipv4Addr;

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
            p.ip::<V4>().unwrap_err().text(),
            "'ip-address' is not a string."
        );
        assert_eq!(
            p.mandatory_u32("subnet-id").unwrap_err().text(),
            "'subnet-id' parameter is not integer."
        );
        assert_eq!(
            p.mandatory_u32("iaid").unwrap_err().text(),
            "Mandatory 'iaid' parameter missing."
        );
        assert_eq!(
            p.uint("iaid", 5).unwrap_err().text(),
            "missing parameter 'iaid'"
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
        let m = |v: Json| params(json!({ "ip-address": v }));
        let get4 = |v: Json| Params(&m(v)).ip::<V4>().map_err(|f| f.text().to_owned());
        let get6 = |v: Json| Params(&m(v)).ip::<V6>().map_err(|f| f.text().to_owned());
        assert_eq!(
            get4(json!("192.0.2.1")),
            Ok(Some(Ipv4Addr::new(192, 0, 2, 1)))
        );
        assert_eq!(
            get4(json!("::1")),
            Err("Invalid IPv4 address specified: ::1".into())
        );
        assert_eq!(
            get4(json!("x")),
            Err("'x' is not a valid IP address.".into())
        );
        assert_eq!(
            get6(json!("2001:db8::1")),
            Ok(Some("2001:db8::1".parse().unwrap()))
        );
        assert_eq!(
            get6(json!("192.0.2.1")),
            Err("Invalid IPv6 address specified: 192.0.2.1".into())
        );
        let m = params(json!({"ip-address": "nope"}));
        assert!(Params(&m).address("ip-address").is_err());
        assert_eq!(Params(&Map::new()).ip::<V4>(), Ok(None));
    }

    // LC-037, LC-061: lease types by Kea's names; IA_NA when absent.
    #[test]
    fn lc_061_lease_types() {
        let t = |v: Json| {
            let m = params(json!({ "type": v }));
            Params(&m).lease_type().map_err(|f| f.text().to_owned())
        };
        assert_eq!(Params(&Map::new()).lease_type(), Ok(LeaseType::Na));
        assert_eq!(t(json!("IA_PD")), Ok(LeaseType::Pd));
        assert_eq!(t(json!("IA_TA")), Ok(LeaseType::Ta));
        assert_eq!(
            t(json!("IA_XX")),
            Err(
                "Incorrect lease type: IA_XX, the only supported values are: IA_NA, IA_TA, IA_PD"
                    .into()
            )
        );
        assert!(t(json!(2)).is_err());
        assert_eq!(
            lease_type("IA_TA", &["IA_NA", "IA_PD"]).unwrap_err().text(),
            "Incorrect lease type: IA_TA, the only supported values are: IA_NA, IA_PD"
        );
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
        assert_eq!(duid("01"), Ok(vec![1]));
        assert_eq!(duid("").unwrap_err().text(), "Empty DUIDs are not allowed");
        assert_eq!(
            duid(&["01"; 131].join(":")).unwrap_err().text(),
            "duid is too large (131), at most 130 is required"
        );
    }
}
