//! The server under test, run as a real process inside a namespace.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

use crate::error::{HarnessError, Result};
use crate::leases::{LeaseSet, LeaseSet6};
use crate::netns::Netns;
use crate::process::{
    self, poll_until, require_root, require_tool, run_ok, wait_timeout, Signal, ADMIN_TIMEOUT,
};
use crate::subject::{Family, Subject};

/// Bound on start-up (config load, lease file load, sockets).
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// Bound on a graceful stop.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);
/// Log lines shown when a test fails.
const LOG_TAIL_LINES: usize = 200;
/// Directories Kea insists on outside systemd (PID file, logger lock, server-id files).
const KEA_RUNTIME_DIRS: [&str; 3] = ["/run/kea", "/var/run/kea", "/var/lib/kea"];

/// A running DHCP server (Ruru or Kea, DHCPv4 or DHCPv6) in a namespace, with its own scratch
/// directory holding the config, the lease file, the PID/lock files and the captured stdout/stderr.
///
/// The family follows the config: `{"Dhcp4": ...}` runs `ruru-dhcp4`/`kea-dhcp4` and waits for
/// port 67, `{"Dhcp6": ...}` runs `ruru-dhcp6`/`kea-dhcp6` and waits for port 547.
///
/// Killed on drop; when the test is panicking its logs are printed first.
#[derive(Debug)]
pub struct Server<'ns> {
    ns: &'ns Netns,
    subject: Subject,
    family: Family,
    binary: PathBuf,
    config_path: PathBuf,
    lease_path: PathBuf,
    child: Option<Child>,
    starts: u32,
    run_as: Option<Unprivileged>,
    ports: Option<Ports>,
    dir: TempDir,
}

/// The server and client ports a server is started with (`-p`/`-P`, V4-007, CTL-080) instead of the
/// family's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    /// Where it listens (`-p`).
    pub server: u16,
    /// Where it sends to clients (`-P`).
    pub client: u16,
}

/// How a server runs without root (CTL-117): as `user`/`group`, with only `caps` (lower-case names
/// without `cap_`, e.g. `net_bind_service`) as its capabilities.
#[derive(Debug, Clone)]
pub struct Unprivileged {
    /// The user it runs as (e.g. `nobody`).
    pub user: String,
    /// Its group (e.g. `nogroup`).
    pub group: String,
    /// The capabilities it keeps; every other one leaves the bounding set too.
    pub caps: Vec<String>,
    /// How the capabilities are granted.
    pub grant: Grant,
}

/// The two ways an operator grants capabilities to an unprivileged server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Ambient capabilities, as systemd's `AmbientCapabilities=` gives them (`setpriv --ambient-caps`).
    Ambient,
    /// File capabilities on the binary (`setcap cap_…=ep`), the process starting with none.
    File,
}

impl Unprivileged {
    /// `nobody:nogroup` with `caps` granted as `grant`.
    pub fn nobody(caps: &[&str], grant: Grant) -> Unprivileged {
        Unprivileged {
            user: "nobody".into(),
            group: "nogroup".into(),
            caps: caps.iter().map(|c| (*c).to_owned()).collect(),
            grant,
        }
    }

    /// `setpriv` switching to the user, leaving only the granted capabilities possible.
    fn setpriv_args(&self) -> Vec<String> {
        let listed = |prefix: &str| {
            let caps: String = self.caps.iter().map(|c| format!(",+{c}")).collect();
            format!("{prefix}=-all{caps}")
        };
        let mut args = vec![
            format!("--reuid={}", self.user),
            format!("--regid={}", self.group),
            "--clear-groups".to_owned(),
            listed("--bounding-set"),
        ];
        if self.grant == Grant::Ambient {
            args.push(listed("--inh-caps"));
            args.push(listed("--ambient-caps"));
        }
        args
    }

    /// Gives the scratch directory to the user and, for [`Grant::File`], marks the binary copy.
    fn prepare(&self, dir: &Path, binary: &Path) -> Result<()> {
        let owner = format!("{}:{}", self.user, self.group);
        run_ok(
            std::process::Command::new("chown")
                .args(["-R", &owner])
                .arg(dir),
            ADMIN_TIMEOUT,
        )?;
        if self.grant == Grant::File {
            let caps: Vec<String> = self.caps.iter().map(|c| format!("cap_{c}")).collect();
            let setcap = require_tool("setcap")?;
            run_ok(
                std::process::Command::new(setcap)
                    .arg(format!("{}=ep", caps.join(",")))
                    .arg(binary),
                ADMIN_TIMEOUT,
            )?;
        }
        Ok(())
    }
}

