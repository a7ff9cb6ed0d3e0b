//! The memfile DHCPv4 backend: leases in memory, every change appended to a CSV file (V4-083).

use std::net::Ipv4Addr;
use std::path::Path;
use std::process::ExitStatus;

use parking_lot::Mutex;

use crate::codec4::Codec4;
use crate::csv::Codec;
use crate::index4::Index4;
use crate::journal::move_rows;
use crate::persist::Persistence;
use crate::write::{encode_all, write_leases};
use crate::{
    ClientId, HwAddr, Lease4, LeaseStore4, LfcStart, LoadReport, MemfileOptions, StoreError,
};

/// The memfile lease store for DHCPv4.
///
/// One lock guards the indexes and the rows not yet written; it is never held during file I/O.
/// Mutations buffer their rows; [`flush`](LeaseStore4::flush) writes them.
pub struct Memfile4 {
    state: Mutex<State>,
    /// `None` when `persist` is false.
    files: Option<Persistence>,
}

struct State {
    index: Index4,
    /// Encoded rows waiting for the next flush.
    rows: Vec<u8>,
}

/// What a lease check decides for one lease (see [`Memfile4::check_leases`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseCheck {
    /// Leave the lease as it is.
    Keep,
    /// Move the lease to this subnet.
    SetSubnet(u32),
    /// Drop the lease.
    Delete,
}

impl Memfile4 {
    /// Opens the store. `persist = false`: memory only, no file is touched (CTL-089).
    /// `persist = true`: loads the lease files (and the leftovers of an interrupted cleanup,
    /// CTL-092), then appends every change to `path`.
    pub fn open(opts: MemfileOptions) -> Result<(Memfile4, LoadReport), StoreError> {
        let (index, files, report) = if opts.persist {
            let (files, set, report) = Persistence::open::<Codec4>(&opts, "-4")?;
            (Index4::from_map(set.leases), Some(files), report)
        } else {
            tracing::warn!("lease file persistence is off: leases are lost when the server stops");
            (Index4::default(), None, LoadReport::default())
        };
        let store = Self {
            state: Mutex::new(State {
                index,
                rows: Vec::with_capacity(1 << 16),
            }),
            files,
        };
        Ok((store, report))
    }

    /// Starts a lease file cleanup unless one is running (V4-085, CTL-090): moves the live file
    /// aside and spawns the cleanup program, without waiting for it.
    pub fn start_lfc(&self) -> Result<LfcStart, StoreError> {
        match &self.files {
            Some(files) => files.start_lfc(|dst| move_rows(&mut self.state.lock().rows, dst)),
            None => Ok(LfcStart::NotPersistent),
        }
    }

    /// Waits for the cleanup process this store started, if any (at shutdown, and in tests).
    pub fn wait_lfc(&self) -> Result<Option<ExitStatus>, StoreError> {
        match &self.files {
            Some(files) => files.wait_lfc(),
            None => Ok(None),
        }
    }

    /// Applies a check to every lease in memory only; the lease file is not written (V4-156,
    /// `sanity-checks.lease-checks`, run after loading). Returns how many leases were changed and
    /// how many dropped.
    pub fn check_leases(&self, mut check: impl FnMut(&Lease4) -> LeaseCheck) -> (usize, usize) {
        let mut state = self.state.lock();
        let verdicts: Vec<(Ipv4Addr, LeaseCheck)> = state
            .index
            .iter()
            .filter_map(|l| match check(l) {
                LeaseCheck::Keep => None,
                v => Some((l.address, v)),
            })
            .collect();
        let (mut changed, mut dropped) = (0, 0);
        for (addr, verdict) in verdicts {
            match verdict {
                LeaseCheck::SetSubnet(id) => {
                    if let Some(mut lease) = state.index.remove(addr) {
                        lease.subnet_id = id;
                        state.index.insert(lease);
                        changed += 1;
                    }
                }
                LeaseCheck::Delete => dropped += usize::from(state.index.remove(addr).is_some()),
                LeaseCheck::Keep => {}
            }
        }
        (changed, dropped)
    }

