//! Kea's `perfdhcp` load generator: run it in a namespace and read its final report.
//!
//! The report parser reads both families: DHCPv4's `DISCOVER-OFFER`/`REQUEST-ACK` and DHCPv6's
//! `SOLICIT-ADVERTISE`/`REQUEST-REPLY` sections fill the same two [`ExchangeStats`]. [`Perf6`]
//! builds a bounded DHCPv6 run.

use std::time::Duration;

use crate::error::{HarnessError, Result};
use crate::netns::Netns;
use crate::process::{self, command_failed, require_tool, run};

/// Counters of one exchange (`DISCOVER-OFFER`/`SOLICIT-ADVERTISE` or `REQUEST-ACK`/`REQUEST-REPLY`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExchangeStats {
    /// Requests sent.
    pub sent: u64,
    /// Replies received.
    pub received: u64,
    /// Requests without a reply.
    pub drops: u64,
    /// `drops` as a percentage of `sent`, as printed.
    pub drops_percent: f64,
    /// Replies that matched no request.
    pub orphans: u64,
    /// Leases perfdhcp rejected.
    pub rejected_leases: u64,
    /// Addresses handed to two clients (with `-u`).
    pub non_unique_addresses: u64,
}

/// perfdhcp's final report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PerfReport {
    /// Exit code (`None` if killed by a signal).
    pub exit_code: Option<i32>,
    /// Completed 4-way exchanges per second (`Rate:` line): leases per second.
    pub rate: Option<f64>,
    /// The DISCOVER-OFFER counters (DHCPv6: SOLICIT-ADVERTISE, see [`PerfReport::solicit_advertise`]).
    pub discover_offer: ExchangeStats,
    /// The REQUEST-ACK counters (DHCPv6: REQUEST-REPLY, see [`PerfReport::request_reply`]);
    /// absent with `-i`.
    pub request_ack: Option<ExchangeStats>,
    /// The whole output, for messages.
    pub output: String,
}

impl PerfReport {
    /// DHCPv6: the SOLICIT-ADVERTISE counters.
    pub fn solicit_advertise(&self) -> &ExchangeStats {
        &self.discover_offer
    }

    /// DHCPv6: the REQUEST-REPLY counters (absent with `-i`).
    pub fn request_reply(&self) -> Option<&ExchangeStats> {
        self.request_ack.as_ref()
    }

    /// REQUEST-ACK/REQUEST-REPLY replies received, 0 when there was no second exchange.
    pub fn leases_received(&self) -> u64 {
        self.request_ack.as_ref().map_or(0, |r| r.received)
    }
}

/// What each simulated DHCPv6 client asks for (`perfdhcp -e`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseRequest6 {
    /// One IA_NA (`-e address-only`, perfdhcp's default).
    Address,
    /// One IA_PD (`-e prefix-only`).
    Prefix,
    /// One IA_NA and one IA_PD (`-e address-and-prefix`).
    AddressAndPrefix,
}

impl LeaseRequest6 {
    fn arg(self) -> &'static str {
        match self {
            LeaseRequest6::Address => "address-only",
            LeaseRequest6::Prefix => "prefix-only",
            LeaseRequest6::AddressAndPrefix => "address-and-prefix",
        }
    }
}

/// A bounded `perfdhcp -6` run from one interface: 4-way exchanges (SOLICIT, ADVERTISE,
/// REQUEST, REPLY) to ff02::1:2, at `rate` per second for `seconds`, among `clients` simulated
/// clients (DUIDs derived from `mac_base`), optionally relayed (`-A1`: one RELAY-FORW level whose
/// link-address is the interface's address perfdhcp binds: a global one if the interface has
/// one, else its link-local one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Perf6 {
    /// Interface to send from (`-l`).
    pub iface: String,
    /// Exchanges started per second (`-r`).
    pub rate: u32,
    /// Length of the run in seconds (`-p`).
    pub seconds: u32,
    /// Distinct simulated clients (`-R`).
    pub clients: u32,
    /// MAC template the DUIDs are derived from (`-b mac=`); distinct bases keep runs apart.
    pub mac_base: String,
    /// What each client asks for (`-e`).
    pub lease: LeaseRequest6,
    /// Relay encapsulation (`-A1`).
    pub relayed: bool,
}

impl Perf6 {
    /// A short run from `iface`: 100/s for 2 s, 100 000 clients, addresses only, unrelayed.
    pub fn new(iface: &str) -> Perf6 {
        Perf6 {
            iface: iface.to_owned(),
            rate: 100,
            seconds: 2,
            clients: 100_000,
            mac_base: "00:0c:01:02:03:04".into(),
            lease: LeaseRequest6::Address,
            relayed: false,
        }
    }

