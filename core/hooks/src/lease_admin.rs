//! The lease storage plugins reach through the host's lease services (ABI 1.1 for DHCPv4, 1.2 for
//! DHCPv6): what a server provides ([`LeaseAdmin4`], [`LeaseAdmin6`]) and where it registers it.
//!
//! One registration per process rather than per [`crate::HookSet`]: the store and statistics belong to
//! the server, not to a plugin list, and plugins may call from their own threads, where no callout
//! handle would say which set they belong to.

use ruru_lease::{Lease4, Lease6, LeaseType};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};

/// Why a lease service failed; each maps to one `RURU_ERR_*` code, the text goes to the plugin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminError {
    /// No lease storage in this process (`-T`, or services of the other family).
    #[error("lease storage is not available in this process")]
    Unavailable,
    /// No such lease or subnet.
    #[error("not found")]
    NotFound,
    /// A lease already holds the address.
    #[error("a lease for {0} already exists")]
    Exists(Ipv4Addr),
    /// A DHCPv6 lease (of any type) already holds the address.
    #[error("a lease for {0} already exists")]
    Exists6(Ipv6Addr),
    /// The request is malformed (the text says how).
    #[error("{0}")]
    Invalid(String),
    /// The configured backend cannot do this.
    #[error("{0}")]
    Unsupported(String),
    /// The backend failed.
    #[error("{0}")]
    Backend(String),
    /// A packet being processed holds the address (LC-021); the text is Kea's.
    #[error("{0}")]
    Busy(String),
}

/// A configured DHCPv4 subnet as plugins see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetInfo4 {
    /// The subnet id.
    pub id: u32,
    /// The prefix address, as configured.
    pub prefix: Ipv4Addr,
    /// The prefix length.
    pub prefix_len: u8,
    /// The default valid lifetime, seconds.
    pub valid_lifetime: u32,
}

/// The DHCPv4 lease storage of a running server, as administrators change it: every change is kept in
/// the server's statistics and in its backend. Methods block until the backend answered.
pub trait LeaseAdmin4: Send + Sync {
    /// The lease of `addr`.
    fn get(&self, addr: Ipv4Addr) -> Result<Option<Lease4>, AdminError>;
    /// Leases whose hardware address has the bytes `hw`, by address.
    fn by_hw_address(&self, hw: &[u8]) -> Result<Vec<Lease4>, AdminError>;
    /// Leases of client identifier `id`, by address.
    fn by_client_id(&self, id: &[u8]) -> Result<Vec<Lease4>, AdminError>;
    /// Leases whose host name is `name` ignoring ASCII case, by address.
    fn by_hostname(&self, name: &str) -> Result<Vec<Lease4>, AdminError>;
    /// At most `limit` leases above `after`, ascending.
    fn page(&self, after: Option<Ipv4Addr>, limit: usize) -> Result<Vec<Lease4>, AdminError>;
    /// Stores a new lease; [`AdminError::Exists`] when the address has one.
    fn add(&self, lease: &Lease4) -> Result<(), AdminError>;
    /// Replaces the lease at `lease.address`; [`AdminError::NotFound`] when there is none.
    fn update(&self, lease: &Lease4) -> Result<(), AdminError>;
    /// Deletes the lease of `addr` and returns it; [`AdminError::NotFound`] when there is none.
    fn delete(&self, addr: Ipv4Addr) -> Result<Lease4, AdminError>;
    /// Deletes every lease of the subnets `ids`; how many.
    fn wipe(&self, ids: &[u32]) -> Result<usize, AdminError>;
    /// Writes every lease to the file `filename` names (the server's path rules apply); the path
    /// written.
    fn write(&self, filename: &str) -> Result<PathBuf, AdminError>;
    /// Configured subnets, in configuration order.
    fn subnets(&self) -> Result<Vec<SubnetInfo4>, AdminError>;
    /// The subnet selected for `addr`: the first holding it that no client class guards.
    fn select_subnet(&self, addr: Ipv4Addr) -> Result<Option<SubnetInfo4>, AdminError>;
    /// Queues a NameChangeRequest (`add`, else remove) for `lease`'s DNS records;
    /// [`AdminError::Unsupported`] when DDNS updates are off, [`AdminError::Invalid`] when the
    /// lease has nothing in DNS, [`AdminError::Busy`] when the queue is full.
    fn queue_ncr(&self, add: bool, lease: &Lease4) -> Result<(), AdminError>;
    /// Whether the server sends NameChangeRequests at all.
    fn ddns_enabled(&self) -> bool;
}

/// A configured DHCPv6 subnet as plugins see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetInfo6 {
    /// The subnet id.
    pub id: u32,
    /// The prefix address, as configured.
    pub prefix: Ipv6Addr,
    /// The prefix length.
    pub prefix_len: u8,
    /// The default valid lifetime, seconds.
    pub valid_lifetime: u32,
    /// The default preferred lifetime, seconds.
    pub preferred_lifetime: u32,
}

