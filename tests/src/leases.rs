//! Reader for Kea's DHCPv4 memfile lease file (CSV), the way the server itself loads it.
//!
//! Columns are found by header name, so Kea 2.2 files (no `pool_id`) and 2.7 files read alike
//! (V4-084). Rows are appended, never rewritten: the last row per address wins, and a row with
//! `valid_lifetime` 0 deletes the lease unless it is in state released (V4-083, V4-033). Files
//! left by lease file cleanup are read first, in the server's order: `NAME.completed` if present,
//! else `NAME.2` then `NAME.1`; then `NAME`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

/// Why a lease file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LeaseFileError {
    /// The file exists but cannot be read.
    #[error("cannot read lease file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The header lacks a mandatory column.
    #[error("{path}: header lacks column `{column}`")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The missing column.
        column: &'static str,
    },
    /// A complete row could not be parsed.
    #[error("{path}:{line}: {reason}")]
    Row {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        reason: String,
    },
}

/// Lease state as stored in the `state` column (V4-076).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseState {
    /// 0: assigned to a client.
    Default,
    /// 1: declined, in probation.
    Declined,
    /// 2: expired and reclaimed, kept for affinity.
    ExpiredReclaimed,
    /// 3: released, kept for affinity.
    Released,
    /// Any other value, kept as read.
    Other(u32),
}

impl From<u32> for LeaseState {
    fn from(v: u32) -> Self {
        match v {
            0 => LeaseState::Default,
            1 => LeaseState::Declined,
            2 => LeaseState::ExpiredReclaimed,
            3 => LeaseState::Released,
            other => LeaseState::Other(other),
        }
    }
}

/// One DHCPv4 lease row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease4 {
    /// Leased address.
    pub address: Ipv4Addr,
    /// Client hardware address, colon hex (may be empty).
    pub hwaddr: String,
    /// Client identifier (option 61), colon hex (may be empty).
    pub client_id: String,
    /// Valid lifetime in seconds (0 in a deletion row).
    pub valid_lifetime: u32,
    /// Expiry, seconds since the epoch (cltt + lifetime).
    pub expire: u64,
    /// Subnet id.
    pub subnet_id: u32,
    /// Forward DNS update flag.
    pub fqdn_fwd: bool,
    /// Reverse DNS update flag.
    pub fqdn_rev: bool,
    /// Client hostname, unescaped.
    pub hostname: String,
    /// Lease state.
    pub state: LeaseState,
    /// User context JSON text, unescaped (may be empty).
    pub user_context: String,
    /// Pool id (`None` in files without the column).
    pub pool_id: Option<u32>,
}

/// The leases a server would load from its lease file: the last row per address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeaseSet {
    leases: BTreeMap<Ipv4Addr, Lease4>,
    torn_rows: usize,
}

impl LeaseSet {
    /// Reads the lease file `path` and its cleanup companions; missing files count as empty.
    pub fn read(path: &Path) -> Result<LeaseSet, LeaseFileError> {
        let mut set = LeaseSet::default();
        let completed = with_suffix(path, ".completed");
        let earlier = if completed.exists() {
            vec![completed]
        } else {
            vec![with_suffix(path, ".2"), with_suffix(path, ".1")]
        };
        for file in earlier.iter().map(PathBuf::as_path).chain([path]) {
            match std::fs::read_to_string(file) {
                Ok(text) => set.apply(file, &text)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(LeaseFileError::Io {
                        path: file.to_owned(),
                        source,
                    })
                }
            }
        }
        Ok(set)
    }

    /// Applies the rows of one file's text (header first) on top of what is already loaded.
    pub fn apply(&mut self, path: &Path, text: &str) -> Result<(), LeaseFileError> {
        let mut lines = text.split_inclusive('\n').enumerate();
        let Some((_, header)) = lines.next() else {
            return Ok(());
        };
        let columns = Columns::new(path, header.trim_end())?;
        for (index, raw) in lines {
            let Some(row) = raw.strip_suffix('\n') else {
                // A last line without its newline is a write cut short (kill -9): not a row.
                self.torn_rows += 1;
                continue;
            };
            let row = row.trim_end_matches('\r');
            if row.is_empty() {
                continue;
            }
            let lease = columns.parse(row).map_err(|reason| LeaseFileError::Row {
                path: path.to_owned(),
                line: index + 1,
                reason,
            })?;
            if lease.valid_lifetime == 0 && lease.state != LeaseState::Released {
                self.leases.remove(&lease.address);
            } else {
                self.leases.insert(lease.address, lease);
            }
        }
        Ok(())
    }

    /// The lease of `address`, in whatever state.
    pub fn get(&self, address: Ipv4Addr) -> Option<&Lease4> {
        self.leases.get(&address)
    }

    /// Every lease, in address order.
    pub fn iter(&self) -> impl Iterator<Item = &Lease4> {
        self.leases.values()
    }

    /// Number of leases, in any state.
    pub fn len(&self) -> usize {
        self.leases.len()
    }

    /// Whether there is no lease at all.
    pub fn is_empty(&self) -> bool {
        self.leases.is_empty()
    }

    /// Addresses currently assigned to a client (state default, non-zero lifetime).
    pub fn leased(&self) -> BTreeSet<Ipv4Addr> {
        self.leases
            .values()
            .filter(|l| l.state == LeaseState::Default && l.valid_lifetime > 0)
            .map(|l| l.address)
            .collect()
    }

    /// Incomplete last lines skipped (at most one per file).
    pub fn torn_rows(&self) -> usize {
        self.torn_rows
    }
}

