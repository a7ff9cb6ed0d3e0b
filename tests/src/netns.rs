//! Network namespaces and veth pairs that clean up after themselves.

use std::ffi::OsStr;
use std::net::Ipv6Addr;
use std::os::fd::AsRawFd;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Once;
use std::time::Duration;

use crate::error::{HarnessError, Result};
use crate::process::{
    self, poll_until, require_root, require_tool, run, run_ok, Signal, ADMIN_TIMEOUT,
};

/// Prefix of every namespace the harness creates; the stale sweep only touches these.
const NS_PREFIX: &str = "ruru-e2e-";

/// Bound on a link-local address becoming usable after a link comes up.
const LINK_LOCAL_TIMEOUT: Duration = Duration::from_secs(10);

/// Linux limit for interface names (IFNAMSIZ - 1).
const IFNAME_MAX: usize = 15;

/// Makes names unique within one test process; the pid makes them unique across processes.
static COUNTER: AtomicU32 = AtomicU32::new(0);

fn next_id() -> u32 {
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// A network namespace named `ruru-e2e-<pid>-<n>`, deleted on drop together with every process
/// still running in it, even when the test panicked.
#[derive(Debug)]
pub struct Netns {
    name: String,
}

impl Netns {
    /// Creates a fresh namespace with `lo` up.
    pub fn new() -> Result<Netns> {
        require_root()?;
        require_tool("ip")?;
        static SWEEP: Once = Once::new();
        SWEEP.call_once(sweep_stale);
        let name = format!("{NS_PREFIX}{}-{}", std::process::id(), next_id());
        run_ok(
            Command::new("ip").args(["netns", "add", &name]),
            ADMIN_TIMEOUT,
        )?;
        // The guard exists from here on, so a failure below still removes the namespace.
        let ns = Netns { name };
        ns.exec(&["ip", "link", "set", "lo", "up"])?;
        Ok(ns)
    }

    /// The namespace's name, as `ip netns` knows it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A command that runs `program` inside the namespace (`ip netns exec`); add arguments and
    /// spawn it as usual. `ip` execs the program, so the child's pid is the program's.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.name]).arg(program);
        cmd
    }

    /// Runs `argv` inside the namespace to completion (bounded); a non-zero exit is an error.
    pub fn exec(&self, argv: &[&str]) -> Result<Output> {
        let (program, args) = argv.split_first().ok_or_else(|| {
            HarnessError::io("empty command", std::io::ErrorKind::InvalidInput.into())
        })?;
        run_ok(self.command(program).args(args), ADMIN_TIMEOUT)
    }

    /// Adds an address (`a.b.c.d/len`, or an IPv6 one, added `nodad` so it is usable at once)
    /// to an interface of this namespace.
    pub fn add_address(&self, dev: &str, cidr: &str) -> Result<()> {
        let mut argv = vec!["ip", "addr", "add", cidr, "dev", dev];
        argv.extend(nodad(cidr));
        self.exec(&argv).map(drop)
    }

    /// Turns IPv6 duplicate address detection off for every interface of this namespace, those
    /// that exist and those created later (`accept_dad` 0 for `all` and `default`), so
    /// link-local addresses are usable as soon as a link is up. Call it before creating links.
    pub fn disable_dad(&self) -> Result<()> {
        // /proc/sys/net shows the namespace of the process that opens it: the shell's here.
        self.exec(&[
            "sh",
            "-c",
            "for c in all default; do echo 0 > /proc/sys/net/ipv6/conf/$c/accept_dad; done",
        ])
        .map(drop)
    }

    /// Pids of the processes running inside the namespace.
    pub fn pids(&self) -> Result<Vec<u32>> {
        ns_pids(&self.name)
    }

    /// Moves the calling thread into this namespace, so that sockets it creates from then on
    /// live there: Rust clients (a tokio runtime built on this thread afterwards) can then talk
    /// to the processes inside. Only this thread moves and it stays moved, so call it on a
    /// thread of its own.
    pub fn enter(&self) -> Result<()> {
        let path = format!("/run/netns/{}", self.name);
        let file = std::fs::File::open(&path)
            .map_err(|e| HarnessError::io(format!("cannot open {path}"), e))?;
        // SAFETY: setns(2) on a descriptor owned here; it changes only this thread's network
        // namespace and touches no memory.
        if unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
            return Err(HarnessError::io(
                format!("cannot enter {path}"),
                std::io::Error::last_os_error(),
            ));
        }
        Ok(())
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        // Deleting a namespace does not stop its processes; left alive they would hold ports and
        // files of the next run.
        remove_namespace(&self.name);
    }
}

