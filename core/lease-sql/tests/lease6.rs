//! The DHCPv6 SQL lease store against Kea 2.2's schema (created by `kea-admin db-init`), the
//! memfile store's answers, and a running Kea 2.2 sharing the database (CTL-094, CTL-096, V6-103).

mod support;

use std::collections::BTreeSet;
use std::net::Ipv6Addr;
use std::sync::Arc;

use ruru_config::SqlKind;
use ruru_lease::{
    Duid, HwAddr, Lease6, LeaseState, LeaseStore6, LeaseType, Memfile6, MemfileOptions, StoreError,
};
use ruru_lease_sql::{SqlLeases6, MAX_DB_TIME};
use serde_json::json;
use support::{kea_initialised, renew_behind_the_back, KINDS};

/// A client last transaction time in 2027, well inside the schema's range.
const T: u64 = 1_800_000_000;

fn addr(n: u16) -> Ipv6Addr {
    Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, n)
}

fn duid(n: u8) -> Duid {
    Duid::new(&[0, 1, 0, 1, 0xaa, n])
}

fn context(v: serde_json::Value) -> Option<serde_json::Map<String, serde_json::Value>> {
    match v {
        serde_json::Value::Object(m) => Some(m),
        _ => None,
    }
}

/// Leases covering every column: the three types, a prefix, hardware addresses present and
/// absent, a user context, IAIDs at and above 2^31, an infinite lifetime, a declined DUID-less
/// lease and a reclaimed one. Expirations are distinct, so oldest-first orders are unique.
fn leases() -> Vec<Lease6> {
    let base = |a, d, iaid, subnet, valid, cltt| Lease6::new(a, d, iaid, subnet, valid, cltt);
    vec![
        Lease6 {
            hostname: "Host.Example.".into(),
            hwaddr: Some(HwAddr::new(1, &[0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff])),
            hwaddr_source: 4,
            user_context: context(json!({"a": [1, 2], "b": {"c": "x"}})),
            fqdn_fwd: true,
            preferred_lifetime: 1800,
            ..base(addr(9), duid(1), 1, 1, 3600, T)
        },
        base(addr(0x10), duid(1), 1, 2, 3600, T + 10),
        Lease6 {
            hostname: "host.example.".into(),
            fqdn_rev: true,
            ..base(addr(0x105), duid(2), 0x8000_0005, 1, 7200, T + 20)
        },
        base(addr(0x106), duid(2), u32::MAX, 1, 7200, T + 30),
        Lease6 {
            lease_type: LeaseType::Ta,
            ..base(addr(0x200), duid(1), 1, 1, 600, T + 40)
        },
        Lease6 {
            lease_type: LeaseType::Pd,
            prefix_len: 56,
            hwaddr: Some(HwAddr::new(6, &[1, 2, 3, 4, 5, 6, 7, 8])),
            hwaddr_source: 1,
            ..base(
                Ipv6Addr::new(0x2001, 0xdb8, 0x8000, 0x100, 0, 0, 0, 0),
                duid(1),
                1,
                1,
                4000,
                T + 50,
            )
        },
        base(addr(0x300), duid(3), 3, 1, u32::MAX, T + 60),
        Lease6 {
            state: LeaseState::Declined,
            ..base(addr(0x400), Duid::EMPTY, 0, 1, 300, T + 70)
        },
        Lease6 {
            state: LeaseState::ExpiredReclaimed,
            ..base(addr(0x500), duid(5), 5, 1, 100, T - 5000)
        },
    ]
}

