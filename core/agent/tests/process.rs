//! A running `ruru-ctrl-agent` over real sockets: its own commands, forwarding to UNIX control
//! sockets served by `ruru-control` (stand-ins for the servers), reconfiguration and signals
//! (CTL-032..035, CTL-038, CTL-040..048, CTL-054, CTL-055).

use std::future::Future;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Child, Command as Process, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ruru_config::ControlSocket;
use ruru_control::client::{self, HttpClientOptions};
use ruru_control::{Command, ControlSockets, Handler, Response};
use serde_json::{json, Value};

const AGENT: &str = env!("CARGO_BIN_EXE_ruru-ctrl-agent");

/// A stand-in server: answers every command with result 0, its own name as text, and the command
/// as received as arguments; `sleep` waits `arguments.ms` first.
struct FakeServer(&'static str);

impl Handler for FakeServer {
    fn handle(&self, command: Command) -> Pin<Box<dyn Future<Output = Response> + Send>> {
        let name = self.0;
        Box::pin(async move {
            if command.name == "sleep" {
                let ms = command.arguments.as_ref().and_then(|a| a["ms"].as_u64());
                tokio::time::sleep(Duration::from_millis(ms.unwrap_or(0))).await;
            }
            Response::ok(name).with_arguments(json!({
                "command": command.name,
                "arguments": command.arguments,
                "service": command.service,
                "remote-address": command.remote_address,
            }))
        })
    }
}

/// A stand-in server listening on `<dir>/<name>.sock`.
fn fake_server(dir: &Path, name: &'static str) -> (ControlSockets, PathBuf) {
    let path = dir.join(format!("{name}.sock"));
    let mut sockets = ControlSockets::new(Arc::new(FakeServer(name)), "kea-dhcpv4-server");
    sockets
        .reconcile(&[ControlSocket::Unix {
            path: path.clone(),
            user_context: None,
        }])
        .expect("fake server socket");
    (sockets, path)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("an ephemeral port")
}

/// A running agent; killed on drop.
struct Agent {
    child: Child,
    port: u16,
    config: PathBuf,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Agent {
    /// Starts the agent on a free port with `object` as its `Control-agent` map (the port is
    /// filled in) and waits until it has bound its listener. A port picked by `free_port` can be
    /// taken by a parallel test before the agent binds it; the agent then exits and is started
    /// again on another port (a bounded number of times).
    fn start(mut object: Value) -> Self {
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let port = free_port();
            object["http-port"] = json!(port);
            let config = dir.path().join("ca.json");
            std::fs::write(&config, json!({ "Control-agent": object }).to_string()).unwrap();
            let log = dir.path().join("out.log");
            let child = Process::new(AGENT)
                .arg("-c")
                .arg(&config)
                // Each agent its own PID file directory: parallel agents all read `ca.json`.
                .env("KEA_PIDFILE_DIR", dir.path())
                .stdout(std::fs::File::create(&log).unwrap())
                .stderr(Stdio::null())
                .spawn()
                .expect("ruru-ctrl-agent starts");
            let mut agent = Self {
                child,
                port,
                config,
                log,
                _dir: dir,
            };
            if agent.wait_started() {
                return agent;
            }
        }
        panic!("ruru-ctrl-agent did not start on any of 5 free ports");
    }

    /// Waits (bounded) for the agent's own CTRL_AGENT_STARTED line, which it logs once its
    /// listener is bound (a connect alone could reach another test's listener on a reused port);
    /// false when the agent exited first.
    fn wait_started(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if self.child.try_wait().unwrap().is_some() {
                return false;
            }
            if self.logs().contains("CTRL_AGENT_STARTED") {
                return true;
            }
            assert!(
                Instant::now() < deadline,
                "the agent did not start: {}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn wait_for_port(&self, port: u16) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "no listener on {port}: {}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn signal(&self, signal: &str) {
        let ok = Process::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill runs")
            .success();
        assert!(ok, "kill {signal}");
    }

    /// Waits (bounded) for the agent to exit; its exit code.
    fn exit_code(&mut self) -> Option<i32> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the agent did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn options(port: u16) -> HttpClientOptions {
    HttpClientOptions {
        host: "127.0.0.1".into(),
        port,
        path: String::new(),
        https: None,
        auth: None,
        timeout: Duration::from_secs(30),
    }
}

/// POSTs `command` to the agent on `port`: the HTTP status and the body.
async fn post_to(port: u16, command: Value) -> (u16, Value) {
    client::http(&options(port), command.to_string().into_bytes())
        .await
        .expect("the agent answers")
}

/// The one-element list of the agent's own answer to `name`.
async fn own(port: u16, name: &str, arguments: Option<Value>) -> Value {
    let mut command = json!({ "command": name });
    if let Some(a) = arguments {
        command["arguments"] = a;
    }
    let (status, body) = post_to(port, command).await;
    assert_eq!(status, 200);
    let list = body.as_array().expect("a list (CTL-032)");
    assert_eq!(list.len(), 1, "{body}");
    list[0].clone()
}

fn flag(flag: &str) -> String {
    let out = Process::new(AGENT).arg(flag).output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .trim_end()
        .to_string()
}

// CTL-038, CTL-040, CTL-041, CTL-042, CTL-035: the agent's own commands, answered as lists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl038_own_commands() {
    let agent = Agent::start(json!({}));
    let p = agent.port;
    let listed = own(p, "list-commands", None).await;
    assert_eq!(
        listed["arguments"],
        json!([
            "build-report",
            "config-get",
            "config-hash-get",
            "config-reload",
            "config-set",
            "config-test",
            "config-write",
            "list-commands",
            "shutdown",
            "status-get",
            "version-get"
        ])
    );
    let v = own(p, "version-get", None).await;
    assert_eq!(v["text"], flag("-v"));
    assert_eq!(v["arguments"]["extended"], flag("-V"));
    assert_eq!(own(p, "build-report", None).await["text"], flag("-W"));
    let s = own(p, "status-get", None).await["arguments"].clone();
    assert_eq!(s["pid"], agent.child.id());
    let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["pid", "reload", "uptime"], "{s}");
    // An empty service list is the agent's own too (CTL-032).
    let (_, empty) = post_to(p, json!({"command": "status-get", "service": []})).await;
    assert_eq!(empty[0]["result"], 0, "{empty}");
    let unsupported = own(p, "statistic-get-all", None).await;
    assert_eq!(unsupported["result"], 2);
    assert!(
        unsupported["text"]
            .as_str()
            .unwrap()
            .contains("include the \"service\" parameter"),
        "{unsupported}"
    );
}

// CTL-032, CTL-033: each listed service answers in list order; a missing or unreachable one
// costs only its own element; the command arrives unchanged, `service` included; a slow server
// is waited for beyond the servers' 10 s channel timer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl032_ctl033_forwarding_in_list_order() {
    let dir = tempfile::tempdir().unwrap();
    let (_v4, v4) = fake_server(dir.path(), "dhcp4");
    let (_v6, v6) = fake_server(dir.path(), "dhcp6");
    let agent = Agent::start(json!({"control-sockets": {
        "dhcp4": {"socket-type": "unix", "socket-name": v4},
        "dhcp6": {"socket-name": v6},
        "d2": {"socket-name": dir.path().join("d2.sock")}}}));
    let command = json!({"command": "statistic-get-all", "arguments": {"x": [1]},
                         "service": ["dhcp6", "dhcp4", "d2", "dhcp4"]});
    let (status, body) = post_to(agent.port, command).await;
    assert_eq!(status, 200);
    let list = body.as_array().expect("a list");
    assert_eq!(list.len(), 4, "{body}");
    assert_eq!(
        (&list[0]["text"], &list[1]["text"]),
        (&json!("dhcp6"), &json!("dhcp4"))
    );
    assert_eq!(
        list[1]["arguments"],
        json!({"command": "statistic-get-all", "arguments": {"x": [1]},
               "service": ["dhcp6", "dhcp4", "d2", "dhcp4"], "remote-address": "127.0.0.1"})
    );
    assert_eq!(
        list[2],
        json!({"result": 1, "text": "unable to forward command to the d2 service: No such file or directory. The server is likely to be offline"})
    );
    assert_eq!(list[3]["text"], "dhcp4");
    let (_, body) = post_to(
        agent.port,
        json!({"command": "x", "service": ["dhcp4", "netconf"]}),
    )
    .await;
    assert_eq!(
        body[1],
        json!({"result": 1, "text": "forwarding socket is not configured for the server type netconf"})
    );
    let started = Instant::now();
    let (_, body) = post_to(
        agent.port,
        json!({"command": "sleep", "arguments": {"ms": 11_000}, "service": ["dhcp4"]}),
    )
    .await;
    assert_eq!(body[0]["result"], 0, "{body}");
    assert!(started.elapsed() >= Duration::from_secs(11));
}

// CTL-034: `service` that is not a list; authentication failures are a map, not a list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl034_service_not_a_list_and_401_map() {
    let agent = Agent::start(json!({"authentication": {"type": "basic",
        "clients": [{"user": "admin", "password": "s3cret"}]}}));
    let mut opts = options(agent.port);
    let body = || br#"{"command": "version-get", "service": "dhcp4"}"#.to_vec();
    let (status, refused) = client::http(&opts, body()).await.unwrap();
    assert_eq!(
        (status, refused),
        (401, json!({"result": 401, "text": "Unauthorized"}))
    );
    opts.auth = Some(("admin".into(), "s3cret".into()));
    let (status, answer) = client::http(&opts, body()).await.unwrap();
    assert_eq!(
        (status, answer),
        (
            200,
            json!([{"result": 1, "text": "service value must be a list"}])
        )
    );
}

