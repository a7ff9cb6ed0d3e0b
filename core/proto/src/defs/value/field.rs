//! Encoding and decoding of one typed field. Only the width of length fields depends on the family
//! (a tuple has an 8-bit length in DHCPv4 and a 16-bit one in DHCPv6).

use super::{csv, hex};
use crate::defs::{DataType, Family, ValueError};
use std::net::{Ipv4Addr, Ipv6Addr};

fn bad(ty: DataType, value: &str, reason: impl Into<String>) -> ValueError {
    ValueError::BadField {
        ty,
        value: value.to_owned(),
        reason: reason.into(),
    }
}

/// Parses a decimal or `0x` hex integer, either optionally negative, and checks it against `min..=max`.
fn integer(ty: DataType, text: &str, min: i64, max: i64) -> Result<i64, ValueError> {
    let (negative, magnitude) = match text.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, text),
    };
    let parsed = match magnitude
        .strip_prefix("0x")
        .or_else(|| magnitude.strip_prefix("0X"))
    {
        // from_str_radix would take a second sign after the prefix; Kea does not.
        Some(h) if h.starts_with(['+', '-']) => i64::from_str_radix("", 16),
        Some(h) => i64::from_str_radix(h, 16).map(|n| if negative { -n } else { n }),
        None => text.parse::<i64>(),
    };
    let n = parsed.map_err(|_| bad(ty, text, "not a decimal or 0x-hex number"))?;
    if n < min || n > max {
        return Err(bad(ty, text, format!("out of range {min}..{max}")));
    }
    Ok(n)
}

/// Appends `len` as a length field of `family`'s width ([`Family::len_width`]); `None` when it does not
/// fit.
pub(super) fn put_len(family: Family, len: usize, out: &mut Vec<u8>) -> Option<()> {
    match family.len_width() {
        1 => out.push(u8::try_from(len).ok()?),
        _ => out.extend(u16::try_from(len).ok()?.to_be_bytes()),
    }
    Some(())
}

/// Reads a length field of `family`'s width from the front of `bytes`: `(length, width)`.
pub(super) fn take_len(family: Family, bytes: &[u8]) -> Option<(usize, usize)> {
    let width = family.len_width();
    let field = bytes.get(..width)?;
    let len = field
        .iter()
        .fold(0usize, |acc, &b| acc << 8 | usize::from(b));
    Some((len, width))
}

/// Appends the wire form of `text` as a field of type `ty`.
pub(super) fn encode(
    family: Family,
    ty: DataType,
    text: &str,
    out: &mut Vec<u8>,
) -> Result<(), ValueError> {
    match ty {
        DataType::Binary => out.extend(hex::parse_csv_field(text)?),
        DataType::Boolean => {
            let v = match text.to_ascii_lowercase().as_str() {
                "true" | "1" => 1,
                "false" | "0" => 0,
                _ => return Err(bad(ty, text, "expected true, false, 1 or 0")),
            };
            out.push(v);
        }
        // The casts below are exact: `integer` checked the range of the target type.
        DataType::Uint8 => out.push(integer(ty, text, 0, 0xff)? as u8),
        DataType::Uint16 => {
            out.extend((integer(ty, text, 0, 0xffff)? as u16).to_be_bytes());
        }
        DataType::Uint32 => {
            out.extend((integer(ty, text, 0, 0xffff_ffff)? as u32).to_be_bytes());
        }
        DataType::Int8 => out.extend((integer(ty, text, -0x80, 0x7f)? as i8).to_be_bytes()),
        DataType::Int16 => {
            out.extend((integer(ty, text, -0x8000, 0x7fff)? as i16).to_be_bytes());
        }
        DataType::Int32 => {
            let n = integer(ty, text, -0x8000_0000, 0x7fff_ffff)?;
            out.extend((n as i32).to_be_bytes());
        }
        DataType::Ipv4Address => {
            let a: Ipv4Addr = text
                .parse()
                .map_err(|_| bad(ty, text, "not a dotted-quad IPv4 address"))?;
            out.extend(a.octets());
        }
        DataType::Ipv6Address => {
            let a: Ipv6Addr = text
                .parse()
                .map_err(|_| bad(ty, text, "not an IPv6 address"))?;
            out.extend(a.octets());
        }
        DataType::Ipv6Prefix => encode_prefix(text, out)?,
        DataType::Psid => encode_psid(text, out)?,
        DataType::Fqdn => encode_fqdn(text, out)?,
        DataType::String => out.extend_from_slice(text.as_bytes()),
        DataType::Tuple => {
            put_len(family, text.len(), out).ok_or_else(|| {
                let max = family.max_len();
                bad(
                    ty,
                    text,
                    format!("longer than {max} bytes, the tuple length limit"),
                )
            })?;
            out.extend_from_slice(text.as_bytes());
        }
        DataType::Empty | DataType::Record | DataType::Internal => {
            return Err(bad(ty, text, "this type cannot hold a field value"));
        }
    }
    Ok(())
}

