//! `ruru-shell`: kea-shell's command line (CTL-127) and behaviour (CTL-128). Sends one command
//! over HTTP(S) to a server's control socket or the agent and prints the response body.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use ruru_control::client::{self, ClientTls, HttpClientOptions};

/// Text client for the control API of Ruru's and Kea's servers and agent. Arguments of the
/// command are read from standard input: its text becomes the content of the `arguments` map.
#[derive(Debug, Parser)]
#[command(name = "ruru-shell", disable_version_flag = true)]
struct Args {
    /// Host to connect to.
    #[arg(long, default_value = "localhost")]
    host: String,
    /// TCP port to connect to.
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Path in the URL (useful only behind a reverse proxy).
    #[arg(long, default_value = "")]
    path: String,
    /// CA certificate file or directory; switches to HTTPS.
    #[arg(long)]
    ca: Option<PathBuf>,
    /// Client certificate (PEM), with --key.
    #[arg(long, requires_all = ["key", "ca"])]
    cert: Option<PathBuf>,
    /// Client private key (PEM, not encrypted), with --cert.
    #[arg(long, requires = "cert")]
    key: Option<PathBuf>,
    /// User for basic authentication; empty means none.
    #[arg(long, default_value = "")]
    auth_user: String,
    /// Password for basic authentication.
    #[arg(long, default_value = "")]
    auth_password: String,
    /// File holding the password for basic authentication.
    #[arg(long, conflicts_with = "auth_password")]
    auth_password_file: Option<PathBuf>,
    /// Timeout in seconds.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// Service the command is for (agent routing); repeatable.
    #[arg(long)]
    service: Vec<String>,
    /// Print the version and exit.
    #[arg(short = 'v', short_alias = 'V')]
    version: bool,
    /// The command.
    #[arg(default_value = "list-commands")]
    command: String,
}

/// The body kea-shell builds: stdin goes verbatim inside the `arguments` braces.
fn body(command: &str, services: &[String], stdin: &str) -> String {
    let quote = |s: &str| serde_json::Value::from(s).to_string();
    let mut body = format!("{{ \"command\": {}", quote(command));
    let services: Vec<String> = services
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| quote(s))
        .collect();
    if !services.is_empty() {
        body.push_str(&format!(", \"service\": [{}]", services.join(",")));
    }
    if stdin.chars().count() > 1 {
        body.push_str(&format!(", \"arguments\": {{ {stdin} }}"));
    }
    body.push_str(" }");
    body
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.version {
        println!("{}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    match run(args) {
        Ok(code) => code,
        Err(message) => {
            println!("Failed to run: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<ExitCode, String> {
    let mut stdin = String::new();
    std::io::stdin()
        .read_to_string(&mut stdin)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    let password = match &args.auth_password_file {
        Some(file) => std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?
            .trim_end_matches(['\r', '\n'])
            .to_string(),
        None => args.auth_password.clone(),
    };
    let opts = HttpClientOptions {
        host: args.host.clone(),
        port: args.port,
        path: args.path.clone(),
        https: args.ca.clone().map(|ca| ClientTls {
            ca,
            cert: args.cert.clone(),
            key: args.key.clone(),
        }),
        auth: (!args.auth_user.is_empty()).then(|| (args.auth_user.clone(), password)),
        timeout: Duration::from_secs(args.timeout),
    };
    let body = body(&args.command, &args.service, &stdin).into_bytes();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let (status, mut out) = runtime
        .block_on(client::http_raw(&opts, body))
        .map_err(|e| e.to_string())?;
    if !(200..300).contains(&status) {
        // Kea's refusals carry the reason phrase as `text`.
        let refusal: Option<serde_json::Value> = serde_json::from_slice(&out).ok();
        let reason = refusal
            .as_ref()
            .and_then(|r| r.get("text"))
            .and_then(|t| t.as_str())
            .unwrap_or("");
        return Err(format!("HTTP Error {status}: {reason}"));
    }
    out.push(b'\n');
    std::io::stdout()
        .write_all(&out)
        .map_err(|e| format!("cannot write the response: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::body;

    #[test]
    fn ctl128_body_as_kea_shell_builds_it() {
        assert_eq!(
            body("list-commands", &[], ""),
            r#"{ "command": "list-commands" }"#
        );
        assert_eq!(
            body("list-commands", &[], "\n"),
            r#"{ "command": "list-commands" }"#
        );
        assert_eq!(
            body("config-write", &["dhcp4".into(), "".into(), "dhcp6".into()], "\"filename\": \"x.json\"\n"),
            "{ \"command\": \"config-write\", \"service\": [\"dhcp4\",\"dhcp6\"], \"arguments\": { \"filename\": \"x.json\"\n } }"
        );
    }
}
