//! `ruru-shell` end to end against real listeners, and beside Kea's own kea-shell (CTL-127/128).

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Output, Stdio};

use common::*;
use ruru_config::ControlSocket;
use ruru_control::ControlSockets;
use serde_json::{json, Value};

const SHELL: &str = env!("CARGO_BIN_EXE_ruru-shell");

/// Runs `program` with `args`, `stdin` on its standard input.
async fn run(program: &str, args: Vec<String>, stdin: &str) -> Output {
    let program = program.to_string();
    let stdin = stdin.to_string();
    tokio::task::spawn_blocking(move || {
        let mut child = std::process::Command::new(&program)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn stdout_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the response body")
}

fn listen(socket: ruru_config::HttpControlSocket) -> ControlSockets {
    let mut sockets = ControlSockets::new(handler(), "kea-dhcpv4-server");
    sockets.reconcile(&[ControlSocket::Http(socket)]).unwrap();
    sockets
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl127_ctl128_stdin_becomes_arguments_and_the_body_is_printed() {
    let port = free_port();
    let _sockets = listen(http(port));
    let p = port.to_string();
    let out = run(
        SHELL,
        args(&[
            "--host",
            "127.0.0.1",
            "--port",
            &p,
            "--path",
            "kea",
            "--service",
            "dhcp4",
            "--service",
            "dhcp6",
            "echo",
        ]),
        "\"filename\": \"x.json\",\n\"n\": [1, 2]\n",
    )
    .await;
    let v = stdout_json(&out);
    assert_eq!(v[0]["result"], 0);
    assert_eq!(
        v[0]["arguments"]["arguments"],
        json!({"filename": "x.json", "n": [1, 2]})
    );
    assert_eq!(v[0]["arguments"]["service"], json!(["dhcp4", "dhcp6"]));
    // Printed as the server wrote it, one line.
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("[ { \"arguments\": ") && text.ends_with(" } ]\n"),
        "{text}"
    );

    // Defaults: host localhost, command list-commands; a one-character stdin adds nothing.
    let out = run(SHELL, args(&["--port", &p]), "\n").await;
    assert_eq!(
        stdout_json(&out),
        json!([{"result": 2, "text": "'list-commands' command not supported."}])
    );
    let out = run(SHELL, args(&["--port", &p, "echo"]), "").await;
    assert_eq!(stdout_json(&out)[0]["arguments"]["arguments"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl127_basic_authentication_options() {
    let port = free_port();
    let _sockets = listen(with_auth(http(port), &[("admin", "1234")]));
    let p = port.to_string();
    let dir = tempfile::tempdir().unwrap();
    let password_file = dir.path().join("pw");
    std::fs::write(&password_file, "1234\n").unwrap();
    let ok = run(
        SHELL,
        args(&[
            "--port",
            &p,
            "--auth-user",
            "admin",
            "--auth-password",
            "1234",
            "echo",
        ]),
        "",
    )
    .await;
    assert_eq!(stdout_json(&ok)[0]["result"], 0);
    let from_file = run(
        SHELL,
        args(&[
            "--port",
            &p,
            "--auth-user",
            "admin",
            "--auth-password-file",
            password_file.to_str().unwrap(),
            "echo",
        ]),
        "",
    )
    .await;
    assert_eq!(stdout_json(&from_file)[0]["result"], 0);
    // kea-shell's way of failing: a message on stdout, exit status 1.
    for bad in [
        args(&["--port", &p, "echo"]),
        args(&["--port", &p, "--auth-user", "admin", "echo"]),
        args(&[
            "--port",
            &p,
            "--auth-user",
            "",
            "--auth-password",
            "1234",
            "echo",
        ]),
    ] {
        let out = run(SHELL, bad, "").await;
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            "Failed to run: HTTP Error 401: Unauthorized\n"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl127_https_with_ca_cert_and_key() {
    let pki = Pki::new();
    let port = free_port();
    let _sockets = listen(with_tls(http(port), &pki, true));
    let p = port.to_string();
    let (ca, cert, key) = (
        pki.ca.to_str().unwrap(),
        pki.client_cert.to_str().unwrap(),
        pki.client_key.to_str().unwrap(),
    );
    let out = run(
        SHELL,
        args(&[
            "--port", &p, "--ca", ca, "--cert", cert, "--key", key, "echo",
        ]),
        "",
    )
    .await;
    assert_eq!(stdout_json(&out)[0]["result"], 0);
    let refused = run(SHELL, args(&["--port", &p, "--ca", ca, "echo"]), "").await;
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stdout).starts_with("Failed to run: "));
    // --cert and --key only together, and only with --ca.
    for partial in [
        args(&["--port", &p, "--ca", ca, "--cert", cert]),
        args(&["--port", &p, "--ca", ca, "--key", key]),
        args(&["--port", &p, "--cert", cert, "--key", key]),
    ] {
        let out = run(SHELL, partial, "").await;
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[tokio::test]
async fn ctl127_version_and_timeout() {
    for flag in ["-v", "-V"] {
        let out = run(SHELL, args(&[flag]), "").await;
        assert!(out.status.success());
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            format!("{}\n", env!("CARGO_PKG_VERSION"))
        );
    }
    // A peer that accepts and never answers: the exchange gives up after --timeout.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let p = silent.local_addr().unwrap().port().to_string();
    let started = std::time::Instant::now();
    let out = run(SHELL, args(&["--port", &p, "--timeout", "1"]), "").await;
    assert_eq!(out.status.code(), Some(1));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(String::from_utf8_lossy(&out.stdout)
        .starts_with("Failed to run: no complete response within"));
}

/// Accepts one connection, records the request, answers `[ ]`.
fn capture_one(listener: TcpListener) -> std::thread::JoinHandle<(String, Vec<u8>)> {
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            s.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        let head = String::from_utf8(head).unwrap();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .unwrap()
            .parse()
            .unwrap();
        let mut body = vec![0u8; length];
        s.read_exact(&mut body).unwrap();
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 3\r\nConnection: close\r\n\r\n[ ]")
            .unwrap();
        (head, body)
    })
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(": ")?;
        k.eq_ignore_ascii_case(name).then_some(v)
    })
}

#[tokio::test]
async fn ctl128_request_matches_kea_shell() {
    let cases: [(&[&str], &str); 3] = [
        (&["list-commands"], ""),
        (
            &["--service", "dhcp4", "--service", "dhcp6", "config-write"],
            "\"filename\": \"x.json\"\n",
        ),
        (
            &[
                "--auth-user",
                "admin",
                "--auth-password",
                "1234",
                "--path",
                "kea",
                "status-get",
            ],
            "x",
        ),
    ];
    for (extra, stdin) in cases {
        let mut requests = Vec::new();
        for program in ["/usr/sbin/kea-shell", SHELL] {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port().to_string();
            let captured = capture_one(listener);
            let mut list = args(&["--host", "127.0.0.1", "--port", &port]);
            list.extend(args(extra));
            let out = run(program, list, stdin).await;
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                "[ ]\n",
                "{program}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            requests.push(captured.join().unwrap());
        }
        let (kea, ruru) = (&requests[0], &requests[1]);
        assert_eq!(
            String::from_utf8_lossy(&kea.1),
            String::from_utf8_lossy(&ruru.1),
            "bodies for {extra:?}"
        );
        assert_eq!(kea.0.lines().next(), ruru.0.lines().next(), "request lines");
        for name in ["Content-Type", "Content-Length", "Authorization", "Accept"] {
            assert_eq!(
                header(&kea.0, name),
                header(&ruru.0, name),
                "{name} for {extra:?}"
            );
        }
    }
}
