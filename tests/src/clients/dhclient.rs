//! ISC `dhclient` driver.
//!
//! `acquire` runs `dhclient -1`: one attempt, then dhclient daemonizes and keeps the lease
//! (renewing at T1), so a test can wait for a real RENEW. The hook script records every event and
//! puts the address on the interface, because a renewal is unicast from that address.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use tempfile::TempDir;

use super::{ip, ip_list, read_events, recorder, write_script, ClientLease, ScriptEvent};
use crate::error::{HarnessError, Result};
use crate::netns::Netns;
use crate::process::{self, command_failed, poll_until, require_tool, run, Signal};

/// dhclient's own limit for one attempt (`timeout` in its config).
const ATTEMPT_SECS: u64 = 10;
/// Bound on one dhclient invocation: its attempt plus slack.
const RUN_TIMEOUT: Duration = Duration::from_secs(ATTEMPT_SECS + 20);

/// A `dhclient` for one interface of a namespace, with private config, lease, pid and event
/// files. The daemon it leaves behind is killed on drop.
#[derive(Debug)]
pub struct Dhclient<'ns> {
    ns: &'ns Netns,
    iface: String,
    conf: PathBuf,
    leases: PathBuf,
    pid: PathBuf,
    script: PathBuf,
    events: PathBuf,
    _dir: TempDir,
}

impl<'ns> Dhclient<'ns> {
    /// Prepares a client on `iface` in `ns` (nothing is sent yet).
    pub fn new(ns: &'ns Netns, iface: &str) -> Result<Dhclient<'ns>> {
        require_tool("dhclient")?;
        let dir = tempfile::Builder::new()
            .prefix("ruru-e2e-dhclient-")
            .tempdir()
            .map_err(|e| HarnessError::io("cannot create dhclient directory", e))?;
        let path = |name: &str| dir.path().join(name);
        let (conf, leases, pid, events) = (
            path("dhclient.conf"),
            path("dhclient.leases"),
            path("dhclient.pid"),
            path("events.log"),
        );
        let config = format!(
            "# Written by ruru-e2e: one quick attempt; request the options the tests check.\n\
             timeout {ATTEMPT_SECS};\nretry 1;\ninitial-interval 1;\n\
             request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, host-name;\n"
        );
        // dhclient resolves the lease file's real path, so it must exist.
        std::fs::write(&conf, config)
            .and_then(|()| std::fs::write(&leases, ""))
            .map_err(|e| HarnessError::io("cannot write dhclient files", e))?;
        let script = write_script(
            &path("hook.sh"),
            &(recorder(&events, "$reason", "^(new_|old_|interface=)")
                + "case \"$reason\" in\n\
                   BOUND|RENEW|REBIND|REBOOT) ip -4 addr replace \"$new_ip_address/$new_subnet_mask\" dev \"$interface\" ;;\n\
                   RELEASE|EXPIRE|FAIL|STOP) [ -n \"$old_ip_address\" ] && ip -4 addr del \"$old_ip_address/$old_subnet_mask\" dev \"$interface\" ;;\n\
                   esac\nexit 0\n"),
        )?;
        Ok(Dhclient {
            ns,
            iface: iface.to_owned(),
            conf,
            leases,
            pid,
            script,
            events,
            _dir: dir,
        })
    }

    fn command(&self, extra: &[&str]) -> Command {
        let mut cmd = self.ns.command("dhclient");
        cmd.args(["-4", "-v"])
            .args(extra)
            .arg("-cf")
            .arg(&self.conf)
            .arg("-lf")
            .arg(&self.leases)
            .arg("-pf")
            .arg(&self.pid)
            .arg("-sf")
            .arg(&self.script)
            .arg(&self.iface);
        cmd
    }

    /// Obtains a lease (DISCOVER/OFFER/REQUEST/ACK, or INIT-REBOOT when a lease is on file) and
    /// returns it; dhclient then stays in the background and renews.
    pub fn acquire(&self) -> Result<ClientLease> {
        let mut cmd = self.command(&["-1"]);
        let line = process::describe(&cmd);
        let output = run(&mut cmd, RUN_TIMEOUT)?;
        if !output.status.success() {
            return Err(command_failed(line, &output));
        }
        self.lease()?.ok_or_else(|| HarnessError::Output {
            what: "dhclient lease file",
            reason: "dhclient reported success but recorded no lease".into(),
        })
    }

    /// The newest lease in dhclient's lease file.
    pub fn lease(&self) -> Result<Option<ClientLease>> {
        let text = std::fs::read_to_string(&self.leases)
            .map_err(|e| HarnessError::io("cannot read dhclient lease file", e))?;
        let leases = parse_leases(&text).map_err(|reason| HarnessError::Output {
            what: "dhclient lease file",
            reason,
        })?;
        Ok(leases.into_iter().last())
    }

    /// Every event the hook script saw (`PREINIT`, `BOUND`, `RENEW`, `RELEASE`, ...).
    pub fn events(&self) -> Result<Vec<ScriptEvent>> {
        read_events(&self.events)
    }

    /// Waits (bounded) for the first event of `kind`, e.g. `RENEW` after T1.
    pub fn wait_for_event(&self, kind: &str, timeout: Duration) -> Result<ScriptEvent> {
        poll_until(&format!("dhclient event {kind}"), timeout, || {
            Ok(self.events()?.into_iter().find(|e| e.kind == kind))
        })
    }

    /// Releases the lease (`dhclient -r`): stops the background dhclient and sends DHCPRELEASE.
    pub fn release(&self) -> Result<()> {
        let mut cmd = self.command(&["-r"]);
        let line = process::describe(&cmd);
        let output = run(&mut cmd, RUN_TIMEOUT)?;
        if output.status.success() {
            Ok(())
        } else {
            Err(command_failed(line, &output))
        }
    }
}

impl Drop for Dhclient<'_> {
    fn drop(&mut self) {
        // The daemon dhclient -1 left behind; its namespace's guard would also catch it.
        let daemon = std::fs::read_to_string(&self.pid)
            .ok()
            .and_then(|p| p.trim().parse::<u32>().ok());
        if let Some(pid) = daemon.filter(|&p| process::pid_alive(p)) {
            let _ = process::signal(pid, Signal::Kill);
        }
    }
}

