//! Command-line flags, as Kea's daemons take them.

use clap::Parser;
use std::path::PathBuf;

/// `ruru-dhcp4`: DHCPv4 server reading Kea's configuration.
#[derive(Debug, Parser)]
#[command(name = "ruru-dhcp4", disable_version_flag = true)]
pub struct Args {
    /// Configuration file (Kea's `Dhcp4` JSON).
    #[arg(short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Check the configuration file and exit: 0 when valid, 1 with the reason otherwise.
    #[arg(short = 't', value_name = "FILE", conflicts_with_all = ["config", "test_full"])]
    pub test: Option<PathBuf>,
    /// Like `-t`, and also open the lease database the configuration names.
    #[arg(short = 'T', value_name = "FILE", conflicts_with = "config")]
    pub test_full: Option<PathBuf>,
    /// Verbose debug logging on stdout, overriding the `loggers` section.
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
    /// Port to listen on (default 67); for tests.
    #[arg(short = 'p', value_name = "PORT", default_value_t = 67)]
    pub server_port: u16,
    /// Port to answer clients on (default 68); for tests.
    #[arg(short = 'P', value_name = "PORT", default_value_t = 68)]
    pub client_port: u16,
}
