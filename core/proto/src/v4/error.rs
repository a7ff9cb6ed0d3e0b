//! Errors of the DHCPv4 packet decoder.

/// Why a datagram is not a DHCPv4 packet. Always the sender's fault: the caller drops the datagram and
/// counts it (`pkt4-parse-failed`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The datagram is shorter than the fixed BOOTP header plus the magic cookie.
    #[error("packet too short: {len} bytes, a DHCPv4 packet has at least {min}")]
    TooShort {
        /// Length of the datagram.
        len: usize,
        /// Minimum length of a DHCPv4 packet (fixed header and magic cookie).
        min: usize,
    },
    /// The four bytes after the fixed header are not the DHCP magic cookie 99.130.83.99.
    #[error("bad magic cookie {0:02x?}, expected [63, 82, 53, 63]")]
    BadMagicCookie([u8; 4]),
}
