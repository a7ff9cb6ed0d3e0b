//! Clients of control sockets: `ruru-shell`, the control agent's forwarding, and tests.

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use rustls::pki_types::ServerName;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpStream, UnixStream};

use crate::frame::Framer;
use crate::{tls, ControlError};

/// Sends `command` over the UNIX socket at `path` and returns the response map. The whole
/// exchange must finish within `timeout`.
pub async fn unix(path: &Path, command: &Value, timeout: Duration) -> Result<Value, ControlError> {
    tokio::time::timeout(timeout, unix_exchange(path, command))
        .await
        .map_err(|_| ControlError::Timeout(timeout))?
}

async fn unix_exchange(path: &Path, command: &Value) -> Result<Value, ControlError> {
    let io = |context: &str| {
        let context = format!("{context} {}", path.display());
        move |source| ControlError::Io { context, source }
    };
    let mut stream = UnixStream::connect(path)
        .await
        .map_err(io("cannot connect to"))?;
    stream
        .write_all(command.to_string().as_bytes())
        .await
        .map_err(io("cannot send to"))?;
    // The server closes after its one response; the framer also ends at the value's close, so
    // a server that keeps the connection open is answered too.
    let mut framer = Framer::new();
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        let n = stream
            .read(&mut buf)
            .await
            .map_err(io("cannot read from"))?;
        if n == 0 {
            return Err(ControlError::InvalidResponse(format!(
                "connection closed after {} bytes of response",
                framer.received()
            )));
        }
        let value = framer
            .push(&buf[..n])
            .map_err(|e| ControlError::InvalidResponse(e.to_string()))?;
        if let Some(value) = value {
            return serde_json::from_slice(&value)
                .map_err(|e| ControlError::InvalidResponse(e.to_string()));
        }
    }
}

/// TLS settings of an HTTPS client.
#[derive(Debug, Clone)]
pub struct ClientTls {
    /// CA certificate file, or a directory of them, to verify the server with.
    pub ca: PathBuf,
    /// Client certificate (PEM), for servers that require one; goes with `key`.
    pub cert: Option<PathBuf>,
    /// Its unencrypted PEM private key; goes with `cert`.
    pub key: Option<PathBuf>,
}

/// Where and how to send a command over HTTP.
#[derive(Debug, Clone)]
pub struct HttpClientOptions {
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// URL path; servers ignore it, reverse proxies may not.
    pub path: String,
    /// HTTPS when set.
    pub https: Option<ClientTls>,
    /// Basic authentication: user and password.
    pub auth: Option<(String, String)>,
    /// Limit for the whole exchange.
    pub timeout: Duration,
}

/// POSTs `body` and returns the HTTP status and the JSON body of the reply.
pub async fn http(opts: &HttpClientOptions, body: Vec<u8>) -> Result<(u16, Value), ControlError> {
    let (status, body) = http_raw(opts, body).await?;
    let value = serde_json::from_slice(&body).map_err(|e| {
        ControlError::InvalidResponse(format!("HTTP {status} with a body that is not JSON: {e}"))
    })?;
    Ok((status, value))
}

/// POSTs `body` and returns the HTTP status and the body of the reply as sent, for callers
/// that pass it on unchanged (kea-shell prints it verbatim).
pub async fn http_raw(
    opts: &HttpClientOptions,
    body: Vec<u8>,
) -> Result<(u16, Vec<u8>), ControlError> {
    tokio::time::timeout(opts.timeout, http_exchange(opts, body))
        .await
        .map_err(|_| ControlError::Timeout(opts.timeout))?
}

