//! The validated, immutable runtime model of a `Dhcp4` configuration.
//!
//! Everything here is already checked and has scope inheritance resolved
//! (subnet → shared network → global → built-in default, V4-003), so the
//! engine reads plain values and never re-validates. Features the server has
//! not built yet are still recorded here so the server can refuse or warn.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use ruru_proto::defs::{OptionDef, OptionDefs};

/// A JSON object kept verbatim (user contexts, plugin parameters).
pub type Map = serde_json::Map<String, serde_json::Value>;

/// The whole DHCPv4 server configuration.
#[derive(Debug, Clone)]
pub struct Dhcp4Config {
    /// The `Dhcp4` map as read (includes expanded, `comment` folded), for `config-get`.
    pub raw: serde_json::Value,
    /// `interfaces-config`.
    pub interfaces: InterfacesConfig,
    /// All subnets in config order: plain ones and shared-network members.
    pub subnets: Vec<Subnet4>,
    /// Shared networks; their members are indexes into `subnets`.
    pub shared_networks: Vec<SharedNetwork4>,
    /// Global reservations (`Dhcp4.reservations`).
    pub global_reservations: Vec<Host4>,
    /// Identifier types looked up for reservations, in order (V4-090).
    pub host_reservation_identifiers: Vec<HostIdType>,
    /// Global `option-data`.
    pub options: OptionSet,
    /// Standard definitions plus the global `option-def` entries.
    pub option_defs: OptionDefs,
    /// `client-classes` in config order.
    pub client_classes: Vec<ClientClass>,
    /// `decline-probation-period` in seconds.
    pub decline_probation_period: u32,
    /// `echo-client-id` (V4-042).
    pub echo_client_id: bool,
    /// `parked-packet-limit` (V4-177).
    pub parked_packet_limit: u32,
    /// `early-global-reservations-lookup` (V4-095).
    pub early_global_reservations_lookup: bool,
    /// `reservations-lookup-first` (V4-097).
    pub reservations_lookup_first: bool,
    /// `ip-reservations-unique` (V4-089).
    pub ip_reservations_unique: bool,
    /// `stash-agent-options` (V4-155).
    pub stash_agent_options: bool,
    /// `lease-database`.
    pub lease_database: LeaseDatabase,
    /// `hosts-database` followed by `hosts-databases`, in order.
    pub hosts_databases: Vec<SqlDatabase>,
    /// `expired-leases-processing`.
    pub expired_leases: ExpiredLeasesProcessing,
    /// `multi-threading`.
    pub multi_threading: MultiThreading,
    /// `dhcp-queue-control` as written (its keys are open to plugins).
    pub dhcp_queue_control: Option<serde_json::Value>,
    /// `dhcp-ddns` (the connection to the DDNS daemon).
    pub dhcp_ddns: DhcpDdns,
    /// `sanity-checks`.
    pub sanity_checks: SanityChecks,
    /// `compatibility`.
    pub compatibility: Compatibility,
    /// `hooks-libraries` in load order.
    pub hooks_libraries: Vec<HookLibrary>,
    /// `control-socket` and `control-sockets`, in that order.
    pub control_sockets: Vec<ControlSocket>,
    /// `loggers`.
    pub loggers: Vec<Logger>,
    /// `server-tag`.
    pub server_tag: Option<String>,
    /// `statistic-default-sample-count`.
    pub statistic_default_sample_count: u32,
    /// `statistic-default-sample-age`.
    pub statistic_default_sample_age: u32,
    /// `dhcp4o6-port` (0 = off, V4-179).
    pub dhcp4o6_port: u16,
    /// `config-control` as written (configuration backends, not built yet).
    pub config_control: Option<serde_json::Value>,
    /// Global `user-context` (with `comment` folded in).
    pub user_context: Option<Map>,
    /// Tolerated oddities, with positions: trailing commas, and Kea 2.2 forms
    /// accepted with the meaning 2.2 gives them (subnets without `id`, relay
    /// `ip-address`, DDNS keys in `dhcp-ddns`, option names and spaces).
    pub warnings: Vec<String>,
}

/// `interfaces-config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfacesConfig {
    /// Interfaces to listen on.
    pub interfaces: Vec<InterfaceSpec>,
    /// `dhcp-socket-type`.
    pub socket_type: SocketType,
    /// `outbound-interface`.
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

