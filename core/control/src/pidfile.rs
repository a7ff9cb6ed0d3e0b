//! A daemon's PID file (CTL-081): `<dir>/<config name without extension>.<daemon>.pid`, where `dir`
//! is `KEA_PIDFILE_DIR` or Kea's `/run/kea`, so service managers, Stork and `ruru-keactrl` find Ruru's
//! servers and agent where they find Kea's. A file naming another live instance of the same
//! configuration stops the start.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Kea's run-state directory on Debian.
const DEFAULT_DIR: &str = "/run/kea";

/// A claimed PID file, removed on drop (orderly exit).
#[derive(Debug)]
pub struct PidFile(PathBuf);

/// Why a PID file was not claimed.
#[derive(Debug, thiserror::Error)]
pub enum PidFileError {
    /// Another live process started with the same configuration holds it: do not start.
    #[error("{daemon} already running with {config} (PID {pid}, {file})")]
    Running {
        /// `kea-dhcp4`, ...
        daemon: String,
        /// The configuration file.
        config: PathBuf,
        /// The holder.
        pid: i32,
        /// The PID file.
        file: PathBuf,
    },
    /// The file cannot be written (e.g. an unprivileged trial run): a warning, not a reason to
    /// refuse service.
    #[error("cannot write the PID file {file}: {source}")]
    Write {
        /// The PID file.
        file: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

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

/// Claims the PID file of `daemon` (`kea-dhcp4`, `kea-ctrl-agent`) started with `config`.
pub fn claim(config: &Path, daemon: &str) -> Result<PidFile, PidFileError> {
    let path = path_for(config, daemon);
    if let Some(pid) = holder(&path, config) {
        return Err(PidFileError::Running {
            daemon: daemon.to_owned(),
            config: config.to_path_buf(),
            pid,
            file: path,
        });
    }
    match std::fs::write(&path, format!("{}\n", std::process::id())) {
        Ok(()) => Ok(PidFile(path)),
        Err(source) => Err(PidFileError::Write { file: path, source }),
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
