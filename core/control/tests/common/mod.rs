//! What the socket tests share: a test handler, socket configurations, raw clients.
#![allow(dead_code, unreachable_pub)] // each test binary uses its own part

use std::future::Future;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::Command as Process;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ruru_config::{ControlSocket, HttpAuth, HttpClient, HttpControlSocket, TlsConfig};
use ruru_control::{Command, Handler, Response};
use serde_json::{json, Value};

/// Answers the test commands:
/// - `echo`: result 0, arguments = the command as received (name, arguments, service, remote address);
/// - `big`: result 0, arguments `{"blob": "xxx…"}` of `arguments.size` bytes;
/// - `sleep`: waits `arguments.ms` milliseconds, then result 0;
/// - `plugin`: result 1000 (a plugin's own code, CTL-006);
/// - `panic`: panics;
/// - anything else: result 2.
#[derive(Default)]
pub struct TestHandler {
    pub calls: AtomicUsize,
}

impl Handler for TestHandler {
    fn handle(&self, command: Command) -> Pin<Box<dyn Future<Output = Response> + Send + 'static>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move { answer(command).await })
    }
}

pub async fn answer(command: Command) -> Response {
    let number = |key: &str| {
        command
            .arguments
            .as_ref()
            .and_then(|a| a.get(key))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    match command.name.as_str() {
        "echo" => Response::ok("echo").with_arguments(json!({
            "command": command.name,
            "arguments": command.arguments,
            "service": command.service,
            "remote-address": command.remote_address,
        })),
        "big" => {
            Response::ok("big").with_arguments(json!({"blob": "x".repeat(number("size") as usize)}))
        }
        "sleep" => {
            tokio::time::sleep(Duration::from_millis(number("ms"))).await;
            Response::ok("slept")
        }
        "plugin" => Response {
            result: 1000,
            text: Some("plugin code".into()),
            arguments: None,
        },
        "panic" => panic!("test handler asked to panic"),
        other => Response::unsupported(other),
    }
}

pub fn handler() -> Arc<TestHandler> {
    Arc::new(TestHandler::default())
}

pub fn unix(path: &Path) -> ControlSocket {
    ControlSocket::Unix {
        path: path.to_path_buf(),
        user_context: None,
    }
}

pub fn http(port: u16) -> HttpControlSocket {
    HttpControlSocket {
        https: false,
        address: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port,
        auth: None,
        tls: None,
        user_context: None,
    }
}

pub fn with_auth(mut socket: HttpControlSocket, users: &[(&str, &str)]) -> HttpControlSocket {
    socket.auth = Some(HttpAuth {
        realm: "kea-dhcpv4-server".into(),
        directory: None,
        clients: users
            .iter()
            .map(|(u, p)| HttpClient {
                user: Some(u.to_string()),
                user_file: None,
                password: Some(p.to_string()),
                password_file: None,
                user_context: None,
            })
            .collect(),
    });
    socket
}

pub fn with_tls(
    mut socket: HttpControlSocket,
    pki: &Pki,
    cert_required: bool,
) -> HttpControlSocket {
    socket.https = true;
    socket.tls = Some(TlsConfig {
        trust_anchor: pki.ca.clone(),
        cert_file: pki.server_cert.clone(),
        key_file: pki.server_key.clone(),
        cert_required,
    });
    socket
}

/// A TCP port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("an ephemeral port")
}

/// Sends `bytes` over a UNIX socket without ever half-closing, and reads until the server
/// closes (the test fails after `limit`).
pub fn unix_raw(path: &Path, bytes: &[u8], limit: Duration) -> Vec<u8> {
    let mut stream = UnixStream::connect(path).expect("connect");
    stream.set_read_timeout(Some(limit)).unwrap();
    stream.write_all(bytes).expect("write");
    let mut out = Vec::new();
    stream
        .read_to_end(&mut out)
        .expect("the server answers and closes");
    out
}

pub fn unix_json(path: &Path, bytes: &[u8]) -> Value {
    let out = unix_raw(path, bytes, Duration::from_secs(30));
    serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)))
}

/// One raw HTTP exchange on a fresh connection: the status, the head and the body.
pub fn http_raw(port: u16, request: &[u8]) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port))).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request).expect("write");
    read_http_response(&mut stream)
}

/// Reads one response (Content-Length delimited) from `stream`.
pub fn read_http_response(stream: &mut impl Read) -> (u16, String, Vec<u8>) {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).expect("read head");
        assert_eq!(
            n,
            1,
            "connection closed inside the head: {}",
            String::from_utf8_lossy(&buf)
        );
        buf.push(byte[0]);
    }
    let head = String::from_utf8(buf).unwrap();
    let status = head[9..12].parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().unwrap())
        })
        .expect("Content-Length");
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).expect("body");
    (status, head, body)
}

pub fn post(body: &str) -> Vec<u8> {
    format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Test certificates made with the `openssl` tool: a CA, a server certificate for
/// 127.0.0.1/localhost, a client certificate, and a client certificate from another CA.
pub struct Pki {
    pub dir: tempfile::TempDir,
    pub ca: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    pub rogue_cert: PathBuf,
    pub rogue_key: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Process::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl tool is needed for the TLS tests");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Pki {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let ca = |name: &str| {
            openssl(
                d,
                &[
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-keyout",
                    &format!("{name}.key"),
                    "-out",
                    &format!("{name}.pem"),
                    "-subj",
                    &format!("/CN=Ruru test {name}"),
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign",
                ],
            );
        };
        ca("ca");
        ca("rogue-ca");
        let leaf = |name: &str, issuer: &str, ext: &str| {
            openssl(
                d,
                &[
                    "req",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-keyout",
                    &format!("{name}.key"),
                    "-out",
                    &format!("{name}.csr"),
                    "-subj",
                    &format!("/CN={name}"),
                ],
            );
            std::fs::write(d.join(format!("{name}.ext")), ext).unwrap();
            openssl(
                d,
                &[
                    "x509",
                    "-req",
                    "-in",
                    &format!("{name}.csr"),
                    "-CA",
                    &format!("{issuer}.pem"),
                    "-CAkey",
                    &format!("{issuer}.key"),
                    "-CAcreateserial",
                    "-days",
                    "2",
                    "-out",
                    &format!("{name}.pem"),
                    "-extfile",
                    &format!("{name}.ext"),
                ],
            );
        };
        leaf(
            "server",
            "ca",
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
        );
        leaf(
            "client",
            "ca",
            "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n",
        );
        leaf(
            "rogue",
            "rogue-ca",
            "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n",
        );
        Self {
            ca: d.join("ca.pem"),
            server_cert: d.join("server.pem"),
            server_key: d.join("server.key"),
            client_cert: d.join("client.pem"),
            client_key: d.join("client.key"),
            rogue_cert: d.join("rogue.pem"),
            rogue_key: d.join("rogue.key"),
            dir,
        }
    }
}

/// Everything written by the subscriber [`Captured::install`] sets for this thread, INFO and up.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Makes this the current thread's log, with targets, until the guard drops.
    pub fn install(&self) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_target(true)
            .with_max_level(tracing::Level::INFO)
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