/// Every page of `limit` leases from the start, in the order they came.
async fn all_pages(store: &impl LeaseStore6, limit: usize) -> Vec<Lease6> {
    let mut out: Vec<Lease6> = Vec::new();
    for _ in 0..1000 {
        let page = store
            .page6(out.last().map(|l| l.address), limit)
            .await
            .unwrap();
        assert!(page.len() <= limit);
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
    panic!("paging does not end");
}

/// Pages through the store and checks every lease comes exactly once; the addresses as a set.
async fn page_set(store: &impl LeaseStore6, limit: usize) -> BTreeSet<Ipv6Addr> {
    let pages = all_pages(store, limit).await;
    let set: BTreeSet<Ipv6Addr> = pages.iter().map(|l| l.address).collect();
    assert_eq!(set.len(), pages.len(), "a lease came twice: {pages:?}");
    assert_eq!(set.len(), store.count6().await.unwrap());
    set
}

/// One scenario over a store: each step's answer, as text, for comparing two stores.
async fn scenario(store: &impl LeaseStore6) -> Vec<String> {
    let mut log = Vec::new();
    let mut note = |step: &str, v: String| log.push(format!("{step}: {v}"));
    let all = leases();
    for l in &all {
        note("add", format!("{:?}", store.add6(l).await.unwrap()));
    }
    // Every field reads back as written.
    for l in &all {
        let got = store.get6(l.lease_type, l.address).await.unwrap();
        assert_eq!(got.as_ref(), Some(l));
        let other = if l.lease_type == LeaseType::Na {
            LeaseType::Pd
        } else {
            LeaseType::Na
        };
        note(
            "get other type",
            format!("{:?}", store.get6(other, l.address).await.unwrap()),
        );
    }
    // The address is the key whatever the type.
    let dup = Lease6 {
        lease_type: LeaseType::Pd,
        ..all[0].clone()
    };
    note("add dup", format!("{:?}", store.add6(&dup).await.unwrap()));
    let changed = Lease6 {
        hostname: "other.example.".into(),
        hwaddr: None,
        hwaddr_source: 0,
        user_context: None,
        state: LeaseState::Declined,
        cltt: T + 1,
        ..all[0].clone()
    };
    note(
        "update",
        format!("{:?}", store.update6(&changed, &all[0]).await.unwrap()),
    );
    note(
        "update same",
        format!("{:?}", store.update6(&changed, &changed).await.unwrap()),
    );
    // LC-116: the lease read first has been replaced since.
    let stale = Lease6 {
        hostname: "stale.example.".into(),
        ..all[0].clone()
    };
    note(
        "update stale",
        format!("{:?}", store.update6(&stale, &all[0]).await.unwrap()),
    );
    note(
        "after update",
        format!("{:?}", store.get6(LeaseType::Na, addr(9)).await.unwrap()),
    );
    let missing = Lease6::new(addr(0x999), duid(9), 1, 1, 10, T);
    note(
        "update missing",
        format!("{:?}", store.update6(&missing, &missing).await.unwrap()),
    );
    assert!(store.update6(&all[0], &changed).await.unwrap());
    for (t, d, iaid, subnet) in [
        (LeaseType::Na, duid(1), 1, None),
        (LeaseType::Na, duid(1), 1, Some(2)),
        (LeaseType::Na, duid(1), 1, Some(3)),
        (LeaseType::Pd, duid(1), 1, None),
        (LeaseType::Ta, duid(1), 1, Some(1)),
        (LeaseType::Na, duid(2), 0x8000_0005, Some(1)),
        (LeaseType::Na, duid(2), u32::MAX, None),
        (LeaseType::Na, duid(2), 5, None),
    ] {
        note(
            &format!("by duid iaid {t} {d} {iaid} {subnet:?}"),
            format!(
                "{:?}",
                store.get6_by_duid_iaid(t, &d, iaid, subnet).await.unwrap()
            ),
        );
    }
    for d in [duid(1), duid(2), Duid::EMPTY, duid(7)] {
        note(
            &format!("by duid {d}"),
            format!("{:?}", store.get6_by_duid(&d).await.unwrap()),
        );
    }
    for name in ["HOST.example.", "host.example", "", "other.example."] {
        note(
            &format!("by hostname {name:?}"),
            format!("{:?}", store.get6_by_hostname(name).await.unwrap()),
        );
    }
    for (now, limit) in [
        (T, 0),
        (T + 3600, 0),
        (T + 3610, 5),
        (T + 100_000, 0),
        (T + 100_000, 3),
        (T + 1_000_000_000, 0),
    ] {
        note(
            &format!("expired {now} {limit}"),
            format!("{:?}", store.expired6(now, limit).await.unwrap()),
        );
    }
    note("count", format!("{}", store.count6().await.unwrap()));
    for limit in [1, 2, 3, 100] {
        note("pages", format!("{:?}", page_set(store, limit).await));
    }
    note(
        "page 0",
        format!("{:?}", store.page6(None, 0).await.unwrap()),
    );
    let other_type = Lease6 {
        lease_type: LeaseType::Na,
        ..all[5].clone()
    };
    note(
        "delete other type",
        format!("{:?}", store.delete6(&other_type).await),
    );
    // LC-116: a lease read before the stored one changed is not deleted.
    let stale = Lease6 {
        cltt: all[5].cltt - 1,
        ..all[5].clone()
    };
    note("delete stale", format!("{:?}", store.delete6(&stale).await));
    note("delete", format!("{:?}", store.delete6(&all[5]).await));
    note(
        "delete again",
        format!("{:?}", store.delete6(&all[5]).await),
    );
    note(
        "flush reclaimed early",
        format!("{:?}", store.flush_reclaimed6(T - 4800, 300).await),
    );
    note(
        "flush reclaimed held",
        format!("{:?}", store.flush_reclaimed6(T, u64::MAX).await),
    );
    note(
        "flush reclaimed",
        format!("{:?}", store.flush_reclaimed6(T - 4000, 900).await),
    );
    // V6-103: no DUID-less lease unless declined; nothing stored.
    for bad in [
        Lease6::new(addr(0x600), Duid::EMPTY, 1, 1, 10, T),
        Lease6::new(addr(0x601), Duid::new(&[]), 1, 1, 10, T),
    ] {
        let add = store.add6(&bad).await;
        assert!(
            matches!(add, Err(StoreError::InvalidLease { .. })),
            "{add:?}"
        );
        let up = store
            .update6(
                &Lease6 {
                    address: addr(0x10),
                    ..bad
                },
                &all[1],
            )
            .await;
        assert!(matches!(up, Err(StoreError::InvalidLease { .. })), "{up:?}");
    }
    note("count", format!("{}", store.count6().await.unwrap()));
    store.flush().await.unwrap();
    note("final", format!("{:?}", page_set(store, 4).await));
    log
}

// CTL-094, V6-103: every field round-trips through Kea's schema and every query answers what the
// memfile store answers for the same operations (pages compared as sets: SQL pages in the
// address text's order, as Kea 2.2 does).
#[tokio::test]
async fn ctl094_sql_store_agrees_with_memfile() {
    let memfile = Memfile6::open(MemfileOptions::in_memory()).unwrap().0;
    let want = scenario(&memfile).await;
    for kind in KINDS {
        let scratch = kea_initialised(kind, "l6agree");
        let sql = SqlLeases6::open(&scratch).await.expect("opens");
        let got = scenario(&sql).await;
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{kind:?}");
        }
        assert_eq!(got.len(), want.len());
        sql.db().close().await;
    }
}