/// `NAME` + suffix, the naming of lease file cleanup (`leases4.csv.2`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Column positions from a header line.
struct Columns {
    address: usize,
    hwaddr: usize,
    client_id: usize,
    valid_lifetime: usize,
    expire: usize,
    subnet_id: usize,
    fqdn_fwd: usize,
    fqdn_rev: usize,
    hostname: usize,
    state: Option<usize>,
    user_context: Option<usize>,
    pool_id: Option<usize>,
}

impl Columns {
    fn new(path: &Path, header: &str) -> Result<Columns, LeaseFileError> {
        let names: Vec<&str> = header.split(',').map(str::trim).collect();
        let find = |column: &str| names.iter().position(|n| *n == column);
        let need = |column: &'static str| {
            find(column).ok_or_else(|| LeaseFileError::MissingColumn {
                path: path.to_owned(),
                column,
            })
        };
        Ok(Columns {
            address: need("address")?,
            hwaddr: need("hwaddr")?,
            client_id: need("client_id")?,
            valid_lifetime: need("valid_lifetime")?,
            expire: need("expire")?,
            subnet_id: need("subnet_id")?,
            fqdn_fwd: need("fqdn_fwd")?,
            fqdn_rev: need("fqdn_rev")?,
            hostname: need("hostname")?,
            // Older schemas lack these; the server reads them with defaults.
            state: find("state"),
            user_context: find("user_context"),
            pool_id: find("pool_id"),
        })
    }

    fn parse(&self, row: &str) -> Result<Lease4, String> {
        let fields: Vec<&str> = row.split(',').collect();
        let field = |i: usize| fields.get(i).copied().ok_or(format!("no column {i}"));
        let optional = |i: Option<usize>| i.and_then(|i| fields.get(i).copied()).unwrap_or("");
        let number = |i: usize, what: &str| -> Result<u64, String> {
            let text = field(i)?;
            text.parse()
                .map_err(|_| format!("{what} {text:?} is not a number"))
        };
        let small = |i: usize, what: &str| -> Result<u32, String> {
            u32::try_from(number(i, what)?).map_err(|_| format!("{what} out of range"))
        };
        let flag = |i: usize, what: &str| -> Result<bool, String> {
            match field(i)? {
                "0" | "false" => Ok(false),
                "1" | "true" => Ok(true),
                other => Err(format!("{what} {other:?} is not 0 or 1")),
            }
        };
        let address_text = field(self.address)?;
        Ok(Lease4 {
            address: address_text
                .parse()
                .map_err(|_| format!("address {address_text:?} is not IPv4"))?,
            hwaddr: field(self.hwaddr)?.to_owned(),
            client_id: field(self.client_id)?.to_owned(),
            valid_lifetime: small(self.valid_lifetime, "valid_lifetime")?,
            expire: number(self.expire, "expire")?,
            subnet_id: small(self.subnet_id, "subnet_id")?,
            fqdn_fwd: flag(self.fqdn_fwd, "fqdn_fwd")?,
            fqdn_rev: flag(self.fqdn_rev, "fqdn_rev")?,
            hostname: unescape(field(self.hostname)?),
            state: match self.state {
                Some(i) if !optional(Some(i)).is_empty() => LeaseState::from(small(i, "state")?),
                _ => LeaseState::Default,
            },
            user_context: unescape(optional(self.user_context)),
            pool_id: match self.pool_id {
                Some(i) if !optional(Some(i)).is_empty() => Some(small(i, "pool_id")?),
                _ => None,
            },
        })
    }
}

