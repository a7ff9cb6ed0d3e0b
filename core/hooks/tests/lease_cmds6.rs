//! The lease commands plugin (`libdhcp_lease_cmds.so`, hooks/lease_cmds) loaded for real into a DHCPv6
//! plugin set, its `lease6-*` commands run through the ABI 1.2 lease services against a real memfile
//! (`support/admin6.rs`): what the spec's lease6 items (lease_cmds.md) ask of the answers and of the
//! store. Needs the workspace's libraries built first (`cargo build --workspace --lib`).
//!
//! One test: the lease storage registration is process-wide, and the plugin keeps the host table of
//! the last set that loaded it.

mod support;

use ruru_config::HookLibrary;
use ruru_hooks::{check, install_lease_admin6, Family, HookSet};
use serde_json::{json, Value as Json};
use std::sync::Arc;
use support::admin6::MemfileAdmin6;

fn load(family: Family) -> Arc<HookSet> {
    let libs = [HookLibrary {
        library: support::built_library("libdhcp_lease_cmds.so"),
        parameters: None,
    }];
    HookSet::load(
        check(&libs, family, true).expect("checks pass"),
        family,
        256,
        true,
    )
    .expect("loads")
}

/// Runs a command as the server's control channel does; `Json::Null` sends no arguments.
fn run(set: &HookSet, name: &str, args: Json) -> Json {
    let request = match args {
        Json::Null => json!({"command": name}),
        a => json!({"command": name, "arguments": a}),
    };
    set.run_command(name, &request)
        .unwrap_or_else(|| panic!("{name} is registered"))
}

/// `(result, text)` of a response.
fn outcome(r: &Json) -> (i64, &str) {
    (
        r["result"].as_i64().expect("result"),
        r["text"].as_str().expect("text"),
    )
}

fn addresses(r: &Json) -> Vec<&str> {
    r["arguments"]["leases"]
        .as_array()
        .expect("a list of leases")
        .iter()
        .map(|l| l["ip-address"].as_str().expect("an address"))
        .collect()
}

const DUID: &str = "01:02:03:04:05:06:07:08";

#[test]
fn lease6_commands_through_the_real_plugin() {
    let set = load(Family::V6);
    commands_of_each_family(&set);
    without_storage(&set);
    let admin = Arc::new(MemfileAdmin6::new("lease-cmds6"));
    install_lease_admin6(Some(admin.clone()));
    add_and_get(&set, &admin);
    lists_and_pages(&set);
    update_and_delete(&set);
    bulk_apply(&set, &admin);
    wipe_resend_write(&set, &admin);
    install_lease_admin6(None);
    set.unload();
    // LC-006: a DHCPv4 server gets only the v4 commands.
    let set4 = load(Family::V4);
    let names: Vec<&str> = set4.command_names().collect();
    assert_eq!(names.len(), 12, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("lease4-")), "{names:?}");
    set4.unload();
    admin.remove();
}

// LC-001, LC-005, LC-006: the twelve lease6 commands and no lease4 one (a v4 command sent to a
// DHCPv6 server is not the plugin's: the server answers result 2 and changes nothing).
fn commands_of_each_family(set: &HookSet) {
    let mut names: Vec<&str> = set.command_names().collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "lease6-add",
            "lease6-bulk-apply",
            "lease6-del",
            "lease6-get",
            "lease6-get-all",
            "lease6-get-by-duid",
            "lease6-get-by-hostname",
            "lease6-get-page",
            "lease6-resend-ddns",
            "lease6-update",
            "lease6-wipe",
            "lease6-write"
        ]
    );
    assert!(set
        .run_command("lease4-add", &json!({"command": "lease4-add"}))
        .is_none());
}

// A DHCPv6 process that installed no lease storage: result 1 with the reason, nothing else.
fn without_storage(set: &HookSet) {
    install_lease_admin6(None);
    let r = run(set, "lease6-get", json!({"ip-address": "2001:db8:1::1"}));
    assert_eq!(
        outcome(&r),
        (1, "lease storage is not available in this process")
    );
}

