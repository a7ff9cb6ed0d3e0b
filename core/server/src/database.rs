//! SQL lease and host databases in the process: opening them for a configuration (with
//! `retry-on-startup`) and the `on-fail` watcher that handles a lost connection (CTL-097, ARM
//! "Database Connectivity").

use crate::control::{DhcpState, Op, Origin};
use crate::family::{flog, Family, SharedOf};
use ruru_config::{OnFail, SqlDatabase, SqlKind};
use ruru_lease_sql::{Db, SqlLeases4, SqlLeases6};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// A SQL lease store over a database handle.
pub(crate) trait SqlStore: Sized {
    fn over(db: Db) -> Self;
}

impl SqlStore for SqlLeases4 {
    fn over(db: Db) -> Self {
        SqlLeases4::from_db(db)
    }
}

impl SqlStore for SqlLeases6 {
    fn over(db: Db) -> Self {
        SqlLeases6::from_db(db)
    }
}

/// Which of a configuration's databases is opened: what the messages call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// `lease-database`.
    Lease,
    /// An entry of `hosts-database(s)`.
    Host,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Lease => "lease",
            Role::Host => "host",
        }
    }
}

/// The connection parameters as Kea logs them when it opens a database: every key, the password
/// masked (CTL-115).
fn access(db: &SqlDatabase) -> String {
    let kind = match db.kind {
        SqlKind::Mysql => "mysql",
        SqlKind::Postgresql => "postgresql",
    };
    format!(
        "connect-timeout={} host={} name={} password={} port={} type={kind} user={}",
        db.connect_timeout,
        db.host.as_deref().unwrap_or("localhost"),
        db.name,
        if db.password.is_some() { "*****" } else { "" },
        db.port.map(|p| p.to_string()).unwrap_or_default(),
        db.user.as_deref().unwrap_or(""),
    )
}

/// Opens a database of a configuration and checks its schema (a `readonly` one is never created).
/// An unreachable database is fatal unless `retry-on-startup` is set: then the handle starts
/// unconnected and the watcher retries, honouring `on-fail` (ARM: "the server starts reconnection
/// attempts even at server startup or on reconfigure events").
pub(crate) async fn open_db(db: &SqlDatabase, v6: bool, role: Role) -> Result<Db, String> {
    let (id, logger) = match db.kind {
        SqlKind::Mysql => ("DHCPSRV_MYSQL_DB", "MySQL"),
        SqlKind::Postgresql => ("DHCPSRV_PGSQL_DB", "PostgreSQL"),
    };
    let what = role.name();
    if v6 {
        tracing::info!(target: "kea-dhcp6.dhcpsrv", id, "opening {logger} {what} database: {}", access(db));
    } else {
        tracing::info!(target: "kea-dhcp4.dhcpsrv", id, "opening {logger} {what} database: {}", access(db));
    }
    let connected = match Db::connect(db).await {
        Ok(handle) => ruru_lease_sql::schema::check(&handle, db.readonly)
            .await
            .map(|()| handle),
        Err(e) => Err(e),
    };
    match connected {
        Ok(handle) => Ok(handle),
        Err(e) if e.is_unavailable() && db.retry_on_startup => {
            flog!(v6, warn, "DB_RECONNECT_LOST_CONNECTION", database = %db.name, "{what} database unreachable at start, retrying as on-fail says: {e}");
            let lazy = Db::connect_lazy(db)
                .await
                .map_err(|e| format!("{what} database: {e}"))?;
            // The failed probe leaves the loss signalled for the watcher.
            let _ = lazy.ping().await;
            Ok(lazy)
        }
        Err(e) => Err(format!("cannot open the {what} database: {e}")),
    }
}

/// Opens the lease database of a configuration ([`open_db`]).
pub(crate) async fn open<S: SqlStore>(db: &SqlDatabase, v6: bool) -> Result<S, String> {
    open_db(db, v6, Role::Lease).await.map(S::over)
}

