//! The global service maps both servers share: interfaces, databases,
//! reclamation, threading, the DDNS link, checks, plugins, control sockets
//! and loggers.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use super::Map;

/// `interfaces-config`, with `A` the family's address type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfacesConfig<A = Ipv4Addr> {
    /// Interfaces to listen on.
    pub interfaces: Vec<InterfaceSpec<A>>,
    /// `dhcp-socket-type`; DHCPv6 has no such key and always uses UDP (V6-013).
    pub socket_type: SocketType,
    /// `outbound-interface`; DHCPv6 has no such key and always answers over
    /// the interface the query came in on (V6-013).
    pub outbound: OutboundInterface,
    /// `re-detect`.
    pub re_detect: bool,
    /// `service-sockets-require-all`.
    pub service_sockets_require_all: bool,
    /// `service-sockets-max-retries`.
    pub service_sockets_max_retries: u32,
    /// `service-sockets-retry-wait-time` in milliseconds.
    pub service_sockets_retry_wait_time_ms: u64,
    /// `user-context`.
    pub user_context: Option<Map>,
}

/// One entry of `interfaces-config.interfaces` (V4-009, V6-010, V6-012).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterfaceSpec<A = Ipv4Addr> {
    /// `"*"`: every interface.
    All,
    /// A bare interface name: all its addresses (DHCPv4), its link-local
    /// address (DHCPv6).
    Name(String),
    /// `"eth0/10.0.0.1"`: only that address of that interface (DHCPv4);
    /// `"eth0/2001:db8::1"`: that unicast address besides the link-local one (DHCPv6).
    Address(String, A),
}

/// `dhcp-socket-type` (V4-010).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SocketType {
    /// `raw`: packet sockets that reach clients without an address.
    Raw,
    /// `udp`: ordinary UDP sockets.
    Udp,
}

/// `outbound-interface` (V4-011).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutboundInterface {
    /// `same-as-inbound`.
    SameAsInbound,
    /// `use-routing`.
    UseRouting,
}

/// `lease-database`.
#[derive(Debug, Clone, PartialEq)]
pub enum LeaseDatabase {
    /// The in-memory store with its CSV file.
    Memfile {
        /// `persist`.
        persist: bool,
        /// `name` (None = the built-in default path).
        name: Option<PathBuf>,
        /// `lfc-interval` in seconds (0 = never).
        lfc_interval: u32,
        /// `max-row-errors` (0 = unlimited).
        max_row_errors: u32,
    },
    /// MySQL or MariaDB.
    Mysql(SqlDatabase),
    /// PostgreSQL.
    Postgresql(SqlDatabase),
}

impl LeaseDatabase {
    /// The connection parameters of a SQL backend; `None` for memfile.
    pub fn sql(&self) -> Option<&SqlDatabase> {
        match self {
            LeaseDatabase::Memfile { .. } => None,
            LeaseDatabase::Mysql(db) | LeaseDatabase::Postgresql(db) => Some(db),
        }
    }
}

/// SQL backend kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlKind {
    /// `mysql`.
    Mysql,
    /// `postgresql`.
    Postgresql,
}

/// Connection parameters of a SQL lease or host store (V4-086).
#[derive(Debug, Clone, PartialEq)]
pub struct SqlDatabase {
    /// Backend kind.
    pub kind: SqlKind,
    /// `name` (database name).
    pub name: String,
    /// `host`.
    pub host: Option<String>,
    /// `port`.
    pub port: Option<u16>,
    /// `user`.
    pub user: Option<String>,
    /// `password`.
    pub password: Option<String>,
    /// `connect-timeout` in seconds.
    pub connect_timeout: u32,
    /// `read-timeout` in seconds (MySQL only).
    pub read_timeout: Option<u32>,
    /// `write-timeout` in seconds (MySQL only).
    pub write_timeout: Option<u32>,
    /// `tcp-user-timeout` in seconds (PostgreSQL only).
    pub tcp_user_timeout: Option<u32>,
    /// `max-reconnect-tries`.
    pub max_reconnect_tries: u32,
    /// `reconnect-wait-time` in milliseconds.
    pub reconnect_wait_time_ms: u32,
    /// `on-fail`.
    pub on_fail: OnFail,
    /// `retry-on-startup`.
    pub retry_on_startup: bool,
    /// `readonly` (host stores).
    pub readonly: bool,
    /// `trust-anchor`.
    pub trust_anchor: Option<String>,
    /// `cert-file`.
    pub cert_file: Option<String>,
    /// `key-file`.
    pub key_file: Option<String>,
    /// `cipher-list`.
    pub cipher_list: Option<String>,
}