fn add_and_get(set: &HookSet, admin: &MemfileAdmin6) {
    // LC-031, LC-033, LC-038, LC-043: the ARM's simplest add; subnet and lifetimes from the
    // configuration.
    let add = json!({"ip-address": "2001:db8:1::3", "duid": "1a:1b:1c:1d:1e:1f:20:21:22:23:24",
                     "iaid": 1234});
    let r = run(set, "lease6-add", add.clone());
    assert_eq!(
        outcome(&r),
        (0, "Lease for address 2001:db8:1::3, subnet-id 1 added.")
    );
    // LC-022: in the lease file when the command answers.
    assert!(
        admin.lease_file().contains("2001:db8:1::3,"),
        "{}",
        admin.lease_file()
    );
    // LC-042: a second add at the address conflicts; the lease stays.
    assert_eq!(
        outcome(&run(set, "lease6-add", add)),
        (4, "IPv6 lease already exists.")
    );
    // LC-031, LC-032, LC-037: malformed adds.
    for (args, text) in [
        (
            json!({"ip-address": "2001:db8:1::4", "duid": DUID}),
            "missing parameter 'iaid'",
        ),
        (
            json!({"ip-address": "192.0.2.1", "duid": DUID, "iaid": 1}),
            "Non-IPv6 address specified: 192.0.2.1",
        ),
        (
            json!({"ip-address": "2001:db8:1::4", "duid": DUID, "iaid": 1, "type": "IA_XX"}),
            "Incorrect lease type: IA_XX, the only supported values are: IA_NA, IA_PD",
        ),
    ] {
        assert_eq!(outcome(&run(set, "lease6-add", args)), (1, text));
    }
    // LC-033, LC-034: no subnet holds the address; an unknown subnet.
    let r = run(
        set,
        "lease6-add",
        json!({"ip-address": "2001:db8:9::1", "duid": DUID, "iaid": 1}),
    );
    assert_eq!(r["result"], 4, "{r}");
    let r = run(
        set,
        "lease6-add",
        json!({"ip-address": "2001:db8:1::4", "duid": DUID, "iaid": 1, "subnet-id": 999}),
    );
    assert_eq!(
        outcome(&r),
        (
            4,
            "Invalid subnet-id: No IPv6 subnet with subnet-id=999 currently configured."
        )
    );

    // LC-036: a prefix needs a subnet id and is named by its first address; it is not checked
    // against the subnet's prefix.
    let pd = json!({"subnet-id": 1, "type": "IA_PD", "ip-address": "2001:db8:cafe::",
                    "prefix-len": 48, "duid": DUID, "iaid": 77});
    assert_eq!(
        outcome(&run(set, "lease6-add", pd.clone())),
        (0, "Lease for prefix 2001:db8:cafe::/48, subnet-id 1 added.")
    );
    let mut no_subnet = pd.clone();
    no_subnet.as_object_mut().unwrap().remove("subnet-id");
    assert_eq!(run(set, "lease6-add", no_subnet)["result"], 1);
    let mut not_first = pd.clone();
    not_first["ip-address"] = json!("2001:db8:abcd::1");
    assert_eq!(run(set, "lease6-add", not_first)["result"], 1);

    // LC-041, LC-014, LC-065: the ARM's complex add, echoed field by field by lease6-get.
    let complex = json!({"subnet-id": 2, "ip-address": "2001:db8:2::3", "duid": DUID,
        "iaid": 1234, "hw-address": "1A:1B:1C:1D:1E:1F", "preferred-lft": 500, "valid-lft": 1000,
        "expire": 12_345_678, "fqdn-fwd": true, "fqdn-rev": true, "state": 0,
        "hostname": "Urania.example.org", "user-context": { "version": 1 }});
    assert_eq!(run(set, "lease6-add", complex)["result"], 0);
    let r = run(set, "lease6-get", json!({"ip-address": "2001:db8:2::3"}));
    assert_eq!(outcome(&r), (0, "IPv6 lease found."));
    assert_eq!(
        r["arguments"],
        json!({"cltt": 12_344_678, "duid": DUID, "fqdn-fwd": true, "fqdn-rev": true,
               "hostname": "urania.example.org", "hw-address": "1a:1b:1c:1d:1e:1f",
               "iaid": 1234, "ip-address": "2001:db8:2::3", "preferred-lft": 500, "state": 0,
               "subnet-id": 2, "type": "IA_NA", "user-context": {"version": 1},
               "valid-lft": 1000})
    );
    // Kea's key order, `prefix-len` only on prefixes.
    let keys: Vec<&String> = r["arguments"].as_object().unwrap().keys().collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");

    // LC-061: the type is part of the key; by DUID, IAID and subnet.
    let r = run(set, "lease6-get", json!({"ip-address": "2001:db8:cafe::"}));
    assert_eq!(outcome(&r), (3, "Lease not found."));
    assert!(r.get("arguments").is_none(), "{r}");
    let r = run(
        set,
        "lease6-get",
        json!({"ip-address": "2001:db8:cafe::", "type": "IA_PD"}),
    );
    assert_eq!(
        (&r["arguments"]["prefix-len"], &r["arguments"]["type"]),
        (&json!(48), &json!("IA_PD"))
    );
    let by_duid = json!({"identifier-type": "duid", "identifier": DUID, "iaid": 1234,
                         "type": "IA_NA", "subnet-id": 2});
    let r = run(set, "lease6-get", by_duid.clone());
    assert_eq!(r["arguments"]["ip-address"], "2001:db8:2::3", "{r}");
    let mut other_subnet = by_duid.clone();
    other_subnet["subnet-id"] = json!(1);
    assert_eq!(run(set, "lease6-get", other_subnet)["result"], 3);
    // LC-062, LC-063, LC-064: v4 identifiers and addresses, missing subnet.
    for args in [
        json!({"identifier-type": "hw-address", "identifier": "01:02", "subnet-id": 1}),
        json!({"identifier-type": "duid", "identifier": DUID, "iaid": 1}),
        json!({"ip-address": "192.0.2.1"}),
    ] {
        assert_eq!(run(set, "lease6-get", args)["result"], 1);
    }
    assert_eq!(run(set, "lease6-get", Json::Null)["result"], 1);
}

