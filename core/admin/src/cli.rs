//! The command line, as kea-admin takes it (CTL-098):
//! `ruru-admin <command> <backend> [-h host] [-P port] [-u user] [-p [password]] [-n name]
//! [-d script-dir] [-v] [-V] [-x extra]... [-4|-6] [-i file] [-o file] [-y]`.

use std::path::PathBuf;

use clap::{ArgAction, Parser};

/// The raw arguments; [`Invocation::parse`] checks them as kea-admin does.
#[derive(Parser, Debug)]
#[command(
    name = "ruru-admin",
    disable_help_flag = true,
    disable_version_flag = true
)]
struct Args {
    command: Option<String>,
    backend: Option<String>,
    #[arg(short = 'h', long = "host")]
    host: Option<String>,
    #[arg(short = 'P', long = "port")]
    port: Option<u16>,
    #[arg(short = 'u', long = "user")]
    user: Option<String>,
    /// `-p` alone: prompt for the password.
    #[arg(short = 'p', long = "password", num_args = 0..=1, allow_hyphen_values = false)]
    password: Option<Option<String>>,
    #[arg(short = 'n', long = "name")]
    name: Option<String>,
    #[arg(short = 'd', long = "directory")]
    directory: Option<PathBuf>,
    #[arg(short = 'v', long = "version", action = ArgAction::SetTrue)]
    version: bool,
    #[arg(short = 'V', action = ArgAction::SetTrue)]
    version_upper: bool,
    #[arg(short = 'x', long = "extra", action = ArgAction::Append, allow_hyphen_values = true)]
    extra: Vec<String>,
    #[arg(short = '4', action = ArgAction::SetTrue)]
    v4: bool,
    #[arg(short = '6', action = ArgAction::SetTrue)]
    v6: bool,
    #[arg(short = 'i', long = "input")]
    input: Option<PathBuf>,
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    #[arg(short = 'y', long = "yes", action = ArgAction::SetTrue)]
    yes: bool,
}

/// The operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Command {
    DbInit,
    DbVersion,
    DbUpgrade,
    LeaseDump,
    LeaseUpload,
    StatsRecount,
}

impl Command {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "db-init" => Self::DbInit,
            "db-version" => Self::DbVersion,
            "db-upgrade" => Self::DbUpgrade,
            "lease-dump" => Self::LeaseDump,
            "lease-upload" => Self::LeaseUpload,
            "stats-recount" => Self::StatsRecount,
            _ => return None,
        })
    }

    /// The name on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::DbInit => "db-init",
            Self::DbVersion => "db-version",
            Self::DbUpgrade => "db-upgrade",
            Self::LeaseDump => "lease-dump",
            Self::LeaseUpload => "lease-upload",
            Self::StatsRecount => "stats-recount",
        }
    }
}

/// The backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    Memfile,
    Mysql,
    Pgsql,
}

/// IPv4 or IPv6 leases (`-4`/`-6`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    V4,
    V6,
}

/// Where the password comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Password {
    Given(String),
    Prompt,
}

/// A checked command line.
#[derive(Debug)]
pub(crate) enum Invocation {
    /// `-v`/`-V`: print the version.
    Version,
    Run(Box<Request>),
}

/// What to do, with kea-admin's defaults filled in.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) command: Command,
    pub(crate) backend: Backend,
    pub(crate) host: String,
    pub(crate) port: Option<u16>,
    pub(crate) user: String,
    pub(crate) password: Password,
    pub(crate) name: String,
    pub(crate) directory: Option<PathBuf>,
    pub(crate) extra: Vec<String>,
    pub(crate) family: Option<Family>,
    pub(crate) input: Option<PathBuf>,
    pub(crate) output: Option<PathBuf>,
    pub(crate) yes: bool,
}

/// A command line kea-admin would refuse: the message, and whether the usage text follows it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UsageError {
    pub(crate) message: String,
    pub(crate) show_usage: bool,
}