    /// Sets the rate and the duration.
    pub fn rate(mut self, rate: u32, seconds: u32) -> Perf6 {
        self.rate = rate;
        self.seconds = seconds;
        self
    }

    /// Sets the number of distinct clients.
    pub fn clients(mut self, clients: u32) -> Perf6 {
        self.clients = clients;
        self
    }

    /// Sets the MAC template of the clients' DUIDs.
    pub fn mac_base(mut self, mac: &str) -> Perf6 {
        self.mac_base = mac.to_owned();
        self
    }

    /// Sets what each client asks for.
    pub fn lease(mut self, lease: LeaseRequest6) -> Perf6 {
        self.lease = lease;
        self
    }

    /// Relays every message through one simulated relay (`-A1`).
    pub fn relayed(mut self) -> Perf6 {
        self.relayed = true;
        self
    }

    /// The perfdhcp arguments of this run.
    pub fn args(&self) -> Vec<String> {
        let mut args: Vec<String> = ["-6", "-l", &self.iface, "-e", self.lease.arg()]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        args.extend([
            "-r".into(),
            self.rate.to_string(),
            "-p".into(),
            self.seconds.to_string(),
            "-R".into(),
            self.clients.to_string(),
            "-b".into(),
            format!("mac={}", self.mac_base),
        ]);
        if self.relayed {
            args.push("-A1".into());
        }
        args
    }

    /// Bound on the whole run: its duration plus perfdhcp's own wind-down and slack.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(u64::from(self.seconds) + 30)
    }

    /// Runs it in `ns` and parses the report.
    pub fn run(&self, ns: &Netns) -> Result<PerfReport> {
        let args = self.args();
        run_perfdhcp(
            ns,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            self.timeout(),
        )
    }
}

/// Runs `perfdhcp ARGS` in `ns`, bounded by `timeout`, and parses its report.
///
/// A non-zero exit is accepted when a report was printed (perfdhcp signals drops that way);
/// without a report it is an error.
pub fn run_perfdhcp(ns: &Netns, args: &[&str], timeout: Duration) -> Result<PerfReport> {
    require_tool("perfdhcp")?;
    let mut cmd = ns.command("perfdhcp");
    cmd.args(args);
    let line = process::describe(&cmd);
    let output = run(&mut cmd, timeout)?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    match parse_report(&text) {
        Ok(mut report) => {
            report.exit_code = output.status.code();
            Ok(report)
        }
        Err(_) if !output.status.success() => Err(command_failed(line, &output)),
        Err(reason) => Err(HarnessError::Output {
            what: "perfdhcp report",
            reason: format!("{reason}; output:\n{text}"),
        }),
    }
}

