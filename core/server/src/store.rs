//! The lease store a server runs on, chosen by `lease-database`: memfile, or a SQL database shared
//! with other servers (and with Kea). One enum for both families; the engine sees only the
//! `LeaseStore4`/`LeaseStore6` traits.

use ruru_lease::{
    ClientId, Duid, HwAddr, Lease4, Lease6, LeaseStore4, LeaseStore6, LeaseType, LfcStart,
    Memfile4, Memfile6, StoreError,
};
use ruru_lease_sql::{Db, SqlLeases4, SqlLeases6};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::Path;

/// A server's lease store.
pub(crate) enum Leases<M, S> {
    /// The in-memory store with its CSV file.
    Memfile(M),
    /// PostgreSQL or MySQL over Kea's schema.
    Sql(S),
}

/// The DHCPv4 server's store.
pub(crate) type Leases4 = Leases<Memfile4, SqlLeases4>;
/// The DHCPv6 server's store.
pub(crate) type Leases6 = Leases<Memfile6, SqlLeases6>;

/// What the process does with a memfile that a database has no counterpart for.
pub(crate) trait MemfileBackend {
    fn lease_file(&self) -> Option<&Path>;
    fn write_leases(&self, path: &Path) -> Result<(), StoreError>;
    fn start_lfc(&self) -> Result<LfcStart, StoreError>;
}

/// The database under a SQL store.
pub(crate) trait SqlBackend {
    fn db(&self) -> &Db;
}

macro_rules! memfile_backend {
    ($($t:ty),*) => {$(
        impl MemfileBackend for $t {
            fn lease_file(&self) -> Option<&Path> {
                <$t>::lease_file(self)
            }
            fn write_leases(&self, path: &Path) -> Result<(), StoreError> {
                <$t>::write_leases(self, path)
            }
            fn start_lfc(&self) -> Result<LfcStart, StoreError> {
                <$t>::start_lfc(self)
            }
        }
    )*};
}
memfile_backend!(Memfile4, Memfile6);

macro_rules! sql_backend {
    ($($t:ty),*) => {$(
        impl SqlBackend for $t {
            fn db(&self) -> &Db {
                <$t>::db(self)
            }
        }
    )*};
}
sql_backend!(SqlLeases4, SqlLeases6);

/// Kea's refusal of an operation only its memfile backend has (LC-123, LC-141).
fn memfile_only(what: &str, db: &Db) -> StoreError {
    StoreError::Backend {
        unavailable: false,
        reason: format!(
            "{what} is not supported by the {} lease backend, only by memfile",
            match db.kind() {
                ruru_config::SqlKind::Mysql => "MySQL",
                ruru_config::SqlKind::Postgresql => "PostgreSQL",
            }
        ),
    }
}

impl<M: MemfileBackend, S: SqlBackend> Leases<M, S> {
    /// The memfile's CSV file, if any.
    pub(crate) fn lease_file(&self) -> Option<&Path> {
        match self {
            Leases::Memfile(m) => m.lease_file(),
            Leases::Sql(_) => None,
        }
    }

    /// `lease4-write`/`lease6-write`: memfile only (LC-141).
    pub(crate) fn write_leases(&self, path: &Path) -> Result<(), StoreError> {
        match self {
            Leases::Memfile(m) => m.write_leases(path),
            Leases::Sql(s) => Err(memfile_only("writing leases to a file", s.db())),
        }
    }

    /// Lease file cleanup: a database has no file to clean.
    pub(crate) fn start_lfc(&self) -> Result<LfcStart, StoreError> {
        match self {
            Leases::Memfile(m) => m.start_lfc(),
            Leases::Sql(_) => Ok(LfcStart::NotPersistent),
        }
    }

    /// Refuses what Kea does only on memfile (`lease*-wipe`, LC-123).
    pub(crate) fn memfile_only(&self, what: &str) -> Result<(), StoreError> {
        match self {
            Leases::Memfile(_) => Ok(()),
            Leases::Sql(s) => Err(memfile_only(what, s.db())),
        }
    }
}

/// What the process asks of any family's store.
pub(crate) trait ServerStore {
    /// The database, for the `on-fail` watcher; `None` for memfile.
    fn sql_db(&self) -> Option<&Db>;
}

impl<M, S: SqlBackend> ServerStore for Leases<M, S> {
    fn sql_db(&self) -> Option<&Db> {
        match self {
            Leases::Memfile(_) => None,
            Leases::Sql(s) => Some(s.db()),
        }
    }
}

