//! SQL host backends end to end (CTL-094 host half): reservations an operator put into Kea's host
//! tables with plain SQL are served by the real server to a real client (dhclient), and Kea 2.2
//! serving from the same rows answers the same. DHCPv4 in [`v4`], DHCPv6 in [`v6`]; both families
//! on PostgreSQL and MariaDB, each on a scratch database Kea's `kea-admin db-init` created.

use ruru_config::SqlKind;
use ruru_e2e::db_proxy::DbProxy;
use ruru_e2e::topology::DirectLink;
use ruru_e2e::{Server, Subject};
use serde_json::{json, Value};

#[path = "../../../core/lease-sql/tests/support/mod.rs"]
mod db;
mod v4;
mod v6;

/// Runs statements on the scratch database as an operator would (psql / mariadb).
fn execute(db: &db::Scratch, sql: &str) {
    db::query(db.kind, &db.name, sql);
}

/// A byte-string literal of the dialect.
fn bytes(kind: SqlKind, hex: &str) -> String {
    match kind {
        SqlKind::Postgresql => format!("decode('{hex}', 'hex')"),
        SqlKind::Mysql => format!("UNHEX('{hex}')"),
    }
}

/// Plain hex of a text's bytes.
fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The `hosts-database` map of scratch database `db`, reached from the server's namespace through
/// `proxy`.
fn hosts_database(db: &db::Scratch, proxy: &DbProxy) -> Value {
    json!({"type": db::type_name(db.kind), "name": db.name, "host": "127.0.0.1", "port": proxy.port(),
           "user": "root", "connect-timeout": 2})
}

/// What `subject` gives a client with each MAC of `macs`: per client a fresh `link` (so no lease
/// of the other is left), the database relayed into the server's namespace, the server started on
/// `config` (given its interface), and what `acquire` obtained on that link.
fn served<T>(
    subject: Subject,
    db: &db::Scratch,
    macs: [&str; 2],
    link: impl Fn() -> ruru_e2e::Result<DirectLink>,
    config: impl Fn(&str, &db::Scratch, &DbProxy) -> Value,
    acquire: impl Fn(&DirectLink) -> ruru_e2e::Result<T>,
) -> [T; 2] {
    macs.map(|mac| {
        let link = link().expect("namespaces");
        link.veth.b().set_mac(mac).expect("client MAC");
        let proxy = DbProxy::start(&link.server, db::server_addr(db.kind)).expect("relay");
        let server = Server::start_subject(
            subject,
            &link.server,
            config(link.server_iface(), db, &proxy),
        )
        .unwrap_or_else(|e| panic!("{subject:?} on {:?} starts: {e}", db.kind));
        acquire(&link)
            .unwrap_or_else(|e| panic!("{subject:?} {:?} {mac}: {e}\n{}", db.kind, server.logs()))
    })
}