// SQL pages follow the address text (as Kea's SQL backends do), each lease exactly once.
#[tokio::test]
async fn ctl094_pages_in_address_text_order() {
    for kind in KINDS {
        let scratch = kea_initialised(kind, "l6page");
        let sql = SqlLeases6::open(&scratch).await.expect("opens");
        for n in [9, 0x10, 0x105, 0xa, 1] {
            let l = Lease6::new(addr(n), duid(1), u32::from(n), 1, 100, T);
            assert!(sql.add6(&l).await.unwrap());
        }
        let order: Vec<String> = all_pages(&sql, 2)
            .await
            .iter()
            .map(|l| l.address.to_string())
            .collect();
        let mut text_sorted = order.clone();
        text_sorted.sort();
        assert_eq!(order, text_sorted, "{kind:?}");
        assert_eq!(order.len(), 5);
    }
}

// Duplicate addresses are refused with Ok(false); two stores on one database racing to add the
// same address: exactly one wins. Kea 2.2's schema has no state 3: a released lease is stored
// expired-reclaimed, as Kea 2.2 keeps one.
#[tokio::test]
async fn duplicate_add_and_race() {
    for kind in KINDS {
        let scratch = kea_initialised(kind, "l6race");
        let a = Arc::new(SqlLeases6::open(&scratch).await.expect("opens"));
        let b = Arc::new(SqlLeases6::open(&scratch).await.expect("opens"));
        let l = Lease6::new(addr(1), duid(1), 1, 1, 100, T);
        assert!(a.add6(&l).await.unwrap());
        assert!(!a.add6(&l).await.unwrap());
        assert!(!b
            .add6(&Lease6 {
                lease_type: LeaseType::Pd,
                prefix_len: 64,
                ..l.clone()
            })
            .await
            .unwrap());
        for round in 0..20u16 {
            let l = Lease6::new(addr(100 + round), duid(2), 1, 1, 100, T);
            let (sa, sb) = (a.clone(), b.clone());
            let (la, lb) = (l.clone(), Lease6 { iaid: 2, ..l });
            let ta = tokio::spawn(async move { sa.add6(&la).await.unwrap() });
            let tb = tokio::spawn(async move { sb.add6(&lb).await.unwrap() });
            let (wa, wb) = (ta.await.unwrap(), tb.await.unwrap());
            assert!(wa ^ wb, "{kind:?} round {round}: {wa} {wb}");
        }
        assert_eq!(a.count6().await.unwrap(), 21);
        let released = Lease6 {
            state: LeaseState::Released,
            ..Lease6::new(addr(2), duid(1), 1, 1, 0, T)
        };
        assert!(a.add6(&released).await.unwrap(), "{kind:?}");
        let got = a
            .get6(LeaseType::Na, addr(2))
            .await
            .unwrap()
            .expect("stored");
        assert_eq!(got.state, LeaseState::ExpiredReclaimed, "{kind:?}");
    }
}

