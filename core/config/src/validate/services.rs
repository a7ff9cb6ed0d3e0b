//! Global service maps of both servers: interfaces, databases, reclamation,
//! threading, the DDNS link, control sockets, hooks, loggers, checks
//! (V4-009..V4-014, V4-079, V4-082, V4-086, V4-087, V4-152, V4-156, V4-157,
//! V4-174; V6-009, V6-010, V6-012, V6-015, V6-100, V6-105..V6-107, V6-176,
//! V6-192).

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use super::ctx::{index, join, Ctx};
use super::fold_comment;
use crate::addr::IpAddress;
use crate::model::*;
use crate::wire::{self, AuthType, ControlSocketType, DbType, NcrProtocol};
use crate::ConfigError;

/// `interfaces-config` (defaults §25); `socket_type` and `outbound` are the
/// DHCPv4-only keys' values, fixed for DHCPv6 (V6-013).
pub(crate) fn interfaces<A: IpAddress>(
    ctx: &Ctx,
    w: wire::InterfacesView,
    socket_type: SocketType,
    outbound: OutboundInterface,
) -> Result<InterfacesConfig<A>, ConfigError> {
    let path = ctx.path("interfaces-config");
    let path = path.as_str();
    let interfaces = w
        .interfaces
        .iter()
        .map(|i| match i.as_str() {
            "*" => Ok(InterfaceSpec::All),
            s => match s.split_once('/') {
                None if !s.is_empty() => Ok(InterfaceSpec::Name(s.to_string())),
                Some((name, addr)) if !name.is_empty() => addr
                    .parse()
                    .map(|a| InterfaceSpec::Address(name.to_string(), a))
                    .map_err(|_| ctx.invalid(path, format!("invalid interface address in '{s}'"))),
                _ => Err(ctx.invalid(path, format!("invalid interface name '{s}'"))),
            },
        })
        .collect::<Result<_, _>>()?;
    Ok(InterfacesConfig {
        interfaces,
        socket_type,
        outbound,
        re_detect: w.re_detect.unwrap_or(true),
        service_sockets_require_all: w.service_sockets_require_all.unwrap_or(false),
        service_sockets_max_retries: w.service_sockets_max_retries.unwrap_or(0),
        service_sockets_retry_wait_time_ms: u64::from(
            w.service_sockets_retry_wait_time.unwrap_or(5000),
        ),
        user_context: fold_comment(w.user_context.clone(), w.comment.clone()),
    })
}

/// A SQL database map; backend-specific keys are refused on the other backend (V4-086).
fn sql(
    ctx: &Ctx,
    path: &str,
    w: &wire::Database,
    kind: SqlKind,
) -> Result<SqlDatabase, ConfigError> {
    let misplaced = match kind {
        SqlKind::Mysql => w
            .tcp_user_timeout
            .map(|_| "tcp-user-timeout is PostgreSQL-only"),
        SqlKind::Postgresql => (w.read_timeout.or(w.write_timeout))
            .map(|_| "read-timeout and write-timeout are MySQL-only"),
    };
    if let Some(msg) = misplaced {
        return Err(ctx.invalid(path, msg));
    }
    for (key, set) in [
        ("persist", w.persist.is_some()),
        ("lfc-interval", w.lfc_interval.is_some()),
    ] {
        if set {
            return Err(ctx.invalid(
                path,
                format!("'{key}' is a memfile parameter, not valid for a SQL database"),
            ));
        }
    }
    if w.connect_timeout == Some(0) {
        return Err(ctx.invalid(path, "'connect-timeout' must be greater than 0"));
    }
    Ok(SqlDatabase {
        kind,
        name: w
            .name
            .clone()
            .ok_or_else(|| ctx.invalid(path, "a SQL database needs a 'name'"))?,
        host: w.host.clone(),
        port: w.port,
        user: w.user.clone(),
        password: w.password.clone(),
        connect_timeout: w.connect_timeout.unwrap_or(5),
        read_timeout: w.read_timeout,
        write_timeout: w.write_timeout,
        tcp_user_timeout: w.tcp_user_timeout,
        max_reconnect_tries: w.max_reconnect_tries.unwrap_or(0),
        reconnect_wait_time_ms: w.reconnect_wait_time.unwrap_or(0),
        on_fail: w.on_fail.unwrap_or(OnFail::StopRetryExit),
        retry_on_startup: w.retry_on_startup.unwrap_or(false),
        readonly: w.readonly.unwrap_or(false),
        trust_anchor: w.trust_anchor.clone(),
        cert_file: w.cert_file.clone(),
        key_file: w.key_file.clone(),
        cipher_list: w.cipher_list.clone(),
    })
}

