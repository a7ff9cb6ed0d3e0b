//! `ruru-admin`: kea-admin compatible administration of Ruru's (and Kea's) lease databases
//! (CTL-098). Messages and exit statuses follow kea-admin 2.2; everything goes to standard output
//! as kea-admin prints it.

mod cli;
// The SQL lease stores that lease-dump/lease-upload copy through are not in the tree yet; the
// copies are tested against memfile stores meanwhile.
#[cfg_attr(not(test), allow(dead_code))]
mod leases;
mod password;
mod sql;

use std::process::ExitCode;

use cli::{Backend, Command, Invocation, Password, Request};
use ruru_config::SqlKind;
use ruru_lease_sql::Db;

/// A command that failed: exit status and message.
#[derive(Debug)]
pub(crate) struct Failure {
    status: u8,
    message: String,
}

impl Failure {
    pub(crate) fn new(status: u8, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let req = match Invocation::parse(&argv, std::env::var("KEA_ADMIN_DB_PASSWORD").ok()) {
        Ok(Invocation::Version) => {
            println!("{}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Ok(Invocation::Run(req)) => req,
        Err(e) => {
            println!("ERROR/ruru-admin: {}", e.message);
            if e.show_usage {
                println!("\n{}", cli::usage_text());
            }
            return ExitCode::from(1);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            println!("ERROR/ruru-admin: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(&req)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            println!("ERROR/ruru-admin: {}", f.message);
            ExitCode::from(f.status)
        }
    }
}

async fn run(req: &Request) -> Result<(), Failure> {
    let kind = match req.backend {
        Backend::Memfile => return memfile(req.command),
        Backend::Pgsql => SqlKind::Postgresql,
        Backend::Mysql => SqlKind::Mysql,
    };
    let password = match &req.password {
        Password::Given(p) => p.clone(),
        Password::Prompt => password::prompt("Password: ")
            .map_err(|e| Failure::new(1, format!("cannot read the password: {e}")))?,
    };
    let db = Db::connect(&sql::parameters(req, kind, &password))
        .await
        .map_err(|e| Failure::new(1, e.to_string()))?;
    match req.command {
        Command::DbInit => sql::init(&db).await,
        Command::DbVersion => sql::version(&db).await,
        Command::DbUpgrade => sql::upgrade(&db, req, &password).await,
        Command::StatsRecount => sql::recount(&db).await,
        Command::LeaseDump | Command::LeaseUpload => sql_leases(req, &db).await,
    }
}

/// What kea-admin answers for the memfile backend, which has no schema and no statistics.
fn memfile(command: Command) -> Result<(), Failure> {
    match command {
        Command::DbInit | Command::DbVersion | Command::DbUpgrade => {
            Err(Failure::new(1, "NOT IMPLEMENTED"))
        }
        Command::LeaseDump | Command::LeaseUpload => Err(Failure::new(
            1,
            format!("{} is not supported for memfile", command.name()),
        )),
        Command::StatsRecount => {
            println!("INFO/ruru-admin: memfile does not keep lease statistics");
            Ok(())
        }
    }
}

/// lease-dump and lease-upload on a SQL database, through the SQL lease stores and
/// [`leases`]' generic copies. The files are checked as kea-admin checks them: the input must exist
/// and an existing output is overwritten only with `-y`.
async fn sql_leases(req: &Request, _db: &Db) -> Result<(), Failure> {
    match req.command {
        Command::LeaseUpload => {
            if let Some(input) = req.input.as_deref().filter(|p| !p.is_file()) {
                return Err(Failure::new(
                    1,
                    format!("Input file {} does not exist", input.display()),
                ));
            }
        }
        _ => {
            if let Some(out) = req.output.as_deref().filter(|p| p.exists()) {
                if !req.yes {
                    return Err(Failure::new(
                        1,
                        format!(
                            "Output file {} exists; use -y to overwrite it",
                            out.display()
                        ),
                    ));
                }
            }
        }
    }
    let family = match req.family {
        Some(cli::Family::V6) => "-6",
        _ => "-4",
    };
    Err(Failure::new(
        1,
        format!(
            "{} {family} for {:?} is not available yet",
            req.command.name(),
            req.backend
        ),
    ))
}
