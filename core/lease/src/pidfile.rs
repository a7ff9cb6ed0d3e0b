//! The cleanup process's PID file: how the server and a second cleanup learn that one is running.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::StoreError;

/// The process named in `pid_file`, if it is alive and is a cleanup process for this file.
///
/// A PID file left by a crashed cleanup may name a number since reused by an unrelated process, so
/// when `/proc` can tell, the process must also have the PID file on its command line (as `kea-lfc`
/// and `ruru-lfc` do, through `-p`). Our own PID never counts.
pub(crate) fn running_pid(pid_file: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(pid_file).ok()?;
    let pid: i32 = text.trim().parse().ok()?;
    if pid <= 0 || u32::try_from(pid).ok()? == std::process::id() {
        return None;
    }
    // SAFETY: kill with signal 0 sends nothing; it only checks that the process exists.
    let alive = unsafe { libc::kill(pid, 0) } == 0
        || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    if !alive {
        return None;
    }
    match std::fs::read(format!("/proc/{pid}/cmdline")) {
        Ok(cmdline) => {
            let name = pid_file.file_name()?.as_encoded_bytes();
            let names_it = cmdline.split(|&b| b == 0).any(|arg| {
                Path::new(OsStr::from_bytes(arg))
                    .file_name()
                    .is_some_and(|n| n.as_encoded_bytes() == name)
            });
            names_it.then_some(pid)
        }
        // No /proc: trust the PID.
        Err(_) => Some(pid),
    }
}

/// Writes this process's PID to `pid_file`; the returned guard removes the file when dropped.
pub(crate) fn claim(pid_file: &Path) -> Result<PidGuard<'_>, StoreError> {
    std::fs::write(pid_file, format!("{}\n", std::process::id()))
        .map_err(|e| StoreError::io(pid_file, e))?;
    Ok(PidGuard(pid_file))
}

/// Removes the PID file on drop.
pub(crate) struct PidGuard<'a>(&'a Path);

impl Drop for PidGuard<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.0);
    }
}
