//! Control agent plugins (CTL-036, HK-140): the real `ruru-ctrl-agent` loads
//! `plugins-examples/agent-guard` in front of a real `ruru-dhcp4`; its `control_command_receive`
//! callout answers one command instead of forwarding it, its `auth` callout refuses a read-only
//! user's writes with 403, and the agent reloads it with its configuration (SIGHUP).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use ruru_e2e::agent::Agent;
use ruru_e2e::config::{persistent_memfile, stdout_loggers};
use ruru_e2e::control::{http, HttpReply};
use ruru_e2e::process::wait_until;
use ruru_e2e::subject::built_file;
use ruru_e2e::topology::loopback_relay;
use ruru_e2e::{Netns, Server};
use serde_json::{json, Value};

mod common;

const PORT: u16 = 18100;
const ADMIN: &str = "admin:s3cret";
const MONITOR: &str = "monitor:look";

fn agent_binary() -> PathBuf {
    built_file("ruru-ctrl-agent").expect("ruru-ctrl-agent built (cargo build --workspace --bins)")
}

/// The agent's configuration: two basic-auth users, the dhcp4 socket, the plugin refusing `refuse`.
fn agent_config(socket: &Path, refuse: &[&str]) -> Value {
    json!({"Control-agent": {
        "http-host": "127.0.0.1", "http-port": PORT,
        "authentication": {"type": "basic", "clients": [
            {"user": "admin", "password": "s3cret"}, {"user": "monitor", "password": "look"}]},
        "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": socket}},
        "hooks-libraries": [{
            "library": common::plugin("libruru_example_agent_guard.so"),
            "parameters": {"refuse": refuse, "readers": ["monitor"]}
        }],
        "loggers": [{"name": "kea-ctrl-agent", "severity": "INFO", "output_options": [{"output": "stdout"}]}]
    }})
}

fn start_agent(ns: &Netns, dir: &Path, socket: &Path) -> Agent {
    let config = dir.join("ca.json");
    std::fs::write(&config, agent_config(socket, &["shutdown"]).to_string()).expect("config");
    let log = dir.join("agent.log");
    let agent =
        Agent::spawn(ns, &agent_binary(), &config, dir, &log).expect("ruru-ctrl-agent starts");
    wait_until("the agent to answer", Duration::from_secs(10), || {
        post(ns, ADMIN, json!({"command": "status-get"})).is_ok_and(|r| r.status == 200)
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.logs()));
    agent
}

fn post(ns: &Netns, credentials: &str, command: Value) -> ruru_e2e::Result<HttpReply> {
    http(
        ns,
        &format!("http://127.0.0.1:{PORT}/"),
        &command,
        &["-u", credentials],
    )
}

/// The one answer of a 200 list reply.
fn only(reply: &HttpReply) -> &Value {
    assert_eq!(reply.status, 200, "{reply:?}");
    let list = reply.body.as_array().expect("a list");
    assert_eq!(list.len(), 1, "{reply:?}");
    &list[0]
}

// CTL-036: a plugin sees every command first and may answer it instead of forwarding; an `auth`
// callout refuses requests; both come back with the configuration after SIGHUP.
#[test]
fn ctl036_agent_plugin_intercepts_commands_and_refuses_requests() {
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("dhcp4.sock");
    let mut config = common::config(json!([]));
    config["Dhcp4"]["control-socket"] = json!({"socket-type": "unix", "socket-name": socket});
    config["Dhcp4"]["lease-database"] = persistent_memfile();
    config["Dhcp4"]["loggers"] = stdout_loggers("WARN");
    let mut server = Server::start(&ns, config).expect("ruru-dhcp4 starts");
    wait_until("control socket", Duration::from_secs(10), || {
        socket.exists()
    })
    .expect("socket");
    let agent = start_agent(&ns, dir.path(), &socket);

    // The plugin answers `shutdown` itself: the server never sees it.
    let refused = post(
        &ns,
        ADMIN,
        json!({"command": "shutdown", "service": ["dhcp4"]}),
    )
    .unwrap();
    assert_eq!(
        only(&refused),
        &json!({"result": 1, "text": "'shutdown' is refused by the agent-guard plugin"})
    );
    let forwarded = post(
        &ns,
        ADMIN,
        json!({"command": "status-get", "service": ["dhcp4"]}),
    )
    .unwrap();
    assert_eq!(only(&forwarded)["result"], 0, "{forwarded:?}");
    assert_eq!(
        only(&forwarded)["arguments"]["pid"],
        server.pid().expect("the server still runs")
    );

    // `auth`: the read-only user may read, not write.
    let read = post(
        &ns,
        MONITOR,
        json!({"command": "config-get", "service": ["dhcp4"]}),
    )
    .unwrap();
    assert_eq!(only(&read)["result"], 0, "{read:?}");
    let write = post(
        &ns,
        MONITOR,
        json!({"command": "config-reload", "service": ["dhcp4"]}),
    )
    .unwrap();
    assert_eq!(write.status, 403, "{write:?}");
    assert_eq!(
        write.body,
        json!({"result": 403, "text": "'monitor' may not send 'config-reload'"})
    );

    // The agent shows its plugin list.
    let own = post(&ns, ADMIN, json!({"command": "config-get"})).unwrap();
    let hooks = &only(&own)["arguments"]["Control-agent"]["hooks-libraries"];
    assert_eq!(
        hooks[0]["parameters"]["refuse"],
        json!(["shutdown"]),
        "{own:?}"
    );

    // SIGHUP with a new list to refuse: the plugin is reloaded with its new parameters.
    std::fs::write(
        agent.config_file(),
        agent_config(&socket, &["config-get"]).to_string(),
    )
    .expect("config");
    let hup = Command::new("kill")
        .args(["-HUP", &agent.pid().to_string()])
        .status()
        .expect("kill");
    assert!(hup.success());
    wait_until("the reloaded plugin", Duration::from_secs(10), || {
        post(
            &ns,
            ADMIN,
            json!({"command": "config-get", "service": ["dhcp4"]}),
        )
        .is_ok_and(|r| {
            r.status == 200
                && r.body[0]["text"] == "'config-get' is refused by the agent-guard plugin"
        })
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.logs()));
    let forwarded = post(
        &ns,
        ADMIN,
        json!({"command": "shutdown", "service": ["dhcp4"]}),
    )
    .unwrap();
    assert_eq!(
        only(&forwarded)["result"],
        0,
        "shutdown now reaches the server: {forwarded:?}"
    );
    server
        .wait_exit(Duration::from_secs(10))
        .expect("the server shuts down");
}
