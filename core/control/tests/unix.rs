//! UNIX control sockets over real sockets (CTL-001..018).

mod common;

use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::UnixStream;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use parking_lot::Mutex;
use ruru_control::{client, Command, ControlSockets, Handler, Response};
use serde_json::{json, Value};

const REALM: &str = "kea-dhcpv4-server";

/// A socket set on `<tmp>/ctl.sock` serving the test handler.
fn open() -> (tempfile::TempDir, std::path::PathBuf, ControlSockets) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ctl.sock");
    let mut sockets = ControlSockets::new(handler(), REALM);
    sockets.reconcile(&[unix(&path)]).expect("socket opens");
    (dir, path, sockets)
}

/// Runs blocking client code off the runtime threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl001_ctl012_answer_then_eof_without_half_close() {
    let (_dir, path, _sockets) = open();
    let v = blocking(move || {
        unix_json(
            &path,
            br#"{"command":"echo","arguments":{"a":1},"service":["dhcp6"]}"#,
        )
    })
    .await;
    assert_eq!(v["result"], 0);
    assert_eq!(v["arguments"]["arguments"], json!({"a": 1}));
    // CTL-008: the service list is handed over; a server ignores it.
    assert_eq!(v["arguments"]["service"], json!(["dhcp6"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl009_response_is_written_as_kea_writes_it() {
    let (_dir, path, _sockets) = open();
    let raw = blocking(move || {
        unix_raw(
            &path,
            br#"{"command":"no-such-cmd"}"#,
            Duration::from_secs(10),
        )
    })
    .await;
    assert_eq!(
        String::from_utf8(raw).unwrap(),
        r#"{ "result": 2, "text": "'no-such-cmd' command not supported." }"#
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl012_two_commands_in_one_write_only_first_answered() {
    let handler = handler();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ctl.sock");
    let mut sockets = ControlSockets::new(handler.clone(), REALM);
    sockets.reconcile(&[unix(&path)]).unwrap();
    let raw = blocking(move || {
        unix_raw(
            &path,
            br#"{"command":"echo","arguments":{"n":1}}{"command":"echo","arguments":{"n":2}}"#,
            Duration::from_secs(10),
        )
    })
    .await;
    let v: Value = serde_json::from_slice(&raw).expect("exactly one response map");
    assert_eq!(v["arguments"]["arguments"]["n"], 1);
    assert_eq!(handler.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl013_command_sent_one_byte_per_write() {
    let (_dir, path, _sockets) = open();
    let payload = "y".repeat(200_000);
    let command = format!(r#"{{"command":"echo","arguments":{{"p":"{payload}"}}}}"#);
    let v = blocking(move || {
        let mut stream = UnixStream::connect(&path).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        for b in command.as_bytes() {
            stream.write_all(std::slice::from_ref(b)).unwrap();
        }
        let mut out = Vec::new();
        stream.read_to_end(&mut out).unwrap();
        serde_json::from_slice::<Value>(&out).unwrap()
    })
    .await;
    assert_eq!(
        v["arguments"]["arguments"]["p"].as_str().unwrap().len(),
        200_000
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl013_multi_megabyte_response_arrives_whole() {
    let (_dir, path, _sockets) = open();
    let size = 24 * 1024 * 1024 + 7;
    let v = client::unix(
        &path,
        &json!({"command": "big", "arguments": {"size": size}}),
        Duration::from_secs(60),
    )
    .await
    .unwrap();
    let blob = v["arguments"]["blob"].as_str().unwrap();
    assert_eq!(blob.len(), size);
    assert!(blob.bytes().all(|b| b == b'x'));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl003_malformed_input_gets_result_1() {
    let (_dir, path, _sockets) = open();
    let cases: Vec<(&[u8], &str)> = vec![
        (b"{\"command\": }", "invalid command: not valid JSON"),
        (b"hello", "invalid first character h"),
        (b"[1, 2]", "invalid command: expected a map"),
        (
            b"{\"arguments\": {}}",
            "invalid command: missing the mandatory 'command' parameter",
        ),
        (
            b"{\"command\": 1}",
            "invalid command: 'command' must be a string",
        ),
        (
            b"{\"command\": \"shutdown\", \"x\": 1}",
            "invalid command: unsupported parameter 'x'",
        ),
        (
            b"{\"command\": \"a\", \"service\": \"dhcp4\"}",
            "service value must be a list",
        ),
    ];
    for (input, text) in cases {
        let p = path.clone();
        let v = blocking(move || unix_json(&p, input)).await;
        assert_eq!(v["result"], 1, "{}", String::from_utf8_lossy(input));
        assert!(v["text"].as_str().unwrap().starts_with(text), "{v}");
    }
    // EOF with an incomplete value is answered too.
    let p = path.clone();
    let v = blocking(move || {
        let mut stream = UnixStream::connect(&p).unwrap();
        stream.write_all(b"{\"command\": \"echo\"").unwrap();
        stream.shutdown(std::net::Shutdown::Write).unwrap();
        let mut out = Vec::new();
        stream.read_to_end(&mut out).unwrap();
        serde_json::from_slice::<Value>(&out).unwrap()
    })
    .await;
    assert_eq!(v["result"], 1);
    assert!(v["text"].as_str().unwrap().contains("18 bytes"), "{v}");
    // The socket still serves.
    let v = blocking(move || unix_json(&path, br#"{"command":"echo"}"#)).await;
    assert_eq!(v["result"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl006_ctl118_plugin_codes_pass_and_a_panic_is_result_1() {
    let (_dir, path, _sockets) = open();
    let p = path.clone();
    let v = blocking(move || unix_json(&p, br#"{"command":"plugin"}"#)).await;
    assert_eq!(v["result"], 1000);
    let p = path.clone();
    let v = blocking(move || unix_json(&p, br#"{"command":"panic"}"#)).await;
    assert_eq!(v["result"], 1);
    let v = blocking(move || unix_json(&path, br#"{"command":"echo"}"#)).await;
    assert_eq!(v["result"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl007_comments_in_commands() {
    let (_dir, path, _sockets) = open();
    let v = blocking(move || {
        unix_json(
            &path,
            b"# hash\n{ // line\n \"command\": /* block */ \"echo\", \"arguments\": {\"s\": \"/* kept */\"} }",
        )
    })
    .await;
    assert_eq!(v["result"], 0);
    assert_eq!(v["arguments"]["arguments"]["s"], "/* kept */");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl014_inactivity_timeout_after_10s_but_not_while_executing() {
    let (_dir, path, _sockets) = open();
    let (p1, p2, p3) = (path.clone(), path.clone(), path.clone());
    let started = Instant::now();
    let partial = blocking(move || unix_raw(&p1, b"{\"command\":", Duration::from_secs(30)));
    let silent = blocking(move || unix_raw(&p2, b"", Duration::from_secs(30)));
    // Runs 12 s: longer than the timer, which is suspended while a command executes.
    let slow = blocking(move || {
        unix_raw(
            &p3,
            br#"{"command":"sleep","arguments":{"ms":12000}}"#,
            Duration::from_secs(30),
        )
    });
    let (partial, silent, slow) = tokio::join!(partial, silent, slow);
    let partial: Value = serde_json::from_slice(&partial).unwrap();
    assert_eq!(
        partial,
        json!({"result": 1, "text": "Connection over control channel timed out, discarded partial command of 11 bytes"})
    );
    let silent: Value = serde_json::from_slice(&silent).unwrap();
    assert_eq!(
        silent,
        json!({"result": 1, "text": "Connection over control channel timed out"})
    );
    let slow: Value = serde_json::from_slice(&slow).unwrap();
    assert_eq!(slow["result"], 0);
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(12), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl015_many_clients_at_once_do_not_wait_for_each_other() {
    let (_dir, path, _sockets) = open();
    let started = Instant::now();
    let clients: Vec<_> = (0..50)
        .map(|_| {
            let p = path.clone();
            tokio::spawn(async move {
                client::unix(
                    &p,
                    &json!({"command": "sleep", "arguments": {"ms": 500}}),
                    Duration::from_secs(20),
                )
                .await
            })
        })
        .collect();
    for c in clients {
        assert_eq!(c.await.unwrap().unwrap()["result"], 0);
    }
    // 50 × 0.5 s one after another would take 25 s.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl011_name_longer_than_107_bytes_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().to_str().unwrap().len() + 1;
    let path = dir.path().join("s".repeat(108 - base));
    assert_eq!(path.as_os_str().len(), 108);
    let mut sockets = ControlSockets::new(handler(), REALM);
    let err = sockets.reconcile(&[unix(&path)]).unwrap_err().to_string();
    assert!(err.contains("108 bytes long, at most 107"), "{err}");
    assert!(!path.exists());
    let fits = dir.path().join("s".repeat(107 - base));
    sockets.reconcile(&[unix(&fits)]).expect("107 bytes fit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl016_lock_held_elsewhere_fails_restart_after_drop_files_removed() {
    let (_dir, path, first) = open();
    let lock = path.with_file_name("ctl.sock.lock");
    assert_eq!(std::fs::metadata(&lock).unwrap().mode() & 0o777, 0o600);
    let mut second = ControlSockets::new(handler(), REALM);
    let err = second.reconcile(&[unix(&path)]).unwrap_err().to_string();
    assert!(err.contains("cannot lock socket lockfile"), "{err}");
    assert!(err.contains("ctl.sock"), "{err}");
    // The first holder's files are untouched and it still serves.
    let p = path.clone();
    assert_eq!(
        blocking(move || unix_json(&p, br#"{"command":"echo"}"#)).await["result"],
        0
    );
    drop(first);
    assert!(!path.exists() && !lock.exists(), "files removed on close");
    second
        .reconcile(&[unix(&path)])
        .expect("restart after the holder is gone");
    let p = path.clone();
    assert_eq!(
        blocking(move || unix_json(&p, br#"{"command":"echo"}"#)).await["result"],
        0
    );
    second.close();
    assert!(!path.exists() && !lock.exists(), "files removed on close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl016_leftover_socket_file_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ctl.sock");
    // A crashed process leaves its socket file behind (and no lock holder).
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    assert!(path.exists());
    let mut sockets = ControlSockets::new(handler(), REALM);
    sockets.reconcile(&[unix(&path)]).unwrap();
    assert_eq!(
        blocking(move || unix_json(&path, br#"{"command":"echo"}"#)).await["result"],
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl017_reconcile_keeps_unchanged_closes_removed_opens_new() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.sock");
    let b = dir.path().join("b.sock");
    let c = dir.path().join("c.sock");
    let mut sockets = ControlSockets::new(handler(), REALM);
    sockets.reconcile(&[unix(&a), unix(&b)]).unwrap();
    let inode = std::fs::metadata(&a).unwrap().ino();
    sockets.reconcile(&[unix(&a), unix(&c)]).unwrap();
    assert_eq!(
        std::fs::metadata(&a).unwrap().ino(),
        inode,
        "kept socket is the same file"
    );
    assert!(!b.exists(), "removed socket closed");
    for p in [a.clone(), c.clone()] {
        assert_eq!(
            blocking(move || unix_json(&p, br#"{"command":"echo"}"#)).await["result"],
            0
        );
    }
    // CTL-029: one bad entry changes nothing.
    let err = sockets
        .reconcile(&[unix(&a), unix(&b), unix(&b)])
        .unwrap_err()
        .to_string();
    assert!(err.contains("configured more than once"), "{err}");
    assert!(c.exists() && !b.exists());
    let p = c.clone();
    assert_eq!(
        blocking(move || unix_json(&p, br#"{"command":"echo"}"#)).await["result"],
        0
    );
}

/// Closes every socket from inside a command, as `config-set` removing its own socket does.
struct SelfClosing(Mutex<Option<ControlSockets>>);

impl Handler for SelfClosing {
    fn handle(
        &self,
        command: Command,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send + 'static>> {
        let closed = self.0.lock().as_mut().map(|s| s.reconcile(&[])).is_some();
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            Response::ok(format!("{} done, sockets closed: {closed}", command.name))
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl017_connection_that_removed_its_socket_still_gets_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ctl.sock");
    let handler = Arc::new(SelfClosing(Mutex::new(None)));
    let mut sockets = ControlSockets::new(handler.clone(), REALM);
    sockets.reconcile(&[unix(&path)]).unwrap();
    *handler.0.lock() = Some(sockets);
    let p = path.clone();
    let v = blocking(move || unix_json(&p, br#"{"command":"config-set"}"#)).await;
    assert_eq!(v["text"], "config-set done, sockets closed: true");
    assert!(!path.exists());
    handler.0.lock().take();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_unix_reports_an_absent_socket() {
    let dir = tempfile::tempdir().unwrap();
    let err = client::unix(
        &dir.path().join("none"),
        &json!({"command": "x"}),
        Duration::from_secs(1),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("cannot connect to"), "{err}");
}
