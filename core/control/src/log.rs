//! Which Kea loggers this crate writes to.
//!
//! Kea logs channel events under `<daemon>.commands` and authentication under `<daemon>.auth`
//! (CTL-018, CTL-026), and the server maps `loggers` entries to tracing targets by name. Tracing
//! targets must be compile-time strings, so each daemon's targets are spelt out here and picked
//! at run time. The daemon is recognised from the default realm the process passes to
//! [`ControlSockets::new`](crate::ControlSockets::new): Kea's default realms name the daemon.

/// The daemon whose loggers receive this crate's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Daemon {
    /// `kea-dhcp4`.
    Dhcp4,
    /// `kea-dhcp6`.
    Dhcp6,
    /// `kea-dhcp-ddns`.
    Ddns,
    /// `kea-ctrl-agent`.
    Agent,
    /// A realm that names no Kea daemon: targets `ruru.commands` and `ruru.auth`.
    Other,
}

impl Daemon {
    /// The daemon whose default realm is `realm` (CTL-024).
    pub(crate) fn from_default_realm(realm: &str) -> Self {
        match realm {
            "kea-dhcpv4-server" => Self::Dhcp4,
            "kea-dhcpv6-server" => Self::Dhcp6,
            "kea-dhcp-ddns-server" => Self::Ddns,
            "kea-control-agent" => Self::Agent,
            _ => Self::Other,
        }
    }
}

/// `tracing::<level>!` on `<daemon>.commands`.
macro_rules! commands {
    ($daemon:expr, $level:ident, $($arg:tt)+) => {
        match $daemon {
            $crate::log::Daemon::Dhcp4 => tracing::$level!(target: "kea-dhcp4.commands", $($arg)+),
            $crate::log::Daemon::Dhcp6 => tracing::$level!(target: "kea-dhcp6.commands", $($arg)+),
            $crate::log::Daemon::Ddns => tracing::$level!(target: "kea-dhcp-ddns.commands", $($arg)+),
            $crate::log::Daemon::Agent => tracing::$level!(target: "kea-ctrl-agent.commands", $($arg)+),
            $crate::log::Daemon::Other => tracing::$level!(target: "ruru.commands", $($arg)+),
        }
    };
}

/// `tracing::<level>!` on `<daemon>.auth`.
macro_rules! auth {
    ($daemon:expr, $level:ident, $($arg:tt)+) => {
        match $daemon {
            $crate::log::Daemon::Dhcp4 => tracing::$level!(target: "kea-dhcp4.auth", $($arg)+),
            $crate::log::Daemon::Dhcp6 => tracing::$level!(target: "kea-dhcp6.auth", $($arg)+),
            $crate::log::Daemon::Ddns => tracing::$level!(target: "kea-dhcp-ddns.auth", $($arg)+),
            $crate::log::Daemon::Agent => tracing::$level!(target: "kea-ctrl-agent.auth", $($arg)+),
            $crate::log::Daemon::Other => tracing::$level!(target: "ruru.auth", $($arg)+),
        }
    };
}

pub(crate) use {auth, commands};
