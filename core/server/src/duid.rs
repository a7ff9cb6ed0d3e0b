//! The DHCPv6 server identifier (V6-088..V6-091): from `server-id`, completed from the DUID stored in
//! `<data-directory>/kea-dhcp6-serverid` or generated, and stored there (colon-separated hex).

use ruru_config::{DuidType, ServerId};
use std::path::Path;

/// ISC's enterprise number, Kea's default for DUID-EN.
const ISC_ENTERPRISE: u32 = 2495;
/// Seconds between the Unix epoch and 2000-01-01 UTC (the DUID-LLT time origin).
const DUID_EPOCH: u64 = 946_684_800;
/// Ethernet's hardware type.
const HTYPE_ETHER: u16 = 1;

/// The server DUID for `id`, reading and writing `file` when `id.persist`.
pub(crate) fn server_duid(id: &ServerId, file: &Path) -> Result<Vec<u8>, String> {
    let stored = if id.persist { read(file) } else { None };
    let duid = match id.configured_duid() {
        Some(d) => d,
        None => match stored.as_ref().filter(|d| fits(id, d)) {
            Some(d) => d.clone(),
            None => generate(id)?,
        },
    };
    if id.persist && stored.as_ref() != Some(&duid) {
        let text = duid
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":");
        if let Err(e) = std::fs::write(file, text + "\n") {
            tracing::warn!(target: "kea-dhcp6.dhcp6", id = "DHCP6_SERVERID_WRITE_FAIL", file = %file.display(), "cannot store the server identifier: {e}");
        }
    }
    Ok(duid)
}

fn read(file: &Path) -> Option<Vec<u8>> {
    let text = std::fs::read_to_string(file).ok()?;
    let bytes: Result<Vec<u8>, _> = text
        .trim()
        .split(':')
        .map(|h| u8::from_str_radix(h, 16))
        .collect();
    bytes.ok().filter(|b| b.len() >= 3)
}

/// Whether a stored DUID agrees with every part the configuration gives (V6-091: a change replaces it).
fn fits(id: &ServerId, d: &[u8]) -> bool {
    let u16_at = |i: usize| d.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    let u32_at = |i: usize| {
        d.get(i..i + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    if u16_at(0) != Some(id.kind.code()) {
        return false;
    }
    let (htype, time, enterprise, ident) = match id.kind {
        DuidType::Llt => (u16_at(2), u32_at(4), None, d.get(8..)),
        DuidType::En => (None, None, u32_at(2), d.get(6..)),
        DuidType::Ll => (u16_at(2), None, None, d.get(4..)),
    };
    id.htype.is_none_or(|h| htype == Some(h))
        && id.time.is_none_or(|t| time == Some(t))
        && id.enterprise_id.is_none_or(|e| enterprise == Some(e))
        && id.identifier.as_deref().is_none_or(|i| ident == Some(i))
        && ident.is_some_and(|i| !i.is_empty())
}

/// A new DUID of the configured type, parts not given taken from a local interface, the clock or
/// random bytes (V6-088, V6-089).
fn generate(id: &ServerId) -> Result<Vec<u8>, String> {
    let mac = || -> Result<Vec<u8>, String> {
        let ifaces = ruru_net::interfaces().map_err(|e| format!("cannot list interfaces: {e}"))?;
        ifaces
            .iter()
            .filter(|i| !i.loopback)
            .find_map(|i| i.mac.filter(|m| m.iter().any(|&b| b != 0)))
            .map(|m| m.to_vec())
            .ok_or_else(|| {
                "no interface with a hardware address to build the server DUID from (set server-id)"
                    .into()
            })
    };
    let mut d = id.kind.code().to_be_bytes().to_vec();
    match id.kind {
        DuidType::Llt => {
            let now = crate::unix_now().saturating_sub(DUID_EPOCH) as u32;
            d.extend(id.htype.unwrap_or(HTYPE_ETHER).to_be_bytes());
            d.extend(id.time.unwrap_or(now).to_be_bytes());
            d.extend(match &id.identifier {
                Some(i) => i.clone(),
                None => mac()?,
            });
        }
        DuidType::En => {
            d.extend(id.enterprise_id.unwrap_or(ISC_ENTERPRISE).to_be_bytes());
            d.extend(match &id.identifier {
                Some(i) => i.clone(),
                None => rand::random::<[u8; 6]>().to_vec(),
            });
        }
        DuidType::Ll => {
            d.extend(id.htype.unwrap_or(HTYPE_ETHER).to_be_bytes());
            d.extend(match &id.identifier {
                Some(i) => i.clone(),
                None => mac()?,
            });
        }
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(kind: DuidType) -> ServerId {
        ServerId {
            kind,
            htype: None,
            identifier: None,
            time: None,
            enterprise_id: None,
            persist: true,
            user_context: None,
        }
    }

    // V6-088, V6-089, V6-091: an EN DUID is generated with ISC's number and 6 bytes, stored, reused on
    // the next start; a configured identifier replaces it; persist false leaves the file alone.
    #[test]
    fn v6_088_generated_stored_reused_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("kea-dhcp6-serverid");
        let first = server_duid(&id(DuidType::En), &file).unwrap();
        assert_eq!(&first[..6], &[0, 2, 0, 0, 9, 0xbf]);
        assert_eq!(first.len(), 12);
        assert_eq!(server_duid(&id(DuidType::En), &file).unwrap(), first);
        let mut given = id(DuidType::En);
        given.identifier = Some(vec![0x87, 0xab, 0xef]);
        let replaced = server_duid(&given, &file).unwrap();
        assert_eq!(replaced, [0, 2, 0, 0, 9, 0xbf, 0x87, 0xab, 0xef]);
        assert_eq!(read(&file), Some(replaced));
        let mut volatile = id(DuidType::En);
        volatile.persist = false;
        let other = server_duid(&volatile, &file).unwrap();
        assert_ne!(read(&file), Some(other), "persist false writes nothing");
    }
}
