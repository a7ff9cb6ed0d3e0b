//! The DHCPv4 lease record.

use std::net::Ipv4Addr;

use crate::{ClientId, HwAddr};

/// Lifecycle state of a lease, numbered as in Kea's lease files and databases (V4-076).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, Default)]
#[repr(u8)]
pub enum LeaseState {
    /// Assigned to a client.
    #[default]
    Default = 0,
    /// Declined by a client; the address is held for the probation period.
    Declined = 1,
    /// Expired and reclaimed; kept only for lease affinity.
    ExpiredReclaimed = 2,
    /// Released by the client and kept for lease affinity.
    Released = 3,
}

impl LeaseState {
    /// The state with Kea's number `n`, if any.
    pub fn from_u32(n: u32) -> Option<Self> {
        match n {
            0 => Some(Self::Default),
            1 => Some(Self::Declined),
            2 => Some(Self::ExpiredReclaimed),
            3 => Some(Self::Released),
            _ => None,
        }
    }

    /// Kea's number for the state.
    pub fn as_u32(self) -> u32 {
        self as u32
    }
}

/// A DHCPv4 lease: one address bound to one client until `cltt + valid_lifetime`.
#[derive(Clone, PartialEq, Debug)]
pub struct Lease4 {
    /// The leased address; the primary key.
    pub address: Ipv4Addr,
    /// The client's hardware address (absent on declined leases).
    pub hwaddr: Option<HwAddr>,
    /// The client identifier (option 61), if the client sent one.
    pub client_id: Option<ClientId>,
    /// Valid lifetime in seconds; `u32::MAX` is infinite.
    pub valid_lifetime: u32,
    /// Client last transaction time, Unix seconds.
    pub cltt: u64,
    /// Subnet the lease belongs to.
    pub subnet_id: u32,
    /// A forward DNS update was done for `hostname`.
    pub fqdn_fwd: bool,
    /// A reverse DNS update was done for `hostname`.
    pub fqdn_rev: bool,
    /// Client hostname (possibly empty).
    pub hostname: String,
    /// Lifecycle state.
    pub state: LeaseState,
    /// Free-form data attached by hooks or commands.
    pub user_context: Option<serde_json::Map<String, serde_json::Value>>,
    /// Pool the address was allocated from (0 when unknown).
    pub pool_id: u32,
}

impl Lease4 {
    /// Expiration time, Unix seconds: `cltt + valid_lifetime`.
    pub fn expire(&self) -> u64 {
        self.cltt.saturating_add(u64::from(self.valid_lifetime))
    }

    /// True once the lease has expired at `now` (`expire <= now`, the same bound
    /// [`LeaseStore4::expired4`](crate::LeaseStore4::expired4) uses).
    pub fn is_expired(&self, now: u64) -> bool {
        self.expire() <= now
    }

    /// A lease in state Default with no client data, for tests and builders.
    pub fn new(address: Ipv4Addr, subnet_id: u32, valid_lifetime: u32, cltt: u64) -> Self {
        Self {
            address,
            hwaddr: None,
            client_id: None,
            valid_lifetime,
            cltt,
            subnet_id,
            fqdn_fwd: false,
            fqdn_rev: false,
            hostname: String::new(),
            state: LeaseState::Default,
            user_context: None,
            pool_id: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_cltt_plus_lifetime() {
        let l = Lease4::new(Ipv4Addr::new(192, 0, 2, 1), 1, 3600, 1000);
        assert_eq!(l.expire(), 4600);
        assert!(!l.is_expired(4599));
        assert!(l.is_expired(4600));
        let forever = Lease4 {
            valid_lifetime: u32::MAX,
            cltt: u64::MAX - 5,
            ..l
        };
        assert_eq!(forever.expire(), u64::MAX);
    }

    // V4-076: the four states and their numbers.
    #[test]
    fn v4_076_state_numbers() {
        for n in 0..4 {
            assert_eq!(LeaseState::from_u32(n).map(LeaseState::as_u32), Some(n));
        }
        assert_eq!(LeaseState::from_u32(4), None);
    }
}