/// `expire` as the database holds it, in Unix seconds, through the command-line client.
fn stored_expire(kind: SqlKind, db: &str, address: Ipv6Addr) -> i64 {
    let out = match kind {
        SqlKind::Postgresql => std::process::Command::new("psql")
            .args(["-h", "127.0.0.1", "-U", "root", "-d", db, "-tAc"])
            .arg(format!(
                "SELECT CAST(EXTRACT(EPOCH FROM expire) AS BIGINT) FROM lease6 WHERE address = '{address}'"
            ))
            .output(),
        SqlKind::Mysql => std::process::Command::new("mariadb")
            .args(["-h", "127.0.0.1", "-u", "root", "-N", "-B", db, "-e"])
            .arg(format!(
                "SELECT UNIX_TIMESTAMP(expire) FROM lease6 WHERE address = '{address}'"
            ))
            .output(),
    }
    .expect("client runs");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{out:?}"))
}

// CTL-096: an expiration past 2^31 − 1 is refused as Kea refuses it and nothing is stored; the
// last second is accepted; an infinite lifetime is stored with expire = cltt and reads back.
#[tokio::test]
async fn ctl096_year_2038_and_infinite_lifetime() {
    for kind in KINDS {
        let scratch = kea_initialised(kind, "l6y2038");
        let sql = SqlLeases6::open(&scratch).await.expect("opens");
        let cltt = (MAX_DB_TIME - 10) as u64;
        let late = Lease6::new(addr(1), duid(1), 1, 1, 11, cltt);
        let e = sql.add6(&late).await.unwrap_err();
        assert!(
            e.to_string()
                .contains("Time value is too large: 2147483648"),
            "{kind:?}: {e}"
        );
        assert_eq!(sql.count6().await.unwrap(), 0);
        let last = Lease6::new(addr(1), duid(1), 1, 1, 10, cltt);
        assert!(sql.add6(&last).await.unwrap());
        let e = sql
            .update6(
                &Lease6 {
                    valid_lifetime: 20,
                    ..last.clone()
                },
                &last,
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("Time value is too large"), "{e}");
        assert_eq!(sql.get6(LeaseType::Na, addr(1)).await.unwrap(), Some(last));
        assert_eq!(stored_expire(kind, &scratch.name, addr(1)), MAX_DB_TIME);

        let forever = Lease6::new(addr(2), duid(2), 2, 1, u32::MAX, cltt);
        assert!(sql.add6(&forever).await.unwrap());
        assert_eq!(
            sql.get6(LeaseType::Na, addr(2)).await.unwrap(),
            Some(forever)
        );
        assert_eq!(stored_expire(kind, &scratch.name, addr(2)), cltt as i64);
        // Never expired, whatever the time.
        let expired = sql.expired6(u64::MAX, 0).await.unwrap();
        assert_eq!(
            expired.iter().map(|l| l.address).collect::<Vec<_>>(),
            [addr(1)]
        );
    }
}