/// Opens every `hosts-database(s)` entry of a configuration, in order ([`open_db`]).
pub(crate) async fn open_hosts(dbs: &[SqlDatabase], v6: bool) -> Result<Vec<Db>, String> {
    let mut open = Vec::with_capacity(dbs.len());
    for db in dbs {
        open.push(open_db(db, v6, Role::Host).await?);
    }
    Ok(open)
}

/// What the watcher needs from the running process.
pub(crate) struct Watch<F: Family> {
    pub(crate) role: Role,
    /// Which hold on DHCP service this database's losses take.
    pub(crate) origin: Origin,
    pub(crate) db: Db,
    pub(crate) params: SqlDatabase,
    pub(crate) shared: Arc<SharedOf<F>>,
    pub(crate) state: Arc<DhcpState>,
    pub(crate) ops: mpsc::UnboundedSender<Op>,
}

/// Handles each loss of the lease database's connection for as long as the configuration runs:
/// `stop-retry-exit` holds DHCP service off while retrying (`disabled-by-db-connection` in
/// `status-get`); the `serve-*` policies keep serving; `max-reconnect-tries` attempts
/// `reconnect-wait-time` ms apart; then the `*-exit` policies shut the server down with exit value 1
/// (with no tries at all, at once) and `serve-retry-continue` goes on without the database.
pub(crate) async fn watch<F: Family>(w: Watch<F>) {
    let v6 = F::V6;
    let p = &w.params;
    loop {
        w.db.connection_lost().await;
        flog!(v6, warn, "DB_RECONNECT_LOST_CONNECTION", database = %p.name, "database connection lost");
        let stop = p.on_fail == OnFail::StopRetryExit;
        if stop {
            w.state.disable(w.origin, None);
        }
        let mut recovered = false;
        for attempt in 1..=p.max_reconnect_tries {
            tokio::time::sleep(Duration::from_millis(u64::from(p.reconnect_wait_time_ms))).await;
            match ruru_lease_sql::schema::check(&w.db, p.readonly).await {
                Ok(()) => {
                    recovered = true;
                    break;
                }
                Err(e) => {
                    flog!(v6, info, "DB_RECONNECT_ATTEMPT_FAILED", attempt, database = %p.name, "database reconnect attempt {attempt} of {} failed: {e}", p.max_reconnect_tries);
                    // A failed probe signals the loss again; this loop already handles it.
                    drain(&w.db).await;
                }
            }
        }
        if recovered {
            let (snap, store) = (w.shared.snapshot(), w.shared.store());
            if w.role == Role::Lease {
                if let Err(e) = F::recount(&snap, &store).await {
                    flog!(
                        v6,
                        warn,
                        "DB_RECONNECT_SUCCEEDED",
                        "lease statistics not recounted: {e}"
                    );
                }
            }
            w.state.enable(w.origin);
            flog!(v6, info, "DB_RECONNECT_SUCCEEDED", database = %p.name, "database connection recovered");
            continue;
        }
        if p.max_reconnect_tries == 0 {
            flog!(v6, error, "DB_RECONNECT_DISABLED", database = %p.name, "database reconnect is disabled (max-reconnect-tries 0)");
        } else {
            flog!(v6, error, "DB_RECONNECT_FAILED", database = %p.name, "maximum number of database reconnect attempts: {}, has been exhausted without success", p.max_reconnect_tries);
        }
        if p.on_fail == OnFail::ServeRetryContinue {
            // Serving goes on; a later loss starts over.
            w.state.enable(w.origin);
            drain(&w.db).await;
            continue;
        }
        let _ = w.ops.send(Op::Shutdown { exit: 1 });
        return;
    }
}

/// Consumes a loss signalled while it was already being handled.
async fn drain(db: &Db) {
    let _ = tokio::time::timeout(Duration::ZERO, db.connection_lost()).await;
}
