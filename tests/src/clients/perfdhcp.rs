//! Kea's `perfdhcp` load generator: run it in a namespace and read its final report.

use std::time::Duration;

use crate::error::{HarnessError, Result};
use crate::netns::Netns;
use crate::process::{self, command_failed, require_tool, run};

/// Counters of one exchange (`DISCOVER-OFFER` or `REQUEST-ACK`).
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
    /// The DISCOVER-OFFER counters.
    pub discover_offer: ExchangeStats,
    /// The REQUEST-ACK counters (absent with `-i`).
    pub request_ack: Option<ExchangeStats>,
    /// The whole output, for messages.
    pub output: String,
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
                "DISCOVER-OFFER" => Some(discover_offer.insert(ExchangeStats::default())),
                "REQUEST-ACK" => Some(request_ack.insert(ExchangeStats::default())),
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
    report.discover_offer = discover_offer.ok_or("no DISCOVER-OFFER statistics")?;
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