// CTL-043..048, CTL-072: config-get round trips through config-set with the same hash;
// config-test changes nothing; config-write writes what config-get shows; a refused config-set
// leaves the listener and the hash as they were.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl043_ctl048_configuration_commands() {
    let agent = Agent::start(json!({"comment": "edge", "control-sockets": {
        "dhcp4": {"socket-name": "/run/kea/4.sock", "user-context": {"b": 1, "a": 2}}}}));
    let p = agent.port;
    let got = own(p, "config-get", None).await["arguments"].clone();
    let hash = own(p, "config-hash-get", None).await["arguments"]["hash"].clone();
    assert_eq!(got["hash"], hash);
    assert_eq!(
        got["Control-agent"]["user-context"],
        json!({"comment": "edge"})
    );
    let mut config = got.clone();
    config.as_object_mut().unwrap().remove("hash");
    let tested = own(p, "config-test", Some(config.clone())).await;
    assert_eq!(tested["result"], 0, "{tested}");
    let set = own(p, "config-set", Some(config.clone())).await;
    assert_eq!(set["arguments"]["hash"], hash, "{set}");
    for bad in [
        json!({"Control-agent": {"http-port": p, "bogus": 1}}),
        json!({"Control-agent": {"http-port": p, "http-host": "192.0.2.1"}}),
    ] {
        let r = own(p, "config-set", Some(bad.clone())).await;
        assert_eq!(r["result"], 1, "{bad}: {r}");
        assert_eq!(
            own(p, "config-hash-get", None).await["arguments"]["hash"],
            hash
        );
    }
    let bogus = own(
        p,
        "config-test",
        Some(json!({"Control-agent": {"bogus": 1}})),
    )
    .await;
    assert!(
        bogus["text"]
            .as_str()
            .unwrap()
            .contains("unknown key 'bogus'"),
        "{bogus}"
    );
    let written = agent.config.with_file_name("written.json");
    let w = own(p, "config-write", Some(json!({"filename": written}))).await;
    assert_eq!(w["result"], 0, "{w}");
    let text = std::fs::read_to_string(&written).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), config);
    let out = Process::new(AGENT)
        .arg("-t")
        .arg(&written)
        .output()
        .unwrap();
    assert!(out.status.success());
}

