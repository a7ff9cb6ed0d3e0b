//! HTTP control sockets over real TCP connections (CTL-019..030).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::*;
use ruru_config::ControlSocket;
use ruru_control::client::{self, HttpClientOptions};
use ruru_control::ControlSockets;
use serde_json::{json, Value};

const REALM: &str = "kea-dhcpv4-server";

/// An HTTP socket on a free port serving the test handler.
fn open(socket: impl FnOnce(u16) -> ruru_config::HttpControlSocket) -> (u16, ControlSockets) {
    let port = free_port();
    let mut sockets = ControlSockets::new(handler(), REALM);
    sockets
        .reconcile(&[ControlSocket::Http(socket(port))])
        .expect("listener opens");
    (port, sockets)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

fn json_body(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)))
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl020_ctl023_ctl030_post_answered_with_a_one_element_list() {
    let (port, _sockets) = open(http);
    let (status, head, body) = blocking(move || {
        let body = r#"{"command":"echo","arguments":{"a":1},"remote-address":"10.9.9.9"}"#;
        http_raw(
            port,
            format!(
                "POST /kea/prefix HTTP/1.1\r\nHost: x\r\nContent-Type: Application/JSON; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
    })
    .await;
    assert_eq!(status, 200, "{head}");
    assert!(
        head.contains("Content-Type: application/json\r\n"),
        "{head}"
    );
    let v = json_body(&body);
    let list = v.as_array().expect("a list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["result"], 0);
    assert_eq!(list[0]["arguments"]["arguments"], json!({"a": 1}));
    // The peer's address, not what the client claimed.
    assert_eq!(list[0]["arguments"]["remote-address"], "127.0.0.1");
    assert!(String::from_utf8(body)
        .unwrap()
        .starts_with("[ { \"arguments\": "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl003_ctl007_command_errors_and_comments_over_http() {
    let (port, _sockets) = open(http);
    let (status, _, body) = blocking(move || http_raw(port, &post("{\"command\": }"))).await;
    assert_eq!(status, 200);
    let v = json_body(&body);
    assert_eq!(v[0]["result"], 1);
    assert!(v[0]["text"]
        .as_str()
        .unwrap()
        .starts_with("invalid command"));
    let (_, _, body) =
        blocking(move || http_raw(port, &post("# c\n{ /* b */ \"command\": \"echo\" // l\n}")))
            .await;
    assert_eq!(json_body(&body)[0]["result"], 0);
    let (_, _, body) = blocking(move || http_raw(port, &post(r#"{"command":"nope"}"#))).await;
    assert_eq!(
        json_body(&body),
        json!([{"result": 2, "text": "'nope' command not supported."}])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl021_refusals_are_4xx_with_a_map_body() {
    let (port, _sockets) = open(http);
    let requests: Vec<Vec<u8>> = vec![
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\r\n".to_vec(),
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n".to_vec(),
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{} ".to_vec(),
        b"this is not http\r\n\r\n".to_vec(),
        b"POST / HTTP/2.0\r\n\r\n".to_vec(),
    ];
    for request in requests {
        let shown = String::from_utf8_lossy(&request).into_owned();
        let (status, head, body) = blocking(move || http_raw(port, &request)).await;
        assert_eq!(status, 400, "{shown}: {head}");
        assert_eq!(
            json_body(&body),
            json!({"result": 400, "text": "Bad Request"}),
            "{shown}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl022_persistent_connections_http_1_1_and_1_0() {
    let (port, _sockets) = open(http);
    blocking(move || {
        let mut s = connect(port);
        for n in 0..2 {
            let body = format!(r#"{{"command":"echo","arguments":{{"n":{n}}}}}"#);
            s.write_all(&post(&body)).unwrap();
            let (status, _, body) = read_http_response(&mut s);
            assert_eq!(status, 200);
            assert_eq!(json_body(&body)[0]["arguments"]["arguments"]["n"], n);
        }
        // Two requests in one write are both answered, in order.
        let mut both = post(r#"{"command":"echo","arguments":{"n":2}}"#);
        both.extend(post(r#"{"command":"echo","arguments":{"n":3}}"#));
        s.write_all(&both).unwrap();
        for n in 2..4 {
            let (_, _, body) = read_http_response(&mut s);
            assert_eq!(json_body(&body)[0]["arguments"]["arguments"]["n"], n);
        }

        let body = r#"{"command":"echo"}"#;
        let v10 = |extra: &str| {
            format!(
                "POST / HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}\r\n{body}",
                body.len()
            )
        };
        let mut s = connect(port);
        for _ in 0..2 {
            s.write_all(v10("Connection: keep-alive\r\n").as_bytes()).unwrap();
            let (status, head, _) = read_http_response(&mut s);
            assert_eq!(status, 200);
            assert!(head.starts_with("HTTP/1.0 200 OK\r\n"), "{head}");
            assert!(head.contains("Connection: keep-alive"), "{head}");
        }
        // HTTP/1.0 without keep-alive, and 1.1 with `close`: answered, then closed.
        for request in [v10(""), String::from_utf8(post(body)).unwrap().replacen("Host: x", "Connection: close", 1)] {
            let mut s = connect(port);
            s.write_all(request.as_bytes()).unwrap();
            let (status, _, _) = read_http_response(&mut s);
            assert_eq!(status, 200);
            let mut rest = Vec::new();
            s.read_to_end(&mut rest).unwrap();
            assert!(rest.is_empty());
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl022_incomplete_request_gets_408_after_10s() {
    let (port, _sockets) = open(http);
    let (elapsed, status, body, rest) = blocking(move || {
        let mut s = connect(port);
        let started = Instant::now();
        s.write_all(b"POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{\"comm")
            .unwrap();
        let (status, _, body) = read_http_response(&mut s);
        let elapsed = started.elapsed();
        let mut rest = Vec::new();
        s.read_to_end(&mut rest).unwrap();
        (elapsed, status, body, rest)
    })
    .await;
    assert_eq!(status, 408);
    assert_eq!(
        json_body(&body),
        json!({"result": 408, "text": "Request Timeout"})
    );
    assert!(rest.is_empty(), "closed after the 408");
    assert!(
        elapsed >= Duration::from_secs(10) && elapsed < Duration::from_secs(13),
        "{elapsed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl022_idle_persistent_connection_closed_after_30s() {
    let (port, _sockets) = open(http);
    let elapsed = blocking(move || {
        let mut s = connect(port);
        s.write_all(&post(r#"{"command":"echo"}"#)).unwrap();
        let (status, _, _) = read_http_response(&mut s);
        assert_eq!(status, 200);
        let idle = Instant::now();
        let mut rest = Vec::new();
        s.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty());
        idle.elapsed()
    })
    .await;
    assert!(
        elapsed >= Duration::from_secs(29) && elapsed < Duration::from_secs(33),
        "{elapsed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl024_ctl026_basic_authentication() {
    let (port, _sockets) = open(|p| with_auth(http(p), &[("admin", "1234"), ("ops", "secret")]));
    let echo = r#"{"command":"echo"}"#;
    let with = |authorization: &str| {
        format!(
            "POST / HTTP/1.1\r\nContent-Type: application/json\r\n{authorization}Content-Length: {}\r\n\r\n{echo}",
            echo.len()
        )
        .into_bytes()
    };
    // admin:1234 and ops:wrong, base64.
    let cases = [
        ("", 401),
        ("Authorization: Basic b3BzOndyb25n\r\n", 401),
        ("Authorization: Bearer YWRtaW46MTIzNA==\r\n", 401),
        ("Authorization: Basic YWRtaW46MTIzNA==\r\n", 200),
        ("Authorization:   bAsIc    YWRtaW46MTIzNA==  \r\n", 200),
    ];
    for (header, expected) in cases {
        let request = with(header);
        let (status, head, body) = blocking(move || http_raw(port, &request)).await;
        assert_eq!(status, expected, "{header}");
        if expected == 401 {
            assert!(
                head.contains("WWW-Authenticate: Basic realm=\"kea-dhcpv4-server\"\r\n"),
                "{head}"
            );
            assert_eq!(
                json_body(&body),
                json!({"result": 401, "text": "Unauthorized"})
            );
        } else {
            assert_eq!(json_body(&body)[0]["result"], 0);
        }
    }
    // The client sends credentials the same way.
    let mut opts = HttpClientOptions {
        host: "127.0.0.1".into(),
        port,
        path: String::new(),
        https: None,
        auth: Some(("ops".into(), "secret".into())),
        timeout: Duration::from_secs(10),
    };
    let (status, v) = client::http(&opts, echo.as_bytes().to_vec()).await.unwrap();
    assert_eq!((status, v[0]["result"].clone()), (200, json!(0)));
    opts.auth = None;
    let (status, v) = client::http(&opts, echo.as_bytes().to_vec()).await.unwrap();
    assert_eq!(
        (status, v),
        (401, json!({"result": 401, "text": "Unauthorized"}))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl024_empty_client_list_means_no_authentication() {
    let (port, _sockets) = open(|p| with_auth(http(p), &[]));
    let (status, _, _) = blocking(move || http_raw(port, &post(r#"{"command":"echo"}"#))).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl029_duplicates_and_bind_failures_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (port, mut sockets) = open(http);
    let other = free_port();
    let err = sockets
        .reconcile(&[
            ControlSocket::Http(http(port)),
            ControlSocket::Http(http(other)),
            ControlSocket::Http(http(other)),
        ])
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!("control socket http 127.0.0.1:{other}: configured more than once")
    );

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy_port = busy.local_addr().unwrap().port();
    let new_unix = dir.path().join("new.sock");
    let err = sockets
        .reconcile(&[
            ControlSocket::Http(http(port)),
            unix(&new_unix),
            ControlSocket::Http(http(busy_port)),
        ])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!(
            "control socket http 127.0.0.1:{busy_port}: cannot bind"
        )),
        "{err}"
    );
    assert!(
        !new_unix.exists(),
        "the socket opened before the failure is undone"
    );
    let (status, _, _) = blocking(move || http_raw(port, &post(r#"{"command":"echo"}"#))).await;
    assert_eq!(status, 200, "the running listener stays up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl017_kept_listener_takes_new_settings_removed_one_closes() {
    let (port, mut sockets) = open(http);
    let mut s = blocking(move || {
        let mut s = connect(port);
        s.write_all(&post(r#"{"command":"echo"}"#)).unwrap();
        assert_eq!(read_http_response(&mut s).0, 200);
        s
    })
    .await;
    sockets
        .reconcile(&[ControlSocket::Http(with_auth(http(port), &[("a", "b")]))])
        .unwrap();
    // New connections need credentials now; the open one keeps the settings it started with.
    let (status, _, _) = blocking(move || http_raw(port, &post(r#"{"command":"echo"}"#))).await;
    assert_eq!(status, 401);
    s = blocking(move || {
        s.write_all(&post(r#"{"command":"echo"}"#)).unwrap();
        assert_eq!(read_http_response(&mut s).0, 200);
        s
    })
    .await;
    drop(s);
    sockets.reconcile(&[]).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(
            Instant::now() < deadline,
            "the removed listener still accepts"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl129_curl_recipe_with_a_large_body() {
    let (port, _sockets) = open(http);
    let big = format!(
        r#"{{"command":"echo","arguments":{{"p":"{}"}}}}"#,
        "z".repeat(3_000_000)
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cmd.json");
    std::fs::write(&file, big).unwrap();
    // curl sends `Expect: 100-continue` for a body this size.
    let out = tokio::process::Command::new("curl")
        .args([
            "-sS",
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "--data-binary",
        ])
        .arg(format!("@{}", file.display()))
        .arg(format!("http://127.0.0.1:{port}/"))
        .output()
        .await
        .expect("curl runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_body(&out.stdout);
    assert_eq!(
        v[0]["arguments"]["arguments"]["p"].as_str().unwrap().len(),
        3_000_000
    );
}
