//! What differs between the DHCPv4 and DHCPv6 servers. The process around them — command line, main
//! loop, reconfiguration, control channel, timers — is written once over this trait ([`crate::server`],
//! [`crate::daemon`], [`crate::timers`]); `dhcp4` and `dhcp6` implement it.

use crate::cli::Args;
use crate::control::DaemonInfo;
use crate::shared::Shared;
use ruru_config::{
    ControlSocket, DhcpDdns, ExpiredLeasesProcessing, LeaseDatabase, Logger, MultiThreading,
};
use ruru_engine::v4::{ReclaimLimits, ReclaimReport};
use ruru_hooks::{Checked, HookSet};
use ruru_lease::{LfcStart, StoreError};
use ruru_net::Interface;
use ruru_stats::Registry;
use serde_json::Value as Json;
use std::future::Future;
use std::io;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The configuration values the process itself acts on, the same in both families.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings<'a> {
    /// The `Dhcp4`/`Dhcp6` map as read.
    pub(crate) raw: &'a Json,
    pub(crate) control_sockets: &'a [ControlSocket],
    pub(crate) loggers: &'a [Logger],
    pub(crate) lease_database: &'a LeaseDatabase,
    /// `hosts-database` then `hosts-databases`.
    pub(crate) hosts_databases: &'a [ruru_config::SqlDatabase],
    pub(crate) expired_leases: ExpiredLeasesProcessing,
    pub(crate) multi_threading: MultiThreading,
    /// `statistic-default-sample-count` and `-age`.
    pub(crate) sample_count: u32,
    pub(crate) sample_age: u32,
    /// `interfaces-config.service-sockets-require-all`.
    pub(crate) require_all_sockets: bool,
    /// `interfaces-config.re-detect`: list the system's interfaces again at each reconfiguration.
    pub(crate) re_detect: bool,
    /// `dhcp-queue-control` in force: how many received datagrams are kept.
    pub(crate) receive_queue: Option<usize>,
    /// `dhcp-ddns`: where NameChangeRequests go.
    pub(crate) dhcp_ddns: &'a DhcpDdns,
}

/// The shared state of a server of family `F`.
pub(crate) type SharedOf<F> = Shared<<F as Family>::Snapshot, <F as Family>::Store>;

