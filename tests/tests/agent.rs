//! `ruru-ctrl-agent` in front of a real `ruru-dhcp4` (issue 4; spec control.md §1.4): routing by
//! `service` over the server's UNIX socket, the agent's own commands, basic authentication, Kea's
//! own `kea-shell` and `ruru-shell` as clients, and 200 HTTP clients polling statistics while
//! perfdhcp measures the DHCP rate.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ruru_control::client::{self, HttpClientOptions};
use ruru_e2e::agent::Agent;
use ruru_e2e::clients::perfdhcp::run_perfdhcp;
use ruru_e2e::config::stdout_loggers_for;
use ruru_e2e::config::{persistent_memfile, stdout_loggers};
use ruru_e2e::control::{self, http, HttpReply};
use ruru_e2e::process::wait_until;
use ruru_e2e::subject::built_file;
use ruru_e2e::topology::{loopback_relay, DirectLink, SERVER6_CIDR};
use ruru_e2e::{Family, Netns, Server};
use serde_json::{json, Value};

/// The tests of this file run one at a time: the load test measures a rate and must not share
/// the machine with the others.
static SERIAL: Mutex<()> = Mutex::new(());

/// The agent's port inside the namespace.
const AGENT_PORT: u16 = 18000;
/// The server's own HTTP control socket, for the direct load run.
const SERVER_HTTP_PORT: u16 = 18080;
const USER: &str = "admin";
const PASSWORD: &str = "s3cret";

/// A binary built by the workspace (`cargo build --release --workspace --bins`), release first.
fn built(name: &str) -> PathBuf {
    built_file(name).unwrap_or_else(|tried| {
        panic!("{name} not built (cargo build --release --workspace --bins); tried {tried:?}")
    })
}

/// A relayed-loopback `ruru-dhcp4` with a UNIX control socket and its own HTTP socket.
fn server<'ns>(ns: &'ns Netns, dir: &Path) -> (Server<'ns>, PathBuf) {
    let socket = dir.join("dhcp4.sock");
    let config = json!({"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "lease-database": persistent_memfile(),
        "valid-lifetime": 4000,
        "control-sockets": [
            {"socket-type": "unix", "socket-name": socket},
            {"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": SERVER_HTTP_PORT}
        ],
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "pools": [{"pool": "10.0.0.10 - 10.0.250.250"}],
                     "relay": {"ip-addresses": ["127.0.0.2"]}}],
        "loggers": stdout_loggers("WARN")
    }});
    let server = Server::start(ns, config).expect("ruru-dhcp4 starts");
    wait_until(
        "the server's control socket",
        Duration::from_secs(10),
        || socket.exists(),
    )
    .expect("control socket appears");
    (server, socket)
}

/// Starts `ruru-ctrl-agent` in `ns` on [`AGENT_PORT`]; see [`start_agent_program`].
fn start_agent(ns: &Netns, dir: &Path, socket: &Path) -> Agent {
    start_agent_program(
        ns,
        dir,
        ("dhcp4", socket),
        &built("ruru-ctrl-agent"),
        AGENT_PORT,
    )
}

/// Writes `dir/ca-<port>.json`: the agent on 127.0.0.1:`port` with basic authentication,
/// forwarding `service` to `socket`.
fn write_agent_config(dir: &Path, (service, socket): (&str, &Path), port: u16) -> PathBuf {
    let config = dir.join(format!("ca-{port}.json"));
    let text = json!({"Control-agent": {
        "http-host": "127.0.0.1", "http-port": port,
        "authentication": {"type": "basic", "clients": [{"user": USER, "password": PASSWORD}]},
        "control-sockets": {service: {"socket-type": "unix", "socket-name": socket}},
        "loggers": [{"name": "kea-ctrl-agent", "severity": "WARN", "output_options": [{"output": "stdout"}]}]
    }});
    std::fs::write(&config, text.to_string()).expect("agent config written");
    config
}

