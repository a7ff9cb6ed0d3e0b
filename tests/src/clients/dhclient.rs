//! ISC `dhclient` driver, DHCPv4 (`-4`) and DHCPv6 (`-6`).
//!
//! `acquire`/`acquire6` run `dhclient -1`: one attempt, then dhclient daemonizes and keeps the
//! lease (renewing at T1), so a test can wait for a real RENEW. The hook script records every
//! event; for DHCPv4 it also puts the address on the interface, because a renewal is unicast from
//! that address (a DHCPv6 client renews by multicast from its link-local address).
//!
//! A DHCPv6 dhclient runs with `-D LL`: its DUID is DUID-LL from the interface's MAC
//! (`00:03:00:01:<mac>`, see [`duid_ll`]), so a test that sets the MAC knows the DUID to reserve.

use std::net::Ipv6Addr;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use tempfile::TempDir;

use super::{ip, ip_list, read_events, recorder, write_script, ClientLease, ScriptEvent};
use crate::error::{HarnessError, Result};
use crate::netns::Netns;
use crate::process::{self, command_failed, poll_until, require_tool, run, Signal};
use crate::subject::Family;

/// dhclient's own limit for one attempt (`timeout` in its config).
const ATTEMPT_SECS: u64 = 10;
/// Bound on one dhclient invocation: its attempt plus slack.
const RUN_TIMEOUT: Duration = Duration::from_secs(ATTEMPT_SECS + 20);

/// What a DHCPv6 dhclient asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request6 {
    /// One IA_NA (`-N`).
    Address,
    /// One IA_PD (`-P`): prefix delegation.
    Prefix,
    /// One IA_NA and one IA_PD in the same exchange (`-N -P`).
    AddressAndPrefix,
}

impl Request6 {
    fn flags(self) -> &'static [&'static str] {
        match self {
            Request6::Address => &["-N"],
            Request6::Prefix => &["-P"],
            Request6::AddressAndPrefix => &["-N", "-P"],
        }
    }
}

/// Which protocol a [`Dhclient`] speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    V4,
    V6(Request6),
}

impl Mode {
    fn family(self) -> Family {
        match self {
            Mode::V4 => Family::V4,
            Mode::V6(_) => Family::V6,
        }
    }
}

/// A `dhclient` for one interface of a namespace, with private config, lease, pid and event
/// files. The daemon it leaves behind is killed on drop.
#[derive(Debug)]
pub struct Dhclient<'ns> {
    ns: &'ns Netns,
    iface: String,
    mode: Mode,
    conf: PathBuf,
    leases: PathBuf,
    pid: PathBuf,
    script: PathBuf,
    events: PathBuf,
    _dir: TempDir,
}