fn ns_pids(name: &str) -> Result<Vec<u32>> {
    let out = run_ok(
        Command::new("ip").args(["netns", "pids", name]),
        ADMIN_TIMEOUT,
    )?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect())
}

/// Kills what runs in `name`, then deletes it. Best effort: called from `Drop`.
fn remove_namespace(name: &str) {
    if let Ok(pids) = ns_pids(name) {
        for pid in pids {
            let _ = process::signal(pid, Signal::Kill);
        }
        let _ = poll_until(
            "namespace processes to exit",
            Duration::from_secs(5),
            || Ok(ns_pids(name)?.is_empty().then_some(())),
        );
    }
    let _ = run(
        Command::new("ip").args(["netns", "del", name]),
        ADMIN_TIMEOUT,
    );
}

/// Removes namespaces left by harness processes that died without running their destructors
/// (a test binary killed by CI, say). Only names with our prefix and a dead owner pid.
fn sweep_stale() {
    let Ok(entries) = std::fs::read_dir("/run/netns") else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let owner = name
            .strip_prefix(NS_PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if let Some(pid) = owner {
            if pid != std::process::id() && !process::pid_alive(pid) {
                remove_namespace(&name);
            }
        }
    }
}

/// One end of a veth pair.
#[derive(Debug)]
pub struct VethEnd {
    ns: Option<String>,
    name: String,
}

impl VethEnd {
    /// The interface name (at most 15 characters).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The namespace holding this end; `None` is the root namespace.
    pub fn netns(&self) -> Option<&str> {
        self.ns.as_deref()
    }

    /// `ip [-n NS] ARGS...` for this end's namespace.
    fn ip(&self, args: &[&str]) -> Result<Output> {
        let mut cmd = Command::new("ip");
        if let Some(ns) = &self.ns {
            cmd.args(["-n", ns]);
        }
        run_ok(cmd.args(args), ADMIN_TIMEOUT)
    }

    /// Adds an address (`a.b.c.d/len`, or an IPv6 one, added `nodad` so it is usable at once).
    pub fn add_address(&self, cidr: &str) -> Result<()> {
        let mut args = vec!["addr", "add", cidr, "dev", &self.name];
        args.extend(nodad(cidr));
        self.ip(&args).map(drop)
    }

    /// Removes an address added with [`VethEnd::add_address`].
    pub fn del_address(&self, cidr: &str) -> Result<()> {
        self.ip(&["addr", "del", cidr, "dev", &self.name]).map(drop)
    }

    /// The IPv6 link-local address of this end, once it is usable (not tentative); waits a
    /// bounded time for the link to come up and the kernel to assign it.
    pub fn link_local(&self) -> Result<Ipv6Addr> {
        poll_until(
            &format!("a usable link-local address on {}", self.name),
            LINK_LOCAL_TIMEOUT,
            || {
                let out = self.ip(&[
                    "-6", "-o", "addr", "show", "dev", &self.name, "scope", "link",
                ])?;
                Ok(usable_link_local(&String::from_utf8_lossy(&out.stdout)))
            },
        )
    }

    /// Sets the MAC address (`aa:bb:cc:dd:ee:ff`), e.g. to match a host reservation.
    pub fn set_mac(&self, mac: &str) -> Result<()> {
        self.ip(&["link", "set", "dev", &self.name, "address", mac])
            .map(drop)
    }
}

/// A veth pair between two namespaces (or a namespace and the root namespace), both ends up;
/// deleted on drop.
#[derive(Debug)]
pub struct VethPair {
    a: VethEnd,
    b: VethEnd,
}

