//! Address and prefix allocation (V6-069..V6-075): whether a lease is available to a client, and the
//! iterative and random allocators over a subnet's pools or pd-pools, shared-network siblings next.

use super::snapshot::{Snapshot6, SubnetState6};
use crate::classes::{class_allows, Classes};
pub(crate) use crate::commit::AllocFail;
use ruru_config::{AllocatorKind, Host6};
use ruru_lease::{Lease6, LeaseStore6, LeaseType, StoreError};
use std::net::Ipv6Addr;
use std::sync::atomic::Ordering;

/// Candidates tried per allocation at most: pools of 2^64 addresses are never scanned whole; one that
/// has found nothing free after this many probes is treated as exhausted.
const MAX_PROBES: u128 = 1 << 22;

/// What the store says about an address or prefix for a given client.
pub(crate) type Avail6 = crate::commit::Avail<Lease6>;

/// The client an allocation is for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Owner<'a> {
    pub(crate) duid: &'a [u8],
    pub(crate) iaid: u32,
    pub(crate) classes: &'a Classes<'a>,
    /// The client's reservation, whose addresses and prefixes are not "reserved for another".
    pub(crate) host: Option<&'a Host6>,
}

impl Owner<'_> {
    pub(crate) fn owns(&self, l: &Lease6) -> bool {
        l.iaid == self.iaid && l.duid.as_bytes() == self.duid
    }
}

/// Looks `addr` up in the store and judges it for `owner` at `now`.
pub(crate) async fn availability<S: LeaseStore6>(
    store: &S,
    t: LeaseType,
    addr: Ipv6Addr,
    owner: &Owner<'_>,
    now: u64,
) -> Result<Avail6, StoreError> {
    let found = store.get6(t, addr).await?;
    Ok(Avail6::judge(found, |l| owner.owns(l), now))
}

/// Whether `addr`/`len` is reserved, in subnet `si` or globally, in the configuration or the host
/// database, for a client other than `owner` (V6-073).
pub(crate) async fn reserved_for_other(
    snap: &Snapshot6,
    si: usize,
    addr: Ipv6Addr,
    len: u8,
    owner: &Owner<'_>,
) -> Result<bool, StoreError> {
    let s = &snap.config.subnets[si];
    let other = |hosts: &[Host6], h: Option<usize>| {
        h.is_some_and(|h| owner.host.is_none_or(|mine| !std::ptr::eq(mine, &hosts[h])))
    };
    if (s.reservations_in_subnet
        && other(&s.reservations, snap.subnets[si].hosts.holder(addr, len)))
        || (s.reservations_global
            && other(
                &snap.config.global_reservations,
                snap.global_hosts.holder(addr, len),
            ))
    {
        return Ok(true);
    }
    let Some(db) = &snap.host_db else {
        return Ok(false);
    };
    // A fetched reservation is a copy: the client's own is known by its identifier.
    let mine = |h: &Host6| {
        owner
            .host
            .is_some_and(|m| m.id_type == h.id_type && m.id == h.id)
    };
    for (scope, on) in [(s.id, s.reservations_in_subnet), (0, s.reservations_global)] {
        if on
            && !db
                .0
                .get6_by_resource(scope, addr, len)
                .await?
                .iter()
                .all(mine)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether the client's classes allow pool (or pd-pool) `pool` of subnet `si`.
pub(crate) fn class_allows_pool(
    snap: &Snapshot6,
    si: usize,
    t: LeaseType,
    pool: usize,
    classes: &Classes<'_>,
) -> bool {
    let s = &snap.config.subnets[si];
    let restriction = match t {
        LeaseType::Pd => &s.pd_pools[pool].client_class,
        _ => &s.pools[pool].client_class,
    };
    class_allows(restriction, classes)
}

/// A run of candidates: `count` values starting at `first`, `1 << shift` apart, each `len` bits long.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    first: u128,
    shift: u32,
    count: u128,
    pub(crate) len: u8,
    /// Index of the pool or pd-pool in the subnet's configuration.
    pub(crate) pool: usize,
}

impl Span {
    fn nth(&self, k: u128) -> Ipv6Addr {
        Ipv6Addr::from(self.first + k.checked_shl(self.shift).unwrap_or(0))
    }
}

/// The address pools of a subnet as spans.
fn na_spans(st: &SubnetState6) -> Vec<Span> {
    st.pools
        .iter()
        .map(|p| Span {
            first: p.first,
            shift: 0,
            count: p.size(),
            len: 128,
            pool: p.index,
        })
        .collect()
}

/// The pd-pools of a subnet as spans, ordered by the hinted length (V6-074): equal delegated length
/// first, then shorter ones (larger prefixes), then longer ones.
fn pd_spans(st: &SubnetState6, hint_len: Option<u8>) -> Vec<Span> {
    let mut spans: Vec<Span> = st
        .pd_pools
        .iter()
        .map(|p| Span {
            first: p.base,
            shift: 128 - u32::from(p.delegated_len),
            count: p.size(),
            len: p.delegated_len,
            pool: p.index,
        })
        .collect();
    if let Some(h) = hint_len.filter(|&h| h > 0) {
        spans.sort_by_key(|s| match s.len.cmp(&h) {
            std::cmp::Ordering::Equal => (0, 0),
            std::cmp::Ordering::Less => (1, h - s.len),
            std::cmp::Ordering::Greater => (2, s.len - h),
        });
    }
    spans
}

/// A candidate the allocator chose: subnet, first address, length and what the store holds.
#[derive(Debug)]
pub(crate) struct Pick {
    pub(crate) subnet: usize,
    pub(crate) addr: Ipv6Addr,
    pub(crate) len: u8,
    pub(crate) avail: Avail6,
}

/// Finds a free address (`t` = NA) or prefix (PD) in subnet `first`, then in the other subnets of
/// `family`, skipping pools the client's classes don't allow, candidates in `skip` (already in this
/// answer) and those reserved for others.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn pick<S: LeaseStore6>(
    snap: &Snapshot6,
    store: &S,
    t: LeaseType,
    first: usize,
    family: &[usize],
    owner: &Owner<'_>,
    hint_len: Option<u8>,
    skip: &[Ipv6Addr],
    now: u64,
) -> Result<Result<Pick, AllocFail>, StoreError> {
    let (mut any_pool, mut any_allowed) = (false, false);
    let order = std::iter::once(first).chain(family.iter().copied().filter(|&s| s != first));
    for si in order {
        let st = &snap.subnets[si];
        let cfg = &snap.config.subnets[si];
        let (spans, cursor, kind) = match t {
            LeaseType::Pd => (pd_spans(st, hint_len), &st.pd_cursor, cfg.pd_allocator),
            _ => (na_spans(st), &st.na_cursor, cfg.allocator),
        };
        let spans: Vec<Span> = spans.into_iter().filter(|s| s.count > 0).collect();
        if spans.is_empty() {
            continue;
        }
        any_pool = true;
        let mut spans: Vec<Span> = spans
            .into_iter()
            .filter(|s| class_allows_pool(snap, si, t, s.pool, owner.classes))
            .collect();
        if spans.is_empty() {
            continue;
        }
        any_allowed = true;
        let mut kind = kind;
        if t == LeaseType::Pd && kind == AllocatorKind::Flq {
            if let Some(p) = pick_free(snap, store, si, &spans, owner, hint_len, skip, now).await? {
                return Ok(Ok(p));
            }
            // Pools too large for a queue are still scanned, at random.
            spans.retain(|s| st.pd_pools[s.pool].free.is_none());
            if spans.is_empty() {
                continue;
            }
            kind = AllocatorKind::Random;
        }
        let total: u128 = spans.iter().map(|s| s.count).fold(0, u128::saturating_add);
        // A hinted length keeps the preferred pools first: scan from their start.
        let start: u128 = match kind {
            AllocatorKind::Random => rand::random::<u128>() % total,
            _ if hint_len.is_some() && t == LeaseType::Pd => 0,
            _ => u128::from(cursor.fetch_add(1, Ordering::Relaxed)) % total,
        };
        for step in 0..total.min(MAX_PROBES) {
            let off = (start + step) % total;
            let Some((span, k)) = locate(&spans, off) else {
                continue;
            };
            let addr = span.nth(k);
            if skip.contains(&addr) || reserved_for_other(snap, si, addr, span.len, owner).await? {
                continue;
            }
            let avail = availability(store, t, addr, owner, now).await?;
            if avail.usable() {
                if step > 0 && kind != AllocatorKind::Random {
                    cursor.store(u64::try_from(off + 1).unwrap_or(0), Ordering::Relaxed);
                }
                return Ok(Ok(Pick {
                    subnet: si,
                    addr,
                    len: span.len,
                    avail,
                }));
            }
        }
    }
    Ok(Err(if !any_pool {
        AllocFail::NoPools
    } else if !any_allowed {
        AllocFail::Classes
    } else {
        AllocFail::Exhausted {
            shared: family.len() > 1,
        }
    }))
}

