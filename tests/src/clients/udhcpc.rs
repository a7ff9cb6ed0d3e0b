//! Busybox `udhcpc` driver: one quick foreground attempt, options read from its hook script.

use std::path::PathBuf;
use std::time::Duration;

use tempfile::TempDir;

use super::{ip, ip_list, read_events, recorder, write_script, ClientLease, ScriptEvent};
use crate::error::{HarnessError, Result};
use crate::netns::Netns;
use crate::process::{self, command_failed, require_tool, run};

/// DISCOVERs sent per attempt (`-t`), one second apart (`-T 1`).
const DISCOVERS: u32 = 3;
/// Bound on one attempt.
const RUN_TIMEOUT: Duration = Duration::from_secs(30);

/// A `udhcpc` for one interface of a namespace. It does not configure the interface; the hook
/// script only records events (`deconfig`, `bound`, `leasefail`, ...).
#[derive(Debug)]
pub struct Udhcpc<'ns> {
    ns: &'ns Netns,
    iface: String,
    script: PathBuf,
    events: PathBuf,
    _dir: TempDir,
}

impl<'ns> Udhcpc<'ns> {
    /// Prepares a client on `iface` in `ns`.
    pub fn new(ns: &'ns Netns, iface: &str) -> Result<Udhcpc<'ns>> {
        require_tool("udhcpc")?;
        let dir = tempfile::Builder::new()
            .prefix("ruru-e2e-udhcpc-")
            .tempdir()
            .map_err(|e| HarnessError::io("cannot create udhcpc directory", e))?;
        let events = dir.path().join("events.log");
        let script = write_script(
            &dir.path().join("hook.sh"),
            &(recorder(
                &events,
                "$1",
                "^(ip|subnet|mask|router|dns|domain|serverid|lease|interface)=",
            ) + "exit 0\n"),
        )?;
        Ok(Udhcpc {
            ns,
            iface: iface.to_owned(),
            script,
            events,
            _dir: dir,
        })
    }

    /// Runs one attempt; `None` when no server answered (udhcpc's `leasefail`).
    pub fn try_acquire(&self) -> Result<Option<ClientLease>> {
        let mut cmd = self.ns.command("udhcpc");
        cmd.args(["-i", &self.iface, "-f", "-q", "-n"])
            .args(["-t", &DISCOVERS.to_string(), "-T", "1", "-s"])
            .arg(&self.script);
        let line = process::describe(&cmd);
        let output = run(&mut cmd, RUN_TIMEOUT)?;
        let bound = self.events()?.into_iter().rev().find(|e| e.kind == "bound");
        match (output.status.success(), bound) {
            (true, Some(event)) => lease_from(&event).map(Some),
            (false, None) => Ok(None),
            _ => Err(command_failed(line, &output)),
        }
    }

    /// Runs one attempt and requires a lease.
    pub fn acquire(&self) -> Result<ClientLease> {
        self.try_acquire()?.ok_or(HarnessError::Output {
            what: "udhcpc",
            reason: format!("no lease on {} after {DISCOVERS} DISCOVERs", self.iface),
        })
    }

    /// Every event the hook script saw.
    pub fn events(&self) -> Result<Vec<ScriptEvent>> {
        read_events(&self.events)
    }
}

/// The lease of a `bound`/`renew` event (`ip`, `subnet`, `router`, `dns`, `domain`, ...).
fn lease_from(event: &ScriptEvent) -> Result<ClientLease> {
    let bad = |reason: String| HarnessError::Output {
        what: "udhcpc event",
        reason,
    };
    let var = |name: &str| event.vars.get(name).map(String::as_str);
    let address = ip(var("ip").ok_or_else(|| bad("no `ip`".into()))?).map_err(bad)?;
    let opt_ip = |name: &str| var(name).map(ip).transpose().map_err(bad);
    Ok(ClientLease {
        address,
        subnet_mask: opt_ip("subnet")?,
        routers: ip_list(var("router").unwrap_or_default()).map_err(bad)?,
        dns_servers: ip_list(var("dns").unwrap_or_default()).map_err(bad)?,
        domain_name: var("domain").map(str::to_owned),
        server_id: opt_ip("serverid")?,
        lease_time: var("lease")
            .map(|l| l.parse().map_err(|_| bad(format!("lease {l:?}"))))
            .transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn lease_from_bound_event() {
        let event = ScriptEvent {
            kind: "bound".into(),
            vars: [
                ("ip", "192.0.2.101"),
                ("subnet", "255.255.255.0"),
                ("router", "192.0.2.1"),
                ("dns", "192.0.2.53 192.0.2.54"),
                ("domain", "example.org"),
                ("serverid", "192.0.2.1"),
                ("lease", "60"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        };
        let lease = lease_from(&event).expect("complete");
        assert_eq!(lease.address, Ipv4Addr::new(192, 0, 2, 101));
        assert_eq!(lease.dns_servers.len(), 2);
        assert_eq!(lease.lease_time, Some(60));
        assert_eq!(lease.domain_name.as_deref(), Some("example.org"));

        let mut no_ip = event.clone();
        no_ip.vars.remove("ip");
        assert!(lease_from(&no_ip).is_err());
    }
}
