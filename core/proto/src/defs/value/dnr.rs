//! The DNR options, `v4-dnr` (option 162, RFC 9463 §5.1) and `v6-dnr` (option 144, §4.1): text
//! `priority, adn[, address address ...[, key=value key=value ...]]`, `|`-separated instances in
//! DHCPv4 (V4-111, V6-141).
//!
//! The families differ only in framing: DHCPv4 packs several instances, each behind a 16-bit length,
//! and uses 8-bit ADN and address-list lengths with IPv4 addresses; a DHCPv6 option is one instance
//! with 16-bit lengths and IPv6 addresses. The service parameters are the same.

use super::{csv, field};
use crate::defs::{DataType, Family, ValueError};

fn bad(family: Family, value: &str, reason: impl std::fmt::Display) -> ValueError {
    let option = match family {
        Family::V4 => "v4-dnr",
        Family::V6 => "v6-dnr",
    };
    ValueError::BadField {
        ty: DataType::Record,
        value: value.to_owned(),
        reason: format!("{option}: {reason}"),
    }
}

/// The type of the addresses in an instance.
fn address_type(family: Family) -> DataType {
    match family {
        Family::V4 => DataType::Ipv4Address,
        Family::V6 => DataType::Ipv6Address,
    }
}

/// SvcParam keys (RFC 9460 §14.3.2) usable in a DNR instance. `ipv4hint`/`ipv6hint` are excluded by
/// RFC 9463 §3.1.8 and `ech` needs base64, which this codec does not read.
const KEYS: [(u16, &str); 6] = [
    (0, "mandatory"),
    (1, "alpn"),
    (2, "no-default-alpn"),
    (3, "port"),
    (7, "dohpath"),
    (8, "ohttp"),
];

fn key_code(name: &str) -> Option<u16> {
    KEYS.iter().find(|(_, n)| *n == name).map(|(c, _)| *c)
}

fn key_name(code: u16) -> Option<&'static str> {
    KEYS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// Encodes every instance (V4-111, V6-141).
pub(super) fn encode(family: Family, text: &str) -> Result<Vec<u8>, ValueError> {
    let instances = csv::split(text, '|');
    if instances.is_empty() {
        return Err(bad(family, text, "at least one DNR instance is needed"));
    }
    let mut out = Vec::new();
    if family == Family::V6 {
        let [instance] = instances.as_slice() else {
            return Err(bad(
                family,
                text,
                "one instance per option (configure one option for each)",
            ));
        };
        encode_instance(family, instance, &mut out)?;
        return Ok(out);
    }
    for instance in &instances {
        let start = out.len();
        out.extend([0, 0]);
        encode_instance(family, instance, &mut out)?;
        let len = u16::try_from(out.len() - start - 2)
            .map_err(|_| bad(family, instance, "instance longer than 65535 bytes"))?;
        out[start..start + 2].copy_from_slice(&len.to_be_bytes());
    }
    Ok(out)
}

/// Appends `field` behind a length field of the family's width.
fn put_sized(
    family: Family,
    field: &[u8],
    what: &str,
    out: &mut Vec<u8>,
) -> Result<(), ValueError> {
    field::put_len(family, field.len(), out)
        .ok_or_else(|| bad(family, what, "too long for its length field"))?;
    out.extend_from_slice(field);
    Ok(())
}

fn encode_instance(family: Family, instance: &str, out: &mut Vec<u8>) -> Result<(), ValueError> {
    let fields = csv::split(instance, ',');
    let [priority, adn, rest @ ..] = fields.as_slice() else {
        return Err(bad(
            family,
            instance,
            "an instance needs at least a priority and an ADN",
        ));
    };
    if rest.len() > 2 {
        return Err(bad(
            family,
            instance,
            "too many fields (priority, ADN, addresses, SvcParams)",
        ));
    }
    field::encode(family, DataType::Uint16, priority, out)?;
    let mut wire = Vec::new();
    field::encode_fqdn(adn, &mut wire)?;
    put_sized(family, &wire, adn, out)?;
    let Some(addrs) = rest.first() else {
        return Ok(()); // ADN-only mode (RFC 9463 §3.1.6).
    };
    wire.clear();
    for a in addrs.split_whitespace() {
        field::encode(family, address_type(family), a, &mut wire)?;
    }
    if wire.is_empty() {
        return Err(bad(family, instance, "the address field is empty"));
    }
    put_sized(family, &wire, addrs, out)?;
    if let Some(params) = rest.get(1) {
        encode_params(family, params, out)?;
    }
    Ok(())
}