// Leases now: 2001:db8:1::3 (NA, subnet 1), 2001:db8:2::3 (NA, subnet 2), 2001:db8:cafe::/48 (PD,
// subnet 1).
fn lists_and_pages(set: &HookSet) {
    // LC-070..LC-072.
    let r = run(set, "lease6-get-all", Json::Null);
    assert_eq!(outcome(&r), (0, "3 IPv6 lease(s) found."));
    let r = run(set, "lease6-get-all", json!({"subnets": [2, 1]}));
    assert_eq!(
        addresses(&r),
        ["2001:db8:2::3", "2001:db8:1::3", "2001:db8:cafe::"]
    );
    let r = run(set, "lease6-get-all", json!({"subnets": [5]}));
    assert_eq!(outcome(&r), (3, "0 IPv6 lease(s) found."));
    assert_eq!(r["arguments"]["leases"], json!([]));
    assert_eq!(
        run(set, "lease6-get-all", json!({"subnets": ["1"]}))["result"],
        1
    );

    // LC-080..LC-085: pages of one over addresses and prefixes alike, from `::`; the last address
    // of a page starts the next.
    let mut from = "::".to_owned();
    let mut seen = Vec::new();
    loop {
        let r = run(set, "lease6-get-page", json!({"from": from, "limit": 1}));
        if r["result"] == 3 {
            assert_eq!(r["arguments"]["count"], 0, "{r}");
            break;
        }
        assert_eq!(r["arguments"]["count"], 1, "{r}");
        from = addresses(&r)[0].to_owned();
        seen.push(from.clone());
    }
    assert_eq!(seen, ["2001:db8:1::3", "2001:db8:2::3", "2001:db8:cafe::"]);
    let r = run(
        set,
        "lease6-get-page",
        json!({"from": "start", "limit": 10}),
    );
    assert_eq!(outcome(&r), (0, "3 IPv6 lease(s) found."));
    for args in [
        json!({"from": "192.0.2.1", "limit": 1}),
        json!({"from": "start", "limit": 0}),
        json!({"limit": 1}),
    ] {
        assert_eq!(run(set, "lease6-get-page", args)["result"], 1);
    }

    // LC-090..LC-093.
    let r = run(set, "lease6-get-by-duid", json!({"duid": DUID}));
    assert_eq!(addresses(&r), ["2001:db8:2::3", "2001:db8:cafe::"]);
    let r = run(set, "lease6-get-by-duid", json!({"duid": "0a:0b"}));
    assert_eq!(outcome(&r), (3, "0 IPv6 lease(s) found."));
    assert_eq!(
        run(set, "lease6-get-by-duid", json!({"duid": 5}))["result"],
        1
    );
    let r = run(
        set,
        "lease6-get-by-hostname",
        json!({"hostname": "URANIA.example.org"}),
    );
    assert_eq!(addresses(&r), ["2001:db8:2::3"]);
    assert_eq!(
        run(set, "lease6-get-by-hostname", json!({"hostname": ""}))["result"],
        1
    );
}

