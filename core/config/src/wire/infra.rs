//! Wire structs of the global service maps both servers share key for key:
//! databases, timers, threading, DDNS link, control sockets, hooks, loggers,
//! checks and configuration backends.

use serde::Deserialize;

use super::Map;
use crate::model::OnFail;

/// Database backend type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DbType {
    /// `memfile`.
    Memfile,
    /// `mysql`.
    Mysql,
    /// `postgresql`.
    Postgresql,
}

/// `lease-database`, `hosts-database(s)` and `config-databases` entries.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Database {
    /// `type` (mandatory, V4-082).
    #[serde(default, rename = "type")]
    pub type_: Option<DbType>,
    /// `user`.
    #[serde(default)]
    pub user: Option<String>,
    /// `password`.
    #[serde(default)]
    pub password: Option<String>,
    /// `host`.
    #[serde(default)]
    pub host: Option<String>,
    /// `port`.
    #[serde(default)]
    pub port: Option<u16>,
    /// `name`.
    #[serde(default)]
    pub name: Option<String>,
    /// `persist` (memfile).
    #[serde(default)]
    pub persist: Option<bool>,
    /// `lfc-interval` (memfile).
    #[serde(default)]
    pub lfc_interval: Option<u32>,
    /// `readonly` (host stores).
    #[serde(default)]
    pub readonly: Option<bool>,
    /// `connect-timeout`.
    #[serde(default)]
    pub connect_timeout: Option<u32>,
    /// `read-timeout` (MySQL).
    #[serde(default)]
    pub read_timeout: Option<u32>,
    /// `write-timeout` (MySQL).
    #[serde(default)]
    pub write_timeout: Option<u32>,
    /// `tcp-user-timeout` (PostgreSQL).
    #[serde(default)]
    pub tcp_user_timeout: Option<u32>,
    /// `max-reconnect-tries`.
    #[serde(default)]
    pub max_reconnect_tries: Option<u32>,
    /// `reconnect-wait-time` (ms).
    #[serde(default)]
    pub reconnect_wait_time: Option<u32>,
    /// `on-fail`.
    #[serde(default)]
    pub on_fail: Option<OnFail>,
    /// `retry-on-startup`.
    #[serde(default)]
    pub retry_on_startup: Option<bool>,
    /// `max-row-errors` (memfile).
    #[serde(default)]
    pub max_row_errors: Option<u32>,
    /// `trust-anchor`.
    #[serde(default)]
    pub trust_anchor: Option<String>,
    /// `cert-file`.
    #[serde(default)]
    pub cert_file: Option<String>,
    /// `key-file`.
    #[serde(default)]
    pub key_file: Option<String>,
    /// `cipher-list`.
    #[serde(default)]
    pub cipher_list: Option<String>,
}

/// `expired-leases-processing` (its grammar has no `user-context`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ExpiredLeasesProcessing {
    /// `reclaim-timer-wait-time` (s).
    #[serde(default)]
    pub reclaim_timer_wait_time: Option<u32>,
    /// `flush-reclaimed-timer-wait-time` (s).
    #[serde(default)]
    pub flush_reclaimed_timer_wait_time: Option<u32>,
    /// `hold-reclaimed-time` (s).
    #[serde(default)]
    pub hold_reclaimed_time: Option<u32>,
    /// `max-reclaim-leases`.
    #[serde(default)]
    pub max_reclaim_leases: Option<u32>,
    /// `max-reclaim-time` (ms).
    #[serde(default)]
    pub max_reclaim_time: Option<u32>,
    /// `unwarned-reclaim-cycles`.
    #[serde(default)]
    pub unwarned_reclaim_cycles: Option<u32>,
}

/// `multi-threading`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MultiThreading {
    /// `enable-multi-threading`.
    #[serde(default)]
    pub enable_multi_threading: Option<bool>,
    /// `thread-pool-size`.
    #[serde(default)]
    pub thread_pool_size: Option<u32>,
    /// `packet-queue-size`.
    #[serde(default)]
    pub packet_queue_size: Option<u32>,
    /// `user-context`.
    #[serde(default)]
    pub user_context: Option<Map>,
    /// `comment`.
    #[serde(default)]
    pub comment: Option<String>,
}

/// `ncr-protocol` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum NcrProtocol {
    /// `UDP`.
    #[serde(rename = "UDP")]
    Udp,
    /// `TCP` (in the grammar, refused by Kea at validation).
    #[serde(rename = "TCP")]
    Tcp,
}

/// `ncr-format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum NcrFormat {
    /// `JSON`.
    #[serde(rename = "JSON")]
    Json,
}