/// Parses the `lease { ... }` blocks of a dhclient lease file, oldest first.
pub fn parse_leases(text: &str) -> std::result::Result<Vec<ClientLease>, String> {
    let mut leases = Vec::new();
    let mut block: Option<Vec<&str>> = None;
    for line in text.lines().map(str::trim) {
        match (&mut block, line) {
            (None, "lease {") => block = Some(Vec::new()),
            (Some(_), "}") => {
                if let Some(lines) = block.take() {
                    leases.push(parse_block(&lines)?);
                }
            }
            (Some(lines), statement) => lines.push(statement),
            (None, _) => {}
        }
    }
    Ok(leases)
}

fn parse_block(lines: &[&str]) -> std::result::Result<ClientLease, String> {
    let mut address = None;
    let mut lease = ClientLease {
        address: std::net::Ipv4Addr::UNSPECIFIED,
        subnet_mask: None,
        routers: Vec::new(),
        dns_servers: Vec::new(),
        domain_name: None,
        server_id: None,
        lease_time: None,
    };
    for statement in lines.iter().filter_map(|l| l.strip_suffix(';')) {
        if let Some(a) = statement.strip_prefix("fixed-address ") {
            address = Some(ip(a)?);
        }
        let Some((name, value)) = statement
            .strip_prefix("option ")
            .and_then(|o| o.split_once(' '))
        else {
            continue;
        };
        match name {
            "subnet-mask" => lease.subnet_mask = Some(ip(value)?),
            "routers" => lease.routers = ip_list(value)?,
            "domain-name-servers" => lease.dns_servers = ip_list(value)?,
            "domain-name" => lease.domain_name = Some(value.trim_matches('"').to_owned()),
            "dhcp-server-identifier" => lease.server_id = Some(ip(value)?),
            "dhcp-lease-time" => {
                lease.lease_time = Some(
                    value
                        .parse()
                        .map_err(|_| format!("lease time {value:?} is not a number"))?,
                )
            }
            _ => {}
        }
    }
    lease.address = address.ok_or("lease block without fixed-address")?;
    Ok(lease)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const LEASES: &str = r#"default-duid "\000\001";
lease {
  interface "ec";
  fixed-address 192.0.2.100;
  option subnet-mask 255.255.255.0;
  option dhcp-lease-time 60;
  option routers 192.0.2.1;
  option dhcp-server-identifier 192.0.2.1;
  option domain-name-servers 192.0.2.53,192.0.2.54;
  option domain-name "example.org";
  renew 1 2026/11/23 09:09:31;
}
lease {
  interface "ec";
  fixed-address 192.0.2.101;
  option dhcp-lease-time 120;
}
"#;

    #[test]
    fn parses_every_lease_block() {
        let leases = parse_leases(LEASES).expect("valid");
        assert_eq!(leases.len(), 2);
        let first = &leases[0];
        assert_eq!(first.address, Ipv4Addr::new(192, 0, 2, 100));
        assert_eq!(first.subnet_mask, Some(Ipv4Addr::new(255, 255, 255, 0)));
        assert_eq!(first.routers, vec![Ipv4Addr::new(192, 0, 2, 1)]);
        assert_eq!(first.dns_servers.len(), 2);
        assert_eq!(first.domain_name.as_deref(), Some("example.org"));
        assert_eq!(first.server_id, Some(Ipv4Addr::new(192, 0, 2, 1)));
        assert_eq!(first.lease_time, Some(60));
        assert_eq!(leases[1].lease_time, Some(120));
        assert!(leases[1].routers.is_empty());
    }

    #[test]
    fn rejects_blocks_without_address() {
        assert!(parse_leases("lease {\n option routers 192.0.2.1;\n}\n").is_err());
        assert!(parse_leases("lease {\n fixed-address 192.0.2.999;\n}\n").is_err());
        assert!(parse_leases("").expect("empty").is_empty());
    }
}
