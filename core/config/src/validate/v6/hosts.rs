//! DHCPv6 reservations: several addresses and prefixes per host, each
//! prefix with an optional excluded prefix (V6-108..V6-113).

use std::net::Ipv6Addr;

use crate::addr::Prefix;
use crate::model::fields::{assemble, host_parts};
use crate::model::{Host6, HostIdType, Ipv6Prefix, ReservedPrefix};
use crate::validate::ctx::{index, Ctx};
use crate::validate::hosts::{host_base, hosts, within, HostSubnet, Reserved, Resource};
use crate::validate::options::Defs;
use crate::validate::parse_addr;
use crate::{wire, ConfigError};

impl Reserved for Host6 {
    fn key(&self) -> (HostIdType, &[u8]) {
        (self.id_type, &self.id)
    }

    fn resources(&self) -> Vec<Resource> {
        let addresses = self
            .ip_addresses
            .iter()
            .map(|&a| Resource::Address(a.into()));
        let prefixes = self
            .prefixes
            .iter()
            .map(|p| Resource::Prefix(p.prefix.addr, p.prefix.len));
        addresses.chain(prefixes).collect()
    }
}

/// A scope's reservations; `subnet` is `None` for global ones, whose
/// addresses may lie anywhere (V6-118).
pub(super) fn host_list(
    ctx: &Ctx,
    list: &[wire::Reservation6],
    parent: &str,
    defs: &Defs,
    subnet: HostSubnet<Ipv6Addr>,
    ip_unique: bool,
) -> Result<Vec<Host6>, ConfigError> {
    hosts(ctx, list, parent, ip_unique, |w, path| {
        host6(ctx, w, path, defs, subnet)
    })
}

/// One reservation at `path`; `subnet` is `None` for a global one.
pub(crate) fn host6(
    ctx: &Ctx,
    w: &wire::Reservation6,
    path: &str,
    defs: &Defs,
    subnet: HostSubnet<Ipv6Addr>,
) -> Result<Host6, ConfigError> {
    let ids = [
        (HostIdType::Duid, &w.duid),
        (HostIdType::HwAddress, &w.hw_address),
        (HostIdType::FlexId, &w.flex_id),
    ];
    let base = host_base(ctx, path, w.common(), &ids, defs)?;
    let ip_addresses = w
        .ip_addresses
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let path = index(path, "ip-addresses", i);
            let addr = parse_addr(ctx, &path, "ip-addresses", text)?;
            within(ctx, &path, addr, subnet).map(|()| addr)
        })
        .collect::<Result<_, _>>()?;
    let prefixes = prefixes(ctx, path, w)?;
    Ok(host_parts!(
        assemble! { base => Host6 { ip_addresses, prefixes, } }
    ))
}

/// `prefixes` with their `excluded-prefixes`: each prefix written with its
/// length (1..128) and its first address; they need not lie in the subnet
/// (V6-110). `excluded-prefixes` may be omitted, else it has one entry per
/// prefix, `""` or a longer prefix inside it (V6-111).
fn prefixes(
    ctx: &Ctx,
    path: &str,
    w: &wire::Reservation6,
) -> Result<Vec<ReservedPrefix>, ConfigError> {
    if !w.excluded_prefixes.is_empty() && w.excluded_prefixes.len() != w.prefixes.len() {
        return Err(ctx.invalid(
            path,
            format!(
                "excluded-prefixes has {} entries but prefixes has {}: give one per prefix (\"\" for none)",
                w.excluded_prefixes.len(),
                w.prefixes.len()
            ),
        ));
    }
    w.prefixes
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let prefix = reserved_prefix(ctx, &index(path, "prefixes", i), text)?;
            let excluded = match w.excluded_prefixes.get(i).map(String::as_str) {
                None | Some("") => None,
                Some(ex) => Some(excluded_prefix(
                    ctx,
                    &index(path, "excluded-prefixes", i),
                    ex,
                    prefix,
                )?),
            };
            Ok(ReservedPrefix { prefix, excluded })
        })
        .collect()
}

/// One `prefixes` entry.
fn reserved_prefix(ctx: &Ctx, path: &str, text: &str) -> Result<Ipv6Prefix, ConfigError> {
    let p = Prefix::<Ipv6Addr>::parse(text)
        .filter(|p| p.len > 0)
        .ok_or_else(|| {
            ctx.invalid(
                path,
                format!("invalid reserved prefix '{text}': write an IPv6 prefix with a length of 1..128"),
            )
        })?;
    if !p.is_aligned() {
        return Err(ctx.invalid(
            path,
            format!(
                "reserved prefix {text} is not the first address of its prefix ({}/{})",
                p.first(),
                p.len
            ),
        ));
    }
    Ok(p.into())
}

/// One `excluded-prefixes` entry: longer than `prefix` and inside it.
fn excluded_prefix(
    ctx: &Ctx,
    path: &str,
    text: &str,
    prefix: Ipv6Prefix,
) -> Result<Ipv6Prefix, ConfigError> {
    let p = Prefix::<Ipv6Addr>::parse(text)
        .ok_or_else(|| ctx.invalid(path, format!("invalid excluded prefix '{text}'")))?;
    if p.len <= prefix.len || !prefix.contains(p.addr) {
        return Err(ctx.invalid(
            path,
            format!("excluded prefix {text} must be longer than and inside the reserved prefix {prefix}"),
        ));
    }
    Ok(p.into())
}
