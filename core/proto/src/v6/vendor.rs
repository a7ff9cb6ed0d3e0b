//! Class and vendor options: USER_CLASS (15), VENDOR_CLASS (16), VENDOR_OPTS (17) (RFC 8415
//! §21.15-§21.17).

use super::options::Reader;
use super::{EncodeError, OptionError, OptionValue, Options6};

/// Reads a list of opaque items, each behind a 16-bit length (user-class-data, vendor-class-data).
fn read_items(what: &'static str, data: &[u8]) -> Result<Vec<Vec<u8>>, OptionError> {
    let mut r = Reader::new(what, data);
    let mut items = Vec::new();
    while !r.at_end() {
        let len = usize::from(r.u16()?);
        items.push(r.take(len)?.to_vec());
    }
    Ok(items)
}

/// Appends items each behind a 16-bit length.
fn write_items(
    items: &[Vec<u8>],
    what: &'static str,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    for item in items {
        let len = u16::try_from(item.len()).map_err(|_| EncodeError::Invalid {
            what,
            reason: "an item is longer than 65535 bytes",
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(item);
    }
    Ok(())
}

/// USER_CLASS (15): opaque class identifiers.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct UserClass {
    /// The user-class-data items, in order.
    pub classes: Vec<Vec<u8>>,
}

impl OptionValue for UserClass {
    fn decode(data: &[u8]) -> Result<Self, OptionError> {
        Ok(Self {
            classes: read_items("USER_CLASS", data)?,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        write_items(&self.classes, "USER_CLASS", out)
    }
}

/// VENDOR_CLASS (16): an enterprise number, then opaque class identifiers (the first one names the
/// client's `VENDOR_CLASS_` class, V6-153).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct VendorClass {
    /// IANA private enterprise number.
    pub enterprise: u32,
    /// The vendor-class-data items, in order.
    pub data: Vec<Vec<u8>>,
}

impl OptionValue for VendorClass {
    fn decode(data: &[u8]) -> Result<Self, OptionError> {
        let mut r = Reader::new("VENDOR_CLASS", data);
        Ok(Self {
            enterprise: r.u32()?,
            data: read_items("VENDOR_CLASS", r.rest())?,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.enterprise.to_be_bytes());
        write_items(&self.data, "VENDOR_CLASS", out)
    }
}

/// VENDOR_OPTS (17): an enterprise number, then options of space `vendor-<enterprise>` (V6-147).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct VendorOpts {
    /// IANA private enterprise number.
    pub enterprise: u32,
    /// The vendor's options (a cut-short tail is dropped, as for every option list).
    pub options: Options6,
}

impl VendorOpts {
    /// The option space of the vendor's options, as `option-def` names it.
    pub fn space(&self) -> String {
        format!("vendor-{}", self.enterprise)
    }
}

impl OptionValue for VendorOpts {
    fn decode(data: &[u8]) -> Result<Self, OptionError> {
        let mut r = Reader::new("VENDOR_OPTS", data);
        Ok(Self {
            enterprise: r.u32()?,
            options: Options6::parse(r.rest()).0,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.enterprise.to_be_bytes());
        self.options.encode(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // V6-150, V6-153: vendor-class-data items behind 16-bit lengths.
    #[test]
    fn v6_153_vendor_class_items() {
        let wire = b"\x00\x00\x11\x8b\x00\x09docsis3.0\x00\x02ab";
        let vc = VendorClass::decode(wire).unwrap();
        assert_eq!(vc.enterprise, 4491);
        assert_eq!(vc.data, [b"docsis3.0".to_vec(), b"ab".to_vec()]);
        let mut out = Vec::new();
        vc.encode(&mut out).unwrap();
        assert_eq!(out, wire);
        assert!(VendorClass::decode(&wire[..wire.len() - 1]).is_err());
        assert!(VendorClass::decode(&[0, 0, 0x11]).is_err());
        assert_eq!(UserClass::decode(&[]), Ok(UserClass::default()));
        let uc = UserClass::decode(&[0, 1, b'x']).unwrap();
        assert_eq!(uc.classes, [b"x".to_vec()]);
        assert!(UserClass::decode(&[0, 2, b'x']).is_err());
    }

    // V6-147: enterprise number, then the vendor space's options.
    #[test]
    fn v6_147_vendor_opts() {
        let wire = [0, 0, 0x30, 0x39, 0, 1, 0, 2, 0xab, 0xcd];
        let v = VendorOpts::decode(&wire).unwrap();
        assert_eq!((v.enterprise, v.space().as_str()), (12345, "vendor-12345"));
        assert_eq!(v.options.get(1), Some(&[0xab, 0xcd][..]));
        let mut out = Vec::new();
        v.encode(&mut out).unwrap();
        assert_eq!(out, wire);
    }
}
