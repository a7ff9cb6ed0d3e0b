//! DHCPv4 host reservations read from Kea 2.2's host tables (CTL-094, V4-088): a
//! `hosts-database` shared with Kea, which Ruru reads and never writes.

use std::net::Ipv4Addr;

use ruru_config::{Host4, HostIdType};
use ruru_host::{HostSource4, Lookup};

use crate::host_row::{self, host_columns, Family, Statements, Tables};
use crate::lease6_row::Arg;
use crate::sql_hosts::SqlHosts4;

/// The lookups' common part in a dialect, `$int` its cast to a signed 64-bit integer, up to the
/// subnet parameter `$subnet`. A host's `dhcp4_subnet_id` is NULL when it has no DHCPv4
/// reservation, so no lookup finds it.
macro_rules! select4 {
    ($int:literal, $subnet:literal) => {
        concat!(
            "SELECT ",
            host_columns!($int, "4"),
            ", CAST(h.ipv4_address AS ",
            $int,
            "), CAST(h.dhcp4_next_server AS ",
            $int,
            "), h.dhcp4_server_hostname, h.dhcp4_boot_file_name \
             FROM hosts AS h LEFT JOIN dhcp4_options AS o ON o.host_id = h.host_id \
             WHERE h.dhcp4_subnet_id = ",
            $subnet
        )
    };
}

/// A dialect's statements, `$p1`.. its parameters.
macro_rules! statements4 {
    ($int:literal, $p1:literal, $p2:literal, $p3:literal) => {
        Statements {
            by_id: concat!(
                select4!($int, $p1),
                " AND h.dhcp_identifier_type = ",
                $p2,
                " AND h.dhcp_identifier = ",
                $p3,
                " ORDER BY h.host_id, o.option_id"
            ),
            by_resource: concat!(
                select4!($int, $p1),
                " AND h.ipv4_address = ",
                $p2,
                " ORDER BY h.host_id, o.option_id"
            ),
        }
    };
}

pub(crate) static TABLES: Tables = Tables {
    family: Family::V4,
    pg: statements4!("BIGINT", "$1", "$2", "$3"),
    my: statements4!("SIGNED", "?", "?", "?"),
};

impl HostSource4 for SqlHosts4 {
    fn get4<'a>(
        &'a self,
        subnet_id: u32,
        id_type: HostIdType,
        id: &'a [u8],
    ) -> Lookup<'a, Option<Host4>> {
        let params = host_row::id_params(subnet_id, id_type, id);
        Box::pin(async move {
            let found = self.hosts(subnet_id, |s| s.by_id, params).await?;
            Ok(found.into_iter().next())
        })
    }

    fn get4_by_address(&self, subnet_id: u32, addr: Ipv4Addr) -> Lookup<'_, Vec<Host4>> {
        let params = vec![Arg::Int(subnet_id.into()), Arg::Int(u32::from(addr).into())];
        Box::pin(self.hosts(subnet_id, |s| s.by_resource, params))
    }
}