fn db_type(ctx: &Ctx, path: &str, w: &wire::Database) -> Result<DbType, ConfigError> {
    // V4-082: `type` is mandatory in a database map.
    w.type_.ok_or_else(|| {
        ctx.invalid(
            path,
            "database 'type' is mandatory (memfile, mysql or postgresql)",
        )
    })
}

/// `lease-database` (default: persistent memfile).
pub(crate) fn lease_database(
    ctx: &Ctx,
    w: Option<&wire::Database>,
) -> Result<LeaseDatabase, ConfigError> {
    let path = ctx.path("lease-database");
    let path = path.as_str();
    let Some(w) = w else {
        return Ok(LeaseDatabase::Memfile {
            persist: true,
            name: None,
            lfc_interval: 3600,
            max_row_errors: 0,
        });
    };
    match db_type(ctx, path, w)? {
        DbType::Memfile => {
            let sql_only = [
                ("read-timeout", w.read_timeout.is_some()),
                ("write-timeout", w.write_timeout.is_some()),
                ("tcp-user-timeout", w.tcp_user_timeout.is_some()),
            ];
            if let Some((key, _)) = sql_only.iter().find(|(_, set)| *set) {
                return Err(ctx.invalid(path, format!("'{key}' is not a memfile parameter")));
            }
            Ok(LeaseDatabase::Memfile {
                persist: w.persist.unwrap_or(true),
                name: w.name.as_ref().map(PathBuf::from),
                lfc_interval: w.lfc_interval.unwrap_or(3600),
                max_row_errors: w.max_row_errors.unwrap_or(0),
            })
        }
        _ if w.readonly.is_some() => Err(ctx.invalid(
            path,
            "'readonly' applies to hosts databases, not to the lease database",
        )),
        DbType::Mysql => sql(ctx, path, w, SqlKind::Mysql).map(LeaseDatabase::Mysql),
        DbType::Postgresql => sql(ctx, path, w, SqlKind::Postgresql).map(LeaseDatabase::Postgresql),
    }
}

/// `hosts-database` then `hosts-databases` (SQL only, V4-087).
pub(crate) fn hosts_databases(
    ctx: &Ctx,
    single: Option<&wire::Database>,
    list: &[wire::Database],
) -> Result<Vec<SqlDatabase>, ConfigError> {
    let single = single.map(|w| (ctx.path("hosts-database"), w));
    let many = list
        .iter()
        .enumerate()
        .map(|(i, w)| (ctx.index("hosts-databases", i), w));
    single
        .into_iter()
        .chain(many)
        .map(|(path, w)| match db_type(ctx, &path, w)? {
            DbType::Memfile => Err(ctx.invalid(
                &path,
                "hosts databases are mysql or postgresql, not memfile",
            )),
            DbType::Mysql => sql(ctx, &path, w, SqlKind::Mysql),
            DbType::Postgresql => sql(ctx, &path, w, SqlKind::Postgresql),
        })
        .collect()
}

