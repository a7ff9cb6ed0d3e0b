//! HTTP and HTTPS control sockets (CTL-019..030).
//!
//! The exchange is tiny — one POST, one JSON reply — but Kea's behaviour at its edges is
//! specific: every refusal carries a `{"result": <status>, "text": <reason>}` body, including
//! for unparsable requests (CTL-021); a request must arrive within 10 s and is answered 408
//! otherwise, while an idle persistent connection may wait 30 s (CTL-022). General-purpose
//! servers fix these choices differently, so HTTP/1.x framing is done here on top of `httparse`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::RwLock;
use ruru_config::HttpControlSocket;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;

use crate::auth::BasicAuth;
use crate::log::{auth, commands};
use crate::{json, parse_command, tls, Context, HttpRequest, OpenError};

/// A request must be complete this long after its first byte (CTL-022).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// A persistent connection with no request in progress is closed after this (CTL-022).
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest request head; beyond it the request is refused.
const MAX_HEAD: usize = 64 * 1024;
/// Most header lines in a request head.
const MAX_HEADERS: usize = 64;
/// Read size.
const CHUNK: usize = 32 * 1024;

/// What a socket's connections need from its configuration; replaced as a whole when the
/// configuration changes, so a connection always sees one consistent set.
pub(crate) struct HttpSettings {
    tls: Option<TlsAcceptor>,
    auth: Option<BasicAuth>,
    /// `GET /metrics` is served (opt-in through `user-context`, so the file stays valid for Kea).
    metrics: bool,
}

/// Media type of command replies.
const JSON: &str = "application/json";
/// Media type of `GET /metrics` (Prometheus text exposition format).
const PROMETHEUS: &str = "text/plain; version=0.0.4";

/// The `user-context` key that turns on `GET /metrics` on an HTTP control socket.
const METRICS_KEY: &str = "prometheus-metrics";

impl HttpSettings {
    /// Reads the certificate, key and credential files of `cfg`.
    pub(crate) fn load(cfg: &HttpControlSocket, ctx: &Context) -> Result<Self, OpenError> {
        let tls = match &cfg.tls {
            Some(t) => Some(tls::acceptor(t)?),
            None if cfg.https => {
                return Err(OpenError::Tls(
                    "https needs 'cert-file' and 'key-file'".into(),
                ))
            }
            None => None,
        };
        let auth = cfg
            .auth
            .as_ref()
            .map(BasicAuth::load)
            .transpose()?
            .flatten();
        if auth.is_some() && tls.is_none() && !cfg.address.is_loopback() {
            auth!(
                ctx.daemon,
                warn,
                "basic authentication on {} without TLS sends passwords in clear text",
                SocketAddr::new(cfg.address, cfg.port)
            );
        }
        let metrics = cfg
            .user_context
            .as_ref()
            .and_then(|c| c.get(METRICS_KEY))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        Ok(Self { tls, auth, metrics })
    }
}

/// A bound HTTP(S) control socket. Dropping it stops accepting; accepted connections finish.
pub(crate) struct HttpListener {
    settings: Arc<RwLock<Arc<HttpSettings>>>,
    listener: Option<TcpListener>,
    task: Option<JoinHandle<()>>,
}

impl HttpListener {
    /// Binds `addr`; does not accept yet, so that a failure elsewhere can still undo it.
    pub(crate) fn bind(addr: SocketAddr, settings: HttpSettings) -> Result<Self, OpenError> {
        let bind_error = |source| OpenError::Io {
            action: format!("bind {addr}"),
            source,
        };
        let listener = std::net::TcpListener::bind(addr).map_err(bind_error)?;
        listener.set_nonblocking(true).map_err(bind_error)?;
        Ok(Self {
            settings: Arc::new(RwLock::new(Arc::new(settings))),
            listener: Some(TcpListener::from_std(listener).map_err(bind_error)?),
            task: None,
        })
    }

    /// New connections use `settings` from now on (the socket itself stays, CTL-017).
    pub(crate) fn replace_settings(&self, settings: HttpSettings) {
        *self.settings.write() = Arc::new(settings);
    }

