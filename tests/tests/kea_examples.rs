//! V4-001 and issue 2: every Kea example that `kea-dhcp4 -t` accepts is accepted by `ruru-dhcp4 -t`,
//! unless Ruru says it needs something not built yet.

use std::path::Path;
use std::process::Command;

use ruru_e2e::process::require_tool;
use ruru_e2e::subject::ruru_dhcp4_binary;

const EXAMPLES: &str = "/usr/share/doc/kea/examples/kea4";
/// The only acceptable reason for Ruru to refuse what Kea accepts.
const NOT_BUILT: &str = "needs what this build does not have yet";

#[test]
fn kea_accepted_examples_pass_ruru_check() {
    require_tool("kea-dhcp4").expect("Kea is installed");
    let ruru = ruru_dhcp4_binary().expect("ruru-dhcp4 is built");
    let dir = Path::new(EXAMPLES);
    assert!(
        dir.is_dir(),
        "{EXAMPLES} is missing: install the kea-doc package"
    );
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 20,
        "expected Kea's examples, found {}",
        files.len()
    );
    let (mut accepted, mut not_built, mut failures) = (0, 0, Vec::new());
    for f in &files {
        if !Command::new("kea-dhcp4")
            .arg("-t")
            .arg(f)
            .output()
            .unwrap()
            .status
            .success()
        {
            continue;
        }
        let out = Command::new(&ruru).arg("-t").arg(f).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        match out.status.code() {
            Some(0) => accepted += 1,
            Some(1) if stderr.contains(NOT_BUILT) => not_built += 1,
            _ => failures.push(format!("{}: {stderr}", f.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "Ruru refuses examples Kea accepts:\n{}",
        failures.join("\n")
    );
    assert!(
        accepted >= 12,
        "only {accepted} accepted ({not_built} need unbuilt features)"
    );
}
