//! What the family-independent builders read of a server's subnet lists:
//! `subnetN` and `shared-networks[].subnetN`, with each subnet's `id` and
//! `subnet` text. `v4` and `v6` implement these for their wire structs.

/// A `subnet4` or `subnet6` entry.
pub(crate) trait WireSubnet {
    /// `id` as written.
    fn id(&self) -> Option<i64>;
    /// `subnet` as written.
    fn subnet(&self) -> Option<&str>;
}

/// The keys of a `shared-networks` entry that become the family-independent
/// [`SharedNetwork`](crate::model::SharedNetwork).
pub(crate) struct NetworkCommon<'a> {
    /// `option-data`.
    pub(crate) option_data: &'a [crate::wire::OptionData],
    /// `require-client-classes`.
    pub(crate) require_client_classes: &'a [String],
    /// `user-context`.
    pub(crate) user_context: &'a Option<crate::wire::Map>,
    /// `comment`.
    pub(crate) comment: &'a Option<String>,
}

/// A `shared-networks` entry.
pub(crate) trait WireNetwork {
    /// The family's subnet map.
    type Subnet: WireSubnet;
    /// `name` as written.
    fn name(&self) -> Option<&str>;
    /// The member subnets.
    fn subnets(&self) -> &[Self::Subnet];
    /// The keys every family's network has.
    fn common(&self) -> NetworkCommon<'_>;
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

/// Implements the three traits for one family's wire structs.
macro_rules! wire_layout {
    ($server:ty, $network:ty, $subnet:ty, $list:ident) => {
        impl crate::validate::layout::WireSubnet for $subnet {
            fn id(&self) -> Option<i64> {
                self.id
            }

            fn subnet(&self) -> Option<&str> {
                self.subnet.as_deref()
            }
        }

        impl crate::validate::layout::WireNetwork for $network {
            type Subnet = $subnet;

            fn name(&self) -> Option<&str> {
                self.name.as_deref()
            }

            fn subnets(&self) -> &[$subnet] {
                &self.$list
            }

            fn common(&self) -> crate::validate::layout::NetworkCommon<'_> {
                crate::validate::layout::NetworkCommon {
                    option_data: &self.option_data,
                    require_client_classes: &self.require_client_classes,
                    user_context: &self.user_context,
                    comment: &self.comment,
                }
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
