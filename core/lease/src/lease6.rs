//! The DHCPv6 lease record.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;

use crate::{Duid, HwAddr, LeaseState, StoreError};

/// What a DHCPv6 lease binds, numbered as in Kea's lease files and databases (CTL-087).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum LeaseType {
    /// A non-temporary address (IA_NA).
    Na = 0,
    /// A temporary address (IA_TA); Kea stores them but never allocates one.
    Ta = 1,
    /// A delegated prefix (IA_PD).
    Pd = 2,
}

impl LeaseType {
    /// The type with Kea's number `n`, if any.
    pub fn from_u32(n: u32) -> Option<Self> {
        match n {
            0 => Some(Self::Na),
            1 => Some(Self::Ta),
            2 => Some(Self::Pd),
            _ => None,
        }
    }

    /// Kea's number for the type.
    pub fn as_u32(self) -> u32 {
        self as u32
    }

    /// The name the management API uses (`IA_NA`, `IA_TA`, `IA_PD`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Na => "IA_NA",
            Self::Ta => "IA_TA",
            Self::Pd => "IA_PD",
        }
    }
}

impl fmt::Display for LeaseType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A lease type name that is not `IA_NA`, `IA_TA` or `IA_PD`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid lease type {0:?}: must be IA_NA, IA_TA or IA_PD")]
pub struct ParseLeaseTypeError(pub String);

/// Parses the management API's names, as Kea does (exact, upper case).
impl FromStr for LeaseType {
    type Err = ParseLeaseTypeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Na, Self::Ta, Self::Pd]
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| ParseLeaseTypeError(s.to_owned()))
    }
}

/// A DHCPv6 lease: an address (IA_NA, IA_TA) or a prefix (IA_PD) bound to one DUID and IAID until
/// `cltt + valid_lifetime`. The address is the key: no two leases of any type share it.
#[derive(Clone, PartialEq, Debug)]
pub struct Lease6 {
    /// The leased address, or the first address of the delegated prefix; the primary key.
    pub address: Ipv6Addr,
    /// Prefix length: 128 for addresses, the delegated length for prefixes.
    pub prefix_len: u8,
    /// Address or prefix.
    pub lease_type: LeaseType,
    /// The client's DUID; [`Duid::EMPTY`] on declined leases.
    pub duid: Duid,
    /// The identity association (IA) the lease belongs to.
    pub iaid: u32,
    /// Preferred lifetime in seconds.
    pub preferred_lifetime: u32,
    /// Valid lifetime in seconds; `u32::MAX` is infinite.
    pub valid_lifetime: u32,
    /// Client last transaction time, Unix seconds.
    pub cltt: u64,
    /// Subnet the lease belongs to.
    pub subnet_id: u32,
    /// Pool the lease was allocated from (0 when unknown).
    pub pool_id: u32,
    /// A forward DNS update was done for `hostname`.
    pub fqdn_fwd: bool,
    /// A reverse DNS update was done for `hostname`.
    pub fqdn_rev: bool,
    /// Client hostname (possibly empty).
    pub hostname: String,
    /// The client's hardware address with its type, when the server could learn it.
    pub hwaddr: Option<HwAddr>,
    /// How the hardware address was learned, Kea's bit values: 0 unknown, 1 raw socket, 2 DUID,
    /// 4 IPv6 link-local, 8 client link-layer address option, 16 remote-id, 32 subscriber-id,
    /// 64 DOCSIS CMTS, 128 DOCSIS modem (V6-087). Meaningless without `hwaddr`.
    pub hwaddr_source: u32,
    /// Lifecycle state.
    pub state: LeaseState,
    /// Free-form data attached by hooks or commands.
    pub user_context: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Lease6 {
    /// Expiration time, Unix seconds: `cltt + valid_lifetime`.
    pub fn expire(&self) -> u64 {
        self.cltt.saturating_add(u64::from(self.valid_lifetime))
    }

    /// True once the lease has expired at `now` (`expire <= now`, the bound
    /// [`LeaseStore6::expired6`](crate::LeaseStore6::expired6) uses).
    pub fn is_expired(&self, now: u64) -> bool {
        self.expire() <= now
    }

    /// Refuses a lease Kea's lease files and schemas could not hold, as every backend does before
    /// storing it ([`StoreError::InvalidLease`]): Kea writes no DUID-less lease unless it is
    /// declined (V6-103), and no prefix longer than an address.
    pub fn check_storable(&self) -> Result<(), StoreError> {
        let reason = if self.duid.as_bytes().is_empty() {
            "the DUID is empty"
        } else if self.duid == Duid::EMPTY && self.state != LeaseState::Declined {
            "only a declined lease may carry the empty DUID 00:00:00"
        } else if self.prefix_len > 128 {
            "the prefix length is above 128"
        } else {
            return Ok(());
        };
        Err(StoreError::InvalidLease {
            address: IpAddr::V6(self.address),
            reason,
        })
    }

    /// An IA_NA lease in state Default with no other client data, preferred lifetime equal to the
    /// valid one; for tests and builders (a prefix: set `lease_type` and `prefix_len`).
    pub fn new(
        address: Ipv6Addr,
        duid: Duid,
        iaid: u32,
        subnet_id: u32,
        valid_lifetime: u32,
        cltt: u64,
    ) -> Self {
        Self {
            address,
            prefix_len: 128,
            lease_type: LeaseType::Na,
            duid,
            iaid,
            preferred_lifetime: valid_lifetime,
            valid_lifetime,
            cltt,
            subnet_id,
            pool_id: 0,
            fqdn_fwd: false,
            fqdn_rev: false,
            hostname: String::new(),
            hwaddr: None,
            hwaddr_source: 0,
            state: LeaseState::Default,
            user_context: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_cltt_plus_valid_lifetime() {
        let l = Lease6::new(Ipv6Addr::LOCALHOST, Duid::new(&[1, 2, 3]), 7, 1, 3600, 1000);
        assert_eq!(
            (l.expire(), l.prefix_len, l.preferred_lifetime),
            (4600, 128, 3600)
        );
        assert!(!l.is_expired(4599) && l.is_expired(4600));
        let forever = Lease6 {
            valid_lifetime: u32::MAX,
            cltt: u64::MAX - 1,
            ..l
        };
        assert_eq!(forever.expire(), u64::MAX);
    }

    // CTL-087: lease types 0 IA_NA, 1 IA_TA, 2 IA_PD; the API's names.
    #[test]
    fn ctl_087_lease_type_numbers_and_names() {
        for (n, name) in [(0, "IA_NA"), (1, "IA_TA"), (2, "IA_PD")] {
            let t = LeaseType::from_u32(n).unwrap();
            assert_eq!((t.as_u32(), t.to_string()), (n, name.to_owned()));
            assert_eq!(name.parse(), Ok(t));
        }
        assert_eq!(LeaseType::from_u32(3), None);
        assert!("ia_na".parse::<LeaseType>().is_err());
    }
}