async fn http_exchange(
    opts: &HttpClientOptions,
    body: Vec<u8>,
) -> Result<(u16, Vec<u8>), ControlError> {
    // `[::1]` is how an IPv6 address is written in a URL.
    let host = opts.host.trim_start_matches('[').trim_end_matches(']');
    let tcp = TcpStream::connect((host, opts.port))
        .await
        .map_err(|source| ControlError::Io {
            context: format!("cannot connect to {}:{}", opts.host, opts.port),
            source,
        })?;
    let request = request_bytes(opts, body);
    let Some(tls) = &opts.https else {
        return exchange(tcp, &request).await;
    };
    let identity = match (&tls.cert, &tls.key) {
        (Some(cert), Some(key)) => Some((cert.as_path(), key.as_path())),
        (None, None) => None,
        _ => {
            return Err(ControlError::Tls(
                "a certificate and its key go together".into(),
            ))
        }
    };
    let connector =
        tls::connector(&tls.ca, identity).map_err(|e| ControlError::Tls(e.to_string()))?;
    let name = ServerName::try_from(host.to_string())
        .map_err(|e| ControlError::Tls(format!("invalid server name {host}: {e}")))?;
    let stream = connector
        .connect(name, tcp)
        .await
        .map_err(|source| ControlError::Io {
            context: "TLS handshake failed".into(),
            source,
        })?;
    exchange(stream, &request).await
}

/// The request as kea-shell sends it.
fn request_bytes(opts: &HttpClientOptions, body: Vec<u8>) -> Vec<u8> {
    let mut head = format!(
        "POST /{} HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: application/json\r\nAccept: */*\r\nContent-Length: {}\r\n",
        opts.path.trim_start_matches('/'),
        opts.host,
        opts.port,
        body.len()
    );
    if let Some((user, password)) = &opts.auth {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        head.push_str(&format!("Authorization: Basic {token}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&body);
    bytes
}

async fn exchange<S>(mut io: S, request: &[u8]) -> Result<(u16, Vec<u8>), ControlError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let failed = |context: &str| {
        let context = context.to_string();
        move |source| ControlError::Io { context, source }
    };
    io.write_all(request)
        .await
        .map_err(failed("cannot send the request"))?;
    io.flush()
        .await
        .map_err(failed("cannot send the request"))?;
    let mut buf = Vec::new();
    let (head_len, status, length) = loop {
        if let Some(head) = parse_response_head(&buf)? {
            break head;
        }
        let start = buf.len();
        buf.resize(start + 32 * 1024, 0);
        let n = io
            .read(&mut buf[start..])
            .await
            .map_err(failed("cannot read the response"))?;
        buf.truncate(start + n);
        if n == 0 {
            return Err(ControlError::InvalidResponse(
                "connection closed before the response head".into(),
            ));
        }
    };
    let mut body = buf.split_off(head_len);
    match length {
        Some(length) => {
            while body.len() < length {
                let start = body.len();
                // Grow with what arrives, not with what the head claims.
                body.resize(length.min(start + (1 << 20)), 0);
                let n = io
                    .read(&mut body[start..])
                    .await
                    .map_err(failed("cannot read the response"))?;
                body.truncate(start + n);
                if n == 0 {
                    return Err(ControlError::InvalidResponse(
                        "response body cut short".into(),
                    ));
                }
            }
            body.truncate(length);
        }
        // Without a length the body ends with the connection (we asked for `close`). A TLS
        // peer that closes without `close_notify` has still sent everything it meant to.
        None => {
            if let Err(e) = io.read_to_end(&mut body).await {
                if e.kind() != std::io::ErrorKind::UnexpectedEof {
                    return Err(ControlError::Io {
                        context: "cannot read the response".into(),
                        source: e,
                    });
                }
            }
        }
    }
    Ok((status, body))
}

/// Status and body length of a complete response head at the start of `buf`.
fn parse_response_head(buf: &[u8]) -> Result<Option<(usize, u16, Option<usize>)>, ControlError> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    let invalid = |e: String| ControlError::InvalidResponse(e);
    match response.parse(buf).map_err(|e| invalid(e.to_string()))? {
        httparse::Status::Partial => Ok(None),
        httparse::Status::Complete(head_len) => {
            let status = response.code.ok_or_else(|| invalid("no status".into()))?;
            let length = response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                .map(|h| {
                    std::str::from_utf8(h.value)
                        .ok()
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .ok_or_else(|| invalid("invalid Content-Length".into()))
                })
                .transpose()?;
            Ok(Some((head_len, status, length)))
        }
    }
}
