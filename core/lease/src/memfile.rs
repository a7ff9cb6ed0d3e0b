//! The memfile store of any lease family: leases in memory, every change appended to the family's
//! CSV file (V4-083, V6-101). A family's public store wraps this with its queries and its trait.
//!
//! One lock guards the indexes and the rows not yet written; it is never held during file I/O.
//! Mutations buffer their rows; [`flush`](Memfile::flush) writes them (the durability barrier).

use std::path::Path;
use std::process::ExitStatus;

use parking_lot::Mutex;

use crate::csv::Codec;
use crate::index::{Indexed, LeaseIndex};
use crate::journal::move_rows;
use crate::persist::Persistence;
use crate::write::{encode_all, write_leases};
use crate::{LfcStart, LoadReport, MemfileOptions, StoreError};

/// A memfile store for the leases of codec `C`.
pub(crate) struct Memfile<C: Codec>
where
    C::Lease: Indexed<Addr = C::Key>,
{
    state: Mutex<State<C::Lease>>,
    /// `None` when `persist` is false.
    files: Option<Persistence>,
}

/// Where [`Memfile::put`] may store a lease.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// At a free address (an add).
    Free,
    /// Over the lease at its address, if that lease still expires at this time (an update of the
    /// lease read, LC-116).
    Expiring(u64),
}

struct State<L: Indexed> {
    index: LeaseIndex<L>,
    /// Encoded rows waiting for the next flush.
    rows: Vec<u8>,
}

impl<C: Codec> Memfile<C>
where
    C::Lease: Indexed<Addr = C::Key>,
{
    /// Opens the store. `persist = false`: memory only, no file is touched (CTL-089).
    /// `persist = true`: loads the lease files (and the leftovers of an interrupted cleanup,
    /// CTL-092), then appends every change to `path`. `family_flag` (`-4`, `-6`) tells the
    /// cleanup program which codec the files use.
    pub(crate) fn open(
        opts: &MemfileOptions,
        family_flag: &'static str,
    ) -> Result<(Self, LoadReport), StoreError> {
        let (index, files, report) = if opts.persist {
            let (files, set, report) = Persistence::open::<C>(opts, family_flag)?;
            (LeaseIndex::from_map(set.leases), Some(files), report)
        } else {
            tracing::warn!("lease file persistence is off: leases are lost when the server stops");
            (LeaseIndex::default(), None, LoadReport::default())
        };
        let state = Mutex::new(State {
            index,
            rows: Vec::with_capacity(1 << 16),
        });
        Ok((Self { state, files }, report))
    }

    /// Starts a lease file cleanup unless one is running (CTL-090): moves the live file aside and
    /// spawns the cleanup program, without waiting for it.
    pub(crate) fn start_lfc(&self) -> Result<LfcStart, StoreError> {
        match &self.files {
            Some(files) => files.start_lfc(|dst| move_rows(&mut self.state.lock().rows, dst)),
            None => Ok(LfcStart::NotPersistent),
        }
    }

    /// Waits for the cleanup process this store started, if any.
    pub(crate) fn wait_lfc(&self) -> Result<Option<ExitStatus>, StoreError> {
        match &self.files {
            Some(files) => files.wait_lfc(),
            None => Ok(None),
        }
    }

    /// The durability barrier: every change made before the call is in the file on return.
    pub(crate) fn flush(&self) -> Result<(), StoreError> {
        match &self.files {
            Some(files) => files.flush(|dst| move_rows(&mut self.state.lock().rows, dst)),
            None => Ok(()),
        }
    }

    /// The live lease file; `None` when persistence is off.
    pub(crate) fn lease_file(&self) -> Option<&Path> {
        self.files.as_ref().map(Persistence::live_file)
    }

    /// Writes every lease to `path` as a lease file; see [`write_leases`].
    pub(crate) fn write_leases(&self, path: &Path) -> Result<(), StoreError> {
        write_leases::<C>(self.files.as_ref(), path, |pending| {
            let mut state = self.state.lock();
            if let Some(pending) = pending {
                move_rows(&mut state.rows, pending);
            }
            encode_all::<C>(state.index.iter())
        })
    }

    /// Runs `query` on the indexes under the lock.
    pub(crate) fn read<R>(&self, query: impl FnOnce(&LeaseIndex<C::Lease>) -> R) -> R {
        query(&self.state.lock().index)
    }

    /// Stores `lease` if its address is as `into` requires; false otherwise.
    pub(crate) fn put(&self, lease: &C::Lease, into: Slot) -> bool {
        let mut state = self.state.lock();
        let state = &mut *state;
        let fits = match (state.index.get(lease.addr()), into) {
            (None, Slot::Free) => true,
            (Some(stored), Slot::Expiring(expire)) => stored.expire() == expire,
            _ => false,
        };
        if !fits {
            return false;
        }
        self.log(&mut state.rows, lease, false);
        state.index.insert(lease.clone());
        true
    }

    /// Deletes the lease of `addr` if `doomed` agrees; false when none was deleted.
    pub(crate) fn delete(&self, addr: C::Key, doomed: impl FnOnce(&C::Lease) -> bool) -> bool {
        let mut state = self.state.lock();
        let state = &mut *state;
        if !state.index.get(addr).is_some_and(doomed) {
            return false;
        }
        if let Some(old) = state.index.remove(addr) {
            self.log(&mut state.rows, &old, true);
        }
        true
    }

    /// Deletes reclaimed leases whose `expire + hold_secs <= now`; returns how many.
    pub(crate) fn flush_reclaimed(&self, now: u64, hold_secs: u64) -> usize {
        let Some(cutoff) = now.checked_sub(hold_secs) else {
            return 0;
        };
        let mut state = self.state.lock();
        let state = &mut *state;
        let doomed = state.index.reclaimed_until(cutoff);
        for addr in &doomed {
            if let Some(old) = state.index.remove(*addr) {
                self.log(&mut state.rows, &old, true);
            }
        }
        doomed.len()
    }

    /// Buffers the row recording `lease` (or its deletion) for the next flush.
    fn log(&self, rows: &mut Vec<u8>, lease: &C::Lease, deletion: bool) {
        if self.files.is_some() {
            C::encode(lease, deletion, rows);
        }
    }
}

impl<C: Codec> Drop for Memfile<C>
where
    C::Lease: Indexed<Addr = C::Key>,
{
    fn drop(&mut self) {
        if let Err(e) = self.flush() {
            tracing::error!(error = %e, "lease rows lost at shutdown");
        }
    }
}
