//! Reader for Kea's memfile lease files (CSV), DHCPv4 and DHCPv6, the way the server itself
//! loads them.
//!
//! Columns are found by header name, so Kea 2.2 files (no `pool_id`) and 2.7 files read alike
//! (V4-084, V6-102). One generic reader ([`Leases`]) serves both families through [`LeaseRow`]:
//! [`LeaseSet`] holds [`Lease4`] rows, [`LeaseSet6`] holds [`Lease6`] rows (addresses and
//! prefixes, keyed by address as Kea's memfile keys them). Rows are appended, never rewritten: the last row per address wins, and a row with
//! `valid_lifetime` 0 deletes the lease unless it is in state released (V4-083, V4-033). Files
//! left by lease file cleanup are read first, in the server's order: `NAME.completed` if present,
//! else `NAME.2` then `NAME.1`; then `NAME`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, Ipv6Addr};
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

/// What a DHCPv6 lease leases (`lease_type` column, V6-103).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseType6 {
    /// 0: an address of an IA_NA.
    Address,
    /// 1: a temporary address (IA_TA).
    Temporary,
    /// 2: a delegated prefix (IA_PD).
    Prefix,
    /// Any other value, kept as read.
    Other(u32),
}

impl From<u32> for LeaseType6 {
    fn from(v: u32) -> Self {
        match v {
            0 => LeaseType6::Address,
            1 => LeaseType6::Temporary,
            2 => LeaseType6::Prefix,
            other => LeaseType6::Other(other),
        }
    }
}

/// One DHCPv6 lease row: an address (IA_NA) or a delegated prefix (IA_PD).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease6 {
    /// Leased address, or the delegated prefix's first address.
    pub address: Ipv6Addr,
    /// Client DUID, colon hex (`00:00:00` in declined rows).
    pub duid: String,
    /// Valid lifetime in seconds (0 in a deletion row).
    pub valid_lifetime: u32,
    /// Expiry, seconds since the epoch (cltt + valid lifetime).
    pub expire: u64,
    /// Subnet id.
    pub subnet_id: u32,
    /// Preferred lifetime in seconds.
    pub pref_lifetime: u32,
    /// Address or prefix.
    pub lease_type: LeaseType6,
    /// The IAID of the client's IA holding this lease.
    pub iaid: u32,
    /// Prefix length: 128 for addresses, the delegated length for prefixes.
    pub prefix_len: u8,
    /// Forward DNS update flag.
    pub fqdn_fwd: bool,
    /// Reverse DNS update flag.
    pub fqdn_rev: bool,
    /// Client hostname, unescaped.
    pub hostname: String,
    /// Client hardware address, colon hex (may be empty).
    pub hwaddr: String,
    /// Lease state.
    pub state: LeaseState,
    /// User context JSON text, unescaped (may be empty).
    pub user_context: String,
    /// Hardware type of `hwaddr` (`None` when empty or absent).
    pub hwtype: Option<u16>,
    /// Where `hwaddr` came from (V6-087 bit values; `None` when empty or absent).
    pub hwaddr_source: Option<u32>,
    /// Pool id (`None` in files without the column, e.g. Kea 2.2's).
    pub pool_id: Option<u32>,
}

impl Lease6 {
    /// Whether this lease is a delegated prefix.
    pub fn is_prefix(&self) -> bool {
        self.lease_type == LeaseType6::Prefix
    }

    /// Whether this lease is assigned to a client (state default, non-zero lifetime).
    pub fn is_leased(&self) -> bool {
        self.state == LeaseState::Default && self.valid_lifetime > 0
    }
}

/// A row type of a memfile lease file: how it is read and which lease it replaces.
pub trait LeaseRow: Clone + std::fmt::Debug + Sized {
    /// What identifies a lease across rows: the address (or prefix).
    type Key: Ord + Copy + std::fmt::Debug;
    /// Columns every readable file of this family has; the others may be absent (older schemas).
    const REQUIRED: &'static [&'static str];
    /// Parses one row whose columns are found through `row`.
    fn parse(row: &Row<'_>) -> Result<Self, String>;
    /// The lease this row is about.
    fn key(&self) -> Self::Key;
    /// Valid lifetime (0 in a deletion row).
    fn valid_lifetime(&self) -> u32;
    /// Lease state.
    fn state(&self) -> LeaseState;
}

