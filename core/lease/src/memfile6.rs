//! The memfile DHCPv6 backend: leases in memory, every change appended to a CSV file in Kea's v6
//! layout (V6-101..V6-104).

use std::net::Ipv6Addr;
use std::path::Path;
use std::process::ExitStatus;

use crate::codec6::Codec6;
use crate::memfile::{Memfile, Slot};
use crate::{
    Duid, Lease6, LeaseStore6, LeaseType, LfcStart, LoadReport, MemfileOptions, StoreError,
};

/// The memfile lease store for DHCPv6: addresses and prefixes in one address-keyed set.
///
/// Mutations buffer their rows; [`flush`](LeaseStore6::flush) writes them, as for
/// [`Memfile4`](crate::Memfile4), and the same `ruru-lfc` (with `-6`) cleans the file.
pub struct Memfile6(Memfile<Codec6>);

impl Memfile6 {
    /// Opens the store. `persist = false`: memory only, no file is touched (CTL-089).
    /// `persist = true`: loads the lease files (and the leftovers of an interrupted cleanup,
    /// CTL-092), rewriting a live file of another version's layout (CTL-088), then appends every
    /// change to `path`.
    pub fn open(opts: MemfileOptions) -> Result<(Memfile6, LoadReport), StoreError> {
        let (store, report) = Memfile::open(&opts, "-6")?;
        Ok((Self(store), report))
    }

    /// Starts a lease file cleanup unless one is running (V6-104, CTL-090): moves the live file
    /// aside and spawns `ruru-lfc -6`, without waiting for it.
    pub fn start_lfc(&self) -> Result<LfcStart, StoreError> {
        self.0.start_lfc()
    }

    /// Waits for the cleanup process this store started, if any (at shutdown, and in tests).
    pub fn wait_lfc(&self) -> Result<Option<ExitStatus>, StoreError> {
        self.0.wait_lfc()
    }

    /// The live lease file; `None` when persistence is off.
    pub fn lease_file(&self) -> Option<&Path> {
        self.0.lease_file()
    }

    /// Writes every lease to `path` as a lease file (`lease6-write`), as
    /// [`Memfile4::write_leases`](crate::Memfile4::write_leases) does: an existing file is kept as
    /// `<path>.bak<pid>`, and when `path` is the live lease file the store goes on appending to the
    /// new one.
    pub fn write_leases(&self, path: &Path) -> Result<(), StoreError> {
        self.0.write_leases(path)
    }

    /// See [`LeaseStore6::get6`].
    pub fn get6_sync(&self, lease_type: LeaseType, addr: Ipv6Addr) -> Option<Lease6> {
        self.0.read(|index| {
            index
                .get(addr)
                .filter(|l| l.lease_type == lease_type)
                .cloned()
        })
    }

    /// See [`LeaseStore6::get6_by_duid_iaid`].
    pub fn get6_by_duid_iaid_sync(
        &self,
        lease_type: LeaseType,
        duid: &Duid,
        iaid: u32,
        subnet_id: Option<u32>,
    ) -> Vec<Lease6> {
        self.0
            .read(|index| index.by_duid_iaid(lease_type, duid, iaid, subnet_id))
    }

    /// See [`LeaseStore6::get6_by_duid`].
    pub fn get6_by_duid_sync(&self, duid: &Duid) -> Vec<Lease6> {
        self.0.read(|index| index.by_duid(duid))
    }

    /// See [`LeaseStore6::get6_by_hostname`].
    pub fn get6_by_hostname_sync(&self, hostname: &str) -> Vec<Lease6> {
        self.0.read(|index| index.by_hostname(hostname))
    }

    /// See [`LeaseStore6::add6`].
    pub fn add6_sync(&self, lease: &Lease6) -> Result<bool, StoreError> {
        lease.check_storable()?;
        Ok(self.0.put(lease, Slot::Free))
    }

    /// See [`LeaseStore6::update6`].
    pub fn update6_sync(&self, lease: &Lease6, read: &Lease6) -> Result<bool, StoreError> {
        lease.check_storable()?;
        Ok(self.0.put(lease, Slot::Expiring(read.expire())))
    }

    /// See [`LeaseStore6::delete6`].
    pub fn delete6_sync(&self, read: &Lease6) -> bool {
        self.0.delete(read.address, |stored| {
            stored.lease_type == read.lease_type && stored.expire() == read.expire()
        })
    }

    /// See [`LeaseStore6::expired6`].
    pub fn expired6_sync(&self, now: u64, limit: usize) -> Vec<Lease6> {
        self.0.read(|index| index.expired(now, limit))
    }

