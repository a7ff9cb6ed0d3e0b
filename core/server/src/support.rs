//! What this build can serve: configuration features the server has not built yet are refused with a
//! clear reason rather than silently ignored, and a few that do not change service are warned about.

use ruru_config::{Dhcp4Config, Dhcp6Config, LeaseDatabase};

/// Refusals (the configuration cannot be served) and warnings (it can, with a caveat).
#[derive(Debug, Default)]
pub(crate) struct Support {
    /// Features that make the configuration unusable by this build.
    pub(crate) refused: Vec<String>,
    /// Features accepted but not acted upon yet.
    pub(crate) warnings: Vec<String>,
}

/// Checks a configuration of either family against what this build implements: both models name these
/// keys alike, so the rules are written once for both.
macro_rules! check_fn {
    ($name:ident, $config:ty) => {
/// Checks `cfg` against what this build implements.
pub(crate) fn $name(cfg: &$config) -> Support {
    let mut s = Support {
        warnings: cfg.warnings.clone(),
        ..Support::default()
    };
    let mut refuse = |what: String| s.refused.push(what);
    if !matches!(cfg.lease_database, LeaseDatabase::Memfile { .. }) {
        refuse(
            "lease-database: only the memfile backend is built yet (MySQL and PostgreSQL are not)"
                .into(),
        );
    }
    if !cfg.hosts_databases.is_empty() {
        refuse("hosts-database(s): host backends are not built yet".into());
    }
    if cfg.dhcp4o6_port != 0 {
        refuse("dhcp4o6-port: DHCPv4-over-DHCPv6 is not built yet".into());
    }
    if cfg.config_control.is_some() {
        refuse("config-control: configuration backends are not built yet".into());
    }
    if cfg
        .host_reservation_identifiers
        .contains(&ruru_config::HostIdType::FlexId)
        && cfg.hooks_libraries.is_empty()
    {
        // As in Kea without a flex-id plugin: accepted, but no query carries a flex-id to match.
        s.warnings.push(
            "host-reservation-identifiers: flex-id reservations match only when a plugin provides the identifier (host4_identifier, host6_identifier)"
                .into(),
        );
    }
    if cfg.dhcp_ddns.enable_updates {
        s.warnings.push(
            "dhcp-ddns.enable-updates: no DNS updates are sent yet (names are still assigned)"
                .into(),
        );
    }
    s
}
    };
}

check_fn!(check4, Dhcp4Config);
check_fn!(check6, Dhcp6Config);

/// Turns a [`Support`] report into the configuration's verdict: refusals name what this build lacks;
/// warnings are logged.
pub(crate) fn verdict(support: Support, name: &str, v6: bool) -> Result<(), String> {
    if !support.refused.is_empty() {
        return Err(format!(
            "configuration {name} needs what this build does not have yet: {}",
            support.refused.join("; ")
        ));
    }
    for w in support.warnings {
        crate::family::flog_at!(v6, warn, "dhcpsrv", "{w}");
    }
    Ok(())
}