impl VethPair {
    /// Creates the pair with end `a` in namespace `a` and end `b` in namespace `b` (`None` = root
    /// namespace), and brings both up. Ends are created directly in their namespaces.
    pub fn new(a: Option<&Netns>, b: Option<&Netns>) -> Result<VethPair> {
        require_root()?;
        let id = next_id();
        let end = |ns: Option<&Netns>, side: char| VethEnd {
            ns: ns.map(|n| n.name().to_owned()),
            name: veth_name(std::process::id(), id, side),
        };
        let (a, b) = (end(a, 'a'), end(b, 'b'));
        let mut cmd = Command::new("ip");
        cmd.args(["link", "add", &a.name]);
        if let Some(ns) = &a.ns {
            cmd.args(["netns", ns]);
        }
        cmd.args(["type", "veth", "peer", "name", &b.name]);
        if let Some(ns) = &b.ns {
            cmd.args(["netns", ns]);
        }
        run_ok(&mut cmd, ADMIN_TIMEOUT)?;
        let pair = VethPair { a, b };
        pair.a.ip(&["link", "set", "dev", &pair.a.name, "up"])?;
        pair.b.ip(&["link", "set", "dev", &pair.b.name, "up"])?;
        Ok(pair)
    }

    /// End `a`.
    pub fn a(&self) -> &VethEnd {
        &self.a
    }

    /// End `b`.
    pub fn b(&self) -> &VethEnd {
        &self.b
    }
}

impl Drop for VethPair {
    fn drop(&mut self) {
        // Deleting one end deletes both; it is already gone if its namespace went first.
        let mut cmd = Command::new("ip");
        if let Some(ns) = &self.a.ns {
            cmd.args(["-n", ns]);
        }
        let _ = run(cmd.args(["link", "del", &self.a.name]), ADMIN_TIMEOUT);
    }
}

/// `["nodad"]` for an IPv6 address (DAD would keep it unusable for a second or more), else
/// nothing.
fn nodad(cidr: &str) -> Option<&'static str> {
    cidr.contains(':').then_some("nodad")
}

/// The first link-local address in `ip -6 -o addr show scope link` output that is neither
/// tentative nor failed DAD.
fn usable_link_local(ip_output: &str) -> Option<Ipv6Addr> {
    ip_output
        .lines()
        .filter(|l| !l.contains("tentative") && !l.contains("dadfailed"))
        .find_map(|line| {
            let mut words = line.split_whitespace();
            words.find(|w| *w == "inet6")?;
            let addr = words.next()?.split('/').next()?;
            addr.parse::<Ipv6Addr>().ok()
        })
}

/// `rv<pid hex>-<id hex><side>`: unique per process and pair, within IFNAMSIZ.
fn veth_name(pid: u32, id: u32, side: char) -> String {
    // pid_max is at most 2^22 (6 hex digits); the counter is cut to 4 hex digits, which only
    // matters past 65536 pairs in one process.
    let name = format!("rv{pid:x}-{:x}{side}", id & 0xffff);
    debug_assert!(name.len() <= IFNAME_MAX);
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_local_must_be_usable() {
        let out = "2: rv1-0a    inet6 fe80::d0d8:b7ff:fe78:2ab8/64 scope link tentative \\       valid_lft forever preferred_lft forever\n";
        assert_eq!(usable_link_local(out), None);
        let out = "2: rv1-0a    inet6 fe80::d0d8:b7ff:fe78:2ab8/64 scope link \\       valid_lft forever preferred_lft forever\n";
        assert_eq!(
            usable_link_local(out),
            Some("fe80::d0d8:b7ff:fe78:2ab8".parse().expect("address"))
        );
        assert_eq!(usable_link_local(""), None);
        assert_eq!(nodad("2001:db8:1::1/64"), Some("nodad"));
        assert_eq!(nodad("192.0.2.1/24"), None);
    }

    #[test]
    fn veth_names_fit_ifnamsiz() {
        let longest = veth_name(4_194_304, 0xffff_ffff, 'a');
        assert!(longest.len() <= IFNAME_MAX, "{longest}");
        assert_ne!(veth_name(1, 2, 'a'), veth_name(1, 2, 'b'));
        assert_ne!(veth_name(1, 2, 'a'), veth_name(2, 2, 'a'));
    }
}