impl<'ns> Server<'ns> {
    /// Starts the subject named by `RURU_TEST_SUBJECT` in `ns` with `config` (a whole config
    /// file: `{"Dhcp4": {...}}` or `{"Dhcp6": {...}}`) and waits until it listens.
    pub fn start(ns: &'ns Netns, config: Value) -> Result<Server<'ns>> {
        Server::start_subject(Subject::from_env()?, ns, config)
    }

    /// Like [`Server::start`], but insists on a DHCPv6 config (`{"Dhcp6": {...}}`): the DHCPv6
    /// server of the subject, its lease file `leases6.csv`, ready once UDP port 547 is bound.
    pub fn start6(ns: &'ns Netns, config: Value) -> Result<Server<'ns>> {
        match Family::of_config(&config)? {
            Family::V6 => Server::start(ns, config),
            Family::V4 => Err(HarnessError::Config(
                "start6 needs a `Dhcp6` config, got `Dhcp4`".into(),
            )),
        }
    }

    /// Like [`Server::start`] with an explicit subject.
    ///
    /// The memfile lease file is moved into the scratch directory (`lease-database.name`, named
    /// `leases4.csv` or `leases6.csv`), so parallel servers never share one.
    pub fn start_subject(subject: Subject, ns: &'ns Netns, config: Value) -> Result<Server<'ns>> {
        Server::launch(subject, ns, config, None, None)
    }

    /// Like [`Server::start`], with `-p`/`-P` giving the server and client ports; ready once the
    /// server port is bound.
    pub fn start_on_ports(ns: &'ns Netns, config: Value, ports: Ports) -> Result<Server<'ns>> {
        Server::launch(Subject::from_env()?, ns, config, None, Some(ports))
    }

    /// Like [`Server::start`], but the process runs as `run_as` describes (CTL-117): a copy of the
    /// binary in the scratch directory, which belongs to that user, started through `setpriv`.
    pub fn start_unprivileged(
        ns: &'ns Netns,
        config: Value,
        run_as: Unprivileged,
    ) -> Result<Server<'ns>> {
        Server::launch(Subject::from_env()?, ns, config, Some(run_as), None)
    }

    fn launch(
        subject: Subject,
        ns: &'ns Netns,
        mut config: Value,
        run_as: Option<Unprivileged>,
        ports: Option<Ports>,
    ) -> Result<Server<'ns>> {
        require_root()?;
        require_tool("ss")?;
        let family = Family::of_config(&config)?;
        let mut binary = subject.binary(family)?;
        if subject == Subject::Kea {
            for dir in KEA_RUNTIME_DIRS {
                std::fs::create_dir_all(dir)
                    .map_err(|e| HarnessError::io(format!("cannot create {dir}"), e))?;
            }
        }
        let dir = tempfile::Builder::new()
            .prefix("ruru-e2e-server-")
            .tempdir()
            .map_err(|e| HarnessError::io("cannot create server directory", e))?;
        let lease_path = dir.path().join(family.lease_file_name());
        place_lease_file(&mut config, family, &lease_path)?;
        let config_path = dir.path().join(format!("dhcp{}.json", family.number()));
        let text = serde_json::to_string_pretty(&config)
            .map_err(|e| HarnessError::Config(e.to_string()))?;
        std::fs::write(&config_path, text)
            .map_err(|e| HarnessError::io("cannot write server config", e))?;
        if let Some(run_as) = &run_as {
            require_tool("setpriv")?;
            // A copy the user can reach (the build tree may not be), and that file capabilities
            // can mark without touching the build.
            let copy = dir.path().join(binary.file_name().unwrap_or_default());
            std::fs::copy(&binary, &copy)
                .map_err(|e| HarnessError::io(format!("cannot copy {}", binary.display()), e))?;
            binary = copy;
            run_as.prepare(dir.path(), &binary)?;
        }
        let mut server = Server {
            ns,
            subject,
            family,
            binary,
            config_path,
            lease_path,
            child: None,
            starts: 0,
            run_as,
            ports,
            dir,
        };
        server.spawn()?;
        Ok(server)
    }

    fn spawn(&mut self) -> Result<()> {
        self.starts += 1;
        let marker = format!("==== {} start #{} ====\n", self.subject.name(), self.starts);
        let stdout = self.open_log("stdout.log", &marker)?;
        let stderr = self.open_log("stderr.log", &marker)?;
        let mut command = match &self.run_as {
            None => self.ns.command(&self.binary),
            Some(run_as) => {
                let mut c = self.ns.command("setpriv");
                c.args(run_as.setpriv_args()).arg(&self.binary);
                c
            }
        };
        if let Some(p) = self.ports {
            command.args(["-p", &p.server.to_string(), "-P", &p.client.to_string()]);
        }
        let child = command
            .arg("-c")
            .arg(&self.config_path)
            // Kea's PID and logger lock files go to the scratch directory, so parallel
            // instances do not refuse to start because of each other.
            .env("KEA_PIDFILE_DIR", self.dir.path())
            .env("KEA_LOCKFILE_DIR", self.dir.path())
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .map_err(|e| HarnessError::io(format!("cannot start {}", self.binary.display()), e))?;
        let pid = child.id();
        self.child = Some(child);
        poll_until(
            &format!(
                "{} (pid {pid}) to listen on port {}",
                self.subject.name(),
                self.server_port()
            ),
            START_TIMEOUT,
            || {
                if let Some(status) = self.try_wait()? {
                    self.child = None;
                    return Err(HarnessError::ServerExited {
                        subject: self.subject.name(),
                        status: status.to_string(),
                        logs: self.logs(),
                    });
                }
                self.listening(pid).map(|ready| ready.then_some(()))
            },
        )
    }

    fn open_log(&self, name: &str, marker: &str) -> Result<File> {
        let path = self.dir.path().join(name);
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| HarnessError::io(format!("cannot open {}", path.display()), e))?;
        file.write_all(marker.as_bytes())
            .map_err(|e| HarnessError::io(format!("cannot write {}", path.display()), e))?;
        Ok(file)
    }

    fn try_wait(&mut self) -> Result<Option<ExitStatus>> {
        match self.child.as_mut() {
            Some(child) => child
                .try_wait()
                .map_err(|e| HarnessError::io("cannot wait for the server", e)),
            None => Ok(None),
        }
    }

    /// Whether `pid` holds a UDP socket on the server port, or (DHCPv4 only) a packet (raw)
    /// socket.
    fn listening(&self, pid: u32) -> Result<bool> {
        let out = run_ok(
            self.ns
                .command("ss")
                .args(["-H", "-n", "-p", "-u", "-l", "-0"]),
            ADMIN_TIMEOUT,
        )?;
        Ok(socket_ready(
            &String::from_utf8_lossy(&out.stdout),
            pid,
            self.family,
            self.server_port(),
        ))
    }

    /// The port it listens on: `-p`'s, else the family's.
    fn server_port(&self) -> u16 {
        self.ports.map_or(self.family.server_port(), |p| p.server)
    }

    /// The subject being run.
    pub fn subject(&self) -> Subject {
        self.subject
    }

    /// The family of the server being run (from its config).
    pub fn family(&self) -> Family {
        self.family
    }

    /// The memfile lease file (`lease-database.name`).
    pub fn lease_file(&self) -> &Path {
        &self.lease_path
    }

    /// The DHCPv4 leases in the lease file (and its cleanup files), as the server would load
    /// them.
    pub fn leases(&self) -> Result<LeaseSet> {
        self.expect_family(Family::V4)?;
        Ok(LeaseSet::read(&self.lease_path)?)
    }

    /// The DHCPv6 leases (addresses and prefixes) in the lease file and its cleanup files, as
    /// the server would load them.
    pub fn leases6(&self) -> Result<LeaseSet6> {
        self.expect_family(Family::V6)?;
        Ok(LeaseSet6::read(&self.lease_path)?)
    }

    fn expect_family(&self, family: Family) -> Result<()> {
        if self.family == family {
            Ok(())
        } else {
            Err(HarnessError::Config(format!(
                "this is a {} server; its lease file holds no {} leases",
                self.family.config_key(),
                family.config_key()
            )))
        }
    }

    /// The config file the server was started with (after the lease file was moved).
    pub fn config_file(&self) -> &Path {
        &self.config_path
    }

    /// The scratch directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The server's pid, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Runs the server's binary once more, to completion, in the same namespace on the same
    /// configuration and with the same PID and lock-file directory: a second instance, which must
    /// refuse to start while this one runs. What it printed and how it exited.
    pub fn run_second_instance(&self) -> Result<std::process::Output> {
        self.ns
            .command(&self.binary)
            .arg("-c")
            .arg(&self.config_path)
            .env("KEA_PIDFILE_DIR", self.dir())
            .env("KEA_LOCKFILE_DIR", self.dir())
            .output()
            .map_err(|e| HarnessError::io(format!("running a second {}", self.binary.display()), e))
    }

    /// Stops the server with SIGTERM and waits for it to exit (bounded; killed when late).
    pub fn stop(&mut self) -> Result<ExitStatus> {
        let mut child = self.child.take().ok_or(HarnessError::NotRunning)?;
        process::signal(child.id(), Signal::Term)?;
        match wait_timeout(&mut child, STOP_TIMEOUT)? {
            Some(status) => Ok(status),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err(HarnessError::Timeout {
                    what: format!("{} to exit after SIGTERM", self.subject.name()),
                    secs: STOP_TIMEOUT.as_secs_f64(),
                })
            }
        }
    }

