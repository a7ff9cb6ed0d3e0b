//! The status code option (13, RFC 8415 §21.13) and the status codes (RFC 8415 §21.13, RFC 5007,
//! RFC 5460, RFC 8156).

use super::options::Reader;
use super::{EncodeError, OptionError, OptionValue};

/// Success (0).
pub const SUCCESS: u16 = 0;
/// Failure, reason unspecified (1).
pub const UNSPEC_FAIL: u16 = 1;
/// The server has no addresses available to assign to the IA (2).
pub const NO_ADDRS_AVAIL: u16 = 2;
/// Client record (binding) unavailable (3).
pub const NO_BINDING: u16 = 3;
/// The prefix for the address is not appropriate for the link (4).
pub const NOT_ON_LINK: u16 = 4;
/// The client must use the All_DHCP_Relay_Agents_and_Servers address (5).
pub const USE_MULTICAST: u16 = 5;
/// The server has no prefixes available to assign to the IA_PD (6).
pub const NO_PREFIX_AVAIL: u16 = 6;
/// Leasequery: unknown query type (7, RFC 5007).
pub const UNKNOWN_QUERY_TYPE: u16 = 7;
/// Leasequery: malformed query (8, RFC 5007).
pub const MALFORMED_QUERY: u16 = 8;
/// Leasequery: the server is not configured for the query (9, RFC 5007).
pub const NOT_CONFIGURED: u16 = 9;
/// Leasequery: the requestor is not allowed (10, RFC 5007).
pub const NOT_ALLOWED: u16 = 10;
/// Bulk leasequery: query terminated (11, RFC 5460).
pub const QUERY_TERMINATED: u16 = 11;
/// Active leasequery: data missing (12, RFC 7653).
pub const DATA_MISSING: u16 = 12;
/// Active leasequery: catch-up complete (13, RFC 7653).
pub const CATCH_UP_COMPLETE: u16 = 13;
/// Active leasequery: not supported (14, RFC 7653).
pub const NOT_SUPPORTED: u16 = 14;
/// Active leasequery: TLS connection refused (15, RFC 7653).
pub const TLS_CONNECTION_REFUSED: u16 = 15;
/// Failover: address in use (16, RFC 8156).
pub const ADDRESS_IN_USE: u16 = 16;
/// Failover: configuration conflict (17, RFC 8156).
pub const CONFIGURATION_CONFLICT: u16 = 17;
/// Failover: missing binding information (18, RFC 8156).
pub const MISSING_BINDING_INFORMATION: u16 = 18;
/// Failover: outdated binding information (19, RFC 8156).
pub const OUTDATED_BINDING_INFORMATION: u16 = 19;
/// Failover: server shutting down (20, RFC 8156).
pub const SERVER_SHUTTING_DOWN: u16 = 20;
/// Failover: DNS update not supported (21, RFC 8156).
pub const DNS_UPDATE_NOT_SUPPORTED: u16 = 21;
/// Failover: excessive time skew (22, RFC 8156).
pub const EXCESSIVE_TIME_SKEW: u16 = 22;

/// STATUS_CODE (13): a 16-bit code, then a UTF-8 message for people (V6-044).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusCode {
    /// The status, one of this module's constants.
    pub code: u16,
    /// Text for people; bytes that are not UTF-8 are read as U+FFFD, since the text is only shown.
    pub message: String,
}

impl StatusCode {
    /// A status with its message.
    pub fn new(code: u16, message: &str) -> Self {
        Self {
            code,
            message: message.to_owned(),
        }
    }
}

impl OptionValue for StatusCode {
    fn decode(data: &[u8]) -> Result<Self, OptionError> {
        let mut r = Reader::new("STATUS_CODE", data);
        Ok(Self {
            code: r.u16()?,
            message: String::from_utf8_lossy(r.rest()).into_owned(),
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.code.to_be_bytes());
        out.extend_from_slice(self.message.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // V6-044: 16-bit code, then the UTF-8 message.
    #[test]
    fn v6_044_status_code_layout() {
        let s = StatusCode::new(NO_ADDRS_AVAIL, "no addresses – sorry");
        let mut out = Vec::new();
        s.encode(&mut out).unwrap();
        assert_eq!(&out[..2], [0, 2]);
        assert_eq!(&out[2..], "no addresses – sorry".as_bytes());
        assert_eq!(StatusCode::decode(&out), Ok(s));
        assert_eq!(
            StatusCode::decode(&[0, 6]),
            Ok(StatusCode::new(NO_PREFIX_AVAIL, ""))
        );
        assert_eq!(
            StatusCode::decode(&[0, 1, 0xff]).unwrap().message,
            "\u{fffd}"
        );
        assert!(StatusCode::decode(&[0]).is_err());
    }
}
