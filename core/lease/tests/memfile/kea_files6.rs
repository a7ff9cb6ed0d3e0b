//! DHCPv6 lease files written by Kea 2.2 (`tests/fixtures/kea-2.2-written6.csv`, produced through
//! Kea 2.2's `lease_cmds` hook: an address with a hardware address, commas in the hostname and the
//! user context, a delegated prefix, an update, a delete, declined leases, a 20-byte hardware
//! address, a hostname with a raw newline, a lease added with lifetime 0, a non-ASCII context) load
//! with the leases Kea finds in them, and files this crate writes load in Kea's `kea-lfc`
//! (V6-101..V6-104, CTL-086..CTL-088).

use std::net::Ipv6Addr;

use ruru_lease::{Duid, HwAddr, LeaseState, LeaseType, Memfile6, StoreError};

use crate::kea_files::{interchangeable_with_kea_lfc, max_row_errors};
use crate::support::{assert_same, contents, dir, options, reload, V6};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/kea-2.2-written6.csv"
);

const HEADER_2_7: &str = "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source,pool_id";

fn a(text: &str) -> Ipv6Addr {
    text.parse().unwrap()
}

#[test]
fn v6_102_kea_2_2_file_loads() {
    let path = dir("kea22-6").join("kea-leases6.csv");
    std::fs::copy(FIXTURE, &path).unwrap();
    let (m, report) = Memfile6::open(options(&path)).unwrap();
    // Kea 2.2's kea-lfc drops the two halves of the row split by the raw newline; this loader also
    // drops 2001:db8:1::20, a lease that is not declined yet carries the empty DUID 00:00:00, which
    // Kea 2.7 refuses too (2.2's empty DUID was one zero byte).
    assert_eq!((report.rows, report.row_errors), (13, 3));
    assert!(report.upgraded, "a 2.2 header is rewritten in 2.7's layout");
    let addrs: Vec<Ipv6Addr> = m.page6_sync(None, 100).iter().map(|l| l.address).collect();
    assert_eq!(
        addrs,
        [
            a("2001:db8:1::a"),
            a("2001:db8:1::b"),
            a("2001:db8:1::d"),
            a("2001:db8:1::1f"),
            a("2001:db8:1::23"),
            a("2001:db8:8000:ab00::"),
        ],
        "::c deleted (lifetime 0 row), ::22 added with lifetime 0"
    );

    let l = m.get6_sync(LeaseType::Na, a("2001:db8:1::a")).unwrap();
    assert_eq!(l.hostname, "host,with,commas&#x2c and amp &");
    assert_eq!(
        (
            l.cltt,
            l.valid_lifetime,
            l.preferred_lifetime,
            l.iaid,
            l.fqdn_fwd
        ),
        (1_899_996_400, 3600, 1800, 7, true)
    );
    assert_eq!(
        l.duid.to_string(),
        "00:01:00:01:2a:3b:4c:5d:00:11:22:33:44:55"
    );
    assert_eq!(
        l.hwaddr,
        Some(HwAddr::new(1, &[0, 0x11, 0x22, 0x33, 0x44, 0x55]))
    );
    assert_eq!(
        serde_json::Value::Object(l.user_context.unwrap()),
        serde_json::json!({"a,b": "c,d", "n": [1, 2], "s": "x&y \"q\" \\ e"})
    );

    let pd = m
        .get6_sync(LeaseType::Pd, a("2001:db8:8000:ab00::"))
        .unwrap();
    assert_eq!(
        (
            pd.prefix_len,
            pd.iaid,
            pd.preferred_lifetime,
            pd.expire(),
            pd.hwaddr
        ),
        (56, u32::MAX, 2000, 1_800_004_000, None)
    );
    assert_eq!(m.get6_sync(LeaseType::Na, pd.address), None);
    let updated = m.get6_sync(LeaseType::Na, a("2001:db8:1::b")).unwrap();
    assert_eq!(
        (
            updated.hostname.as_str(),
            updated.valid_lifetime,
            updated.state
        ),
        ("updated", 200, LeaseState::Default)
    );
    let declined = m.get6_sync(LeaseType::Na, a("2001:db8:1::1f")).unwrap();
    assert_eq!(
        (declined.duid, declined.state),
        (Duid::EMPTY, LeaseState::Declined)
    );
    let long = m.get6_sync(LeaseType::Na, a("2001:db8:1::d")).unwrap();
    assert_eq!(long.hwaddr.map(|h| h.as_bytes().len()), Some(20));
    let utf8 = m.get6_sync(LeaseType::Na, a("2001:db8:1::23")).unwrap();
    assert_eq!(utf8.user_context.unwrap()["u"], "é");
    let d: Duid = "00:01:00:01:2a:3b:4c:5d:00:11:22:33:44:55".parse().unwrap();
    assert_eq!(m.get6_by_duid_sync(&d).len(), 2);
    assert_eq!(
        m.get6_by_duid_iaid_sync(LeaseType::Pd, &d, u32::MAX, Some(1))
            .len(),
        1
    );

    // CTL-087, V6-102: the rewritten file is Kea 2.7's header and, row for row, what Kea 2.2 wrote
    // plus the pool_id column, except that a non-ASCII character is escaped from its UTF-8 bytes
    // (Kea read the command as Latin-1).
    let before = contents::<V6>(&m);
    drop(m);
    let kea = std::fs::read_to_string(FIXTURE).unwrap();
    let dropped = ["2001:db8:1::20,", "2001:db8:1::21,", "line,"];
    let want: Vec<String> = kea
        .lines()
        .skip(1)
        .filter(|row| !dropped.iter().any(|d| row.starts_with(d)))
        .map(|row| format!("{},0", row.replace("\\u00e9", "\\u00c3\\u00a9")))
        .collect();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(HEADER_2_7));
    assert_eq!(lines.collect::<Vec<_>>(), want);
    assert_same(
        &reload::<V6>(&path),
        &before,
        "reload of the rewritten file",
    );
}

// V6-101: more invalid rows than `max-row-errors` fail the load.
#[test]
fn v6_101_max_row_errors() {
    max_row_errors::<V6>(FIXTURE, 3);
}

// CTL-088: a file of schema 2.0 (ending at `hwaddr`) loads and is rewritten in the current
// layout; a DHCPv4 file is not a DHCPv6 lease file and is left alone.
#[test]
fn ctl_088_old_layouts_and_wrong_family() {
    let d = dir("layouts6");
    let path = d.join("kea-leases6.csv");
    let old = "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr\n\
               2001:db8::1,01:02:03,10,20,1,5,0,1,128,0,0,x,00:01:02:03:04:05\n";
    std::fs::write(&path, old).unwrap();
    let (m, report) = Memfile6::open(options(&path)).unwrap();
    assert!(report.upgraded);
    assert_eq!(m.count6_sync(), 1);
    drop(m);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{HEADER_2_7}\n2001:db8::1,01:02:03,10,20,1,5,0,1,128,0,0,x,00:01:02:03:04:05,0,,1,0,0\n")
    );

    let v4 = d.join("v4.csv");
    let header4 = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id\n";
    std::fs::write(&v4, header4).unwrap();
    let err = Memfile6::open(options(&v4)).err().unwrap();
    assert!(matches!(err, StoreError::Corrupt { line: 1, .. }), "{err}");
    assert_eq!(std::fs::read_to_string(&v4).unwrap(), header4);
}

// CTL-087, V6-102: files interchange with Kea's `kea-lfc -6` both ways.
#[test]
fn ctl_087_interchangeable_with_kea_lfc_v6() {
    interchangeable_with_kea_lfc::<V6>();
}
