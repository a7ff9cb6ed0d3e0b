//! `hooks-libraries` for `ruru-dhcp4`: the validation phase (HK-040) and the load phase with
//! `dhcp4_srv_configured` (HK-043..HK-047), and the lease storage plugins reach through the hook
//! ABI's lease services (`libdhcp_lease_cmds.so`).

use crate::shared::Shared;
use ruru_config::{Dhcp4Config, Subnet4};
use ruru_engine::v4::{LeaseAdmin, Snapshot4};
use ruru_hook_api::names::arg;
use ruru_hooks::{
    AdminError, Args, Called, Checked, Family, HookSet, LeaseAdmin4, Point, RequestContext, Slot,
    SubnetInfo4,
};
use ruru_lease::{ClientId, HwAddr, Lease4, LeaseStore4, Memfile4, StoreError, HTYPE_ETHER};
use std::future::Future;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll, Wake, Waker};

/// Opens and checks every listed library without loading it; names every failing one.
pub(crate) fn check(cfg: &Dhcp4Config) -> Result<Vec<Checked>, String> {
    ruru_hooks::check(&cfg.hooks_libraries, Family::V4, cfg.multi_threading.enable).map_err(
        |errs| {
            let all: Vec<String> = errs.iter().map(ToString::to_string).collect();
            format!(
                "One or more hook libraries failed validation: {}",
                all.join("; ")
            )
        },
    )
}