    /// Buffers the row recording `lease` (or its deletion) for the next flush.
    fn log(&self, rows: &mut Vec<u8>, lease: &Lease4, deletion: bool) {
        if self.files.is_some() {
            Codec4::encode(lease, deletion, rows);
        }
    }

    /// See [`LeaseStore4::get4`].
    pub fn get4_sync(&self, addr: Ipv4Addr) -> Option<Lease4> {
        self.state.lock().index.get(addr).cloned()
    }

    /// See [`LeaseStore4::get4_by_hwaddr`].
    pub fn get4_by_hwaddr_sync(&self, hw: &HwAddr) -> Vec<Lease4> {
        self.state.lock().index.by_hwaddr(hw)
    }

    /// See [`LeaseStore4::get4_by_client_id`].
    pub fn get4_by_client_id_sync(&self, id: &ClientId) -> Vec<Lease4> {
        self.state.lock().index.by_client_id(id)
    }

    /// See [`LeaseStore4::get4_by_hostname`].
    pub fn get4_by_hostname_sync(&self, name: &str) -> Vec<Lease4> {
        self.state.lock().index.by_hostname(name)
    }

    /// See [`LeaseStore4::add4`].
    pub fn add4_sync(&self, lease: &Lease4) -> bool {
        let mut state = self.state.lock();
        let state = &mut *state;
        if state.index.get(lease.address).is_some() {
            return false;
        }
        self.log(&mut state.rows, lease, false);
        state.index.insert(lease.clone());
        true
    }

    /// See [`LeaseStore4::update4`].
    pub fn update4_sync(&self, lease: &Lease4, read: &Lease4) -> bool {
        let mut state = self.state.lock();
        let state = &mut *state;
        let unchanged = |stored: &Lease4| stored.expire() == read.expire();
        if !state.index.get(lease.address).is_some_and(unchanged) {
            return false;
        }
        self.log(&mut state.rows, lease, false);
        state.index.insert(lease.clone());
        true
    }

    /// See [`LeaseStore4::delete4`].
    pub fn delete4_sync(&self, read: &Lease4) -> bool {
        let mut state = self.state.lock();
        let state = &mut *state;
        let unchanged = |stored: &Lease4| stored.expire() == read.expire();
        if !state.index.get(read.address).is_some_and(unchanged) {
            return false;
        }
        if let Some(old) = state.index.remove(read.address) {
            self.log(&mut state.rows, &old, true);
        }
        true
    }

    /// See [`LeaseStore4::wipe4`].
    pub fn wipe4_sync(&self, ids: &[u32]) -> Vec<Lease4> {
        let mut state = self.state.lock();
        let state = &mut *state;
        let gone = state.index.remove_subnets(ids);
        for old in &gone {
            self.log(&mut state.rows, old, true);
        }
        gone
    }

    /// The live lease file; `None` when persistence is off.
    pub fn lease_file(&self) -> Option<&Path> {
        self.files.as_ref().map(Persistence::live_file)
    }

    /// Writes every lease to `path` as a lease file (`lease4-write`); see
    /// [`write_leases`](crate::write::write_leases).
    pub fn write_leases(&self, path: &Path) -> Result<(), StoreError> {
        write_leases::<Codec4>(self.files.as_ref(), path, |pending| {
            let mut state = self.state.lock();
            if let Some(pending) = pending {
                move_rows(&mut state.rows, pending);
            }
            encode_all::<Codec4>(state.index.iter())
        })
    }

    /// See [`LeaseStore4::expired4`].
    pub fn expired4_sync(&self, now: u64, limit: usize) -> Vec<Lease4> {
        self.state.lock().index.expired(now, limit)
    }

