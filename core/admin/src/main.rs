//! `ruru-admin`: kea-admin compatible administration of Ruru's (and Kea's) lease databases
//! (CTL-098). Messages and exit statuses follow kea-admin 2.2; everything goes to standard output
//! as kea-admin prints it.

mod cli;
mod files;
mod leases;
mod password;
mod sql;

use std::process::ExitCode;

use cli::{Backend, Command, Invocation, Password, Request};
use ruru_config::{SqlDatabase, SqlKind};
use ruru_lease_sql::{Db, SqlLeases4, SqlLeases6};

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
    let params = sql::parameters(req, kind, &password);
    let db = Db::connect(&params)
        .await
        .map_err(|e| Failure::new(1, e.to_string()))?;
    match req.command {
        Command::DbInit => sql::init(&db).await,
        Command::DbVersion => sql::version(&db).await,
        Command::DbUpgrade => sql::upgrade(&db, req, &password).await,
        Command::StatsRecount => sql::recount(&db).await,
        Command::LeaseDump | Command::LeaseUpload => sql_leases(req, &db, &params).await,
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

/// lease-dump and lease-upload on a SQL database at the needed schema version, through the SQL
/// lease stores and [`leases`]' generic copies.
async fn sql_leases(req: &Request, db: &Db, params: &SqlDatabase) -> Result<(), Failure> {
    sql::require_current(db).await?;
    let store_failed = |e: ruru_lease::StoreError| Failure::new(1, e.to_string());
    let opened = |e: ruru_lease_sql::SqlError| Failure::new(1, e.to_string());
    let v6 = req.family == Some(cli::Family::V6);
    let lease = if v6 { "lease6" } else { "lease4" };
    match (req.command, &req.output, &req.input) {
        (Command::LeaseDump, Some(out), _) => {
            files::check_overwrite(out, req.yes, req.command)?;
            let n = if v6 {
                leases::dump6(&SqlLeases6::open(params).await.map_err(opened)?, out).await
            } else {
                leases::dump4(&SqlLeases4::open(params).await.map_err(opened)?, out).await
            }
            .map_err(store_failed)?;
            println!(
                "{lease} successfully dumped to {} ({n} leases)",
                out.display()
            );
        }
        (_, _, Some(input)) => {
            if !input.is_file() {
                return Err(Failure::new(
                    1,
                    format!("Input file {} does not exist", input.display()),
                ));
            }
            let n = if v6 {
                leases::upload6(&SqlLeases6::open(params).await.map_err(opened)?, input).await
            } else {
                leases::upload4(&SqlLeases4::open(params).await.map_err(opened)?, input).await
            }
            .map_err(store_failed)?;
            println!(
                "{lease} successfully uploaded from {} ({n} leases)",
                input.display()
            );
        }
        // The command line checks guarantee -o for lease-dump and -i for lease-upload.
        _ => unreachable!("lease-dump without -o or lease-upload without -i"),
    }
    Ok(())
}
