//! The management API as an operator's scripts reach it: a UNIX control socket written to and read
//! until the server closes it (what `socat UNIX:… -,ignoreeof` does), and HTTP through `curl` run
//! inside the server's namespace. Written against the wire, not Ruru's types, so the same calls work
//! against Kea.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::error::{HarnessError, Result};
use crate::netns::Netns;
use crate::process::{require_tool, run_ok, ADMIN_TIMEOUT};

/// Bound on one command's round trip (a configuration change restarts the packet service).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends `command` over the UNIX socket at `path` and returns the response map.
pub fn unix(path: &Path, command: &Value) -> Result<Value> {
    let raw = unix_raw(path, command.to_string().as_bytes())?;
    serde_json::from_slice(&raw).map_err(|e| HarnessError::Output {
        what: "control response",
        reason: format!("not JSON ({e}): {}", String::from_utf8_lossy(&raw)),
    })
}

/// Sends raw bytes over the UNIX socket at `path`; returns everything read until the server closes.
pub fn unix_raw(path: &Path, bytes: &[u8]) -> Result<Vec<u8>> {
    let io = |e| HarnessError::io(format!("control socket {}", path.display()), e);
    let mut s = UnixStream::connect(path).map_err(io)?;
    s.set_read_timeout(Some(COMMAND_TIMEOUT)).map_err(io)?;
    s.write_all(bytes).map_err(io)?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).map_err(io)?;
    Ok(out)
}

/// What `curl` got back: the HTTP status, the headers and the body (JSON when it parses).
#[derive(Debug, Clone)]
pub struct HttpReply {
    /// HTTP status code.
    pub status: u16,
    /// Raw response headers.
    pub headers: String,
    /// The body as JSON (`Null` when it is not JSON).
    pub body: Value,
}

/// Runs `curl -s -i <extra…> <url>` inside `ns` and splits its answer.
pub fn curl(ns: &Netns, url: &str, extra: &[&str]) -> Result<HttpReply> {
    require_tool("curl")?;
    let mut cmd = ns.command("curl");
    cmd.args(["-s", "-i", "--max-time", "8"])
        .args(extra)
        .arg(url);
    let out = run_ok(&mut cmd, ADMIN_TIMEOUT)?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (headers, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| HarnessError::Output {
            what: "curl",
            reason: format!("no HTTP answer: {text:?}"),
        })?;
    let status = headers
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| HarnessError::Output {
            what: "curl",
            reason: format!("no HTTP status in {headers:?}"),
        })?;
    Ok(HttpReply {
        status,
        headers: headers.to_owned(),
        body: serde_json::from_str(body).unwrap_or(Value::Null),
    })
}

/// POSTs `command` as `application/json` to `url` with curl inside `ns`.
pub fn http(ns: &Netns, url: &str, command: &Value, extra: &[&str]) -> Result<HttpReply> {
    let body = command.to_string();
    let mut args = vec![
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "-d",
        &body,
    ];
    args.extend_from_slice(extra);
    curl(ns, url, &args)
}