impl SqlDatabase {
    /// Database `name` of `kind` with every other key at Kea's default (local host, default port,
    /// no credentials, 5 s connect timeout, no reconnection, `stop-retry-exit`).
    pub fn new(kind: SqlKind, name: impl Into<String>) -> SqlDatabase {
        SqlDatabase {
            kind,
            name: name.into(),
            host: None,
            port: None,
            user: None,
            password: None,
            connect_timeout: 5,
            read_timeout: None,
            write_timeout: None,
            tcp_user_timeout: None,
            max_reconnect_tries: 0,
            reconnect_wait_time_ms: 0,
            on_fail: OnFail::StopRetryExit,
            retry_on_startup: false,
            readonly: false,
            trust_anchor: None,
            cert_file: None,
            key_file: None,
            cipher_list: None,
        }
    }
}

/// `on-fail` policy of a SQL backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnFail {
    /// `stop-retry-exit`.
    StopRetryExit,
    /// `serve-retry-exit`.
    ServeRetryExit,
    /// `serve-retry-continue`.
    ServeRetryContinue,
}

/// `expired-leases-processing` (V4-079, V4-080).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiredLeasesProcessing {
    /// `reclaim-timer-wait-time` in seconds.
    pub reclaim_timer_wait_time: u32,
    /// `flush-reclaimed-timer-wait-time` in seconds.
    pub flush_reclaimed_timer_wait_time: u32,
    /// `hold-reclaimed-time` in seconds.
    pub hold_reclaimed_time: u32,
    /// `max-reclaim-leases`.
    pub max_reclaim_leases: u32,
    /// `max-reclaim-time` in milliseconds.
    pub max_reclaim_time: u32,
    /// `unwarned-reclaim-cycles`.
    pub unwarned_reclaim_cycles: u32,
}

/// `multi-threading` (V4-174).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MultiThreading {
    /// `enable-multi-threading`.
    pub enable: bool,
    /// `thread-pool-size` (0 = auto).
    pub thread_pool_size: u32,
    /// `packet-queue-size` (0 = unlimited).
    pub packet_queue_size: u32,
}

impl MultiThreading {
    /// How many received datagrams `dhcp-queue-control` keeps when it is in force: `enable-queue`
    /// set and multi-threading off (Kea ignores the queue under multi-threading; V4-176, V6-194).
    /// `capacity` defaults to 64.
    pub fn receive_queue_capacity(
        &self,
        queue_control: Option<&serde_json::Value>,
    ) -> Option<usize> {
        let q = queue_control?;
        if self.enable || q.get("enable-queue").and_then(serde_json::Value::as_bool) != Some(true) {
            return None;
        }
        let capacity = q
            .get("capacity")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(64);
        Some(usize::try_from(capacity).unwrap_or(usize::MAX))
    }
}

/// `dhcp-ddns`: the link to the DDNS daemon (V4-152).
#[derive(Debug, Clone, PartialEq)]
pub struct DhcpDdns {
    /// `enable-updates`.
    pub enable_updates: bool,
    /// `server-ip`.
    pub server_ip: IpAddr,
    /// `server-port`.
    pub server_port: u16,
    /// `sender-ip` (None = any).
    pub sender_ip: Option<IpAddr>,
    /// `sender-port`.
    pub sender_port: u16,
    /// `max-queue-size`.
    pub max_queue_size: u32,
    /// `ncr-protocol` (only `UDP`).
    pub ncr_protocol: String,
    /// `ncr-format` (only `JSON`).
    pub ncr_format: String,
    /// `user-context`.
    pub user_context: Option<Map>,
}

/// `sanity-checks` (V4-156, V4-157).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SanityChecks {
    /// `lease-checks`.
    pub lease_checks: LeaseChecks,
    /// `extended-info-checks`.
    pub extended_info_checks: ExtendedInfoChecks,
}

/// `sanity-checks.lease-checks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseChecks {
    /// `none`.
    None,
    /// `warn`.
    Warn,
    /// `fix`.
    Fix,
    /// `fix-del`.
    FixDel,
    /// `del`.
    Del,
}

/// `sanity-checks.extended-info-checks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtendedInfoChecks {
    /// `none`.
    None,
    /// `fix`.
    Fix,
    /// `strict`.
    Strict,
    /// `pedantic`.
    Pedantic,
}

/// `compatibility` flags (V4-178, V6-196); DHCPv6 has only
/// `lenient-option-parsing`, the others are false there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Compatibility {
    /// `lenient-option-parsing`.
    pub lenient_option_parsing: bool,
    /// `ignore-dhcp-server-identifier`.
    pub ignore_dhcp_server_identifier: bool,
    /// `ignore-rai-link-selection`.
    pub ignore_rai_link_selection: bool,
    /// `exclude-first-last-24`.
    pub exclude_first_last_24: bool,
}

/// One `hooks-libraries` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct HookLibrary {
    /// `library` path.
    pub library: PathBuf,
    /// `parameters`, as written.
    pub parameters: Option<serde_json::Value>,
}

/// A control channel.
#[derive(Debug, Clone, PartialEq)]
pub enum ControlSocket {
    /// A UNIX stream socket.
    Unix {
        /// `socket-name`.
        path: PathBuf,
        /// `user-context`.
        user_context: Option<Map>,
    },
    /// HTTP or HTTPS.
    Http(HttpControlSocket),
}

