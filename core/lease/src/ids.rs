//! Client identifiers stored with a lease: the hardware address, the DHCPv4 client identifier and
//! the DHCPv6 DUID.
//!
//! Both print and parse as Kea writes them in lease files and in the control API: colon-separated
//! lower-case hex (`01:aa:bb`). Neither allocates for common sizes, because the engine builds one
//! per packet.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// Longest hardware address kept (RFC 2131 `chaddr` is 16 bytes; Kea allows 20).
pub const HWADDR_MAX: usize = 20;

/// Hardware type of Ethernet (RFC 1700), the type Kea assumes for addresses read from a v4 lease file.
pub const HTYPE_ETHER: u8 = 1;

/// A text form of hex bytes was malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid hex identifier {text:?}: {reason}")]
pub struct ParseIdError {
    /// The text that failed to parse (cut to 80 bytes).
    pub text: String,
    /// Why it failed.
    pub reason: &'static str,
}

impl ParseIdError {
    fn new(text: &str, reason: &'static str) -> Self {
        let mut end = text.len().min(80);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        Self {
            text: text[..end].to_owned(),
            reason,
        }
    }
}

/// Writes `bytes` as `aa:bb:cc`.
fn fmt_hex(bytes: &[u8], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            f.write_str(":")?;
        }
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

/// Parses colon-separated hex into `out`, returning the byte count. Each group is one or two hex
/// digits (Kea accepts `1:2:3`); the empty string is zero bytes.
fn parse_hex(text: &str, out: &mut [u8]) -> Result<usize, ParseIdError> {
    if text.is_empty() {
        return Ok(0);
    }
    let mut n = 0;
    for group in text.split(':') {
        if group.is_empty() || group.len() > 2 {
            return Err(ParseIdError::new(
                text,
                "each group must be one or two hex digits",
            ));
        }
        let byte = u8::from_str_radix(group, 16)
            .map_err(|_| ParseIdError::new(text, "not a hex digit"))?;
        let slot = out
            .get_mut(n)
            .ok_or_else(|| ParseIdError::new(text, "too long"))?;
        *slot = byte;
        n += 1;
    }
    Ok(n)
}

/// A hardware (MAC) address with its type. `Copy` and heap-free.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct HwAddr {
    htype: u8,
    len: u8,
    bytes: [u8; HWADDR_MAX],
}

impl HwAddr {
    /// Builds an address of hardware type `htype`; bytes past [`HWADDR_MAX`] are dropped.
    pub fn new(htype: u8, bytes: &[u8]) -> Self {
        let len = bytes.len().min(HWADDR_MAX);
        let mut buf = [0u8; HWADDR_MAX];
        buf[..len].copy_from_slice(&bytes[..len]);
        Self {
            htype,
            len: len as u8,
            bytes: buf,
        }
    }

    /// The hardware type (1 = Ethernet).
    pub fn htype(&self) -> u8 {
        self.htype
    }

    /// The address bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// True for a zero-length address (Kea keeps one on declined leases).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl fmt::Display for HwAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_hex(self.as_bytes(), f)
    }
}

/// Parses `aa:bb:cc:dd:ee:ff` as an Ethernet address (the text form carries no type).
impl FromStr for HwAddr {
    type Err = ParseIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut buf = [0u8; HWADDR_MAX];
        let n = parse_hex(s, &mut buf)?;
        Ok(Self::new(HTYPE_ETHER, &buf[..n]))
    }
}

/// Longest identifier stored without a heap allocation: covers MAC- and DUID-based client
/// identifiers and every DUID type but the longest vendor ones.
const ID_INLINE: usize = 30;

/// Longest client identifier accepted (option 61 data is at most 255 bytes).
pub const CLIENT_ID_MAX: usize = 255;

/// Longest DUID accepted (RFC 8415 §11.1: 2 bytes of type and at most 128 of data).
pub const DUID_MAX: usize = 130;

/// The bytes of an opaque identifier: up to [`ID_INLINE`] inline, longer ones on the heap. The
/// engine builds one per packet, so the common sizes must not allocate.
#[derive(Clone)]
enum IdBytes {
    Inline { len: u8, bytes: [u8; ID_INLINE] },
    Heap(Box<[u8]>),
}

impl IdBytes {
    /// Keeps at most `max` bytes of `bytes`.
    fn new(bytes: &[u8], max: usize) -> Self {
        let bytes = &bytes[..bytes.len().min(max)];
        if bytes.len() <= ID_INLINE {
            let mut buf = [0u8; ID_INLINE];
            buf[..bytes.len()].copy_from_slice(bytes);
            Self::Inline {
                len: bytes.len() as u8,
                bytes: buf,
            }
        } else {
            Self::Heap(bytes.into())
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Self::Heap(b) => b,
        }
    }
}

