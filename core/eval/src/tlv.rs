//! Walking options inside option payloads without copying: sub-options (code/length headers of 1 byte in
//! DHCPv4, 2 in DHCPv6), the enterprise blocks of the vendor options (125/17) and the data chunks of the
//! vendor-class options (124/16).

use ruru_proto::defs::{DataType, Family, OptionDefs};

/// Width of codes and lengths inside payloads.
fn width(family: Family) -> usize {
    match family {
        Family::V4 => 1,
        Family::V6 => 2,
    }
}

fn read(b: &[u8], w: usize) -> Option<usize> {
    let f = b.get(..w)?;
    Some(f.iter().fold(0usize, |a, &x| a << 8 | usize::from(x)))
}

/// The payload of the first sub-option `code` in a run of sub-options.
pub(crate) fn find(family: Family, mut data: &[u8], code: u16) -> Option<&[u8]> {
    let w = width(family);
    while data.len() >= 2 * w {
        let c = read(data, w)?;
        let len = read(&data[w..], w)?;
        let body = data.get(2 * w..2 * w + len)?;
        if c == usize::from(code) {
            return Some(body);
        }
        data = &data[2 * w + len..];
    }
    None
}

/// Where the sub-options of option `code` start in its payload, or `None` if it carries none. The DHCPv6
/// containers with fixed headers (IA_NA, IA_TA, IA_PD, IAADDR, IAPREFIX, vendor-opts) are known; other
/// options encapsulate when their definition names a space, after their fixed-size fields.
pub(crate) fn suboption_offset(defs: &OptionDefs, code: u16) -> Option<usize> {
    let family = defs.family();
    if family == Family::V6 {
        let fixed = match code {
            3 | 25 => Some(12),
            4 | 17 => Some(4),
            5 => Some(24),
            26 => Some(25),
            _ => None,
        };
        if fixed.is_some() {
            return fixed;
        }
    }
    let def = defs.by_code(family.main_space(), code)?;
    if def.encapsulate.is_empty() {
        return None;
    }
    def.fields().iter().try_fold(0, |sum, t| {
        let size = match t {
            DataType::Empty => 0,
            DataType::Boolean | DataType::Uint8 | DataType::Int8 => 1,
            DataType::Uint16 | DataType::Int16 => 2,
            DataType::Uint32 | DataType::Int32 | DataType::Ipv4Address => 4,
            DataType::Ipv6Address => 16,
            _ => return None,
        };
        Some(sum + size)
    })
}

/// The first enterprise block of a vendor option (125 in DHCPv4: `enterprise, len, data`; 17 in DHCPv6:
/// `enterprise, options`): the enterprise number and the block's data.
pub(crate) fn vendor_block(family: Family, payload: &[u8]) -> Option<(u32, &[u8])> {
    let enterprise = u32::from_be_bytes(payload.get(..4)?.try_into().ok()?);
    let rest = &payload[4..];
    match family {
        Family::V4 => {
            let len = usize::from(*rest.first()?);
            Some((enterprise, rest.get(1..1 + len)?))
        }
        Family::V6 => Some((enterprise, rest)),
    }
}

/// Data chunk `index` of a vendor-class option's first block (124 in DHCPv4: chunks with 1-byte lengths
/// inside the block; 16 in DHCPv6: chunks with 2-byte lengths).
pub(crate) fn vendor_class_chunk(family: Family, payload: &[u8], index: u32) -> Option<&[u8]> {
    let (_, mut data) = vendor_block(family, payload)?;
    let w = width(family);
    for _ in 0..index {
        let len = read(data, w)?;
        data = data.get(w + len..)?;
    }
    let len = read(data, w)?;
    data.get(w..w + len)
}

/// How many data chunks a vendor-class option's first block holds.
pub(crate) fn vendor_class_chunks(family: Family, payload: &[u8]) -> usize {
    let Some((_, mut data)) = vendor_block(family, payload) else {
        return 0;
    };
    let w = width(family);
    let mut n = 0;
    while let Some(len) = read(data, w) {
        let Some(rest) = data.get(w + len..) else {
            break;
        };
        data = rest;
        n += 1;
    }
    n
}