fn update_and_delete(set: &HookSet) {
    // LC-114: no lease and no force-create: a conflict, nothing created.
    let lease = json!({"ip-address": "2001:db8:1::10", "duid": DUID, "iaid": 9,
                       "hostname": "h.example.org"});
    let r = run(set, "lease6-update", lease.clone());
    assert_eq!(r["result"], 4, "{r}");
    assert_eq!(
        run(set, "lease6-get", json!({"ip-address": "2001:db8:1::10"}))["result"],
        3
    );
    // LC-115: created with force-create, then replaced.
    let mut forced = lease.clone();
    forced["force-create"] = json!(true);
    assert_eq!(
        outcome(&run(set, "lease6-update", forced)),
        (0, "IPv6 lease added.")
    );
    // LC-113: the update replaces the whole lease: the host name is gone.
    let mut bare = lease.clone();
    bare.as_object_mut().unwrap().remove("hostname");
    bare["iaid"] = json!(10);
    assert_eq!(
        outcome(&run(set, "lease6-update", bare)),
        (0, "IPv6 lease updated.")
    );
    let r = run(set, "lease6-get", json!({"ip-address": "2001:db8:1::10"}));
    assert_eq!(
        (&r["arguments"]["hostname"], &r["arguments"]["iaid"]),
        (&json!(""), &json!(10))
    );
    // LC-112: a subnet that does not hold the address.
    let mut wrong = lease.clone();
    wrong["subnet-id"] = json!(2);
    assert_eq!(run(set, "lease6-update", wrong)["result"], 4);

    // LC-100, LC-103: the ARM's prefix deletion by its address; twice gives 3.
    let del_pd = json!({"ip-address": "2001:db8:cafe::", "type": "IA_PD", "subnet-id": 1});
    assert_eq!(
        outcome(&run(set, "lease6-del", del_pd.clone())),
        (0, "IPv6 lease deleted.")
    );
    assert_eq!(
        outcome(&run(set, "lease6-del", del_pd)),
        (3, "IPv6 lease not found.")
    );
    // The type is part of the key: an address lease is not deleted as a prefix.
    assert_eq!(
        run(
            set,
            "lease6-del",
            json!({"ip-address": "2001:db8:1::10", "type": "IA_PD"})
        )["result"],
        3
    );
    // LC-101: by DUID, IAID, type and subnet.
    let by_duid = json!({"identifier-type": "duid", "identifier": DUID, "iaid": 10,
                         "type": "IA_NA", "subnet-id": 1, "update-ddns": true});
    assert_eq!(run(set, "lease6-del", by_duid.clone())["result"], 0);
    assert_eq!(run(set, "lease6-del", by_duid)["result"], 3);
    // LC-102, LC-104: v4 identifiers; a non-boolean update-ddns.
    for args in [
        json!({"identifier-type": "hw-address", "identifier": "01:02", "subnet-id": 1}),
        json!({"ip-address": "2001:db8:1::3", "update-ddns": "yes"}),
    ] {
        assert_eq!(run(set, "lease6-del", args)["result"], 1);
    }
}

// Leases now: 2001:db8:1::3 and 2001:db8:2::3.
fn bulk_apply(set: &HookSet, admin: &MemfileAdmin6) {
    let all = || addresses(&run(set, "lease6-get-all", Json::Null)).len();
    // LC-050: at least one list, and lists only.
    for args in [
        json!({}),
        json!({"leases": {}}),
        json!({"deleted-leases": 5}),
    ] {
        assert_eq!(run(set, "lease6-bulk-apply", args)["result"], 1);
    }
    // LC-052: one malformed element among three: nothing applied.
    let r = run(
        set,
        "lease6-bulk-apply",
        json!({"deleted-leases": [{"ip-address": "2001:db8:1::3"}],
               "leases": [{"ip-address": "2001:db8:1::20", "duid": DUID, "iaid": 1},
                          {"ip-address": "2001:db8:1::21", "duid": DUID}]}),
    );
    assert_eq!(outcome(&r), (1, "missing parameter 'iaid'"));
    assert_eq!(all(), 2);
    // LC-051, LC-053, LC-055: the ARM's shape: deletions (a prefix and an address), then leases
    // created or replaced; the same address deleted and added again ends up added.
    let r = run(
        set,
        "lease6-bulk-apply",
        json!({"deleted-leases": [{"ip-address": "2001:db8:1::3", "type": "IA_NA"},
                                  {"ip-address": "2001:db8:abcd::", "type": "IA_PD"}],
               "leases": [{"subnet-id": 1, "ip-address": "2001:db8:1::3", "type": "IA_NA",
                           "duid": DUID, "iaid": 5, "hostname": "again"},
                          {"subnet-id": 1, "ip-address": "2001:db8:beef::", "type": "IA_PD",
                           "prefix-len": 56, "duid": DUID, "iaid": 6},
                          {"subnet-id": 2, "ip-address": "2001:db8:2::3", "duid": DUID,
                           "iaid": 1234, "hostname": "replaced"}]}),
    );
    assert_eq!(
        outcome(&r),
        (0, "Bulk apply of 4 IPv6 leases completed."),
        "{r}"
    );
    assert_eq!(
        r["arguments"],
        json!({"failed-deleted-leases": [{"ip-address": "2001:db8:abcd::", "type": "IA_PD",
                                          "result": 3, "error-message": "lease not found"}]})
    );
    let got = |a: &str| run(set, "lease6-get", json!({"ip-address": a}));
    assert_eq!(got("2001:db8:1::3")["arguments"]["hostname"], "again");
    assert_eq!(got("2001:db8:2::3")["arguments"]["hostname"], "replaced");
    assert!(admin.lease_file().contains("2001:db8:beef::,"));
    // LC-054, LC-056: a conflicting element (unknown subnet) fails alone with result 4; the others
    // apply. LC-055: nothing applied at all is result 3.
    let r = run(
        set,
        "lease6-bulk-apply",
        json!({"leases": [{"subnet-id": 999, "ip-address": "2001:db8:1::30", "duid": DUID,
                           "iaid": 1},
                          {"ip-address": "2001:db8:1::31", "duid": DUID, "iaid": 1}]}),
    );
    assert_eq!(outcome(&r), (0, "Bulk apply of 1 IPv6 leases completed."));
    let failed = &r["arguments"]["failed-leases"][0];
    assert_eq!(
        (&failed["ip-address"], &failed["type"], &failed["result"]),
        (&json!("2001:db8:1::30"), &json!("IA_NA"), &json!(4))
    );
    assert!(r["arguments"].get("failed-deleted-leases").is_none());
    let r = run(
        set,
        "lease6-bulk-apply",
        json!({"deleted-leases": [{"ip-address": "2001:db8:1::99"},
                                  {"identifier-type": "duid", "identifier": "0a:0b",
                                   "iaid": 1, "subnet-id": 1}]}),
    );
    assert_eq!(outcome(&r), (3, "Bulk apply of 0 IPv6 leases completed."));
    assert_eq!(
        r["arguments"]["failed-deleted-leases"][1],
        json!({"type": "IA_NA", "duid": "0a:0b", "result": 3, "error-message": "lease not found"})
    );
}