/// Starts the agent `program` (Ruru's or Kea's) in `ns` on `port` with basic authentication,
/// forwarding `service` to `socket`, and waits until it answers.
fn start_agent_program(
    ns: &Netns,
    dir: &Path,
    (service, socket): (&str, &Path),
    program: &Path,
    port: u16,
) -> Agent {
    let config = write_agent_config(dir, (service, socket), port);
    let log = dir.join(format!("agent-{port}.log"));
    let agent = Agent::spawn(ns, program, &config, dir, &log).unwrap_or_else(|e| panic!("{e}"));
    wait_until("the agent to answer", Duration::from_secs(10), || {
        post_to(ns, port, json!({"command": "status-get"})).is_ok()
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", agent.logs()));
    agent
}

fn url(port: u16) -> String {
    format!("http://127.0.0.1:{port}/")
}

/// curl POST to the agent on `port` with the right credentials.
fn post_to(ns: &Netns, port: u16, command: Value) -> ruru_e2e::Result<HttpReply> {
    let credentials = format!("{USER}:{PASSWORD}");
    http(ns, &url(port), &command, &["-u", &credentials])
}

/// curl POST to ruru-ctrl-agent with the right credentials.
fn post(ns: &Netns, command: Value) -> ruru_e2e::Result<HttpReply> {
    post_to(ns, AGENT_PORT, command)
}

/// The JSON list of a 200 reply.
fn list(reply: &HttpReply) -> &Vec<Value> {
    assert_eq!(reply.status, 200, "{reply:?}");
    reply
        .body
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {reply:?}"))
}

// CTL-032, CTL-033, CTL-034, CTL-035, CTL-038, CTL-041, CTL-026: through curl, as the manual shows.
#[test]
fn agent_routes_to_the_server_and_answers_its_own() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().expect("temp dir");
    let (server, socket) = server(&ns, dir.path());
    let agent = start_agent(&ns, dir.path(), &socket);
    let logs = || format!("{}\n---- agent ----\n{}", server.logs(), agent.logs());

    let one = post(&ns, json!({"command": "status-get", "service": ["dhcp4"]})).unwrap();
    let answers = list(&one);
    assert_eq!(answers.len(), 1, "{}", logs());
    assert_eq!(answers[0]["result"], 0);
    assert_eq!(
        answers[0]["arguments"]["pid"],
        server.pid().unwrap(),
        "the server answered"
    );

    let two = post(
        &ns,
        json!({"command": "config-get", "service": ["dhcp4", "dhcp6"]}),
    )
    .unwrap();
    let answers = list(&two);
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["result"], 0);
    assert!(answers[0]["arguments"]["Dhcp4"].is_object());
    assert_eq!(
        answers[1],
        json!({"result": 1, "text": "forwarding socket is not configured for the server type dhcp6"})
    );

    let version = post(&ns, json!({"command": "version-get"})).unwrap();
    let own = &list(&version)[0];
    assert_eq!(own["result"], 0);
    assert!(
        own["arguments"]["extended"]
            .as_str()
            .unwrap()
            .contains("ruru-ctrl-agent"),
        "{own}"
    );
    let commands = post(&ns, json!({"command": "list-commands"})).unwrap();
    let names = &list(&commands)[0]["arguments"];
    assert!(names
        .as_array()
        .unwrap()
        .contains(&json!("config-hash-get")));
    assert!(!names
        .as_array()
        .unwrap()
        .contains(&json!("statistic-get-all")));

    let not_a_list = post(&ns, json!({"command": "version-get", "service": "dhcp4"})).unwrap();
    assert_eq!(
        not_a_list.body,
        json!([{"result": 1, "text": "service value must be a list"}])
    );
    let unsupported = post(&ns, json!({"command": "statistic-get-all"})).unwrap();
    assert_eq!(list(&unsupported)[0]["result"], 2);

    for credentials in [None, Some("admin:wrong")] {
        let mut extra = vec![];
        if let Some(c) = credentials {
            extra = vec!["-u", c];
        }
        let refused = http(
            &ns,
            &url(AGENT_PORT),
            &json!({"command": "version-get"}),
            &extra,
        )
        .unwrap();
        assert_eq!(refused.status, 401);
        assert_eq!(refused.body, json!({"result": 401, "text": "Unauthorized"}));
        assert!(
            refused
                .headers
                .contains("WWW-Authenticate: Basic realm=\"kea-control-agent\""),
            "{}",
            refused.headers
        );
    }
}