/// SvcParams in wire form (RFC 9460 §2.2), in ascending key order, each key at most once.
fn encode_params(family: Family, text: &str, out: &mut Vec<u8>) -> Result<(), ValueError> {
    let mut params: Vec<(u16, Vec<u8>)> = Vec::new();
    for param in text.split_whitespace() {
        let (name, value) = param.split_once('=').unwrap_or((param, ""));
        let key = key_code(name).ok_or_else(|| bad(family, param, "unsupported SvcParam key"))?;
        if params.iter().any(|(k, _)| *k == key) {
            return Err(bad(family, param, "SvcParam key given twice"));
        }
        let mut wire = Vec::new();
        match key {
            0 => {
                for k in value.split(',') {
                    let code =
                        key_code(k).ok_or_else(|| bad(family, param, "unknown mandatory key"))?;
                    wire.extend(code.to_be_bytes());
                }
            }
            1 => {
                for id in value.split(',') {
                    let len = u8::try_from(id.len())
                        .ok()
                        .filter(|l| *l > 0)
                        .ok_or_else(|| bad(family, param, "an alpn id must be 1..255 bytes"))?;
                    wire.push(len);
                    wire.extend_from_slice(id.as_bytes());
                }
            }
            3 => field::encode(family, DataType::Uint16, value, &mut wire)?,
            7 if value.is_empty() => return Err(bad(family, param, "dohpath needs a value")),
            7 => wire.extend_from_slice(value.as_bytes()),
            _ if !value.is_empty() => return Err(bad(family, param, "this key takes no value")),
            _ => {}
        }
        params.push((key, wire));
    }
    params.sort_by_key(|(k, _)| *k);
    for (key, wire) in params {
        let len = u16::try_from(wire.len()).map_err(|_| bad(family, text, "SvcParam too long"))?;
        out.extend(key.to_be_bytes());
        out.extend(len.to_be_bytes());
        out.extend(wire);
    }
    Ok(())
}

/// Splits `n` bytes off the front of `bytes`, naming `what` when they are missing.
fn take<'a>(bytes: &mut &'a [u8], n: usize, what: &str) -> Result<&'a [u8], String> {
    let (head, tail) = bytes
        .split_at_checked(n)
        .ok_or_else(|| format!("{what} runs past the end of the data"))?;
    *bytes = tail;
    Ok(head)
}

fn be16(b: &[u8]) -> u16 {
    u16::from_be_bytes([b[0], b[1]])
}

/// Splits a length field of the family's width, then that many bytes, off the front of `bytes`.
fn take_sized<'a>(family: Family, bytes: &mut &'a [u8], what: &str) -> Result<&'a [u8], String> {
    let (len, width) =
        field::take_len(family, bytes).ok_or_else(|| format!("{what} length runs past the end"))?;
    take(bytes, width, what)?;
    take(bytes, len, what)
}

/// Decodes every instance back to the text form.
pub(super) fn decode(family: Family, mut bytes: &[u8]) -> Result<String, String> {
    if family == Family::V6 {
        return decode_instance(family, bytes);
    }
    let mut instances = Vec::new();
    while !bytes.is_empty() {
        let len = usize::from(be16(take(&mut bytes, 2, "instance length")?));
        instances.push(decode_instance(
            family,
            take(&mut bytes, len, "DNR instance")?,
        )?);
    }
    Ok(instances.join(" | "))
}

fn decode_instance(family: Family, mut inst: &[u8]) -> Result<String, String> {
    let priority = be16(take(&mut inst, 2, "service priority")?);
    let adn = take_sized(family, &mut inst, "ADN")?;
    let (name, used) = field::decode_fqdn(adn)?;
    if used != adn.len() {
        return Err("ADN length does not match the name".into());
    }
    let mut text = format!("{priority}, {name}");
    if inst.is_empty() {
        return Ok(text);
    }
    let addrs = take_sized(family, &mut inst, "address list")?;
    let size = match family {
        Family::V4 => 4,
        Family::V6 => 16,
    };
    if addrs.is_empty() || addrs.len() % size != 0 {
        let len = addrs.len();
        return Err(format!(
            "address length {len} is not a positive multiple of {size}"
        ));
    }
    let addrs = addrs
        .chunks(size)
        .map(|a| field::decode(family, address_type(family), a).map(|(text, _)| text))
        .collect::<Result<Vec<_>, _>>()?;
    text.push_str(", ");
    text.push_str(&addrs.join(" "));
    if !inst.is_empty() {
        text.push_str(", ");
        text.push_str(&decode_params(inst)?);
    }
    Ok(text)
}

