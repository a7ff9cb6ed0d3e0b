//! A log file with Kea's rotation (CTL-104, CTL-105): past `maxsize` the file becomes `<file>.1`,
//! older copies move up to `.maxver` and the oldest falls off.
//!
//! Several processes may write one file (Kea's servers often share one). Each write therefore
//! happens under an exclusive flock(2) on a lock file shared by all of them (CTL-110), and under
//! that lock the writer first checks that its descriptor is still the file at the path: if another
//! process rotated it, the writer reopens before measuring and writing, so no process rotates a
//! file that was already rotated or writes into a renamed one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

/// Below this `maxsize` Kea does not rotate (CTL-104).
const MIN_ROTATED_SIZE: u64 = 204_800;

/// With `flush` off, lines are written in chunks of about this size.
const BUFFERED: usize = 8192;

/// The lock file name under `KEA_LOCKFILE_DIR`, as Kea names it.
pub(crate) const LOCK_FILE: &str = "logger_lockfile";

/// When to rotate and how many old files to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rotation {
    maxsize: u64,
    maxver: u32,
}

impl Rotation {
    /// Kea's reading of `maxsize`/`maxver`: no rotation below 204800 bytes, at least one old file.
    pub(crate) fn new(maxsize: u64, maxver: u32) -> Option<Rotation> {
        (maxsize >= MIN_ROTATED_SIZE).then_some(Rotation {
            maxsize,
            maxver: maxver.max(1),
        })
    }
}

/// The inter-process lock serialising writes and rotations (CTL-105, CTL-110).
#[derive(Debug)]
pub(crate) struct LockFile(File);

impl LockFile {
    /// Opens (creating) `<dir>/logger_lockfile`.
    pub(crate) fn open(dir: &Path) -> io::Result<LockFile> {
        let path = dir.join(LOCK_FILE);
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map(LockFile)
    }

    fn hold(&self) -> Held<'_> {
        // SAFETY: flock on a descriptor this struct owns. A failure (EINTR) leaves the write
        // unguarded, which is what running without a lock file does anyway.
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_EX) };
        Held(self)
    }
}

/// Releases the lock when dropped.
struct Held<'a>(&'a LockFile);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        // SAFETY: as in `hold`.
        unsafe { libc::flock(self.0 .0.as_raw_fd(), libc::LOCK_UN) };
    }
}

/// One open log file.
#[derive(Debug)]
pub(crate) struct FileSink {
    path: PathBuf,
    file: File,
    rotation: Option<Rotation>,
    lock: Option<std::sync::Arc<LockFile>>,
    /// Lines not yet written (only with `flush` off).
    pending: Vec<u8>,
}

impl FileSink {
    /// Opens `path` for appending.
    pub(crate) fn open(
        path: &Path,
        rotation: Option<Rotation>,
        lock: Option<std::sync::Arc<LockFile>>,
    ) -> io::Result<FileSink> {
        Ok(FileSink {
            path: path.to_owned(),
            file: append(path)?,
            rotation,
            lock,
            pending: Vec::new(),
        })
    }

    /// Adds one line; writes it now with `flush`, else once enough lines are pending.
    pub(crate) fn write(&mut self, line: &[u8], flush: bool) -> io::Result<()> {
        self.pending.extend_from_slice(line);
        if flush || self.pending.len() >= BUFFERED {
            self.drain()
        } else {
            Ok(())
        }
    }

    /// Writes whatever is pending, rotating first if it would take the file past `maxsize`.
    pub(crate) fn drain(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let lock = self.lock.clone();
        let _held = lock.as_deref().map(LockFile::hold);
        if let Some(rotation) = self.rotation {
            self.follow()?;
            let size = self.file.metadata()?.len();
            if size > 0 && size + self.pending.len() as u64 > rotation.maxsize {
                self.rotate(rotation)?;
            }
        }
        let written = self.file.write_all(&self.pending);
        self.pending.clear();
        written
    }