/// One entry of `interfaces-config.interfaces` (V4-009).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterfaceSpec {
    /// `"*"`: every interface.
    All,
    /// A bare interface name: all its addresses.
    Name(String),
    /// `"eth0/10.0.0.1"`: only that address of that interface.
    Address(String, Ipv4Addr),
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

/// A subnet with every inheritable value resolved.
#[derive(Debug, Clone)]
pub struct Subnet4 {
    /// `id` (1..4294967294, unique).
    pub id: u32,
    /// Prefix address as written (may be non-canonical, V4-005).
    pub prefix: Ipv4Addr,
    /// Prefix length.
    pub prefix_len: u8,
    /// The `subnet` text as written.
    pub text: String,
    /// Index into `Dhcp4Config::shared_networks` when a member.
    pub shared_network: Option<usize>,
    /// Pools in config order.
    pub pools: Vec<Pool4>,
    /// `relay.ip-addresses`: the subnet's own, else its network's.
    pub relay_addresses: Vec<Ipv4Addr>,
    /// `interface`: the subnet's, else its network's.
    pub interface: Option<String>,
    /// `client-class`: the subnet's, else its network's.
    pub client_class: Option<String>,
    /// `require-client-classes` of this subnet only (the network's are in
    /// `SharedNetwork4`, since they are evaluated separately, V4-130).
    pub require_client_classes: Vec<String>,
    /// Reservations of this subnet.
    pub reservations: Vec<Host4>,
    /// This subnet's own `option-data` (network and global are separate levels, V4-107).
    pub options: OptionSet,
    /// Effective lifetime triplet.
    pub valid_lifetime: Triplet,
    /// Effective `renew-timer`.
    pub renew_timer: Option<u32>,
    /// Effective `rebind-timer`.
    pub rebind_timer: Option<u32>,
    /// Effective `calculate-tee-times`.
    pub calculate_tee_times: bool,
    /// Effective `t1-percent`.
    pub t1_percent: f64,
    /// Effective `t2-percent`.
    pub t2_percent: f64,
    /// Effective `match-client-id`.
    pub match_client_id: bool,
    /// Effective `authoritative`.
    pub authoritative: bool,
    /// Effective `reservations-global`.
    pub reservations_global: bool,
    /// Effective `reservations-in-subnet`.
    pub reservations_in_subnet: bool,
    /// Effective `reservations-out-of-pool`.
    pub reservations_out_of_pool: bool,
    /// Effective `cache-threshold`.
    pub cache_threshold: Option<f64>,
    /// Effective `cache-max-age`.
    pub cache_max_age: Option<u32>,
    /// Effective `allocator`.
    pub allocator: AllocatorKind,
    /// Effective `offer-lifetime`.
    pub offer_lifetime: u32,
    /// Effective `next-server` (`0.0.0.0` = none).
    pub next_server: Ipv4Addr,
    /// Effective `server-hostname`.
    pub server_hostname: String,
    /// Effective `boot-file-name`.
    pub boot_file_name: String,
    /// Effective `store-extended-info`.
    pub store_extended_info: bool,
    /// Effective DDNS behaviour.
    pub ddns: DdnsParams,
    /// `4o6-interface`.
    pub dhcp4o6_interface: Option<String>,
    /// `4o6-interface-id`.
    pub dhcp4o6_interface_id: Option<String>,
    /// `4o6-subnet` (IPv6 prefix and length).
    pub dhcp4o6_subnet: Option<(std::net::Ipv6Addr, u8)>,
    /// `user-context` (with `comment` folded in).
    pub user_context: Option<Map>,
}

impl Subnet4 {
    /// The netmask of the prefix.
    pub fn netmask(&self) -> Ipv4Addr {
        Ipv4Addr::from(prefix_mask(self.prefix_len))
    }

    /// Whether `addr` lies in this subnet's prefix.
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        let mask = prefix_mask(self.prefix_len);
        u32::from(addr) & mask == u32::from(self.prefix) & mask
    }
}

/// The 32-bit mask of a prefix length (0..=32; larger lengths saturate).
pub(crate) fn prefix_mask(len: u8) -> u32 {
    match len {
        0 => 0,
        l if l >= 32 => u32::MAX,
        l => u32::MAX << (32 - u32::from(l)),
    }
}

