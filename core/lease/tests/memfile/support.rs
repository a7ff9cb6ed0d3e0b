//! Shared helpers, and [`Family`], which lets one test body run against both memfile stores.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output};

use ruru_lease::{
    CleanupFiles, ClientId, Duid, HwAddr, Lease4, Lease6, LeaseState, LeaseType, LfcStart,
    LoadReport, Memfile4, Memfile6, MemfileOptions, StoreError,
};

/// A fresh directory for one test.
pub(crate) fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ruru-lease-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Options for a persistent store at `path` using the freshly built `ruru-lfc`.
pub(crate) fn options(path: &Path) -> MemfileOptions {
    MemfileOptions {
        lfc_program: PathBuf::from(env!("CARGO_BIN_EXE_ruru-lfc")),
        ..MemfileOptions::persistent(path)
    }
}

/// Runs the cleanup program `program` (`ruru-lfc`, or Kea's `kea-lfc`) with `flags` (the family,
/// `-d`) on `files`.
pub(crate) fn run_cleanup(program: &Path, flags: &[&str], files: &CleanupFiles) -> Output {
    Command::new(program)
        .args(flags)
        .arg("-x")
        .arg(&files.previous)
        .arg("-i")
        .arg(&files.input)
        .arg("-o")
        .arg(&files.output)
        .arg("-f")
        .arg(&files.finish)
        .arg("-p")
        .arg(&files.pid)
        .args(["-c", "ignored-path"])
        .output()
        .unwrap()
}

/// A user context with the characters the CSV dialect escapes.
fn context(n: u32) -> Option<serde_json::Map<String, serde_json::Value>> {
    serde_json::json!({"n": n, "s": "a,b&c"})
        .as_object()
        .cloned()
}

/// A DHCPv4 lease numbered `n` with every field set.
pub(crate) fn lease(n: u32, cltt: u64) -> Lease4 {
    let b = n.to_be_bytes();
    Lease4 {
        address: Ipv4Addr::from(0x0a00_0000 + n),
        hwaddr: Some(HwAddr::new(1, &[0x02, 0, b[0], b[1], b[2], b[3]])),
        client_id: Some(ClientId::new(&[1, 0x02, 0, b[0], b[1], b[2], b[3]])),
        valid_lifetime: 3600,
        cltt,
        subnet_id: 1 + n % 3,
        fqdn_fwd: n % 2 == 0,
        fqdn_rev: n % 3 == 0,
        hostname: format!("host-{n},x"),
        state: if n % 5 == 0 {
            LeaseState::ExpiredReclaimed
        } else {
            LeaseState::Default
        },
        user_context: context(n),
        pool_id: n % 4,
    }
}

/// A DHCPv6 lease numbered `n` with every field set: every third a delegated prefix, the others
/// addresses; every fourth without a hardware address.
pub(crate) fn lease6(n: u32, cltt: u64) -> Lease6 {
    let b = n.to_be_bytes();
    let (lease_type, address, prefix_len) = if n % 3 == 0 {
        let prefix = 0x2001_0db8_8000_0000_u128 << 64 | u128::from(n) << 72;
        (LeaseType::Pd, Ipv6Addr::from(prefix), 56)
    } else {
        (
            LeaseType::Na,
            Ipv6Addr::from(0x2001_0db8_u128 << 96 | u128::from(n)),
            128,
        )
    };
    Lease6 {
        address,
        prefix_len,
        lease_type,
        duid: Duid::new(&[0, 1, 0, 1, 0x2a, 0x3b, b[0], b[1], b[2], b[3]]),
        iaid: n % 7,
        preferred_lifetime: 1800,
        valid_lifetime: 3600,
        cltt,
        subnet_id: 1 + n % 3,
        pool_id: n % 4,
        fqdn_fwd: n % 2 == 0,
        fqdn_rev: n % 3 == 0,
        hostname: format!("host-{n},x"),
        hwaddr: (n % 4 != 0).then(|| HwAddr::new(1, &[0x02, 0, b[0], b[1], b[2], b[3]])),
        hwaddr_source: if n % 4 != 0 { 2 } else { 0 },
        state: if n % 5 == 0 {
            LeaseState::ExpiredReclaimed
        } else {
            LeaseState::Default
        },
        user_context: context(n),
    }
}

/// One lease family's memfile store, as the file-level tests drive it.
pub(crate) trait Family {
    /// The store.
    type Store;
    /// The lease record.
    type Lease: Clone + PartialEq + Debug;
    /// The lease key.
    type Addr: Ord + Copy + Debug + std::str::FromStr<Err: Debug>;
    /// The lease file's name, as Kea's default.
    const FILE: &'static str;
    /// The cleanup program's family flag.
    const FLAG: &'static str;

    fn open(opts: MemfileOptions) -> Result<(Self::Store, LoadReport), StoreError>;
    /// The family's test lease numbered `n`.
    fn lease(n: u32, cltt: u64) -> Self::Lease;
    fn addr(lease: &Self::Lease) -> Self::Addr;
    fn add(m: &Self::Store, lease: &Self::Lease) -> bool;
    /// Replaces the stored lease at the address with `lease`, reading it first.
    fn update(m: &Self::Store, lease: &Self::Lease) -> bool;
    /// Deletes the lease numbered `n`, reading it first.
    fn delete(m: &Self::Store, n: u32) -> bool;
    /// Every lease, in address order.
    fn all(m: &Self::Store) -> Vec<Self::Lease>;
    fn flush(m: &Self::Store) -> Result<(), StoreError>;
    fn start_lfc(m: &Self::Store) -> Result<LfcStart, StoreError>;
    fn wait_lfc(m: &Self::Store) -> Result<Option<ExitStatus>, StoreError>;
    /// Sets the pool, which Kea 2.2 does not store, to 0 as a 2.2 file has it.
    fn forget_pool_id(lease: &mut Self::Lease);
}