/// Loads checked libraries and runs `dhcp4_srv_configured`; a refusal unloads them again.
pub(crate) fn load(checked: Vec<Checked>, cfg: &Dhcp4Config) -> Result<Arc<HookSet>, String> {
    let set = HookSet::load(checked, Family::V4, cfg.parked_packet_limit)
        .map_err(|e| format!("One or more hook libraries failed to load: {e}"))?;
    if set.has(Point::Dhcp4SrvConfigured) {
        let config = cfg.raw.to_string();
        let mut args = Args::new()
            .with(arg::IO_CONTEXT, Slot::Json(None, false))
            .with(
                arg::NETWORK_STATE,
                Slot::Json(Some(r#"{"disabled":false}"#.into()), false),
            )
            .with(arg::JSON_CONFIG, Slot::Json(Some(config.clone()), false))
            .with(arg::SERVER_CONFIG, Slot::Json(Some(config), false))
            .with(arg::ERROR, Slot::Text(None, true));
        let mut ctx = RequestContext::new();
        if let Called::Drop = set.call(Point::Dhcp4SrvConfigured, &mut args, &mut ctx) {
            let why = args
                .text(arg::ERROR)
                .unwrap_or("no reason given")
                .to_owned();
            set.unload();
            return Err(format!(
                "a hook library refused the configuration (dhcp4_srv_configured): {why}"
            ));
        }
    }
    Ok(set)
}

/// Where `lease4-write` may write when `KEA_DHCP_DATA_DIRECTORY` is not set: the directory of Kea's
/// default lease file, which Ruru also uses.
const DEFAULT_DATA_DIR: &str = "/var/lib/kea";

/// Makes the running server's lease storage reachable to plugins (hook ABI 1.1 services): each call
/// acts on the snapshot and store in force at that moment. Called once, when `shared` exists; the
/// registration holds it weakly so it does not keep the server's state alive.
pub(crate) fn install_lease_admin(shared: &Arc<Shared<Snapshot4, Memfile4>>) {
    ruru_hooks::install_lease_admin4(Some(Arc::new(Admin4 {
        shared: Arc::downgrade(shared),
    })));
}

/// The lease storage plugins reach: queries go to the store, changes through the engine's
/// [`LeaseAdmin`] so the statistics follow.
struct Admin4 {
    shared: Weak<Shared<Snapshot4, Memfile4>>,
}

impl Admin4 {
    /// Runs `f` on the snapshot and store in force, waiting for the backend.
    fn run<T, F: Future<Output = Result<T, StoreError>>>(
        &self,
        f: impl FnOnce(Arc<Snapshot4>, Arc<Memfile4>) -> F,
    ) -> Result<T, AdminError> {
        let shared = self.shared.upgrade().ok_or(AdminError::Unavailable)?;
        block_on(f(shared.snapshot(), shared.store()))
            .map_err(|e| AdminError::Backend(e.to_string()))
    }
}

fn subnet_info(s: &Subnet4) -> SubnetInfo4 {
    SubnetInfo4 {
        id: s.id,
        prefix: s.prefix,
        prefix_len: s.prefix_len,
        valid_lifetime: s.valid_lifetime.default,
    }
}

impl LeaseAdmin4 for Admin4 {
    fn get(&self, addr: Ipv4Addr) -> Result<Option<Lease4>, AdminError> {
        self.run(|_, store| async move { store.get4(addr).await })
    }

    fn by_hw_address(&self, hw: &[u8]) -> Result<Vec<Lease4>, AdminError> {
        let hw = HwAddr::new(HTYPE_ETHER, hw);
        self.run(|_, store| async move { store.get4_by_hwaddr(&hw).await })
    }

    fn by_client_id(&self, id: &[u8]) -> Result<Vec<Lease4>, AdminError> {
        let id = ClientId::new(id);
        self.run(|_, store| async move { store.get4_by_client_id(&id).await })
    }

    fn by_hostname(&self, name: &str) -> Result<Vec<Lease4>, AdminError> {
        self.run(|_, store| async move { store.get4_by_hostname(name).await })
    }

    fn page(&self, after: Option<Ipv4Addr>, limit: usize) -> Result<Vec<Lease4>, AdminError> {
        self.run(|_, store| async move { store.page4(after, limit).await })
    }

    fn add(&self, lease: &Lease4) -> Result<(), AdminError> {
        let added = self
            .run(|snap, store| async move { LeaseAdmin::new(&snap, &*store).add(lease).await })?;
        added.then_some(()).ok_or(AdminError::Exists(lease.address))
    }

    fn update(&self, lease: &Lease4) -> Result<(), AdminError> {
        let updated =
            self.run(
                |snap, store| async move { LeaseAdmin::new(&snap, &*store).update(lease).await },
            )?;
        updated.then_some(()).ok_or(AdminError::NotFound)
    }

    fn delete(&self, addr: Ipv4Addr) -> Result<Lease4, AdminError> {
        self.run(|snap, store| async move { LeaseAdmin::new(&snap, &*store).delete(addr).await })?
            .ok_or(AdminError::NotFound)
    }

    fn wipe(&self, ids: &[u32]) -> Result<usize, AdminError> {
        self.run(|snap, store| async move { LeaseAdmin::new(&snap, &*store).wipe(ids).await })
    }

    fn write(&self, filename: &str) -> Result<PathBuf, AdminError> {
        let shared = self.shared.upgrade().ok_or(AdminError::Unavailable)?;
        let store = shared.store();
        let data_dir = std::env::var_os("KEA_DHCP_DATA_DIRECTORY")
            .filter(|d| !d.is_empty())
            .map_or_else(|| PathBuf::from(DEFAULT_DATA_DIR), PathBuf::from);
        let path =
            write_target(filename, &data_dir, store.lease_file()).map_err(AdminError::Invalid)?;
        store
            .write_leases(&path)
            .map_err(|e| AdminError::Backend(e.to_string()))?;
        Ok(path)
    }

    fn subnets(&self) -> Result<Vec<SubnetInfo4>, AdminError> {
        let shared = self.shared.upgrade().ok_or(AdminError::Unavailable)?;
        Ok(shared
            .snapshot()
            .config
            .subnets
            .iter()
            .map(subnet_info)
            .collect())
    }

    fn select_subnet(&self, addr: Ipv4Addr) -> Result<Option<SubnetInfo4>, AdminError> {
        let shared = self.shared.upgrade().ok_or(AdminError::Unavailable)?;
        let (snap, store) = (shared.snapshot(), shared.store());
        Ok(LeaseAdmin::new(&snap, &*store)
            .select_subnet(addr)
            .map(subnet_info))
    }
}

/// The file `lease4-write` writes for `filename` (LC-144, Kea's path rule): a bare name goes to
/// `data_dir`; a path must lie in `data_dir`, unless it is the configured lease file `live` itself
/// (Ruru lets the lease file live anywhere, and rewriting it is what the command is for).
fn write_target(filename: &str, data_dir: &Path, live: Option<&Path>) -> Result<PathBuf, String> {
    let path = Path::new(filename);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => return Ok(data_dir.join(path)),
    };
    if live == Some(path) || dir.components().eq(data_dir.components()) {
        return Ok(path.to_owned());
    }
    Err(format!(
        "invalid path specified: '{}', supported path is '{}'",
        dir.display(),
        data_dir.display()
    ))
}

/// Runs a store future to completion on this thread. Memfile's complete on their first poll; a
/// backend that waits wakes this thread. Lease services are called from command handlers, which the
/// control channel runs on blocking threads, so waiting here stalls no packet.
pub(crate) fn block_on<F: Future>(f: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut f = pin!(f);
    loop {
        if let Poll::Ready(out) = f.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::DhcpState;
    use ruru_engine::v4::Transport4;
    use ruru_lease::MemfileOptions;
    use ruru_stats::Registry;
    use serde_json::{json, Value as Json};

    /// `libdhcp_lease_cmds.so` as the workspace builds it (`cargo build --workspace --lib`).
    fn lease_cmds_library() -> PathBuf {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
        let dirs: Vec<PathBuf> = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .into_iter()
            .chain([workspace])
            .collect();
        dirs.iter()
            .flat_map(|d| ["debug", "release"].map(|p| d.join(p).join("libdhcp_lease_cmds.so")))
            .find(|p| p.is_file())
            .expect("libdhcp_lease_cmds.so is built (cargo build --workspace --lib)")
    }

    // LC-020, LC-022, LC-023, LC-033, LC-042, LC-103, LC-115, LC-124: the plugin, loaded for real, changes
    // the store the packet path reads, its lease file and the statistics, through the ABI only.
    #[test]
    fn lease_commands_reach_store_file_and_statistics() {
        let dir = std::env::temp_dir().join(format!("ruru-hooks4-lease-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        let lease_file = dir.join("leases4.csv");
        let cfg = <crate::dhcp4::Dhcp4 as crate::family::Family>::parse(&json!({"Dhcp4": {
            "valid-lifetime": 4000,
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                         "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]}],
            "hooks-libraries": [{"library": lease_cmds_library()}]
        }}))
        .expect("valid configuration");
        let reg = Registry::new();
        let transport = Transport4 {
            server_addresses: vec![],
            server_port: 67,
            client_port: 68,
            direct_send: false,
        };
        let snap = Snapshot4::build(Arc::new(cfg.clone()), transport, &reg);
        let store = Arc::new(
            Memfile4::open(MemfileOptions::persistent(&lease_file))
                .expect("lease file")
                .0,
        );
        let shared = Arc::new(Shared::new(
            snap,
            store.clone(),
            Arc::new(DhcpState::default()),
        ));
        install_lease_admin(&shared);
        let hooks = load(check(&cfg).expect("checks"), &cfg).expect("loads");
        let run = |name: &str, args: Json| {
            hooks
                .run_command(name, &json!({"command": name, "arguments": args}))
                .expect("registered")
        };
        let assigned = || reg.get("subnet[1].pool[0].assigned-addresses");

        let add = json!({"ip-address": "192.0.2.10", "hw-address": "1a:1b:1c:1d:1e:1f"});
        let r = run("lease4-add", add.clone());
        assert_eq!(
            r["text"], "Lease for address 192.0.2.10, subnet-id 1 added.",
            "{r}"
        );
        assert_eq!(run("lease4-add", add)["result"], 4);
        assert_eq!(assigned(), Some(1));
        // The packet path's store has it, and the lease file too, already.
        assert!(store.get4_sync(Ipv4Addr::new(192, 0, 2, 10)).is_some());
        let file = std::fs::read_to_string(&lease_file).expect("lease file");
        assert!(file.contains("192.0.2.10,1a:1b:1c:1d:1e:1f,"), "{file}");

        let update = json!({"ip-address": "192.0.2.10", "hw-address": "1a:1b:1c:1d:1e:1f",
                            "state": 1, "force-create": true});
        assert_eq!(run("lease4-update", update)["text"], "IPv4 lease updated.");
        assert_eq!(reg.get("declined-addresses"), Some(1));
        let r = run("lease4-get", json!({"ip-address": "192.0.2.10"}));
        assert_eq!(
            (r["result"].as_i64(), r["arguments"]["state"].as_u64()),
            (Some(0), Some(1))
        );
        let r = run("lease4-get-page", json!({"from": "start", "limit": 5}));
        assert_eq!(r["arguments"]["count"], 1);
        assert_eq!(
            run("lease4-del", json!({"ip-address": "192.0.2.10"}))["result"],
            0
        );
        assert_eq!(
            run("lease4-del", json!({"ip-address": "192.0.2.10"}))["result"],
            3
        );
        assert_eq!(
            (assigned(), reg.get("declined-addresses")),
            (Some(0), Some(0))
        );
        let r = run("lease4-get-all", Json::Null);
        assert_eq!(r["result"], 3, "{r}");
        hooks.unload();
        ruru_hooks::install_lease_admin4(None);
        std::fs::remove_dir_all(&dir).ok();
    }

    // LC-144: bare names go to the data directory; other directories are refused, except the
    // configured lease file.
    #[test]
    fn lc_144_write_targets() {
        let data = Path::new("/var/lib/kea");
        let live = Path::new("/srv/leases4.csv");
        let ok = |f: &str| write_target(f, data, Some(live));
        assert_eq!(ok("x.csv"), Ok(PathBuf::from("/var/lib/kea/x.csv")));
        assert_eq!(
            ok("/var/lib/kea/x.csv"),
            Ok(PathBuf::from("/var/lib/kea/x.csv"))
        );
        assert_eq!(
            ok("/var/lib/kea/./x.csv"),
            Ok(PathBuf::from("/var/lib/kea/./x.csv"))
        );
        assert_eq!(ok("/srv/leases4.csv"), Ok(live.to_owned()));
        assert_eq!(
            ok("/tmp/x.csv"),
            Err("invalid path specified: '/tmp', supported path is '/var/lib/kea'".into())
        );
        assert!(ok("../x.csv").is_err());
        assert!(ok("/var/lib/kea/sub/x.csv").is_err());
    }

    #[test]
    fn block_on_waits_for_a_wake() {
        let (tx, rx) = std::sync::mpsc::channel::<Waker>();
        let mut polled = false;
        let fut = std::future::poll_fn(move |cx| {
            if polled {
                return Poll::Ready(7);
            }
            polled = true;
            tx.send(cx.waker().clone()).expect("send");
            Poll::Pending
        });
        let waker = std::thread::spawn(move || rx.recv().expect("waker").wake());
        assert_eq!(block_on(fut), 7);
        waker.join().expect("joined");
    }
}
