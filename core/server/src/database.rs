//! SQL lease databases in the process: opening one for a configuration (with `retry-on-startup`) and
//! the `on-fail` watcher that handles a lost connection (CTL-097, ARM "Database Connectivity").

use crate::control::{DhcpState, Op, Origin};
use crate::family::{flog, Family, SharedOf};
use ruru_config::{OnFail, SqlDatabase, SqlKind};
use ruru_lease_sql::{Db, SqlError, SqlLeases4, SqlLeases6};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// A SQL store that can be opened from its configuration.
pub(crate) trait SqlStore: Sized {
    fn open(db: &SqlDatabase) -> impl std::future::Future<Output = Result<Self, SqlError>> + Send;
    /// A store over a handle that is not connected yet (`retry-on-startup`).
    fn unconnected(db: Db) -> Self;
}

impl SqlStore for SqlLeases4 {
    fn open(db: &SqlDatabase) -> impl std::future::Future<Output = Result<Self, SqlError>> + Send {
        SqlLeases4::open(db)
    }
    fn unconnected(db: Db) -> Self {
        SqlLeases4::from_db(db)
    }
}

impl SqlStore for SqlLeases6 {
    fn open(db: &SqlDatabase) -> impl std::future::Future<Output = Result<Self, SqlError>> + Send {
        SqlLeases6::open(db)
    }
    fn unconnected(db: Db) -> Self {
        SqlLeases6::from_db(db)
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

/// Opens the lease database of a configuration. An unreachable database is fatal unless
/// `retry-on-startup` is set: then the store starts unconnected and the watcher retries, honouring
/// `on-fail` (ARM: "the server starts reconnection attempts even at server startup or on
/// reconfigure events").
pub(crate) async fn open<S: SqlStore>(db: &SqlDatabase, v6: bool) -> Result<S, String> {
    let (id, logger) = match db.kind {
        SqlKind::Mysql => ("DHCPSRV_MYSQL_DB", "MySQL"),
        SqlKind::Postgresql => ("DHCPSRV_PGSQL_DB", "PostgreSQL"),
    };
    if v6 {
        tracing::info!(target: "kea-dhcp6.dhcpsrv", id, "opening {logger} lease database: {}", access(db));
    } else {
        tracing::info!(target: "kea-dhcp4.dhcpsrv", id, "opening {logger} lease database: {}", access(db));
    }
    match S::open(db).await {
        Ok(s) => Ok(s),
        Err(e) if e.is_unavailable() && db.retry_on_startup => {
            flog!(v6, warn, "DB_RECONNECT_LOST_CONNECTION", database = %db.name, "lease database unreachable at start, retrying as on-fail says: {e}");
            let lazy = Db::connect_lazy(db)
                .await
                .map_err(|e| format!("lease database: {e}"))?;
            // The failed probe leaves the loss signalled for the watcher.
            let _ = lazy.ping().await;
            Ok(S::unconnected(lazy))
        }
        Err(e) => Err(format!("cannot open the lease database: {e}")),
    }
}

/// What the watcher needs from the running process.
pub(crate) struct Watch<F: Family> {
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
            w.state.disable(Origin::DB_CONNECTION, None);
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
            if let Err(e) = F::recount(&snap, &store).await {
                flog!(
                    v6,
                    warn,
                    "DB_RECONNECT_SUCCEEDED",
                    "lease statistics not recounted: {e}"
                );
            }
            w.state.enable(Origin::DB_CONNECTION);
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
            w.state.enable(Origin::DB_CONNECTION);
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