/// `expired-leases-processing` with §25 defaults.
pub(crate) fn expired_leases(w: Option<&wire::ExpiredLeasesProcessing>) -> ExpiredLeasesProcessing {
    let d = wire::ExpiredLeasesProcessing::default();
    let w = w.unwrap_or(&d);
    ExpiredLeasesProcessing {
        reclaim_timer_wait_time: w.reclaim_timer_wait_time.unwrap_or(10),
        flush_reclaimed_timer_wait_time: w.flush_reclaimed_timer_wait_time.unwrap_or(25),
        hold_reclaimed_time: w.hold_reclaimed_time.unwrap_or(3600),
        max_reclaim_leases: w.max_reclaim_leases.unwrap_or(100),
        max_reclaim_time: w.max_reclaim_time.unwrap_or(250),
        unwarned_reclaim_cycles: w.unwarned_reclaim_cycles.unwrap_or(5),
    }
}

/// `multi-threading` with §25 defaults.
pub(crate) fn multi_threading(w: Option<&wire::MultiThreading>) -> MultiThreading {
    MultiThreading {
        enable: w.and_then(|w| w.enable_multi_threading).unwrap_or(true),
        thread_pool_size: w.and_then(|w| w.thread_pool_size).unwrap_or(0),
        packet_queue_size: w.and_then(|w| w.packet_queue_size).unwrap_or(64),
    }
}

/// `dhcp-queue-control`: open map, but the three known keys are typed (V4-176).
pub(crate) fn queue_control(
    ctx: &Ctx,
    w: Option<&wire::Map>,
) -> Result<Option<serde_json::Value>, ConfigError> {
    let Some(m) = w else { return Ok(None) };
    let path = ctx.path("dhcp-queue-control");
    type Check = fn(&serde_json::Value) -> bool;
    let typed: [(&str, Check, &str); 3] = [
        ("enable-queue", |v| v.is_boolean(), "a boolean"),
        ("queue-type", |v| v.is_string(), "a string"),
        (
            "capacity",
            |v| v.as_u64().is_some_and(|c| c <= u64::from(u32::MAX)),
            "a non-negative integer",
        ),
    ];
    for (key, ok, what) in typed {
        if m.get(key).is_some_and(|v| !ok(v)) {
            return Err(ctx.invalid(&join(&path, key), format!("'{key}' must be {what}")));
        }
    }
    Ok(Some(serde_json::Value::Object(m.clone())))
}

/// `dhcp-ddns` with §25 defaults; only UDP/JSON (V4-152).
pub(crate) fn dhcp_ddns(ctx: &Ctx, w: Option<&wire::DhcpDdns>) -> Result<DhcpDdns, ConfigError> {
    let path = ctx.path("dhcp-ddns");
    let path = path.as_str();
    let d = wire::DhcpDdns::default();
    let w = w.unwrap_or(&d);
    if w.ncr_protocol == Some(NcrProtocol::Tcp) {
        return Err(ctx.invalid(path, "ncr-protocol TCP is not supported, only UDP"));
    }
    let ip = |key: &str, v: &str| -> Result<IpAddr, ConfigError> {
        v.parse()
            .map_err(|_| ctx.invalid(&join(path, key), format!("invalid {key} '{v}'")))
    };
    Ok(DhcpDdns {
        enable_updates: w.enable_updates.unwrap_or(false),
        server_ip: match &w.server_ip {
            Some(s) => ip("server-ip", s)?,
            None => IpAddr::V4(Ipv4Addr::LOCALHOST),
        },
        server_port: w.server_port.unwrap_or(53001),
        sender_ip: match w.sender_ip.as_deref() {
            None | Some("") => None,
            Some(s) => Some(ip("sender-ip", s)?),
        },
        sender_port: w.sender_port.unwrap_or(0),
        max_queue_size: w.max_queue_size.unwrap_or(1024),
        ncr_protocol: "UDP".into(),
        ncr_format: "JSON".into(),
        user_context: fold_comment(w.user_context.clone(), w.comment.clone()),
    })
}

