//! Drivers for real DHCP clients: ISC `dhclient` (DHCPv4 and DHCPv6), busybox `udhcpc`, and
//! Kea's `perfdhcp` (both families).
//!
//! `dhclient` and `udhcpc` run with a hook script written by the harness that appends each
//! event and its variables to a log, so a test sees exactly what the client was told.

pub mod dhclient;
pub mod perfdhcp;
pub mod udhcpc;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

pub use dhclient::{duid_ll, ClientLease6, Dhclient, IaLease6, Request6};
pub use perfdhcp::{ExchangeStats, LeaseRequest6, Perf6, PerfReport};
pub use udhcpc::Udhcpc;

use crate::error::{HarnessError, Result};

/// The DHCPv4 lease a client obtained, with the options tests check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientLease {
    /// Assigned address (yiaddr).
    pub address: Ipv4Addr,
    /// Option 1.
    pub subnet_mask: Option<Ipv4Addr>,
    /// Option 3.
    pub routers: Vec<Ipv4Addr>,
    /// Option 6.
    pub dns_servers: Vec<Ipv4Addr>,
    /// Option 15.
    pub domain_name: Option<String>,
    /// Option 54.
    pub server_id: Option<Ipv4Addr>,
    /// Option 51, seconds.
    pub lease_time: Option<u32>,
}

/// One run of a client's hook script: its event (`BOUND`, `RENEW`, `bound`, ...) and variables.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScriptEvent {
    /// The event name as the client passes it.
    pub kind: String,
    /// The variables the client exported.
    pub vars: BTreeMap<String, String>,
}

/// Shell snippet the hook scripts start with: appends `event=<$1>` and the variables matching
/// an extended regex to `$EVENTS`, closed by `--` so a half-written block is ignored.
fn recorder(events: &Path, kind: &str, vars_regex: &str) -> String {
    format!(
        "#!/bin/sh\n\
         # Written by ruru-e2e: records each event for the test, then acts on it.\n\
         PATH=/usr/sbin:/sbin:/usr/bin:/bin:$PATH\n\
         {{ echo \"event={kind}\"; env | grep -E '{vars_regex}'; echo --; }} >> '{}'\n",
        events.display()
    )
}

/// Writes an executable script.
fn write_script(path: &Path, body: &str) -> Result<PathBuf> {
    std::fs::write(path, body)
        .and_then(|()| std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)))
        .map_err(|e| HarnessError::io(format!("cannot write {}", path.display()), e))?;
    Ok(path.to_owned())
}

/// Reads a recorder log; a missing file means no event yet.
fn read_events(path: &Path) -> Result<Vec<ScriptEvent>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(parse_events(&text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(HarnessError::io(
            format!("cannot read {}", path.display()),
            e,
        )),
    }
}

/// Parses recorder blocks (`event=KIND`, `NAME=VALUE`..., `--`).
fn parse_events(text: &str) -> Vec<ScriptEvent> {
    let mut events = Vec::new();
    let mut current: Option<ScriptEvent> = None;
    for line in text.lines() {
        if line == "--" {
            events.extend(current.take());
        } else if let Some(kind) = line.strip_prefix("event=") {
            current = Some(ScriptEvent {
                kind: kind.to_owned(),
                vars: BTreeMap::new(),
            });
        } else if let (Some(event), Some((name, value))) = (current.as_mut(), line.split_once('='))
        {
            event.vars.insert(name.to_owned(), value.to_owned());
        }
    }
    events
}

/// Parses a list of addresses (IPv4 or IPv6) separated by commas and/or spaces.
fn ip_list<A: std::str::FromStr>(text: &str) -> std::result::Result<Vec<A>, String> {
    text.split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| format!("{s:?} is not an IP address")))
        .collect()
}

/// Parses one IPv4 address.
fn ip(text: &str) -> std::result::Result<Ipv4Addr, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{text:?} is not an IPv4 address"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_complete_blocks_only() {
        let log =
            "event=BOUND\nnew_ip_address=192.0.2.10\nnew_domain_name=a=b\n--\nevent=RENEW\nnew_ip";
        let events = parse_events(log);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, "BOUND");
        assert_eq!(events[0].vars["new_ip_address"], "192.0.2.10");
        assert_eq!(events[0].vars["new_domain_name"], "a=b");
    }

    #[test]
    fn address_lists() {
        let want = vec![Ipv4Addr::new(192, 0, 2, 53), Ipv4Addr::new(192, 0, 2, 54)];
        assert_eq!(
            ip_list::<Ipv4Addr>("192.0.2.53,192.0.2.54").expect("commas"),
            want
        );
        assert_eq!(
            ip_list::<Ipv4Addr>("192.0.2.53 192.0.2.54").expect("spaces"),
            want
        );
        assert!(ip_list::<Ipv4Addr>("192.0.2.300").is_err());
        assert!(ip_list::<Ipv4Addr>("").expect("empty").is_empty());
        let v6: Vec<std::net::Ipv6Addr> = ip_list("2001:db8::53, 2001:db8::54").expect("v6");
        assert_eq!(v6.len(), 2);
    }
}
