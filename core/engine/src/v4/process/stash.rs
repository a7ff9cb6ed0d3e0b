//! `stash-agent-options` (V4-155): a RENEWING REQUEST is unicast by the client, so it carries no option
//! 82. With the flag on, the relay information stored in the client's lease (`ISC.relay-agent-info`, see
//! `extended_info.rs`) is put back into the query, which then joins the class `STASH_AGENT_OPTIONS`:
//! classification and subnet selection see the 82 of the SELECTING REQUEST, but the reply does not echo
//! an option the client never sent.

use super::Query;
use crate::v4::Client;
use ruru_lease::{LeaseState, LeaseStore4, StoreError};
use ruru_proto::v4::{code, MessageType, Packet4};
use serde_json::Value;

/// The class of a query whose option 82 was recovered from its lease.
pub(super) const CLASS: &str = "STASH_AGENT_OPTIONS";

/// A copy of `pkt` with the option 82 stashed in the client's lease, when the flag is on, `pkt` is a
/// REQUEST sent straight from a client holding an address (ciaddr set, no giaddr, no 82 of its own), and
/// its lease is active and its own. `None` leaves the query as it came.
pub(super) async fn recover<S: LeaseStore4>(
    stash: bool,
    store: &S,
    pkt: &Packet4,
    now: u64,
) -> Result<Option<Packet4>, StoreError> {
    if !stash
        || pkt.message_type() != Some(MessageType::Request)
        || pkt.options.contains(code::RELAY_AGENT_INFO)
        || !pkt.giaddr.is_unspecified()
        || pkt.ciaddr.is_unspecified()
    {
        return Ok(None);
    }
    let Some(lease) = store.get4(pkt.ciaddr).await? else {
        return Ok(None);
    };
    let classes = crate::classes::Classes::default();
    let client = Client {
        hw: pkt.hw_addr(),
        htype: pkt.htype,
        client_id: pkt.options.get(code::CLIENT_ID),
        classes: &classes,
        reserved: None,
    };
    if lease.state != LeaseState::Default || lease.is_expired(now) || !client.owns(&lease) {
        return Ok(None);
    }
    let Some(rai) = lease
        .user_context
        .as_ref()
        .and_then(|c| c.get("ISC"))
        .and_then(|isc| isc.get("relay-agent-info"))
        .and_then(stashed_bytes)
    else {
        return Ok(None);
    };
    tracing::debug!(target: "kea-dhcp4.packets", id = "DHCP4_RECOVERED_STASHED_RELAY_AGENT_INFO", xid = pkt.xid, address = %pkt.ciaddr, "recovered stashed relay agent information");
    let mut q = pkt.clone();
    q.options.insert(code::RELAY_AGENT_INFO, &rai);
    Ok(Some(q))
}

/// The option 82 payload of a stored `relay-agent-info`: the `sub-options` of the current layout, or
/// the bare string older servers (Kea 2.2) wrote; `0x`-prefixed hex.
fn stashed_bytes(info: &Value) -> Option<Vec<u8>> {
    let text = match info {
        Value::Object(m) => m.get("sub-options")?.as_str()?,
        Value::String(s) => s,
        _ => return None,
    };
    let hex = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    if hex.is_empty() || hex.len() % 2 != 0 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

impl Query<'_> {
    /// Whether the query's option 82 came from its lease: the reply then leaves it out.
    pub(super) fn stashed(&self) -> bool {
        self.classes.contains(CLASS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v4::process::tests::{ip, query, selecting, Bench};
    use serde_json::json;

    /// Circuit-id "ab" puts a client in class `circuit-ab`, whose domain name shows in replies.
    fn bench(stash: bool) -> Bench {
        Bench::new(json!({
            "stash-agent-options": stash,
            "store-extended-info": true,
            "valid-lifetime": 4000,
            "client-classes": [{"name": "circuit-ab", "test": "relay4[1].hex == 'ab'",
                                "option-data": [{"name": "domain-name", "data": "stashed.example"}]}],
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]}]
        }))
    }

    /// A relayed SELECTING REQUEST with circuit-id "ab", then a unicast RENEWING REQUEST without 82 at
    /// `later` seconds; the renewal's ACK.
    fn renewal(b: &mut Bench, later: u64) -> Packet4 {
        let relay = ip("192.0.2.2");
        let mut req = selecting(1, ip("192.0.2.10"));
        req.giaddr = relay;
        req.options
            .insert(code::RELAY_AGENT_INFO, &[1, 2, b'a', b'b']);
        let ack = b.reply(&req, Some(relay));
        assert_eq!(
            ack.options.get(code::DOMAIN_NAME),
            Some(&b"stashed.example"[..])
        );
        b.now += later;
        let mut renew = query(MessageType::Request, 1);
        renew.ciaddr = ip("192.0.2.10");
        b.reply(&renew, None)
    }

    // V4-155: the renewal is classified by the stored circuit-id, and its ACK carries no option 82.
    #[test]
    fn renewal_classified_by_stashed_circuit_id() {
        let mut b = bench(true);
        let ack = renewal(&mut b, 2000);
        assert_eq!(ack.message_type(), Some(MessageType::Ack));
        assert_eq!(
            ack.options.get(code::DOMAIN_NAME),
            Some(&b"stashed.example"[..])
        );
        assert!(!ack.options.contains(code::RELAY_AGENT_INFO));
        // The stored information is unchanged by the renewal.
        let ctx = b.lease(ip("192.0.2.10")).unwrap().user_context.unwrap();
        assert_eq!(
            ctx["ISC"]["relay-agent-info"]["sub-options"],
            json!("0x01026162")
        );
    }

    // V4-155: off by default; nothing recovered for another client's or an expired lease either.
    #[test]
    fn only_when_on_and_the_lease_is_the_clients() {
        let mut b = bench(false);
        let ack = renewal(&mut b, 2000);
        assert_eq!(ack.options.get(code::DOMAIN_NAME), None);
        let mut b = bench(true);
        renewal(&mut b, 0);
        let mut other = query(MessageType::Request, 2);
        other.ciaddr = ip("192.0.2.10");
        let stash = b.snap.config.stash_agent_options;
        let run = |p: &Packet4, now| {
            tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap()
                .block_on(recover(stash, &b.store, p, now))
                .unwrap()
        };
        assert!(run(&other, b.now).is_none());
        let mut own = query(MessageType::Request, 1);
        own.ciaddr = ip("192.0.2.10");
        assert!(run(&own, b.now).is_some());
        assert!(run(&own, b.now + 5000).is_none());
    }

    // V4-155: the old layout (a bare string, as Kea 2.2 wrote it) is read too.
    #[test]
    fn both_layouts() {
        assert_eq!(
            stashed_bytes(&json!({"sub-options": "0x0102AB"})),
            Some(vec![1, 2, 0xab])
        );
        assert_eq!(stashed_bytes(&json!("0x0102ab")), Some(vec![1, 2, 0xab]));
        assert_eq!(stashed_bytes(&json!("0x012")), None);
    }
}