impl LeaseRow for Lease4 {
    type Key = Ipv4Addr;
    const REQUIRED: &'static [&'static str] = &[
        "address",
        "hwaddr",
        "client_id",
        "valid_lifetime",
        "expire",
        "subnet_id",
        "fqdn_fwd",
        "fqdn_rev",
        "hostname",
    ];

    fn parse(row: &Row<'_>) -> Result<Self, String> {
        Ok(Lease4 {
            address: row.parse("address", "IPv4 address")?,
            hwaddr: row.text("hwaddr")?.to_owned(),
            client_id: row.text("client_id")?.to_owned(),
            valid_lifetime: row.number("valid_lifetime")?,
            expire: row.number("expire")?,
            subnet_id: row.number("subnet_id")?,
            fqdn_fwd: row.flag("fqdn_fwd")?,
            fqdn_rev: row.flag("fqdn_rev")?,
            hostname: unescape(row.text("hostname")?),
            state: row.state()?,
            user_context: unescape(row.optional("user_context")),
            pool_id: row.optional_number("pool_id")?,
        })
    }

    fn key(&self) -> Ipv4Addr {
        self.address
    }

    fn valid_lifetime(&self) -> u32 {
        self.valid_lifetime
    }

    fn state(&self) -> LeaseState {
        self.state
    }
}

impl LeaseRow for Lease6 {
    type Key = Ipv6Addr;
    const REQUIRED: &'static [&'static str] = &[
        "address",
        "duid",
        "valid_lifetime",
        "expire",
        "subnet_id",
        "pref_lifetime",
        "lease_type",
        "iaid",
        "prefix_len",
        "fqdn_fwd",
        "fqdn_rev",
        "hostname",
    ];

    fn parse(row: &Row<'_>) -> Result<Self, String> {
        Ok(Lease6 {
            address: row.parse("address", "IPv6 address")?,
            duid: row.text("duid")?.to_owned(),
            valid_lifetime: row.number("valid_lifetime")?,
            expire: row.number("expire")?,
            subnet_id: row.number("subnet_id")?,
            pref_lifetime: row.number("pref_lifetime")?,
            lease_type: LeaseType6::from(row.number::<u32>("lease_type")?),
            iaid: row.number("iaid")?,
            prefix_len: row.number("prefix_len")?,
            fqdn_fwd: row.flag("fqdn_fwd")?,
            fqdn_rev: row.flag("fqdn_rev")?,
            hostname: unescape(row.text("hostname")?),
            hwaddr: row.optional("hwaddr").to_owned(),
            state: row.state()?,
            user_context: unescape(row.optional("user_context")),
            hwtype: row.optional_number("hwtype")?,
            hwaddr_source: row.optional_number("hwaddr_source")?,
            pool_id: row.optional_number("pool_id")?,
        })
    }

    fn key(&self) -> Ipv6Addr {
        self.address
    }

    fn valid_lifetime(&self) -> u32 {
        self.valid_lifetime
    }

    fn state(&self) -> LeaseState {
        self.state
    }
}

/// The leases a server would load from its lease file: the last row per address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leases<L: LeaseRow> {
    leases: BTreeMap<L::Key, L>,
    torn_rows: usize,
}

/// The DHCPv4 leases of a `leases4.csv`.
pub type LeaseSet = Leases<Lease4>;

/// The DHCPv6 leases (addresses and prefixes) of a `leases6.csv`.
pub type LeaseSet6 = Leases<Lease6>;

impl<L: LeaseRow> Default for Leases<L> {
    fn default() -> Self {
        Leases {
            leases: BTreeMap::new(),
            torn_rows: 0,
        }
    }
}

impl<L: LeaseRow> Leases<L> {
    /// Reads the lease file `path` and its cleanup companions; missing files count as empty.
    pub fn read(path: &Path) -> Result<Self, LeaseFileError> {
        let mut set = Self::default();
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
        let header = Header::new(path, header.trim_end(), L::REQUIRED)?;
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
            let lease = L::parse(&Row {
                header: &header,
                fields: row.split(',').collect(),
            })
            .map_err(|reason| LeaseFileError::Row {
                path: path.to_owned(),
                line: index + 1,
                reason,
            })?;
            if lease.valid_lifetime() == 0 && lease.state() != LeaseState::Released {
                self.leases.remove(&lease.key());
            } else {
                self.leases.insert(lease.key(), lease);
            }
        }
        Ok(())
    }

    /// The lease of `address` (for DHCPv6 also a prefix's first address), in whatever state.
    pub fn get(&self, address: L::Key) -> Option<&L> {
        self.leases.get(&address)
    }

    /// Every lease, in address order.
    pub fn iter(&self) -> impl Iterator<Item = &L> {
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

    /// Addresses (and prefixes) currently assigned to a client (state default, non-zero
    /// lifetime).
    pub fn leased(&self) -> BTreeSet<L::Key> {
        self.leases
            .values()
            .filter(|l| l.state() == LeaseState::Default && l.valid_lifetime() > 0)
            .map(L::key)
            .collect()
    }

    /// Incomplete last lines skipped (at most one per file).
    pub fn torn_rows(&self) -> usize {
        self.torn_rows
    }
}

