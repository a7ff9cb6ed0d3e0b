//! `ruru-ctrl-agent -t` and the other flags, on Kea's own example files (CTL-031, CTL-076,
//! CTL-080).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::json;

const AGENT: &str = env!("CARGO_BIN_EXE_ruru-ctrl-agent");

/// Kea's shipped agent examples (Debian's kea-doc).
const EXAMPLES: &str = "/usr/share/doc/kea/examples";

fn example(relative: &str) -> PathBuf {
    let path = Path::new(EXAMPLES).join(relative);
    assert!(
        path.is_file(),
        "{} is missing: these tests read Kea's shipped examples; apt-get install kea-doc",
        path.display()
    );
    path
}

fn run(args: &[&str]) -> Output {
    Command::new(AGENT)
        .args(args)
        .output()
        .expect("ruru-ctrl-agent runs")
}

fn check(path: &Path) -> (bool, String) {
    let out = run(&["-t", path.to_str().unwrap()]);
    let status = out.status.code().expect("exited");
    assert!(status == 0 || status == 1, "exit {status}");
    (
        status == 0,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A configuration file in a fresh directory.
fn file(dir: &tempfile::TempDir, text: &str) -> PathBuf {
    let path = dir.path().join("ca.json");
    std::fs::write(&path, text).unwrap();
    path
}

// CTL-031: the manual's agent examples pass -t, except those listing plugins: -t opens the plugin
// files (CTL-036), and the examples name libraries that are not installed (Kea refuses them too).
#[test]
fn ctl031_kea_examples_pass_the_check() {
    for passing in [
        "agent/comments.json",
        "agent/https.json",
        "template-power-user-home/kea-ca-1.conf",
        "template-power-user-home/kea-ca-2.conf",
    ] {
        let (ok, stderr) = check(&example(passing));
        assert!(ok, "{passing}: {stderr}");
    }
    for (with_plugins, library) in [
        ("agent/simple.json", "/opt/local/control-agent-commands.so"),
        ("agent/rbac.json", "libca_rbac.so"),
    ] {
        let (ok, stderr) = check(&example(with_plugins));
        assert!(!ok, "{with_plugins} passed");
        assert!(
            stderr.contains("hook libraries failed validation") && stderr.contains(library),
            "{stderr}"
        );
    }
}

// CTL-031, CTL-070: simple.json without its plugin list — every other key of the richest example
// (authentication with files, three control sockets, loggers with output_options) is accepted.
#[test]
fn ctl031_simple_example_without_plugins_passes() {
    let doc = ruru_config::reader::read_file(&example("agent/simple.json")).unwrap();
    let mut config = doc.root.to_value();
    config["Control-agent"]
        .as_object_mut()
        .unwrap()
        .remove("hooks-libraries");
    let dir = tempfile::tempdir().unwrap();
    let (ok, stderr) = check(&file(&dir, &config.to_string()));
    assert!(ok, "{stderr}");
}

// CTL-076: a rejected file names the offending key and its position; exit 1.
#[test]
fn ctl076_bad_keys_named_with_their_position() {
    let dir = tempfile::tempdir().unwrap();
    for (text, wanted) in [
        (
            "{\n  \"Control-agent\": {\n    \"http-port\": 8000,\n    \"BOGUS\": true\n  }\n}",
            ":4:5: unknown key 'BOGUS' in Control-agent",
        ),
        (
            "{\"Control-agent\": {\"control-sockets\": {\"dhcp7\": {}}}}",
            ":1:40: unknown key 'dhcp7' in Control-agent/control-sockets",
        ),
        (
            "{\"Control-agent\": {\"authentication\": {\"type\": \"basic\", \"clients\": [{\"user\": \"a\", \"pass\": \"b\"}]}}}",
            "unknown key 'pass' in Control-agent/authentication/clients[0]",
        ),
        (
            "{\"Control-agent\": {\"http-port\": \"8000\"}}",
            ":1:33: expected an integer (at Control-agent/http-port)",
        ),
        (
            "{\"Control-agent\": {}, \"Dhcp4\": {}}",
            ":1:23: unknown key 'Dhcp4' in the top level",
        ),
        (
            "{\"Control-agent\": {\"loggers\": [{\"name\": \"kea-ctrl-agent\", \"output_options\": [{\"output\": \"stdout\", \"colour\": 1}]}]}}",
            "unknown key 'colour' in Control-agent/loggers[0]/output_options[0]",
        ),
    ] {
        let path = file(&dir, text);
        let (ok, stderr) = check(&path);
        assert!(!ok, "{text} passed");
        assert!(stderr.contains(wanted), "{text}: {stderr}");
        assert!(stderr.contains(&path.display().to_string()), "{stderr}");
    }
}

// CTL-080: -v, -V, -W print and exit 0; no -c is an error; -t and -c do not go together.
#[test]
fn ctl080_flags() {
    let text = |out: Output| {
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(text(run(&["-v"])), "2.7.3\n");
    assert!(text(run(&["-V"])).starts_with("2.7.3\nruru-ctrl-agent (Ruru "));
    assert!(text(run(&["-W"])).contains("binary: ruru-ctrl-agent"));
    assert_eq!(run(&[]).status.code(), Some(1));
    let dir = tempfile::tempdir().unwrap();
    let path = file(&dir, &json!({"Control-agent": {}}).to_string());
    let p = path.to_str().unwrap();
    assert!(!run(&["-t", p, "-c", p]).status.success());
    let missing = run(&["-t", "/nonexistent/ca.json"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/ca.json"));
    // CTL-070: a trailing comma is tolerated with a warning.
    let trailing = file(&dir, "{\"Control-agent\": {\"http-port\": 8000,}}");
    let out = run(&["-t", trailing.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning"));
}
