//! The live lease file: rows appended with one `write(2)` per flush on an `O_APPEND` descriptor.
//!
//! Mutations encode their rows into a buffer the store keeps under its own lock; [`Journal::flush`]
//! takes that buffer and writes it. Flushes are serialised by the journal's lock, so rows reach the
//! file whole and in the order they were buffered, and a flush returns only after every row
//! buffered before it is in the file (possibly written by a concurrent flush it waited for).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use parking_lot::Mutex;

use crate::StoreError;

/// The live lease file, open for appending.
pub(crate) struct Journal {
    path: PathBuf,
    /// The header line, newline included, written to every fresh file.
    header: Vec<u8>,
    io: Mutex<Io>,
}

struct Io {
    file: File,
    /// Rows taken from the store but not yet written (kept across a failed write).
    pending: Vec<u8>,
}

impl Journal {
    /// Opens `path` for appending, creating it with `header` when missing or empty. A file whose
    /// last row lacks its newline (a write cut short) gets one, so the next row starts on its own
    /// line.
    pub(crate) fn open(path: &Path, header: &str) -> Result<Self, StoreError> {
        let io = |e| StoreError::io(path, e);
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let mut header_line = header.as_bytes().to_vec();
        header_line.push(b'\n');
        if len == 0 {
            file.write_all(&header_line).map_err(io)?;
        } else {
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1)).map_err(io)?;
            file.read_exact(&mut last).map_err(io)?;
            if last[0] != b'\n' {
                file.write_all(b"\n").map_err(io)?;
            }
        }
        Ok(Self {
            path: path.to_owned(),
            header: header_line,
            io: Mutex::new(Io {
                file,
                pending: Vec::new(),
            }),
        })
    }

    /// Writes every row `take` hands over, plus any left from a failed flush. `take` moves the
    /// store's buffered rows into the vector it is given; it runs under the journal lock, so
    /// buffers are written in the order they were taken.
    pub(crate) fn flush(&self, take: impl FnOnce(&mut Vec<u8>)) -> Result<(), StoreError> {
        let mut io = self.io.lock();
        self.write_pending(&mut io, take)
    }

    fn write_pending(
        &self,
        io: &mut Io,
        take: impl FnOnce(&mut Vec<u8>),
    ) -> Result<(), StoreError> {
        take(&mut io.pending);
        let mut done = 0;
        while done < io.pending.len() {
            match io.file.write(&io.pending[done..]) {
                Ok(0) => {
                    io.pending.drain(..done);
                    return Err(StoreError::io(
                        &self.path,
                        std::io::ErrorKind::WriteZero.into(),
                    ));
                }
                Ok(n) => done += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    io.pending.drain(..done);
                    return Err(StoreError::io(&self.path, e));
                }
            }
        }
        io.pending.clear();
        Ok(())
    }

    /// Moves the live file to `to` after writing every buffered row to it, and continues in a fresh
    /// file with only the header (CTL-090). On failure the live file is left in place.
    pub(crate) fn rotate(
        &self,
        to: &Path,
        take: impl FnOnce(&mut Vec<u8>),
    ) -> Result<(), StoreError> {
        self.replace(to, |pending| {
            take(pending);
            Vec::new()
        })
    }

    /// Moves the live file to `to` after writing every buffered row to it, and continues in a fresh
    /// file holding the header and the rows `take` returns (`lease4-write` of the live file). `take`
    /// hands over the buffered rows and produces the new rows under the journal lock, so no row is
    /// lost or written twice. On failure the live file is left in place.
    pub(crate) fn replace(
        &self,
        to: &Path,
        take: impl FnOnce(&mut Vec<u8>) -> Vec<u8>,
    ) -> Result<(), StoreError> {
        let mut io = self.io.lock();
        let mut rows = Vec::new();
        self.write_pending(&mut io, |pending| rows = take(pending))?;
        std::fs::rename(&self.path, to).map_err(|e| StoreError::io(&self.path, e))?;
        let fresh = OpenOptions::new()
            .append(true)
            .create_new(true)
            .open(&self.path)
            .and_then(|mut f| {
                f.write_all(&self.header)?;
                f.write_all(&rows)?;
                Ok(f)
            });
        match fresh {
            Ok(file) => {
                io.file = file;
                Ok(())
            }
            Err(e) => {
                // Put the old file back so rows keep going where the loader will find them.
                let _ = std::fs::remove_file(&self.path);
                if let Err(back) = std::fs::rename(to, &self.path) {
                    tracing::error!(file = %self.path.display(), error = %back, "cannot restore the lease file after a failed rotation");
                }
                Err(StoreError::io(&self.path, e))
            }
        }
    }

    /// The live file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

/// Moves the rows of `src` to the end of `dst`, swapping buffers when `dst` is empty so the steady
/// state copies nothing.
pub(crate) fn move_rows(src: &mut Vec<u8>, dst: &mut Vec<u8>) {
    if dst.is_empty() {
        std::mem::swap(src, dst);
    } else {
        dst.append(src);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("ruru-lease-journal-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("leases.csv")
    }

    #[test]
    fn creates_header_and_appends() {
        let path = tmp("append");
        let j = Journal::open(&path, "a,b").unwrap();
        let mut rows = b"1,2\n".to_vec();
        j.flush(|dst| move_rows(&mut rows, dst)).unwrap();
        assert!(rows.is_empty());
        j.flush(|_| {}).unwrap();
        drop(j);
        let j = Journal::open(&path, "a,b").unwrap();
        j.flush(|dst| dst.extend_from_slice(b"3,4\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n1,2\n3,4\n");
    }

    #[test]
    fn unterminated_last_row_is_closed() {
        let path = tmp("partial");
        std::fs::write(&path, "a,b\n1,").unwrap();
        let j = Journal::open(&path, "a,b").unwrap();
        j.flush(|dst| dst.extend_from_slice(b"3,4\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n1,\n3,4\n");
    }

    // lease4-write of the live file: buffered rows end the old file, the new one starts with the
    // header and the rows given, and appends go on there.
    #[test]
    fn replace_keeps_every_row_once() {
        let path = tmp("replace");
        let j = Journal::open(&path, "a,b").unwrap();
        let bak = path.with_extension("csv.bak1");
        j.replace(&bak, |dst| {
            dst.extend_from_slice(b"1,2\n");
            b"9,9\n".to_vec()
        })
        .unwrap();
        j.flush(|dst| dst.extend_from_slice(b"3,4\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&bak).unwrap(), "a,b\n1,2\n");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n9,9\n3,4\n");
    }

    // CTL-090: rotation flushes to the old file and continues in a fresh one with the header.
    #[test]
    fn ctl_090_rotate() {
        let path = tmp("rotate");
        let j = Journal::open(&path, "a,b").unwrap();
        let to = path.with_extension("csv.1");
        j.rotate(&to, |dst| dst.extend_from_slice(b"1,2\n"))
            .unwrap();
        j.flush(|dst| dst.extend_from_slice(b"3,4\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&to).unwrap(), "a,b\n1,2\n");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n3,4\n");
        // The target exists now, so a second rotation must fail and keep writing to the live file.
        std::fs::create_dir_all(path.with_extension("csv.x")).unwrap();
        assert!(j.rotate(&path.with_extension("csv.x"), |_| {}).is_err());
        j.flush(|dst| dst.extend_from_slice(b"5,6\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n3,4\n5,6\n");
    }
}
