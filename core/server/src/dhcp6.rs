//! `ruru-dhcp6`: the DHCPv6 family of the server (its configuration, sockets, engine and store).

use crate::cli::Args;
use crate::control::DaemonInfo;
use crate::dhcp4::{memfile_access, memfile_options};
use crate::family::{settings_of, Family, Settings, SharedOf};
use crate::store::{Leases, Leases6};
use crate::{daemon, database, duid, hooks6, plugins, service, sockets6, support};
use ruru_config::Dhcp6Config;
use ruru_engine::v6::{reclaim, ReclaimLimits, ReclaimReport, Snapshot6, Transport6};
use ruru_engine::HostDb;
use ruru_hooks::{Checked, HookSet};
use ruru_host::{HostSource6, Sources};
use ruru_lease::{LeaseStore6, LfcStart, Memfile6, StoreError};
use ruru_net::Interface;
use ruru_stats::Registry;
use serde_json::Value as Json;
use std::future::Future;
use std::io;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Runs `ruru-dhcp6` with parsed flags.
pub fn main(args: Args) -> ExitCode {
    daemon::main::<Dhcp6>(args)
}

/// The DHCPv6 server.
pub(crate) struct Dhcp6;

/// Refuses what this build cannot serve yet, naming it, and what this machine cannot (V6-016).
fn supported(cfg: Dhcp6Config, name: &str) -> Result<Dhcp6Config, String> {
    support::verdict(support::check6(&cfg), name, true)?;
    support::interfaces_present(
        cfg.subnets
            .iter()
            .map(|s| (s.text.as_str(), s.interface.as_deref())),
    )
    .map_err(|e| format!("configuration error in {name}: {e}"))?;
    Ok(cfg)
}

impl Family for Dhcp6 {
    const V6: bool = true;
    const INFO: DaemonInfo = DaemonInfo {
        object: "Dhcp6",
        protocol: "DHCPv6",
        binary: "ruru-dhcp6",
    };
    const REALM: &'static str = "kea-dhcpv6-server";
    const PID_NAME: &'static str = "kea-dhcp6";
    const PORTS: (u16, u16) = (547, 546);

    type Config = Dhcp6Config;
    type Snapshot = Snapshot6;
    type Store = Leases6;
    type Listener = sockets6::Listener6;

    fn load(path: &Path) -> Result<Dhcp6Config, String> {
        let cfg = ruru_config::load_dhcp6_file(path)
            .map_err(|e| format!("configuration error in {}: {e}", path.display()))?;
        supported(cfg, &path.display().to_string())
    }

    fn parse(config: &Json) -> Result<Dhcp6Config, String> {
        let cfg = ruru_config::parse_dhcp6_value(config)
            .map_err(|e| format!("configuration error: {e}"))?;
        supported(cfg, "<config>")
    }

    fn warnings(cfg: &Dhcp6Config) -> Vec<String> {
        support::check6(cfg).warnings
    }

