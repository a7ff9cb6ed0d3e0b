//! The host sources over a database, written once for both families: a connection and the running
//! configuration that builds each host's rows into a reservation.

use std::sync::Arc;

use ruru_config::{ConfigError, Dhcp4Config, Dhcp6Config, Host4, Host6, SqlDatabase};
use serde_json::Value;

use crate::conn::Db;
use crate::host_row::{self, Statements};
use crate::lease6_row::Arg;
use crate::SqlError;

/// A server's configuration as a host source uses it.
pub trait HostConfig: Send + Sync + 'static {
    /// The family's reservation.
    type Host: Send + 'static;
    /// Whether the family is DHCPv6 (which host tables and statements are read).
    const V6: bool;
    /// Builds one host's reservation map of subnet `subnet_id` (0: global).
    fn reservation(&self, subnet_id: u32, map: &Value) -> Result<Self::Host, ConfigError>;
}

impl HostConfig for Dhcp4Config {
    type Host = Host4;
    const V6: bool = false;
    fn reservation(&self, subnet_id: u32, map: &Value) -> Result<Host4, ConfigError> {
        self.reservation_from_json(subnet_id, map)
    }
}

impl HostConfig for Dhcp6Config {
    type Host = Host6;
    const V6: bool = true;
    fn reservation(&self, subnet_id: u32, map: &Value) -> Result<Host6, ConfigError> {
        self.reservation_from_json(subnet_id, map)
    }
}

/// Host reservations on PostgreSQL or MySQL/MariaDB over Kea 2.2's schema, built against the
/// running configuration (its option definitions, its subnets' bounds). A host whose rows do not
/// make a valid reservation is logged (`kea-dhcp4.hosts`, `kea-dhcp6.hosts`) and skipped.
pub struct SqlHosts<C> {
    db: Db,
    config: Arc<C>,
}

/// DHCPv4 reservations from a database.
pub type SqlHosts4 = SqlHosts<Dhcp4Config>;
/// DHCPv6 reservations from a database.
pub type SqlHosts6 = SqlHosts<Dhcp6Config>;

impl<C: HostConfig> SqlHosts<C> {
    /// Connects to `params` and checks the schema; a missing one is created unless `readonly`
    /// is set, which makes it an error (CTL-095).
    pub async fn open(params: &SqlDatabase, config: Arc<C>) -> Result<Self, SqlError> {
        Ok(Self::from_db(host_row::connect(params).await?, config))
    }

    /// A source over `db` without checking it (a connection made later: `retry-on-startup`).
    pub fn from_db(db: Db, config: Arc<C>) -> Self {
        SqlHosts { db, config }
    }

    /// The database handle (reconnection probes, closing).
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The hosts of subnet `subnet_id` statement `pick` finds with `params`.
    pub(crate) async fn hosts(
        &self,
        subnet_id: u32,
        pick: fn(&Statements) -> &'static str,
        params: Vec<Arg>,
    ) -> Result<Vec<C::Host>, ruru_host::StoreError> {
        let tables = if C::V6 {
            &crate::hosts6::TABLES
        } else {
            &crate::hosts4::TABLES
        };
        host_row::hosts(&self.db, tables, pick, params, |map| {
            self.config.reservation(subnet_id, map)
        })
        .await
    }
}
