//! Writing a store's whole lease set to a lease file (`lease4-write`, `lease6-write`; LC-142, LC-143),
//! for any family: what Kea's memfile `writeLeases4`/`writeLeases6` do.

use std::path::{Path, PathBuf};

use crate::csv::{header_line, Codec};
use crate::persist::Persistence;
use crate::StoreError;

/// The rows of every lease in `leases`, as a lease file holds them.
pub(crate) fn encode_all<'a, C: Codec>(leases: impl Iterator<Item = &'a C::Lease>) -> Vec<u8>
where
    C::Lease: 'a,
{
    let mut rows = Vec::new();
    for lease in leases {
        C::encode(lease, false, &mut rows);
    }
    rows
}

/// Writes a lease file of codec `C` at `path`, as Kea does: a file already there is first renamed
/// `<path>.bak<pid>`; when `path` is the live lease file of `files`, the store goes on appending to
/// the new one, so file and memory agree again (the recovery the command is for).
///
/// `snapshot` runs under the store's lock and returns the rows of every lease ([`encode_all`]). For
/// the live file it is given the journal's pending buffer, into which it moves the rows the store has
/// buffered but not written: they go to the old file, and the new one starts from the snapshot, so no
/// change is lost or written twice. For another file it is given `None` and the buffered rows stay
/// for the next flush.
pub(crate) fn write_leases<C: Codec>(
    files: Option<&Persistence>,
    path: &Path,
    snapshot: impl FnOnce(Option<&mut Vec<u8>>) -> Vec<u8>,
) -> Result<(), StoreError> {
    let mut backup = path.as_os_str().to_owned();
    backup.push(format!(".bak{}", std::process::id()));
    let backup = PathBuf::from(backup);
    if let Some(files) = files.filter(|f| same_file(f.live_file(), path)) {
        return files.rewrite(&backup, |pending| snapshot(Some(pending)));
    }
    let mut contents = header_line::<C>().into_bytes();
    contents.push(b'\n');
    contents.extend(snapshot(None));
    let io = |e| StoreError::io(path, e);
    if path.exists() {
        std::fs::rename(path, &backup).map_err(io)?;
    }
    std::fs::write(path, contents).map_err(io)
}

/// Whether `a` and `b` name the same file: by their canonical forms when both exist.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