/// Adds `lease` and reads it back, then has another server renew the row (a direct SQL UPDATE):
/// the lease as read, and as that server left it.
async fn renewed_after_reading(
    sql: &SqlLeases6,
    kind: SqlKind,
    db: &str,
    lease: &Lease6,
) -> (Lease6, Lease6) {
    let (t, a) = (lease.lease_type, lease.address);
    assert!(sql.add6(lease).await.unwrap());
    let read = sql.get6(t, a).await.unwrap().expect("stored");
    renew_behind_the_back(kind, db, "lease6", &format!("'{a}'"));
    let theirs = sql.get6(t, a).await.unwrap().expect("stored");
    assert_eq!(theirs.cltt, read.cltt + 100, "{kind:?} {a}");
    (read, theirs)
}

// LC-116: an update replaces only the lease it read. Once another server has changed the row
// (here a direct SQL UPDATE), the update matches nothing, answers false and leaves the row as the
// other server wrote it; a new read makes it succeed. Prefixes and infinite leases (stored expire =
// cltt) are matched as well, and a deleted lease is not written back.
#[tokio::test]
async fn lc116_update_fails_when_the_row_changed_since_it_was_read() {
    for kind in KINDS {
        let scratch = kea_initialised(kind, "l6cas");
        let sql = SqlLeases6::open(&scratch).await.expect("opens");
        let all = leases();
        // An address, a prefix and an infinite lease.
        for l in [&all[0], &all[5], &all[6]] {
            let (t, a) = (l.lease_type, l.address);
            let (read, theirs) = renewed_after_reading(&sql, kind, &scratch.name, l).await;
            let mine = Lease6 {
                hostname: "mine.example.".into(),
                ..read.clone()
            };
            assert!(!sql.update6(&mine, &read).await.unwrap(), "{kind:?} {a}");
            assert_eq!(sql.get6(t, a).await.unwrap().as_ref(), Some(&theirs));
            assert!(sql.update6(&mine, &theirs).await.unwrap(), "{kind:?} {a}");
            assert_eq!(sql.get6(t, a).await.unwrap().as_ref(), Some(&mine));
            assert!(sql.delete6(&mine).await.unwrap());
            assert!(!sql.update6(&mine, &mine).await.unwrap(), "{kind:?} {a}");
            assert_eq!(sql.get6(t, a).await.unwrap(), None);
        }
    }
}