fn usage(message: impl Into<String>) -> UsageError {
    UsageError {
        message: message.into(),
        show_usage: true,
    }
}

/// The default of host, user, password and database name (kea-admin's).
const DEFAULT_HOST: &str = "localhost";
const DEFAULT_CREDENTIAL: &str = "keatest";

impl Invocation {
    /// Checks `argv` (without the program name). `env_password` is `KEA_ADMIN_DB_PASSWORD`.
    pub(crate) fn parse(argv: &[String], env_password: Option<String>) -> Result<Self, UsageError> {
        let args = Args::try_parse_from(
            std::iter::once("ruru-admin".to_owned()).chain(argv.iter().cloned()),
        )
        .map_err(|e| usage(clap_message(&e)))?;
        if args.version || args.version_upper {
            return Ok(Self::Version);
        }
        let command = match args.command.as_deref() {
            None => return Err(usage("missing command")),
            Some(c) => Command::parse(c).ok_or_else(|| usage(format!("invalid command: {c}")))?,
        };
        let backend = match args.backend.as_deref() {
            None => return Err(usage("missing backend")),
            Some("memfile") => Backend::Memfile,
            Some("mysql") => Backend::Mysql,
            Some("pgsql") => Backend::Pgsql,
            Some(b) => {
                return Err(UsageError {
                    message: format!("invalid backend: {b}"),
                    show_usage: false,
                })
            }
        };
        let family = match (args.v4, args.v6) {
            (true, true) => return Err(usage("you may not specify both -4 and -6")),
            (true, false) => Some(Family::V4),
            (false, true) => Some(Family::V6),
            (false, false) => None,
        };
        // Memfile answers before the lease-file arguments are looked at, as kea-admin does.
        if backend != Backend::Memfile {
            match command {
                Command::LeaseDump | Command::LeaseUpload if family.is_none() => {
                    return Err(usage(format!(
                        "{}: lease type ( -4 or -6 ) needs to be specified",
                        command.name()
                    )))
                }
                Command::LeaseDump if args.output.is_none() => {
                    return Err(usage("you must specify an output file for lease-dump"))
                }
                Command::LeaseUpload if args.input.is_none() => {
                    return Err(usage(
                        "you must specify an input file with -i or --input for lease-upload",
                    ))
                }
                _ => {}
            }
        }
        let password = match args.password {
            Some(Some(p)) => Password::Given(p),
            Some(None) => Password::Prompt,
            None => Password::Given(env_password.unwrap_or_else(|| DEFAULT_CREDENTIAL.to_owned())),
        };
        Ok(Self::Run(Box::new(Request {
            command,
            backend,
            host: args.host.unwrap_or_else(|| DEFAULT_HOST.to_owned()),
            port: args.port,
            user: args.user.unwrap_or_else(|| DEFAULT_CREDENTIAL.to_owned()),
            password,
            name: args.name.unwrap_or_else(|| DEFAULT_CREDENTIAL.to_owned()),
            directory: args.directory,
            extra: args.extra,
            family,
            input: args.input,
            output: args.output,
            yes: args.yes,
        })))
    }
}

/// clap's first error line without its "error: " prefix.
fn clap_message(e: &clap::Error) -> String {
    let text = e.to_string();
    let first = text.lines().next().unwrap_or("invalid arguments");
    first.strip_prefix("error: ").unwrap_or(first).to_owned()
}