    /// Reopens the path if the open descriptor is no longer the file there (rotated elsewhere).
    fn follow(&mut self) -> io::Result<()> {
        let open = self.file.metadata()?;
        let same = match fs::metadata(&self.path) {
            Ok(at_path) => at_path.dev() == open.dev() && at_path.ino() == open.ino(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(e),
        };
        if !same {
            self.file = append(&self.path)?;
        }
        Ok(())
    }

    /// `.maxver-1` → `.maxver` (replacing the oldest) … `.1` → `.2`, the file → `.1`, then a new
    /// file.
    fn rotate(&mut self, rotation: Rotation) -> io::Result<()> {
        for n in (1..rotation.maxver).rev() {
            match fs::rename(self.numbered(n), self.numbered(n + 1)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        fs::rename(&self.path, self.numbered(1))?;
        self.file = append(&self.path)?;
        Ok(())
    }

    fn numbered(&self, n: u32) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(format!(".{n}"));
        name.into()
    }
}

impl Drop for FileSink {
    /// Lines held back with `flush` off reach the file when the configuration is replaced or the
    /// process ends.
    fn drop(&mut self) {
        let _ = self.drain();
    }
}

fn append(path: &Path) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    // CTL-105: maxsize 204800, maxver 3, 2 MB written → the file and .1 to .3, nothing else, each
    // at most maxsize.
    #[test]
    fn ctl_105_rotation_keeps_maxver_files() {
        let dir = tempfile::tempdir().unwrap();
        let locks = tempfile::tempdir().unwrap();
        let path = dir.path().join("kea.log");
        let lock = Arc::new(LockFile::open(locks.path()).unwrap());
        let mut sink = FileSink::open(&path, Rotation::new(204_800, 3), Some(lock)).unwrap();
        let line = format!("{}\n", "x".repeat(99));
        for _ in 0..20_000 {
            sink.write(line.as_bytes(), true).unwrap();
        }
        assert_eq!(
            names(dir.path()),
            ["kea.log", "kea.log.1", "kea.log.2", "kea.log.3"]
        );
        for name in names(dir.path()) {
            let size = fs::metadata(dir.path().join(&name)).unwrap().len();
            assert!(size > 0 && size <= 204_800, "{name}: {size}");
        }
        assert!(locks.path().join(LOCK_FILE).exists());
    }

    // CTL-104: maxsize below 204800 (0 included) disables rotation; maxver 0 keeps one copy.
    #[test]
    fn ctl_104_small_maxsize_disables_rotation() {
        assert_eq!(Rotation::new(0, 5), None);
        assert_eq!(Rotation::new(204_799, 5), None);
        assert_eq!(
            Rotation::new(204_800, 0),
            Some(Rotation {
                maxsize: 204_800,
                maxver: 1
            })
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kea.log");
        let mut sink = FileSink::open(&path, Rotation::new(1000, 3), None).unwrap();
        for _ in 0..100 {
            sink.write(&[b'y'; 100], true).unwrap();
        }
        assert_eq!(names(dir.path()), ["kea.log"]);
    }

    // CTL-105: two writers of one file (two processes' sinks) rotate it once between them, and
    // one that did not rotate follows the new file instead of writing into `.1`.
    #[test]
    fn ctl_105_writers_sharing_a_file_follow_rotation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.log");
        let lock = Arc::new(LockFile::open(dir.path()).unwrap());
        let rotation = Rotation::new(204_800, 2);
        let mut a = FileSink::open(&path, rotation, Some(lock.clone())).unwrap();
        let mut b = FileSink::open(&path, rotation, Some(lock)).unwrap();
        let chunk = vec![b'z'; 1000];
        for _ in 0..204 {
            a.write(&chunk, true).unwrap();
        }
        b.write(&chunk, true).unwrap();
        a.write(b"again\n", true).unwrap();
        assert_eq!(fs::metadata(a.numbered(1)).unwrap().len(), 204_000);
        assert_eq!(fs::metadata(&path).unwrap().len(), 1006);
        assert!(!a.numbered(2).exists());
    }

    // CTL-104 `flush`: off, lines wait in memory and reach the file when the sink goes.
    #[test]
    fn ctl_104_unflushed_lines_reach_the_file_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kea.log");
        let mut sink = FileSink::open(&path, None, None).unwrap();
        sink.write(b"one\n", false).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"");
        drop(sink);
        assert_eq!(fs::read(&path).unwrap(), b"one\n");
    }
}
