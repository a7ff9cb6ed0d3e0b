//! Plugin commands through the real probe plugin, loaded from the built `.so` (HK-070..HK-075, HK-077).
//! Needs the workspace's libraries built first (`scripts/test.sh` does `cargo build --workspace --lib`).

mod support;

use ruru_config::HookLibrary;
use ruru_hooks::{check, Family, HookSet};
use serde_json::json;
use std::path::{Path, PathBuf};

fn probe_library() -> PathBuf {
    support::built_library("libruru_test_probe.so")
}

fn entry(tag: &str, log: &Path) -> HookLibrary {
    HookLibrary {
        library: probe_library(),
        parameters: Some(json!({"tag": tag, "log": log})),
    }
}

#[test]
fn plugin_commands_dispatch_chain_and_survive_panics() {
    let dir = std::env::temp_dir().join(format!("ruru-hooks-commands-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("probe.log");
    let libs = [entry("A", &log), entry("B", &log)];
    let set = HookSet::load(
        check(&libs, Family::V4, true).expect("checks pass"),
        Family::V4,
        256,
        true,
    )
    .expect("loads");

    // HK-070, HK-071: the handler gets the whole command and answers.
    let names: Vec<&str> = set.command_names().collect();
    assert!(
        names.contains(&"probe-a") && names.contains(&"probe-b"),
        "{names:?}"
    );
    let req = json!({"command": "probe-a", "arguments": {"x": [1, 2]}, "service": ["dhcp4"]});
    let resp = set.run_command("probe-a", &req).expect("handled");
    assert_eq!(resp["result"], 0);
    assert_eq!(resp["arguments"], json!({"x": [1, 2]}));

    // HK-072: a panicking handler gives result 1 and the next command still works.
    let resp = set
        .run_command("probe-panic", &json!({"command": "probe-panic"}))
        .expect("handled");
    assert_eq!(resp["result"], 1, "{resp}");
    assert!(resp["text"].as_str().unwrap().contains("panic"), "{resp}");
    assert_eq!(
        set.run_command("probe-b", &json!({"command": "probe-b"}))
            .unwrap()["result"],
        0
    );

    // HK-075: a command no plugin registered is not the plugins' to answer.
    assert!(set
        .run_command("nope", &json!({"command": "nope"}))
        .is_none());

    // HK-077: command_processed runs with name, arguments and response.
    let out = set.command_processed("version-get", None, json!({"result": 0, "text": "1"}));
    assert_eq!(out["result"], 0);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("A command_processed continue name,arguments,response"),
        "{text}"
    );

    // HK-020: unload in reverse order.
    set.unload();
    let text = std::fs::read_to_string(&log).unwrap();
    let b = text.find("B unload").expect("B unloaded");
    let a = text.find("A unload").expect("A unloaded");
    assert!(b < a, "{text}");
    std::fs::remove_dir_all(&dir).ok();
}
