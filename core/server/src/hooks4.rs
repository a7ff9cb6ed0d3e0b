//! The DHCPv4 lease storage plugins reach through the hook ABI's lease services
//! (`libdhcp_lease_cmds.so`).

use crate::plugins::{lease_services_common, ServerLeases};
use crate::shared::Shared;
use ruru_config::Subnet4;
use ruru_engine::v4::{LeaseAdmin, Snapshot4};
use ruru_hooks::{AdminError, LeaseAdmin4, SubnetInfo4};
use ruru_lease::{ClientId, HwAddr, Lease4, LeaseStore4, HTYPE_ETHER};
use std::net::Ipv4Addr;
use std::sync::Arc;

/// Makes the running server's lease storage reachable to plugins (hook ABI 1.1 services): each call
/// acts on the snapshot and store in force at that moment. Called once, when `shared` exists; the
/// registration holds it weakly so it does not keep the server's state alive.
pub(crate) fn install_lease_admin(shared: &Arc<Shared<Snapshot4, crate::store::Leases4>>) {
    ruru_hooks::install_lease_admin4(Some(Arc::new(Admin4(ServerLeases::new(shared)))));
}

/// The lease storage plugins reach: queries go to the store, changes through the engine's
/// [`LeaseAdmin`] so the statistics follow.
struct Admin4(ServerLeases<Snapshot4, crate::store::Leases4>);

fn subnet_info(s: &Subnet4) -> SubnetInfo4 {
    SubnetInfo4 {
        id: s.id,
        prefix: s.prefix,
        prefix_len: s.prefix_len,
        valid_lifetime: s.valid_lifetime.default,
    }
}

impl Admin4 {
    fn not_busy(&self, addr: std::net::IpAddr, verb: &str) -> Result<(), AdminError> {
        let shared = self.0.shared()?;
        crate::plugins::not_busy(&shared.snapshot().busy, addr, verb)
    }
}

impl LeaseAdmin4 for Admin4 {
    fn get(&self, addr: Ipv4Addr) -> Result<Option<Lease4>, AdminError> {
        self.0.run(|_, store| async move { store.get4(addr).await })
    }

    fn by_hw_address(&self, hw: &[u8]) -> Result<Vec<Lease4>, AdminError> {
        let hw = HwAddr::new(HTYPE_ETHER, hw);
        self.0
            .run(|_, store| async move { store.get4_by_hwaddr(&hw).await })
    }

    fn by_client_id(&self, id: &[u8]) -> Result<Vec<Lease4>, AdminError> {
        let id = ClientId::new(id);
        self.0
            .run(|_, store| async move { store.get4_by_client_id(&id).await })
    }

    fn by_hostname(&self, name: &str) -> Result<Vec<Lease4>, AdminError> {
        self.0
            .run(|_, store| async move { store.get4_by_hostname(name).await })
    }

    fn page(&self, after: Option<Ipv4Addr>, limit: usize) -> Result<Vec<Lease4>, AdminError> {
        self.0
            .run(|_, store| async move { store.page4(after, limit).await })
    }

    fn add(&self, lease: &Lease4) -> Result<(), AdminError> {
        self.not_busy(lease.address.into(), "added")?;
        let added = self
            .0
            .run(|snap, store| async move { LeaseAdmin::new(&snap, &*store).add(lease).await })?;
        added.then_some(()).ok_or(AdminError::Exists(lease.address))
    }

    fn update(&self, lease: &Lease4) -> Result<(), AdminError> {
        self.not_busy(lease.address.into(), "updated")?;
        let updated = self.0.run(|snap, store| async move {
            LeaseAdmin::new(&snap, &*store).update(lease).await
        })?;
        updated.then_some(()).ok_or(AdminError::NotFound)
    }

    fn delete(&self, addr: Ipv4Addr) -> Result<Lease4, AdminError> {
        self.not_busy(addr.into(), "deleted")?;
        self.0
            .run(|snap, store| async move { LeaseAdmin::new(&snap, &*store).delete(addr).await })?
            .ok_or(AdminError::NotFound)
    }

    lease_services_common!(LeaseAdmin, Ipv4Addr, SubnetInfo4, subnet_info);

    fn queue_ncr(&self, add: bool, lease: &Lease4) -> Result<(), AdminError> {
        let snap = self.0.shared()?.snapshot();
        let directions = lease.fqdn_fwd || lease.fqdn_rev;
        crate::plugins::queue_ncr(&snap.ddns, &lease.hostname, directions, || {
            snap.queue_ncr(crate::plugins::ncr_change(add), lease)
        })
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
    use std::path::{Path, PathBuf};

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
        let memfile = ruru_lease::Memfile4::open(MemfileOptions::persistent(&lease_file))
            .expect("lease file")
            .0;
        let store = Arc::new(crate::store::Leases::Memfile(memfile));
        let shared = Arc::new(Shared::new(
            snap,
            store.clone(),
            Arc::new(DhcpState::default()),
        ));
        install_lease_admin(&shared);
        let hooks = crate::plugins::load(
            crate::plugins::check(
                &cfg.hooks_libraries,
                ruru_hooks::Family::V4,
                cfg.multi_threading.enable,
            )
            .expect("checks"),
            ruru_hooks::Family::V4,
            cfg.parked_packet_limit,
            cfg.multi_threading.enable,
            &cfg.raw,
        )
        .expect("loads");
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
        assert!(
            crate::plugins::block_on(store.get4(Ipv4Addr::new(192, 0, 2, 10)))
                .expect("store")
                .is_some()
        );
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
}
