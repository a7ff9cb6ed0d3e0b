//! A [`LeaseAdmin6`] for tests: a real `Memfile6` (ruru-lease) persisted in a scratch directory and two
//! configured subnets, so what the lease services change is what the lease file holds. No statistics:
//! those are the server's. Used by the unit tests of the v6 services (`src/lease_host6.rs`) and by the
//! tests that load the lease commands plugin (`tests/lease_cmds6.rs`).

use ruru_hooks::{AdminError, LeaseAdmin6, SubnetInfo6};
use ruru_lease::{Duid, Lease6, LeaseType, Memfile6, MemfileOptions, StoreError};
use std::net::Ipv6Addr;
use std::path::{Path, PathBuf};

/// The storage, its directory and its subnets.
pub(crate) struct MemfileAdmin6 {
    dir: PathBuf,
    store: Memfile6,
    subnets: Vec<SubnetInfo6>,
}

/// Subnet 1 is `2001:db8:1::/64` (valid 4000 s, preferred 3000 s), subnet 2 `2001:db8:2::/64`
/// (5000 s, 3500 s).
pub(crate) fn subnets() -> Vec<SubnetInfo6> {
    let subnet = |id: u32, prefix: &str, valid, preferred| SubnetInfo6 {
        id,
        prefix: prefix.parse().expect("prefix"),
        prefix_len: 64,
        valid_lifetime: valid,
        preferred_lifetime: preferred,
    };
    vec![
        subnet(1, "2001:db8:1::", 4000, 3000),
        subnet(2, "2001:db8:2::", 5000, 3500),
    ]
}

fn contains(s: &SubnetInfo6, addr: Ipv6Addr) -> bool {
    let mask = u128::MAX
        .checked_shl(128 - u32::from(s.prefix_len))
        .unwrap_or(0);
    u128::from(addr) & mask == u128::from(s.prefix) & mask
}

fn backend(e: StoreError) -> AdminError {
    match e {
        e @ StoreError::InvalidLease { .. } => AdminError::Invalid(e.to_string()),
        e => AdminError::Backend(e.to_string()),
    }
}

impl MemfileAdmin6 {
    /// A new store in a fresh directory named after `tag` and this process.
    pub(crate) fn new(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("ruru-hooks-admin6-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        let (store, _) = Memfile6::open(MemfileOptions::persistent(dir.join("leases6.csv")))
            .expect("lease file");
        MemfileAdmin6 {
            dir,
            store,
            subnets: subnets(),
        }
    }

    /// The directory bare file names are written to, which holds the lease file `leases6.csv`.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// The store.
    pub(crate) fn store(&self) -> &Memfile6 {
        &self.store
    }

    /// The lease file's text.
    pub(crate) fn lease_file(&self) -> String {
        std::fs::read_to_string(self.dir.join("leases6.csv")).expect("lease file")
    }

    /// Removes the directory.
    pub(crate) fn remove(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    fn flushed<T>(&self, v: T) -> Result<T, AdminError> {
        self.store.flush_sync().map_err(backend)?;
        Ok(v)
    }

    fn all(&self) -> Vec<Lease6> {
        self.store.page6_sync(None, usize::MAX)
    }
}

impl LeaseAdmin6 for MemfileAdmin6 {
    fn get(&self, lease_type: LeaseType, addr: Ipv6Addr) -> Result<Option<Lease6>, AdminError> {
        Ok(self.store.get6_sync(lease_type, addr))
    }

    fn by_duid_iaid(
        &self,
        lease_type: LeaseType,
        duid: &[u8],
        iaid: u32,
        subnet_id: Option<u32>,
    ) -> Result<Vec<Lease6>, AdminError> {
        Ok(self
            .store
            .get6_by_duid_iaid_sync(lease_type, &Duid::new(duid), iaid, subnet_id))
    }

    fn by_duid(&self, duid: &[u8]) -> Result<Vec<Lease6>, AdminError> {
        Ok(self.store.get6_by_duid_sync(&Duid::new(duid)))
    }

    fn by_hostname(&self, name: &str) -> Result<Vec<Lease6>, AdminError> {
        Ok(self.store.get6_by_hostname_sync(name))
    }

    fn page(&self, after: Option<Ipv6Addr>, limit: usize) -> Result<Vec<Lease6>, AdminError> {
        Ok(self.store.page6_sync(after, limit))
    }

    fn add(&self, lease: &Lease6) -> Result<(), AdminError> {
        match self.store.add6_sync(lease).map_err(backend)? {
            true => self.flushed(()),
            false => Err(AdminError::Exists6(lease.address)),
        }
    }

    fn update(&self, lease: &Lease6) -> Result<(), AdminError> {
        let read = self
            .store
            .get6_sync(lease.lease_type, lease.address)
            .ok_or(AdminError::NotFound)?;
        match self.store.update6_sync(lease, &read).map_err(backend)? {
            true => self.flushed(()),
            false => Err(AdminError::NotFound),
        }
    }

    fn delete(&self, lease_type: LeaseType, addr: Ipv6Addr) -> Result<Lease6, AdminError> {
        let old = self
            .store
            .get6_sync(lease_type, addr)
            .ok_or(AdminError::NotFound)?;
        if !self.store.delete6_sync(&old) {
            return Err(AdminError::NotFound);
        }
        self.flushed(old)
    }

    fn wipe(&self, ids: &[u32]) -> Result<usize, AdminError> {
        let doomed: Vec<Lease6> = self
            .all()
            .into_iter()
            .filter(|l| ids.contains(&l.subnet_id))
            .collect();
        let gone = doomed.iter().filter(|l| self.store.delete6_sync(l)).count();
        self.flushed(gone)
    }

    /// Bare names only, into the directory; an existing file is moved to `<file>.bak<pid>` first.
    fn write(&self, filename: &str) -> Result<PathBuf, AdminError> {
        if filename.contains('/') {
            return Err(AdminError::Invalid(format!(
                "invalid path specified: '{filename}', supported path is '{}'",
                self.dir.display()
            )));
        }
        let path = self.dir.join(filename);
        if path.exists() {
            let bak = PathBuf::from(format!("{}.bak{}", path.display(), std::process::id()));
            std::fs::rename(&path, bak).map_err(|e| AdminError::Backend(e.to_string()))?;
        }
        let (copy, _) = Memfile6::open(MemfileOptions::persistent(&path)).map_err(backend)?;
        for l in self.all() {
            copy.add6_sync(&l).map_err(backend)?;
        }
        copy.flush_sync().map_err(backend)?;
        Ok(path)
    }

    fn subnets(&self) -> Result<Vec<SubnetInfo6>, AdminError> {
        Ok(self.subnets.clone())
    }

    fn select_subnet(&self, addr: Ipv6Addr) -> Result<Option<SubnetInfo6>, AdminError> {
        Ok(self.subnets.iter().find(|s| contains(s, addr)).cloned())
    }

    /// No DDNS here: the servers' own tests send NCRs.
    fn queue_ncr(&self, _: bool, _: &Lease6) -> Result<(), AdminError> {
        Err(AdminError::Unsupported(
            "DDNS updating is not enabled".into(),
        ))
    }

    fn ddns_enabled(&self) -> bool {
        false
    }
}
