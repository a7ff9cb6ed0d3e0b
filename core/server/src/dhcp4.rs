//! `ruru-dhcp4`: the DHCPv4 family of the server (its configuration, sockets, engine and store).

use crate::cli::Args;
use crate::control::DaemonInfo;
use crate::family::{settings_of, Family, Settings, SharedOf};
use crate::store::{Leases, Leases4};
use crate::{daemon, database, hooks4, plugins, service, sockets4, support};
use ruru_config::{Dhcp4Config, LeaseDatabase};
use ruru_engine::v4::{reclaim, ReclaimLimits, ReclaimReport, Snapshot4, Transport4};
use ruru_engine::HostDb;
use ruru_hooks::{Checked, HookSet};
use ruru_host::{HostSource4, Sources};
use ruru_lease::{LeaseStore4, LfcStart, Memfile4, MemfileOptions, StoreError};
use ruru_net::Interface;
use ruru_stats::Registry;
use serde_json::Value as Json;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Kea's default memfile location, so an existing installation keeps its leases.
const DEFAULT_LEASE_FILE: &str = "/var/lib/kea/kea-leases4.csv";

/// Runs `ruru-dhcp4` with parsed flags.
pub fn main(args: Args) -> ExitCode {
    daemon::main::<Dhcp4>(args)
}

/// The DHCPv4 server.
pub(crate) struct Dhcp4;

/// Refuses what this build cannot serve yet, naming it, and what this machine cannot (V6-016).
fn supported(cfg: Dhcp4Config, name: &str) -> Result<Dhcp4Config, String> {
    support::verdict(support::check4(&cfg), name, false)?;
    support::interfaces_present(
        cfg.subnets
            .iter()
            .map(|s| (s.text.as_str(), s.interface.as_deref())),
    )
    .map_err(|e| format!("configuration error in {name}: {e}"))?;
    Ok(cfg)
}

/// The lfc helper next to the running binary (Kea's `kea-lfc` protocol).
pub(crate) fn lfc_program() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("ruru-lfc")))
        .unwrap_or_else(|| PathBuf::from("ruru-lfc"))
}

/// Memfile options for `db`, or why the backend cannot be opened.
pub(crate) fn memfile_options(
    db: &LeaseDatabase,
    default_file: PathBuf,
    config_path: &Path,
) -> Result<MemfileOptions, String> {
    let LeaseDatabase::Memfile {
        persist,
        name,
        max_row_errors,
        ..
    } = db
    else {
        return Err("the lease database is not a memfile".into());
    };
    Ok(MemfileOptions {
        persist: *persist,
        path: name.clone().unwrap_or(default_file),
        max_row_errors: *max_row_errors,
        lfc_program: lfc_program(),
        config_path: Some(config_path.to_path_buf()),
    })
}

/// The memfile connection parameters as Kea logs them when it opens the store
/// (`DHCPSRV_MEMFILE_DB`). Built from the model, which keeps no password (CTL-115).
pub(crate) fn memfile_access(db: &LeaseDatabase, opts: &MemfileOptions) -> String {
    let lfc = match db {
        LeaseDatabase::Memfile { lfc_interval, .. } => *lfc_interval,
        _ => 0,
    };
    format!(
        "lfc-interval={lfc} max-row-errors={} name={} persist={} type=memfile",
        opts.max_row_errors,
        opts.path.display(),
        opts.persist
    )
}

impl Family for Dhcp4 {
    const V6: bool = false;
    const INFO: DaemonInfo = DaemonInfo {
        object: "Dhcp4",
        protocol: "DHCPv4",
        binary: "ruru-dhcp4",
    };
    const REALM: &'static str = "kea-dhcpv4-server";
    const PID_NAME: &'static str = "kea-dhcp4";
    const PORTS: (u16, u16) = (67, 68);

    type Config = Dhcp4Config;
    type Snapshot = Snapshot4;
    type Store = Leases4;
    type Listener = sockets4::Listener4;