/// The usage text (printed after usage errors, to standard output as kea-admin does).
pub(crate) fn usage_text() -> String {
    format!(
        "ruru-admin {version} (kea-admin {kea} compatible)

Administers the databases of Ruru (and of Kea 2.2).

Usage: ruru-admin COMMAND BACKEND [parameters]

COMMAND: one of
 - db-init: creates the schema in an empty database
 - db-version: prints the version of the database's schema
 - db-upgrade: upgrades the schema (with Kea's upgrade scripts, see -d)
 - lease-dump: writes the database's leases to a memfile CSV file
 - lease-upload: loads the leases of a memfile CSV file into the database
 - stats-recount: recounts the lease statistics tables

BACKEND: memfile|mysql|pgsql

PARAMETERS:
 -h or --host hostname - database host (default: localhost)
 -P or --port port - database TCP port
 -u or --user name - database user (default: keatest)
 -p or --password [password] - database password (default: $KEA_ADMIN_DB_PASSWORD, else
                               keatest); -p without a value prompts for it
 -n or --name database - database name (default: keatest)
 -d or --directory - directory of Kea's upgrade scripts, for db-upgrade
 -v, -V or --version - print the version and quit
 -x or --extra - extra argument passed to the upgrade scripts (repeatable)

 lease-dump, lease-upload:
     -4 IPv4 leases
     -6 IPv6 leases
     -i or --input file to upload leases from
     -o or --output file to dump leases to
     -y or --yes - overwrite an existing output file",
        version = env!("CARGO_PKG_VERSION"),
        kea = KEA_VERSION,
    )
}

/// The kea-admin release whose behaviour this follows.
pub(crate) const KEA_VERSION: &str = "2.2.0";

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &str) -> Result<Invocation, UsageError> {
        let argv: Vec<String> = args.split_whitespace().map(str::to_owned).collect();
        Invocation::parse(&argv, None)
    }

    fn request(args: &str) -> Request {
        match parse(args).unwrap() {
            Invocation::Run(r) => *r,
            Invocation::Version => panic!("version"),
        }
    }

    // CTL-098: defaults, the optional password value and repeated -x.
    #[test]
    fn ctl098_defaults_and_options() {
        let r = request("db-version pgsql");
        assert_eq!(
            (r.host.as_str(), r.user.as_str(), r.name.as_str()),
            ("localhost", "keatest", "keatest")
        );
        assert_eq!(r.password, Password::Given("keatest".into()));
        let r = request("db-version mysql -p -n db -x --a -x b -P 3307");
        assert_eq!(r.password, Password::Prompt);
        assert_eq!(r.name, "db");
        assert_eq!(r.extra, ["--a", "b"]);
        assert_eq!(r.port, Some(3307));
        let r = request("lease-dump pgsql -6 -o out.csv -p secret");
        assert_eq!(r.password, Password::Given("secret".into()));
        assert_eq!(r.family, Some(Family::V6));
        let argv = ["db-init".to_owned(), "pgsql".to_owned()];
        match Invocation::parse(&argv, Some("fromenv".into())).unwrap() {
            Invocation::Run(r) => assert_eq!(r.password, Password::Given("fromenv".into())),
            Invocation::Version => panic!(),
        }
        assert!(matches!(parse("-v").unwrap(), Invocation::Version));
        assert!(matches!(parse("-V").unwrap(), Invocation::Version));
    }

    // CTL-098: kea-admin's refusals.
    #[test]
    fn ctl098_usage_errors() {
        let e = |a: &str| parse(a).unwrap_err().message;
        assert_eq!(e(""), "missing command");
        assert_eq!(e("bogus pgsql"), "invalid command: bogus");
        assert_eq!(e("db-init"), "missing backend");
        assert_eq!(e("db-init foo"), "invalid backend: foo");
        assert_eq!(
            e("db-init pgsql -4 -6"),
            "you may not specify both -4 and -6"
        );
        assert_eq!(
            e("lease-dump pgsql"),
            "lease-dump: lease type ( -4 or -6 ) needs to be specified"
        );
        assert_eq!(
            e("lease-dump mysql -4"),
            "you must specify an output file for lease-dump"
        );
        assert_eq!(
            e("lease-upload pgsql -6"),
            "you must specify an input file with -i or --input for lease-upload"
        );
        assert!(e("db-init pgsql -Z").contains("-Z"));
        assert!(e("db-init pgsql -h").contains("host"));
    }
}