    /// See [`LeaseStore6::flush_reclaimed6`].
    pub fn flush_reclaimed6_sync(&self, now: u64, hold_secs: u64) -> usize {
        self.0.flush_reclaimed(now, hold_secs)
    }

    /// See [`LeaseStore6::page6`].
    pub fn page6_sync(&self, from: Option<Ipv6Addr>, limit: usize) -> Vec<Lease6> {
        self.0.read(|index| index.page(from, limit))
    }

    /// See [`LeaseStore6::count6`].
    pub fn count6_sync(&self) -> usize {
        self.0.read(|index| index.len())
    }

    /// See [`LeaseStore6::flush`].
    pub fn flush_sync(&self) -> Result<(), StoreError> {
        self.0.flush()
    }
}

impl LeaseStore6 for Memfile6 {
    async fn get6(
        &self,
        lease_type: LeaseType,
        addr: Ipv6Addr,
    ) -> Result<Option<Lease6>, StoreError> {
        Ok(self.get6_sync(lease_type, addr))
    }

    async fn get6_by_duid_iaid(
        &self,
        lease_type: LeaseType,
        duid: &Duid,
        iaid: u32,
        subnet_id: Option<u32>,
    ) -> Result<Vec<Lease6>, StoreError> {
        Ok(self.get6_by_duid_iaid_sync(lease_type, duid, iaid, subnet_id))
    }

    async fn get6_by_duid(&self, duid: &Duid) -> Result<Vec<Lease6>, StoreError> {
        Ok(self.get6_by_duid_sync(duid))
    }

    async fn get6_by_hostname(&self, hostname: &str) -> Result<Vec<Lease6>, StoreError> {
        Ok(self.get6_by_hostname_sync(hostname))
    }

    async fn add6(&self, lease: &Lease6) -> Result<bool, StoreError> {
        self.add6_sync(lease)
    }

    async fn update6(&self, lease: &Lease6, read: &Lease6) -> Result<bool, StoreError> {
        self.update6_sync(lease, read)
    }

    async fn delete6(&self, read: &Lease6) -> Result<bool, StoreError> {
        Ok(self.delete6_sync(read))
    }

    async fn expired6(&self, now: u64, limit: usize) -> Result<Vec<Lease6>, StoreError> {
        Ok(self.expired6_sync(now, limit))
    }

    async fn flush_reclaimed6(&self, now: u64, hold_secs: u64) -> Result<usize, StoreError> {
        Ok(self.flush_reclaimed6_sync(now, hold_secs))
    }

    async fn page6(&self, from: Option<Ipv6Addr>, limit: usize) -> Result<Vec<Lease6>, StoreError> {
        Ok(self.page6_sync(from, limit))
    }

    async fn count6(&self) -> Result<usize, StoreError> {
        Ok(self.count6_sync())
    }

    async fn flush(&self) -> Result<(), StoreError> {
        self.flush_sync()
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::path::PathBuf;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use super::*;
    use crate::LeaseState;

    fn addr(n: u16) -> Ipv6Addr {
        Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, n)
    }

    fn duid(n: u8) -> Duid {
        Duid::new(&[0, 3, 0, 1, 2, n])
    }

    fn lease(n: u16, cltt: u64) -> Lease6 {
        Lease6::new(addr(n), duid(n as u8), 1, 1, 100, cltt)
    }

    fn prefix(n: u16, cltt: u64) -> Lease6 {
        Lease6 {
            lease_type: LeaseType::Pd,
            prefix_len: 56,
            ..Lease6::new(
                Ipv6Addr::new(0x2001, 0xdb8, 0xff00 + n, 0, 0, 0, 0, 0),
                duid(n as u8),
                1,
                1,
                100,
                cltt,
            )
        }
    }

    fn memory() -> Memfile6 {
        Memfile6::open(MemfileOptions::in_memory()).unwrap().0
    }

    fn dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("ruru-lease-mf6-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Polls `f` once: memfile futures must be ready at once.
    fn now<T>(f: impl Future<Output = T>) -> T {
        match pin!(f).poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("a memfile future yielded"),
        }
    }

