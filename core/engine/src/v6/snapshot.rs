//! One DHCPv6 configuration made ready for packet processing: address and prefix ranges as integers,
//! reservation indexes, allocator cursors and statistic handles.
//!
//! Built once per (re)configuration and shared read-only by every worker behind an `Arc`; a reload builds
//! a new snapshot and swaps it in, so packets in flight finish on the old one.

use super::hosts::HostIndex6;
use super::stats::{GlobalStats6, PdPoolStats6, PoolStats6, SubnetStats6};
use crate::flq::FreeQueue;
use crate::stats::{pool_prefix, subnet_prefix};
use ruru_config::{AllocatorKind, Dhcp6Config, PdPool, Pool6};
use ruru_lease::{LeaseState, LeaseStore6, LeaseType, StoreError};
use ruru_stats::Registry;
use std::net::Ipv6Addr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// An address pool as the allocator sees it: an inclusive range of addresses as integers.
#[derive(Debug)]
pub(crate) struct RangeState {
    pub(crate) first: u128,
    pub(crate) last: u128,
    /// Index into the subnet's `pools`.
    pub(crate) index: usize,
    pub(crate) stats: PoolStats6,
}

impl RangeState {
    pub(crate) fn contains(&self, a: Ipv6Addr) -> bool {
        (self.first..=self.last).contains(&u128::from(a))
    }
    /// Addresses in the range (saturating: a range of all 2^128 addresses cannot be configured).
    pub(crate) fn size(&self) -> u128 {
        (self.last - self.first).saturating_add(1)
    }
}

/// A prefix delegation pool: `2^(delegated_len - prefix_len)` prefixes of `delegated_len` bits.
#[derive(Debug)]
pub(crate) struct PdState {
    pub(crate) base: u128,
    pub(crate) prefix_len: u8,
    pub(crate) delegated_len: u8,
    /// Index into the subnet's `pd_pools`.
    pub(crate) index: usize,
    pub(crate) stats: PdPoolStats6,
    /// The free prefixes by index, in subnets using the `flq` pd-allocator (V6-072).
    pub(crate) free: Option<FreeQueue>,
}

impl PdState {
    /// How many prefixes the pool delegates (saturating at 2^128 - 1).
    pub(crate) fn size(&self) -> u128 {
        1u128
            .checked_shl(u32::from(self.delegated_len - self.prefix_len))
            .unwrap_or(u128::MAX)
    }
    /// Whether `prefix`/`len` is one of this pool's delegated prefixes.
    pub(crate) fn holds(&self, prefix: Ipv6Addr, len: u8) -> bool {
        len == self.delegated_len && mask(u128::from(prefix), self.prefix_len) == self.base
    }
    /// The index of delegated prefix `prefix` within the pool (which holds it).
    pub(crate) fn index_of(&self, prefix: Ipv6Addr) -> u128 {
        (u128::from(prefix) - self.base) >> (128 - u32::from(self.delegated_len))
    }
}

/// The most prefixes a pd-pool's free lease queue lists (V6-072): 2^24, the size Kea's ARM calls
/// workable for the DHCPv4 flq (a /8 pool); a larger pool is served by the random allocator.
const FLQ_MAX_PREFIXES: u128 = 1 << 24;

/// `a` with every bit past the first `len` cleared.
pub(crate) fn mask(a: u128, len: u8) -> u128 {
    match len {
        0 => 0,
        128.. => a,
        n => a & (u128::MAX << (128 - u32::from(n))),
    }
}

/// Per-subnet runtime state, parallel to `Dhcp6Config::subnets`.
#[derive(Debug)]
pub(crate) struct SubnetState6 {
    pub(crate) pools: Vec<RangeState>,
    pub(crate) pd_pools: Vec<PdState>,
    pub(crate) hosts: HostIndex6,
    /// Subnets a client of this one may be served from: itself first, then its shared-network siblings.
    pub(crate) family: Vec<usize>,
    /// Iterative allocator positions (offsets into the concatenated pools) for addresses and prefixes.
    pub(crate) na_cursor: AtomicU64,
    pub(crate) pd_cursor: AtomicU64,
    pub(crate) stats: SubnetStats6,
    /// `hostname-char-set`, compiled.
    pub(crate) char_set: crate::hostname::CharSet,
}

