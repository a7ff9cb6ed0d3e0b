//! Command-line flags, as `kea-ctrl-agent` takes them (CTL-080).

use clap::Parser;
use std::path::PathBuf;

/// `ruru-ctrl-agent`: the control agent, reading Kea's `Control-agent` configuration.
#[derive(Debug, Parser)]
#[command(name = "ruru-ctrl-agent", disable_version_flag = true)]
pub struct Args {
    /// Configuration file (Kea's `Control-agent` JSON).
    #[arg(short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Check the configuration file and exit: 0 when valid, 1 with the reason otherwise.
    #[arg(short = 't', value_name = "FILE", conflicts_with = "config")]
    pub test: Option<PathBuf>,
    /// Print the `control-sockets` entry (socket-type `http` or `https`) that takes over this
    /// agent configuration's HTTP listener in a Dhcp4 or Dhcp6 configuration, and exit: the
    /// migration to the servers' own HTTP sockets (Kea 2.7.2+).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["config", "test"])]
    pub convert: Option<PathBuf>,
    /// Verbose: every logger at DEBUG (level 99), whatever the `loggers` section says; its outputs
    /// still apply (CTL-103).
    #[arg(short = 'd')]
    pub debug: bool,
    /// Print the version and exit.
    #[arg(short = 'v')]
    pub version: bool,
    /// Print the extended version and exit.
    #[arg(short = 'V')]
    pub extended_version: bool,
    /// Print the build configuration report and exit.
    #[arg(short = 'W')]
    pub build_report: bool,
}