    // The address is the key across types: a prefix and an address never share it, and lookups,
    // updates and deletions by type find only a lease of that type.
    #[test]
    fn address_is_the_key_and_types_are_checked() {
        let m = memory();
        assert!(m.add6_sync(&lease(1, 10)).unwrap());
        let same_addr_pd = Lease6 {
            lease_type: LeaseType::Pd,
            ..lease(1, 20)
        };
        assert!(!m.add6_sync(&same_addr_pd).unwrap(), "address taken");
        assert_eq!(m.get6_sync(LeaseType::Pd, addr(1)), None);
        assert_eq!(m.get6_sync(LeaseType::Na, addr(1)), Some(lease(1, 10)));
        let pd_read = Lease6 {
            lease_type: LeaseType::Pd,
            ..lease(1, 10)
        };
        assert!(!m.delete6_sync(&pd_read), "another type at the address");
        assert!(m.update6_sync(&lease(1, 30), &lease(1, 10)).unwrap());
        assert!(
            !m.update6_sync(&lease(2, 30), &lease(2, 10)).unwrap(),
            "no lease to update"
        );
        assert!(m.add6_sync(&prefix(1, 0)).unwrap());
        assert_eq!(m.count6_sync(), 2);
        assert!(m.delete6_sync(&lease(1, 30)));
        assert!(!m.delete6_sync(&lease(1, 30)));
        assert_eq!(m.count6_sync(), 1);
    }

    // LC-116: an update replaces only the lease it read; once the stored lease has changed
    // (renewed by another worker), the update fails and leaves it alone.
    #[test]
    fn lc116_update_only_over_the_lease_read() {
        let m = memory();
        let read = prefix(1, 10);
        m.add6_sync(&read).unwrap();
        let renewed = prefix(1, 50);
        assert!(m.update6_sync(&renewed, &read).unwrap());
        let late = Lease6 {
            hostname: "late".into(),
            ..prefix(1, 60)
        };
        assert!(!m.update6_sync(&late, &read).unwrap(), "stale read");
        assert_eq!(m.get6_sync(LeaseType::Pd, read.address), Some(renewed));
    }

    // LC-116: a delete removes only the lease it read; once the stored lease has been renewed (by
    // another server sharing the database), the delete fails and the renewal stays.
    #[test]
    fn lc116_delete_only_the_lease_read() {
        let m = memory();
        let read = prefix(1, 10);
        m.add6_sync(&read).unwrap();
        let renewed = prefix(1, 50);
        assert!(m.update6_sync(&renewed, &read).unwrap());
        assert!(!m.delete6_sync(&read), "stale read");
        assert_eq!(
            m.get6_sync(LeaseType::Pd, read.address),
            Some(renewed.clone())
        );
        assert!(m.delete6_sync(&renewed));
        assert_eq!(m.count6_sync(), 0);
    }

    // V6-103: a lease without a DUID is refused unless declined, and nothing is stored.
    #[test]
    fn v6_103_leases_without_duid_are_refused() {
        let m = memory();
        for bad in [
            Lease6 {
                duid: Duid::EMPTY,
                ..lease(1, 0)
            },
            Lease6 {
                duid: Duid::new(&[]),
                state: LeaseState::Declined,
                ..lease(2, 0)
            },
            Lease6 {
                prefix_len: 129,
                ..prefix(3, 0)
            },
        ] {
            let err = m.add6_sync(&bad).unwrap_err();
            assert!(matches!(err, StoreError::InvalidLease { .. }), "{err}");
        }
        assert_eq!(m.count6_sync(), 0);
        let declined = Lease6 {
            duid: Duid::EMPTY,
            state: LeaseState::Declined,
            ..lease(1, 0)
        };
        assert!(m.add6_sync(&declined).unwrap());
        assert!(m
            .update6_sync(
                &Lease6 {
                    state: LeaseState::Default,
                    ..declined.clone()
                },
                &declined
            )
            .is_err());
    }

    // V6-045, LC-090: leases are found by DUID, IAID and type (optionally within a subnet), by
    // DUID and by hostname (ignoring case); the lookups follow updates.
    #[test]
    fn v6_045_client_lookups() {
        let m = memory();
        let na = Lease6 {
            hostname: "h.example.".into(),
            ..lease(1, 0)
        };
        let na2 = Lease6 {
            iaid: 2,
            subnet_id: 2,
            ..Lease6::new(addr(2), duid(1), 2, 2, 100, 0)
        };
        let pd = Lease6 {
            hostname: "h.example.".into(),
            ..prefix(1, 0)
        };
        for l in [&na, &na2, &pd] {
            assert!(m.add6_sync(l).unwrap());
        }
        let d = duid(1);
        assert_eq!(
            m.get6_by_duid_iaid_sync(LeaseType::Na, &d, 1, None),
            std::slice::from_ref(&na)
        );
        assert_eq!(m.get6_by_duid_iaid_sync(LeaseType::Na, &d, 2, Some(1)), []);
        assert_eq!(
            m.get6_by_duid_iaid_sync(LeaseType::Na, &d, 2, Some(2)),
            std::slice::from_ref(&na2)
        );
        assert_eq!(
            m.get6_by_duid_iaid_sync(LeaseType::Pd, &d, 1, None),
            std::slice::from_ref(&pd)
        );
        assert_eq!(
            m.get6_by_duid_sync(&d),
            [na.clone(), na2.clone(), pd.clone()]
        );
        assert_eq!(
            m.get6_by_hostname_sync("H.Example."),
            [na.clone(), pd.clone()]
        );
        m.update6_sync(
            &Lease6 {
                hostname: String::new(),
                duid: duid(9),
                ..na.clone()
            },
            &na,
        )
        .unwrap();
        assert_eq!(
            m.get6_by_hostname_sync("h.example."),
            std::slice::from_ref(&pd)
        );
        assert_eq!(m.get6_by_duid_sync(&d), [na2, pd]);
        assert_eq!(m.get6_by_duid_sync(&duid(9)).len(), 1);
    }

