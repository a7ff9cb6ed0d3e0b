//! Option data types and their Kea names.

use std::fmt;
use std::str::FromStr;

/// The type of an option or of one record field, as named in Kea's `option-def`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataType {
    /// Any bytes, written as hex.
    Binary,
    /// One byte, 0 or 1; written `true`/`false`.
    Boolean,
    /// No value: the option only carries sub-options.
    Empty,
    /// A domain name in DNS wire form.
    Fqdn,
    /// Four bytes.
    Ipv4Address,
    /// Sixteen bytes.
    Ipv6Address,
    /// Prefix length byte, then the prefix bytes the length needs.
    Ipv6Prefix,
    /// PSID length byte, then the PSID left-aligned in 16 bits (RFC 7597).
    Psid,
    /// A sequence of typed fields (see [`super::OptionDef::record_types`]).
    Record,
    /// Text.
    String,
    /// Length-prefixed text (8-bit length in DHCPv4, 16-bit in DHCPv6).
    Tuple,
    /// Unsigned 8-bit integer.
    Uint8,
    /// Unsigned 16-bit integer, network order.
    Uint16,
    /// Unsigned 32-bit integer, network order.
    Uint32,
    /// Signed 8-bit integer.
    Int8,
    /// Signed 16-bit integer, network order.
    Int16,
    /// Signed 32-bit integer, network order.
    Int32,
    /// A format with its own text syntax, handled by name (e.g. `classless-static-route`).
    Internal,
}

impl DataType {
    /// Every type with its Kea name.
    const NAMES: [(DataType, &'static str); 18] = [
        (DataType::Binary, "binary"),
        (DataType::Boolean, "boolean"),
        (DataType::Empty, "empty"),
        (DataType::Fqdn, "fqdn"),
        (DataType::Ipv4Address, "ipv4-address"),
        (DataType::Ipv6Address, "ipv6-address"),
        (DataType::Ipv6Prefix, "ipv6-prefix"),
        (DataType::Psid, "psid"),
        (DataType::Record, "record"),
        (DataType::String, "string"),
        (DataType::Tuple, "tuple"),
        (DataType::Uint8, "uint8"),
        (DataType::Uint16, "uint16"),
        (DataType::Uint32, "uint32"),
        (DataType::Int8, "int8"),
        (DataType::Int16, "int16"),
        (DataType::Int32, "int32"),
        (DataType::Internal, "internal"),
    ];

    /// Kea's name of the type (`"ipv4-address"`, ...).
    pub fn as_str(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(t, _)| *t == self)
            .map_or("internal", |(_, n)| n)
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A type name Kea does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown option data type '{0}'")]
pub struct UnknownDataType(pub String);

impl FromStr for DataType {
    type Err = UnknownDataType;

    /// Parses Kea's type names, exactly (`"uint8"`, `"ipv4-address"`, ...).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::NAMES
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(t, _)| *t)
            .ok_or_else(|| UnknownDataType(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // V4-115
    #[test]
    fn names_round_trip() {
        for (t, n) in DataType::NAMES {
            assert_eq!(n.parse::<DataType>(), Ok(t));
            assert_eq!(t.to_string(), n);
        }
        assert!("ipv4".parse::<DataType>().is_err());
        assert!("UINT8".parse::<DataType>().is_err());
    }
}
