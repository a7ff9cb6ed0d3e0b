//! Address allocation: whether an address is available to a client, and the iterative, random and
//! free-queue allocators over a subnet's pools (V4-056, V4-057, V4-058, V4-059, V4-060).

use super::snapshot::{Snapshot4, SubnetState};
use super::Client;
pub(crate) use crate::commit::AllocFail;
use ruru_config::AllocatorKind;
use ruru_lease::{Lease4, LeaseStore4, StoreError};
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

/// Whether `addr` is reserved for some client other than this one, in the subnet or globally, in the
/// configuration or the host database (V4-059).
pub(crate) async fn reserved_for_other(
    snap: &Snapshot4,
    si: usize,
    addr: Ipv4Addr,
    own: Option<Ipv4Addr>,
) -> Result<bool, StoreError> {
    if own == Some(addr) {
        return Ok(false);
    }
    let s = &snap.config.subnets[si];
    if (s.reservations_in_subnet && snap.subnets[si].hosts.by_address(addr).is_some())
        || (s.reservations_global && snap.global_hosts.by_address(addr).is_some())
    {
        return Ok(true);
    }
    let Some(db) = &snap.host_db else {
        return Ok(false);
    };
    for (scope, on) in [(s.id, s.reservations_in_subnet), (0, s.reservations_global)] {
        if on && !db.0.get4_by_address(scope, addr).await?.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
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
            if reserved_for_other(snap, si, addr, client.reserved).await? {
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
    let mut queues = Vec::with_capacity(pools.len());
    for k in 0..pools.len() {
        let p = &pools[(start + k) % pools.len()];
        if let Some(q) = p.free.as_ref().filter(|_| allowed(p.index)) {
            queues.push(((), q));
        }
    }
    let found = crate::flq::draw(
        queues,
        |(), a| reserved_for_other(snap, si, Ipv4Addr::from(a), client.reserved),
        |(), a| availability(store, Ipv4Addr::from(a), client, now),
    )
    .await?;
    Ok(found.map(|((), a, avail)| (si, Ipv4Addr::from(a), avail)))
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

#[cfg(test)]
mod tests {
    use crate::v4::process::tests::{ip, query, Bench};
    use crate::v4::{DropReason, Outcome4};
    use ruru_lease::Lease4;
    use ruru_proto::v4::MessageType;
    use serde_json::json;
    use std::collections::BTreeSet;
    use std::net::Ipv4Addr;

    fn bench(lifetime: u32) -> Bench {
        Bench::new(json!({
            "valid-lifetime": lifetime,
            "allocator": "flq",
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                         "pools": [{"pool": "192.0.2.10 - 192.0.2.14"}, {"pool": "192.0.2.100/31"}]}]
        }))
    }

    fn offer_fails(b: &Bench, mac: u8) {
        let out = b.run(&query(MessageType::Discover, mac), None);
        assert!(
            matches!(out, Outcome4::Drop(DropReason::NoAddress)),
            "{out:?}"
        );
    }

    fn free(b: &Bench) -> usize {
        b.snap.subnets[0]
            .pools
            .iter()
            .filter_map(|p| p.free.as_ref())
            .map(crate::flq::FreeQueue::len)
            .sum()
    }

    // V4-058: flq fills both pools completely with distinct addresses, then fails as exhausted; a
    // release puts its address back, and the next client gets exactly it.
    #[test]
    fn fills_pools_and_reuses_released() {
        let b = bench(4000);
        assert_eq!(free(&b), 7);
        let leased: Vec<Ipv4Addr> = (1..=7).map(|mac| b.dora(mac)).collect();
        let got: BTreeSet<Ipv4Addr> = leased.iter().copied().collect();
        let all: BTreeSet<Ipv4Addr> = ["10", "11", "12", "13", "14", "100", "101"]
            .iter()
            .map(|o| ip(&format!("192.0.2.{o}")))
            .collect();
        assert_eq!(got, all);
        assert_eq!(free(&b), 0);
        offer_fails(&b, 8);
        assert_eq!(b.stat("subnet[1].v4-allocation-fail-subnet"), 1);
        let mut rel = query(MessageType::Release, 3);
        rel.ciaddr = leased[2];
        b.run(&rel, None);
        assert_eq!(free(&b), 1);
        assert_eq!(b.dora(9), rel.ciaddr);
    }

    // V4-058: an expired lease is not offered until it is reclaimed.
    #[test]
    fn expired_free_only_once_reclaimed() {
        let mut b = bench(100);
        for mac in 1..=7 {
            b.dora(mac);
        }
        b.now += 200;
        offer_fails(&b, 8);
        b.reclaim(b.now);
        assert_eq!(free(&b), 7);
        assert_ne!(b.dora(8), Ipv4Addr::UNSPECIFIED);
    }

    // V4-058: a snapshot built over a store that holds leases starts without their addresses:
    // active, expired-unreclaimed and declined ones are out, a reclaimed one is free.
    #[test]
    fn recount_takes_out_stored_leases() {
        use ruru_lease::LeaseState;
        let b = bench(4000);
        let lease = |a: &str, state: LeaseState, cltt: u64| {
            let mut l = Lease4::new(ip(a), 1, 4000, cltt);
            l.state = state;
            assert!(b.store.add4_sync(&l));
        };
        lease("192.0.2.10", LeaseState::Default, b.now);
        lease("192.0.2.11", LeaseState::Default, b.now - 10_000);
        lease("192.0.2.12", LeaseState::Declined, b.now);
        lease("192.0.2.13", LeaseState::ExpiredReclaimed, b.now - 10_000);
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(b.snap.recount(&b.store))
            .unwrap();
        assert_eq!(free(&b), 4);
        let got: BTreeSet<Ipv4Addr> = (1..=4).map(|mac| b.dora(mac)).collect();
        assert!(got.contains(&ip("192.0.2.13")), "{got:?}");
        assert!(!got.contains(&ip("192.0.2.11")), "{got:?}");
        offer_fails(&b, 5);
    }
}
