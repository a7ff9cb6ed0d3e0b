//! Kea's management-API transport: UNIX and HTTP/HTTPS control sockets, command framing, basic
//! authentication, TLS, and the clients that talk to them (used by `ruru-shell`, the control
//! agent and tests).
//!
//! This crate knows nothing of DHCP: a process hands it a [`Handler`] and its configured
//! `control-sockets`, and receives each command as a [`Command`] to answer with a [`Response`].
//! The handler decides how commands are serialized (CTL-015); connections never wait for one
//! another here.
//!
//! Logging goes to Kea's `<daemon>.commands` and `<daemon>.auth` loggers (`kea-dhcp4.commands`,
//! ...; the daemon is told by the default realm given to [`ControlSockets::new`]), with a Kea
//! message id in the `id` field (`COMMAND_RECEIVED`, `COMMAND_ACCEPTOR_START`,
//! `HTTP_CLIENT_REQUEST_AUTHORIZED`, ...).

mod auth;
pub mod client;
mod command;
mod error;
mod frame;
mod http;
mod json;
mod log;
mod sockets;
mod tls;
mod unix;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;

pub use command::{parse_command, Command, Response};
pub use error::{ControlError, OpenError};
pub use sockets::ControlSockets;

/// What the server plugs in: answers one command. Called once per command, on the tokio runtime
/// that opened the sockets; the transport serializes nothing itself.
pub trait Handler: Send + Sync + 'static {
    /// Answers `command`.
    fn handle(&self, command: Command) -> Pin<Box<dyn Future<Output = Response> + Send + 'static>>;
}

/// What every connection needs from its socket set.
pub(crate) struct Context {
    /// The process's command handler.
    pub(crate) handler: Arc<dyn Handler>,
    /// Whose loggers to write to.
    pub(crate) daemon: log::Daemon,
}

impl Context {
    /// Logs and runs one command. A handler that panics yields result 1, never a dropped
    /// connection or a dead process (CTL-118).
    pub(crate) async fn execute(&self, command: Command) -> Response {
        log::commands!(
            self.daemon,
            info,
            id = "COMMAND_RECEIVED",
            "Received command '{}'",
            command.name
        );
        let name = command.name.clone();
        let failed = || {
            Response::error(format!(
                "error during command processing: the handler of '{name}' failed"
            ))
        };
        let Ok(future) =
            std::panic::catch_unwind(AssertUnwindSafe(|| self.handler.handle(command)))
        else {
            return failed();
        };
        // Its own task, so that a panic inside the future is caught as a join error.
        match tokio::spawn(future).await {
            Ok(response) => response,
            Err(_) => failed(),
        }
    }
}