// Leases now: 2001:db8:1::3, 2001:db8:1::31, 2001:db8:beef::/56 (subnet 1), 2001:db8:2::3 (subnet 2).
fn wipe_resend_write(set: &HookSet, admin: &MemfileAdmin6) {
    // LC-130, LC-133: the address is checked; then, with no DHCP-DDNS client, the answer of a
    // server whose DNS updates are disabled.
    assert_eq!(
        run(
            set,
            "lease6-resend-ddns",
            json!({"ip-address": "192.0.2.1"})
        )["result"],
        1
    );
    assert_eq!(run(set, "lease6-resend-ddns", json!({}))["result"], 1);
    assert_eq!(
        outcome(&run(
            set,
            "lease6-resend-ddns",
            json!({"ip-address": "2001:db8:1::3"})
        )),
        (4, "DDNS updating is not enabled")
    );

    // LC-140, LC-142: the file name is required; the copy holds every lease.
    for args in [json!({}), json!({"filename": ""}), json!({"filename": 5})] {
        assert_eq!(run(set, "lease6-write", args)["result"], 1);
    }
    let r = run(set, "lease6-write", json!({"filename": "copy6.csv"}));
    let path = admin.dir().join("copy6.csv");
    assert_eq!(
        outcome(&r),
        (
            0,
            format!("IPv6 lease database into '{}'.", path.display()).as_str()
        )
    );
    let copy = std::fs::read_to_string(&path).expect("written");
    assert_eq!(copy.lines().count(), 5, "a header and four leases:\n{copy}");
    // LC-144 as the storage rules it: another directory is refused.
    assert_eq!(
        run(set, "lease6-write", json!({"filename": "/tmp/x6.csv"}))["result"],
        1
    );

    // LC-120, LC-121: one subnet, then every configured one; nothing left is result 3.
    let r = run(set, "lease6-wipe", json!({"subnet-id": 2}));
    assert_eq!(
        outcome(&r),
        (
            0,
            "Deleted 1 IPv6 lease(s) from subnet(s) 2 WARNING: lease6-wipe is deprecated!"
        )
    );
    let r = run(set, "lease6-wipe", Json::Null);
    assert_eq!(
        outcome(&r),
        (
            0,
            "Deleted 3 IPv6 lease(s) from subnet(s) 1 2 WARNING: lease6-wipe is deprecated!"
        )
    );
    assert_eq!(
        run(set, "lease6-wipe", json!({"subnet-id": 0}))["result"],
        3
    );
    assert_eq!(admin.store().count6_sync(), 0);
}