impl SubnetState6 {
    pub(crate) fn pool_of(&self, a: Ipv6Addr) -> Option<&RangeState> {
        self.pools.iter().find(|p| p.contains(a))
    }
    pub(crate) fn pd_pool_of(&self, prefix: Ipv6Addr, len: u8) -> Option<&PdState> {
        self.pd_pools.iter().find(|p| p.holds(prefix, len))
    }
}

/// Where the server answers and how it names itself.
#[derive(Debug, Clone)]
pub struct Transport6 {
    /// The server's DUID: the payload of option 2 in every answer (V6-092).
    pub server_duid: Vec<u8>,
    /// Port relays are answered on (547, or `-p`).
    pub server_port: u16,
    /// Port clients are answered on (546, or `-P`).
    pub client_port: u16,
    /// `-P` was given: every reply goes to `client_port`, relayed ones included (V6-047).
    pub client_port_forced: bool,
}

/// A DHCPv6 configuration ready for the engine.
#[derive(Debug)]
pub struct Snapshot6 {
    /// The validated configuration.
    pub config: Arc<Dhcp6Config>,
    pub(crate) transport: Transport6,
    /// Subnet indexes in the order selection tries them: ascending id.
    pub(crate) selection_order: Box<[usize]>,
    pub(crate) subnets: Vec<SubnetState6>,
    pub(crate) global_hosts: HostIndex6,
    /// Server-wide counters.
    pub stats: GlobalStats6,
    /// The plugins loaded for this configuration (none until the server sets them).
    pub hooks: Arc<ruru_hooks::HookSet>,
    /// Addresses exchanges are working on, which lease commands leave alone (LC-021).
    pub busy: crate::Busy,
    /// Where NameChangeRequests go (disabled until the server starts a sender for `dhcp-ddns`).
    pub ddns: ruru_ddns::Queue,
    /// The host database, when `hosts-database(s)` names one (none until the server opens it).
    pub host_db: Option<crate::HostDb<dyn ruru_host::HostSource6>>,
}

/// A statistic value for a pool capacity, exact beyond 64 bits (V6-066: a /64 pool holds 2^64).
fn capacity(n: u128) -> i128 {
    i128::try_from(n).unwrap_or(i128::MAX)
}

fn ranges(reg: &Registry, id: u32, pools: &[Pool6]) -> Vec<RangeState> {
    pools
        .iter()
        .enumerate()
        .map(|(index, p)| RangeState {
            first: p.start.into(),
            last: p.end.into(),
            index,
            stats: PoolStats6::register(reg, &pool_prefix(id, "pool", p.pool_id)),
        })
        .collect()
}

/// The pd-pools of subnet `id`; with `flq`, each with its free queue, full for now (`recount` takes
/// out what the store holds).
fn pd_ranges(reg: &Registry, id: u32, pools: &[PdPool], flq: bool) -> Vec<PdState> {
    pools
        .iter()
        .enumerate()
        .map(|(index, p)| {
            let mut st = PdState {
                base: mask(p.prefix.addr.into(), p.prefix.len),
                prefix_len: p.prefix.len,
                delegated_len: p.delegated_len,
                index,
                stats: PdPoolStats6::register(reg, &pool_prefix(id, "pd-pool", p.pool_id)),
                free: None,
            };
            if flq && st.size() <= FLQ_MAX_PREFIXES {
                st.free = Some(FreeQueue::full(0, (st.size() - 1) as u32, false));
            } else if flq {
                tracing::warn!(target: "kea-dhcp6.alloc-engine", subnet = id, pool = %p.prefix, size = %st.size(), "pd-pool too large for the free lease queue; prefixes are picked at random");
            }
            st
        })
        .collect()
}

