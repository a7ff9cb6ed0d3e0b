//! The server's PID file (CTL-081): `<dir>/<config name without extension>.<daemon>.pid`, where `dir`
//! is `KEA_PIDFILE_DIR` or Kea's `/run/kea`, so service managers and Stork find Ruru where they find
//! Kea. A file naming another live instance of the same configuration stops the start.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Kea's run-state directory on Debian.
const DEFAULT_DIR: &str = "/run/kea";

/// A claimed PID file, removed on drop (orderly exit).
#[derive(Debug)]
pub(crate) struct PidFile(PathBuf);

impl Drop for PidFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Where `daemon` (`kea-dhcp4`) started with `config` keeps its PID.
fn path_for(config: &Path, daemon: &str) -> PathBuf {
    let dir = std::env::var_os("KEA_PIDFILE_DIR")
        .map_or_else(|| PathBuf::from(DEFAULT_DIR), PathBuf::from);
    let stem = config
        .file_stem()
        .map_or_else(|| "config".into(), |s| s.to_string_lossy());
    dir.join(format!("{stem}.{daemon}.pid"))
}

/// Claims the PID file. `Err` when another live process started with the same configuration holds
/// it; `Ok(None)` when the directory is not writable (e.g. an unprivileged trial run): a warning,
/// not a reason to refuse service.
pub(crate) fn claim(config: &Path, daemon: &str) -> Result<Option<PidFile>, String> {
    let path = path_for(config, daemon);
    if let Some(pid) = holder(&path, config) {
        return Err(format!(
            "{daemon} already running with {} (PID {pid}, {})",
            config.display(),
            path.display()
        ));
    }
    match std::fs::write(&path, format!("{}\n", std::process::id())) {
        Ok(()) => Ok(Some(PidFile(path))),
        Err(e) => {
            tracing::warn!(target: "kea-dhcp4.dhcp4", file = %path.display(), "cannot write the PID file: {e}");
            Ok(None)
        }
    }
}

/// The live process named in `path`, if it was started with a configuration of the same file name
/// (a stale file may name a PID since reused by an unrelated process).
fn holder(path: &Path, config: &Path) -> Option<i32> {
    let pid: i32 = std::fs::read_to_string(path).ok()?.trim().parse().ok()?;
    if pid <= 0 || u32::try_from(pid).ok()? == std::process::id() {
        return None;
    }
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let name = config.file_name()?.as_bytes();
    cmdline
        .split(|&b| b == 0)
        .any(|arg| {
            Path::new(OsStr::from_bytes(arg))
                .file_name()
                .is_some_and(|n| n.as_bytes() == name)
        })
        .then_some(pid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_follows_kea() {
        std::env::set_var("KEA_PIDFILE_DIR", "/x");
        assert_eq!(
            path_for(Path::new("/etc/kea/kea-dhcp4.conf"), "kea-dhcp4"),
            PathBuf::from("/x/kea-dhcp4.kea-dhcp4.pid")
        );
    }

    #[test]
    fn a_stale_file_is_not_a_holder() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.kea-dhcp4.pid");
        std::fs::write(&p, "999999999\n").unwrap();
        assert_eq!(holder(&p, Path::new("c.json")), None);
        std::fs::write(&p, format!("{}\n", std::process::id())).unwrap();
        assert_eq!(
            holder(&p, Path::new("c.json")),
            None,
            "our own PID never counts"
        );
    }
}
