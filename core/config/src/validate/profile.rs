//! What differs between the DHCPv4 and the DHCPv6 server where one builder
//! serves both: names, built-in defaults and wire rules, in one table per
//! family so the shared builders never test the family themselves.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ruru_proto::defs::Family;

/// One server's constants.
pub(crate) struct Profile {
    /// The option family (main space, code range, codec rules).
    pub(crate) family: Family,
    /// The top-level map: `Dhcp4` or `Dhcp6`.
    pub(crate) root: &'static str,
    /// The key of the subnet lists: `subnet4` or `subnet6`.
    pub(crate) subnets: &'static str,
    /// The highest option code (one byte in DHCPv4, two in DHCPv6).
    pub(crate) max_code: u32,
    /// Built-in `calculate-tee-times` (V4-064: false; V6-080: true).
    pub(crate) calculate_tee_times: bool,
    /// Built-in `t2-percent` (V4-064: .875; V6-080: .8).
    pub(crate) t2_percent: f64,
    /// Whether `allocator` may be `flq` (V4-055; DHCPv6 pools refuse it, V6-069).
    pub(crate) address_flq: bool,
    /// Whether a `prefix/len` address pool must be written with the first
    /// address of its prefix (V6-061; DHCPv4 masks it, V4-051).
    pub(crate) aligned_pool_prefix: bool,
    /// Built-in `socket-address` of an HTTP control socket (V6-009).
    pub(crate) control_address: IpAddr,
    /// Built-in `authentication.realm` of an HTTP control socket (V6-009).
    pub(crate) realm: &'static str,
    /// Built-in `host-reservation-identifiers` (V4-090, V6-114).
    pub(crate) host_identifiers: &'static [crate::model::HostIdType],
    /// The option whose value is an enterprise number and whose
    /// sub-options live in space `vendor-<number>` (125 `vivso-suboptions`,
    /// 17 `vendor-opts`; V4-122, V6-147).
    pub(crate) vendor_option: u16,
    /// Kea 2.2's space of DOCSIS3 definitions (`docsis3-v4`, `docsis3-v6`),
    /// which shares `vendor-4491`'s definitions and is never sent from.
    pub(crate) kea22_docsis_space: &'static str,
}

/// The DHCPv4 server.
pub(crate) static V4: Profile = Profile {
    family: Family::V4,
    root: "Dhcp4",
    subnets: "subnet4",
    max_code: 255,
    calculate_tee_times: false,
    t2_percent: 0.875,
    address_flq: true,
    aligned_pool_prefix: false,
    control_address: IpAddr::V4(Ipv4Addr::LOCALHOST),
    realm: "kea-dhcpv4-server",
    host_identifiers: &[
        crate::model::HostIdType::HwAddress,
        crate::model::HostIdType::Duid,
        crate::model::HostIdType::CircuitId,
        crate::model::HostIdType::ClientId,
    ],
    vendor_option: 125,
    kea22_docsis_space: "docsis3-v4",
};

/// The DHCPv6 server.
pub(crate) static V6: Profile = Profile {
    family: Family::V6,
    root: "Dhcp6",
    subnets: "subnet6",
    max_code: 65535,
    calculate_tee_times: true,
    t2_percent: 0.8,
    address_flq: false,
    aligned_pool_prefix: true,
    control_address: IpAddr::V6(Ipv6Addr::LOCALHOST),
    realm: "kea-dhcpv6-server",
    host_identifiers: &[
        crate::model::HostIdType::HwAddress,
        crate::model::HostIdType::Duid,
    ],
    vendor_option: 17,
    kea22_docsis_space: "docsis3-v6",
};

impl Profile {
    /// The family's top-level option space (`dhcp4`, `dhcp6`).
    pub(crate) fn main_space(&self) -> &'static str {
        self.family.main_space()
    }
}
