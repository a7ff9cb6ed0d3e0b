//! `store-extended-info` (V4-154, V6-178): a lease granted to a relayed query records what the relays
//! sent in its user context, under `ISC` and a family's key (`relay-agent-info` in DHCPv4,
//! `relay-info` in DHCPv6), in Kea's layout: hex in upper case, whole options prefixed `0x`,
//! identifiers bare. A rewrite without relay information keeps what an earlier query recorded, and
//! keys of the context other than that one are never touched.

use serde_json::{Map, Value};
use std::fmt::Write;

/// The user context a new lease starts with: `value` as `ISC.<key>`.
pub(crate) fn context(key: &str, value: Value) -> Map<String, Value> {
    let mut isc = Map::new();
    isc.insert(key.into(), value);
    let mut ctx = Map::new();
    ctx.insert("ISC".into(), Value::Object(isc));
    ctx
}

/// The context a rewritten lease keeps: the stored one `old`, with `ISC.<key>` replaced by the one in
/// `new` (built by [`context`]) when the query brought one.
pub(crate) fn carry_over(
    key: &str,
    old: Option<&Map<String, Value>>,
    new: Option<Map<String, Value>>,
) -> Option<Map<String, Value>> {
    let Some(info) = new
        .and_then(|mut n| n.remove("ISC"))
        .and_then(|mut isc| isc.get_mut(key).map(Value::take))
    else {
        return old.cloned();
    };
    let mut ctx = old.cloned().unwrap_or_default();
    let isc = ctx
        .entry("ISC")
        .or_insert_with(|| Value::Object(Map::new()));
    if !isc.is_object() {
        *isc = Value::Object(Map::new());
    }
    if let Value::Object(isc) = isc {
        isc.insert(key.into(), info);
    }
    Some(ctx)
}

/// `bytes` in upper-case hex after `prefix`.
pub(crate) fn hex(prefix: &str, bytes: &[u8]) -> String {
    let mut s = String::with_capacity(prefix.len() + 2 * bytes.len());
    s.push_str(prefix);
    for b in bytes {
        let _ = write!(s, "{b:02X}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // V4-154, V6-178: other keys stay; a query without relay information keeps the stored one.
    #[test]
    fn merges_with_what_is_stored() {
        let key = "relay-agent-info";
        let old = json!({"comment": "kept", "ISC": {"other": 1, "relay-agent-info": {"sub-options": "0x0101AA"}}});
        let old = old.as_object().unwrap();
        assert_eq!(carry_over(key, Some(old), None).as_ref(), Some(old));
        let new = context(key, json!({"sub-options": "0x0101BB"}));
        assert_eq!(
            Value::Object(carry_over(key, Some(old), Some(new.clone())).unwrap()),
            json!({"comment": "kept", "ISC": {"other": 1, "relay-agent-info": {"sub-options": "0x0101BB"}}})
        );
        assert_eq!(carry_over(key, None, Some(new.clone())), Some(new));
    }
}
