//! Errors of the SQL backends.

/// A SQL backend failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SqlError {
    /// The database cannot be reached (refused, timed out, connection lost): the server's
    /// `on-fail` policy applies and the connection is retried.
    #[error("database {name} unreachable: {reason}")]
    Unavailable {
        /// The database name.
        name: String,
        /// What the driver said.
        reason: String,
    },
    /// The schema's version is not the one this release uses (never upgraded automatically).
    #[error("database {name} has schema version {found}, this server needs {needed}; upgrade it with ruru-admin db-upgrade (or kea-admin)")]
    SchemaVersion {
        /// The database name.
        name: String,
        /// `version.minor` found.
        found: String,
        /// `version.minor` needed.
        needed: String,
    },
    /// The database has no schema and may not be initialised (read-only backend).
    #[error("database {name} has no Kea schema and is configured read-only")]
    NoSchema {
        /// The database name.
        name: String,
    },
    /// A statement failed for another reason than the connection.
    #[error("database {name}: {reason}")]
    Query {
        /// The database name.
        name: String,
        /// What the database said.
        reason: String,
    },
    /// A configured file (TLS) could not be used.
    #[error("database {name}: {reason}")]
    Config {
        /// The database name.
        name: String,
        /// What is wrong.
        reason: String,
    },
}

impl SqlError {
    /// Whether the failure is a lost or refused connection, which the `on-fail` policy handles.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, SqlError::Unavailable { .. })
    }

    /// Classifies a driver error for database `name`.
    pub(crate) fn from_sqlx(name: &str, e: sqlx::Error) -> Self {
        let name = name.to_owned();
        let reason = e.to_string();
        match e {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Protocol(_) => SqlError::Unavailable { name, reason },
            // Administrator commands and server shutdown end sessions with these.
            sqlx::Error::Database(ref d)
                if matches!(
                    d.code().as_deref(),
                    Some("57P01" | "57P02" | "57P03" | "08006" | "08003" | "08001" | "HY000")
                ) && is_connection_message(d.message()) =>
            {
                SqlError::Unavailable { name, reason }
            }
            _ => SqlError::Query { name, reason },
        }
    }
}

fn is_connection_message(msg: &str) -> bool {
    let m = msg.to_ascii_lowercase();
    ["terminat", "shutdown", "connection", "gone away", "lost"]
        .iter()
        .any(|w| m.contains(w))
}

impl From<SqlError> for ruru_lease::StoreError {
    fn from(e: SqlError) -> Self {
        ruru_lease::StoreError::Backend {
            unavailable: e.is_unavailable(),
            reason: e.to_string(),
        }
    }
}
