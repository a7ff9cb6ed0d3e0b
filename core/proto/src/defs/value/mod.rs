//! The `option-data` value codec: Kea's CSV and hex text forms to option bytes and back (V4-105,
//! V4-106, V4-110, V4-111, V4-112, V4-115, V4-116, V4-117; V6-133, V6-134, V6-138, V6-140, V6-141,
//! V6-144, V6-145).
//!
//! One codec serves both families: they differ only in the width of length fields inside a value (a
//! tuple has an 8-bit length in DHCPv4 and a 16-bit one in DHCPv6, [`Family`]) and in the options
//! with a text form of their own, which are told apart by their space (`dhcp4` or `dhcp6`).

mod csv;
mod dnr;
mod field;
mod hex;
mod routes;

use super::{DataType, Family, OptionDef, ValueError};

/// Options whose text form is their own (type `internal`, or a record Kea parses specially).
#[derive(Clone, Copy)]
enum Special {
    ClasslessRoutes,
    Dnr(Family),
}

fn special(def: &OptionDef) -> Option<Special> {
    match (def.space.as_str(), def.code, def.data_type) {
        ("dhcp4", 121, DataType::Internal) => Some(Special::ClasslessRoutes),
        ("dhcp4", 162, DataType::Record) => Some(Special::Dnr(Family::V4)),
        ("dhcp6", 144, DataType::Record) => Some(Special::Dnr(Family::V6)),
        _ => None,
    }
}

/// Encodes `option-data.data` for `def` (`None`: no definition known).
///
/// With `csv_format` false or no definition the data is hex (`"ab:cd"`, `"ab cd"`, `"0xabcd"`, `"abcd"`,
/// an odd digit count gets a leading 0) or `'quoted text'`, taken as raw bytes; with a definition the
/// bytes must then decode under it. With `csv_format` true the data is split on commas (`\,` is a
/// literal comma), each field trimmed and encoded by its type; arrays repeat the type (for records,
/// the last field); a non-array option uses the first value only, as Kea does. Empty data is allowed
/// for `empty` options (and, in hex, for any option whose bytes may be empty).
///
/// This is the DHCPv4 codec, [`encode_for`] with [`Family::V4`].
pub fn encode(
    def: Option<&OptionDef>,
    csv_format: bool,
    data: &str,
) -> Result<Vec<u8>, ValueError> {
    encode_for(Family::V4, def, csv_format, data)
}

/// [`encode`] with the wire rules of `family` (the registry's [`super::OptionDefs::family`]).
pub fn encode_for(
    family: Family,
    def: Option<&OptionDef>,
    csv_format: bool,
    data: &str,
) -> Result<Vec<u8>, ValueError> {
    let Some(def) = def.filter(|_| csv_format) else {
        let bytes = raw(data)?;
        if let Some(def) = def {
            check_wire(family, def, &bytes)?;
        }
        return Ok(bytes);
    };
    match special(def) {
        Some(Special::ClasslessRoutes) => return routes::encode(data),
        Some(Special::Dnr(family)) => return dnr::encode(family, data),
        None => {}
    }
    if def.data_type == DataType::Internal {
        return Err(ValueError::Unsupported {
            option: def.name.clone(),
            reason: "type internal has no text form; use csv-format false and hex data".into(),
        });
    }
    let values = csv::split(data, ',');
    if def.data_type == DataType::Empty {
        return match values.first() {
            None => Ok(Vec::new()),
            Some(v) => Err(ValueError::UnexpectedValue {
                option: def.name.clone(),
                value: v.clone(),
            }),
        };
    }
    let fields = def.fields();
    // An array without values is an empty option (Kea accepts it); anything else needs a value.
    if values.is_empty() && def.array && def.data_type != DataType::Record {
        return Ok(Vec::new());
    }
    if values.is_empty() {
        return Err(ValueError::MissingValue {
            option: def.name.clone(),
            ty: def.data_type,
        });
    }
    if values.len() < fields.len() {
        return Err(ValueError::FieldCount {
            option: def.name.clone(),
            expected: fields.len(),
            got: values.len(),
        });
    }
    if def.data_type == DataType::String && values[0].is_empty() {
        return Err(ValueError::MissingValue {
            option: def.name.clone(),
            ty: def.data_type,
        });
    }
    let mut out = Vec::new();
    for (ty, value) in fields.iter().zip(&values) {
        field::encode(family, *ty, value, &mut out)?;
    }
    if def.array {
        let last = fields[fields.len() - 1];
        for value in &values[fields.len()..] {
            field::encode(family, last, value, &mut out)?;
        }
    }
    Ok(out)
}

