//! Command-line flags, as Kea's daemons take them.

use clap::Parser;
use std::path::PathBuf;

/// `ruru-dhcp4` and `ruru-dhcp6`: DHCP servers reading Kea's configuration.
#[derive(Debug, Parser)]
#[command(disable_version_flag = true)]
pub struct Args {
    /// Configuration file (Kea's `Dhcp4` or `Dhcp6` JSON).
    #[arg(short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Check the configuration file and exit: 0 when valid, 1 with the reason otherwise.
    #[arg(short = 't', value_name = "FILE", conflicts_with_all = ["config", "test_full"])]
    pub test: Option<PathBuf>,
    /// Like `-t`, and also open the lease database the configuration names.
    #[arg(short = 'T', value_name = "FILE", conflicts_with = "config")]
    pub test_full: Option<PathBuf>,
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
    /// Port to listen on (default 67, or 547 for DHCPv6); for tests.
    #[arg(short = 'p', value_name = "PORT")]
    pub server_port: Option<u16>,
    /// Port to answer clients on (default 68, or 546 for DHCPv6); forces every reply's port; for tests.
    #[arg(short = 'P', value_name = "PORT")]
    pub client_port: Option<u16>,
}

impl Args {
    /// Parses the process's arguments, naming the program `binary` in help and errors.
    pub fn parse_as(binary: &'static str) -> Args {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Args::command().name(binary).get_matches();
        Args::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }
}
