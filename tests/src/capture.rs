//! `tcpdump` capture of DHCP traffic inside a namespace.

use std::collections::BTreeSet;
use std::fs::File;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use crate::error::{HarnessError, Result};
use crate::netns::Netns;
use crate::pcap::{self, Dhcp4Packet};
use crate::process::{self, poll_until, require_tool, wait_timeout, Signal};

/// How long tcpdump may take to open its socket, and to flush after SIGINT.
const TCPDUMP_TIMEOUT: Duration = Duration::from_secs(10);

/// A running `tcpdump -w` on one interface of a namespace, for DHCP ports 67 and 68.
/// Killed on drop; [`Capture::stop`] ends it cleanly and reads the file.
#[derive(Debug)]
pub struct Capture<'ns> {
    _ns: &'ns Netns,
    child: Option<Child>,
    file: PathBuf,
    log: PathBuf,
    _dir: TempDir,
}

/// What a capture saw.
#[derive(Clone, Debug)]
pub struct Captured {
    /// Every DHCPv4 message captured, in capture order.
    pub packets: Vec<Dhcp4Packet>,
    /// tcpdump's "packets dropped by kernel" (a lower bound on what was missed).
    pub kernel_drops: Option<u64>,
}

impl Captured {
    /// Addresses the server acknowledged (see [`pcap::acked_addresses`]).
    pub fn acked(&self) -> BTreeSet<Ipv4Addr> {
        pcap::acked_addresses(&self.packets)
    }
}

impl<'ns> Capture<'ns> {
    /// Starts capturing on `iface` in `ns` and returns once tcpdump listens.
    pub fn start(ns: &'ns Netns, iface: &str) -> Result<Capture<'ns>> {
        require_tool("tcpdump")?;
        let dir = tempfile::Builder::new()
            .prefix("ruru-e2e-pcap-")
            .tempdir()
            .map_err(|e| HarnessError::io("cannot create capture directory", e))?;
        let file = dir.path().join("dhcp.pcap");
        let log = dir.path().join("tcpdump.log");
        let log_file =
            File::create(&log).map_err(|e| HarnessError::io("cannot create tcpdump log", e))?;
        let child = ns
            .command("tcpdump")
            // -U: write each packet at once, so what was captured survives any stop;
            // -B: a 32 MiB kernel buffer keeps drops away at perfdhcp rates;
            // -Z root: Debian's tcpdump otherwise drops to a user that cannot write our file.
            .args([
                "-i", iface, "-n", "-U", "-s", "1024", "-B", "32768", "-Z", "root", "-w",
            ])
            .arg(&file)
            .args(["udp", "port", "67", "or", "udp", "port", "68"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .map_err(|e| HarnessError::io("cannot start tcpdump", e))?;
        let mut capture = Capture {
            _ns: ns,
            child: Some(child),
            file,
            log,
            _dir: dir,
        };
        poll_until("tcpdump to listen", TCPDUMP_TIMEOUT, || {
            if let Some(child) = capture.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(HarnessError::CommandFailed {
                        command: "tcpdump".into(),
                        status: status.to_string(),
                        stderr: capture.log_text(),
                    });
                }
            }
            Ok(capture.log_text().contains("listening on").then_some(()))
        })?;
        Ok(capture)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Stops tcpdump (SIGINT, so it flushes and prints its counters) and reads the capture.
    pub fn stop(mut self) -> Result<Captured> {
        if let Some(mut child) = self.child.take() {
            process::signal(child.id(), Signal::Int)?;
            if wait_timeout(&mut child, TCPDUMP_TIMEOUT)?.is_none() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        let bytes = std::fs::read(&self.file)
            .map_err(|e| HarnessError::io(format!("cannot read {}", self.file.display()), e))?;
        Ok(Captured {
            packets: pcap::dhcp4_packets(&bytes)?,
            kernel_drops: counter(&self.log_text(), "packets dropped by kernel"),
        })
    }
}

impl Drop for Capture<'_> {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The number before `label` on tcpdump's exit summary line ("12 packets dropped by kernel").
fn counter(log: &str, label: &str) -> Option<u64> {
    log.lines()
        .find_map(|line| line.trim().strip_suffix(label))
        .and_then(|n| n.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tcpdump_counters() {
        let log = "tcpdump: listening on lo\n1200 packets captured\n1200 packets received by filter\n3 packets dropped by kernel\n";
        assert_eq!(counter(log, "packets dropped by kernel"), Some(3));
        assert_eq!(counter(log, "packets captured"), Some(1200));
        assert_eq!(counter("nothing", "packets captured"), None);
    }
}