/// An address pool inside a subnet.
#[derive(Debug, Clone)]
pub struct Pool4 {
    /// First address (inclusive).
    pub start: Ipv4Addr,
    /// Last address (inclusive).
    pub end: Ipv4Addr,
    /// `pool-id` (default 0, not unique, V4-053).
    pub pool_id: u32,
    /// `client-class`.
    pub client_class: Option<String>,
    /// `require-client-classes`.
    pub require_client_classes: Vec<String>,
    /// Pool `option-data`.
    pub options: OptionSet,
    /// `user-context`.
    pub user_context: Option<Map>,
}

impl Pool4 {
    /// Whether `addr` is inside the pool.
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        self.start <= addr && addr <= self.end
    }

    /// Number of addresses in the pool.
    pub fn size(&self) -> u64 {
        u64::from(u32::from(self.end)) - u64::from(u32::from(self.start)) + 1
    }
}

/// A shared network (V4-099).
#[derive(Debug, Clone)]
pub struct SharedNetwork4 {
    /// `name` (unique).
    pub name: String,
    /// Members: indexes into `Dhcp4Config::subnets`, in config order.
    pub subnets: Vec<usize>,
    /// Network-level `option-data`.
    pub options: OptionSet,
    /// Network-level `require-client-classes`.
    pub require_client_classes: Vec<String>,
    /// `user-context`.
    pub user_context: Option<Map>,
}

/// A host reservation (V4-088).
#[derive(Debug, Clone, PartialEq)]
pub struct Host4 {
    /// Which identifier the reservation uses.
    pub id_type: HostIdType,
    /// The identifier bytes.
    pub id: Vec<u8>,
    /// `ip-address`.
    pub ip_address: Option<Ipv4Addr>,
    /// `hostname`.
    pub hostname: Option<String>,
    /// `option-data`.
    pub options: OptionSet,
    /// `client-classes`.
    pub client_classes: Vec<String>,
    /// `next-server`.
    pub next_server: Option<Ipv4Addr>,
    /// `server-hostname`.
    pub server_hostname: Option<String>,
    /// `boot-file-name`.
    pub boot_file_name: Option<String>,
    /// `user-context`.
    pub user_context: Option<Map>,
}

/// Host identifier types (`host-reservation-identifiers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostIdType {
    /// `hw-address`: chaddr.
    HwAddress,
    /// `duid`: an RFC 4361 DUID in option 61.
    Duid,
    /// `circuit-id`: RAI sub-option 1.
    CircuitId,
    /// `client-id`: option 61.
    ClientId,
    /// `flex-id`: computed by a plugin.
    FlexId,
}

impl HostIdType {
    /// Kea's name of the identifier type.
    pub fn as_str(self) -> &'static str {
        match self {
            HostIdType::HwAddress => "hw-address",
            HostIdType::Duid => "duid",
            HostIdType::CircuitId => "circuit-id",
            HostIdType::ClientId => "client-id",
            HostIdType::FlexId => "flex-id",
        }
    }
}

/// Options configured at one scope, in config order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OptionSet {
    /// The options.
    pub items: Vec<ConfiguredOption>,
}

impl OptionSet {
    /// The first option with `code` in space `dhcp4`.
    pub fn get(&self, code: u16) -> Option<&ConfiguredOption> {
        self.get_in("dhcp4", code)
    }

    /// The first option with `code` in `space`.
    pub fn get_in(&self, space: &str, code: u16) -> Option<&ConfiguredOption> {
        self.items
            .iter()
            .find(|o| o.code == code && o.space == space)
    }

    /// Whether no option is configured.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// One `option-data` entry, encoded.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfiguredOption {
    /// Option code.
    pub code: u16,
    /// Option space (`dhcp4` for top-level options).
    pub space: String,
    /// Wire payload (without code and length); sub-options of an
    /// encapsulated space configured at the same scope are appended (V4-118).
    pub data: Vec<u8>,
    /// `always-send`.
    pub always_send: bool,
    /// `never-send`.
    pub never_send: bool,
    /// `user-context`.
    pub user_context: Option<Map>,
}

