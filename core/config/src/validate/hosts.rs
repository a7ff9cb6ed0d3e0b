//! Host reservations (V4-088, V4-089, V4-073).

use std::collections::HashMap;
use std::net::Ipv4Addr;

use super::ctx::{index, Ctx};
use super::options::{option_set, Defs, Level};
use super::{fold_comment, opt_ipv4};
use crate::model::{Host4, HostIdType};
use crate::{wire, ConfigError};

/// An identifier as written: colon (or space) separated hex, plain hex, or
/// `'quoted text'` taken as its bytes.
pub(crate) fn parse_identifier(text: &str) -> Option<Vec<u8>> {
    if let Some(quoted) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        return (!quoted.is_empty()).then(|| quoted.as_bytes().to_vec());
    }
    let hex = text.strip_prefix("0x").unwrap_or(text);
    let bytes: Option<Vec<u8>> = if hex.contains([':', ' ']) {
        hex.split([':', ' '])
            .map(|p| {
                (1..=2)
                    .contains(&p.len())
                    .then(|| u8::from_str_radix(p, 16).ok())
                    .flatten()
            })
            .collect()
    } else if hex.len() % 2 == 0 {
        (0..hex.len())
            .step_by(2)
            .map(|i| {
                hex.get(i..i + 2)
                    .and_then(|p| u8::from_str_radix(p, 16).ok())
            })
            .collect()
    } else {
        None
    };
    bytes.filter(|b| !b.is_empty())
}

/// One reservation; `subnet` is `(prefix, len, label)` for subnet reservations.
fn host(
    ctx: &Ctx,
    w: &wire::Reservation,
    path: &str,
    defs: &Defs,
    subnet: Option<(&dyn Fn(Ipv4Addr) -> bool, &str)>,
) -> Result<Host4, ConfigError> {
    let ids = [
        (HostIdType::HwAddress, &w.hw_address),
        (HostIdType::Duid, &w.duid),
        (HostIdType::ClientId, &w.client_id),
        (HostIdType::CircuitId, &w.circuit_id),
        (HostIdType::FlexId, &w.flex_id),
    ];
    let mut given = ids.iter().filter_map(|(t, v)| v.as_ref().map(|v| (*t, v)));
    let (id_type, text) = given.next().ok_or_else(|| {
        ctx.invalid(path, "a reservation needs one identifier: hw-address, duid, client-id, circuit-id or flex-id")
    })?;
    if let Some((other, _)) = given.next() {
        return Err(ctx.invalid(
            path,
            format!(
                "'{}' and '{}' are mutually exclusive in a reservation",
                id_type.as_str(),
                other.as_str()
            ),
        ));
    }
    let id = parse_identifier(text)
        .ok_or_else(|| ctx.invalid(path, format!("invalid {} value '{text}'", id_type.as_str())))?;
    let ip_address = opt_ipv4(ctx, path, "ip-address", w.ip_address.as_deref())?;
    if let (Some(ip), Some((contains, label))) = (ip_address, subnet) {
        if !contains(ip) {
            return Err(ctx.invalid(
                path,
                format!("reserved address {ip} is not within subnet {label}"),
            ));
        }
    }
    Ok(Host4 {
        id_type,
        id,
        ip_address,
        hostname: w.hostname.clone(),
        options: option_set(ctx, &w.option_data, defs, Level::Reservation, path)?,
        client_classes: w.client_classes.clone(),
        next_server: opt_ipv4(
            ctx,
            path,
            "next-server",
            w.next_server.as_deref().filter(|s| !s.is_empty()),
        )?,
        server_hostname: w.server_hostname.clone().filter(|s| !s.is_empty()),
        boot_file_name: w.boot_file_name.clone().filter(|s| !s.is_empty()),
        user_context: fold_comment(w.user_context.clone(), w.comment.clone()),
    })
}

/// A scope's reservation list: identifiers unique, and addresses unique
/// unless `ip_unique` is off (V4-089).
pub(crate) fn hosts(
    ctx: &Ctx,
    list: &[wire::Reservation],
    parent: &str,
    defs: &Defs,
    subnet: Option<(&dyn Fn(Ipv4Addr) -> bool, &str)>,
    ip_unique: bool,
) -> Result<Vec<Host4>, ConfigError> {
    let mut out: Vec<Host4> = Vec::with_capacity(list.len());
    let mut by_id: HashMap<(HostIdType, Vec<u8>), usize> = HashMap::new();
    let mut by_ip: HashMap<Ipv4Addr, usize> = HashMap::new();
    for (i, w) in list.iter().enumerate() {
        let path = index(parent, "reservations", i);
        let h = host(ctx, w, &path, defs, subnet)?;
        if let Some(prev) = by_id.insert((h.id_type, h.id.clone()), i) {
            return Err(ctx.invalid(
                &path,
                format!(
                    "duplicate reservation for {} (also reservations[{prev}])",
                    h.id_type.as_str()
                ),
            ));
        }
        if let Some(ip) = h.ip_address.filter(|_| ip_unique) {
            if let Some(prev) = by_ip.insert(ip, i) {
                return Err(ctx.invalid(
                    &path,
                    format!("address {ip} is already reserved by reservations[{prev}] (ip-reservations-unique is true)"),
                ));
            }
        }
        out.push(h);
    }
    Ok(out)
}