    /// Waits (bounded) for the server to exit by itself, e.g. after a `shutdown` command.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<ExitStatus> {
        let child = self.child.as_mut().ok_or(HarnessError::NotRunning)?;
        match wait_timeout(child, timeout)? {
            Some(status) => {
                self.child = None;
                Ok(status)
            }
            None => Err(HarnessError::Timeout {
                what: format!("{} to exit by itself", self.subject.name()),
                secs: timeout.as_secs_f64(),
            }),
        }
    }

    /// Kills the server with SIGKILL (no chance to flush anything) and reaps it.
    pub fn kill9(&mut self) -> Result<()> {
        let mut child = self.child.take().ok_or(HarnessError::NotRunning)?;
        child
            .kill()
            .map_err(|e| HarnessError::io("cannot SIGKILL the server", e))?;
        child
            .wait()
            .map_err(|e| HarnessError::io("cannot reap the server", e))?;
        Ok(())
    }

    /// Stops the server if it runs (SIGTERM), then starts it again with the same config and
    /// lease file, and waits until it listens.
    pub fn restart(&mut self) -> Result<()> {
        if self.child.is_some() {
            self.stop()?;
        }
        self.spawn()
    }

    /// The tails of the captured stdout and stderr, across all starts.
    pub fn logs(&self) -> String {
        ["stdout.log", "stderr.log"]
            .iter()
            .map(|name| {
                let text = std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
                format!(
                    "---- {} {name} ----\n{}",
                    self.subject.name(),
                    tail(&text, LOG_TAIL_LINES)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for Server<'_> {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            eprintln!(
                "server config: {}\n{}",
                self.config_path.display(),
                self.logs()
            );
        }
    }
}

