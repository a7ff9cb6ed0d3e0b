//! DHCPv6 option codes (RFC 8415 §21 and later RFCs; names follow the RFCs, Kea's option names are in
//! [`crate::defs`]).

/// Client identifier, a DUID (1).
pub const CLIENTID: u16 = 1;
/// Server identifier, a DUID (2).
pub const SERVERID: u16 = 2;
/// Identity association for non-temporary addresses (3).
pub const IA_NA: u16 = 3;
/// Identity association for temporary addresses (4).
pub const IA_TA: u16 = 4;
/// IA address, inside IA_NA or IA_TA (5).
pub const IAADDR: u16 = 5;
/// Option request option (6).
pub const ORO: u16 = 6;
/// Server preference (7).
pub const PREFERENCE: u16 = 7;
/// Elapsed time in hundredths of a second (8).
pub const ELAPSED_TIME: u16 = 8;
/// Relay message: the message a relay forwards or receives (9).
pub const RELAY_MSG: u16 = 9;
/// Authentication (11).
pub const AUTH: u16 = 11;
/// Server unicast address (12).
pub const UNICAST: u16 = 12;
/// Status code (13); codes in [`super::status`].
pub const STATUS_CODE: u16 = 13;
/// Rapid commit (14), empty.
pub const RAPID_COMMIT: u16 = 14;
/// User class (15).
pub const USER_CLASS: u16 = 15;
/// Vendor class (16).
pub const VENDOR_CLASS: u16 = 16;
/// Vendor-specific information (17).
pub const VENDOR_OPTS: u16 = 17;
/// Interface-id, set by a relay (18).
pub const INTERFACE_ID: u16 = 18;
/// Reconfigure message (19).
pub const RECONF_MSG: u16 = 19;
/// Reconfigure accept (20), empty.
pub const RECONF_ACCEPT: u16 = 20;
/// DNS recursive name servers (23, RFC 3646).
pub const DNS_SERVERS: u16 = 23;
/// Domain search list (24, RFC 3646).
pub const DOMAIN_SEARCH: u16 = 24;
/// Identity association for prefix delegation (25, RFC 8415).
pub const IA_PD: u16 = 25;
/// IA prefix, inside IA_PD (26).
pub const IAPREFIX: u16 = 26;
/// Information refresh time (32).
pub const INFORMATION_REFRESH_TIME: u16 = 32;
/// Relay agent remote-id (37, RFC 4649).
pub const REMOTE_ID: u16 = 37;
/// Relay agent subscriber-id (38, RFC 4580).
pub const SUBSCRIBER_ID: u16 = 38;
/// Client FQDN (39, RFC 4704).
pub const CLIENT_FQDN: u16 = 39;
/// Relay identifier (53, RFC 5460).
pub const RELAY_ID: u16 = 53;
/// Relay-supplied options (66, RFC 6422).
pub const RSOO: u16 = 66;
/// Prefix exclude, inside IAPREFIX (67, RFC 6603).
pub const PD_EXCLUDE: u16 = 67;
/// Client link-layer address, set by a relay (79, RFC 6939).
pub const CLIENT_LINKLAYER_ADDR: u16 = 79;
/// SOL_MAX_RT (82, RFC 8415).
pub const SOL_MAX_RT: u16 = 82;
/// INF_MAX_RT (83, RFC 8415).
pub const INF_MAX_RT: u16 = 83;
/// DHCPv4 message, in DHCPV4-QUERY and DHCPV4-RESPONSE (87, RFC 7341).
pub const DHCPV4_MSG: u16 = 87;
/// Relay source port (135, RFC 8357).
pub const RELAY_SOURCE_PORT: u16 = 135;