impl<'ns> Dhclient<'ns> {
    /// Prepares a DHCPv4 client on `iface` in `ns` (nothing is sent yet).
    pub fn new(ns: &'ns Netns, iface: &str) -> Result<Dhclient<'ns>> {
        Dhclient::with_mode(ns, iface, Mode::V4)
    }

    /// Prepares a DHCPv6 client on `iface` in `ns` asking for `request` (nothing is sent yet).
    /// Its DUID is DUID-LL of the interface's MAC ([`duid_ll`]). The interface needs a usable
    /// link-local address ([`DirectLink::new6`](crate::topology::DirectLink::new6)).
    pub fn new6(ns: &'ns Netns, iface: &str, request: Request6) -> Result<Dhclient<'ns>> {
        Dhclient::with_mode(ns, iface, Mode::V6(request))
    }

    fn with_mode(ns: &'ns Netns, iface: &str, mode: Mode) -> Result<Dhclient<'ns>> {
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
        let request = match mode {
            Mode::V4 => "request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, host-name;\n",
            Mode::V6(_) => "request dhcp6.name-servers, dhcp6.domain-search;\n",
        };
        let config = format!(
            "# Written by ruru-e2e: one quick attempt; request the options the tests check.\n\
             timeout {ATTEMPT_SECS};\nretry 1;\ninitial-interval 1;\n{request}"
        );
        // dhclient resolves the lease file's real path, so it must exist.
        std::fs::write(&conf, config)
            .and_then(|()| std::fs::write(&leases, ""))
            .map_err(|e| HarnessError::io("cannot write dhclient files", e))?;
        let act = match mode {
            Mode::V4 => "case \"$reason\" in\n\
                   BOUND|RENEW|REBIND|REBOOT) ip -4 addr replace \"$new_ip_address/$new_subnet_mask\" dev \"$interface\" ;;\n\
                   RELEASE|EXPIRE|FAIL|STOP) [ -n \"$old_ip_address\" ] && ip -4 addr del \"$old_ip_address/$old_subnet_mask\" dev \"$interface\" ;;\n\
                   esac\n",
            Mode::V6(_) => "",
        };
        let script = write_script(
            &path("hook.sh"),
            &(recorder(&events, "$reason", "^(new_|old_|cur_|interface=)") + act + "exit 0\n"),
        )?;
        Ok(Dhclient {
            ns,
            iface: iface.to_owned(),
            mode,
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
        match self.mode {
            Mode::V4 => cmd.args(["-4", "-v"]),
            Mode::V6(request) => cmd.args(["-6", "-v", "-D", "LL"]).args(request.flags()),
        };
        cmd.args(extra)
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

    /// The family this client speaks.
    pub fn family(&self) -> Family {
        self.mode.family()
    }

    fn expect_family(&self, family: Family) -> Result<()> {
        if self.family() == family {
            Ok(())
        } else {
            Err(HarnessError::Output {
                what: "dhclient",
                reason: format!(
                    "this client speaks DHCPv{}, not DHCPv{}",
                    self.family().number(),
                    family.number()
                ),
            })
        }
    }

    /// One `dhclient -1` attempt; an error when it gets nothing.
    fn attempt(&self) -> Result<()> {
        self.try_attempt()?
    }

    /// One `dhclient -1` attempt: `Ok(Err(failure))` when dhclient gave up without a lease
    /// (its exit status 2 after `timeout` seconds), an error when it could not run at all.
    fn try_attempt(&self) -> Result<std::result::Result<(), HarnessError>> {
        let mut cmd = self.command(&["-1"]);
        let line = process::describe(&cmd);
        let output = run(&mut cmd, RUN_TIMEOUT)?;
        match output.status.code() {
            Some(0) => Ok(Ok(())),
            Some(2) => Ok(Err(command_failed(line, &output))),
            _ => Err(command_failed(line, &output)),
        }
    }

    fn no_lease() -> HarnessError {
        HarnessError::Output {
            what: "dhclient lease file",
            reason: "dhclient reported success but recorded no lease".into(),
        }
    }

    fn lease_file_text(&self) -> Result<String> {
        std::fs::read_to_string(&self.leases)
            .map_err(|e| HarnessError::io("cannot read dhclient lease file", e))
    }

    /// Obtains a DHCPv4 lease (DISCOVER/OFFER/REQUEST/ACK, or INIT-REBOOT when a lease is on
    /// file) and returns it; dhclient then stays in the background and renews.
    pub fn acquire(&self) -> Result<ClientLease> {
        self.expect_family(Family::V4)?;
        self.attempt()?;
        self.lease()?.ok_or_else(Dhclient::no_lease)
    }

    /// The newest DHCPv4 lease in dhclient's lease file.
    pub fn lease(&self) -> Result<Option<ClientLease>> {
        self.expect_family(Family::V4)?;
        let leases =
            parse_leases(&self.lease_file_text()?).map_err(|reason| HarnessError::Output {
                what: "dhclient lease file",
                reason,
            })?;
        Ok(leases.into_iter().last())
    }

    /// Obtains a DHCPv6 lease (SOLICIT/ADVERTISE/REQUEST/REPLY) for what the client was made to
    /// request and returns it as recorded in dhclient's lease file; dhclient then stays in the
    /// background and renews.
    pub fn acquire6(&self) -> Result<ClientLease6> {
        self.expect_family(Family::V6)?;
        self.attempt()?;
        self.lease6()?.ok_or_else(Dhclient::no_lease)
    }

    /// One DHCPv6 attempt; `None` when no server granted anything within dhclient's timeout
    /// (10 s), e.g. every ADVERTISE said NoAddrsAvail.
    pub fn try_acquire6(&self) -> Result<Option<ClientLease6>> {
        self.expect_family(Family::V6)?;
        match self.try_attempt()? {
            Ok(()) => self.lease6()?.ok_or_else(Dhclient::no_lease).map(Some),
            Err(failure) => match self.lease6()? {
                None => Ok(None),
                Some(_) => Err(failure),
            },
        }
    }

    /// The newest DHCPv6 lease (`lease6` block) in dhclient's lease file.
    pub fn lease6(&self) -> Result<Option<ClientLease6>> {
        self.expect_family(Family::V6)?;
        let leases =
            parse_leases6(&self.lease_file_text()?).map_err(|reason| HarnessError::Output {
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

    /// Releases the lease (`dhclient -r`): stops the background dhclient and sends DHCPRELEASE
    /// (DHCPv4) or RELEASE (DHCPv6) for what it holds.
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

/// DUID-LL (type 3, hardware type 1) of a MAC, colon hex as Kea writes DUIDs: what a DHCPv6
/// [`Dhclient`] on an interface with that MAC sends as its client-id.
pub fn duid_ll(mac: &str) -> String {
    format!("00:03:00:01:{}", mac.to_ascii_lowercase())
}

/// One address or delegated prefix a DHCPv6 client holds, with the timers of its IA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IaLease6 {
    /// The IAID of the IA_NA or IA_PD.
    pub iaid: u32,
    /// The address (IAADDR) or the prefix (IAPREFIX).
    pub address: Ipv6Addr,
    /// 128 for an address, the delegated length for a prefix.
    pub prefix_len: u8,
    /// Preferred lifetime, seconds.
    pub preferred_life: Option<u32>,
    /// Valid lifetime, seconds.
    pub valid_life: Option<u32>,
    /// T1 of the IA, seconds.
    pub renew: Option<u32>,
    /// T2 of the IA, seconds.
    pub rebind: Option<u32>,
}

/// The lease a DHCPv6 dhclient recorded (one `lease6` block of its lease file).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientLease6 {
    /// Option 1 as the client sent it, colon hex with two digits per octet (Kea's spelling).
    pub client_id: String,
    /// Option 2 of the server that answered, colon hex.
    pub server_id: String,
    /// Addresses of IA_NAs.
    pub addresses: Vec<IaLease6>,
    /// Prefixes of IA_PDs.
    pub prefixes: Vec<IaLease6>,
    /// Option 23 (`dhcp6.name-servers`).
    pub name_servers: Vec<Ipv6Addr>,
    /// Option 24 (`dhcp6.domain-search`), each name as dhclient writes it (`example.org.`).
    pub domain_search: Vec<String>,
}

/// Parses the `lease6 { ... }` blocks of a dhclient lease file, oldest first.
pub fn parse_leases6(text: &str) -> std::result::Result<Vec<ClientLease6>, String> {
    /// What a `{` opened.
    enum Scope {
        Lease,
        Ia {
            prefix: bool,
            iaid: u32,
            renew: Option<u32>,
            rebind: Option<u32>,
        },
        Entry(IaLease6, bool),
        Other,
    }
    let number = |value: &str| -> std::result::Result<u32, String> {
        value
            .parse()
            .map_err(|_| format!("{value:?} is not a number"))
    };
    let mut leases = Vec::new();
    let mut current = ClientLease6::default();
    let mut stack: Vec<Scope> = Vec::new();
    for line in text.lines().map(str::trim) {
        if let Some(opening) = line.strip_suffix('{').map(str::trim) {
            let mut words = opening.splitn(2, ' ');
            let (keyword, arg) = (
                words.next().unwrap_or(""),
                words.next().unwrap_or("").trim(),
            );
            let scope = match (stack.last(), keyword) {
                (None, "lease6") => {
                    current = ClientLease6::default();
                    Scope::Lease
                }
                (Some(Scope::Lease), "ia-na" | "ia-pd") => Scope::Ia {
                    prefix: keyword == "ia-pd",
                    iaid: iaid(arg)?,
                    renew: None,
                    rebind: None,
                },
                (
                    Some(Scope::Ia {
                        prefix,
                        iaid: ia_id,
                        ..
                    }),
                    "iaaddr" | "iaprefix",
                ) => {
                    let (address, len) = match arg.split_once('/') {
                        Some((a, l)) => (a, l.parse().map_err(|_| format!("prefix length {l:?}"))?),
                        None => (arg, 128),
                    };
                    let entry = IaLease6 {
                        iaid: *ia_id,
                        address: address
                            .parse()
                            .map_err(|_| format!("{address:?} is not an IPv6 address"))?,
                        prefix_len: len,
                        preferred_life: None,
                        valid_life: None,
                        renew: None,
                        rebind: None,
                    };
                    Scope::Entry(entry, *prefix)
                }
                _ => Scope::Other,
            };
            stack.push(scope);
            continue;
        }
        if line == "}" {
            match stack.pop() {
                Some(Scope::Lease) => leases.push(std::mem::take(&mut current)),
                Some(Scope::Entry(mut entry, prefix)) => {
                    if let Some(Scope::Ia { renew, rebind, .. }) = stack.last() {
                        (entry.renew, entry.rebind) = (*renew, *rebind);
                    }
                    if prefix {
                        current.prefixes.push(entry);
                    } else {
                        current.addresses.push(entry);
                    }
                }
                Some(_) => {}
                None => return Err("unbalanced `}`".into()),
            }
            continue;
        }
        let Some(statement) = line.strip_suffix(';') else {
            continue;
        };
        let (name, value) = statement.split_once(' ').unwrap_or((statement, ""));
        let value = value.trim();
        match (stack.last_mut(), name) {
            (Some(Scope::Lease), "option") => match value.split_once(' ') {
                Some(("dhcp6.client-id", id)) => current.client_id = octets(id)?,
                Some(("dhcp6.server-id", id)) => current.server_id = octets(id)?,
                Some(("dhcp6.name-servers", list)) => current.name_servers = ip_list(list)?,
                Some(("dhcp6.domain-search", list)) => current.domain_search = names(list),
                _ => {}
            },
            (Some(Scope::Ia { renew, .. }), "renew") => *renew = Some(number(value)?),
            (Some(Scope::Ia { rebind, .. }), "rebind") => *rebind = Some(number(value)?),
            (Some(Scope::Entry(entry, _)), "preferred-life") => {
                entry.preferred_life = Some(number(value)?)
            }
            (Some(Scope::Entry(entry, _)), "max-life") => entry.valid_life = Some(number(value)?),
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err("lease file ends inside a block".into());
    }
    Ok(leases)
}

/// A list of quoted names as dhclient writes it (`"a.example.", "b.example."`).
fn names(text: &str) -> Vec<String> {
    text.split(',')
        .map(|n| n.trim().trim_matches('"').to_owned())
        .filter(|n| !n.is_empty())
        .collect()
}

/// An IAID as dhclient writes it (colon hex, or a quoted string when printable).
fn iaid(text: &str) -> std::result::Result<u32, String> {
    let bytes = dhclient_bytes(text)?;
    let array: [u8; 4] = bytes
        .try_into()
        .map_err(|_| format!("IAID {text:?} is not 4 octets"))?;
    Ok(u32::from_be_bytes(array))
}

/// Binary data as dhclient writes it, re-spelled as two-digit colon hex.
fn octets(text: &str) -> std::result::Result<String, String> {
    Ok(dhclient_bytes(text)?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":"))
}

/// Decodes dhclient's spelling of binary data: colon hex with unpadded digits (`0:3:0:1:d2`),
/// or a quoted string with octal escapes when every octet is printable (`"AB\001"`).
fn dhclient_bytes(text: &str) -> std::result::Result<Vec<u8>, String> {
    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        let mut out = Vec::new();
        let mut chars = inner.bytes().peekable();
        while let Some(c) = chars.next() {
            if c != b'\\' {
                out.push(c);
                continue;
            }
            let mut digits = String::new();
            while digits.len() < 3 && chars.peek().is_some_and(u8::is_ascii_digit) {
                digits.extend(chars.next().map(char::from));
            }
            if digits.is_empty() {
                out.extend(chars.next());
            } else {
                out.push(
                    u8::from_str_radix(&digits, 8)
                        .map_err(|_| format!("bad escape \\{digits} in {text:?}"))?,
                );
            }
        }
        return Ok(out);
    }
    text.split(':')
        .map(|h| u8::from_str_radix(h, 16).map_err(|_| format!("{text:?} is not colon hex")))
        .collect()
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

    const LEASES6: &str = r#"default-duid "\000\003\000\001\322\330\267x*\270";
lease6 {
  interface "rv1-0b";
  ia-na b7:78:2a:b8 {
    starts 1795456649;
    renew 1000;
    rebind 2000;
    iaaddr 2001:db8:1::743 {
      starts 1795456649;
      preferred-life 3000;
      max-life 4000;
    }
  }
  ia-pd "AB\001C" {
    starts 1795456657;
    renew 1100;
    rebind 2100;
    iaprefix 2001:db8:8800:63::/64 {
      starts 1795456657;
      preferred-life 3001;
      max-life 4001;
    }
  }
  option dhcp6.client-id 0:3:0:1:d2:d8:b7:78:2a:b8;
  option dhcp6.server-id 0:1:0:1:32:97:3a:cc:82:ef:56:4b:e3:84;
  option dhcp6.name-servers 2001:db8::53,2001:db8::54;
  option dhcp6.domain-search "a.example.","b.example.";
}
"#;

    #[test]
    fn parses_lease6_blocks() {
        let leases = parse_leases6(LEASES6).expect("valid");
        assert_eq!(leases.len(), 1);
        let lease = &leases[0];
        assert_eq!(lease.client_id, "00:03:00:01:d2:d8:b7:78:2a:b8");
        assert_eq!(lease.server_id, "00:01:00:01:32:97:3a:cc:82:ef:56:4b:e3:84");
        assert_eq!(
            lease.addresses,
            vec![IaLease6 {
                iaid: 0xb778_2ab8,
                address: "2001:db8:1::743".parse().expect("address"),
                prefix_len: 128,
                preferred_life: Some(3000),
                valid_life: Some(4000),
                renew: Some(1000),
                rebind: Some(2000),
            }]
        );
        assert_eq!(
            lease.name_servers,
            ["2001:db8::53", "2001:db8::54"].map(|a| a.parse::<Ipv6Addr>().expect("address"))
        );
        assert_eq!(lease.domain_search, ["a.example.", "b.example."]);
        let pd = &lease.prefixes[0];
        assert_eq!(pd.iaid, u32::from_be_bytes([b'A', b'B', 1, b'C']));
        assert_eq!(pd.prefix_len, 64);
        assert_eq!((pd.renew, pd.valid_life), (Some(1100), Some(4001)));
        assert!(parse_leases6("lease6 {\n  ia-na 1:2:3 {\n  }\n}\n").is_err());
        assert!(parse_leases6("lease6 {\n").is_err());
        assert!(parse_leases6(LEASES).expect("v4 file").is_empty());
        assert_eq!(
            duid_ll("02:00:00:00:00:AA"),
            "00:03:00:01:02:00:00:00:00:aa"
        );
    }

    #[test]
    fn rejects_blocks_without_address() {
        assert!(parse_leases("lease {\n option routers 192.0.2.1;\n}\n").is_err());
        assert!(parse_leases("lease {\n fixed-address 192.0.2.999;\n}\n").is_err());
        assert!(parse_leases("").expect("empty").is_empty());
    }
}
