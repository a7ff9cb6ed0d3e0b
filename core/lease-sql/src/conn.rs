//! Connections: one pool per backend, driven by the crate's own runtime so that callers on any
//! executor (the packet threads' local runtimes, a plugin's blocking call) can await queries.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use once_cell::sync::Lazy;
use ruru_config::{SqlDatabase, SqlKind};
use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions, MySqlSslMode};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgSslMode};

use crate::SqlError;

/// The runtime every pool's connections live on. Two workers: database round trips are I/O bound
/// and the packet threads never wait on them.
static RUNTIME: Lazy<tokio::runtime::Runtime> = Lazy::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ruru-db")
        .enable_all()
        .build()
        .expect("database runtime starts")
});

/// Runs `f` on the database runtime and awaits it from whatever executor polls the result.
pub(crate) async fn on_db_runtime<T: Send + 'static>(
    f: impl Future<Output = T> + Send + 'static,
) -> T {
    match RUNTIME.spawn(f).await {
        Ok(v) => v,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// Connections kept open per backend; every statement is a single autocommitted round trip.
const MAX_CONNECTIONS: u32 = 16;

/// An open database of either kind, with the settings the queries need.
#[derive(Clone, Debug)]
pub struct Db {
    pub(crate) pool: Pool,
    /// The configured database name, for messages.
    pub(crate) name: String,
    /// MySQL `read-timeout`/`write-timeout` applied to every statement (None: wait as long as it
    /// takes).
    pub(crate) statement_timeout: Option<Duration>,
    /// Signalled when a statement finds the database unreachable, whoever issued it (packet path,
    /// timers, plugins): the server's `on-fail` watcher waits on it.
    lost: Arc<tokio::sync::Notify>,
}

/// The driver pool of the configured kind.
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Pg(PgPool),
    My(MySqlPool),
}

impl Db {
    /// Connects to `db` (`connect-timeout` bounds the first connection), on the database runtime.
    pub async fn connect(db: &SqlDatabase) -> Result<Db, SqlError> {
        let db = db.clone();
        on_db_runtime(async move { Db::connect_here(&db, false).await }).await
    }

    /// A handle to `db` that connects on first use (`retry-on-startup`: the server starts while the
    /// database is down and its `on-fail` watcher retries).
    pub async fn connect_lazy(db: &SqlDatabase) -> Result<Db, SqlError> {
        let db = db.clone();
        on_db_runtime(async move { Db::connect_here(&db, true).await }).await
    }

    async fn connect_here(db: &SqlDatabase, lazy: bool) -> Result<Db, SqlError> {
        let name = db.name.clone();
        let timeout = Duration::from_secs(u64::from(db.connect_timeout.max(1)));
        let host = match db.host.as_deref() {
            None | Some("") | Some("localhost") => "localhost",
            Some(h) => h,
        };
        let tls = db.trust_anchor.is_some() || db.cert_file.is_some() || db.key_file.is_some();
        let pool = match db.kind {
            SqlKind::Postgresql => {
                let mut o = PgConnectOptions::new()
                    .host(host)
                    .port(db.port.unwrap_or(5432))
                    .database(&db.name)
                    .username(db.user.as_deref().unwrap_or(""))
                    .application_name("ruru");
                if let Some(pw) = db.password.as_deref().filter(|p| !p.is_empty()) {
                    o = o.password(pw);
                }
                if let Some(t) = db.tcp_user_timeout {
                    o = o.options([("tcp_user_timeout", (u64::from(t) * 1000).to_string())]);
                }
                if tls {
                    o = o.ssl_mode(if db.trust_anchor.is_some() {
                        PgSslMode::VerifyCa
                    } else {
                        PgSslMode::Require
                    });
                    if let Some(ca) = &db.trust_anchor {
                        o = o.ssl_root_cert(ca);
                    }
                    if let Some(c) = &db.cert_file {
                        o = o.ssl_client_cert(c);
                    }
                    if let Some(k) = &db.key_file {
                        o = o.ssl_client_key(k);
                    }
                } else {
                    o = o.ssl_mode(PgSslMode::Disable);
                }
                let p = PgPoolOptions::new()
                    .max_connections(MAX_CONNECTIONS)
                    // A ping before every statement would double the round trips; a dead
                    // connection shows in the statement's own error, which on-fail handles.
                    .test_before_acquire(false)
                    .acquire_timeout(timeout);
                Pool::Pg(if lazy {
                    p.connect_lazy_with(o)
                } else {
                    p.connect_with(o)
                        .await
                        .map_err(|e| SqlError::from_sqlx(&name, e))?
                })
            }
            SqlKind::Mysql => {
                let mut o = MySqlConnectOptions::new()
                    .host(host)
                    .port(db.port.unwrap_or(3306))
                    .database(&db.name)
                    .username(db.user.as_deref().unwrap_or(""));
                // An empty password is sent as none, as the C clients do.
                if let Some(pw) = db.password.as_deref().filter(|p| !p.is_empty()) {
                    o = o.password(pw);
                }
                if tls {
                    o = o.ssl_mode(if db.trust_anchor.is_some() {
                        MySqlSslMode::VerifyCa
                    } else {
                        MySqlSslMode::Required
                    });
                    if let Some(ca) = &db.trust_anchor {
                        o = o.ssl_ca(ca);
                    }
                    if let Some(c) = &db.cert_file {
                        o = o.ssl_client_cert(c);
                    }
                    if let Some(k) = &db.key_file {
                        o = o.ssl_client_key(k);
                    }
                } else {
                    o = o.ssl_mode(MySqlSslMode::Disabled);
                }
                let p = MySqlPoolOptions::new()
                    .max_connections(MAX_CONNECTIONS)
                    .test_before_acquire(false)
                    .acquire_timeout(timeout)
                    // Kea stores times in UTC; the session time zone makes TIMESTAMP columns UTC.
                    .after_connect(|c, _| {
                        Box::pin(async move {
                            sqlx::Executor::execute(c, "SET time_zone = '+00:00'").await?;
                            Ok(())
                        })
                    });
                Pool::My(if lazy {
                    p.connect_lazy_with(o)
                } else {
                    p.connect_with(o)
                        .await
                        .map_err(|e| SqlError::from_sqlx(&name, e))?
                })
            }
        };
        let statement_timeout = db
            .read_timeout
            .into_iter()
            .chain(db.write_timeout)
            .filter(|t| *t > 0)
            .max()
            .map(|t| Duration::from_secs(u64::from(t)));
        Ok(Db {
            pool,
            name,
            statement_timeout,
            lost: Arc::default(),
        })
    }

    /// Which kind of database this is.
    pub fn kind(&self) -> SqlKind {
        match self.pool {
            Pool::Pg(_) => SqlKind::Postgresql,
            Pool::My(_) => SqlKind::Mysql,
        }
    }

    /// The configured database name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs `f` with a clone of this handle on the database runtime, bounded by the statement
    /// timeout, classifying driver errors: how every backend query is issued.
    pub(crate) async fn run<T, F, Fut>(&self, f: F) -> Result<T, SqlError>
    where
        T: Send + 'static,
        F: FnOnce(Db) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, sqlx::Error>> + Send + 'static,
    {
        let db = self.clone();
        let r = on_db_runtime(async move {
            let name = db.name.clone();
            let limit = db.statement_timeout;
            let fut = f(db);
            let r = match limit {
                Some(t) => match tokio::time::timeout(t, fut).await {
                    Ok(r) => r,
                    Err(_) => {
                        return Err(SqlError::Unavailable {
                            name,
                            reason: format!("no answer within {} s", t.as_secs()),
                        })
                    }
                },
                None => fut.await,
            };
            r.map_err(|e| SqlError::from_sqlx(&name, e))
        })
        .await;
        if r.as_ref().is_err_and(SqlError::is_unavailable) {
            self.lost.notify_one();
        }
        r
    }

    /// Resolves once a statement has found the database unreachable since the last call (a loss
    /// seen before anyone waits is kept).
    pub async fn connection_lost(&self) {
        self.lost.notified().await;
    }

    /// Whether the database answers now (`SELECT 1`): the reconnection probe.
    pub async fn ping(&self) -> Result<(), SqlError> {
        self.run(|db| async move {
            match &db.pool {
                Pool::Pg(p) => sqlx::query("SELECT 1").execute(p).await.map(drop),
                Pool::My(p) => sqlx::query("SELECT 1").execute(p).await.map(drop),
            }
        })
        .await
    }

    /// Closes every connection (reconfiguration replaces the backend).
    pub async fn close(&self) {
        let db = self.clone();
        on_db_runtime(async move {
            match &db.pool {
                Pool::Pg(p) => p.close().await,
                Pool::My(p) => p.close().await,
            }
        })
        .await;
    }
}
