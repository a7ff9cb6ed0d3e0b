//! Kea's own DHCPv4 examples (Debian package `kea-doc`) must load (V4-001),
//! and a stray key in any strict map of them must be refused (V4-002).
//!
//! Kea 2.2's examples use spellings that Kea 2.7.3 no longer accepts, so by
//! the 2.7.3 rule they are refused, and the test checks exactly that; a
//! migrated copy of each such file must then load:
//! - subnets without `id`: 2.2 numbered them itself, 2.7.3 requires the key
//!   (spec V4-004, §26 #4); the copy gets ids numbered as 2.2 did;
//! - `relay: {"ip-address": ...}` (2.7.3 grammar, ARM §29.1: only the
//!   `ip-addresses` list);
//! - the DDNS behaviour keys inside `dhcp-ddns` (`generated-prefix`,
//!   `qualifying-suffix`, `override-*`, `replace-client-name`,
//!   `hostname-char-*`): 2.7.3 only has their global `ddns-*` forms;
//! - space `docsis3-v4`, which 2.7.3 names `vendor-4491` (ARM §8.2.19),
//!   and option 85 `nds-servers`, which 2.7.3 names `nds-server` (ARM §8.2.10);
//! - `reservation-mode` (only in comments of these files).
//!
//! Several examples fail `kea-dhcp4 -t` here only because the host lacks
//! their hook libraries or interfaces; Ruru's loader opens neither, so they
//! must load too.

use std::path::{Path, PathBuf};

use ruru_config::{load_dhcp4_file, parse_dhcp4_value, reader, ConfigError};
use serde_json::Value;

const EXAMPLES: &str = "/usr/share/doc/kea/examples/kea4";

/// Files refused by the 2.7.3 grammar, with the key that is refused first.
const REMOVED_SYNTAX: &[(&str, &str)] = &[
    ("advanced.json", "ip-address"),
    ("shared-network.json", "ip-address"),
    ("ha-load-balancing-primary.json", "ip-address"),
    ("all-keys.json", "generated-prefix"),
    ("all-keys-netconf.json", "generated-prefix"),
];

/// Keys Kea 2.7.3 removed from `dhcp-ddns`.
const REMOVED_DDNS_KEYS: &[&str] = &[
    "generated-prefix",
    "qualifying-suffix",
    "override-client-update",
    "override-no-update",
    "replace-client-name",
    "hostname-char-set",
    "hostname-char-replacement",
];

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(EXAMPLES);
    assert!(
        dir.is_dir(),
        "{EXAMPLES} is missing: install the Debian package kea-doc (the test must not skip)"
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read examples directory")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 20,
        "expected Kea's ~25 kea4 examples, found {}",
        files.len()
    );
    files
}

fn name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or_default()
}

/// The 2.7.3 spelling of a 2.2 configuration (see the module comment).
fn migrate(v: &mut Value) {
    migrate_keys(v);
    let mut used = Vec::new();
    subnets(v, &mut |s| used.extend(s.get("id").and_then(Value::as_u64)));
    let mut next = 1;
    subnets(v, &mut |s| {
        if s.get("id").is_none() {
            while used.contains(&next) {
                next += 1;
            }
            s.insert("id".into(), Value::from(next));
            used.push(next);
        }
    });
}

/// Calls `f` on every map of a `subnet4` list.
fn subnets(v: &mut Value, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(list)) = m.get_mut("subnet4") {
                list.iter_mut()
                    .filter_map(Value::as_object_mut)
                    .for_each(&mut *f);
            }
            m.values_mut().for_each(|c| subnets(c, f));
        }
        Value::Array(items) => items.iter_mut().for_each(|c| subnets(c, f)),
        _ => {}
    }
}

fn migrate_keys(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(relay)) = m.get_mut("relay") {
                if let Some(addr) = relay.remove("ip-address") {
                    relay.insert("ip-addresses".into(), Value::Array(vec![addr]));
                }
            }
            if m.get("space").and_then(Value::as_str) == Some("docsis3-v4") {
                m.insert("space".into(), Value::from("vendor-4491"));
            }
            if m.get("name").and_then(Value::as_str) == Some("nds-servers") {
                m.insert("name".into(), Value::from("nds-server"));
            }
            if let Some(Value::Object(ddns)) = m.get_mut("dhcp-ddns") {
                for k in REMOVED_DDNS_KEYS {
                    ddns.remove(*k);
                }
            }
            m.values_mut().for_each(migrate_keys);
        }
        Value::Array(items) => items.iter_mut().for_each(migrate_keys),
        _ => {}
    }
}

