//! One configuration made ready for packet processing: indexes, allocator cursors and statistic handles.
//!
//! Built once per (re)configuration and shared read-only by every worker behind an `Arc`; a reload builds a
//! new snapshot and swaps it in, so packets in flight finish on the old one.

use super::hosts::HostIndex;
use super::stats::{GlobalStats4, PoolStats4, SubnetStats4};
use crate::flq::FreeQueue;
use crate::stats::{pool_prefix, subnet_prefix};
use ruru_config::{AllocatorKind, Dhcp4Config};
use ruru_lease::{LeaseState, LeaseStore4, StoreError};
use ruru_stats::Registry;
use std::net::Ipv4Addr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// A pool as the allocator sees it: an inclusive range of addresses as integers.
#[derive(Debug)]
pub(crate) struct PoolState {
    pub(crate) first: u32,
    pub(crate) last: u32,
    pub(crate) index: usize,
    pub(crate) stats: PoolStats4,
    /// The free addresses, in subnets using the `flq` allocator (V4-058).
    pub(crate) free: Option<FreeQueue>,
}

impl PoolState {
    pub(crate) fn contains(&self, a: u32) -> bool {
        (self.first..=self.last).contains(&a)
    }
    pub(crate) fn size(&self) -> u64 {
        u64::from(self.last - self.first) + 1
    }
}

/// Per-subnet runtime state, parallel to `Dhcp4Config::subnets`.
#[derive(Debug)]
pub(crate) struct SubnetState {
    pub(crate) network: u32,
    pub(crate) mask: u32,
    pub(crate) pools: Vec<PoolState>,
    pub(crate) hosts: HostIndex,
    /// Subnets a client of this one may be served from: itself first, then its shared-network siblings.
    pub(crate) family: Vec<usize>,
    /// Iterative allocator position: offset into the concatenated pools.
    pub(crate) cursor: AtomicU64,
    pub(crate) stats: SubnetStats4,
    /// `hostname-char-set`, compiled.
    pub(crate) char_set: crate::hostname::CharSet,
}

impl SubnetState {
    pub(crate) fn contains(&self, a: Ipv4Addr) -> bool {
        u32::from(a) & self.mask == self.network
    }
    pub(crate) fn pool_of(&self, a: Ipv4Addr) -> Option<&PoolState> {
        let a = u32::from(a);
        self.pools.iter().find(|p| p.contains(a))
    }
    pub(crate) fn pool_size(&self) -> u64 {
        self.pools.iter().map(PoolState::size).sum()
    }
}

/// Where the server listens and answers: addresses of open sockets (valid server identifiers) and ports.
#[derive(Debug, Clone)]
pub struct Transport4 {
    /// Addresses of the interfaces the server has sockets on; each is an acceptable server identifier (V4-018).
    pub server_addresses: Vec<Ipv4Addr>,
    /// Port the server listens on and relays are answered on (67, or `-p`).
    pub server_port: u16,
    /// Port clients are answered on (68, or `-P`).
    pub client_port: u16,
    /// Whether the sockets can reach a client that has no address yet (raw sockets).
    pub direct_send: bool,
}

/// A configuration ready for the engine.
#[derive(Debug)]
pub struct Snapshot4 {
    /// The validated configuration.
    pub config: Arc<Dhcp4Config>,
    pub(crate) transport: Transport4,
    /// Subnet indexes in the order selection tries them: ascending id.
    pub(crate) selection_order: Box<[usize]>,
    pub(crate) subnets: Vec<SubnetState>,
    pub(crate) global_hosts: HostIndex,
    /// Every `dhcp-server-identifier` configured at any scope: also acceptable in option 54 (V4-073).
    pub(crate) configured_server_ids: Vec<Ipv4Addr>,
    /// Server-wide counters.
    pub stats: GlobalStats4,
    /// The plugins loaded for this configuration (none until the server sets them).
    pub hooks: Arc<ruru_hooks::HookSet>,
    /// Addresses exchanges are working on, which lease commands leave alone (LC-021).
    pub busy: crate::Busy,
    /// Where NameChangeRequests go (disabled until the server starts a sender for `dhcp-ddns`).
    pub ddns: ruru_ddns::Queue,
    /// The host database, when `hosts-database(s)` names one (none until the server opens it).
    pub host_db: Option<crate::HostDb<dyn ruru_host::HostSource4>>,
}

