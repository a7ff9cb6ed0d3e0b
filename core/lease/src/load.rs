//! Reading and writing whole lease files, for any lease family.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::csv::{header_line, Codec, ColumnMap};
use crate::StoreError;

/// The live leases of one family while files are merged: the last row per key wins and a deletion
/// row removes the key.
pub(crate) struct LeaseSet<C: Codec> {
    pub(crate) leases: BTreeMap<C::Key, C::Lease>,
}

impl<C: Codec> LeaseSet<C> {
    pub(crate) fn new() -> Self {
        Self {
            leases: BTreeMap::new(),
        }
    }

    /// Applies one row.
    pub(crate) fn apply(&mut self, lease: C::Lease) {
        if C::is_deletion(&lease) {
            self.leases.remove(&C::key(&lease));
        } else {
            self.leases.insert(C::key(&lease), lease);
        }
    }
}

/// Counts invalid rows over several files against `max-row-errors`.
pub(crate) struct RowErrors {
    pub(crate) count: u64,
    /// 0 = no limit.
    pub(crate) max: u32,
}

/// What reading one file found.
#[derive(Debug, Default)]
pub(crate) struct FileScan {
    /// Rows read, valid or not.
    pub(crate) rows: u64,
    /// The file has a header line (it is not empty).
    pub(crate) has_header: bool,
    /// The header is exactly the one this version writes (so rows can be appended as they are).
    /// False for an empty file.
    pub(crate) header_current: bool,
}

/// Reads `path` row by row, passing each valid row to `each`. Returns `None` when the file does
/// not exist. Invalid rows are logged, counted in `errors` and skipped; an unreadable header, or
/// passing the error limit, fails.
pub(crate) fn read_file<C: Codec>(
    path: &Path,
    errors: &mut RowErrors,
    mut each: impl FnMut(C::Lease),
) -> Result<Option<FileScan>, StoreError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::io(path, e)),
    };
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut buf = Vec::with_capacity(512);
    let mut scan = FileScan::default();
    let mut map: Option<ColumnMap> = None;
    let mut line_no = 0u64;
    loop {
        buf.clear();
        if reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| StoreError::io(path, e))?
            == 0
        {
            break;
        }
        line_no += 1;
        let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let Some(map) = &map else {
            let corrupt = |reason: String| StoreError::Corrupt {
                path: path.to_owned(),
                line: line_no,
                reason,
            };
            let header =
                std::str::from_utf8(line).map_err(|_| corrupt("header is not UTF-8".into()))?;
            let m = ColumnMap::new::<C>(header).map_err(corrupt)?;
            scan.has_header = true;
            scan.header_current = m.is_current();
            map = Some(m);
            continue;
        };
        if line.is_empty() {
            continue;
        }
        scan.rows += 1;
        let parsed = std::str::from_utf8(line)
            .map_err(|_| "row is not UTF-8".to_owned())
            .and_then(|text| C::decode(&map.row::<C>(text)?));
        match parsed {
            Ok(lease) => each(lease),
            Err(reason) => {
                tracing::warn!(id = "DHCPSRV_MEMFILE_LEASE_LOAD_ROW_ERROR", file = %path.display(), line = line_no, %reason, "discarding invalid lease file row");
                errors.count += 1;
                if errors.max > 0 && errors.count > u64::from(errors.max) {
                    return Err(StoreError::TooManyRowErrors {
                        path: path.to_owned(),
                        errors: errors.count,
                        max: errors.max,
                    });
                }
            }
        }
    }
    Ok(Some(scan))
}

/// Writes a complete lease file (header, then one row per lease) to `path`, replacing it, and
/// syncs it so a following rename publishes complete contents.
pub(crate) fn write_file<'a, C: Codec>(
    path: &Path,
    leases: impl IntoIterator<Item = &'a C::Lease>,
) -> Result<usize, StoreError>
where
    C::Lease: 'a,
{
    let io = |e| StoreError::io(path, e);
    let file = File::create(path).map_err(io)?;
    let mut out = BufWriter::with_capacity(1 << 16, file);
    let mut row = Vec::with_capacity(512);
    row.extend_from_slice(header_line::<C>().as_bytes());
    row.push(b'\n');
    out.write_all(&row).map_err(io)?;
    let mut n = 0;
    for lease in leases {
        row.clear();
        C::encode(lease, false, &mut row);
        out.write_all(&row).map_err(io)?;
        n += 1;
    }
    let file = out.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    Ok(n)
}

/// Rewrites `path` in the current layout, row for row (deletion rows included), when its header is
/// an older or newer version's (CTL-088): rows can then be appended to it. Goes through a
/// temporary file and a rename, so a crash leaves either file whole.
pub(crate) fn upgrade_file<C: Codec>(path: &Path) -> Result<(), StoreError> {
    let mut rows = Vec::new();
    let mut errors = RowErrors { count: 0, max: 0 };
    read_file::<C>(path, &mut errors, |lease| rows.push(lease))?;
    let tmp = suffixed(path, ".upgrade");
    write_file::<C>(&tmp, &rows)?;
    std::fs::rename(&tmp, path).map_err(|e| StoreError::io(path, e))
}

/// `path` with `suffix` appended to its file name (`leases4.csv` -> `leases4.csv.2`), as Kea
/// names the cleanup files.
pub(crate) fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}