    fn load(path: &Path) -> Result<Dhcp4Config, String> {
        let cfg = ruru_config::load_dhcp4_file(path)
            .map_err(|e| format!("configuration error in {}: {e}", path.display()))?;
        supported(cfg, &path.display().to_string())
    }

    fn parse(config: &Json) -> Result<Dhcp4Config, String> {
        let cfg = ruru_config::parse_dhcp4_value(config)
            .map_err(|e| format!("configuration error: {e}"))?;
        supported(cfg, "<config>")
    }

    fn warnings(cfg: &Dhcp4Config) -> Vec<String> {
        support::check4(cfg).warnings
    }

    fn settings(cfg: &Dhcp4Config) -> Settings<'_> {
        settings_of!(cfg)
    }

    fn config_of(snap: &Snapshot4) -> &Dhcp4Config {
        &snap.config
    }

    fn hooks_of(snap: &Snapshot4) -> &Arc<HookSet> {
        &snap.hooks
    }

    fn set_hooks(snap: &mut Snapshot4, hooks: Arc<HookSet>) {
        snap.hooks = hooks;
    }

    fn set_ddns(snap: &mut Snapshot4, queue: ruru_ddns::Queue) {
        snap.ddns = queue;
    }

    fn set_host_dbs(snap: &mut Snapshot4, dbs: &[ruru_lease_sql::Db]) {
        let mut each: Vec<Box<dyn HostSource4>> = dbs
            .iter()
            .map(|db| {
                Box::new(ruru_lease_sql::SqlHosts4::from_db(
                    db.clone(),
                    snap.config.clone(),
                )) as Box<dyn HostSource4>
            })
            .collect();
        snap.host_db = match each.len() {
            0 => None,
            1 => each.pop().map(|one| HostDb(Arc::from(one))),
            _ => Some(HostDb(Arc::new(Sources(each)))),
        };
    }

    async fn open_store(cfg: &Dhcp4Config, config_path: &Path) -> Result<Leases4, String> {
        if let Some(db) = cfg.lease_database.sql() {
            return database::open(db, false).await.map(Leases::Sql);
        }
        let opts = memfile_options(
            &cfg.lease_database,
            PathBuf::from(DEFAULT_LEASE_FILE),
            config_path,
        )?;
        let path = opts.path.clone();
        tracing::info!(target: "kea-dhcp4.dhcpsrv", id = "DHCPSRV_MEMFILE_DB", "opening memory file lease database: {}", memfile_access(&cfg.lease_database, &opts));
        let (store, report) = Memfile4::open(opts)
            .map_err(|e| format!("cannot open lease file {}: {e}", path.display()))?;
        tracing::info!(target: "kea-dhcp4.lease-mgr", id = "DHCPSRV_MEMFILE_LEASES_RELOAD", file = %path.display(), ?report, "leases loaded");
        let (fixed, dropped) = store.check_leases(|l| ruru_engine::v4::lease_check(cfg, l));
        if fixed + dropped > 0 {
            tracing::warn!(target: "kea-dhcp4.dhcpsrv", fixed, dropped, "sanity-checks changed loaded leases (in memory only)");
        }
        Ok(Leases::Memfile(store))
    }

    fn check_hooks(cfg: &Dhcp4Config) -> Result<Vec<Checked>, String> {
        plugins::check(
            &cfg.hooks_libraries,
            ruru_hooks::Family::V4,
            cfg.multi_threading.enable,
        )
    }

    fn load_hooks(checked: Vec<Checked>, cfg: &Dhcp4Config) -> Result<Arc<HookSet>, String> {
        plugins::load(
            checked,
            ruru_hooks::Family::V4,
            cfg.parked_packet_limit,
            cfg.multi_threading.enable,
            &cfg.raw,
        )
    }

    fn open_sockets(
        args: &Args,
        cfg: &Dhcp4Config,
        ifaces: &[Interface],
    ) -> Result<(Vec<sockets4::Listener4>, Vec<String>), String> {
        let port = args.server_port.unwrap_or(Self::PORTS.0);
        let (listeners, errors) =
            sockets4::open(&cfg.interfaces, ifaces, port).map_err(|e| e.to_string())?;
        for l in &listeners {
            tracing::info!(target: "kea-dhcp4.dhcpsrv", iface = %l.ifname, addrs = ?l.addrs, raw = l.raw.is_some(), "socket open");
        }
        Ok((listeners, errors.iter().map(ToString::to_string).collect()))
    }

    fn listener_name(l: &sockets4::Listener4) -> Arc<str> {
        l.ifname.clone()
    }

    fn build_snapshot(
        args: &Args,
        cfg: Dhcp4Config,
        listeners: &[sockets4::Listener4],
        registry: &Registry,
    ) -> Result<Snapshot4, String> {
        let transport = Transport4 {
            server_addresses: listeners
                .iter()
                .flat_map(|l| l.addrs.iter().copied())
                .collect(),
            server_port: args.server_port.unwrap_or(Self::PORTS.0),
            client_port: args.client_port.unwrap_or(Self::PORTS.1),
            direct_send: listeners.iter().any(|l| l.raw.is_some()),
        };
        Ok(Snapshot4::build(Arc::new(cfg), transport, registry))
    }

    fn recount(
        snap: &Snapshot4,
        store: &Leases4,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        snap.recount(store)
    }

    fn serve(
        shared: Arc<SharedOf<Self>>,
        l: sockets4::Listener4,
        stop: Arc<AtomicBool>,
        waiting: tokio::runtime::Handle,
    ) -> io::Result<()> {
        service::serve::<Self>(shared, l, stop, waiting)
    }

    fn install_lease_admin(shared: &Arc<SharedOf<Self>>) {
        hooks4::install_lease_admin(shared);
    }

    fn reclaim(
        snap: &Snapshot4,
        store: &Leases4,
        now: u64,
        limits: ReclaimLimits,
    ) -> impl Future<Output = Result<ReclaimReport, StoreError>> + Send {
        reclaim(snap, store, now, limits)
    }

    fn flush_reclaimed(
        store: &Leases4,
        now: u64,
        hold_secs: u64,
    ) -> impl Future<Output = Result<usize, StoreError>> + Send {
        store.flush_reclaimed4(now, hold_secs)
    }

    fn flush(store: &Leases4) -> impl Future<Output = Result<(), StoreError>> + Send {
        LeaseStore4::flush(store)
    }

    fn start_lfc(store: &Leases4) -> Result<LfcStart, StoreError> {
        store.start_lfc()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // CTL-083: with no `lease-database` (or only `"type": "memfile"`) the servers keep their leases,
    // in Kea's default files, with no row-error limit; the logged parameters carry no secret
    // (CTL-115).
    #[test]
    fn ctl083_memfile_defaults() {
        let conf = Path::new("/etc/kea/kea-dhcp4.conf");
        for text in [
            r#"{"Dhcp4": {}}"#,
            r#"{"Dhcp4": {"lease-database": {"type": "memfile", "password": "pw-1"}}}"#,
        ] {
            let cfg = ruru_config::parse_dhcp4_str(text, "t").unwrap();
            let opts =
                memfile_options(&cfg.lease_database, PathBuf::from(DEFAULT_LEASE_FILE), conf)
                    .unwrap();
            assert_eq!(opts.path, Path::new("/var/lib/kea/kea-leases4.csv"));
            assert!(opts.persist);
            assert_eq!(opts.max_row_errors, 0);
            let access = memfile_access(&cfg.lease_database, &opts);
            assert_eq!(
                access,
                "lfc-interval=3600 max-row-errors=0 name=/var/lib/kea/kea-leases4.csv persist=true type=memfile"
            );
        }
        let cfg6 = ruru_config::parse_dhcp6_str(r#"{"Dhcp6": {}}"#, "t").unwrap();
        let opts = memfile_options(
            &cfg6.lease_database,
            cfg6.lease_file().unwrap(),
            Path::new("/etc/kea/kea-dhcp6.conf"),
        )
        .unwrap();
        assert_eq!(opts.path, Path::new("/var/lib/kea/kea-leases6.csv"));
        assert!(opts.persist);
    }
}