// LC-116: a delete removes only the lease it read (Kea's `DELETE … WHERE address = ? AND
// expire = ?`, here with the type as well). Once another server has renewed the row (a direct SQL
// UPDATE), the delete matches nothing, answers false and the row stays as the other server wrote
// it; the lease read again is deleted. Prefixes and infinite leases are matched as well.
#[tokio::test]
async fn lc116_delete_spares_a_row_changed_since_it_was_read() {
    for kind in KINDS {
        let scratch = kea_initialised(kind, "l6del");
        let sql = SqlLeases6::open(&scratch).await.expect("opens");
        let all = leases();
        // An address, a prefix and an infinite lease.
        for l in [&all[0], &all[5], &all[6]] {
            let (t, a) = (l.lease_type, l.address);
            let (read, theirs) = renewed_after_reading(&sql, kind, &scratch.name, l).await;
            assert!(!sql.delete6(&read).await.unwrap(), "{kind:?} {a}");
            assert_eq!(sql.get6(t, a).await.unwrap().as_ref(), Some(&theirs));
            assert!(sql.delete6(&theirs).await.unwrap(), "{kind:?} {a}");
            assert_eq!(sql.get6(t, a).await.unwrap(), None);
            assert!(!sql.delete6(&theirs).await.unwrap(), "{kind:?} {a}");
        }
    }
}

mod kea {
    //! A Kea 2.2 DHCPv6 server with the lease_cmds hook on a scratch database.

    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    use std::path::PathBuf;
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    use ruru_config::{SqlDatabase, SqlKind};
    use serde_json::{json, Value};

    /// The running server; killed when dropped.
    pub(crate) struct Kea {
        child: Child,
        dir: PathBuf,
    }