// CTL-032..035, CTL-026, differential: Kea's kea-ctrl-agent and ruru-ctrl-agent, forwarding to
// the same ruru-dhcp4, give the same routing answers, error texts and refusals.
#[test]
fn routing_answers_match_kea_ctrl_agent() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let kea_agent = PathBuf::from("/usr/sbin/kea-ctrl-agent");
    assert!(
        kea_agent.is_file(),
        "kea-ctrl-agent is missing: apt-get install kea-ctrl-agent"
    );
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut server, socket) = server(&ns, dir.path());
    let _ruru = start_agent(&ns, dir.path(), &socket);
    let kea_port = AGENT_PORT + 1;
    let _kea = start_agent_program(&ns, dir.path(), ("dhcp4", &socket), &kea_agent, kea_port);
    let both = |command: Value| {
        let ruru = post_to(&ns, AGENT_PORT, command.clone()).unwrap();
        let kea = post_to(&ns, kea_port, command.clone()).unwrap();
        assert_eq!(ruru.status, kea.status, "{command}");
        (ruru.body, kea.body)
    };
    let (ruru, kea) = both(json!({"command": "status-get", "service": ["dhcp4", "dhcp6"]}));
    assert_eq!(ruru[0]["arguments"]["pid"], kea[0]["arguments"]["pid"]);
    assert_eq!(ruru[1], kea[1]);
    for same in [
        json!({"command": "status-get", "service": "dhcp4"}),
        json!({"command": "statistic-get-all"}),
        json!({"command": "list-commands", "service": ["d2"]}),
    ] {
        let (ruru, kea) = both(same.clone());
        assert_eq!(ruru, kea, "{same}");
    }
    let unauthorized =
        |port| http(&ns, &url(port), &json!({"command": "version-get"}), &[]).unwrap();
    let (ruru, kea) = (unauthorized(AGENT_PORT), unauthorized(kea_port));
    assert_eq!((ruru.status, &ruru.body), (kea.status, &kea.body));
    server.stop().expect("server stops");
    let (ruru, kea) = both(json!({"command": "status-get", "service": ["dhcp4"]}));
    assert_eq!(ruru, kea, "the server is offline");
}

/// Runs a shell client inside `ns` and parses what it printed.
fn shell(ns: &Netns, program: &Path, command: &str) -> Value {
    let p = AGENT_PORT.to_string();
    let out = ns
        .command(program)
        .args(["--host", "127.0.0.1", "--port", &p, "--auth-user", USER])
        .args(["--auth-password", PASSWORD, "--service", "dhcp4", command])
        .stdin(Stdio::null())
        .output()
        .expect("the shell runs");
    assert!(
        out.status.success(),
        "{}: {}",
        program.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: not JSON ({e}): {}",
            program.display(),
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

// CTL-127, CTL-128, CTL-032: Kea's own kea-shell, a client we did not write, gets a valid list
// through ruru-ctrl-agent; ruru-shell too.
#[test]
fn kea_shell_and_ruru_shell_through_the_agent() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().expect("temp dir");
    let (_server, socket) = server(&ns, dir.path());
    let _agent = start_agent(&ns, dir.path(), &socket);
    let kea_shell = PathBuf::from("/usr/sbin/kea-shell");
    assert!(
        kea_shell.is_file(),
        "kea-shell is missing: apt-get install kea-admin"
    );
    for program in [kea_shell, built("ruru-shell")] {
        let got = shell(&ns, &program, "config-get");
        let answers = got.as_array().expect("a list");
        assert_eq!(answers.len(), 1, "{got}");
        assert_eq!(answers[0]["result"], 0, "{got}");
        assert!(
            answers[0]["arguments"]["Dhcp4"]["subnet4"].is_array(),
            "{got}"
        );
        assert_eq!(answers[0]["arguments"]["hash"].as_str().unwrap().len(), 64);
    }
}

/// What the HTTP clients saw.
#[derive(Debug, Default)]
struct LoadReport {
    /// Well-formed replies with result 0.
    ok: u64,
    /// Anything else, described (the first few are kept).
    bad: Vec<String>,
    bad_count: u64,
}

/// `clients` concurrent HTTP clients inside `ns` sending `command` to `port` back to back for
/// `duration`; every reply must be 200 with a one-element list whose result is 0.
fn http_load(
    ns: &Netns,
    opts: HttpClientOptions,
    command: Value,
    clients: usize,
    duration: Duration,
) -> LoadReport {
    ns.enter().expect("enter the namespace");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let deadline = Instant::now() + duration;
        let body = command.to_string().into_bytes();
        let tasks: Vec<_> = (0..clients)
            .map(|_| {
                let (opts, body) = (opts.clone(), body.clone());
                tokio::spawn(async move {
                    let mut report = LoadReport::default();
                    while Instant::now() < deadline {
                        match client::http(&opts, body.clone()).await {
                            Ok((200, Value::Array(list)))
                                if list.len() == 1
                                    && list[0]["result"] == 0
                                    && list[0]["arguments"].is_object() =>
                            {
                                report.ok += 1
                            }
                            other => {
                                report.bad_count += 1;
                                if report.bad.len() < 3 {
                                    report.bad.push(format!("{other:?}"));
                                }
                            }
                        }
                    }
                    report
                })
            })
            .collect();
        let mut total = LoadReport::default();
        for task in tasks {
            let r = task.await.expect("client task");
            total.ok += r.ok;
            total.bad_count += r.bad_count;
            for b in r.bad {
                if total.bad.len() < 3 {
                    total.bad.push(b);
                }
            }
        }
        total
    })
}