/// Undoes the server's CSV escaping of commas in text columns.
fn unescape(text: &str) -> String {
    text.replace("&#x2c", ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER_22: &str =
        "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n";
    const HEADER_27: &str = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id\n";

    fn addr(s: &str) -> Ipv4Addr {
        s.parse().expect("test address")
    }

    fn load(text: &str) -> LeaseSet {
        let mut set = LeaseSet::default();
        set.apply(Path::new("mem.csv"), text).expect("valid file");
        set
    }

    // V4-083: last row per address wins (three renewals → one lease with the last expiry).
    #[test]
    fn last_row_per_address_wins() {
        let set = load(&format!(
            "{HEADER_22}10.0.0.1,aa:bb:cc:dd:ee:ff,,4000,100,1,0,0,,0,\n\
             10.0.0.1,aa:bb:cc:dd:ee:ff,,4000,200,1,0,0,,0,\n\
             10.0.0.1,aa:bb:cc:dd:ee:ff,,4000,300,1,0,0,,0,\n"
        ));
        assert_eq!(set.len(), 1);
        assert_eq!(set.get(addr("10.0.0.1")).map(|l| l.expire), Some(300));
    }

    // V4-033: a deletion row (lifetime 0) removes the lease; a released row (state 3) stays.
    #[test]
    fn zero_lifetime_deletes_unless_released() {
        let set = load(&format!(
            "{HEADER_27}10.0.0.1,aa:bb:cc:dd:ee:01,,4000,100,1,0,0,,0,,0\n\
             10.0.0.2,aa:bb:cc:dd:ee:02,,4000,100,1,0,0,,0,,0\n\
             10.0.0.1,aa:bb:cc:dd:ee:01,,0,100,1,0,0,,0,,0\n\
             10.0.0.2,aa:bb:cc:dd:ee:02,,0,100,1,0,0,,3,,0\n"
        ));
        assert!(set.get(addr("10.0.0.1")).is_none());
        let released = set.get(addr("10.0.0.2")).expect("kept for affinity");
        assert_eq!(released.state, LeaseState::Released);
        assert!(set.leased().is_empty());
    }

    // V4-084: 2.2 files without pool_id read with None; 2.7 files carry it; commas unescaped.
    #[test]
    fn both_schemas_and_escapes() {
        let old = load(&format!(
            "{HEADER_22}10.0.0.1,aa:bb:cc:dd:ee:ff,01:aa,4000,100,7,1,1,pc&#x2cone,0,{{ \"a\": 1&#x2c \"b\": 2 }}\n"
        ));
        let lease = old.get(addr("10.0.0.1")).expect("lease");
        assert_eq!(lease.pool_id, None);
        assert_eq!(lease.hostname, "pc,one");
        assert_eq!(lease.user_context, "{ \"a\": 1, \"b\": 2 }");
        assert!(lease.fqdn_fwd && lease.fqdn_rev);
        assert_eq!(lease.subnet_id, 7);
        let new = load(&format!(
            "{HEADER_27}10.0.0.1,aa:bb:cc:dd:ee:ff,,4000,100,1,0,0,,0,,5\n"
        ));
        assert_eq!(new.get(addr("10.0.0.1")).and_then(|l| l.pool_id), Some(5));
    }

    #[test]
    fn torn_last_line_is_skipped_but_bad_rows_fail() {
        let set = load(&format!(
            "{HEADER_22}10.0.0.1,aa:bb:cc:dd:ee:ff,,4000,100,1,0,0,,0,\n10.0.0.2,aa:bb"
        ));
        assert_eq!(set.leased(), BTreeSet::from([addr("10.0.0.1")]));
        assert_eq!(set.torn_rows(), 1);

        let mut set = LeaseSet::default();
        let err = set
            .apply(
                Path::new("bad.csv"),
                &format!("{HEADER_22}10.0.0.1,aa,,soon,100,1,0,0,,0,\n"),
            )
            .expect_err("non-numeric lifetime");
        assert!(err.to_string().contains("bad.csv:2"), "{err}");
        let err = set
            .apply(Path::new("bad.csv"), "address,hwaddr\n")
            .expect_err("short header");
        assert!(matches!(err, LeaseFileError::MissingColumn { .. }), "{err}");
    }

    // V4-085: cleanup files are read before the live file; `.completed` replaces `.2` and `.1`.
    #[test]
    fn cleanup_files_in_server_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let live = dir.path().join("leases4.csv");
        let row = |a: &str, exp: u32| format!("{a},aa:bb:cc:dd:ee:ff,,4000,{exp},1,0,0,,0,\n");
        let write = |suffix: &str, body: String| {
            std::fs::write(with_suffix(&live, suffix), format!("{HEADER_22}{body}")).expect("write")
        };
        write(".2", row("10.0.0.1", 1) + &row("10.0.0.9", 1));
        write(".1", row("10.0.0.1", 2));
        write("", row("10.0.0.2", 3));
        let set = LeaseSet::read(&live).expect("read");
        assert_eq!(set.get(addr("10.0.0.1")).map(|l| l.expire), Some(2));
        assert_eq!(set.len(), 3);

        write(".completed", row("10.0.0.1", 5));
        let set = LeaseSet::read(&live).expect("read");
        assert_eq!(set.get(addr("10.0.0.1")).map(|l| l.expire), Some(5));
        assert!(
            set.get(addr("10.0.0.9")).is_none(),
            ".2 ignored when .completed exists"
        );
    }

    #[test]
    fn missing_file_is_empty() {
        let set = LeaseSet::read(Path::new("/nonexistent/ruru/leases4.csv")).expect("empty");
        assert!(set.is_empty());
    }
}