/// `2001:db8::/32` → length byte, then the bytes the length covers (unused low bits zeroed).
fn encode_prefix(text: &str, out: &mut Vec<u8>) -> Result<(), ValueError> {
    let ty = DataType::Ipv6Prefix;
    let (addr, len) = text
        .split_once('/')
        .ok_or_else(|| bad(ty, text, "expected address/length"))?;
    let addr: Ipv6Addr = addr
        .trim()
        .parse()
        .map_err(|_| bad(ty, text, "the prefix is not an IPv6 address"))?;
    let len: u8 = len
        .trim()
        .parse()
        .ok()
        .filter(|l| *l <= 128)
        .ok_or_else(|| bad(ty, text, "the length must be 0..128"))?;
    let mut bytes = addr.octets();
    let used = usize::from(len).div_ceil(8);
    if len % 8 != 0 {
        bytes[used - 1] &= 0xff << (8 - len % 8);
    }
    out.push(len);
    out.extend_from_slice(&bytes[..used]);
    Ok(())
}

/// `3/4` (PSID 3, length 4) → length byte, then the PSID left-aligned in 16 bits (RFC 7597 §5.1).
fn encode_psid(text: &str, out: &mut Vec<u8>) -> Result<(), ValueError> {
    let ty = DataType::Psid;
    let (psid, len) = text
        .split_once('/')
        .ok_or_else(|| bad(ty, text, "expected psid/length"))?;
    let len: u8 = len
        .trim()
        .parse()
        .ok()
        .filter(|l| *l <= 16)
        .ok_or_else(|| bad(ty, text, "the PSID length must be 0..16"))?;
    let psid: u32 = psid
        .trim()
        .parse()
        .map_err(|_| bad(ty, text, "the PSID is not a number"))?;
    // With length 0 there is no PSID: Kea ignores the value and sends 0.
    if len > 0 && psid >> len != 0 {
        let reason = format!("the PSID does not fit in {len} bits");
        return Err(bad(ty, text, reason));
    }
    let wire = if len == 0 {
        0
    } else {
        // Fits in 16 bits: psid < 2^len and the shift is 16 - len.
        (psid << (16 - u32::from(len))) as u16
    };
    out.push(len);
    out.extend(wire.to_be_bytes());
    Ok(())
}