/// perfdhcp relayed from 127.0.0.2 at 1000 exchanges/s for 10 s; the achieved 4-way rate.
fn dhcp_rate(ns: &Netns, mac_base: &str) -> f64 {
    let args = format!("-4 -l 127.0.0.2 -b mac={mac_base} -r 1000 -p 10 -R 30000 127.0.0.1");
    let report = run_perfdhcp(
        ns,
        &args.split_whitespace().collect::<Vec<_>>(),
        Duration::from_secs(40),
    )
    .expect("perfdhcp report");
    report
        .rate
        .unwrap_or_else(|| panic!("no rate in {}", report.output))
}

/// Runs perfdhcp while `clients` poll `statistic-get-all` with `opts` for the same 10 s.
fn rate_under_load(
    ns: &Netns,
    mac_base: &str,
    opts: HttpClientOptions,
    command: Value,
) -> (f64, LoadReport) {
    std::thread::scope(|s| {
        let load = s.spawn(|| http_load(ns, opts, command, 200, Duration::from_secs(10)));
        let rate = dhcp_rate(ns, mac_base);
        (rate, load.join().expect("load thread"))
    })
}

fn options(port: u16, auth: bool) -> HttpClientOptions {
    HttpClientOptions {
        host: "127.0.0.1".into(),
        port,
        path: String::new(),
        https: None,
        auth: auth.then(|| (USER.to_string(), PASSWORD.to_string())),
        timeout: Duration::from_secs(30),
    }
}

// Issue 4's load test (CTL-015, CTL-118, CTL-130): 200 concurrent HTTP clients polling
// statistic-get-all for 10 s — through the agent, then on the server's own HTTP socket — while
// perfdhcp runs at 1000 exchanges/s; every reply is a result-0 list and the DHCP rate stays within
// 10 % of the same perfdhcp run without HTTP load.
#[test]
fn statistics_polling_by_200_clients_leaves_dhcp_rate() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().expect("temp dir");
    let (server, socket) = server(&ns, dir.path());
    let agent = start_agent(&ns, dir.path(), &socket);
    let baseline = dhcp_rate(&ns, "00:0a:00:00:00:00");
    let runs = [
        (
            "through the agent",
            "00:0b:00:00:00:00",
            options(AGENT_PORT, true),
            json!({"command": "statistic-get-all", "service": ["dhcp4"]}),
        ),
        (
            "server's own HTTP socket",
            "00:0c:00:00:00:00",
            options(SERVER_HTTP_PORT, false),
            json!({"command": "statistic-get-all"}),
        ),
    ];
    for (what, macs, opts, command) in runs {
        let (rate, load) = rate_under_load(&ns, macs, opts, command);
        println!(
            "{what}: {} statistic-get-all replies in 10 s ({:.0}/s), {} bad; DHCP rate {rate:.1}/s vs {baseline:.1}/s without load ({:.1} %)",
            load.ok,
            load.ok as f64 / 10.0,
            load.bad_count,
            100.0 * rate / baseline
        );
        assert_eq!(
            load.bad_count,
            0,
            "{what}: bad replies {:?}\n{}\n{}",
            load.bad,
            server.logs(),
            agent.logs()
        );
        assert!(load.ok > 200, "{what}: only {} replies", load.ok);
        assert!(
            rate >= 0.9 * baseline,
            "{what}: DHCP rate {rate:.1}/s under HTTP load, {baseline:.1}/s without"
        );
    }
}

