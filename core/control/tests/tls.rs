//! HTTPS control sockets with certificates made by the `openssl` tool (CTL-027, CTL-120).

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use ruru_config::ControlSocket;
use ruru_control::client::{self, ClientTls, HttpClientOptions};
use ruru_control::ControlSockets;
use serde_json::Value;
use tokio::io::AsyncWriteExt;

const REALM: &str = "kea-dhcpv4-server";
const ECHO: &[u8] = br#"{"command":"echo"}"#;

fn open(pki: &Pki, cert_required: bool) -> (u16, ControlSockets) {
    let port = free_port();
    let mut sockets = ControlSockets::new(handler(), REALM);
    sockets
        .reconcile(&[ControlSocket::Http(with_tls(
            http(port),
            pki,
            cert_required,
        ))])
        .expect("https listener opens");
    (port, sockets)
}

fn options(port: u16, ca: PathBuf, identity: Option<(PathBuf, PathBuf)>) -> HttpClientOptions {
    let (cert, key) = identity.unzip();
    HttpClientOptions {
        host: "localhost".into(),
        port,
        path: String::new(),
        https: Some(ClientTls { ca, cert, key }),
        auth: None,
        timeout: Duration::from_secs(10),
    }
}

async fn call(opts: &HttpClientOptions) -> Result<Value, String> {
    match client::http(opts, ECHO.to_vec()).await {
        Ok((200, v)) => Ok(v),
        Ok((status, v)) => Err(format!("HTTP {status}: {v}")),
        Err(e) => Err(e.to_string()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl027_cert_required_means_mutual_tls() {
    let pki = Pki::new();
    let (port, _sockets) = open(&pki, true);
    let good = options(
        port,
        pki.ca.clone(),
        Some((pki.client_cert.clone(), pki.client_key.clone())),
    );
    let v = call(&good)
        .await
        .expect("a client with a certificate of the trusted CA");
    assert_eq!(v[0]["result"], 0);
    let none = options(port, pki.ca.clone(), None);
    assert!(
        call(&none).await.is_err(),
        "a client without certificate is refused"
    );
    let rogue = options(
        port,
        pki.ca.clone(),
        Some((pki.rogue_cert.clone(), pki.rogue_key.clone())),
    );
    assert!(
        call(&rogue).await.is_err(),
        "a certificate from another CA is refused"
    );
}

/// CTL-028: `socket-type` `http` with the three TLS files is served over TLS, as Kea 2.7 does (its
/// ARM: the TLS parameters "specify the TLS setup for HTTP, i.e. HTTPS"); plain HTTP gets no
/// answer there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl028_http_with_tls_keys_speaks_tls() {
    let pki = Pki::new();
    let port = free_port();
    let mut socket = with_tls(http(port), &pki, false);
    socket.https = false;
    let mut sockets = ControlSockets::new(handler(), REALM);
    sockets
        .reconcile(&[ControlSocket::Http(socket)])
        .expect("listener opens");
    let tls = options(port, pki.ca.clone(), None);
    assert_eq!(call(&tls).await.unwrap()[0]["result"], 0);
    let plain = HttpClientOptions { https: None, ..tls };
    assert!(call(&plain).await.is_err(), "plain HTTP is not answered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl027_without_cert_required_only_the_server_authenticates() {
    let pki = Pki::new();
    let (port, _sockets) = open(&pki, false);
    let none = options(port, pki.ca.clone(), None);
    assert_eq!(call(&none).await.unwrap()[0]["result"], 0);
    let good = options(
        port,
        pki.ca.clone(),
        Some((pki.client_cert.clone(), pki.client_key.clone())),
    );
    assert_eq!(call(&good).await.unwrap()[0]["result"], 0);
    // A certificate that is shown is still checked.
    let rogue = options(
        port,
        pki.ca.clone(),
        Some((pki.rogue_cert.clone(), pki.rogue_key.clone())),
    );
    assert!(call(&rogue).await.is_err());
    // The client checks the server against its CA too.
    let wrong_ca = options(port, pki.dir.path().join("rogue-ca.pem"), None);
    assert!(call(&wrong_ca).await.is_err());
    // Plain HTTP to an HTTPS socket gets no answer.
    let plain = HttpClientOptions {
        https: None,
        ..none
    };
    assert!(call(&plain).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl027_trust_anchor_may_be_a_directory() {
    let pki = Pki::new();
    let anchors = pki.dir.path().join("anchors");
    std::fs::create_dir(&anchors).unwrap();
    std::fs::copy(&pki.ca, anchors.join("1a2b3c4d.0")).unwrap();
    std::fs::write(anchors.join("README"), "not a certificate").unwrap();
    let port = free_port();
    let mut socket = with_tls(http(port), &pki, true);
    if let Some(tls) = socket.tls.as_mut() {
        tls.trust_anchor = anchors.clone();
    }
    let mut sockets = ControlSockets::new(handler(), REALM);
    sockets.reconcile(&[ControlSocket::Http(socket)]).unwrap();
    let good = options(
        port,
        anchors,
        Some((pki.client_cert.clone(), pki.client_key.clone())),
    );
    assert_eq!(call(&good).await.unwrap()[0]["result"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl120_tls_1_2_accepted_tls_1_1_refused() {
    let pki = Pki::new();
    let (port, _sockets) = open(&pki, false);
    let s_client = |version: &'static str| {
        let ca = pki.ca.clone();
        async move {
            let mut child = tokio::process::Command::new("openssl")
                .args([
                    "s_client",
                    "-ign_eof",
                    version,
                    "-cipher",
                    "DEFAULT:@SECLEVEL=0",
                    "-connect",
                ])
                .arg(format!("127.0.0.1:{port}"))
                .arg("-CAfile")
                .arg(ca)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("openssl s_client runs");
            let mut stdin = child.stdin.take().unwrap();
            let request = String::from_utf8(post(r#"{"command":"echo"}"#)).unwrap();
            let request = request.replacen("Host: x", "Connection: close", 1);
            // A failed handshake may already have closed the pipe.
            let _ = stdin.write_all(request.as_bytes()).await;
            drop(stdin);
            let out = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
                .await
                .expect("s_client ends")
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
            (out.status.success(), text.into_owned())
        }
    };
    let (ok, out) = s_client("-tls1_2").await;
    assert!(ok, "{out}");
    assert!(out.contains("TLSv1.2"), "{out}");
    assert!(out.contains("\"result\": 0"), "{out}");
    let (ok, out) = s_client("-tls1_1").await;
    assert!(!ok, "TLS 1.1 handshake must fail: {out}");
    // The client did offer TLS 1.1; the server answered with an alert.
    assert!(out.contains("alert"), "{out}");
    assert!(!out.contains("\"result\""), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl120_files_are_read_at_each_reconcile() {
    let pki = Pki::new();
    let key = pki.dir.path().join("copy.key");
    std::fs::copy(&pki.server_key, &key).unwrap();
    let port = free_port();
    let mut socket = with_tls(http(port), &pki, false);
    if let Some(tls) = socket.tls.as_mut() {
        tls.key_file = key.clone();
    }
    let config = [ControlSocket::Http(socket)];
    let mut sockets = ControlSockets::new(handler(), REALM);
    sockets.reconcile(&config).unwrap();
    std::fs::remove_file(&key).unwrap();
    let err = sockets.reconcile(&config).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("control socket https 127.0.0.1:{port}: ")),
        "{err}"
    );
    assert!(err.contains("copy.key"), "{err}");
    let opts = options(port, pki.ca.clone(), None);
    assert_eq!(
        call(&opts).await.unwrap()[0]["result"],
        0,
        "the running listener stays"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctl027_unusable_tls_settings_are_errors() {
    let pki = Pki::new();
    let port = free_port();
    let mut sockets = ControlSockets::new(handler(), REALM);
    let mut swapped = with_tls(http(port), &pki, false);
    if let Some(tls) = swapped.tls.as_mut() {
        tls.key_file = pki.server_cert.clone();
    }
    assert!(sockets.reconcile(&[ControlSocket::Http(swapped)]).is_err());
    let mut https_without_tls = http(port);
    https_without_tls.https = true;
    assert!(sockets
        .reconcile(&[ControlSocket::Http(https_without_tls)])
        .is_err());
}