/// Forwards a store method to the backend in use.
macro_rules! forward {
    ($self:ident, $b:ident => $call:expr) => {
        match $self {
            Leases::Memfile($b) => $call.await,
            Leases::Sql($b) => $call.await,
        }
    };
}

impl<M: LeaseStore4, S: LeaseStore4 + SqlBackend> LeaseStore4 for Leases<M, S> {
    async fn get4(&self, a: Ipv4Addr) -> Result<Option<Lease4>, StoreError> {
        forward!(self, b => b.get4(a))
    }
    async fn get4_by_hwaddr(&self, hw: &HwAddr) -> Result<Vec<Lease4>, StoreError> {
        forward!(self, b => b.get4_by_hwaddr(hw))
    }
    async fn get4_by_client_id(&self, id: &ClientId) -> Result<Vec<Lease4>, StoreError> {
        forward!(self, b => b.get4_by_client_id(id))
    }
    async fn get4_by_hostname(&self, name: &str) -> Result<Vec<Lease4>, StoreError> {
        forward!(self, b => b.get4_by_hostname(name))
    }
    async fn add4(&self, lease: &Lease4) -> Result<bool, StoreError> {
        forward!(self, b => b.add4(lease))
    }
    async fn update4(&self, lease: &Lease4, read: &Lease4) -> Result<bool, StoreError> {
        forward!(self, b => b.update4(lease, read))
    }
    async fn delete4(&self, read: &Lease4) -> Result<bool, StoreError> {
        forward!(self, b => b.delete4(read))
    }
    async fn wipe4(&self, ids: &[u32]) -> Result<Vec<Lease4>, StoreError> {
        forward!(self, b => b.wipe4(ids))
    }
    async fn expired4(&self, now: u64, limit: usize) -> Result<Vec<Lease4>, StoreError> {
        forward!(self, b => b.expired4(now, limit))
    }
    async fn flush_reclaimed4(&self, now: u64, hold_secs: u64) -> Result<usize, StoreError> {
        forward!(self, b => b.flush_reclaimed4(now, hold_secs))
    }
    async fn page4(&self, from: Option<Ipv4Addr>, limit: usize) -> Result<Vec<Lease4>, StoreError> {
        forward!(self, b => b.page4(from, limit))
    }
    async fn count4(&self) -> Result<usize, StoreError> {
        forward!(self, b => b.count4())
    }
    async fn flush(&self) -> Result<(), StoreError> {
        forward!(self, b => LeaseStore4::flush(b))
    }
}

impl<M: LeaseStore6, S: LeaseStore6 + SqlBackend> LeaseStore6 for Leases<M, S> {
    async fn get6(&self, t: LeaseType, a: Ipv6Addr) -> Result<Option<Lease6>, StoreError> {
        forward!(self, b => b.get6(t, a))
    }
    async fn get6_by_duid_iaid(
        &self,
        t: LeaseType,
        duid: &Duid,
        iaid: u32,
        subnet_id: Option<u32>,
    ) -> Result<Vec<Lease6>, StoreError> {
        forward!(self, b => b.get6_by_duid_iaid(t, duid, iaid, subnet_id))
    }
    async fn get6_by_duid(&self, duid: &Duid) -> Result<Vec<Lease6>, StoreError> {
        forward!(self, b => b.get6_by_duid(duid))
    }
    async fn get6_by_hostname(&self, hostname: &str) -> Result<Vec<Lease6>, StoreError> {
        forward!(self, b => b.get6_by_hostname(hostname))
    }
    async fn add6(&self, lease: &Lease6) -> Result<bool, StoreError> {
        forward!(self, b => b.add6(lease))
    }
    async fn update6(&self, lease: &Lease6, read: &Lease6) -> Result<bool, StoreError> {
        forward!(self, b => b.update6(lease, read))
    }
    async fn delete6(&self, read: &Lease6) -> Result<bool, StoreError> {
        forward!(self, b => b.delete6(read))
    }
    async fn expired6(&self, now: u64, limit: usize) -> Result<Vec<Lease6>, StoreError> {
        forward!(self, b => b.expired6(now, limit))
    }
    async fn flush_reclaimed6(&self, now: u64, hold_secs: u64) -> Result<usize, StoreError> {
        forward!(self, b => b.flush_reclaimed6(now, hold_secs))
    }
    async fn page6(&self, from: Option<Ipv6Addr>, limit: usize) -> Result<Vec<Lease6>, StoreError> {
        forward!(self, b => b.page6(from, limit))
    }
    async fn count6(&self) -> Result<usize, StoreError> {
        forward!(self, b => b.count6())
    }
    async fn flush(&self) -> Result<(), StoreError> {
        forward!(self, b => LeaseStore6::flush(b))
    }
}
