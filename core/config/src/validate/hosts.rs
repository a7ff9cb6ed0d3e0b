//! Host reservations of both servers: identifiers, the parts both families
//! have, placement inside the subnet and uniqueness (V4-088, V4-089,
//! V4-073; V6-108..V6-110, V6-113).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

use super::ctx::{index, Ctx};
use super::fold_comment;
use super::options::{option_set, Defs, Level};
use crate::addr::{IpAddress, Prefix};
use crate::model::fields::{host_parts, part_struct};
use crate::model::HostIdType;
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

host_parts!(part_struct! {
    /// The parts of a reservation both families have.
    pub(crate) struct HostBase;
});

/// The common parts of one reservation; `ids` are the family's identifier
/// keys in the order messages name them, exactly one of which must be written.
pub(crate) fn host_base(
    ctx: &Ctx,
    path: &str,
    w: wire::ReservationView,
    ids: &[(HostIdType, &Option<String>)],
    defs: &Defs,
) -> Result<HostBase, ConfigError> {
    let mut given = ids.iter().filter_map(|(t, v)| v.as_ref().map(|v| (*t, v)));
    let (id_type, text) = given.next().ok_or_else(|| {
        let names: Vec<&str> = ids.iter().map(|(t, _)| t.as_str()).collect();
        let (last, first) = names.split_last().unwrap_or((&"", &[]));
        ctx.invalid(
            path,
            format!(
                "a reservation needs one identifier: {} or {last}",
                first.join(", ")
            ),
        )
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
    Ok(HostBase {
        id_type,
        id,
        hostname: w.hostname.clone(),
        options: option_set(ctx, w.option_data, defs, Level::Reservation, path)?,
        client_classes: w.client_classes.clone(),
        user_context: fold_comment(w.user_context.clone(), w.comment.clone()),
    })
}

/// The subnet a reservation belongs to: its prefix and its label for messages.
pub(crate) type HostSubnet<'a, A> = Option<(Prefix<A>, &'a str)>;

/// Checks that a reserved address lies in the reservation's subnet (V4-089,
/// V6-110); global reservations have none.
pub(crate) fn within<A: IpAddress>(
    ctx: &Ctx,
    path: &str,
    addr: A,
    subnet: HostSubnet<A>,
) -> Result<(), ConfigError> {
    match subnet {
        Some((prefix, label)) if !prefix.contains(addr) => Err(ctx.invalid(
            path,
            format!("reserved address {addr} is not within subnet {label}"),
        )),
        _ => Ok(()),
    }
}

/// One resource a reservation holds, for uniqueness checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Resource {
    /// A reserved address.
    Address(IpAddr),
    /// A reserved prefix.
    Prefix(Ipv6Addr, u8),
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Resource::Address(a) => write!(f, "address {a}"),
            Resource::Prefix(a, l) => write!(f, "prefix {a}/{l}"),
        }
    }
}

/// What the list checks need of a built reservation.
pub(crate) trait Reserved {
    /// The identifier type and bytes.
    fn key(&self) -> (HostIdType, &[u8]);
    /// The addresses and prefixes it reserves.
    fn resources(&self) -> Vec<Resource>;
}

/// A scope's reservation list, each entry built by `build` from its wire
/// map and path: identifiers unique, no resource listed twice in one
/// reservation, and resources unique across the list unless `ip_unique` is
/// off (V4-089, V6-113).
pub(crate) fn hosts<W, H: Reserved>(
    ctx: &Ctx,
    list: &[W],
    parent: &str,
    ip_unique: bool,
    build: impl Fn(&W, &str) -> Result<H, ConfigError>,
) -> Result<Vec<H>, ConfigError> {
    let mut out: Vec<H> = Vec::with_capacity(list.len());
    let mut by_id: HashMap<(HostIdType, Vec<u8>), usize> = HashMap::new();
    let mut by_resource: HashMap<Resource, usize> = HashMap::new();
    for (i, w) in list.iter().enumerate() {
        let path = index(parent, "reservations", i);
        let h = build(w, &path)?;
        let (id_type, id) = h.key();
        if let Some(prev) = by_id.insert((id_type, id.to_vec()), i) {
            return Err(ctx.invalid(
                &path,
                format!(
                    "duplicate reservation for {} (also reservations[{prev}])",
                    id_type.as_str()
                ),
            ));
        }
        let mut own = HashSet::new();
        for r in h.resources() {
            if !own.insert(r) {
                return Err(ctx.invalid(&path, format!("the reservation lists {r} twice")));
            }
            if !ip_unique {
                continue;
            }
            if let Some(prev) = by_resource.insert(r, i) {
                return Err(ctx.invalid(
                    &path,
                    format!("{r} is already reserved by reservations[{prev}] (ip-reservations-unique is true)"),
                ));
            }
        }
        out.push(h);
    }
    Ok(out)
}