impl Leases<Lease6> {
    /// Assigned leases of one type (addresses or delegated prefixes), in address order.
    pub fn leased_of(&self, lease_type: LeaseType6) -> Vec<&Lease6> {
        self.iter()
            .filter(|l| l.lease_type == lease_type && l.is_leased())
            .collect()
    }

    /// Every lease (any state) of the client with this DUID (colon hex, case-insensitive).
    pub fn of_duid(&self, duid: &str) -> Vec<&Lease6> {
        self.iter()
            .filter(|l| l.duid.eq_ignore_ascii_case(duid))
            .collect()
    }
}

/// `NAME` + suffix, the naming of lease file cleanup (`leases4.csv.2`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Column positions from a header line, checked once per file against a family's required
/// columns; rows then look their fields up by name.
#[derive(Debug)]
pub struct Header {
    names: Vec<String>,
}

impl Header {
    fn new(path: &Path, header: &str, required: &[&'static str]) -> Result<Header, LeaseFileError> {
        let names: Vec<String> = header.split(',').map(|n| n.trim().to_owned()).collect();
        if let Some(column) = required.iter().find(|c| !names.iter().any(|n| n == *c)) {
            return Err(LeaseFileError::MissingColumn {
                path: path.to_owned(),
                column,
            });
        }
        Ok(Header { names })
    }

    fn position(&self, column: &str) -> Option<usize> {
        self.names.iter().position(|n| n == column)
    }
}

/// One row of a lease file, its fields found by column name.
#[derive(Debug)]
pub struct Row<'a> {
    header: &'a Header,
    fields: Vec<&'a str>,
}

