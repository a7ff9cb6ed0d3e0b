//! What the channel logs, and under which logger (CTL-018, CTL-026).

mod common;

use std::time::Duration;

use common::*;
use ruru_config::ControlSocket;
use ruru_control::client::{self, HttpClientOptions};
use ruru_control::ControlSockets;
use serde_json::json;

// A current-thread runtime: every connection task runs on this thread, under its subscriber.
#[tokio::test]
async fn ctl018_ctl026_commands_and_auth_loggers() {
    let captured = Captured::default();
    let _guard = captured.install();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ctl.sock");
    let port = free_port();
    let mut sockets = ControlSockets::new(handler(), "kea-dhcpv4-server");
    sockets
        .reconcile(&[
            unix(&path),
            ControlSocket::Http(with_auth(http(port), &[("admin", "s3cr3t-pw")])),
        ])
        .unwrap();
    client::unix(
        &path,
        &json!({"command": "status-get"}),
        Duration::from_secs(5),
    )
    .await
    .unwrap();
    let opts = HttpClientOptions {
        host: "127.0.0.1".into(),
        port,
        path: String::new(),
        https: None,
        auth: Some(("admin".into(), "s3cr3t-pw".into())),
        timeout: Duration::from_secs(5),
    };
    client::http(&opts, br#"{"command":"version-get"}"#.to_vec())
        .await
        .unwrap();

    let log = captured.text();
    let line = |needle: &str| {
        log.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{log}"))
            .to_string()
    };
    let accept = line("COMMAND_ACCEPTOR_START");
    assert!(accept.contains("INFO kea-dhcp4.commands:"), "{accept}");
    assert!(accept.contains(&path.display().to_string()), "{accept}");
    let received = line("Received command 'status-get'");
    assert!(
        received.contains("INFO kea-dhcp4.commands:") && received.contains("COMMAND_RECEIVED"),
        "{received}"
    );
    line("Received command 'version-get'");
    line("COMMAND_HTTP_LISTENER_STARTED");
    let authorized = line("HTTP_CLIENT_REQUEST_AUTHORIZED");
    assert!(
        authorized.contains("INFO kea-dhcp4.auth:") && authorized.contains("'admin'"),
        "{authorized}"
    );
    assert!(!log.contains("s3cr3t"), "no secret in the log:\n{log}");
}