/// Hex data, or `'quoted text'` (at least one character) as its raw bytes.
fn raw(data: &str) -> Result<Vec<u8>, ValueError> {
    match data.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')) {
        Some(text) if !text.is_empty() => Ok(text.as_bytes().to_vec()),
        _ => hex::parse(data),
    }
}

/// Checks binary data against `def` as leniently as Kea: the value's fields must be there, bytes after
/// them are allowed (Kea reads them as sub-options), an array of addresses must be whole addresses, a
/// string must not be empty, and a boolean byte is not checked.
fn check_wire(family: Family, def: &OptionDef, bytes: &[u8]) -> Result<(), ValueError> {
    let fail = |reason: String| ValueError::BadWire {
        option: def.name.clone(),
        reason,
    };
    // Kea reads `pd-exclude` (RFC 6603: prefix length, then the subnet-id bits) with a parser of its
    // own that takes any bytes.
    let pd_exclude = def.space == "dhcp6" && def.code == 67;
    if def.data_type == DataType::Empty || special(def).is_some() || pd_exclude {
        return Ok(());
    }
    if def.array && def.data_type != DataType::Record {
        let (size, what) = match def.data_type {
            DataType::Ipv4Address => (4, "IPv4"),
            DataType::Ipv6Address => (16, "IPv6"),
            _ => return Ok(()),
        };
        if bytes.len() % size != 0 {
            let len = bytes.len();
            let reason = format!("{len} bytes is not a whole number of {what} addresses");
            return Err(fail(reason));
        }
        return Ok(());
    }
    if def.data_type == DataType::String && bytes.is_empty() {
        return Err(fail("a string option cannot be empty".into()));
    }
    let mut rest = bytes;
    for &ty in def.fields() {
        let used = match ty {
            DataType::Boolean if !rest.is_empty() => 1,
            _ => field::decode(family, ty, rest).map_err(fail)?.1,
        };
        rest = &rest[used..];
    }
    Ok(())
}

/// Decodes option bytes to Kea's CSV text form, the inverse of [`encode`] with `csv_format` true.
/// Sub-options after the value of an encapsulating option are not part of the text.
///
/// This is the DHCPv4 codec, [`to_text_for`] with [`Family::V4`].
pub fn to_text(def: &OptionDef, bytes: &[u8]) -> Result<String, ValueError> {
    to_text_for(Family::V4, def, bytes)
}

/// [`to_text`] with the wire rules of `family`.
pub fn to_text_for(family: Family, def: &OptionDef, bytes: &[u8]) -> Result<String, ValueError> {
    decode_value(family, def, bytes).map_err(|reason| ValueError::BadWire {
        option: def.name.clone(),
        reason,
    })
}

fn decode_value(family: Family, def: &OptionDef, bytes: &[u8]) -> Result<String, String> {
    match special(def) {
        Some(Special::ClasslessRoutes) => return routes::decode(bytes),
        Some(Special::Dnr(family)) => return dnr::decode(family, bytes),
        None => {}
    }
    let encapsulates = !def.encapsulate.is_empty();
    match def.data_type {
        DataType::Empty => return Ok(String::new()),
        DataType::Internal => return Ok(hex::format(bytes)),
        _ => {}
    }
    let fields = def.fields();
    let mut texts = Vec::with_capacity(fields.len());
    let mut rest = bytes;
    for &ty in fields {
        let (text, used) = field::decode(family, ty, rest)?;
        texts.push(text);
        rest = &rest[used..];
    }
    if def.array {
        let last = fields[fields.len() - 1];
        while !rest.is_empty() && !encapsulates {
            let (text, used) = field::decode(family, last, rest)?;
            texts.push(text);
            rest = &rest[used..];
        }
    }
    if !rest.is_empty() && !encapsulates {
        return Err(format!("{} bytes left after the last field", rest.len()));
    }
    Ok(texts.join(", "))
}

/// Parses hex data in any of Kea's forms: `"ab:cd"`, `"ab cd"`, `"0xabcd"`, `"abcd"` (an odd digit
/// count gets a leading 0); the empty string is no bytes.
pub fn parse_hex(data: &str) -> Result<Vec<u8>, ValueError> {
    hex::parse(data)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_v6;
