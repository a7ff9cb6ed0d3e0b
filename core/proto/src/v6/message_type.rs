//! The DHCPv6 message type, the first byte of every message.

/// DHCPv6 message type (RFC 8415 §7.3, with RFC 5007/5460 leasequery, RFC 6977 and RFC 7341).
/// Codes without a variant are kept in [`MessageType::Other`], so every byte round-trips.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageType {
    /// SOLICIT (1).
    Solicit,
    /// ADVERTISE (2).
    Advertise,
    /// REQUEST (3).
    Request,
    /// CONFIRM (4).
    Confirm,
    /// RENEW (5).
    Renew,
    /// REBIND (6).
    Rebind,
    /// REPLY (7).
    Reply,
    /// RELEASE (8).
    Release,
    /// DECLINE (9).
    Decline,
    /// RECONFIGURE (10).
    Reconfigure,
    /// INFORMATION-REQUEST (11).
    InformationRequest,
    /// RELAY-FORW (12).
    RelayForw,
    /// RELAY-REPL (13).
    RelayRepl,
    /// LEASEQUERY (14, RFC 5007).
    Leasequery,
    /// LEASEQUERY-REPLY (15, RFC 5007).
    LeasequeryReply,
    /// LEASEQUERY-DONE (16, RFC 5460).
    LeasequeryDone,
    /// LEASEQUERY-DATA (17, RFC 5460).
    LeasequeryData,
    /// RECONFIGURE-REQUEST (18, RFC 6977).
    ReconfigureRequest,
    /// RECONFIGURE-REPLY (19, RFC 6977).
    ReconfigureReply,
    /// DHCPV4-QUERY (20, RFC 7341).
    Dhcpv4Query,
    /// DHCPV4-RESPONSE (21, RFC 7341).
    Dhcpv4Response,
    /// Any other code (0, or 22 and above: active leasequery, failover, ...), never 1 to 21.
    Other(u8),
}

/// Every named type with its code and Kea's name for it (`Pkt6::getName`).
const TYPES: [(MessageType, u8, &str); 21] = [
    (MessageType::Solicit, 1, "SOLICIT"),
    (MessageType::Advertise, 2, "ADVERTISE"),
    (MessageType::Request, 3, "REQUEST"),
    (MessageType::Confirm, 4, "CONFIRM"),
    (MessageType::Renew, 5, "RENEW"),
    (MessageType::Rebind, 6, "REBIND"),
    (MessageType::Reply, 7, "REPLY"),
    (MessageType::Release, 8, "RELEASE"),
    (MessageType::Decline, 9, "DECLINE"),
    (MessageType::Reconfigure, 10, "RECONFIGURE"),
    (MessageType::InformationRequest, 11, "INFORMATION_REQUEST"),
    (MessageType::RelayForw, 12, "RELAY_FORWARD"),
    (MessageType::RelayRepl, 13, "RELAY_REPLY"),
    (MessageType::Leasequery, 14, "LEASEQUERY"),
    (MessageType::LeasequeryReply, 15, "LEASEQUERY_REPLY"),
    (MessageType::LeasequeryDone, 16, "LEASEQUERY_DONE"),
    (MessageType::LeasequeryData, 17, "LEASEQUERY_DATA"),
    (MessageType::ReconfigureRequest, 18, "RECONFIGURE_REQUEST"),
    (MessageType::ReconfigureReply, 19, "RECONFIGURE_REPLY"),
    (MessageType::Dhcpv4Query, 20, "DHCPV4_QUERY"),
    (MessageType::Dhcpv4Response, 21, "DHCPV4_RESPONSE"),
];

impl MessageType {
    /// The name Kea logs for the type (`"SOLICIT"`, `"RELAY_FORWARD"`); `"UNKNOWN"` for others.
    pub fn name(self) -> &'static str {
        TYPES
            .iter()
            .find(|(t, _, _)| *t == self)
            .map_or("UNKNOWN", |(_, _, n)| n)
    }

    /// Whether this is a relay message (RELAY-FORW or RELAY-REPL), whose layout differs from the
    /// client/server one (RFC 8415 §9).
    pub fn is_relay(self) -> bool {
        matches!(self, MessageType::RelayForw | MessageType::RelayRepl)
    }
}

impl From<u8> for MessageType {
    fn from(code: u8) -> Self {
        TYPES
            .iter()
            .find(|(_, c, _)| *c == code)
            .map_or(MessageType::Other(code), |(t, _, _)| *t)
    }
}

impl From<MessageType> for u8 {
    fn from(t: MessageType) -> u8 {
        match t {
            MessageType::Other(code) => code,
            named => TYPES
                .iter()
                .find(|(t, _, _)| *t == named)
                .map_or(0, |(_, c, _)| *c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips() {
        for code in 0..=255u8 {
            assert_eq!(u8::from(MessageType::from(code)), code);
        }
        assert_eq!(MessageType::from(1), MessageType::Solicit);
        assert_eq!(MessageType::from(12).name(), "RELAY_FORWARD");
        assert_eq!(MessageType::from(21), MessageType::Dhcpv4Response);
        assert_eq!(MessageType::from(22), MessageType::Other(22));
        assert_eq!(MessageType::Other(99).name(), "UNKNOWN");
        assert!(MessageType::RelayRepl.is_relay() && !MessageType::Reply.is_relay());
    }
}