/// `sanity-checks` (V4-156, V4-157).
pub(crate) fn sanity_checks(
    ctx: &Ctx,
    w: Option<&wire::SanityChecks>,
) -> Result<SanityChecks, ConfigError> {
    let path = ctx.path("sanity-checks");
    let path = path.as_str();
    let lease_checks = match w.and_then(|w| w.lease_checks.as_deref()) {
        None | Some("warn") => LeaseChecks::Warn,
        Some("none") => LeaseChecks::None,
        Some("fix") => LeaseChecks::Fix,
        Some("fix-del") => LeaseChecks::FixDel,
        Some("del") => LeaseChecks::Del,
        Some(o) => {
            return Err(ctx.invalid(
                path,
                format!("lease-checks '{o}' is not one of none, warn, fix, fix-del, del"),
            ))
        }
    };
    let extended_info_checks = match w.and_then(|w| w.extended_info_checks.as_deref()) {
        None | Some("fix") => ExtendedInfoChecks::Fix,
        Some("none") => ExtendedInfoChecks::None,
        Some("strict") => ExtendedInfoChecks::Strict,
        Some("pedantic") => ExtendedInfoChecks::Pedantic,
        Some(o) => {
            return Err(ctx.invalid(
                path,
                format!("extended-info-checks '{o}' is not one of none, fix, strict, pedantic"),
            ))
        }
    };
    Ok(SanityChecks {
        lease_checks,
        extended_info_checks,
    })
}

/// `hooks-libraries`: `library` is mandatory and, trimmed of surrounding blanks and quotes as Kea
/// trims it, not empty (HK-002); the file is not opened here.
pub(crate) fn hooks(
    ctx: &Ctx,
    list: &[wire::HookLibrary],
) -> Result<Vec<HookLibrary>, ConfigError> {
    list.iter()
        .enumerate()
        .map(|(i, h)| {
            let path = ctx.index("hooks-libraries", i);
            let library = h
                .library
                .as_deref()
                .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '\''))
                .filter(|l| !l.is_empty())
                .ok_or_else(|| ctx.invalid(&path, "hooks library needs a 'library' path"))?;
            Ok(HookLibrary {
                library: PathBuf::from(library),
                parameters: h.parameters.clone().map(serde_json::Value::Object),
            })
        })
        .collect()
}

/// `control-socket` then `control-sockets` (V4-008, V6-009).
pub(crate) fn control_sockets(
    ctx: &Ctx,
    single: Option<&wire::ControlSocket>,
    list: &[wire::ControlSocket],
) -> Result<Vec<ControlSocket>, ConfigError> {
    let single = single.map(|w| (ctx.path("control-socket"), w));
    let many = list
        .iter()
        .enumerate()
        .map(|(i, w)| (ctx.index("control-sockets", i), w));
    single
        .into_iter()
        .chain(many)
        .map(|(path, w)| control_socket(ctx, &path, w))
        .collect()
}

fn control_socket(
    ctx: &Ctx,
    path: &str,
    w: &wire::ControlSocket,
) -> Result<ControlSocket, ConfigError> {
    let user_context = fold_comment(w.user_context.clone(), w.comment.clone());
    let kind = w.socket_type.ok_or_else(|| {
        ctx.invalid(
            path,
            "control socket needs a 'socket-type' (unix, http or https)",
        )
    })?;
    if kind == ControlSocketType::Unix {
        let name = w
            .socket_name
            .as_deref()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| ctx.invalid(path, "a unix control socket needs a 'socket-name'"))?;
        return Ok(ControlSocket::Unix {
            path: PathBuf::from(name),
            user_context,
        });
    }
    let https = kind == ControlSocketType::Https;
    let tls = TlsConfig::from_keys(
        w.trust_anchor.as_deref(),
        w.cert_file.as_deref(),
        w.key_file.as_deref(),
        w.cert_required,
        https,
    )
    .map_err(|e| ctx.invalid(path, e.to_string()))?;
    let address = match w.socket_address.as_deref() {
        None => ctx.profile().control_address,
        Some(a) => a
            .parse()
            .map_err(|_| ctx.invalid(path, format!("invalid socket-address '{a}'")))?,
    };
    Ok(ControlSocket::Http(HttpControlSocket {
        https,
        address,
        port: w.socket_port.unwrap_or(8000),
        auth: w
            .authentication
            .as_ref()
            .map(|a| auth(ctx, &join(path, "authentication"), a))
            .transpose()?,
        tls,
        user_context,
    }))
}