    // V6-095, V6-097: expired leases of both types not yet reclaimed, oldest first and limited;
    // reclaimed ones flushed after the hold time.
    #[test]
    fn expired_and_reclaimed() {
        let m = memory();
        m.add6_sync(&lease(1, 300)).unwrap(); // expires 400
        m.add6_sync(&prefix(2, 100)).unwrap(); // 200
        m.add6_sync(&Lease6 {
            state: LeaseState::ExpiredReclaimed,
            ..lease(3, 0)
        })
        .unwrap(); // 100
        let got = |now, limit| -> Vec<Ipv6Addr> {
            m.expired6_sync(now, limit)
                .iter()
                .map(|l| l.address)
                .collect()
        };
        assert!(got(199, 0).is_empty());
        assert_eq!(got(1000, 0), [prefix(2, 0).address, addr(1)]);
        assert_eq!(got(1000, 1), [prefix(2, 0).address]);
        assert_eq!(m.flush_reclaimed6_sync(150, 60), 0);
        assert_eq!(m.flush_reclaimed6_sync(160, 60), 1);
        assert_eq!(m.count6_sync(), 2);
    }

    // LC-085: one page sequence over addresses and prefixes, ascending.
    #[test]
    fn paging_mixes_types_in_address_order() {
        let m = memory();
        for l in [prefix(1, 0), lease(3, 0), lease(1, 0), prefix(0, 0)] {
            m.add6_sync(&l).unwrap();
        }
        let page = |from, limit| -> Vec<Ipv6Addr> {
            m.page6_sync(from, limit)
                .iter()
                .map(|l| l.address)
                .collect()
        };
        let all = [addr(1), addr(3), prefix(0, 0).address, prefix(1, 0).address];
        assert_eq!(page(None, 10), all);
        assert_eq!(page(Some(addr(1)), 2), all[1..3]);
        assert!(page(Some(all[3]), 10).is_empty());
    }

    // The trait's futures complete on first poll.
    #[test]
    fn trait_futures_are_ready_at_once() {
        let m = memory();
        assert!(now(m.add6(&lease(1, 0))).unwrap());
        assert!(now(m.update6(&lease(1, 5), &lease(1, 0))).unwrap());
        assert_eq!(
            now(m.get6(LeaseType::Na, addr(1))).unwrap(),
            Some(lease(1, 5))
        );
        assert_eq!(now(m.get6_by_duid(&duid(1))).unwrap().len(), 1);
        assert_eq!(
            now(m.get6_by_duid_iaid(LeaseType::Na, &duid(1), 1, None))
                .unwrap()
                .len(),
            1
        );
        assert!(now(m.get6_by_hostname("x")).unwrap().is_empty());
        assert_eq!(now(m.expired6(105, 0)).unwrap().len(), 1);
        assert_eq!(now(m.flush_reclaimed6(1000, 0)).unwrap(), 0);
        assert_eq!(now(m.page6(None, 5)).unwrap().len(), 1);
        assert_eq!(now(m.count6()).unwrap(), 1);
        now(m.flush()).unwrap();
        assert!(now(m.delete6(&lease(1, 5))).unwrap());
    }

    // CTL-089: persist false touches no file.
    #[test]
    fn ctl_089_memory_only_writes_nothing() {
        let d = dir("memonly");
        let (m, report) = Memfile6::open(MemfileOptions {
            path: d.join("l.csv"),
            ..MemfileOptions::in_memory()
        })
        .unwrap();
        m.add6_sync(&lease(1, 0)).unwrap();
        m.flush_sync().unwrap();
        assert_eq!(m.start_lfc().unwrap(), LfcStart::NotPersistent);
        assert_eq!(m.wait_lfc().unwrap(), None);
        assert_eq!(report, LoadReport::default());
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
    }