/// An `http`/`https` control socket.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpControlSocket {
    /// True for `https`.
    pub https: bool,
    /// `socket-address` (default `127.0.0.1`, `::1` for DHCPv6).
    pub address: IpAddr,
    /// `socket-port` (default 8000).
    pub port: u16,
    /// `authentication`.
    pub auth: Option<HttpAuth>,
    /// TLS settings (`trust-anchor`, `cert-file`, `key-file`, `cert-required`).
    pub tls: Option<TlsConfig>,
    /// `user-context`.
    pub user_context: Option<Map>,
}

/// HTTP basic authentication of a control socket.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpAuth {
    /// `realm`.
    pub realm: String,
    /// `directory` for `user-file`/`password-file`.
    pub directory: Option<PathBuf>,
    /// `clients`.
    pub clients: Vec<HttpClient>,
}

/// One client of basic authentication.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpClient {
    /// `user`.
    pub user: Option<String>,
    /// `user-file`.
    pub user_file: Option<PathBuf>,
    /// `password`.
    pub password: Option<String>,
    /// `password-file`.
    pub password_file: Option<PathBuf>,
    /// `user-context`.
    pub user_context: Option<Map>,
}

/// TLS parameters of an HTTPS control socket.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsConfig {
    /// `trust-anchor`: the CA file or directory client certificates are verified with.
    pub trust_anchor: PathBuf,
    /// `cert-file`.
    pub cert_file: PathBuf,
    /// `key-file`.
    pub key_file: PathBuf,
    /// `cert-required` (default true).
    pub cert_required: bool,
}

/// Why the TLS keys of a control socket (or of the agent) make no TLS setup (CTL-027).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsSetupError {
    /// `socket-type` `https` without any of the three files.
    #[error("no TLS setup for a HTTPS control socket")]
    HttpsWithoutTls,
    /// One or two of the three files given, this one not.
    #[error("{0} parameter is missing or empty: all or none of TLS parameters must be set")]
    Missing(&'static str),
}

impl TlsSetupError {
    /// The key the error is about.
    pub fn key(&self) -> &'static str {
        match self {
            Self::HttpsWithoutTls => "socket-type",
            Self::Missing(key) => key,
        }
    }
}

impl TlsConfig {
    /// The TLS setup the keys describe, as Kea reads them: `trust-anchor`, `cert-file` and
    /// `key-file` all or none, an empty string counting as absent (CTL-027); `https` needs them;
    /// with all three, TLS is on whatever the socket type, `http` included (CTL-028).
    pub fn from_keys(
        trust_anchor: Option<&str>,
        cert_file: Option<&str>,
        key_file: Option<&str>,
        cert_required: Option<bool>,
        https: bool,
    ) -> Result<Option<TlsConfig>, TlsSetupError> {
        let given = |v: Option<&str>| v.filter(|v| !v.is_empty()).map(PathBuf::from);
        match (given(trust_anchor), given(cert_file), given(key_file)) {
            (None, None, None) if https => Err(TlsSetupError::HttpsWithoutTls),
            (None, None, None) => Ok(None),
            (Some(trust_anchor), Some(cert_file), Some(key_file)) => Ok(Some(TlsConfig {
                trust_anchor,
                cert_file,
                key_file,
                cert_required: cert_required.unwrap_or(true),
            })),
            (None, _, _) => Err(TlsSetupError::Missing("trust-anchor")),
            (_, None, _) => Err(TlsSetupError::Missing("cert-file")),
            (_, _, None) => Err(TlsSetupError::Missing("key-file")),
        }
    }
}

/// One entry of `loggers`.
#[derive(Debug, Clone, PartialEq)]
pub struct Logger {
    /// Logger name (e.g. `kea-dhcp4`, `kea-dhcp6.eval`).
    pub name: String,
    /// `severity`; `None` when the entry leaves it out, so the logger keeps its parent's (CTL-101).
    pub severity: Option<Severity>,
    /// `debuglevel` (0..=99); `None` when left out: inherited with an inherited severity, 0 with
    /// an own DEBUG (CTL-101).
    pub debuglevel: Option<u8>,
    /// `output-options` (or 2.2's `output_options`).
    pub outputs: Vec<LogOutput>,
    /// `user-context`.
    pub user_context: Option<Map>,
}

/// Log severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// `DEBUG`.
    Debug,
    /// `INFO`.
    Info,
    /// `WARN`.
    Warn,
    /// `ERROR`.
    Error,
    /// `FATAL`.
    Fatal,
    /// `NONE`: nothing logged.
    None,
}

/// One output of a logger.
#[derive(Debug, Clone, PartialEq)]
pub struct LogOutput {
    /// `stdout`, `stderr`, `syslog`, `syslog:name` or a file path.
    pub output: String,
    /// `flush` (default true).
    pub flush: bool,
    /// `maxsize` in bytes (file only; 0 = no rotation).
    pub maxsize: u64,
    /// `maxver` (file only).
    pub maxver: u32,
    /// `pattern` (None = the default layout).
    pub pattern: Option<String>,
}