/// Points `<Dhcp4|Dhcp6>.lease-database` at `lease_path` (memfile), keeping its other keys.
fn place_lease_file(config: &mut Value, family: Family, lease_path: &Path) -> Result<()> {
    let key = family.config_key();
    let map = config
        .get_mut(key)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| HarnessError::Config(format!("expected an object with a `{key}` map")))?;
    let db = map
        .entry("lease-database")
        .or_insert_with(|| Value::Object(Default::default()))
        .as_object_mut()
        .ok_or_else(|| HarnessError::Config("`lease-database` is not a map".into()))?;
    match db.get("type").and_then(Value::as_str) {
        None | Some("memfile") => {}
        // A SQL database is the test's own (see `db_proxy`); there is no file to place.
        Some("mysql" | "postgresql") => return Ok(()),
        Some(other) => {
            return Err(HarnessError::Config(format!(
                "lease-database type {other:?}: the harness reads memfile only"
            )))
        }
    }
    db.insert("type".into(), "memfile".into());
    db.insert(
        "name".into(),
        Value::String(lease_path.to_string_lossy().into_owned()),
    );
    Ok(())
}

/// Whether `ss -H -n -p -u -l -0` output shows `pid` owning a UDP socket on the family's server
/// port, or for DHCPv4 a packet socket (a raw-socket server may open only that; a DHCPv6 server
/// always needs its UDP socket).
fn socket_ready(ss_output: &str, pid: u32, family: Family, port: u16) -> bool {
    let owner = format!("pid={pid},");
    let local_port = format!(":{port}");
    ss_output
        .lines()
        .filter(|l| l.contains(&owner))
        .any(|line| {
            let mut cols = line.split_whitespace();
            match cols.next() {
                Some(netid) if netid.starts_with("p_") => family == Family::V4,
                Some("udp") => cols
                    .nth(3)
                    .is_some_and(|local| local.ends_with(&local_port)),
                _ => false,
            }
        })
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SS: &str = "p_raw UNCONN 0 0 [0]:es * users:((\"kea-dhcp4\",pid=8639,fd=12))\n\
                      udp UNCONN 0 0 127.0.0.1:67 0.0.0.0:* users:((\"kea-dhcp4\",pid=8411,fd=8))\n\
                      udp UNCONN 0 0 127.0.0.1:6767 0.0.0.0:* users:((\"other\",pid=77,fd=8))\n";

    const SS6: &str = "udp UNCONN 0 0 [fe80::80ef:56ff:fe4b:e384]%rv1-2a:547 [::]:* users:((\"kea-dhcp6\",pid=7520,fd=7))\n\
                       udp UNCONN 0 0 [ff02::1:2]%rv1-2a:547 [::]:* users:((\"kea-dhcp6\",pid=7520,fd=8))\n\
                       udp UNCONN 0 0 [::]:5470 [::]:* users:((\"other\",pid=78,fd=8))\n";

    #[test]
    fn readiness_needs_our_pid_on_the_port_or_a_packet_socket() {
        assert!(socket_ready(SS, 8411, Family::V4, 67));
        assert!(socket_ready(SS, 8639, Family::V4, 67), "raw socket counts");
        assert!(!socket_ready(SS, 77, Family::V4, 67), "6767 is not 67");
        assert!(
            !socket_ready(SS, 841, Family::V4, 67),
            "pid prefix must not match"
        );
        assert!(!socket_ready("", 8411, Family::V4, 67));
        assert!(socket_ready(SS, 77, Family::V4, 6767), "the port of -p");
    }

    #[test]
    fn v6_readiness_needs_a_udp_socket_on_547() {
        assert!(socket_ready(SS6, 7520, Family::V6, 547));
        assert!(!socket_ready(SS6, 78, Family::V6, 547), "5470 is not 547");
        assert!(
            !socket_ready(SS, 8639, Family::V6, 547),
            "a packet socket is not enough"
        );
        assert!(!socket_ready(SS, 8411, Family::V6, 547), "67 is not 547");
    }

    #[test]
    fn lease_file_is_moved_and_other_keys_kept() {
        let mut cfg = json!({"Dhcp4": {"lease-database": {"type": "memfile", "lfc-interval": 0}}});
        place_lease_file(&mut cfg, Family::V4, Path::new("/tmp/x/leases4.csv")).expect("memfile");
        assert_eq!(cfg["Dhcp4"]["lease-database"]["name"], "/tmp/x/leases4.csv");
        assert_eq!(cfg["Dhcp4"]["lease-database"]["lfc-interval"], 0);

        let mut bare = json!({"Dhcp4": {}});
        place_lease_file(&mut bare, Family::V4, Path::new("/l.csv")).expect("added");
        assert_eq!(bare["Dhcp4"]["lease-database"]["type"], "memfile");

        // A SQL database is the test's own: left as configured.
        let mut sql = json!({"Dhcp4": {"lease-database": {"type": "mysql", "name": "t"}}});
        place_lease_file(&mut sql, Family::V4, Path::new("/l.csv")).expect("sql");
        assert_eq!(
            sql["Dhcp4"]["lease-database"],
            json!({"type": "mysql", "name": "t"})
        );
        assert!(
            place_lease_file(&mut json!({"Dhcp6": {}}), Family::V4, Path::new("/l.csv")).is_err()
        );

        let mut v6 = json!({"Dhcp6": {"lease-database": {"type": "memfile", "persist": true}}});
        place_lease_file(&mut v6, Family::V6, Path::new("/tmp/y/leases6.csv")).expect("v6");
        assert_eq!(v6["Dhcp6"]["lease-database"]["name"], "/tmp/y/leases6.csv");
        assert_eq!(v6["Dhcp6"]["lease-database"]["persist"], true);
    }

    #[test]
    fn tail_keeps_the_last_lines() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
    }
}