/// A domain name in DNS wire form: length-prefixed labels and the root label. A trailing dot is
/// optional; `\.` is a dot inside a label and `\\` a backslash. The root name alone and names with
/// spaces are refused, as Kea does.
pub(super) fn encode_fqdn(text: &str, out: &mut Vec<u8>) -> Result<(), ValueError> {
    let ty = DataType::Fqdn;
    if text.is_empty() || text == "." {
        return Err(bad(ty, text, "the name has no label"));
    }
    if text.contains(char::is_whitespace) {
        return Err(bad(ty, text, "the name contains spaces"));
    }
    let start = out.len();
    let mut label = Vec::new();
    let mut end_label = |label: &mut Vec<u8>| {
        let len = u8::try_from(label.len())
            .ok()
            .filter(|l| (1..=63).contains(l))
            .ok_or_else(|| bad(ty, text, "each label must be 1..63 bytes long"))?;
        out.push(len);
        out.append(label);
        Ok::<(), ValueError>(())
    };
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        let c = match c {
            '.' => {
                end_label(&mut label)?;
                continue;
            }
            '\\' => chars.next().unwrap_or('\\'),
            c => c,
        };
        let mut buf = [0; 4];
        label.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
    // Without a trailing dot the last label is still open.
    if !label.is_empty() {
        end_label(&mut label)?;
    }
    out.push(0);
    if out.len() - start > 255 {
        return Err(bad(ty, text, "the name is longer than 255 bytes"));
    }
    Ok(())
}

/// Decodes one field of type `ty` from the front of `bytes`; returns its text and the bytes used.
/// Types without their own length (binary, string) take everything.
pub(super) fn decode(
    family: Family,
    ty: DataType,
    bytes: &[u8],
) -> Result<(String, usize), String> {
    let take = |n: usize| {
        bytes
            .get(..n)
            .ok_or_else(|| format!("{ty} field needs {n} bytes, {} left", bytes.len()))
    };
    let be = |n: usize| -> Result<u32, String> {
        Ok(take(n)?
            .iter()
            .fold(0u32, |acc, &b| acc << 8 | u32::from(b)))
    };
    Ok(match ty {
        DataType::Binary => (hex::format(bytes), bytes.len()),
        DataType::Boolean => match take(1)?[0] {
            0 => ("false".into(), 1),
            1 => ("true".into(), 1),
            b => return Err(format!("boolean byte is {b}, not 0 or 1")),
        },
        DataType::Uint8 => (be(1)?.to_string(), 1),
        DataType::Uint16 => (be(2)?.to_string(), 2),
        DataType::Uint32 => (be(4)?.to_string(), 4),
        // The `as` casts reinterpret the big-endian bits as two's complement.
        DataType::Int8 => ((be(1)? as u8 as i8).to_string(), 1),
        DataType::Int16 => ((be(2)? as u16 as i16).to_string(), 2),
        DataType::Int32 => ((be(4)? as i32).to_string(), 4),
        DataType::Ipv4Address => (Ipv4Addr::from(be(4)?).to_string(), 4),
        DataType::Ipv6Address => {
            let mut a = [0; 16];
            a.copy_from_slice(take(16)?);
            (Ipv6Addr::from(a).to_string(), 16)
        }
        DataType::Ipv6Prefix => {
            let len = *take(1)?.first().unwrap_or(&0);
            if len > 128 {
                return Err(format!("prefix length {len} is over 128"));
            }
            let used = usize::from(len).div_ceil(8);
            let mut a = [0; 16];
            a[..used].copy_from_slice(&take(1 + used)?[1..]);
            (format!("{}/{len}", Ipv6Addr::from(a)), 1 + used)
        }
        DataType::Psid => {
            let b = take(3)?;
            let len = b[0];
            if len > 16 {
                return Err(format!("PSID length {len} is over 16"));
            }
            let wire = u32::from(u16::from_be_bytes([b[1], b[2]]));
            // Shifting in u32 makes length 0 (shift by 16) give PSID 0.
            (format!("{}/{len}", wire >> (16 - u32::from(len))), 3)
        }
        DataType::Fqdn => decode_fqdn(bytes)?,
        DataType::String => {
            // Trailing NULs are not part of the text (RFC 2132 §2, V4-025).
            let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |p| p + 1);
            let text = String::from_utf8_lossy(&bytes[..end]);
            (csv::escape(&text, &[',']), bytes.len())
        }
        DataType::Tuple => {
            let (len, width) = take_len(family, bytes).ok_or("tuple length runs past the end")?;
            let data = &take(width + len)?[width..];
            let text = String::from_utf8_lossy(data);
            (csv::escape(&text, &[',']), width + len)
        }
        DataType::Empty | DataType::Record | DataType::Internal => {
            return Err(format!("type {ty} cannot be a field"));
        }
    })
}