/// `pd-allocator: "flq"` (V6-072): a uniform draw from the free queue of an allowed pd-pool, the
/// pools taken in the hinted length's order when there is a hint, else from a random one.
#[allow(clippy::too_many_arguments)]
async fn pick_free<S: LeaseStore6>(
    snap: &Snapshot6,
    store: &S,
    si: usize,
    spans: &[Span],
    owner: &Owner<'_>,
    hint_len: Option<u8>,
    skip: &[Ipv6Addr],
    now: u64,
) -> Result<Option<Pick>, StoreError> {
    let st = &snap.subnets[si];
    let start = match hint_len {
        Some(_) => 0,
        None => rand::random::<u64>() as usize % spans.len(),
    };
    let mut queues = Vec::with_capacity(spans.len());
    for k in 0..spans.len() {
        let s = &spans[(start + k) % spans.len()];
        if let Some(q) = st.pd_pools[s.pool].free.as_ref() {
            queues.push((s, q));
        }
    }
    let found =
        crate::flq::draw(
            queues,
            |s: &Span, k| async move {
                let prefix = s.nth(u128::from(k));
                Ok(skip.contains(&prefix)
                    || reserved_for_other(snap, si, prefix, s.len, owner).await?)
            },
            |s: &Span, k| availability(store, LeaseType::Pd, s.nth(u128::from(k)), owner, now),
        )
        .await?;
    Ok(found.map(|(s, k, avail)| Pick {
        subnet: si,
        addr: s.nth(u128::from(k)),
        len: s.len,
        avail,
    }))
}

/// The span holding offset `off` of the spans taken end to end, and the offset within it.
fn locate(spans: &[Span], mut off: u128) -> Option<(&Span, u128)> {
    for s in spans {
        if off < s.count {
            return Some((s, off));
        }
        off -= s.count;
    }
    None
}