    /// See [`LeaseStore4::flush_reclaimed4`].
    pub fn flush_reclaimed4_sync(&self, now: u64, hold_secs: u64) -> usize {
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

    /// See [`LeaseStore4::page4`].
    pub fn page4_sync(&self, from: Option<Ipv4Addr>, limit: usize) -> Vec<Lease4> {
        self.state.lock().index.page(from, limit)
    }

    /// See [`LeaseStore4::count4`].
    pub fn count4_sync(&self) -> usize {
        self.state.lock().index.len()
    }

    /// See [`LeaseStore4::flush`].
    pub fn flush_sync(&self) -> Result<(), StoreError> {
        match &self.files {
            Some(files) => files.flush(|dst| move_rows(&mut self.state.lock().rows, dst)),
            None => Ok(()),
        }
    }
}

impl Drop for Memfile4 {
    fn drop(&mut self) {
        if let Err(e) = self.flush_sync() {
            tracing::error!(error = %e, "lease rows lost at shutdown");
        }
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

    async fn get4_by_hostname(&self, name: &str) -> Result<Vec<Lease4>, StoreError> {
        Ok(self.get4_by_hostname_sync(name))
    }

    async fn wipe4(&self, ids: &[u32]) -> Result<Vec<Lease4>, StoreError> {
        Ok(self.wipe4_sync(ids))
    }

    async fn add4(&self, lease: &Lease4) -> Result<bool, StoreError> {
        Ok(self.add4_sync(lease))
    }

    async fn update4(&self, lease: &Lease4, read: &Lease4) -> Result<bool, StoreError> {
        Ok(self.update4_sync(lease, read))
    }

    async fn delete4(&self, read: &Lease4) -> Result<bool, StoreError> {
        Ok(self.delete4_sync(read))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LeaseState;
    use std::path::PathBuf;

    fn addr(n: u32) -> Ipv4Addr {
        Ipv4Addr::from(0xc000_0200 + n)
    }

    fn lease(n: u32, cltt: u64) -> Lease4 {
        Lease4 {
            hwaddr: Some(HwAddr::new(1, &[0, 1, 2, 3, 4, n as u8])),
            client_id: Some(ClientId::new(&[1, 0, 1, 2, 3, 4, n as u8])),
            ..Lease4::new(addr(n), 1, 100, cltt)
        }
    }

    fn memory() -> Memfile4 {
        Memfile4::open(MemfileOptions::in_memory()).unwrap().0
    }

    pub(crate) fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ruru-lease-mf-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn add_update_delete() {
        let m = memory();
        assert!(m.add4_sync(&lease(1, 10)));
        assert!(!m.add4_sync(&lease(1, 20)), "address taken");
        assert_eq!(m.get4_sync(addr(1)).map(|l| l.cltt), Some(10));
        assert!(m.update4_sync(
            &Lease4 {
                hostname: "x".into(),
                ..lease(1, 30)
            },
            &lease(1, 10)
        ));
        assert!(
            !m.update4_sync(&lease(2, 30), &lease(2, 10)),
            "no lease to update"
        );
        assert_eq!(m.get4_sync(addr(1)).map(|l| l.hostname), Some("x".into()));
        assert!(m.delete4_sync(&lease(1, 30)));
        assert!(!m.delete4_sync(&lease(1, 30)));
        assert_eq!(m.count4_sync(), 0);
    }

    // LC-116: an update replaces only the lease it read; once the stored lease has changed (renewed
    // by another worker), the update fails and leaves it alone.
    #[test]
    fn lc116_update_only_over_the_lease_read() {
        let m = memory();
        let read = lease(1, 10);
        m.add4_sync(&read);
        let renewed = lease(1, 50);
        assert!(m.update4_sync(&renewed, &read));
        let late = Lease4 {
            hostname: "late".into(),
            ..lease(1, 60)
        };
        assert!(!m.update4_sync(&late, &read), "stale read");
        assert_eq!(m.get4_sync(addr(1)), Some(renewed.clone()));
        // Only the expiration is compared, as Kea compares it: another lifetime ending at the
        // same time is still the lease read.
        let same_end = Lease4 {
            valid_lifetime: 140,
            ..lease(1, 10)
        };
        assert!(m.update4_sync(&late, &same_end));
    }

    // LC-116: a delete removes only the lease it read; once the stored lease has been renewed (by
    // another server sharing the database), the delete fails and the renewal stays, in memory and
    // in the file.
    #[test]
    fn lc116_delete_only_the_lease_read() {
        let path = dir("stale-delete").join("leases4.csv");
        let (m, _) = Memfile4::open(MemfileOptions::persistent(&path)).unwrap();
        let read = lease(1, 10);
        m.add4_sync(&read);
        let renewed = lease(1, 50);
        assert!(m.update4_sync(&renewed, &read));
        assert!(!m.delete4_sync(&read), "stale read");
        assert!(!m.delete4_sync(&lease(2, 10)), "no lease there");
        assert_eq!(m.get4_sync(addr(1)), Some(renewed.clone()));
        m.flush_sync().unwrap();
        drop(m);
        let (m, _) = Memfile4::open(MemfileOptions::persistent(&path)).unwrap();
        assert_eq!(m.get4_sync(addr(1)), Some(renewed.clone()));
        assert!(m.delete4_sync(&renewed));
        assert_eq!(m.count4_sync(), 0);
    }

    #[test]
    fn secondary_indexes_follow_updates() {
        let m = memory();
        let l = lease(1, 10);
        m.add4_sync(&l);
        let hw = l.hwaddr.unwrap();
        // A reloaded lease has type Ethernet; a packet may say another type. Kea matches bytes only.
        assert_eq!(
            m.get4_by_hwaddr_sync(&HwAddr::new(6, hw.as_bytes())).len(),
            1
        );
        let id = l.client_id.clone().unwrap();
        assert_eq!(m.get4_by_client_id_sync(&id).len(), 1);
        let other = HwAddr::new(1, &[9; 6]);
        m.update4_sync(
            &Lease4 {
                hwaddr: Some(other),
                client_id: None,
                ..l.clone()
            },
            &l,
        );
        assert!(m.get4_by_hwaddr_sync(&hw).is_empty());
        assert!(m.get4_by_client_id_sync(&id).is_empty());
        assert_eq!(m.get4_by_hwaddr_sync(&other)[0].address, addr(1));
        // Two subnets, one client: both leases come back, in address order.
        m.add4_sync(&Lease4 {
            subnet_id: 2,
            ..lease(7, 10)
        });
        m.add4_sync(&Lease4 {
            hwaddr: Some(other),
            ..lease(3, 10)
        });
        let found: Vec<_> = m
            .get4_by_hwaddr_sync(&other)
            .iter()
            .map(|l| l.address)
            .collect();
        assert_eq!(found, [addr(1), addr(3)]);
    }

    // Reclamation: expired leases not yet reclaimed, oldest first, limited; reclaimed ones flushed
    // after the hold time (lease affinity).
    #[test]
    fn expired_and_reclaimed() {
        let m = memory();
        m.add4_sync(&lease(1, 300)); // expires 400
        m.add4_sync(&lease(2, 100)); // 200
        m.add4_sync(&Lease4 {
            state: LeaseState::Declined,
            ..lease(3, 200)
        }); // 300
        m.add4_sync(&Lease4 {
            state: LeaseState::ExpiredReclaimed,
            ..lease(4, 0)
        }); // 100
        m.add4_sync(&Lease4 {
            state: LeaseState::Released,
            ..lease(5, 250)
        }); // 350
        let got = |now, limit| {
            m.expired4_sync(now, limit)
                .iter()
                .map(|l| l.address)
                .collect::<Vec<_>>()
        };
        assert!(got(199, 0).is_empty());
        assert_eq!(got(200, 0), [addr(2)]);
        assert_eq!(got(1000, 0), [addr(2), addr(3), addr(5), addr(1)]);
        assert_eq!(got(1000, 2), [addr(2), addr(3)]);
        // Reclaiming moves a lease between the expiry indexes.
        m.update4_sync(
            &Lease4 {
                state: LeaseState::ExpiredReclaimed,
                ..lease(2, 100)
            },
            &lease(2, 100),
        );
        assert_eq!(got(1000, 0), [addr(3), addr(5), addr(1)]);
        assert_eq!(m.flush_reclaimed4_sync(100 + 60, 61), 0);
        assert_eq!(m.flush_reclaimed4_sync(200 + 60, 60), 2);
        assert_eq!(m.count4_sync(), 3);
        assert_eq!(m.flush_reclaimed4_sync(10, 3600), 0);
    }

    #[test]
    fn paging_is_ascending_and_resumes_after_the_last() {
        let m = memory();
        for n in [5, 1, 9, 3, 7] {
            m.add4_sync(&lease(n, 0));
        }
        let page = |from, limit| {
            m.page4_sync(from, limit)
                .iter()
                .map(|l| l.address)
                .collect::<Vec<_>>()
        };
        assert_eq!(page(None, 2), [addr(1), addr(3)]);
        assert_eq!(page(Some(addr(3)), 2), [addr(5), addr(7)]);
        assert_eq!(page(Some(addr(4)), 10), [addr(5), addr(7), addr(9)]);
        assert!(page(Some(addr(9)), 10).is_empty());
    }

    // CTL-089: persist false touches no file.
    #[test]
    fn ctl_089_memory_only_writes_nothing() {
        let d = dir("memonly");
        let opts = MemfileOptions {
            path: d.join("l.csv"),
            ..MemfileOptions::in_memory()
        };
        let (m, report) = Memfile4::open(opts).unwrap();
        m.add4_sync(&lease(1, 0));
        m.flush_sync().unwrap();
        assert_eq!(m.start_lfc().unwrap(), LfcStart::NotPersistent);
        assert_eq!(report, LoadReport::default());
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
    }

    // V4-083: three renewals and a restart leave one lease with the last expiry; a delete survives a
    // restart; rows reach the file only at flush.
    #[test]
    fn v4_083_last_row_wins_across_restart() {
        let path = dir("restart").join("leases4.csv");
        {
            let (m, _) = Memfile4::open(MemfileOptions::persistent(&path)).unwrap();
            m.add4_sync(&lease(1, 100));
            for (read, cltt) in [(100, 200), (200, 300), (300, 400)] {
                assert!(m.update4_sync(&lease(1, cltt), &lease(1, read)));
            }
            m.add4_sync(&lease(2, 100));
            assert!(m.delete4_sync(&lease(2, 100)));
            m.add4_sync(&Lease4 {
                state: LeaseState::ExpiredReclaimed,
                ..lease(3, 0)
            });
            let before = std::fs::read_to_string(&path).unwrap();
            assert_eq!(
                before.lines().count(),
                1,
                "only the header before the flush"
            );
            m.flush_sync().unwrap();
            assert_eq!(m.flush_reclaimed4_sync(1000, 0), 1);
            m.flush_sync().unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 1 + 4 + 2 + 1 + 1);
        let (m, report) = Memfile4::open(MemfileOptions::persistent(&path)).unwrap();
        assert_eq!((report.leases, report.rows, report.row_errors), (1, 8, 0));
        assert_eq!(m.get4_sync(addr(1)), Some(lease(1, 400)));
        assert_eq!(m.get4_by_hwaddr_sync(&lease(1, 0).hwaddr.unwrap()).len(), 1);
    }

    // Dropping the store flushes what is buffered.
    #[test]
    fn drop_flushes() {
        let path = dir("drop").join("leases4.csv");
        let (m, _) = Memfile4::open(MemfileOptions::persistent(&path)).unwrap();
        m.add4_sync(&lease(1, 100));
        drop(m);
        let (m, _) = Memfile4::open(MemfileOptions::persistent(&path)).unwrap();
        assert_eq!(m.count4_sync(), 1);
    }

    // Concurrent writers and flushers: every row reaches the file whole, none lost.
    #[test]
    fn concurrent_flushes_do_not_interleave() {
        let path = dir("concurrent").join("leases4.csv");
        let (m, _) = Memfile4::open(MemfileOptions::persistent(&path)).unwrap();
        std::thread::scope(|s| {
            for t in 0..4u32 {
                let m = &m;
                s.spawn(move || {
                    for i in 0..500u32 {
                        let a = Ipv4Addr::from(0x0a00_0000 + t * 1000 + i);
                        m.add4_sync(&Lease4 {
                            hostname: "h".repeat(i as usize % 50),
                            ..Lease4::new(a, 1, 10, 5)
                        });
                        if i % 7 == 0 {
                            m.flush_sync().unwrap();
                        }
                    }
                    m.flush_sync().unwrap();
                });
            }
        });
        let (m2, report) = Memfile4::open(MemfileOptions::persistent(&path)).unwrap();
        assert_eq!(
            (report.leases, report.rows, report.row_errors),
            (2000, 2000, 0)
        );
        assert_eq!(
            m2.page4_sync(None, usize::MAX),
            m.page4_sync(None, usize::MAX)
        );
    }

    // lease4-wipe: the subnet's leases leave memory and the file.
    #[test]
    fn wipe_is_persisted() {
        let path = dir("wipe").join("leases4.csv");
        let (m, _) = Memfile4::open(MemfileOptions::persistent(&path)).unwrap();
        m.add4_sync(&lease(1, 0));
        m.add4_sync(&Lease4 {
            subnet_id: 2,
            ..lease(2, 0)
        });
        let gone: Vec<_> = m.wipe4_sync(&[1]).iter().map(|l| l.address).collect();
        assert_eq!(gone, [addr(1)]);
        assert!(m.wipe4_sync(&[1]).is_empty());
        drop(m);
        let (m, _) = Memfile4::open(MemfileOptions::persistent(&path)).unwrap();
        assert_eq!(m.page4_sync(None, 10).len(), 1);
        assert_eq!(m.get4_by_hostname_sync(""), m.page4_sync(None, 10));
    }

    // lease4-write (LC-142, LC-143): another file gets every lease and an existing one is kept as
    // .bak<pid>; the live file is replaced in place and appends go on in the new one.
    #[test]
    fn write_leases_to_another_file_and_to_the_live_one() {
        let d = dir("write");
        let live = d.join("leases4.csv");
        let (m, _) = Memfile4::open(MemfileOptions::persistent(&live)).unwrap();
        assert_eq!(m.lease_file(), Some(live.as_path()));
        m.add4_sync(&lease(1, 0));
        m.add4_sync(&lease(2, 0));
        assert!(m.delete4_sync(&lease(2, 0)));
        let other = d.join("copy.csv");
        std::fs::write(&other, "old").unwrap();
        m.write_leases(&other).unwrap();
        let bak = d.join(format!("copy.csv.bak{}", std::process::id()));
        assert_eq!(std::fs::read_to_string(&bak).unwrap(), "old");
        let (copy, report) = Memfile4::open(MemfileOptions::persistent(&other)).unwrap();
        assert_eq!(
            (report.rows, copy.page4_sync(None, 10)),
            (1, m.page4_sync(None, 10))
        );
        drop(copy);

        m.write_leases(&live).unwrap();
        m.add4_sync(&lease(3, 0));
        m.flush_sync().unwrap();
        let text = std::fs::read_to_string(&live).unwrap();
        assert_eq!(text.lines().count(), 3, "header, lease 1, lease 3: {text}");
        let bak = d.join(format!("leases4.csv.bak{}", std::process::id()));
        assert_eq!(std::fs::read_to_string(&bak).unwrap().lines().count(), 4);
        drop(m);
        let (m, _) = Memfile4::open(MemfileOptions::persistent(&live)).unwrap();
        assert_eq!(m.count4_sync(), 2);
    }

    // V4-156: a memory-only check can move or drop leases; the file keeps them.
    #[test]
    fn v4_156_check_leases_in_memory_only() {
        let path = dir("check").join("leases4.csv");
        let (m, _) = Memfile4::open(MemfileOptions::persistent(&path)).unwrap();
        m.add4_sync(&Lease4 {
            subnet_id: 5,
            ..lease(1, 0)
        });
        m.add4_sync(&Lease4 {
            subnet_id: 5,
            ..lease(2, 0)
        });
        m.add4_sync(&lease(3, 0));
        m.flush_sync().unwrap();
        let verdict = |l: &Lease4| match l.address {
            a if a == addr(1) => LeaseCheck::SetSubnet(1),
            a if a == addr(2) => LeaseCheck::Delete,
            _ => LeaseCheck::Keep,
        };
        assert_eq!(m.check_leases(verdict), (1, 1));
        assert_eq!(m.get4_sync(addr(1)).map(|l| l.subnet_id), Some(1));
        assert_eq!(m.count4_sync(), 2);
        drop(m);
        let (m, _) = Memfile4::open(MemfileOptions::persistent(&path)).unwrap();
        assert_eq!(m.count4_sync(), 3);
    }
}