/// Reads a wire-form domain name (no compression) as `a.b.` text.
pub(super) fn decode_fqdn(bytes: &[u8]) -> Result<(String, usize), String> {
    let mut text = String::new();
    let mut at = 0;
    loop {
        let len = usize::from(
            *bytes
                .get(at)
                .ok_or("domain name runs past the end of the data")?,
        );
        at += 1;
        if len == 0 {
            break;
        }
        if len > 63 {
            return Err(format!(
                "label length {len} is over 63 (compression is not allowed)"
            ));
        }
        let label = bytes
            .get(at..at + len)
            .ok_or("domain name label runs past the end of the data")?;
        for c in String::from_utf8_lossy(label).chars() {
            match c {
                // Escaped for the name syntax, then for the CSV splitter.
                '\\' => text.push_str("\\\\\\\\"),
                '.' => text.push_str("\\."),
                ',' => text.push_str("\\,"),
                _ => text.push(c),
            }
        }
        text.push('.');
        at += len;
    }
    if text.is_empty() {
        text.push('.');
    }
    Ok((text, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(ty: DataType, text: &str) -> Result<Vec<u8>, ValueError> {
        let mut out = Vec::new();
        encode(Family::V4, ty, text, &mut out).map(|()| out)
    }

    /// The DHCPv4 decoder, which these tests were written for.
    fn decode(ty: DataType, bytes: &[u8]) -> Result<(String, usize), String> {
        super::decode(Family::V4, ty, bytes)
    }

    // V4-115: integers decimal or hex, range-checked.
    #[test]
    fn integers() {
        assert_eq!(enc(DataType::Uint8, "255").unwrap(), [255]);
        assert!(enc(DataType::Uint8, "256").is_err());
        assert!(enc(DataType::Uint8, "-1").is_err());
        assert_eq!(enc(DataType::Uint16, "0x1234").unwrap(), [0x12, 0x34]);
        assert_eq!(enc(DataType::Uint32, "12345").unwrap(), [0, 0, 0x30, 0x39]);
        assert_eq!(enc(DataType::Int8, "-128").unwrap(), [0x80]);
        assert!(enc(DataType::Int8, "128").is_err());
        assert_eq!(enc(DataType::Int8, "-0x10").unwrap(), [0xf0]);
        assert!(enc(DataType::Int8, "0xff").is_err());
        assert!(enc(DataType::Uint8, "0x-1").is_err());
        assert_eq!(enc(DataType::Uint8, "+5").unwrap(), [5]);
        assert_eq!(enc(DataType::Uint8, "0X40").unwrap(), [64]);
        assert_eq!(enc(DataType::Int32, "-1").unwrap(), [0xff; 4]);
        assert!(enc(DataType::Uint16, "ten").is_err());
        assert!(enc(DataType::Uint32, "4294967296").is_err());
        let msg = enc(DataType::Uint8, "256").unwrap_err().to_string();
        assert!(
            msg.contains("uint8") && msg.contains("256") && msg.contains("range"),
            "{msg}"
        );
    }

    #[test]
    fn booleans_and_addresses() {
        assert_eq!(enc(DataType::Boolean, "true").unwrap(), [1]);
        assert_eq!(enc(DataType::Boolean, "False").unwrap(), [0]);
        assert_eq!(enc(DataType::Boolean, "1").unwrap(), [1]);
        assert!(enc(DataType::Boolean, "2").is_err());
        assert_eq!(
            enc(DataType::Ipv4Address, "192.0.2.1").unwrap(),
            [192, 0, 2, 1]
        );
        assert!(enc(DataType::Ipv4Address, "2001:db8::1").is_err());
        assert!(enc(DataType::Ipv4Address, "192.0.2").is_err());
        assert_eq!(enc(DataType::Ipv6Address, "::1").unwrap()[15], 1);
    }

    // V4-115: psid `3/4` → `04 30 00`; ipv6-prefix = length byte + prefix bytes.
    #[test]
    fn psid_and_prefix() {
        assert_eq!(enc(DataType::Psid, "3/4").unwrap(), [4, 0x30, 0]);
        assert_eq!(enc(DataType::Psid, "0/0").unwrap(), [0, 0, 0]);
        assert_eq!(enc(DataType::Psid, "1/0").unwrap(), [0, 0, 0]);
        assert_eq!(enc(DataType::Psid, "65535/16").unwrap(), [16, 0xff, 0xff]);
        assert!(enc(DataType::Psid, "16/4").is_err());
        assert!(enc(DataType::Psid, "1/17").is_err());
        assert_eq!(
            enc(DataType::Ipv6Prefix, "2001:db8::/32").unwrap(),
            [32, 0x20, 0x01, 0x0d, 0xb8]
        );
        assert_eq!(
            enc(DataType::Ipv6Prefix, "2001:dbff::/20").unwrap(),
            [20, 0x20, 0x01, 0xd0]
        );
        assert_eq!(enc(DataType::Ipv6Prefix, "::/0").unwrap(), [0]);
        assert!(enc(DataType::Ipv6Prefix, "2001:db8::/129").is_err());
        assert!(enc(DataType::Ipv6Prefix, "2001:db8::").is_err());
        for (ty, text) in [
            (DataType::Psid, "3/4"),
            (DataType::Ipv6Prefix, "2001:db8::/32"),
            (DataType::Ipv6Prefix, "2001:db0::/28"),
        ] {
            let wire = enc(ty, text).unwrap();
            assert_eq!(decode(ty, &wire).unwrap(), (text.to_owned(), wire.len()));
        }
    }

    #[test]
    fn fqdn_wire_form() {
        let want = b"\x07example\x03com\x00".to_vec();
        assert_eq!(enc(DataType::Fqdn, "example.com").unwrap(), want);
        assert_eq!(enc(DataType::Fqdn, "example.com.").unwrap(), want);
        assert!(enc(DataType::Fqdn, ".").is_err());
        assert!(enc(DataType::Fqdn, "a b.example").is_err());
        assert_eq!(
            decode(DataType::Fqdn, &want).unwrap(),
            ("example.com.".into(), 13)
        );
        assert_eq!(enc(DataType::Fqdn, "a\\.b.c").unwrap(), b"\x03a.b\x01c\x00");
        assert_eq!(
            decode(DataType::Fqdn, b"\x03a.b\x01c\x00").unwrap().0,
            "a\\.b.c."
        );
        assert!(enc(DataType::Fqdn, "").is_err());
        assert!(enc(DataType::Fqdn, "a..b").is_err());
        assert!(enc(DataType::Fqdn, &"x".repeat(64)).is_err());
        let long = vec!["x".repeat(60); 5].join(".");
        assert!(enc(DataType::Fqdn, &long).is_err());
        assert!(decode(DataType::Fqdn, b"\x03ab").is_err());
        assert!(decode(DataType::Fqdn, b"\xc0\x0c").is_err());
    }

    #[test]
    fn tuple_and_string() {
        assert_eq!(enc(DataType::Tuple, "ab").unwrap(), [2, b'a', b'b']);
        assert!(enc(DataType::Tuple, &"x".repeat(256)).is_err());
        assert_eq!(
            decode(DataType::Tuple, &[2, b'a', b',']).unwrap(),
            ("a\\,".into(), 3)
        );
        assert_eq!(
            decode(DataType::String, b"pc\0\0").unwrap(),
            ("pc".into(), 4)
        );
        assert!(decode(DataType::Tuple, &[3, b'a']).is_err());
    }
}
