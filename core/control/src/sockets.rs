//! The control sockets of one process, kept in step with its configuration (CTL-017, CTL-029).

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use ruru_config::ControlSocket;

use crate::http::{HttpListener, HttpSettings};
use crate::unix::UnixSocket;
use crate::{log, Context, ControlError, Handler, OpenError};

/// The set of control sockets of one process. `reconcile` is called at start and at every
/// reconfiguration; dropping the set closes everything, as [`ControlSockets::close`] does.
pub struct ControlSockets {
    ctx: Arc<Context>,
    unix: HashMap<PathBuf, UnixSocket>,
    http: HashMap<SocketAddr, HttpListener>,
}

impl ControlSockets {
    /// No socket yet. `default_realm` is Kea's default realm of the daemon
    /// (`kea-dhcpv4-server`, ...): it names the daemon whose `commands` and `auth` loggers
    /// receive this crate's messages (`kea-dhcp4.commands`, ...). The realm announced to clients
    /// is the configured one, which `ruru-config` already defaults.
    pub fn new(handler: Arc<dyn Handler>, default_realm: &'static str) -> Self {
        Self {
            ctx: Arc::new(Context {
                handler,
                daemon: log::Daemon::from_default_realm(default_realm),
            }),
            unix: HashMap::new(),
            http: HashMap::new(),
        }
    }

    /// Opens what is new, keeps what is unchanged (same UNIX path; same HTTP address and port,
    /// whose certificates and credentials are re-read and apply to new connections), and closes
    /// what was removed. All or nothing: if any socket cannot be opened, nothing changes and
    /// the error names the socket and the reason (CTL-029). Must be called inside a tokio
    /// runtime; connections are served on it.
    pub fn reconcile(&mut self, sockets: &[ControlSocket]) -> Result<(), ControlError> {
        let mut new_unix = HashMap::new();
        let mut kept_unix = HashSet::new();
        let mut new_http = HashMap::new();
        let mut kept_http = HashMap::new();
        for socket in sockets {
            match socket {
                ControlSocket::Unix { path, .. } => {
                    let fail = |reason| ControlError::Open {
                        socket: format!("unix {}", path.display()),
                        reason,
                    };
                    if kept_unix.contains(path) || new_unix.contains_key(path) {
                        return Err(fail(OpenError::Duplicate));
                    }
                    if self.unix.contains_key(path) {
                        kept_unix.insert(path.clone());
                    } else {
                        new_unix.insert(path.clone(), UnixSocket::open(path).map_err(fail)?);
                    }
                }
                ControlSocket::Http(cfg) => {
                    let addr = SocketAddr::new(cfg.address, cfg.port);
                    let scheme = if cfg.https { "https" } else { "http" };
                    let fail = |reason| ControlError::Open {
                        socket: format!("{scheme} {addr}"),
                        reason,
                    };
                    if kept_http.contains_key(&addr) || new_http.contains_key(&addr) {
                        return Err(fail(OpenError::Duplicate));
                    }
                    let settings = HttpSettings::load(cfg, &self.ctx).map_err(fail)?;
                    if self.http.contains_key(&addr) {
                        kept_http.insert(addr, settings);
                    } else {
                        new_http.insert(addr, HttpListener::bind(addr, settings).map_err(fail)?);
                    }
                }
            }
        }
        // Everything is open: from here on nothing can fail.
        self.unix.retain(|path, _| kept_unix.contains(path));
        for (path, mut socket) in new_unix {
            socket.start(self.ctx.clone());
            self.unix.insert(path, socket);
        }
        self.http.retain(|addr, _| kept_http.contains_key(addr));
        for (addr, settings) in kept_http {
            if let Some(listener) = self.http.get(&addr) {
                listener.replace_settings(settings);
            }
        }
        for (addr, mut listener) in new_http {
            listener.start(self.ctx.clone());
            self.http.insert(addr, listener);
        }
        Ok(())
    }

    /// Closes every socket and removes the UNIX socket and lock files (CTL-016). Connections
    /// already accepted finish their command.
    pub fn close(&mut self) {
        self.unix.clear();
        self.http.clear();
    }
}