    /// Starts accepting connections.
    pub(crate) fn start(&mut self, ctx: Arc<Context>) {
        let Some(listener) = self.listener.take() else {
            return;
        };
        if let Ok(addr) = listener.local_addr() {
            commands!(
                ctx.daemon,
                info,
                id = "COMMAND_HTTP_LISTENER_STARTED",
                "Command HTTP listener started with address {}, port {}, use TLS {}",
                addr.ip(),
                addr.port(),
                self.settings.read().tls.is_some()
            );
        }
        self.task = Some(tokio::spawn(accept_loop(
            listener,
            self.settings.clone(),
            ctx,
        )));
    }
}

impl Drop for HttpListener {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    settings: Arc<RwLock<Arc<HttpSettings>>>,
    ctx: Arc<Context>,
) {
    loop {
        match listener.accept().await {
            Ok((tcp, peer)) => {
                let settings = settings.read().clone();
                tokio::spawn(connection(tcp, peer, settings, ctx.clone()));
            }
            Err(e) => {
                commands!(ctx.daemon, warn, "cannot accept a control connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn connection(
    tcp: TcpStream,
    peer: SocketAddr,
    settings: Arc<HttpSettings>,
    ctx: Arc<Context>,
) {
    commands!(
        ctx.daemon,
        debug,
        "accepted a control connection from {peer}"
    );
    let Some(acceptor) = &settings.tls else {
        return serve(tcp, peer, &settings, &ctx).await;
    };
    match tokio::time::timeout(REQUEST_TIMEOUT, acceptor.accept(tcp)).await {
        Ok(Ok(stream)) => serve(stream, peer, &settings, &ctx).await,
        Ok(Err(e)) => commands!(
            ctx.daemon,
            info,
            id = "HTTP_CONNECTION_HANDSHAKE_FAILED",
            "TLS handshake with {peer} failed: {e}"
        ),
        Err(_) => commands!(
            ctx.daemon,
            info,
            id = "HTTP_CONNECTION_HANDSHAKE_FAILED",
            "TLS handshake with {peer} timed out"
        ),
    }
}

/// The parts of a request this server looks at.
struct Request {
    method: String,
    path: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    minor: u8,
    content_type: Option<String>,
    has_length: bool,
    keep_alive: bool,
    authorization: Option<Vec<u8>>,
    body: Vec<u8>,
}

/// Why no request could be read.
enum ReadError {
    /// The peer closed or the connection failed: nothing to answer.
    Closed,
    /// The bytes are not an acceptable HTTP/1.x request: 400.
    Bad,
}

/// An answer about to be written.
struct Reply {
    status: Status,
    minor: u8,
    content_type: &'static str,
    body: json::Wire,
    keep_alive: bool,
    challenge: Option<String>,
}

impl Reply {
    /// A refusal: the status and its reason phrase as a map, Kea's body for HTTP-level errors.
    fn refusal(status: Status, minor: u8, keep_alive: bool) -> Self {
        Self::refusal_saying(status, status.reason(), minor, keep_alive)
    }

    /// A refusal whose map gives `text` rather than the reason phrase.
    fn refusal_saying(status: Status, text: &str, minor: u8, keep_alive: bool) -> Self {
        let body = json::to_kea_bytes(&json!({"result": status.code(), "text": text})).into();
        Self {
            status,
            minor,
            content_type: JSON,
            body,
            keep_alive,
            challenge: None,
        }
    }
}

/// The statuses this server answers with.
#[derive(Debug, Clone, Copy)]
enum Status {
    Ok,
    BadRequest,
    Unauthorized,
    RequestTimeout,
    /// A refusal by the handler's access control.
    Refused(u16),
}

impl Status {
    fn code(self) -> u16 {
        match self {
            Self::Ok => 200,
            Self::BadRequest => 400,
            Self::Unauthorized => 401,
            Self::RequestTimeout => 408,
            Self::Refused(code) => code,
        }
    }

    fn reason(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::BadRequest => "Bad Request",
            Self::Unauthorized => "Unauthorized",
            Self::RequestTimeout => "Request Timeout",
            Self::Refused(401) => "Unauthorized",
            Self::Refused(403) => "Forbidden",
            Self::Refused(_) => "Refused",
        }
    }
}

/// Requests of one connection, one after another (persistent connections, CTL-022).
async fn serve<S>(mut io: S, peer: SocketAddr, settings: &HttpSettings, ctx: &Context)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut buf = Vec::new();
    loop {
        if buf.is_empty() {
            match tokio::time::timeout(IDLE_TIMEOUT, read_more(&mut io, &mut buf)).await {
                Ok(Ok(n)) if n > 0 => {}
                Ok(_) => return,
                Err(_) => {
                    commands!(
                        ctx.daemon,
                        debug,
                        "closing the idle control connection of {peer}"
                    );
                    return;
                }
            }
        }
        let deadline = Instant::now() + REQUEST_TIMEOUT;
        let reply = match tokio::time::timeout_at(deadline, read_request(&mut io, &mut buf)).await {
            Err(_) => Reply::refusal(Status::RequestTimeout, 1, false),
            Ok(Err(ReadError::Closed)) => return,
            Ok(Err(ReadError::Bad)) => Reply::refusal(Status::BadRequest, 1, false),
            Ok(Ok(request)) => respond(request, peer, settings, ctx).await,
        };
        if write_reply(&mut io, &reply).await.is_err() || !reply.keep_alive {
            let _ = io.shutdown().await;
            return;
        }
    }
}

/// Reads what is available into `buf`; 0 means the peer closed.
async fn read_more<S: AsyncRead + Unpin>(io: &mut S, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let start = buf.len();
    buf.resize(start + CHUNK, 0);
    let n = io.read(&mut buf[start..]).await;
    buf.truncate(start + *n.as_ref().unwrap_or(&0));
    n
}

/// One request head and body from `buf`, reading more as needed; what follows stays in `buf`.
async fn read_request<S>(io: &mut S, buf: &mut Vec<u8>) -> Result<Request, ReadError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (head_len, mut request, length, expect_continue) = loop {
        if let Some(head) = parse_head(buf)? {
            break head;
        }
        if buf.len() > MAX_HEAD {
            return Err(ReadError::Bad);
        }
        if read_more(io, buf).await.map_err(|_| ReadError::Closed)? == 0 {
            return Err(ReadError::Closed);
        }
    };
    let end = head_len.checked_add(length).ok_or(ReadError::Bad)?;
    if expect_continue && buf.len() < end {
        let interim = format!("HTTP/1.{} 100 Continue\r\n\r\n", request.minor);
        io.write_all(interim.as_bytes())
            .await
            .map_err(|_| ReadError::Closed)?;
        io.flush().await.map_err(|_| ReadError::Closed)?;
    }
    while buf.len() < end {
        if read_more(io, buf).await.map_err(|_| ReadError::Closed)? == 0 {
            return Err(ReadError::Closed);
        }
    }
    request.body = buf[head_len..end].to_vec();
    buf.drain(..end);
    Ok(request)
}

/// The head of the request at the start of `buf` once it is complete: its length, the request
/// (body still empty), the body length and whether the client waits for `100 Continue`.
fn parse_head(buf: &[u8]) -> Result<Option<(usize, Request, usize, bool)>, ReadError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let head_len = match parsed.parse(buf).map_err(|_| ReadError::Bad)? {
        httparse::Status::Complete(n) => n,
        httparse::Status::Partial => return Ok(None),
    };
    let minor = parsed.version.ok_or(ReadError::Bad)?;
    let headers: &[httparse::Header<'_>] = parsed.headers;
    // A body is delimited by Content-Length only; chunked bodies and conflicting lengths are
    // refused rather than guessed at.
    if values(headers, "transfer-encoding").next().is_some() {
        return Err(ReadError::Bad);
    }
    let mut lengths = values(headers, "content-length").map(|v| {
        std::str::from_utf8(v)
            .ok()
            .and_then(|s| s.trim().parse::<usize>().ok())
            .ok_or(ReadError::Bad)
    });
    let length = match lengths.next() {
        None => None,
        Some(first) => {
            let first = first?;
            if lengths.any(|other| !matches!(other, Ok(n) if n == first)) {
                return Err(ReadError::Bad);
            }
            Some(first)
        }
    };
    let keep_alive = if minor == 0 {
        has_token(headers, "connection", "keep-alive")
    } else {
        !has_token(headers, "connection", "close")
    };
    let request = Request {
        method: parsed.method.unwrap_or_default().to_string(),
        path: parsed.path.unwrap_or_default().to_string(),
        minor,
        content_type: values(headers, "content-type")
            .next()
            .map(|v| String::from_utf8_lossy(v).into_owned()),
        has_length: length.is_some(),
        keep_alive,
        authorization: values(headers, "authorization").next().map(<[u8]>::to_vec),
        body: Vec::new(),
    };
    let expect_continue = has_token(headers, "expect", "100-continue");
    Ok(Some((
        head_len,
        request,
        length.unwrap_or(0),
        expect_continue,
    )))
}

/// The values of every header line called `name`.
fn values<'h, 'b>(
    headers: &'h [httparse::Header<'b>],
    name: &'h str,
) -> impl Iterator<Item = &'b [u8]> + 'h {
    headers
        .iter()
        .filter(move |h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value)
}