/// `dhcp-ddns`, with Kea 2.2's in-map DDNS behaviour keys (2.7.3 has only
/// their global forms; the model moves them there, as 2.2 does).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DhcpDdns {
    /// `enable-updates`.
    #[serde(default)]
    pub enable_updates: Option<bool>,
    /// `server-ip`.
    #[serde(default)]
    pub server_ip: Option<String>,
    /// `server-port`.
    #[serde(default)]
    pub server_port: Option<u16>,
    /// `sender-ip`.
    #[serde(default)]
    pub sender_ip: Option<String>,
    /// `sender-port`.
    #[serde(default)]
    pub sender_port: Option<u16>,
    /// `max-queue-size`.
    #[serde(default)]
    pub max_queue_size: Option<u32>,
    /// `ncr-protocol`.
    #[serde(default)]
    pub ncr_protocol: Option<NcrProtocol>,
    /// `ncr-format`.
    #[serde(default)]
    pub ncr_format: Option<NcrFormat>,
    /// `generated-prefix`: Kea 2.2 only, moved to global `ddns-generated-prefix`.
    #[serde(default)]
    pub generated_prefix: Option<String>,
    /// `qualifying-suffix`: Kea 2.2 only, moved to global `ddns-qualifying-suffix`.
    #[serde(default)]
    pub qualifying_suffix: Option<String>,
    /// `override-no-update`: Kea 2.2 only, moved to global `ddns-override-no-update`.
    #[serde(default)]
    pub override_no_update: Option<bool>,
    /// `override-client-update`: Kea 2.2 only, moved to global `ddns-override-client-update`.
    #[serde(default)]
    pub override_client_update: Option<bool>,
    /// `replace-client-name`: Kea 2.2 only, moved to global `ddns-replace-client-name`.
    #[serde(default)]
    pub replace_client_name: Option<crate::wire::ReplaceName>,
    /// `hostname-char-set`: Kea 2.2 only here, moved to the global key.
    #[serde(default)]
    pub hostname_char_set: Option<String>,
    /// `hostname-char-replacement`: Kea 2.2 only here, moved to the global key.
    #[serde(default)]
    pub hostname_char_replacement: Option<String>,
    /// `user-context`.
    #[serde(default)]
    pub user_context: Option<Map>,
    /// `comment`.
    #[serde(default)]
    pub comment: Option<String>,
}

/// `control-socket` / `control-sockets[]` `socket-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlSocketType {
    /// `unix`.
    Unix,
    /// `http`.
    Http,
    /// `https`.
    Https,
}

/// A control socket.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ControlSocket {
    /// `socket-type`.
    #[serde(default)]
    pub socket_type: Option<ControlSocketType>,
    /// `socket-name` (unix).
    #[serde(default)]
    pub socket_name: Option<String>,
    /// `socket-address` (http).
    #[serde(default)]
    pub socket_address: Option<String>,
    /// `socket-port` (http).
    #[serde(default)]
    pub socket_port: Option<u16>,
    /// `authentication`.
    #[serde(default)]
    pub authentication: Option<Authentication>,
    /// `trust-anchor`.
    #[serde(default)]
    pub trust_anchor: Option<String>,
    /// `cert-file`.
    #[serde(default)]
    pub cert_file: Option<String>,
    /// `key-file`.
    #[serde(default)]
    pub key_file: Option<String>,
    /// `cert-required`.
    #[serde(default)]
    pub cert_required: Option<bool>,
    /// `user-context`.
    #[serde(default)]
    pub user_context: Option<Map>,
    /// `comment`.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Authentication types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthType {
    /// `basic`.
    Basic,
}

/// `authentication` of an HTTP control socket.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Authentication {
    /// `type` (mandatory).
    #[serde(default, rename = "type")]
    pub type_: Option<AuthType>,
    /// `realm`.
    #[serde(default)]
    pub realm: Option<String>,
    /// `directory`.
    #[serde(default)]
    pub directory: Option<String>,
    /// `clients`.
    #[serde(default)]
    pub clients: Vec<AuthClient>,
    /// `user-context`.
    #[serde(default)]
    pub user_context: Option<Map>,
    /// `comment`.
    #[serde(default)]
    pub comment: Option<String>,
}

/// One basic-authentication client.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AuthClient {
    /// `user`.
    #[serde(default)]
    pub user: Option<String>,
    /// `user-file`.
    #[serde(default)]
    pub user_file: Option<String>,
    /// `password`.
    #[serde(default)]
    pub password: Option<String>,
    /// `password-file`.
    #[serde(default)]
    pub password_file: Option<String>,
    /// `user-context`.
    #[serde(default)]
    pub user_context: Option<Map>,
    /// `comment`.
    #[serde(default)]
    pub comment: Option<String>,
}

/// One `hooks-libraries` entry (its grammar has no `user-context`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HookLibrary {
    /// `library` (mandatory).
    #[serde(default)]
    pub library: Option<String>,
    /// `parameters` (open map).
    #[serde(default)]
    pub parameters: Option<Map>,
}

/// One `loggers` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Logger {
    /// `name` (mandatory).
    #[serde(default)]
    pub name: Option<String>,
    /// `output-options` (`output_options` before Kea 2.5.1, still accepted).
    #[serde(default, alias = "output_options")]
    pub output_options: Vec<LogOutput>,
    /// `debuglevel`.
    #[serde(default)]
    pub debuglevel: Option<u32>,
    /// `severity`.
    #[serde(default)]
    pub severity: Option<String>,
    /// `user-context`.
    #[serde(default)]
    pub user_context: Option<Map>,
    /// `comment`.
    #[serde(default)]
    pub comment: Option<String>,
}

/// One logger output.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LogOutput {
    /// `output` (mandatory).
    #[serde(default)]
    pub output: Option<String>,
    /// `flush`.
    #[serde(default)]
    pub flush: Option<bool>,
    /// `maxsize`.
    #[serde(default)]
    pub maxsize: Option<u64>,
    /// `maxver`.
    #[serde(default)]
    pub maxver: Option<u32>,
    /// `pattern`.
    #[serde(default)]
    pub pattern: Option<String>,
}

/// `sanity-checks`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SanityChecks {
    /// `lease-checks`.
    #[serde(default)]
    pub lease_checks: Option<String>,
    /// `extended-info-checks`.
    #[serde(default)]
    pub extended_info_checks: Option<String>,
}

/// `config-control`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigControl {
    /// `config-databases`.
    #[serde(default)]
    pub config_databases: Vec<Database>,
    /// `config-fetch-wait-time` (s).
    #[serde(default)]
    pub config_fetch_wait_time: Option<u32>,
}
