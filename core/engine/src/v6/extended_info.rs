//! `store-extended-info` in DHCPv6 (V6-178): a lease granted to a relayed query records every relay
//! level as `{"ISC": {"relay-info": [...]}}`, from the relay nearest the server: its `hop` count,
//! `link` and `peer` addresses, its `options` (all but the relayed message, `0x` and upper-case hex)
//! and the payloads of its remote-id (37) and relay-id (53) options as `remote-id` and `relay-id`
//! (the rules both families share are in `crate::extended_info`).

use crate::extended_info::hex;
use ruru_proto::v6::{code, RelayHeader};
use serde_json::{Map, Value};

/// The key DHCPv6 relay information is stored under.
pub(crate) const KEY: &str = "relay-info";

/// The user context a new lease starts with, for a query relayed through `relays` (outermost first);
/// `None` for a query that came directly.
pub(crate) fn context(relays: &[RelayHeader]) -> Option<Map<String, Value>> {
    if relays.is_empty() {
        return None;
    }
    let levels = relays.iter().map(|r| {
        let mut level = Map::new();
        level.insert("hop".into(), r.hop_count.into());
        level.insert("link".into(), r.link_address.to_string().into());
        level.insert("peer".into(), r.peer_address.to_string().into());
        let mut options = Vec::new();
        if r.options.encode(&mut options).is_ok() && !options.is_empty() {
            level.insert("options".into(), hex("0x", &options).into());
        }
        for (c, key) in [(code::REMOTE_ID, "remote-id"), (code::RELAY_ID, "relay-id")] {
            if let Some(id) = r.options.get(c).filter(|v| !v.is_empty()) {
                level.insert(key.into(), hex("", id).into());
            }
        }
        Value::Object(level)
    });
    Some(crate::extended_info::context(KEY, levels.collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruru_proto::v6::RelayKind;
    use serde_json::json;

    // V6-178: the ARM's three-hop shape: one map per level from the relay nearest the server; a
    // level without options has no `options`; remote-id and relay-id decoded where present.
    #[test]
    fn arm_layout() {
        let ip = |s: &str| s.parse().unwrap();
        let outer = RelayHeader::new(RelayKind::Forward, 3, ip("2001:db8::1"), ip("2001:db8::2"));
        let mut middle =
            RelayHeader::new(RelayKind::Forward, 2, ip("2001:db8::3"), ip("2001:db8::4"));
        middle.options.push(200, &[1, 2, 3, 4, 5, 6, 7, 8]);
        let mut inner =
            RelayHeader::new(RelayKind::Forward, 1, ip("2001:db8::5"), ip("2001:db8::6"));
        inner.options.push(code::REMOTE_ID, &[1, 2, 3, 4, 5, 6]);
        inner.options.push(code::RELAY_ID, &[0x64; 8]);
        assert_eq!(
            context(&[outer, middle, inner]).map(Value::Object),
            Some(json!({"ISC": {"relay-info": [
                {"hop": 3, "link": "2001:db8::1", "peer": "2001:db8::2"},
                {"hop": 2, "link": "2001:db8::3", "options": "0x00C800080102030405060708",
                 "peer": "2001:db8::4"},
                {"hop": 1, "link": "2001:db8::5",
                 "options": "0x00250006010203040506003500086464646464646464",
                 "peer": "2001:db8::6", "remote-id": "010203040506", "relay-id": "6464646464646464"}
            ]}}))
        );
        assert_eq!(context(&[]), None);
    }
}
