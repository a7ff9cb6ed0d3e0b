//! Shared helpers.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use ruru_lease::{ClientId, HwAddr, Lease4, LeaseState, Memfile4, MemfileOptions};

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

/// A lease numbered `n` with every field set.
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
        user_context: serde_json::json!({"n": n, "s": "a,b&c"})
            .as_object()
            .cloned(),
        pool_id: n % 4,
    }
}

/// Every lease of `m`, by address.
pub(crate) fn contents(m: &Memfile4) -> BTreeMap<Ipv4Addr, Lease4> {
    m.page4_sync(None, usize::MAX)
        .into_iter()
        .map(|l| (l.address, l))
        .collect()
}

/// Opens the store at `path` and returns its leases.
pub(crate) fn reload(path: &Path) -> BTreeMap<Ipv4Addr, Lease4> {
    let (m, _) = Memfile4::open(options(path)).unwrap();
    contents(&m)
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
pub(crate) fn assert_same(
    got: &BTreeMap<Ipv4Addr, Lease4>,
    want: &BTreeMap<Ipv4Addr, Lease4>,
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
