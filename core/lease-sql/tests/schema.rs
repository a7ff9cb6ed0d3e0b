//! Schema version checks against databases Kea's own `kea-admin` created (CTL-094, CTL-095).

mod support;

use ruru_lease_sql::{schema, Db, SqlError};
use support::{fresh, kea_initialised, KINDS};

// CTL-095: the version Kea 2.2's kea-admin writes is the one Ruru needs; an empty database has none
// and a read-only backend refuses it.
#[tokio::test]
async fn ctl095_version_of_kea_schema_and_empty_database() {
    for kind in KINDS {
        let kea = kea_initialised(kind, "ver");
        let db = Db::connect(&kea).await.expect("connects");
        assert_eq!(
            schema::version(&db).await.unwrap(),
            Some(schema::needed(kind)),
            "{kind:?}"
        );
        schema::check(&db, false)
            .await
            .expect("Kea's schema passes");

        let scratch = fresh(kind, "empty");
        let empty = Db::connect(&scratch).await.expect("connects");
        assert_eq!(schema::version(&empty).await.unwrap(), None, "{kind:?}");
        assert!(matches!(
            schema::check(&empty, true).await,
            Err(SqlError::NoSchema { .. })
        ));
    }
}

// CTL-097 groundwork: an unreachable database is classified as unavailable.
#[tokio::test]
async fn unreachable_database_is_unavailable() {
    for kind in KINDS {
        let scratch = fresh(kind, "down");
        let mut p = scratch.0.clone();
        p.port = Some(1);
        p.connect_timeout = 1;
        let e = Db::connect(&p)
            .await
            .expect_err("nothing listens on port 1");
        assert!(e.is_unavailable(), "{kind:?}: {e}");
    }
}
