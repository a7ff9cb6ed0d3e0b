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
pub mod pidfile;
mod sockets;
mod tls;
mod unix;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;

pub use command::{parse_command, Arguments, Command, Response};
pub use error::{ControlError, OpenError};
pub use json::{config_hash, response_to_kea_bytes, response_to_kea_wire, Wire};
pub use sockets::ControlSockets;

/// What the server plugs in: answers one command. Called once per command, on the tokio runtime
/// that opened the sockets; the transport serializes nothing itself.
pub trait Handler: Send + Sync + 'static {
    /// Answers `command` (UNIX sockets send this one map).
    fn handle(&self, command: Command) -> Pin<Box<dyn Future<Output = Response> + Send + 'static>>;

    /// Answers `command` with the list an HTTP reply body holds (CTL-020). A server answers
    /// itself, so by default the list is [`Handler::handle`]'s one response; the control agent
    /// overrides this to answer once per service it forwards to (CTL-032).
    fn handle_list(
        &self,
        command: Command,
    ) -> Pin<Box<dyn Future<Output = Vec<Response>> + Send + 'static>> {
        let one = self.handle(command);
        Box::pin(async move { vec![one.await] })
    }

    /// Access control beyond basic authentication (the agent's `auth` plugins, CTL-036): a
    /// refusal for an HTTP request that passed basic authentication, or `None` to serve it.
    fn authorize(&self, _request: &HttpRequest<'_>) -> Option<Refusal> {
        None
    }

    /// The statistics in Prometheus' text format, served as `GET /metrics` on HTTP sockets whose
    /// `user-context` holds `"prometheus-metrics": true`; `None` when this process has none.
    fn metrics(&self) -> Option<String> {
        None
    }
}

/// An HTTP request as [`Handler::authorize`] sees it.
#[derive(Debug, Clone, Copy)]
pub struct HttpRequest<'a> {
    /// `POST`, or `GET` for `/metrics`.
    pub method: &'a str,
    /// The request target.
    pub uri: &'a str,
    /// The peer's address.
    pub remote_address: std::net::IpAddr,
    /// The user basic authentication admitted, when it is configured.
    pub user: Option<&'a str>,
    /// The body (the command).
    pub body: &'a [u8],
}

/// An HTTP request refused by [`Handler::authorize`]: the status (401, 403, ...) and the text of
/// the `{"result": status, "text": ..}` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: u16,
    /// Why.
    pub text: String,
}

/// What every connection needs from its socket set.
pub(crate) struct Context {
    /// The process's command handler.
    pub(crate) handler: Arc<dyn Handler>,
    /// Whose loggers to write to.
    pub(crate) daemon: log::Daemon,
}

impl Context {
    /// Logs and runs one command for a single-map reply.
    pub(crate) async fn execute(&self, command: Command) -> Response {
        self.run(command, |h, c| h.handle(c), |r| r).await
    }

    /// Logs and runs one command for a list reply (HTTP).
    pub(crate) async fn execute_list(&self, command: Command) -> Vec<Response> {
        self.run(command, |h, c| h.handle_list(c), |r| vec![r])
            .await
    }

    /// Logs `command` and runs it through `call`. A handler that panics yields result 1 (as
    /// `failed` shapes it), never a dropped connection or a dead process (CTL-118).
    async fn run<T: Send + 'static>(
        &self,
        command: Command,
        call: impl FnOnce(&dyn Handler, Command) -> Pin<Box<dyn Future<Output = T> + Send>>,
        failed: impl FnOnce(Response) -> T,
    ) -> T {
        log::commands!(
            self.daemon,
            info,
            id = "COMMAND_RECEIVED",
            "Received command '{}'",
            command.name
        );
        let failure = Response::error(format!(
            "error during command processing: the handler of '{}' failed",
            command.name
        ));
        let Ok(future) =
            std::panic::catch_unwind(AssertUnwindSafe(|| call(self.handler.as_ref(), command)))
        else {
            return failed(failure);
        };
        // Its own task, so that a panic inside the future is caught as a join error.
        match tokio::spawn(future).await {
            Ok(answer) => answer,
            Err(_) => failed(failure),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers `handle` with result 0 and `handle_list` with one response per service; the
    /// command `panic` panics inside the list future.
    struct PerService;

    impl Handler for PerService {
        fn handle(&self, command: Command) -> Pin<Box<dyn Future<Output = Response> + Send>> {
            Box::pin(async move { Response::ok(command.name) })
        }

        fn handle_list(
            &self,
            command: Command,
        ) -> Pin<Box<dyn Future<Output = Vec<Response>> + Send>> {
            Box::pin(async move {
                assert_ne!(command.name, "panic", "asked to panic");
                let services = command.service.unwrap_or_default();
                services.into_iter().map(Response::error).collect()
            })
        }
    }

    /// Answers `handle` only, as a server does.
    struct Single;

    impl Handler for Single {
        fn handle(&self, command: Command) -> Pin<Box<dyn Future<Output = Response> + Send>> {
            Box::pin(async move { Response::ok(command.name) })
        }
    }

    fn context(handler: Arc<dyn Handler>) -> Context {
        Context {
            handler,
            daemon: log::Daemon::Other,
        }
    }

    fn command(name: &str, service: &[&str]) -> Command {
        Command {
            name: name.into(),
            arguments: None,
            service: Some(service.iter().map(|s| s.to_string()).collect()),
            remote_address: None,
        }
    }

    #[tokio::test]
    async fn ctl020_a_server_answers_a_one_element_list() {
        let ctx = context(Arc::new(Single));
        let list = ctx.execute_list(command("x", &["dhcp4", "dhcp6"])).await;
        assert_eq!(list, vec![Response::ok("x")]);
    }

    #[tokio::test]
    async fn ctl032_a_list_handler_answers_one_element_per_service_in_order() {
        let ctx = context(Arc::new(PerService));
        let list = ctx.execute_list(command("x", &["dhcp6", "dhcp4"])).await;
        assert_eq!(
            list,
            vec![Response::error("dhcp6"), Response::error("dhcp4")]
        );
        assert_eq!(ctx.execute(command("y", &[])).await, Response::ok("y"));
    }

    #[tokio::test]
    async fn ctl118_a_panicking_list_handler_yields_one_result_1() {
        let ctx = context(Arc::new(PerService));
        let list = ctx.execute_list(command("panic", &["dhcp4"])).await;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].result, 1);
    }
}