/// DHCPv4 leases in [`Memfile4`].
pub(crate) struct V4;

impl Family for V4 {
    type Store = Memfile4;
    type Lease = Lease4;
    type Addr = Ipv4Addr;
    const FILE: &'static str = "kea-leases4.csv";
    const FLAG: &'static str = "-4";

    fn open(opts: MemfileOptions) -> Result<(Memfile4, LoadReport), StoreError> {
        Memfile4::open(opts)
    }
    fn lease(n: u32, cltt: u64) -> Lease4 {
        lease(n, cltt)
    }
    fn addr(lease: &Lease4) -> Ipv4Addr {
        lease.address
    }
    fn add(m: &Memfile4, lease: &Lease4) -> bool {
        m.add4_sync(lease)
    }
    fn update(m: &Memfile4, lease: &Lease4) -> bool {
        m.get4_sync(lease.address)
            .is_some_and(|read| m.update4_sync(lease, &read))
    }
    fn delete(m: &Memfile4, n: u32) -> bool {
        m.get4_sync(lease(n, 0).address)
            .is_some_and(|read| m.delete4_sync(&read))
    }
    fn all(m: &Memfile4) -> Vec<Lease4> {
        m.page4_sync(None, usize::MAX)
    }
    fn flush(m: &Memfile4) -> Result<(), StoreError> {
        m.flush_sync()
    }
    fn start_lfc(m: &Memfile4) -> Result<LfcStart, StoreError> {
        m.start_lfc()
    }
    fn wait_lfc(m: &Memfile4) -> Result<Option<ExitStatus>, StoreError> {
        m.wait_lfc()
    }
    fn forget_pool_id(lease: &mut Lease4) {
        lease.pool_id = 0;
    }
}

/// DHCPv6 leases in [`Memfile6`].
pub(crate) struct V6;

impl Family for V6 {
    type Store = Memfile6;
    type Lease = Lease6;
    type Addr = Ipv6Addr;
    const FILE: &'static str = "kea-leases6.csv";
    const FLAG: &'static str = "-6";

    fn open(opts: MemfileOptions) -> Result<(Memfile6, LoadReport), StoreError> {
        Memfile6::open(opts)
    }
    fn lease(n: u32, cltt: u64) -> Lease6 {
        lease6(n, cltt)
    }
    fn addr(lease: &Lease6) -> Ipv6Addr {
        lease.address
    }
    fn add(m: &Memfile6, lease: &Lease6) -> bool {
        m.add6_sync(lease).unwrap()
    }
    fn update(m: &Memfile6, lease: &Lease6) -> bool {
        m.get6_sync(lease.lease_type, lease.address)
            .is_some_and(|read| m.update6_sync(lease, &read).unwrap())
    }
    fn delete(m: &Memfile6, n: u32) -> bool {
        let l = lease6(n, 0);
        m.get6_sync(l.lease_type, l.address)
            .is_some_and(|read| m.delete6_sync(&read))
    }
    fn all(m: &Memfile6) -> Vec<Lease6> {
        m.page6_sync(None, usize::MAX)
    }
    fn flush(m: &Memfile6) -> Result<(), StoreError> {
        m.flush_sync()
    }
    fn start_lfc(m: &Memfile6) -> Result<LfcStart, StoreError> {
        m.start_lfc()
    }
    fn wait_lfc(m: &Memfile6) -> Result<Option<ExitStatus>, StoreError> {
        m.wait_lfc()
    }
    fn forget_pool_id(lease: &mut Lease6) {
        lease.pool_id = 0;
    }
}

/// Every lease of `m`, by address.
pub(crate) fn contents<F: Family>(m: &F::Store) -> BTreeMap<F::Addr, F::Lease> {
    F::all(m).into_iter().map(|l| (F::addr(&l), l)).collect()
}

/// Opens the store at `path` and returns its leases.
pub(crate) fn reload<F: Family>(path: &Path) -> BTreeMap<F::Addr, F::Lease> {
    let (m, _) = F::open(options(path)).unwrap();
    contents::<F>(&m)
}

/// Names of the files in `dir`, sorted.
pub(crate) fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Asserts two lease sets are equal, naming the first difference rather than printing both.
#[track_caller]
pub(crate) fn assert_same<A: Ord + Debug, L: PartialEq + Debug>(
    got: &BTreeMap<A, L>,
    want: &BTreeMap<A, L>,
    what: &str,
) {
    let missing = want.keys().find(|a| !got.contains_key(a));
    let extra = got.keys().find(|a| !want.contains_key(a));
    let differs = want
        .iter()
        .find(|(a, l)| got.get(a).is_some_and(|g| g != *l));
    assert!(
        missing.is_none() && extra.is_none() && differs.is_none(),
        "{what}: {} leases, want {}; first missing {missing:?}, first extra {extra:?}, first different {:?} (got {:?})",
        got.len(),
        want.len(),
        differs.map(|d| d.1),
        differs.and_then(|d| got.get(d.0)),
    );
}
