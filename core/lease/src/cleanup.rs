//! Lease file cleanup (LFC), the work of `ruru-lfc` (V4-085, V6-104, CTL-091), the same for both
//! families but for the row codec.
//!
//! The server moves its live file aside (to *input*, `name.1`) and starts the cleanup, which merges
//! *previous* (`name.2`, the result of the last run) and *input* into one row per lease, dropping
//! deleted leases, writes that to *output*, renames it to *finish* (`name.completed`), then deletes
//! *previous* and *input* and renames *finish* to *previous*. Each step is a rename or a removal, so
//! whenever the process dies the server still finds every lease: *finish* if it exists (it holds
//! everything), else *previous* then *input*.

use std::path::{Path, PathBuf};

use crate::codec4::Codec4;
use crate::codec6::Codec6;
use crate::csv::Codec;
use crate::load::{read_file, suffixed, write_file, LeaseSet, RowErrors};
use crate::{pidfile, StoreError};

/// The files of one cleanup, as `kea-lfc` takes them on its command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CleanupFiles {
    /// `-x`: the result of the previous cleanup (`name.2`).
    pub previous: PathBuf,
    /// `-i`: the lease file the server moved aside (`name.1`).
    pub input: PathBuf,
    /// `-o`: where the merge is written (`name.output`).
    pub output: PathBuf,
    /// `-f`: the finished merge, until it replaces *previous* (`name.completed`).
    pub finish: PathBuf,
    /// `-p`: the PID file (`name.pid`).
    pub pid: PathBuf,
}

impl CleanupFiles {
    /// The files Kea derives from lease file `name`.
    pub fn for_lease_file(name: &Path) -> Self {
        Self {
            previous: suffixed(name, ".2"),
            input: suffixed(name, ".1"),
            output: suffixed(name, ".output"),
            finish: suffixed(name, ".completed"),
            pid: suffixed(name, ".pid"),
        }
    }

    /// The cleanup process named in the PID file, if one is running.
    pub fn running_pid(&self) -> Option<i32> {
        pidfile::running_pid(&self.pid)
    }
}

/// What a cleanup run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CleanupOutcome {
    /// Another cleanup (this PID) is running; nothing was touched.
    AlreadyRunning {
        /// The running process.
        pid: i32,
    },
    /// The files were merged (unless a finished merge was waiting) and rotated.
    Done {
        /// Leases written, when a merge was done.
        merged: Option<usize>,
        /// Invalid rows skipped while merging.
        row_errors: u64,
    },
}

/// Runs one cleanup of DHCPv4 lease files.
pub fn cleanup4(files: &CleanupFiles) -> Result<CleanupOutcome, StoreError> {
    cleanup::<Codec4>(files)
}

/// Runs one cleanup of DHCPv6 lease files (V6-104).
pub fn cleanup6(files: &CleanupFiles) -> Result<CleanupOutcome, StoreError> {
    cleanup::<Codec6>(files)
}

fn cleanup<C: Codec>(files: &CleanupFiles) -> Result<CleanupOutcome, StoreError> {
    if let Some(pid) = files.running_pid() {
        return Ok(CleanupOutcome::AlreadyRunning { pid });
    }
    let _pid = pidfile::claim(&files.pid)?;
    let mut errors = RowErrors { count: 0, max: 0 };
    let merged = if files.finish.exists() {
        // An earlier run finished its merge but not the rotation.
        None
    } else {
        let mut set = LeaseSet::<C>::new();
        read_file::<C>(&files.previous, &mut errors, |l| set.apply(l))?;
        read_file::<C>(&files.input, &mut errors, |l| set.apply(l))?;
        let n = write_file::<C>(&files.output, set.leases.values())?;
        rename(&files.output, &files.finish)?;
        Some(n)
    };
    remove(&files.previous)?;
    remove(&files.input)?;
    rename(&files.finish, &files.previous)?;
    Ok(CleanupOutcome::Done {
        merged,
        row_errors: errors.count,
    })
}

fn rename(from: &Path, to: &Path) -> Result<(), StoreError> {
    std::fs::rename(from, to).map_err(|e| StoreError::io(from, e))
}

fn remove(path: &Path) -> Result<(), StoreError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StoreError::io(path, e)),
        _ => Ok(()),
    }
}