    impl Kea {
        pub(crate) fn start(db: &SqlDatabase, tag: &str) -> Kea {
            let dir = std::env::temp_dir().join(format!("ruru-kea6-{tag}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            let kind = match db.kind {
                SqlKind::Postgresql => "postgresql",
                SqlKind::Mysql => "mysql",
            };
            let conf = json!({"Dhcp6": {
                "interfaces-config": {"interfaces": []},
                "lease-database": {"type": kind, "name": db.name, "host": "127.0.0.1",
                                   "user": "root"},
                "control-socket": {"socket-type": "unix",
                                   "socket-name": dir.join("ctl.sock")},
                "hooks-libraries": [{"library":
                    "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"}],
                "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",
                    "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}],
                    "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 48,
                                  "delegated-len": 56}]}],
                "loggers": [{"name": "kea-dhcp6", "severity": "WARN",
                             "output_options": [{"output": dir.join("kea.log")}]}]
            }});
            let path = dir.join("kea.json");
            std::fs::write(&path, conf.to_string()).unwrap();
            let child = Command::new("kea-dhcp6")
                .arg("-c")
                .arg(&path)
                .env("KEA_LOCKFILE_DIR", &dir)
                .env("KEA_PIDFILE_DIR", &dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("kea-dhcp6 runs (apt-get install kea-dhcp6-server)");
            let kea = Kea { child, dir };
            let start = Instant::now();
            while UnixStream::connect(kea.dir.join("ctl.sock")).is_err() {
                assert!(
                    start.elapsed() < Duration::from_secs(20),
                    "Kea's control socket did not appear: {}",
                    std::fs::read_to_string(kea.dir.join("kea.log")).unwrap_or_default()
                );
                std::thread::sleep(Duration::from_millis(100));
            }
            kea
        }

        /// Sends one command; Kea's answer.
        pub(crate) fn command(&self, cmd: Value) -> Value {
            let mut s = UnixStream::connect(self.dir.join("ctl.sock")).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            s.write_all(cmd.to_string().as_bytes()).unwrap();
            let mut answer = String::new();
            s.read_to_string(&mut answer).unwrap();
            serde_json::from_str(&answer).unwrap_or_else(|e| panic!("{e}: {answer}"))
        }

        /// Sends a command that must succeed (result 0); its arguments.
        pub(crate) fn ok(&self, cmd: Value) -> Value {
            let answer = self.command(cmd.clone());
            assert_eq!(answer["result"], 0, "{cmd} -> {answer}");
            answer["arguments"].clone()
        }
    }

    impl Drop for Kea {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

// CTL-094: Kea 2.2 and Ruru share the database. Leases Kea adds read back in every field; leases
// Ruru adds are what Kea answers; Kea's deletion is seen by Ruru; Kea pages in the order Ruru
// pages.
#[tokio::test]
async fn ctl094_interoperates_with_kea() {
    for kind in KINDS {
        let scratch = kea_initialised(kind, "l6kea");
        let kea = kea::Kea::start(&scratch, &format!("{kind:?}"));
        let sql = SqlLeases6::open(&scratch).await.expect("opens");

        // Kea writes, Ruru reads.
        kea.ok(json!({"command": "lease6-add", "arguments": {
            "subnet-id": 1, "ip-address": "2001:db8:1::105", "duid": "01:02:03:04:05:06",
            "iaid": 4_294_967_295u32, "hw-address": "aa:bb:cc:dd:ee:ff",
            "hostname": "host.example.", "user-context": {"a": [1, 2], "b": "x"},
            "valid-lft": 3600, "preferred-lft": 1800, "expire": T + 3600,
            "fqdn-fwd": true, "fqdn-rev": false}}));
        kea.ok(json!({"command": "lease6-add", "arguments": {
            "subnet-id": 1, "type": "IA_PD", "ip-address": "2001:db8:8000:100::",
            "prefix-len": 56, "duid": "01:02:03:04:05:07", "iaid": 2_147_483_648u32,
            "hw-address": "00:11:22:33:44:55", "hostname": "pd.example.",
            "user-context": {"k": true}, "valid-lft": 4000, "preferred-lft": 3000,
            "expire": T + 4000, "fqdn-rev": true}}));
        let na = Lease6 {
            hostname: "host.example.".into(),
            hwaddr: Some(HwAddr::new(1, &[0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff])),
            user_context: context(json!({"a": [1, 2], "b": "x"})),
            fqdn_fwd: true,
            preferred_lifetime: 1800,
            ..Lease6::new(
                addr(0x105),
                Duid::new(&[1, 2, 3, 4, 5, 6]),
                u32::MAX,
                1,
                3600,
                T,
            )
        };
        let pd_addr = Ipv6Addr::new(0x2001, 0xdb8, 0x8000, 0x100, 0, 0, 0, 0);
        let pd = Lease6 {
            lease_type: LeaseType::Pd,
            prefix_len: 56,
            hostname: "pd.example.".into(),
            hwaddr: Some(HwAddr::new(1, &[0, 0x11, 0x22, 0x33, 0x44, 0x55])),
            user_context: context(json!({"k": true})),
            fqdn_rev: true,
            preferred_lifetime: 3000,
            ..Lease6::new(pd_addr, Duid::new(&[1, 2, 3, 4, 5, 7]), 1 << 31, 1, 4000, T)
        };
        assert_eq!(
            sql.get6(LeaseType::Na, na.address).await.unwrap(),
            Some(na.clone()),
            "{kind:?}"
        );
        assert_eq!(
            sql.get6(LeaseType::Pd, pd_addr).await.unwrap(),
            Some(pd.clone()),
            "{kind:?}"
        );
        assert_eq!(
            sql.get6_by_duid_iaid(LeaseType::Pd, &pd.duid, 1 << 31, Some(1))
                .await
                .unwrap(),
            std::slice::from_ref(&pd)
        );

        // Ruru writes, Kea reads.
        let mine = [
            Lease6 {
                hostname: "mine.example.".into(),
                hwaddr: Some(HwAddr::new(1, &[2, 4, 6, 8, 10, 12])),
                user_context: context(json!({"ruru": {"n": 1}})),
                fqdn_fwd: true,
                fqdn_rev: true,
                preferred_lifetime: 100,
                state: LeaseState::Declined,
                ..Lease6::new(addr(0x9), duid(9), 0xffff_fff0, 1, 200, T + 5)
            },
            Lease6 {
                lease_type: LeaseType::Pd,
                prefix_len: 60,
                ..Lease6::new(
                    Ipv6Addr::new(0x2001, 0xdb8, 0x8000, 0x200, 0, 0, 0, 0),
                    duid(10),
                    7,
                    1,
                    u32::MAX,
                    T + 6,
                )
            },
            Lease6::new(addr(0x10), duid(11), 11, 1, 300, T + 7),
        ];
        for l in &mine {
            assert!(sql.add6(l).await.unwrap());
            let got = kea.ok(json!({"command": "lease6-get", "arguments": {
                "ip-address": l.address.to_string(), "type": l.lease_type.name()}}));
            let mut want = json!({
                "ip-address": l.address.to_string(), "duid": l.duid.to_string(),
                "iaid": l.iaid, "subnet-id": l.subnet_id, "type": l.lease_type.name(),
                "valid-lft": l.valid_lifetime, "preferred-lft": l.preferred_lifetime,
                "cltt": l.cltt, "fqdn-fwd": l.fqdn_fwd, "fqdn-rev": l.fqdn_rev,
                "hostname": l.hostname, "state": l.state.as_u32(),
            });
            if l.lease_type == LeaseType::Pd {
                want["prefix-len"] = json!(l.prefix_len);
            }
            if let Some(hw) = &l.hwaddr {
                want["hw-address"] = json!(hw.to_string());
            }
            if let Some(ctx) = &l.user_context {
                want["user-context"] = json!(ctx);
            }
            for (k, v) in want.as_object().unwrap() {
                assert_eq!(&got[k], v, "{kind:?} {k}: {got}");
            }
            assert_eq!(got.get("user-context").is_some(), l.user_context.is_some());
        }

        // Kea pages its SQL backend in the order Ruru does.
        let mut kea_order = Vec::new();
        let mut from = "start".to_owned();
        for _ in 0..20 {
            let answer = kea.command(json!({"command": "lease6-get-page",
                "arguments": {"from": from, "limit": 2}}));
            if answer["result"] == 3 {
                break;
            }
            let leases = answer["arguments"]["leases"].as_array().unwrap().clone();
            for l in &leases {
                kea_order.push(
                    l["ip-address"]
                        .as_str()
                        .unwrap()
                        .parse::<Ipv6Addr>()
                        .unwrap(),
                );
            }
            from = leases.last().unwrap()["ip-address"]
                .as_str()
                .unwrap()
                .to_owned();
        }
        let ruru_order: Vec<Ipv6Addr> =
            all_pages(&sql, 2).await.iter().map(|l| l.address).collect();
        assert_eq!(ruru_order, kea_order, "{kind:?}");
        assert_eq!(ruru_order.len(), 5);

        // Kea deletes, Ruru no longer finds it.
        kea.ok(json!({"command": "lease6-del", "arguments": {
            "ip-address": "2001:db8:1::105"}}));
        assert_eq!(sql.get6(LeaseType::Na, na.address).await.unwrap(), None);
        assert_eq!(sql.count6().await.unwrap(), 4);

        // Ruru deletes the prefix Kea wrote, matching its expire as Kea stored it (LC-116); Kea no
        // longer finds it.
        assert!(sql.delete6(&pd).await.unwrap(), "{kind:?}");
        let answer = kea.command(json!({"command": "lease6-get", "arguments": {
            "ip-address": pd_addr.to_string(), "type": "IA_PD"}}));
        assert_eq!(answer["result"], 3, "{kind:?}: {answer}");
        drop(kea);
        sql.db().close().await;
    }
}