/// Parses the report perfdhcp prints when it ends.
pub fn parse_report(text: &str) -> std::result::Result<PerfReport, String> {
    let mut report = PerfReport {
        output: text.to_owned(),
        ..PerfReport::default()
    };
    let mut discover_offer = None;
    let mut section: Option<&mut ExchangeStats> = None;
    let mut request_ack = None;
    for line in text.lines().map(str::trim) {
        if let Some(name) = line
            .strip_prefix("***Statistics for: ")
            .and_then(|s| s.strip_suffix("***"))
        {
            section = match name {
                "DISCOVER-OFFER" | "SOLICIT-ADVERTISE" => {
                    Some(discover_offer.insert(ExchangeStats::default()))
                }
                "REQUEST-ACK" | "REQUEST-REPLY" => {
                    Some(request_ack.insert(ExchangeStats::default()))
                }
                _ => None,
            };
            continue;
        }
        if line.starts_with("***") {
            section = None;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if key == "Rate" {
            report.rate = Some(leading_number(value)?);
            continue;
        }
        let Some(stats) = section.as_deref_mut() else {
            continue;
        };
        let count = || {
            let word = value.split_whitespace().next().unwrap_or_default();
            word.parse::<u64>()
                .map_err(|_| format!("{key}: {:?} is not a count", value.trim()))
        };
        match key {
            "sent packets" => stats.sent = count()?,
            "received packets" => stats.received = count()?,
            "drops" => stats.drops = count()?,
            "drops ratio" => stats.drops_percent = leading_number(value)?,
            "orphans" => stats.orphans = count()?,
            "rejected leases" => stats.rejected_leases = count()?,
            "non unique addresses" => stats.non_unique_addresses = count()?,
            _ => {}
        }
    }
    report.discover_offer =
        discover_offer.ok_or("no DISCOVER-OFFER or SOLICIT-ADVERTISE statistics")?;
    report.request_ack = request_ack;
    Ok(report)
}

/// The number at the start of `text` (`" 999.1 4-way exchanges/second"`, `" 0.000 %"`).
fn leading_number(text: &str) -> std::result::Result<f64, String> {
    let word = text.split_whitespace().next().unwrap_or_default();
    word.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .ok_or_else(|| format!("{:?} does not start with a number", text.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running: perfdhcp -4 -l 127.0.0.2 -r 1000 -R 1000 -p 2 127.0.0.1
Scenario: basic.
***Rate statistics***
Rate: 999.139 4-way exchanges/second, expected rate: 1000

***Malformed Packets***
Malformed packets: 0
***Statistics for: DISCOVER-OFFER***
sent packets: 1999
received packets: 1990
drops: 9
drops ratio: 0.45 %
orphans: 1
rejected leases: 0
non unique addresses: 0

min delay: 0.102 ms
***Statistics for: REQUEST-ACK***
sent packets: 1990
received packets: 1980
drops: 10
drops ratio: 0.503 %
orphans: 0
rejected leases: 2
non unique addresses: 3
";

    #[test]
    fn parses_both_exchanges_and_rate() {
        let r = parse_report(REPORT).expect("valid report");
        assert_eq!(r.rate, Some(999.139));
        assert_eq!(r.discover_offer.sent, 1999);
        assert_eq!(r.discover_offer.received, 1990);
        assert_eq!(r.discover_offer.drops, 9);
        assert_eq!(r.discover_offer.orphans, 1);
        let ra = r.request_ack.expect("4-way");
        assert_eq!((ra.sent, ra.received, ra.drops), (1990, 1980, 10));
        assert!((ra.drops_percent - 0.503).abs() < 1e-9);
        assert_eq!((ra.rejected_leases, ra.non_unique_addresses), (2, 3));
    }

    const REPORT6: &str = "Running: perfdhcp -6 -l h1vc -r 500 -p 3 -R 100000
Scenario: basic.
Multi-thread mode enabled.
***Rate statistics***
Rate: 499.553 4-way exchanges/second, expected rate: 500

***Malformed Packets***
Malformed packets: 0
***Statistics for: SOLICIT-ADVERTISE***
sent packets: 1499
received packets: 1498
drops: 1
drops ratio: 0.0667 %
orphans: 0
rejected leases: 0
non unique addresses: 0

min delay: 0.112 ms
collected packets: 0

***Statistics for: REQUEST-REPLY***
sent packets: 1498
received packets: 1497
drops: 1
drops ratio: 0.0668 %
orphans: 0
rejected leases: 0
non unique addresses: 0

min delay: 0.128 ms
collected packets: 0
";

    #[test]
    fn parses_dhcpv6_exchanges() {
        let r = parse_report(REPORT6).expect("valid v6 report");
        assert_eq!(r.rate, Some(499.553));
        assert_eq!(
            (r.solicit_advertise().sent, r.solicit_advertise().received),
            (1499, 1498)
        );
        let rr = r.request_reply().expect("4-way");
        assert_eq!((rr.sent, rr.received, rr.drops), (1498, 1497, 1));
        assert_eq!(r.leases_received(), 1497);
    }

    #[test]
    fn perf6_arguments_are_bounded() {
        let run = Perf6::new("veth0")
            .rate(500, 5)
            .clients(1000)
            .mac_base("00:0c:aa:00:00:00")
            .lease(LeaseRequest6::AddressAndPrefix)
            .relayed();
        assert_eq!(
            run.args().join(" "),
            "-6 -l veth0 -e address-and-prefix -r 500 -p 5 -R 1000 -b mac=00:0c:aa:00:00:00 -A1"
        );
        assert_eq!(run.timeout(), Duration::from_secs(35));
        assert!(!Perf6::new("v").args().contains(&"-A1".to_owned()));
    }

    #[test]
    fn rejects_output_without_statistics_or_with_garbage() {
        assert!(parse_report("Running: perfdhcp\nerror: bind failed\n").is_err());
        let garbage = REPORT.replace("received packets: 1990", "received packets: lots");
        assert!(parse_report(&garbage).is_err());
        let only_do = REPORT
            .split("***Statistics for: REQUEST-ACK***")
            .next()
            .unwrap_or("");
        assert_eq!(parse_report(only_do).expect("-i run").request_ack, None);
    }
}