// CTL-055, CTL-047: SIGHUP re-reads the file, replacing the listener and the forwarding table
// together; a broken file keeps both; config-reload says why it failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl055_sighup_replaces_listener_and_forwarding() {
    let dir = tempfile::tempdir().unwrap();
    let (_v4, v4) = fake_server(dir.path(), "dhcp4");
    let (_other, other) = fake_server(dir.path(), "other");
    let agent = Agent::start(json!({"control-sockets": {"dhcp4": {"socket-name": v4}}}));
    let forwarded = |port| async move {
        let (_, body) = post_to(port, json!({"command": "x", "service": ["dhcp4"]})).await;
        body[0]["text"].clone()
    };
    assert_eq!(forwarded(agent.port).await, "dhcp4");
    let port = free_port();
    let moved = json!({"Control-agent": {"http-port": port,
        "control-sockets": {"dhcp4": {"socket-name": other}}}});
    std::fs::write(&agent.config, moved.to_string()).unwrap();
    agent.signal("-HUP");
    agent.wait_for_port(port);
    assert_eq!(forwarded(port).await, "other");
    assert!(
        TcpStream::connect(("127.0.0.1", agent.port)).is_err(),
        "old listener closed"
    );
    std::fs::write(&agent.config, "{ \"Control-agent\": { \"http-port\": 1, ").unwrap();
    agent.signal("-HUP");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        forwarded(port).await,
        "other",
        "a broken file changes nothing"
    );
    let r = own(port, "config-reload", None).await;
    assert_eq!(r["result"], 1);
    assert!(
        r["text"]
            .as_str()
            .unwrap()
            .starts_with("Config reload failed: "),
        "{r}"
    );
}

// CTL-054, CTL-055: shutdown answers, then exits with exit-value; SIGTERM exits 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl054_shutdown_and_sigterm() {
    let mut agent = Agent::start(json!({}));
    let r = own(agent.port, "shutdown", Some(json!({"exit-value": 3}))).await;
    assert_eq!(
        r,
        json!({"result": 0, "text": "Control Agent is shutting down"})
    );
    assert_eq!(agent.exit_code(), Some(3));
    let mut agent = Agent::start(json!({}));
    agent.signal("-TERM");
    assert_eq!(agent.exit_code(), Some(0));
}

// CTL-081: the agent writes Kea's PID file `<config stem>.kea-ctrl-agent.pid` in KEA_PIDFILE_DIR
// (keactrl and Stork find it there), refuses a second start with the same configuration, and
// removes the file when it stops.
#[test]
fn ctl081_agent_pid_file() {
    let mut agent = Agent::start(json!({"http-host": "127.0.0.1"}));
    let pid_file = agent.config.with_file_name("ca.kea-ctrl-agent.pid");
    let text = std::fs::read_to_string(&pid_file).expect("PID file written");
    assert_eq!(text.trim(), agent.child.id().to_string());
    let second = Process::new(AGENT)
        .arg("-c")
        .arg(&agent.config)
        .env("KEA_PIDFILE_DIR", agent.config.parent().unwrap())
        .output()
        .expect("runs");
    assert!(!second.status.success(), "a second agent on the same file");
    assert!(String::from_utf8_lossy(&second.stderr).contains("already running"));
    agent.signal("-TERM");
    assert_eq!(agent.exit_code(), Some(0));
    assert!(!pid_file.exists(), "removed on exit");
}