fn decode_params(mut bytes: &[u8]) -> Result<String, String> {
    let mut params = Vec::new();
    while !bytes.is_empty() {
        let key = be16(take(&mut bytes, 2, "SvcParam key")?);
        let len = usize::from(be16(take(&mut bytes, 2, "SvcParam length")?));
        let mut value = take(&mut bytes, len, "SvcParam value")?;
        let name = key_name(key).ok_or_else(|| format!("unsupported SvcParam key {key}"))?;
        let text = match key {
            0 => {
                if value.len() % 2 != 0 {
                    return Err("mandatory list has an odd length".into());
                }
                let names: Result<Vec<_>, String> = value
                    .chunks(2)
                    .map(|k| key_name(be16(k)).ok_or(format!("unsupported key {}", be16(k))))
                    .collect();
                names?.join("\\,")
            }
            1 => {
                let mut ids = Vec::new();
                while !value.is_empty() {
                    let n = usize::from(take(&mut value, 1, "alpn id length")?[0]);
                    ids.push(String::from_utf8_lossy(take(&mut value, n, "alpn id")?).into_owned());
                }
                ids.join("\\,")
            }
            3 if value.len() == 2 => be16(value).to_string(),
            3 => return Err("port is not 2 bytes".into()),
            7 => csv::escape(&String::from_utf8_lossy(value), &[',', '|']),
            _ => String::new(),
        };
        params.push(if text.is_empty() {
            name.to_owned()
        } else {
            format!("{name}={text}")
        });
    }
    Ok(params.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The DHCPv4 encoder, which these tests were written for.
    fn encode(text: &str) -> Result<Vec<u8>, ValueError> {
        super::encode(Family::V4, text)
    }

    /// The DHCPv4 decoder.
    fn decode(bytes: &[u8]) -> Result<String, String> {
        super::decode(Family::V4, bytes)
    }

    // V4-111: the ARM example gives two RFC 9463 instances.
    #[test]
    fn arm_example() {
        let text = "2, resolver.example., 10.0.5.6, alpn=dot\\,doq port=8530 | 3, fooexp.resolver.example.";
        let wire = encode(text).unwrap();
        let mut want = Vec::new();
        let adn1 = b"\x08resolver\x07example\x00";
        let params = b"\x00\x01\x00\x08\x03dot\x03doq\x00\x03\x00\x02\x21\x52";
        let inst1_len = 2 + 1 + adn1.len() + 1 + 4 + params.len();
        want.extend((inst1_len as u16).to_be_bytes());
        want.extend([0, 2, adn1.len() as u8]);
        want.extend(adn1);
        want.extend([4, 10, 0, 5, 6]);
        want.extend(params);
        let adn2 = b"\x06fooexp\x08resolver\x07example\x00";
        want.extend(((2 + 1 + adn2.len()) as u16).to_be_bytes());
        want.extend([0, 3, adn2.len() as u8]);
        want.extend(adn2);
        assert_eq!(wire, want);
        assert_eq!(decode(&wire).unwrap(), text);
    }

    #[test]
    fn params_sorted_and_dohpath_pipe() {
        let text = "1, a.example., 192.0.2.1 192.0.2.2, port=443 dohpath=/q{?dns}\\|x alpn=h2";
        let wire = encode(text).unwrap();
        let back = decode(&wire).unwrap();
        assert_eq!(
            back,
            "1, a.example., 192.0.2.1 192.0.2.2, alpn=h2 port=443 dohpath=/q{?dns}\\|x"
        );
        assert_eq!(encode(&back).unwrap(), wire);
    }

    #[test]
    fn malformed_instances() {
        for text in [
            "",
            "1",
            "x, a.example.",
            "1, a.example., 1.2.3",
            "1, a.example., 1.2.3.4, ech=abc",
            "1, a.example., 1.2.3.4, port=1 port=2",
            "1, a.example., 1.2.3.4, alpn=dot, extra",
        ] {
            assert!(encode(text).is_err(), "{text}");
        }
        assert!(decode(&[0, 5, 0, 1]).is_err());
    }
}