    // V6-101: renewals and a restart leave one lease with the last expiry; deletions and flushed
    // reclaimed leases stay deleted; rows reach the file only at flush; dropping flushes.
    #[test]
    fn v6_101_last_row_wins_across_restart() {
        let path = dir("restart").join("kea-leases6.csv");
        {
            let (m, _) = Memfile6::open(MemfileOptions::persistent(&path)).unwrap();
            m.add6_sync(&lease(1, 100)).unwrap();
            for (read, cltt) in [(100, 200), (200, 300), (300, 400)] {
                assert!(m.update6_sync(&lease(1, cltt), &lease(1, read)).unwrap());
            }
            m.add6_sync(&prefix(2, 100)).unwrap();
            assert!(m.delete6_sync(&prefix(2, 100)));
            m.add6_sync(&Lease6 {
                state: LeaseState::ExpiredReclaimed,
                ..lease(3, 0)
            })
            .unwrap();
            assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 1);
            m.flush_sync().unwrap();
            assert_eq!(m.flush_reclaimed6_sync(1000, 0), 1);
            m.add6_sync(&prefix(4, 7)).unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 1 + 4 + 2 + 1 + 1 + 1);
        let (m, report) = Memfile6::open(MemfileOptions::persistent(&path)).unwrap();
        assert_eq!((report.leases, report.rows, report.row_errors), (2, 9, 0));
        assert_eq!(m.get6_sync(LeaseType::Na, addr(1)), Some(lease(1, 400)));
        assert_eq!(
            m.get6_sync(LeaseType::Pd, prefix(4, 0).address),
            Some(prefix(4, 7))
        );
        assert_eq!(m.get6_by_duid_sync(&duid(1)).len(), 1);
    }

    // lease6-write (LC-142, LC-143): another file gets every lease of both types and an existing one
    // is kept as .bak<pid>; the live file is replaced in place and appends go on in the new one.
    #[test]
    fn write_leases_to_another_file_and_to_the_live_one() {
        let d = dir("write");
        let live = d.join("kea-leases6.csv");
        let (m, _) = Memfile6::open(MemfileOptions::persistent(&live)).unwrap();
        assert_eq!(m.lease_file(), Some(live.as_path()));
        m.add6_sync(&lease(1, 0)).unwrap();
        m.add6_sync(&prefix(1, 0)).unwrap();
        m.add6_sync(&lease(2, 0)).unwrap();
        assert!(m.delete6_sync(&lease(2, 0)));
        let other = d.join("copy.csv");
        std::fs::write(&other, "old").unwrap();
        m.write_leases(&other).unwrap();
        let bak = d.join(format!("copy.csv.bak{}", std::process::id()));
        assert_eq!(std::fs::read_to_string(&bak).unwrap(), "old");
        let (copy, report) = Memfile6::open(MemfileOptions::persistent(&other)).unwrap();
        assert_eq!(
            (report.rows, copy.page6_sync(None, 10)),
            (2, m.page6_sync(None, 10))
        );
        drop(copy);

        // Rows buffered but not flushed yet go to the old file, not twice to the new one.
        m.add6_sync(&lease(3, 0)).unwrap();
        m.write_leases(&live).unwrap();
        m.add6_sync(&lease(4, 0)).unwrap();
        m.flush_sync().unwrap();
        let text = std::fs::read_to_string(&live).unwrap();
        assert_eq!(
            text.lines().count(),
            1 + 4,
            "header and four leases: {text}"
        );
        let bak = d.join(format!("kea-leases6.csv.bak{}", std::process::id()));
        assert_eq!(std::fs::read_to_string(&bak).unwrap().lines().count(), 6);
        drop(m);
        let (m, report) = Memfile6::open(MemfileOptions::persistent(&live)).unwrap();
        assert_eq!((report.leases, report.row_errors), (4, 0));
        assert_eq!(
            m.get6_sync(LeaseType::Pd, prefix(1, 0).address),
            Some(prefix(1, 0))
        );
    }

    // A store without a file writes the copy all the same (the command does not need persistence).
    #[test]
    fn write_leases_from_memory() {
        let d = dir("write-mem");
        let m = memory();
        assert_eq!(m.lease_file(), None);
        m.add6_sync(&prefix(2, 0)).unwrap();
        m.write_leases(&d.join("copy.csv")).unwrap();
        let (copy, _) = Memfile6::open(MemfileOptions::persistent(d.join("copy.csv"))).unwrap();
        assert_eq!(copy.page6_sync(None, 10), [prefix(2, 0)]);
    }
}