/// The text form, equality and hashing of an identifier type wrapping [`IdBytes`], written once
/// for [`ClientId`] and [`Duid`]. Equality and hashing go through the bytes so they never depend
/// on the storage form.
macro_rules! opaque_id {
    ($name:ident, $max:expr) => {
        impl $name {
            /// Builds the identifier; bytes past the maximum length are dropped.
            pub fn new(bytes: &[u8]) -> Self {
                Self(IdBytes::new(bytes, $max))
            }

            /// The identifier bytes.
            pub fn as_bytes(&self) -> &[u8] {
                self.0.as_bytes()
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_bytes() == other.as_bytes()
            }
        }

        impl Eq for $name {}

        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.as_bytes().hash(state);
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt_hex(self.as_bytes(), f)
            }
        }

        impl FromStr for $name {
            type Err = ParseIdError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let mut buf = [0u8; $max];
                let n = parse_hex(s, &mut buf)?;
                Ok(Self::new(&buf[..n]))
            }
        }
    };
}

/// The DHCPv4 client identifier (option 61 data), at most [`CLIENT_ID_MAX`] bytes.
#[derive(Clone)]
pub struct ClientId(IdBytes);

opaque_id!(ClientId, CLIENT_ID_MAX);

/// A DHCP unique identifier (RFC 8415 §11): who a DHCPv6 client is. At most [`DUID_MAX`] bytes.
#[derive(Clone)]
pub struct Duid(IdBytes);

opaque_id!(Duid, DUID_MAX);

impl Duid {
    /// Kea's "empty" DUID, `00:00:00`: declined leases carry it in place of the client's (a DUID
    /// of no bytes does not exist in Kea's files).
    pub const EMPTY: Duid = Duid(IdBytes::Inline {
        len: 3,
        bytes: [0; ID_INLINE],
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hwaddr_text_round_trip() {
        let hw = HwAddr::new(1, &[0xaa, 0x0b, 0xcc, 0, 1, 0xff]);
        assert_eq!(hw.to_string(), "aa:0b:cc:00:01:ff");
        assert_eq!("aa:0b:cc:00:01:ff".parse::<HwAddr>(), Ok(hw));
        assert_eq!(
            "AA:B:cc:0:1:FF"
                .parse::<HwAddr>()
                .map(|h| h.to_string())
                .as_deref(),
            Ok("aa:0b:cc:00:01:ff")
        );
    }

    #[test]
    fn hwaddr_truncates_to_twenty_bytes() {
        let hw = HwAddr::new(6, &[7u8; 30]);
        assert_eq!(hw.as_bytes().len(), HWADDR_MAX);
        assert_eq!(hw.htype(), 6);
        assert!(
            "01:02:03:04:05:06:07:08:09:10:11:12:13:14:15:16:17:18:19:20:21"
                .parse::<HwAddr>()
                .is_err()
        );
    }

    #[test]
    fn hex_rejects_garbage() {
        for bad in ["zz", "aa::bb", "aab:cc", ":", "aa:", "a a"] {
            assert!(bad.parse::<HwAddr>().is_err(), "{bad}");
            assert!(bad.parse::<ClientId>().is_err(), "{bad}");
        }
        assert_eq!("".parse::<HwAddr>().map(|h| h.is_empty()), Ok(true));
    }

    #[test]
    fn client_id_inline_and_heap_compare_by_bytes() {
        let short = ClientId::new(&[1, 2, 3]);
        assert_eq!(short.to_string(), "01:02:03");
        let long: Vec<u8> = (0..200).map(|i| i as u8).collect();
        let id = ClientId::new(&long);
        assert_eq!(id.as_bytes(), &long[..]);
        assert_eq!(id.to_string().parse::<ClientId>(), Ok(id.clone()));
        assert_ne!(id, short);
        assert_eq!(format!("{short:?}"), "ClientId(01:02:03)");
        let boundary = ClientId::new(&[9u8; ID_INLINE + 1]);
        assert_eq!(boundary.as_bytes().len(), ID_INLINE + 1);
    }

    #[test]
    fn duid_text_and_limits() {
        let duid: Duid = "00:01:00:01:2a:3b:4c:5d:00:11:22:33:44:55".parse().unwrap();
        assert_eq!(duid.as_bytes().len(), 14);
        assert_eq!(
            duid.to_string(),
            "00:01:00:01:2a:3b:4c:5d:00:11:22:33:44:55"
        );
        assert_eq!(format!("{:?}", Duid::EMPTY), "Duid(00:00:00)");
        assert_eq!("0:0:0".parse::<Duid>(), Ok(Duid::EMPTY));
        assert_eq!(Duid::new(&[7; 200]).as_bytes().len(), DUID_MAX);
        let longest = vec!["ab"; DUID_MAX].join(":");
        assert_eq!(
            longest.parse::<Duid>().map(|d| d.as_bytes().len()),
            Ok(DUID_MAX)
        );
        assert!(format!("{longest}:01").parse::<Duid>().is_err());
    }
}