    fn settings(cfg: &Dhcp6Config) -> Settings<'_> {
        settings_of!(cfg)
    }

    fn config_of(snap: &Snapshot6) -> &Dhcp6Config {
        &snap.config
    }

    fn hooks_of(snap: &Snapshot6) -> &Arc<HookSet> {
        &snap.hooks
    }

    fn set_hooks(snap: &mut Snapshot6, hooks: Arc<HookSet>) {
        snap.hooks = hooks;
    }

    fn set_ddns(snap: &mut Snapshot6, queue: ruru_ddns::Queue) {
        snap.ddns = queue;
    }

    fn set_host_dbs(snap: &mut Snapshot6, dbs: &[ruru_lease_sql::Db]) {
        let mut each: Vec<Box<dyn HostSource6>> = dbs
            .iter()
            .map(|db| {
                Box::new(ruru_lease_sql::SqlHosts6::from_db(
                    db.clone(),
                    snap.config.clone(),
                )) as Box<dyn HostSource6>
            })
            .collect();
        snap.host_db = match each.len() {
            0 => None,
            1 => each.pop().map(|one| HostDb(Arc::from(one))),
            _ => Some(HostDb(Arc::new(Sources(each)))),
        };
    }

    async fn open_store(cfg: &Dhcp6Config, config_path: &Path) -> Result<Leases6, String> {
        if let Some(db) = cfg.lease_database.sql() {
            return database::open(db, true).await.map(Leases::Sql);
        }
        let default = cfg
            .lease_file()
            .ok_or("the memfile lease backend needs a lease file")?;
        let opts = memfile_options(&cfg.lease_database, default, config_path)?;
        let path = opts.path.clone();
        tracing::info!(target: "kea-dhcp6.dhcpsrv", id = "DHCPSRV_MEMFILE_DB", "opening memory file lease database: {}", memfile_access(&cfg.lease_database, &opts));
        let (store, report) = Memfile6::open(opts)
            .map_err(|e| format!("cannot open lease file {}: {e}", path.display()))?;
        tracing::info!(target: "kea-dhcp6.lease-mgr", id = "DHCPSRV_MEMFILE_LEASES_RELOAD", file = %path.display(), ?report, "leases loaded");
        Ok(Leases::Memfile(store))
    }

    fn check_hooks(cfg: &Dhcp6Config) -> Result<Vec<Checked>, String> {
        plugins::check(
            &cfg.hooks_libraries,
            ruru_hooks::Family::V6,
            cfg.multi_threading.enable,
        )
    }

    fn load_hooks(checked: Vec<Checked>, cfg: &Dhcp6Config) -> Result<Arc<HookSet>, String> {
        plugins::load(
            checked,
            ruru_hooks::Family::V6,
            cfg.parked_packet_limit,
            cfg.multi_threading.enable,
            &cfg.raw,
        )
    }

    fn open_sockets(
        args: &Args,
        cfg: &Dhcp6Config,
        ifaces: &[Interface],
    ) -> Result<(Vec<sockets6::Listener6>, Vec<String>), String> {
        let port = args.server_port.unwrap_or(Self::PORTS.0);
        sockets6::open(&cfg.interfaces, ifaces, port)
    }

    fn listener_name(l: &sockets6::Listener6) -> Arc<str> {
        l.ifname.clone()
    }

    fn build_snapshot(
        args: &Args,
        cfg: Dhcp6Config,
        _listeners: &[sockets6::Listener6],
        registry: &Registry,
    ) -> Result<Snapshot6, String> {
        let server_duid = duid::server_duid(&cfg.server_id, &cfg.server_id_file())?;
        let transport = Transport6 {
            server_duid,
            server_port: args.server_port.unwrap_or(Self::PORTS.0),
            client_port: args.client_port.unwrap_or(Self::PORTS.1),
            client_port_forced: args.client_port.is_some(),
        };
        Ok(Snapshot6::build(Arc::new(cfg), transport, registry))
    }

    fn recount(
        snap: &Snapshot6,
        store: &Leases6,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        snap.recount(store)
    }

    fn serve(
        shared: Arc<SharedOf<Self>>,
        l: sockets6::Listener6,
        stop: Arc<AtomicBool>,
        waiting: tokio::runtime::Handle,
    ) -> io::Result<()> {
        service::serve::<Self>(shared, l, stop, waiting)
    }

    fn install_lease_admin(shared: &Arc<SharedOf<Self>>) {
        hooks6::install_lease_admin(shared);
    }

    fn reclaim(
        snap: &Snapshot6,
        store: &Leases6,
        now: u64,
        limits: ReclaimLimits,
    ) -> impl Future<Output = Result<ReclaimReport, StoreError>> + Send {
        reclaim(snap, store, now, limits)
    }

    fn flush_reclaimed(
        store: &Leases6,
        now: u64,
        hold_secs: u64,
    ) -> impl Future<Output = Result<usize, StoreError>> + Send {
        store.flush_reclaimed6(now, hold_secs)
    }

    fn flush(store: &Leases6) -> impl Future<Output = Result<(), StoreError>> + Send {
        LeaseStore6::flush(store)
    }

    fn start_lfc(store: &Leases6) -> Result<LfcStart, StoreError> {
        store.start_lfc()
    }
}