fn read_value(p: &Path) -> Value {
    reader::read_file(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .root
        .to_value()
}

#[test]
fn every_kea_example_loads_or_is_refused_for_removed_syntax() {
    let mut unchanged = 0;
    for path in examples() {
        let result = load_dhcp4_file(&path);
        let original = read_value(&path);
        let mut migrated = original.clone();
        migrate(&mut migrated);
        if migrated == original {
            if let Err(e) = result {
                panic!("{} must load: {e}", path.display());
            }
            unchanged += 1;
            continue;
        }
        match (
            REMOVED_SYNTAX.iter().find(|(f, _)| *f == name(&path)),
            result,
        ) {
            (Some((_, key)), Err(ConfigError::UnknownKey { key: k, line, .. }))
                if k == *key && line > 0 => {}
            (
                None,
                Err(ConfigError::Invalid {
                    msg,
                    location: Some(_),
                    ..
                }),
            ) if msg.contains("has no 'id'") => {}
            (_, other) => panic!(
                "{} must be refused for its 2.2-only syntax, got {other:?}",
                path.display()
            ),
        }
        if let Err(e) = parse_dhcp4_value(&migrated) {
            panic!("migrated {} must load: {e}", path.display());
        }
    }
    assert!(unchanged >= 5, "only {unchanged} examples loaded unchanged");
}

#[test]
fn loaded_examples_carry_their_values() {
    let mut v = read_value(&Path::new(EXAMPLES).join("single-subnet.json"));
    migrate(&mut v);
    let c = parse_dhcp4_value(&v).expect("single-subnet loads");
    assert_eq!(c.subnets.len(), 1);
    let s = &c.subnets[0];
    assert_eq!(s.text, "192.0.2.0/24");
    assert_eq!(
        s.pools[0].start,
        "192.0.2.1".parse::<std::net::Ipv4Addr>().unwrap()
    );
    assert_eq!(
        s.pools[0].end,
        "192.0.2.200".parse::<std::net::Ipv4Addr>().unwrap()
    );
    assert_eq!(s.valid_lifetime.default, 4000);

    let c = load_dhcp4_file(&Path::new(EXAMPLES).join("comments.json")).expect("comments loads");
    // V4-006: `comment` lands in user-context, both in the model and in the raw map.
    assert_eq!(
        c.user_context.as_ref().unwrap()["comment"],
        "A DHCPv4 server"
    );
    assert_eq!(c.raw["user-context"]["comment"], "A DHCPv4 server");
    assert!(c.raw.get("comment").is_none());
}

/// Every map of `v` that is strict in the grammar, as paths of keys/indexes.
fn strict_maps(v: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::Object(m) => {
            out.push(path.clone());
            for (k, child) in m {
                // Open maps: free user data, hook parameters, queue implementations.
                if matches!(
                    k.as_str(),
                    "user-context" | "parameters" | "dhcp-queue-control"
                ) {
                    continue;
                }
                path.push(Step::Key(k.clone()));
                strict_maps(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(Step::Index(i));
                strict_maps(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn at<'a>(v: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(v, |v, s| match s {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

#[test]
fn a_stray_key_in_any_strict_map_is_refused_with_its_position() {
    let mut checked = 0;
    for path in examples() {
        let mut base = read_value(&path);
        migrate(&mut base);
        parse_dhcp4_value(&base).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut maps = Vec::new();
        strict_maps(&base, &mut Vec::new(), &mut maps);
        for map in maps {
            let mut v = base.clone();
            if let Value::Object(m) = at(&mut v, &map) {
                m.insert("ruru-bogus".into(), Value::from(1));
            }
            match parse_dhcp4_value(&v) {
                Err(ConfigError::UnknownKey { key, line, .. })
                    if key == "ruru-bogus" && line > 0 => {}
                other => panic!(
                    "{} at {map:?}: stray key not refused: {other:?}",
                    path.display()
                ),
            }
            checked += 1;
        }
    }
    assert!(checked > 400, "only {checked} maps checked");
}
