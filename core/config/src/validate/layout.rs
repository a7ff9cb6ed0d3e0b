//! What the family-independent builders read of a server's subnet lists:
//! `subnetN` and `shared-networks[].subnetN`, through the key groups both
//! families share. `v4` and `v6` implement these for their wire structs.

use crate::wire::{NetworkView, SubnetView};

/// A `subnet4` or `subnet6` entry.
pub(crate) trait WireSubnet {
    /// The keys every family's subnet has.
    fn view(&self) -> SubnetView<'_>;
}

/// A `shared-networks` entry.
pub(crate) trait WireNetwork {
    /// The family's subnet map.
    type Subnet: WireSubnet;
    /// The keys every family's network has.
    fn view(&self) -> NetworkView<'_>;
    /// The member subnets.
    fn subnets(&self) -> &[Self::Subnet];
}

/// A `Dhcp4` or `Dhcp6` map.
pub(crate) trait WireServer {
    /// The family's shared-network map.
    type Network: WireNetwork;
    /// `shared-networks`.
    fn networks(&self) -> &[Self::Network];
    /// The plain subnet list.
    fn subnets(&self) -> &[<Self::Network as WireNetwork>::Subnet];
}

/// Implements the three traits for one family's wire structs; `$list` is
/// the subnet list key (`subnet4`, `subnet6`).
macro_rules! wire_layout {
    ($server:ty, $network:ty, $subnet:ty, $list:ident) => {
        impl crate::validate::layout::WireSubnet for $subnet {
            fn view(&self) -> crate::wire::SubnetView<'_> {
                self.common()
            }
        }

        impl crate::validate::layout::WireNetwork for $network {
            type Subnet = $subnet;

            fn view(&self) -> crate::wire::NetworkView<'_> {
                self.common()
            }

            fn subnets(&self) -> &[$subnet] {
                &self.$list
            }
        }

        impl crate::validate::layout::WireServer for $server {
            type Network = $network;

            fn networks(&self) -> &[$network] {
                &self.shared_networks
            }

            fn subnets(&self) -> &[$subnet] {
                &self.$list
            }
        }
    };
}

pub(crate) use wire_layout;
