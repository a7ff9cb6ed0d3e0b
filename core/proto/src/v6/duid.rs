//! DUIDs (RFC 8415 §11): the client and server identifiers carried in CLIENTID (1) and SERVERID (2).

use super::options::Reader;
use super::{EncodeError, OptionError, OptionValue};
use crate::defs::value::parse_hex;
use std::fmt;
use std::str::FromStr;

/// The longest DUID: a 2-byte type and up to 128 bytes (RFC 8415 §11.1).
pub const MAX_DUID_LEN: usize = 130;

/// A DUID: opaque bytes that identify a client or server (V6-083). Any length decodes, since the
/// server decides what it accepts (V6-020); [`Duid::kind`] reads the structure when it is there.
/// Shown and parsed as lower-case colon hex, as Kea writes DUIDs (`00:01:00:01:...`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Duid(pub Vec<u8>);

/// The structure of a DUID, by its type code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DuidKind<'a> {
    /// DUID-LLT (1): hardware type, time (seconds since 2000-01-01 UTC), link-layer address.
    Llt {
        /// IANA hardware type.
        htype: u16,
        /// Time the DUID was generated.
        time: u32,
        /// Link-layer address.
        link_layer: &'a [u8],
    },
    /// DUID-EN (2): enterprise number, identifier.
    En {
        /// IANA private enterprise number.
        enterprise: u32,
        /// Vendor-assigned identifier.
        id: &'a [u8],
    },
    /// DUID-LL (3): hardware type, link-layer address.
    Ll {
        /// IANA hardware type.
        htype: u16,
        /// Link-layer address.
        link_layer: &'a [u8],
    },
    /// DUID-UUID (4, RFC 6355).
    Uuid([u8; 16]),
    /// Another type code, or a DUID too short for its type.
    Other,
}

/// DUID type codes (RFC 8415 §11.1, RFC 6355).
const LLT: u16 = 1;
const EN: u16 = 2;
const LL: u16 = 3;
const UUID: u16 = 4;

impl Duid {
    /// A DUID-LLT.
    pub fn llt(htype: u16, time: u32, link_layer: &[u8]) -> Self {
        Self(
            [
                &LLT.to_be_bytes()[..],
                &htype.to_be_bytes(),
                &time.to_be_bytes(),
                link_layer,
            ]
            .concat(),
        )
    }

    /// A DUID-EN.
    pub fn en(enterprise: u32, id: &[u8]) -> Self {
        Self([&EN.to_be_bytes()[..], &enterprise.to_be_bytes(), id].concat())
    }

    /// A DUID-LL.
    pub fn ll(htype: u16, link_layer: &[u8]) -> Self {
        Self([&LL.to_be_bytes()[..], &htype.to_be_bytes(), link_layer].concat())
    }

    /// A DUID-UUID.
    pub fn uuid(uuid: [u8; 16]) -> Self {
        Self([&UUID.to_be_bytes()[..], &uuid].concat())
    }

    /// The type code (first two bytes), if there are two.
    pub fn type_code(&self) -> Option<u16> {
        self.0.first_chunk().map(|&c| u16::from_be_bytes(c))
    }

    /// The DUID's structure by its type code.
    pub fn kind(&self) -> DuidKind<'_> {
        parse_kind(&self.0).unwrap_or(DuidKind::Other)
    }
}

fn parse_kind(bytes: &[u8]) -> Result<DuidKind<'_>, OptionError> {
    let mut r = Reader::new("DUID", bytes);
    Ok(match r.u16()? {
        LLT => DuidKind::Llt {
            htype: r.u16()?,
            time: r.u32()?,
            link_layer: r.rest(),
        },
        EN => DuidKind::En {
            enterprise: r.u32()?,
            id: r.rest(),
        },
        LL => DuidKind::Ll {
            htype: r.u16()?,
            link_layer: r.rest(),
        },
        UUID => {
            let uuid = r.bytes()?;
            r.finish()?;
            DuidKind::Uuid(uuid)
        }
        _ => DuidKind::Other,
    })
}

impl OptionValue for Duid {
    fn decode(data: &[u8]) -> Result<Self, OptionError> {
        Ok(Self(data.to_vec()))
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.0);
        Ok(())
    }
}

impl fmt::Display for Duid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Duid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Duid({self})")
    }
}

/// Text that is not a DUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid DUID '{text}': {reason}")]
pub struct ParseDuidError {
    text: String,
    reason: String,
}

impl FromStr for Duid {
    type Err = ParseDuidError;

    /// Kea's hex forms (`00:01:ab`, `00 01 ab`, `0001ab`, `0x0001ab`), 1 to 130 bytes.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| ParseDuidError {
            text: s.to_owned(),
            reason,
        };
        let bytes = parse_hex(s).map_err(|e| err(e.to_string()))?;
        if bytes.is_empty() || bytes.len() > MAX_DUID_LEN {
            let len = bytes.len();
            return Err(err(format!("{len} bytes, a DUID has 1 to {MAX_DUID_LEN}")));
        }
        Ok(Self(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // V6-090: the ARM's three server-id encodings.
    #[test]
    fn v6_090_arm_server_id_examples() {
        let id = [0xa6, 0x5d, 0xc7, 0x41, 0x0f, 0x05];
        let llt = Duid::llt(8, 2_518_920_166, &id);
        assert_eq!(llt.to_string(), "00:01:00:08:96:23:ab:e6:a6:5d:c7:41:0f:05");
        let en = Duid::en(2495, &[0x87, 0xab, 0xef, 0x7a, 0x5b, 0xb5, 0x45]);
        assert_eq!(en.to_string(), "00:02:00:00:09:bf:87:ab:ef:7a:5b:b5:45");
        let ll = Duid::ll(8, &id);
        assert_eq!(ll.to_string(), "00:03:00:08:a6:5d:c7:41:0f:05");
        assert_eq!(
            llt.kind(),
            DuidKind::Llt {
                htype: 8,
                time: 2_518_920_166,
                link_layer: &id
            }
        );
        assert!(matches!(
            en.kind(),
            DuidKind::En {
                enterprise: 2495,
                ..
            }
        ));
        assert_eq!(
            ll.kind(),
            DuidKind::Ll {
                htype: 8,
                link_layer: &id
            }
        );
        assert_eq!(Duid::uuid([7; 16]).kind(), DuidKind::Uuid([7; 16]));
    }

    #[test]
    fn text_round_trips_and_short_duids_have_no_structure() {
        let d: Duid = "00:01:00:08:96:23:AB:E6:A6:5D:C7:41:0F:05".parse().unwrap();
        assert_eq!(d.type_code(), Some(1));
        assert_eq!(d.to_string().parse::<Duid>(), Ok(d));
        assert_eq!("000300".parse::<Duid>().unwrap().0, [0, 3, 0]);
        assert!("".parse::<Duid>().is_err());
        assert!("zz".parse::<Duid>().is_err());
        assert!("00".repeat(131).parse::<Duid>().is_err());
        for short in [
            &[][..],
            &[0],
            &[0, 1, 0],
            &[0, 1, 0, 1, 0],
            &[0, 2, 0],
            &[0, 4, 1],
        ] {
            assert_eq!(Duid(short.to_vec()).kind(), DuidKind::Other, "{short:?}");
        }
        assert_eq!(Duid(vec![0, 9, 1]).kind(), DuidKind::Other);
        assert_eq!(
            Duid::decode(&[0, 3, 0, 1, 0xaa]).unwrap(),
            Duid(vec![0, 3, 0, 1, 0xaa])
        );
    }
}
