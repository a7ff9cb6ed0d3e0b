//! What this build can serve: configuration features the server has not built yet are refused with a
//! clear reason rather than silently ignored, and a few that do not change service are warned about.

use ruru_config::{Dhcp4Config, Dhcp6Config};

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

/// V6-016: the `interface` a subnet names (its own or its shared network's) must exist on this
/// machine when the configuration is applied, `-t`, `config-test` and `config-set` included; Kea
/// refuses the configuration otherwise. `subnets` gives each subnet's text and interface.
pub(crate) fn interfaces_present<'c>(
    subnets: impl IntoIterator<Item = (&'c str, Option<&'c str>)>,
) -> Result<(), String> {
    let mut named = subnets
        .into_iter()
        .filter_map(|(s, i)| Some((s, i?)))
        .peekable();
    if named.peek().is_none() {
        return Ok(());
    }
    let present =
        ruru_net::interfaces().map_err(|e| format!("cannot list the network interfaces: {e}"))?;
    for (subnet, iface) in named {
        if !present.iter().any(|p| p.name == iface) {
            return Err(format!(
                "Specified network interface name {iface} for subnet {subnet} is not present in the system"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // V6-016 (and Kea's same rule for DHCPv4): a subnet naming an interface this machine lacks is
    // refused; one naming an existing interface (loopback) passes.
    #[test]
    fn v6_016_interface_must_exist() {
        let lo = ruru_net::interfaces()
            .unwrap()
            .into_iter()
            .find(|i| i.loopback)
            .expect("loopback")
            .name;
        assert!(interfaces_present([
            ("2001:db8:1::/64", Some(lo.as_str())),
            ("2001:db8:2::/64", None)
        ])
        .is_ok());
        let e = interfaces_present([("2001:db8:1::/64", Some("nosuch0"))]).unwrap_err();
        assert_eq!(
            e,
            "Specified network interface name nosuch0 for subnet 2001:db8:1::/64 is not present in the system"
        );
    }
}