impl Row<'_> {
    /// A column's raw text; an error when the header or the row lacks it.
    pub fn text(&self, column: &str) -> Result<&str, String> {
        let i = self
            .header
            .position(column)
            .ok_or_else(|| format!("no column {column}"))?;
        self.fields
            .get(i)
            .copied()
            .ok_or_else(|| format!("row ends before column {column}"))
    }

    /// A column that older schemas lack: empty when absent.
    pub fn optional(&self, column: &str) -> &str {
        self.header
            .position(column)
            .and_then(|i| self.fields.get(i).copied())
            .unwrap_or("")
    }

    /// A column parsed with `FromStr`, `what` naming the expected kind in errors.
    pub fn parse<T: std::str::FromStr>(&self, column: &str, what: &str) -> Result<T, String> {
        let text = self.text(column)?;
        text.parse()
            .map_err(|_| format!("{column} {text:?} is not an {what}"))
    }

    /// A numeric column (unsigned, in range of `T`).
    pub fn number<T: std::str::FromStr>(&self, column: &str) -> Result<T, String> {
        let text = self.text(column)?;
        text.parse()
            .map_err(|_| format!("{column} {text:?} is not a number in range"))
    }

    /// A numeric column that may be absent or empty.
    pub fn optional_number<T: std::str::FromStr>(&self, column: &str) -> Result<Option<T>, String> {
        match self.optional(column) {
            "" => Ok(None),
            text => text
                .parse()
                .map(Some)
                .map_err(|_| format!("{column} {text:?} is not a number in range")),
        }
    }

    /// A 0/1 (or false/true) column.
    pub fn flag(&self, column: &str) -> Result<bool, String> {
        match self.text(column)? {
            "0" | "false" => Ok(false),
            "1" | "true" => Ok(true),
            other => Err(format!("{column} {other:?} is not 0 or 1")),
        }
    }

    /// The `state` column; default when absent or empty.
    pub fn state(&self) -> Result<LeaseState, String> {
        Ok(self
            .optional_number::<u32>("state")?
            .map_or(LeaseState::Default, LeaseState::from))
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

    const HEADER6_22: &str = "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source\n";
    const HEADER6_27: &str = "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source,pool_id\n";

    fn load6(text: &str) -> LeaseSet6 {
        let mut set = LeaseSet6::default();
        set.apply(Path::new("mem6.csv"), text)
            .expect("valid v6 file");
        set
    }

    fn addr6(s: &str) -> Ipv6Addr {
        s.parse().expect("test address")
    }

    // V6-102, V6-103: rows as Kea 2.2 writes them (address and prefix), read by column name.
    #[test]
    fn v6_rows_of_kea_22() {
        let set = load6(&format!(
            "{HEADER6_22}2001:db8:1::743,00:01:00:01:32:97:3b:08:d2:d8:b7:78:2a:b8,4000,1795460649,1,3000,0,3078105784,128,0,0,,d2:d8:b7:78:2a:b8,0,,1,2\n\
             2001:db8:8800:63::,00:03:00:01:d2:d8:b7:78:2a:b8,4000,1795460657,1,3000,2,3078105784,64,0,0,host&#x2cname,,0,,,\n"
        ));
        assert_eq!(set.len(), 2);
        let na = set.get(addr6("2001:db8:1::743")).expect("address lease");
        assert_eq!(na.lease_type, LeaseType6::Address);
        assert_eq!(na.duid, "00:01:00:01:32:97:3b:08:d2:d8:b7:78:2a:b8");
        assert_eq!((na.valid_lifetime, na.pref_lifetime), (4000, 3000));
        assert_eq!(
            (na.iaid, na.prefix_len, na.subnet_id),
            (0xb778_2ab8, 128, 1)
        );
        assert_eq!(
            (na.hwtype, na.hwaddr_source, na.pool_id),
            (Some(1), Some(2), None)
        );
        let pd = set.get(addr6("2001:db8:8800:63::")).expect("prefix lease");
        assert!(pd.is_prefix() && pd.is_leased());
        assert_eq!(pd.prefix_len, 64);
        assert_eq!(pd.hostname, "host,name");
        assert_eq!((pd.hwaddr.as_str(), pd.hwtype), ("", None));
        assert_eq!(set.leased_of(LeaseType6::Prefix).len(), 1);
        assert_eq!(
            set.of_duid("00:03:00:01:D2:D8:B7:78:2A:B8").len(),
            1,
            "DUIDs compare case-insensitively"
        );
    }

    // V6-040, V6-101: the deletion row Kea writes on RELEASE (both lifetimes 0) removes the
    // lease; a released row (state 3) with affinity stays; 2.7 files carry pool_id.
    #[test]
    fn v6_deletion_and_released_rows() {
        let set = load6(&format!(
            "{HEADER6_27}2001:db8:1::1,00:03:00:01:02:00:00:00:00:01,4000,100,1,3000,0,1,128,0,0,,,0,,,,7\n\
             2001:db8:1::2,00:03:00:01:02:00:00:00:00:02,4000,100,1,3000,0,1,128,0,0,,,0,,,,7\n\
             2001:db8:1::1,00:03:00:01:02:00:00:00:00:01,0,100,1,0,0,1,128,0,0,,,0,,,,7\n\
             2001:db8:1::2,00:03:00:01:02:00:00:00:00:02,0,100,1,0,0,1,128,0,0,,,3,,,,7\n"
        ));
        assert!(set.get(addr6("2001:db8:1::1")).is_none());
        let released = set.get(addr6("2001:db8:1::2")).expect("kept for affinity");
        assert_eq!(released.state, LeaseState::Released);
        assert_eq!(released.pool_id, Some(7));
        assert!(set.leased().is_empty());
    }

    #[test]
    fn v6_reader_refuses_v4_files_and_bad_rows() {
        let mut set = LeaseSet6::default();
        let err = set
            .apply(Path::new("four.csv"), HEADER_27)
            .expect_err("a v4 header");
        assert!(matches!(err, LeaseFileError::MissingColumn { .. }), "{err}");
        let err = set
            .apply(
                Path::new("six.csv"),
                &format!("{HEADER6_22}10.0.0.1,00:01,4000,1,1,3000,0,1,128,0,0,,,0,,,\n"),
            )
            .expect_err("a v4 address");
        assert!(err.to_string().contains("six.csv:2"), "{err}");
    }

    #[test]
    fn missing_file_is_empty() {
        let set = LeaseSet::read(Path::new("/nonexistent/ruru/leases4.csv")).expect("empty");
        assert!(set.is_empty());
    }
}