// CTL-032, CTL-033, CTL-035: the agent forwards `dhcp6` to ruru-dhcp6's UNIX socket: the DHCPv6
// server answers status, configuration and statistics; an unconfigured service is named.
#[test]
fn agent_routes_to_ruru_dhcp6() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let link = DirectLink::new6(SERVER6_CIDR).expect("namespaces");
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("dhcp6.sock");
    let iface = link.server_iface();
    let config = json!({"Dhcp6": {
        "interfaces-config": {"interfaces": [iface]},
        "lease-database": persistent_memfile(),
        "control-socket": {"socket-type": "unix", "socket-name": socket},
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": iface,
                     "pools": [{"pool": "2001:db8:1::1:0 - 2001:db8:1::1:ffff"}]}],
        "loggers": stdout_loggers_for(Family::V6, "WARN")
    }});
    let server = Server::start6(&link.server, config).expect("ruru-dhcp6 starts");
    wait_until(
        "the server's control socket",
        Duration::from_secs(10),
        || socket.exists(),
    )
    .expect("control socket appears");
    let agent = start_agent_program(
        &link.server,
        dir.path(),
        ("dhcp6", &socket),
        &built("ruru-ctrl-agent"),
        AGENT_PORT,
    );
    let logs = || format!("{}\n---- agent ----\n{}", server.logs(), agent.logs());
    let post6 = |command: Value| post_to(&link.server, AGENT_PORT, command).unwrap();

    let status = post6(json!({"command": "status-get", "service": ["dhcp6"]}));
    let answers = list(&status);
    assert_eq!(answers[0]["result"], 0, "{}", logs());
    assert_eq!(answers[0]["arguments"]["pid"], server.pid().unwrap());

    let got = post6(json!({"command": "config-get", "service": ["dhcp6", "dhcp4"]}));
    let answers = list(&got);
    assert_eq!(answers.len(), 2);
    assert!(answers[0]["arguments"]["Dhcp6"].is_object(), "{}", logs());
    assert_eq!(
        answers[1],
        json!({"result": 1, "text": "forwarding socket is not configured for the server type dhcp4"})
    );
    let stats = post6(json!({"command": "statistic-get", "service": ["dhcp6"],
                             "arguments": {"name": "subnet[1].total-nas"}}));
    assert_eq!(
        list(&stats)[0]["arguments"]["subnet[1].total-nas"][0][0],
        65536
    );
}

// CTL-037: `ruru-ctrl-agent --convert` turns the agent's listener into a server's `control-sockets`
// entry. The entry passes `ruru-dhcp6 -t` and the running `ruru-dhcp4`'s `config-test`; once set,
// the server itself answers on the agent's old address with the agent's credentials.
#[test]
fn ctl037_converted_agent_listener_serves_from_the_server() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let ns = loopback_relay(&["127.0.0.2"]).expect("namespace");
    let dir = tempfile::tempdir().expect("temp dir");
    let (server, socket) = server(&ns, dir.path());
    let agent_config = write_agent_config(dir.path(), ("dhcp4", &socket), AGENT_PORT);
    let out = std::process::Command::new(built("ruru-ctrl-agent"))
        .arg("--convert")
        .arg(&agent_config)
        .output()
        .expect("ruru-ctrl-agent runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("dhcp4"), "names the server: {stderr}");
    let entry: Value = serde_json::from_slice(&out.stdout).expect("a JSON entry");
    assert_eq!(
        entry,
        json!({"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": AGENT_PORT,
               "authentication": {"type": "basic",
                                  "clients": [{"user": USER, "password": PASSWORD}]}})
    );

    let v6 = dir.path().join("dhcp6.json");
    let v6_config = json!({"Dhcp6": {"control-sockets": [entry],
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64"}]}});
    std::fs::write(&v6, v6_config.to_string()).expect("written");
    let checked = std::process::Command::new(built("ruru-dhcp6"))
        .arg("-t")
        .arg(&v6)
        .output()
        .expect("ruru-dhcp6 runs");
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );

    let unix = |command: Value| control::unix(&socket, &command).expect("answer");
    let mut config = unix(json!({"command": "config-get"}))["arguments"].clone();
    config.as_object_mut().expect("map").remove("hash");
    config["Dhcp4"]["control-sockets"]
        .as_array_mut()
        .expect("list")
        .push(entry);
    let test = unix(json!({"command": "config-test", "arguments": config.clone()}));
    assert_eq!(test["result"], 0, "{test}\n{}", server.logs());
    let set = unix(json!({"command": "config-set", "arguments": config}));
    assert_eq!(set["result"], 0, "{set}\n{}", server.logs());
    let version = post(&ns, json!({"command": "version-get"})).unwrap();
    let answer = &list(&version)[0];
    assert_eq!(answer["result"], 0, "{answer}");
    assert!(
        answer["arguments"]["extended"]
            .as_str()
            .is_some_and(|e| e.contains("ruru-dhcp4")),
        "the server answers: {answer}"
    );
    let anonymous = http(
        &ns,
        &url(AGENT_PORT),
        &json!({"command": "version-get"}),
        &[],
    )
    .unwrap();
    assert_eq!(anonymous.status, 401, "the agent's credentials still apply");
}