impl Snapshot4 {
    /// Indexes `config` and (re)registers its statistics in `reg`. Per-subnet statistics of a previous
    /// configuration are removed first, as Kea does on reconfiguration.
    pub fn build(config: Arc<Dhcp4Config>, transport: Transport4, reg: &Registry) -> Self {
        reg.remove_prefixed("subnet[");
        let subnets = config
            .subnets
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mask = if s.prefix_len == 0 {
                    0
                } else {
                    u32::MAX << (32 - u32::from(s.prefix_len))
                };
                let family = match s.shared_network {
                    Some(n) => {
                        let mut f = vec![i];
                        f.extend(
                            config.shared_networks[n]
                                .subnets
                                .iter()
                                .filter(|&&j| j != i),
                        );
                        f
                    }
                    None => vec![i],
                };
                let stats = SubnetStats4::register(reg, &subnet_prefix(s.id));
                let skip_edges = config.compatibility.exclude_first_last_24 && s.prefix_len <= 24;
                let pools: Vec<PoolState> = s
                    .pools
                    .iter()
                    .enumerate()
                    .map(|(pi, p)| PoolState {
                        first: p.start.into(),
                        last: p.end.into(),
                        index: pi,
                        stats: PoolStats4::register(reg, &pool_prefix(s.id, "pool", p.pool_id)),
                        // Full for now: `recount` takes out what the store holds.
                        free: (s.allocator == AllocatorKind::Flq)
                            .then(|| FreeQueue::full(p.start.into(), p.end.into(), skip_edges)),
                    })
                    .collect();
                SubnetState {
                    network: u32::from(s.prefix) & mask,
                    mask,
                    hosts: HostIndex::build(&s.reservations),
                    family,
                    cursor: AtomicU64::new(0),
                    char_set: crate::hostname::CharSet::of(&s.ddns),
                    stats,
                    pools,
                }
            })
            .collect::<Vec<_>>();
        for st in &subnets {
            st.stats.total.set(st.pool_size() as i64);
            for p in &st.pools {
                p.stats.total.set(0);
            }
            for p in &st.pools {
                p.stats.total.add(p.size() as i64);
            }
        }
        let mut configured_server_ids = Vec::new();
        let mut note = |set: &ruru_config::OptionSet| {
            if let Some(o) = set.get(u16::from(ruru_proto::v4::code::SERVER_ID)) {
                if let Ok(b) = <[u8; 4]>::try_from(o.data.as_slice()) {
                    configured_server_ids.push(Ipv4Addr::from(b));
                }
            }
        };
        note(&config.options);
        config.subnets.iter().for_each(|s| note(&s.options));
        config.shared_networks.iter().for_each(|n| note(&n.options));
        config.client_classes.iter().for_each(|c| note(&c.options));
        Snapshot4 {
            selection_order: crate::select::by_id(config.subnets.iter().map(|s| s.id)),
            global_hosts: HostIndex::build(&config.global_reservations),
            stats: GlobalStats4::register(reg, ""),
            config,
            transport,
            subnets,
            configured_server_ids,
            hooks: Arc::new(ruru_hooks::HookSet::empty()),
            busy: crate::Busy::default(),
            ddns: ruru_ddns::Queue::disabled(),
            host_db: None,
        }
    }

    /// The subnet with configuration id `id`.
    pub(crate) fn subnet_by_id(&self, id: u32) -> Option<usize> {
        self.config.subnets.iter().position(|s| s.id == id)
    }

    /// Recomputes `assigned-addresses` and `declined-addresses` per subnet and pool from the lease store
    /// (V4-165: recounted after reconfiguration), and takes the addresses leases hold out of the `flq`
    /// free queues (V4-058).
    pub async fn recount<S: LeaseStore4>(&self, store: &S) -> Result<(), StoreError> {
        for st in &self.subnets {
            st.stats.assigned.set(0);
            st.stats.declined.set(0);
            for p in &st.pools {
                p.stats.assigned.set(0);
                p.stats.declined.set(0);
            }
        }
        let mut from = None;
        loop {
            let page = store.page4(from, 4096).await?;
            let Some(last) = page.last() else { break };
            from = Some(last.address);
            for l in &page {
                let counted = matches!(l.state, LeaseState::Default | LeaseState::Declined);
                let Some(si) = self.subnet_by_id(l.subnet_id) else {
                    continue;
                };
                if !counted {
                    continue;
                }
                let st = &self.subnets[si];
                st.stats.assigned.inc();
                let pool = st.pool_of(l.address);
                if let Some(p) = pool {
                    p.stats.assigned.inc();
                    if let Some(free) = &p.free {
                        free.take(l.address.into());
                    }
                }
                if l.state == LeaseState::Declined {
                    st.stats.declined.inc();
                    if let Some(p) = pool {
                        p.stats.declined.inc();
                    }
                }
            }
        }
        let declined: i128 = self.subnets.iter().map(|s| s.stats.declined.get()).sum();
        self.stats.declined.set_wide(declined);
        Ok(())
    }
}
