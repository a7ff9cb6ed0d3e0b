//! DHCPv6 host reservations read from Kea 2.2's host tables (CTL-094, V6-108): a
//! `hosts-database` shared with Kea, which Ruru reads and never writes.

use std::net::Ipv6Addr;

use ruru_config::{Host6, HostIdType};
use ruru_host::{HostSource6, Lookup};

use crate::host_row::{self, host_columns, Family, Statements, Tables};
use crate::lease6_row::Arg;
use crate::sql_hosts::SqlHosts6;

/// The lookups' common part in a dialect, `$int` its cast to a signed 64-bit integer, up to the
/// subnet parameter `$subnet`: each host with its options and its reservations (`r`, NULL when
/// it has none). A host's `dhcp6_subnet_id` is NULL when it has no DHCPv6 reservation, so no
/// lookup finds it.
macro_rules! select6 {
    ($int:literal, $subnet:literal) => {
        concat!(
            "SELECT ",
            host_columns!($int, "6"),
            ", CAST(r.reservation_id AS ",
            $int,
            "), r.address, CAST(r.prefix_len AS ",
            $int,
            "), CAST(r.type AS ",
            $int,
            ") FROM hosts AS h LEFT JOIN dhcp6_options AS o ON o.host_id = h.host_id \
             LEFT JOIN ipv6_reservations AS r ON r.host_id = h.host_id \
             WHERE h.dhcp6_subnet_id = ",
            $subnet
        )
    };
}

/// A dialect's statements, `$p1`.. its parameters. A resource is matched on its address text
/// (the canonical form Kea writes) and length, which Kea's `key_dhcp6_address_prefix_len` index
/// serves.
macro_rules! statements6 {
    ($int:literal, $p1:literal, $p2:literal, $p3:literal) => {
        Statements {
            by_id: concat!(
                select6!($int, $p1),
                " AND h.dhcp_identifier_type = ",
                $p2,
                " AND h.dhcp_identifier = ",
                $p3,
                " ORDER BY h.host_id, o.option_id, r.reservation_id"
            ),
            by_resource: concat!(
                select6!($int, $p1),
                " AND h.host_id IN (SELECT m.host_id FROM ipv6_reservations AS m \
                 WHERE m.address = ",
                $p2,
                " AND m.prefix_len = ",
                $p3,
                ") ORDER BY h.host_id, o.option_id, r.reservation_id"
            ),
        }
    };
}

pub(crate) static TABLES: Tables = Tables {
    family: Family::V6,
    pg: statements6!("BIGINT", "$1", "$2", "$3"),
    my: statements6!("SIGNED", "?", "?", "?"),
};

impl HostSource6 for SqlHosts6 {
    fn get6<'a>(
        &'a self,
        subnet_id: u32,
        id_type: HostIdType,
        id: &'a [u8],
    ) -> Lookup<'a, Option<Host6>> {
        let params = host_row::id_params(subnet_id, id_type, id);
        Box::pin(async move {
            let found = self.hosts(subnet_id, |s| s.by_id, params).await?;
            Ok(found.into_iter().next())
        })
    }

    fn get6_by_resource(&self, subnet_id: u32, addr: Ipv6Addr, len: u8) -> Lookup<'_, Vec<Host6>> {
        let params = vec![
            Arg::Int(subnet_id.into()),
            Arg::Text(addr.to_string()),
            Arg::Int(len.into()),
        ];
        Box::pin(self.hosts(subnet_id, |s| s.by_resource, params))
    }
}
