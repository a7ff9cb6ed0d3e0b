//! Address allocation: whether an address is available to a client, and the iterative, random and
//! free-queue allocators over a subnet's pools (V4-056, V4-057, V4-058, V4-059, V4-060).

use super::snapshot::{Snapshot4, SubnetState};
use super::Client;
pub(crate) use crate::commit::AllocFail;
use ruru_config::AllocatorKind;
use ruru_lease::{Lease4, LeaseState, LeaseStore4, StoreError};
use std::net::Ipv4Addr;
use std::sync::atomic::Ordering;

/// What the store says about an address for a given client.
pub(crate) type Avail = crate::commit::Avail<Lease4>;

/// Looks `addr` up in the store and judges it for `client` at `now`.
pub(crate) async fn availability<S: LeaseStore4>(
    store: &S,
    addr: Ipv4Addr,
    client: &Client<'_>,
    now: u64,
) -> Result<Avail, StoreError> {
    let found = store.get4(addr).await?;
    Ok(Avail::judge(found, |l| client.owns(l), now))
}

/// Whether `addr` is reserved for some client other than this one, in the subnet or globally (V4-059).
pub(crate) fn reserved_for_other(
    snap: &Snapshot4,
    si: usize,
    addr: Ipv4Addr,
    own: Option<Ipv4Addr>,
) -> bool {
    if own == Some(addr) {
        return false;
    }
    let s = &snap.config.subnets[si];
    (s.reservations_in_subnet && snap.subnets[si].hosts.by_address(addr).is_some())
        || (s.reservations_global && snap.global_hosts.by_address(addr).is_some())
}

/// Finds a free address in subnet `first`, then in the other subnets of `family` (its shared network),
/// skipping pools the client's classes don't allow and addresses reserved for others.
pub(crate) async fn pick<S: LeaseStore4>(
    snap: &Snapshot4,
    store: &S,
    first: usize,
    family: &[usize],
    client: &Client<'_>,
    now: u64,
) -> Result<Result<(usize, Ipv4Addr, Avail), AllocFail>, StoreError> {
    let mut any_pool = false;
    let mut any_allowed = false;
    let order = std::iter::once(first).chain(family.iter().copied().filter(|&s| s != first));
    for si in order {
        let st = &snap.subnets[si];
        let total = st.pool_size();
        if total == 0 {
            continue;
        }
        any_pool = true;
        let pools = &snap.config.subnets[si].pools;
        let allowed =
            |pool: usize| crate::classes::class_allows(&pools[pool].client_class, client.classes);
        if !(0..pools.len()).any(allowed) {
            continue;
        }
        any_allowed = true;
        if snap.config.subnets[si].allocator == AllocatorKind::Flq {
            if let Some(found) = pick_free(snap, store, si, client, now, allowed).await? {
                return Ok(Ok(found));
            }
            continue;
        }
        let start = match snap.config.subnets[si].allocator {
            AllocatorKind::Random => rand::random::<u64>() % total,
            _ => st.cursor.fetch_add(1, Ordering::Relaxed) % total,
        };
        let skip_edges = snap.config.compatibility.exclude_first_last_24
            && snap.config.subnets[si].prefix_len <= 24;
        for step in 0..total {
            let off = (start + step) % total;
            let Some((addr, pool)) = nth_address(st, off) else {
                continue;
            };
            if !allowed(pool) || (skip_edges && matches!(addr.octets()[3], 0 | 255)) {
                continue;
            }
            if reserved_for_other(snap, si, addr, client.reserved) {
                continue;
            }
            let avail = availability(store, addr, client, now).await?;
            if avail.usable() {
                if step > 0 && snap.config.subnets[si].allocator != AllocatorKind::Random {
                    st.cursor.store(off + 1, Ordering::Relaxed);
                }
                return Ok(Ok((si, addr, avail)));
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

/// `flq` (V4-058): a uniform draw from the free queue of an allowed pool, starting at a random pool.
/// An address the store holds after all (declined when offered, added by a lease command, or an
/// expired lease not reclaimed yet) leaves the queue; one reserved for another client stays and is
/// redrawn, at most as many times as the pool has free addresses.
async fn pick_free<S: LeaseStore4>(
    snap: &Snapshot4,
    store: &S,
    si: usize,
    client: &Client<'_>,
    now: u64,
    allowed: impl Fn(usize) -> bool,
) -> Result<Option<(usize, Ipv4Addr, Avail)>, StoreError> {
    let pools = &snap.subnets[si].pools;
    let start = rand::random::<u64>() as usize % pools.len();
    let queues = (0..pools.len())
        .map(|k| &pools[(start + k) % pools.len()])
        .filter(|p| allowed(p.index))
        .filter_map(|p| p.free.as_ref());
    for q in queues {
        for _ in 0..q.len() {
            let Some(a) = q.draw() else { break };
            let addr = Ipv4Addr::from(a);
            if reserved_for_other(snap, si, addr, client.reserved) {
                continue;
            }
            match availability(store, addr, client, now).await? {
                Avail::Taken => q.take(a),
                Avail::Reclaimable(l) if l.state == LeaseState::Default => q.take(a),
                avail => return Ok(Some((si, addr, avail))),
            }
        }
    }
    Ok(None)
}

/// The address at offset `off` of the subnet's pools taken end to end, and the pool's index.
fn nth_address(st: &SubnetState, mut off: u64) -> Option<(Ipv4Addr, usize)> {
    for p in &st.pools {
        if off < p.size() {
            return Some((Ipv4Addr::from(p.first + off as u32), p.index));
        }
        off -= p.size();
    }
    None
}
