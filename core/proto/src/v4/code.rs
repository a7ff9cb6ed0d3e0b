//! DHCPv4 option codes (RFC 2132 and later; names follow the RFCs, Kea's option names are in
//! [`crate::defs`]).

/// Pad (0): one byte, no length, skipped.
pub const PAD: u8 = 0;
/// Subnet mask (1).
pub const SUBNET_MASK: u8 = 1;
/// Time offset (2).
pub const TIME_OFFSET: u8 = 2;
/// Routers (3).
pub const ROUTERS: u8 = 3;
/// Domain name servers (6).
pub const DOMAIN_NAME_SERVERS: u8 = 6;
/// Host name (12).
pub const HOST_NAME: u8 = 12;
/// Domain name (15).
pub const DOMAIN_NAME: u8 = 15;
/// Broadcast address (28).
pub const BROADCAST_ADDRESS: u8 = 28;
/// NTP servers (42).
pub const NTP_SERVERS: u8 = 42;
/// Vendor-specific information (43).
pub const VENDOR_ENCAPSULATED: u8 = 43;
/// Requested IP address (50).
pub const REQUESTED_ADDRESS: u8 = 50;
/// IP address lease time (51).
pub const LEASE_TIME: u8 = 51;
/// Option overload (52): `file` (1), `sname` (2) or both (3) carry options.
pub const OVERLOAD: u8 = 52;
/// DHCP message type (53).
pub const MESSAGE_TYPE: u8 = 53;
/// Server identifier (54).
pub const SERVER_ID: u8 = 54;
/// Parameter request list (55).
pub const PARAMETER_REQUEST_LIST: u8 = 55;
/// Message (56).
pub const MESSAGE: u8 = 56;
/// Maximum DHCP message size (57).
pub const MAX_MESSAGE_SIZE: u8 = 57;
/// Renewal (T1) time (58).
pub const RENEWAL_TIME: u8 = 58;
/// Rebinding (T2) time (59).
pub const REBINDING_TIME: u8 = 59;
/// Vendor class identifier (60).
pub const VENDOR_CLASS_ID: u8 = 60;
/// Client identifier (61).
pub const CLIENT_ID: u8 = 61;
/// TFTP server name (66).
pub const TFTP_SERVER_NAME: u8 = 66;
/// Boot file name (67).
pub const BOOT_FILE_NAME: u8 = 67;
/// User class (77).
pub const USER_CLASS: u8 = 77;
/// Client FQDN (81, RFC 4702).
pub const CLIENT_FQDN: u8 = 81;
/// Relay agent information (82, RFC 3046); sub-options in [`super::rai`].
pub const RELAY_AGENT_INFO: u8 = 82;
/// IPv6-only preferred (108, RFC 8925).
pub const V6_ONLY_PREFERRED: u8 = 108;
/// Subnet selection (118, RFC 3011).
pub const SUBNET_SELECTION: u8 = 118;
/// Domain search (119, RFC 3397).
pub const DOMAIN_SEARCH: u8 = 119;
/// Classless static route (121, RFC 3442).
pub const CLASSLESS_STATIC_ROUTE: u8 = 121;
/// Vendor-identifying vendor class (124, RFC 3925).
pub const VIVCO: u8 = 124;
/// Vendor-identifying vendor-specific information (125, RFC 3925).
pub const VIVSO: u8 = 125;
/// DHCPv4 DNR (162, RFC 9463).
pub const V4_DNR: u8 = 162;
/// End (255): one byte, ends the options.
pub const END: u8 = 255;
