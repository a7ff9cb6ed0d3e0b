//! Forwarding a command to the servers named in its `service` list (CTL-032, CTL-033).
//!
//! Each service is asked in list order over its UNIX control socket, and each answer becomes one
//! element of the reply, so a failing service costs its own element and never the others'.

use std::collections::BTreeMap;
use std::time::Duration;

use ruru_control::{client, Command, ControlError, Response};
use serde_json::{json, Value};

use crate::config::ServiceSocket;

/// How long a forwarded command may take (CTL-033): servers answer large queries slowly.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(60);

/// Where forwarded commands are logged.
const TARGET: &str = "kea-ctrl-agent.ctrl-agent";

/// The answers of `services`, in that order, to `command`.
pub(crate) async fn forward(
    sockets: &BTreeMap<String, ServiceSocket>,
    command: &Command,
    services: &[String],
) -> Vec<Response> {
    let wire = as_sent(command);
    let mut answers = Vec::with_capacity(services.len());
    for service in services {
        tracing::debug!(target: TARGET, id = "CTRL_AGENT_COMMAND_FORWARD_BEGIN",
            "begin forwarding command {} to service {service}", command.name);
        let answer = match sockets.get(service) {
            None => Err(format!(
                "forwarding socket is not configured for the server type {service}"
            )),
            Some(socket) => ask(&socket.path, &wire).await.map_err(|e| {
                format!(
                    "unable to forward command to the {service} service: {}. The server is likely to be offline",
                    reason(&e)
                )
            }),
        };
        answers.push(match answer {
            Ok(response) => {
                tracing::debug!(target: TARGET, id = "CTRL_AGENT_COMMAND_FORWARDED",
                    "command {} successfully forwarded to the service {service}", command.name);
                response
            }
            Err(text) => {
                tracing::debug!(target: TARGET, id = "CTRL_AGENT_COMMAND_FORWARD_FAILED",
                    "failed forwarding command {}: {text}", command.name);
                Response::error(text)
            }
        });
    }
    answers
}

/// One exchange with a server's UNIX socket.
async fn ask(path: &std::path::Path, wire: &Value) -> Result<Response, ControlError> {
    let answer = client::unix(path, wire, FORWARD_TIMEOUT).await?;
    Response::from_json(&answer)
}

/// The command as the client sent it, `service` included (CTL-032), and the client's address,
/// so the server's logs and plugins see who asked (CTL-030). The agent's own plugins see the same.
pub(crate) fn as_sent(command: &Command) -> Value {
    let mut wire = json!({ "command": command.name });
    if let Some(arguments) = &command.arguments {
        wire["arguments"] = arguments.clone();
    }
    if let Some(service) = &command.service {
        wire["service"] = json!(service);
    }
    if let Some(address) = &command.remote_address {
        wire["remote-address"] = json!(address);
    }
    wire
}

/// The system error as `strerror` words it ("No such file or directory"), which is what Kea
/// puts in its text; other failures as this crate words them.
fn reason(e: &ControlError) -> String {
    match e {
        ControlError::Io { source, .. } => {
            let text = source.to_string();
            // std appends " (os error N)" to the system's message.
            match text.rsplit_once(" (os error ") {
                Some((message, _)) => message.to_string(),
                None => text,
            }
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(service: &[&str]) -> Command {
        Command {
            name: "status-get".into(),
            arguments: Some(json!({"a": 1})),
            service: Some(service.iter().map(|s| s.to_string()).collect()),
            remote_address: Some("192.0.2.1".into()),
        }
    }

    #[tokio::test]
    async fn ctl033_missing_and_unreachable_services_each_get_their_error() {
        let dir = tempfile::tempdir().unwrap();
        let sockets = BTreeMap::from([(
            "dhcp4".to_string(),
            ServiceSocket {
                path: dir.path().join("absent.sock"),
                user_context: None,
            },
        )]);
        let services = ["dhcp4".to_string(), "dhcp6".to_string()];
        let answers = forward(&sockets, &command(&["dhcp4", "dhcp6"]), &services).await;
        assert_eq!(
            answers,
            vec![
                Response::error("unable to forward command to the dhcp4 service: No such file or directory. The server is likely to be offline"),
                Response::error("forwarding socket is not configured for the server type dhcp6"),
            ]
        );
    }

    #[test]
    fn ctl032_forwarded_unchanged_with_service() {
        assert_eq!(
            as_sent(&command(&["dhcp4"])),
            json!({"command": "status-get", "arguments": {"a": 1}, "service": ["dhcp4"],
                   "remote-address": "192.0.2.1"})
        );
    }
}