/// A client class definition (V4-127).
#[derive(Debug, Clone)]
pub struct ClientClass {
    /// `name`.
    pub name: String,
    /// `test` expression text (compiled by the engine).
    pub test: Option<String>,
    /// `template-test` expression text.
    pub template_test: Option<String>,
    /// `only-if-required`.
    pub only_if_required: bool,
    /// Class `option-data`.
    pub options: OptionSet,
    /// `next-server`.
    pub next_server: Option<Ipv4Addr>,
    /// `server-hostname`.
    pub server_hostname: Option<String>,
    /// `boot-file-name`.
    pub boot_file_name: Option<String>,
    /// Lifetime triplet if the class sets any of the three keys.
    pub valid_lifetime: Option<Triplet>,
    /// `offer-lifetime`.
    pub offer_lifetime: Option<u32>,
    /// Class `option-def` (codes 43 and 224-254 only, V4-121).
    pub option_defs: Vec<OptionDef>,
    /// `user-context`.
    pub user_context: Option<Map>,
}

/// A lifetime with its bounds (V4-062).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Triplet {
    /// Lower bound for a client's request.
    pub min: u32,
    /// Value when the client asks for nothing.
    pub default: u32,
    /// Upper bound for a client's request.
    pub max: u32,
}

impl Triplet {
    /// The lifetime to grant when a client asks for `requested` (V4-062).
    pub fn clamp(&self, requested: Option<u32>) -> u32 {
        match requested {
            None => self.default,
            Some(r) => r.clamp(self.min, self.max),
        }
    }
}

/// `allocator` (V4-055).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocatorKind {
    /// `iterative`.
    Iterative,
    /// `random`.
    Random,
    /// `flq`: free lease queue.
    Flq,
}

/// In-server DDNS behaviour at a subnet (V4-143..V4-151).
#[derive(Debug, Clone, PartialEq)]
pub struct DdnsParams {
    /// `ddns-send-updates`.
    pub send_updates: bool,
    /// `ddns-override-no-update`.
    pub override_no_update: bool,
    /// `ddns-override-client-update`.
    pub override_client_update: bool,
    /// `ddns-replace-client-name`.
    pub replace_client_name: ReplaceClientName,
    /// `ddns-generated-prefix`.
    pub generated_prefix: String,
    /// `ddns-qualifying-suffix`.
    pub qualifying_suffix: String,
    /// `ddns-update-on-renew`.
    pub update_on_renew: bool,
    /// `ddns-conflict-resolution-mode` (or legacy `ddns-use-conflict-resolution`).
    pub conflict_resolution_mode: ConflictResolutionMode,
    /// `ddns-ttl-percent`.
    pub ttl_percent: Option<f64>,
    /// `hostname-char-set` (regex of invalid characters; empty = no scrubbing).
    pub hostname_char_set: String,
    /// `hostname-char-replacement`.
    pub hostname_char_replacement: String,
}

/// `ddns-replace-client-name` (V4-144).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReplaceClientName {
    /// `never`.
    Never,
    /// `always`.
    Always,
    /// `when-present`.
    WhenPresent,
    /// `when-not-present`.
    WhenNotPresent,
}

/// `ddns-conflict-resolution-mode` (V4-151).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConflictResolutionMode {
    /// `check-with-dhcid`.
    CheckWithDhcid,
    /// `no-check-with-dhcid`.
    NoCheckWithDhcid,
    /// `check-exists-with-dhcid`.
    CheckExistsWithDhcid,
    /// `no-check-without-dhcid`.
    NoCheckWithoutDhcid,
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
    /// MySQL (not built yet).
    Mysql(SqlDatabase),
    /// PostgreSQL (not built yet).
    Postgresql(SqlDatabase),
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

/// `compatibility` flags (V4-178).
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
    /// `socket-address` (default `127.0.0.1`).
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
    /// `trust-anchor`.
    pub trust_anchor: Option<PathBuf>,
    /// `cert-file`.
    pub cert_file: PathBuf,
    /// `key-file`.
    pub key_file: PathBuf,
    /// `cert-required` (default true).
    pub cert_required: bool,
}

/// One entry of `loggers`.
#[derive(Debug, Clone, PartialEq)]
pub struct Logger {
    /// Logger name (e.g. `kea-dhcp4`, `kea-dhcp4.eval`).
    pub name: String,
    /// `severity`.
    pub severity: Severity,
    /// `debuglevel` (0..=99).
    pub debuglevel: u8,
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
