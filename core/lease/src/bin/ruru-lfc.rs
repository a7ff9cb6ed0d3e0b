//! `ruru-lfc`: lease file cleanup, with `kea-lfc`'s command line (CTL-091, CTL-093).
//!
//! Normally started by the server; see `ruru_lease::cleanup4` and `cleanup6` for what it does to
//! the files.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use ruru_lease::{cleanup4, cleanup6, CleanupFiles, CleanupOutcome, StoreError};

/// The cleanup of one family's files.
type Cleanup = fn(&CleanupFiles) -> Result<CleanupOutcome, StoreError>;

const USAGE: &str = "Usage: ruru-lfc
 [-4|-6] -p file -x file -i file -o file -f file -c file
   -4 or -6 clean a set of v4 or v6 lease files
   -p <file>: PID file
   -x <file>: previous or ex lease file
   -i <file>: copy of lease file
   -o <file>: output lease file
   -f <file>: finish file
   -c <file>: configuration file
   -v: print version number and exit
   -V: print extended version information and exit
   -W: print the build configuration and exit
   -d: optional, verbose output
   -h: print this message
";

/// The flags of `kea-lfc`; help and version are handled here to print what `kea-lfc` prints.
#[derive(Parser, Debug)]
#[command(
    name = "ruru-lfc",
    disable_help_flag = true,
    disable_version_flag = true
)]
struct Args {
    #[arg(short = '4')]
    v4: bool,
    #[arg(short = '6')]
    v6: bool,
    #[arg(short = 'p')]
    pid: Option<PathBuf>,
    #[arg(short = 'x')]
    previous: Option<PathBuf>,
    #[arg(short = 'i')]
    input: Option<PathBuf>,
    #[arg(short = 'o')]
    output: Option<PathBuf>,
    #[arg(short = 'f')]
    finish: Option<PathBuf>,
    #[arg(short = 'c')]
    config: Option<PathBuf>,
    #[arg(short = 'd')]
    debug: bool,
    #[arg(short = 'v')]
    version: bool,
    #[arg(short = 'V')]
    extended_version: bool,
    #[arg(short = 'W')]
    build_report: bool,
    #[arg(short = 'h')]
    help: bool,
}

/// A usage error: printed with the usage text, exit status 1.
fn usage_error(reason: &str) -> ExitCode {
    eprintln!("Usage error: {reason}");
    eprint!("{USAGE}");
    ExitCode::FAILURE
}

/// The six files `kea-lfc` requires, or the message for the first one missing.
fn required_files(
    pid: Option<PathBuf>,
    previous: Option<PathBuf>,
    input: Option<PathBuf>,
    output: Option<PathBuf>,
    finish: Option<PathBuf>,
    config: Option<PathBuf>,
) -> Result<CleanupFiles, &'static str> {
    let pid = pid.ok_or("PID file not specified")?;
    let previous = previous.ok_or("Previous file not specified")?;
    let input = input.ok_or("Copy file not specified")?;
    let output = output.ok_or("Output file not specified")?;
    let finish = finish.ok_or("Finish file not specified")?;
    // Required for compatibility, never read.
    config.ok_or("Config file not specified")?;
    Ok(CleanupFiles {
        previous,
        input,
        output,
        finish,
        pid,
    })
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or_default();
            return usage_error(first.trim_start_matches("error: "));
        }
    };
    let version = env!("CARGO_PKG_VERSION");
    if args.help {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if args.version {
        println!("{version}");
        return ExitCode::SUCCESS;
    }
    if args.extended_version {
        println!("{version}\nruru-lfc (Ruru), Kea 2.7 lease file format");
        return ExitCode::SUCCESS;
    }
    if args.build_report {
        println!("ruru-lfc {version}\nlease files: DHCPv4 and DHCPv6 (Kea 2.7 CSV)");
        return ExitCode::SUCCESS;
    }
    let (family, cleanup): (&str, Cleanup) = match (args.v4, args.v6) {
        (false, false) => return usage_error("DHCP version required"),
        (true, true) => return usage_error("only one of -4 and -6 may be given"),
        (true, false) => ("DHCPv4", cleanup4),
        (false, true) => ("DHCPv6", cleanup6),
    };
    let files = match required_files(
        args.pid,
        args.previous,
        args.input,
        args.output,
        args.finish,
        args.config,
    ) {
        Ok(files) => files,
        Err(missing) => return usage_error(missing),
    };
    if args.debug {
        println!("Protocol version:    {family}");
        println!("Previous or ex lease file: {}", files.previous.display());
        println!("Copy lease file:           {}", files.input.display());
        println!("Output lease file:         {}", files.output.display());
        println!("Finish file:               {}", files.finish.display());
        println!("PID file:                  {}", files.pid.display());
    }
    match cleanup(&files) {
        Ok(CleanupOutcome::AlreadyRunning { pid }) => {
            eprintln!("ruru-lfc: a cleanup (pid {pid}) is already running");
            ExitCode::SUCCESS
        }
        Ok(CleanupOutcome::Done { merged, row_errors }) => {
            if args.debug {
                match merged {
                    Some(n) => {
                        println!("ruru-lfc: wrote {n} leases, skipped {row_errors} invalid rows")
                    }
                    None => println!("ruru-lfc: finished the rotation of an earlier run"),
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("Service failed: {e}");
            ExitCode::FAILURE
        }
    }
}
