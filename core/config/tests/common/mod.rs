//! What the DHCPv4 and DHCPv6 example walks share: listing Kea's example
//! files, classifying the Kea 2.2 forms reported as warnings, and planting
//! a stray key in every strict map of a file.

use std::path::{Path, PathBuf};

use ruru_config::{reader, ConfigError};
use serde_json::Value;

/// The `.json` files of `dir`, sorted; at least `at_least` of them.
pub(crate) fn examples(dir: &str, at_least: usize) -> Vec<PathBuf> {
    let path = Path::new(dir);
    assert!(
        path.is_dir(),
        "{dir} is missing: install the Debian package kea-doc (the test must not skip)"
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .expect("read examples directory")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= at_least,
        "expected at least {at_least} examples in {dir}, found {}",
        files.len()
    );
    files
}

/// The file name of `p`.
pub(crate) fn name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or_default()
}

/// A kind of Kea 2.2 form reported as a warning, by a phrase of its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A subnet without `id`.
    Id,
    /// Relay `ip-address`.
    Relay,
    /// A DDNS key inside `dhcp-ddns`.
    Ddns,
    /// A renamed standard option.
    OptionName,
    /// Space `docsis3-v4` or `docsis3-v6`.
    Docsis,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Id,
        Kind::Relay,
        Kind::Ddns,
        Kind::OptionName,
        Kind::Docsis,
    ];

    fn phrase(self) -> &'static str {
        match self {
            Kind::Id => "has no \"id\"; assigned",
            Kind::Relay => "relay \"ip-address\" is Kea 2.2's form",
            Kind::Ddns => "here is Kea 2.2's form",
            Kind::OptionName => "is Kea 2.2's name",
            Kind::Docsis => "is Kea 2.2's; accepted, and like Kea 2.2 Ruru never sends",
        }
    }
}

/// Every example of `dir` (there are `files`) with the Kea 2.2 forms it
/// holds, by file name; kinds not listed: none.
pub(crate) type Expected<'a> = &'a [(&'a str, &'a [(Kind, usize)])];

/// Checks that every file loads with `load` (which returns its warnings),
/// reporting exactly the Kea 2.2 forms `expected` lists for it, and that the
/// files Kea accepts (`accepts`) are all there.
pub(crate) fn every_example_loads(
    dir: &str,
    files: &[PathBuf],
    accepts: &[&str],
    expected: Expected,
    load: impl Fn(&Path) -> Result<Vec<String>, ConfigError>,
) {
    for accepted in accepts {
        assert!(
            files.iter().any(|p| name(p) == *accepted),
            "{accepted} is missing"
        );
    }
    for path in files {
        let file = name(path);
        let want = expected
            .iter()
            .find(|(f, _)| *f == file)
            .unwrap_or_else(|| panic!("{file}: a new example; add its expected warnings"))
            .1;
        let warnings = load(path).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(kinds(dir, file, &warnings), want, "{file}: {warnings:#?}");
    }
}

/// How many warnings of each kind a file loaded from `dir` has; panics on a
/// warning of no known kind or without its position.
fn kinds(dir: &str, file: &str, warnings: &[String]) -> Vec<(Kind, usize)> {
    for w in warnings {
        let n = Kind::ALL.iter().filter(|k| w.contains(k.phrase())).count();
        assert_eq!(n, 1, "{file}: warning of no single known kind: {w}");
        assert!(w.starts_with(dir), "{file}: no position: {w}");
    }
    Kind::ALL
        .iter()
        .map(|&k| {
            (
                k,
                warnings.iter().filter(|w| w.contains(k.phrase())).count(),
            )
        })
        .filter(|&(_, n)| n > 0)
        .collect()
}

/// Checks that each file of `files` loads with `parse` as plain JSON, and
/// that a stray key in any map the grammar keeps strict is refused with its
/// position (V4-002, V6-002). Returns how many maps were checked.
pub(crate) fn stray_keys_refused<T>(
    files: &[PathBuf],
    parse: impl Fn(&Value) -> Result<T, ConfigError>,
) -> usize {
    let mut checked = 0;
    for path in files {
        let base = reader::read_file(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .root
            .to_value();
        if let Err(e) = parse(&base) {
            panic!("{}: {e}", path.display());
        }
        let mut maps = Vec::new();
        strict_maps(&base, &mut Vec::new(), &mut maps);
        for map in maps {
            let mut v = base.clone();
            if let Value::Object(m) = at(&mut v, &map) {
                m.insert("ruru-bogus".into(), Value::from(1));
            }
            match parse(&v) {
                Err(ConfigError::UnknownKey { key, line, .. })
                    if key == "ruru-bogus" && line > 0 => {}
                Err(e) => panic!(
                    "{} at {map:?}: stray key refused for another reason: {e}",
                    path.display()
                ),
                Ok(_) => panic!("{} at {map:?}: stray key accepted", path.display()),
            }
            checked += 1;
        }
    }
    checked
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