impl Snapshot6 {
    /// Indexes `config` and (re)registers its statistics in `reg`. Per-subnet statistics of a previous
    /// configuration are removed first, as Kea does on reconfiguration.
    pub fn build(config: Arc<Dhcp6Config>, transport: Transport6, reg: &Registry) -> Self {
        reg.remove_prefixed("subnet[");
        let subnets: Vec<SubnetState6> = config
            .subnets
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let family = match s.shared_network {
                    Some(n) => {
                        let mut f = vec![i];
                        let siblings = &config.shared_networks[n].subnets;
                        f.extend(siblings.iter().filter(|&&j| j != i));
                        f
                    }
                    None => vec![i],
                };
                SubnetState6 {
                    pools: ranges(reg, s.id, &s.pools),
                    pd_pools: pd_ranges(
                        reg,
                        s.id,
                        &s.pd_pools,
                        s.pd_allocator == AllocatorKind::Flq,
                    ),
                    hosts: HostIndex6::build(&s.reservations),
                    family,
                    na_cursor: AtomicU64::new(0),
                    pd_cursor: AtomicU64::new(0),
                    stats: SubnetStats6::register(reg, &subnet_prefix(s.id)),
                    char_set: crate::hostname::CharSet::of(&s.ddns),
                }
            })
            .collect();
        for st in &subnets {
            let nas: u128 = st
                .pools
                .iter()
                .map(RangeState::size)
                .fold(0, u128::saturating_add);
            let pds: u128 = st
                .pd_pools
                .iter()
                .map(PdState::size)
                .fold(0, u128::saturating_add);
            st.stats.total_nas.set_wide(capacity(nas));
            st.stats.total_pds.set_wide(capacity(pds));
            // Pools sharing a pool id share their counters: zero them all, then add each.
            st.pools.iter().for_each(|p| p.stats.total.set(0));
            st.pd_pools.iter().for_each(|p| p.stats.total.set(0));
            for p in &st.pools {
                let sum = u128::try_from(p.stats.total.get()).unwrap_or(0) + p.size();
                p.stats.total.set_wide(capacity(sum));
            }
            for p in &st.pd_pools {
                let sum = u128::try_from(p.stats.total.get()).unwrap_or(0) + p.size();
                p.stats.total.set_wide(capacity(sum));
            }
        }
        Snapshot6 {
            selection_order: crate::select::by_id(config.subnets.iter().map(|s| s.id)),
            global_hosts: HostIndex6::build(&config.global_reservations),
            stats: GlobalStats6::register(reg, ""),
            config,
            transport,
            subnets,
            hooks: Arc::new(ruru_hooks::HookSet::empty()),
            busy: crate::Busy::default(),
            ddns: ruru_ddns::Queue::disabled(),
            host_db: None,
        }
    }

    /// The server's DUID.
    pub fn server_duid(&self) -> &[u8] {
        &self.transport.server_duid
    }

    /// The subnet with configuration id `id`.
    pub(crate) fn subnet_by_id(&self, id: u32) -> Option<usize> {
        self.config.subnets.iter().position(|s| s.id == id)
    }

    /// Recomputes `assigned-nas`, `assigned-pds` and `declined-addresses` per subnet and pool from the
    /// lease store (V6-185: recounted after reconfiguration), and takes the prefixes leases hold out
    /// of the `flq` free queues (V6-072).
    pub async fn recount<S: LeaseStore6>(&self, store: &S) -> Result<(), StoreError> {
        for st in &self.subnets {
            st.stats.assigned_nas.set(0);
            st.stats.assigned_pds.set(0);
            st.stats.declined.set(0);
            st.pools.iter().for_each(|p| {
                p.stats.assigned.set(0);
                p.stats.declined.set(0);
            });
            st.pd_pools.iter().for_each(|p| p.stats.assigned.set(0));
        }
        let mut from = None;
        loop {
            let page = store.page6(from, 4096).await?;
            let Some(last) = page.last() else { break };
            from = Some(last.address);
            for l in page.iter().filter(|l| {
                matches!(l.state, LeaseState::Default | LeaseState::Declined)
                    && l.lease_type != LeaseType::Ta
            }) {
                self.count_stored(l, 1);
            }
        }
        let declined: i128 = self.subnets.iter().map(|s| s.stats.declined.get()).sum();
        self.stats.declined.set_wide(declined);
        Ok(())
    }
}