fn auth(ctx: &Ctx, path: &str, a: &wire::Authentication) -> Result<HttpAuth, ConfigError> {
    match a.type_ {
        Some(AuthType::Basic) => {}
        None => return Err(ctx.invalid(path, "authentication 'type' is mandatory (basic)")),
    }
    let clients = a
        .clients
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if let Some(u) = &c.user {
                if u.is_empty() || u.contains(':') {
                    return Err(ctx.invalid(
                        &index(path, "clients", i),
                        "user must not be empty nor contain ':'",
                    ));
                }
            }
            Ok(HttpClient {
                user: c.user.clone(),
                user_file: c.user_file.as_ref().map(PathBuf::from),
                password: c.password.clone(),
                password_file: c.password_file.as_ref().map(PathBuf::from),
                user_context: fold_comment(c.user_context.clone(), c.comment.clone()),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(HttpAuth {
        realm: a
            .realm
            .clone()
            .unwrap_or_else(|| ctx.profile().realm.into()),
        directory: a.directory.as_ref().map(PathBuf::from),
        clients,
    })
}

/// `loggers` (ARM §19: debuglevel 0..99, output defaults). An absent severity stays absent: the
/// logger inherits it (CTL-101).
pub(crate) fn loggers(ctx: &Ctx, list: &[wire::Logger]) -> Result<Vec<Logger>, ConfigError> {
    list.iter()
        .enumerate()
        .map(|(i, l)| {
            let path = ctx.index("loggers", i);
            let name = l
                .name
                .clone()
                .ok_or_else(|| ctx.invalid(&path, "logger needs a 'name'"))?;
            let severity = match l
                .severity
                .as_deref()
                .map(str::to_ascii_uppercase)
                .as_deref()
            {
                None => None,
                Some("INFO") => Some(Severity::Info),
                Some("DEBUG") => Some(Severity::Debug),
                Some("WARN") => Some(Severity::Warn),
                Some("ERROR") => Some(Severity::Error),
                Some("FATAL") => Some(Severity::Fatal),
                Some("NONE") => Some(Severity::None),
                Some(_) => {
                    return Err(ctx.invalid(
                        &path,
                        format!(
                        "logger '{name}': severity must be FATAL, ERROR, WARN, INFO, DEBUG or NONE"
                    ),
                    ))
                }
            };
            let debuglevel = match l.debuglevel {
                None => None,
                Some(d @ 0..=99) => Some(d as u8),
                Some(d) => {
                    return Err(ctx.invalid(
                        &path,
                        format!("logger '{name}': debuglevel {d} is not in 0..99"),
                    ))
                }
            };
            let outputs = l
                .output_options
                .iter()
                .enumerate()
                .map(|(j, o)| {
                    Ok(LogOutput {
                        output: o.output.clone().ok_or_else(|| {
                            ctx.invalid(
                                &index(&path, "output-options", j),
                                "output entry needs an 'output'",
                            )
                        })?,
                        flush: o.flush.unwrap_or(true),
                        maxsize: o.maxsize.unwrap_or(10_240_000),
                        maxver: o.maxver.unwrap_or(1),
                        pattern: o.pattern.clone().filter(|p| !p.is_empty()),
                    })
                })
                .collect::<Result<_, ConfigError>>()?;
            Ok(Logger {
                name,
                severity,
                debuglevel,
                outputs,
                user_context: fold_comment(l.user_context.clone(), l.comment.clone()),
            })
        })
        .collect()
}