/// One DHCP family's server.
pub(crate) trait Family: Sized + Send + Sync + 'static {
    /// DHCPv6 (logger names `kea-dhcp6.*`, message ids `DHCP6_*`).
    const V6: bool;
    /// How the server names itself in commands.
    const INFO: DaemonInfo;
    /// Basic-authentication realm of the server's HTTP sockets (CTL-024).
    const REALM: &'static str;
    /// Kea's daemon name, for the PID file (CTL-081).
    const PID_NAME: &'static str;
    /// Default listening and reply ports (67/68, 547/546).
    const PORTS: (u16, u16);

    type Config: Clone + Send + Sync + 'static;
    type Snapshot: Send + Sync + 'static;
    type Store: crate::store::ServerStore + Send + Sync + 'static;
    type Listener: Send + 'static;

    /// Reads and validates a configuration file, refusing what this build cannot serve.
    fn load(path: &Path) -> Result<Self::Config, String>;
    /// Validates a configuration given as JSON (`config-set`, `config-test`).
    fn parse(config: &Json) -> Result<Self::Config, String>;
    /// Warnings `-t` reports for a valid configuration.
    fn warnings(cfg: &Self::Config) -> Vec<String>;
    fn settings(cfg: &Self::Config) -> Settings<'_>;
    fn config_of(snap: &Self::Snapshot) -> &Self::Config;
    fn hooks_of(snap: &Self::Snapshot) -> &Arc<HookSet>;
    fn set_hooks(snap: &mut Self::Snapshot, hooks: Arc<HookSet>);
    fn set_ddns(snap: &mut Self::Snapshot, queue: ruru_ddns::Queue);
    /// Makes the host databases `dbs` (in `hosts-databases` order) the snapshot's host source.
    fn set_host_dbs(snap: &mut Self::Snapshot, dbs: &[ruru_lease_sql::Db]);

    /// Opens the lease store `lease-database` names (a database connection is made here).
    fn open_store(
        cfg: &Self::Config,
        config_path: &Path,
    ) -> impl Future<Output = Result<Self::Store, String>> + Send;
    fn check_hooks(cfg: &Self::Config) -> Result<Vec<Checked>, String>;
    fn load_hooks(checked: Vec<Checked>, cfg: &Self::Config) -> Result<Arc<HookSet>, String>;

    /// Opens the DHCP sockets on the interfaces `ifaces` lists; failures are returned per interface,
    /// except an interface `ifaces` lacks, which refuses the configuration.
    fn open_sockets(
        args: &Args,
        cfg: &Self::Config,
        ifaces: &[Interface],
    ) -> Result<(Vec<Self::Listener>, Vec<String>), String>;
    fn listener_name(l: &Self::Listener) -> Arc<str>;
    /// The engine's view of `cfg` served on `listeners` (none for the placeholder before start).
    fn build_snapshot(
        args: &Args,
        cfg: Self::Config,
        listeners: &[Self::Listener],
        registry: &Registry,
    ) -> Result<Self::Snapshot, String>;
    /// Recounts the lease statistics of a new snapshot from the store.
    fn recount(
        snap: &Self::Snapshot,
        store: &Self::Store,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Serves one listener on the calling thread until `stop` is set.
    fn serve(
        shared: Arc<SharedOf<Self>>,
        l: Self::Listener,
        stop: Arc<AtomicBool>,
        waiting: tokio::runtime::Handle,
    ) -> io::Result<()>;
    /// Makes the lease storage reachable to plugins' lease services.
    fn install_lease_admin(shared: &Arc<SharedOf<Self>>);

    fn reclaim(
        snap: &Self::Snapshot,
        store: &Self::Store,
        now: u64,
        limits: ReclaimLimits,
    ) -> impl Future<Output = Result<ReclaimReport, StoreError>> + Send;
    fn flush_reclaimed(
        store: &Self::Store,
        now: u64,
        hold_secs: u64,
    ) -> impl Future<Output = Result<usize, StoreError>> + Send;
    /// The durability barrier.
    fn flush(store: &Self::Store) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn start_lfc(store: &Self::Store) -> Result<LfcStart, StoreError>;
}

/// Logs through the family's main logger (`kea-dhcp4.dhcp4`, `kea-dhcp6.dhcp6`) with Kea's message id
/// `DHCP4_<ID>` or `DHCP6_<ID>`.
macro_rules! flog {
    ($v6:expr, $lvl:ident, $id:literal, $($rest:tt)*) => {
        if $v6 {
            tracing::$lvl!(target: "kea-dhcp6.dhcp6", id = concat!("DHCP6_", $id), $($rest)*)
        } else {
            tracing::$lvl!(target: "kea-dhcp4.dhcp4", id = concat!("DHCP4_", $id), $($rest)*)
        }
    };
}

/// Logs through one of the family's other loggers (`alloc-engine`, `lease-mgr`, …) with a fixed id.
macro_rules! flog_at {
    ($v6:expr, $lvl:ident, $logger:literal, $($rest:tt)*) => {
        if $v6 {
            tracing::$lvl!(target: concat!("kea-dhcp6.", $logger), $($rest)*)
        } else {
            tracing::$lvl!(target: concat!("kea-dhcp4.", $logger), $($rest)*)
        }
    };
}

/// The [`Settings`] of a configuration of either family: both models name these fields alike.
macro_rules! settings_of {
    ($cfg:expr) => {
        $crate::family::Settings {
            raw: &$cfg.raw,
            control_sockets: &$cfg.control_sockets,
            loggers: &$cfg.loggers,
            lease_database: &$cfg.lease_database,
            hosts_databases: &$cfg.hosts_databases,
            expired_leases: $cfg.expired_leases,
            multi_threading: $cfg.multi_threading,
            sample_count: $cfg.statistic_default_sample_count,
            sample_age: $cfg.statistic_default_sample_age,
            require_all_sockets: $cfg.interfaces.service_sockets_require_all,
            re_detect: $cfg.interfaces.re_detect,
            receive_queue: $cfg
                .multi_threading
                .receive_queue_capacity($cfg.dhcp_queue_control.as_ref()),
            dhcp_ddns: &$cfg.dhcp_ddns,
        }
    };
}

pub(crate) use {flog, flog_at, settings_of};