/// Whether a comma-separated header such as `Connection` holds `token`.
fn has_token(headers: &[httparse::Header<'_>], name: &str, token: &str) -> bool {
    values(headers, name).any(|v| {
        String::from_utf8_lossy(v)
            .split(',')
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    })
}

/// `application/json`, parameters such as `; charset=utf-8` allowed (CTL-020).
fn is_json(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// The answer to one complete request (CTL-020, CTL-021, CTL-026, CTL-030).
async fn respond(
    request: Request,
    peer: SocketAddr,
    settings: &HttpSettings,
    ctx: &Context,
) -> Reply {
    let (minor, keep_alive) = (request.minor, request.keep_alive);
    let scrape = settings.metrics && request.method == "GET" && request.path == "/metrics";
    if !scrape
        && (request.method != "POST"
            || !request.has_length
            || !is_json(request.content_type.as_deref()))
    {
        return Reply::refusal(Status::BadRequest, minor, keep_alive);
    }
    let mut user = None;
    if let Some(basic) = &settings.auth {
        match basic.check(request.authorization.as_deref()) {
            Ok(name) => {
                auth!(
                    ctx.daemon,
                    info,
                    id = "HTTP_CLIENT_REQUEST_AUTHORIZED",
                    "received HTTP request authorized for '{name}' from {peer}"
                );
                user = Some(name);
            }
            Err(denied) => {
                auth!(
                    ctx.daemon,
                    info,
                    id = "HTTP_CLIENT_REQUEST_NOT_AUTHORIZED",
                    "received HTTP request from {peer} not authorized: {denied}"
                );
                let mut reply = Reply::refusal(Status::Unauthorized, minor, keep_alive);
                reply.challenge = Some(basic.challenge());
                return reply;
            }
        }
    }
    let seen = HttpRequest {
        method: &request.method,
        uri: &request.path,
        remote_address: peer.ip(),
        user,
        body: &request.body,
    };
    if let Some(refusal) = ctx.handler.authorize(&seen) {
        auth!(
            ctx.daemon,
            info,
            id = "HTTP_CLIENT_REQUEST_NOT_AUTHORIZED",
            "received HTTP request from {peer} refused ({}): {}",
            refusal.status,
            refusal.text
        );
        let status = Status::Refused(refusal.status);
        return Reply::refusal_saying(status, &refusal.text, minor, keep_alive);
    }
    if scrape {
        return Reply {
            status: Status::Ok,
            minor,
            content_type: PROMETHEUS,
            body: ctx
                .handler
                .metrics()
                .unwrap_or_default()
                .into_bytes()
                .into(),
            keep_alive,
            challenge: None,
        };
    }
    let responses = match parse_command(&request.body) {
        Ok(mut command) => {
            command.remote_address = Some(peer.ip().to_string());
            ctx.execute_list(command).await
        }
        Err(refusal) => vec![refusal],
    };
    Reply {
        status: Status::Ok,
        minor,
        content_type: JSON,
        body: json::responses_to_kea_wire(&responses),
        keep_alive,
        challenge: None,
    }
}

async fn write_reply<S: AsyncWrite + Unpin>(io: &mut S, reply: &Reply) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.{} {} {}\r\nContent-Length: {}\r\nContent-Type: {}\r\n",
        reply.minor,
        reply.status.code(),
        reply.status.reason(),
        reply.body.len(),
        reply.content_type
    );
    if let Some(challenge) = &reply.challenge {
        head.push_str(&format!("WWW-Authenticate: {challenge}\r\n"));
    }
    match (reply.keep_alive, reply.minor) {
        (false, 1) => head.push_str("Connection: close\r\n"),
        (true, 0) => head.push_str("Connection: keep-alive\r\n"),
        _ => {}
    }
    head.push_str("\r\n");
    io.write_all(head.as_bytes()).await?;
    for chunk in reply.body.writes() {
        io.write_all(chunk).await?;
    }
    io.flush().await
}