/// The DHCPv6 lease storage of a running server, as administrators change it: every change is kept in
/// the server's statistics (`assigned-nas`/`assigned-pds`, `declined-addresses`, per subnet and pool)
/// and in its backend. Methods block until the backend answered. Addresses and prefixes share one
/// address space: a prefix is named by its first address, and no two leases of any type share an
/// address.
pub trait LeaseAdmin6: Send + Sync {
    /// The lease of type `lease_type` at `addr` (`None` when the lease there has another type).
    fn get(&self, lease_type: LeaseType, addr: Ipv6Addr) -> Result<Option<Lease6>, AdminError>;
    /// Leases of type `lease_type` that the DUID with the bytes `duid` holds for IA `iaid`, in subnet
    /// `subnet_id` when given, by address.
    fn by_duid_iaid(
        &self,
        lease_type: LeaseType,
        duid: &[u8],
        iaid: u32,
        subnet_id: Option<u32>,
    ) -> Result<Vec<Lease6>, AdminError>;
    /// Leases of any type held by the DUID with the bytes `duid`, by address.
    fn by_duid(&self, duid: &[u8]) -> Result<Vec<Lease6>, AdminError>;
    /// Leases whose host name is `name` ignoring ASCII case, by address.
    fn by_hostname(&self, name: &str) -> Result<Vec<Lease6>, AdminError>;
    /// At most `limit` leases of every type above `after`, ascending.
    fn page(&self, after: Option<Ipv6Addr>, limit: usize) -> Result<Vec<Lease6>, AdminError>;
    /// Stores a new lease; [`AdminError::Exists6`] when a lease of any type holds the address.
    fn add(&self, lease: &Lease6) -> Result<(), AdminError>;
    /// Replaces the lease at `lease.address`; [`AdminError::NotFound`] when there is none.
    fn update(&self, lease: &Lease6) -> Result<(), AdminError>;
    /// Deletes the lease of type `lease_type` at `addr` and returns it; [`AdminError::NotFound`] when
    /// there is none.
    fn delete(&self, lease_type: LeaseType, addr: Ipv6Addr) -> Result<Lease6, AdminError>;
    /// Deletes every lease of the subnets `ids`; how many.
    fn wipe(&self, ids: &[u32]) -> Result<usize, AdminError>;
    /// Writes every lease to the file `filename` names in the memfile v6 format (the server's path
    /// rules apply, as for [`LeaseAdmin4::write`]); the path written.
    fn write(&self, filename: &str) -> Result<PathBuf, AdminError>;
    /// Configured subnets, in configuration order.
    fn subnets(&self) -> Result<Vec<SubnetInfo6>, AdminError>;
    /// The subnet selected for `addr`: the first holding it that no client class guards.
    fn select_subnet(&self, addr: Ipv6Addr) -> Result<Option<SubnetInfo6>, AdminError>;
    /// [`LeaseAdmin4::queue_ncr`] for an address lease (a prefix is [`AdminError::Invalid`]).
    fn queue_ncr(&self, add: bool, lease: &Lease6) -> Result<(), AdminError>;
    /// Whether the server sends NameChangeRequests at all.
    fn ddns_enabled(&self) -> bool;
}

/// One process-wide registration of a family's lease storage.
struct Registration<T: ?Sized>(RwLock<Option<Arc<T>>>);

impl<T: ?Sized> Registration<T> {
    const fn new() -> Self {
        Registration(RwLock::new(None))
    }

    fn set(&self, admin: Option<Arc<T>>) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = admin;
    }

    fn get(&self) -> Result<Arc<T>, AdminError> {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or(AdminError::Unavailable)
    }
}

static ADMIN4: Registration<dyn LeaseAdmin4> = Registration::new();
static ADMIN6: Registration<dyn LeaseAdmin6> = Registration::new();

/// Makes `admin` the lease storage the v4 services reach, replacing any earlier one (`None` removes it).
pub fn install_lease_admin4(admin: Option<Arc<dyn LeaseAdmin4>>) {
    ADMIN4.set(admin);
}

/// Makes `admin` the lease storage the v6 services (ABI 1.2) reach, replacing any earlier one (`None`
/// removes it). A DHCPv6 server calls it once its lease store and configuration exist.
pub fn install_lease_admin6(admin: Option<Arc<dyn LeaseAdmin6>>) {
    ADMIN6.set(admin);
}

/// The installed DHCPv4 lease storage.
pub(crate) fn lease_admin4() -> Result<Arc<dyn LeaseAdmin4>, AdminError> {
    ADMIN4.get()
}

/// The installed DHCPv6 lease storage.
pub(crate) fn lease_admin6() -> Result<Arc<dyn LeaseAdmin6>, AdminError> {
    ADMIN6.get()
}
