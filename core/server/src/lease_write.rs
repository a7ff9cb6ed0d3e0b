//! Where `lease4-write` and `lease6-write` may write (LC-144, Kea 2.6.3+'s path rule), for both
//! families' plugin lease services.

use ruru_hooks::AdminError;
use ruru_lease::StoreError;
use std::path::{Path, PathBuf};

/// Where the commands may write when `KEA_DHCP_DATA_DIRECTORY` is not set: the directory of Kea's
/// default lease files, which Ruru also uses.
const DEFAULT_DATA_DIR: &str = "/var/lib/kea";

/// Writes the store's leases to the file `filename` names, through `write` (the family's memfile
/// `write_leases`), if the path rule allows it; the path written. `live` is the store's lease file.
pub(crate) fn write_lease_file(
    filename: &str,
    live: Option<&Path>,
    write: impl FnOnce(&Path) -> Result<(), StoreError>,
) -> Result<PathBuf, AdminError> {
    let data_dir = std::env::var_os("KEA_DHCP_DATA_DIRECTORY")
        .filter(|d| !d.is_empty())
        .map_or_else(|| PathBuf::from(DEFAULT_DATA_DIR), PathBuf::from);
    let path = write_target(filename, &data_dir, live).map_err(AdminError::Invalid)?;
    write(&path).map_err(|e| AdminError::Backend(e.to_string()))?;
    Ok(path)
}

/// The file `lease4-write`/`lease6-write` writes for `filename` (LC-144, Kea's path rule): a bare name goes to
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
