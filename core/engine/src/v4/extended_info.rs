//! `store-extended-info` in DHCPv4 (V4-154): a REQUEST carrying option 82 records the relay's
//! information as `{"ISC": {"relay-agent-info": {...}}}` (the rules both families share are in
//! `crate::extended_info`).

use crate::extended_info::hex;
use ruru_proto::v4::rai;
use serde_json::{Map, Value};

/// The key DHCPv4 relay information is stored under.
pub(crate) const KEY: &str = "relay-agent-info";

/// The user context a new lease starts with: the relay information of `option82`.
pub(crate) fn context(option82: &[u8]) -> Map<String, Value> {
    let mut info = Map::new();
    info.insert("sub-options".into(), Value::String(hex("0x", option82)));
    for (code, key) in [(rai::REMOTE_ID, "remote-id"), (rai::RELAY_ID, "relay-id")] {
        if let Some(id) = rai::find(option82, code).filter(|v| !v.is_empty()) {
            info.insert(key.into(), Value::String(hex("", id)));
        }
    }
    crate::extended_info::context(KEY, Value::Object(info))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // V4-154: the ARM's example: both ids present.
    #[test]
    fn arm_layout() {
        let opt82 = [2, 3, 1, 2, 3, 12, 3, 0xaa, 0xbb, 0xcc];
        assert_eq!(
            Value::Object(context(&opt82)),
            json!({"ISC": {"relay-agent-info": {
                "sub-options": "0x02030102030C03AABBCC", "remote-id": "010203", "relay-id": "AABBCC"}}})
        );
        assert_eq!(
            Value::Object(context(&[1, 4, 0xaa, 0xbb, 0xcc, 0xdd])),
            json!({"ISC": {"relay-agent-info": {"sub-options": "0x0104AABBCCDD"}}})
        );
    }

    // V4-154: through the engine: a relayed SELECTING REQUEST stores the ARM shape; a renewal without 82
    // rewrites the lease and keeps it, next to what else the context held.
    #[test]
    fn stored_on_request_and_kept_over_renewal() {
        use crate::v4::process::tests::{ip, query, selecting, Bench};
        use ruru_proto::v4::{code, MessageType};
        let mut b = Bench::new(json!({
            "store-extended-info": true,
            "valid-lifetime": 4000,
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]}]
        }));
        let relay = ip("192.0.2.2");
        let opt82 = [1, 2, 0x65, 0x30, 2, 3, 1, 2, 3];
        let mut req = selecting(1, ip("192.0.2.10"));
        req.giaddr = relay;
        req.options.insert(code::RELAY_AGENT_INFO, &opt82);
        b.reply(&req, Some(relay));
        let stored = b.lease(ip("192.0.2.10")).expect("lease").user_context;
        let expected = json!({"ISC": {"relay-agent-info": {"sub-options": "0x010265300203010203", "remote-id": "010203"}}});
        assert_eq!(stored.clone().map(Value::Object), Some(expected));

        let read = b.lease(ip("192.0.2.10")).unwrap();
        let mut lease = read.clone();
        let mut ctx = stored.unwrap();
        ctx.insert("comment".into(), json!("kept"));
        lease.user_context = Some(ctx.clone());
        assert!(b.store.update4_sync(&lease, &read));
        b.now += 3000;
        let mut renew = query(MessageType::Request, 1);
        renew.ciaddr = ip("192.0.2.10");
        b.reply(&renew, None);
        let renewed = b.lease(ip("192.0.2.10")).unwrap();
        assert_eq!(renewed.cltt, b.now, "the renewal rewrote the lease");
        assert_eq!(renewed.user_context, Some(ctx));
    }

    // V4-154: off by default: nothing stored.
    #[test]
    fn off_by_default() {
        use crate::v4::process::tests::{ip, selecting, Bench};
        use ruru_proto::v4::code;
        let b = Bench::new(json!({
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]}]
        }));
        let mut req = selecting(1, ip("192.0.2.10"));
        req.giaddr = ip("192.0.2.2");
        req.options.insert(code::RELAY_AGENT_INFO, &[1, 1, 7]);
        b.reply(&req, Some(ip("192.0.2.2")));
        assert_eq!(b.lease(ip("192.0.2.10")).expect("lease").user_context, None);
    }
}
