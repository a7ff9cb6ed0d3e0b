//! `config-get`, `config-hash-get`, `config-set`, `config-test`, `config-reload`, `config-write`
//! (CTL-043..048, CTL-072, CTL-079).

use super::{args, Op, ServerControl};
use ruru_control::{Command, Response};
use serde_json::{json, Value as Json};
use std::io::Write;
use std::path::{Path, PathBuf};
use tokio::sync::oneshot;

pub(super) async fn run(ctl: &ServerControl, cmd: &Command) -> Response {
    let result = match cmd.name.as_str() {
        "config-get" => Ok(config_get(ctl)),
        "config-hash-get" => Ok(args::answer(json!({ "hash": ctl.running().hash }))),
        "config-test" => config_test(ctl, cmd),
        "config-set" => config_set(ctl, cmd).await,
        "config-reload" => config_reload(ctl).await,
        _ => config_write(ctl, cmd),
    };
    result.unwrap_or_else(|r| r)
}

fn config_get(ctl: &ServerControl) -> Response {
    let running = ctl.running();
    let mut out = running.config;
    if let Some(m) = out.as_object_mut() {
        m.insert("hash".into(), json!(running.hash));
    }
    args::answer(out)
}

/// The `{"Dhcp4": {...}}` argument of `config-set`/`config-test`, with Kea's argument errors.
fn new_config(ctl: &ServerControl, cmd: &Command) -> Result<Json, Response> {
    let object = ctl.info.object;
    let map = args::required_map(cmd)?;
    if let Some(extra) = map.keys().find(|k| k.as_str() != object) {
        return Err(Response::error(format!("Unsupported '{extra}' parameter.")));
    }
    match map.get(object) {
        None => Err(Response::error(format!(
            "Missing mandatory '{object}' parameter."
        ))),
        Some(Json::Object(_)) => Ok(json!({ object: map[object] })),
        Some(_) => Err(Response::error(format!(
            "'{object}' parameter expected to be a map."
        ))),
    }
}

fn config_test(ctl: &ServerControl, cmd: &Command) -> Result<Response, Response> {
    let config = new_config(ctl, cmd)?;
    ctl.daemon.check(&config).map_err(Response::error)?;
    Ok(Response::ok(
        "Configuration seems sane. Control-socket, hook-libraries, and D2 configuration were sanity checked, but not applied.",
    ))
}

async fn config_set(ctl: &ServerControl, cmd: &Command) -> Result<Response, Response> {
    let config = new_config(ctl, cmd)?;
    apply(ctl, Some(config)).await.map_err(Response::error)?;
    Ok(applied(ctl))
}

async fn config_reload(ctl: &ServerControl) -> Result<Response, Response> {
    apply(ctl, None)
        .await
        .map_err(|e| Response::error(format!("Config reload failed: {e}")))?;
    Ok(applied(ctl))
}

fn applied(ctl: &ServerControl) -> Response {
    Response::ok("Configuration successful.").with_arguments(json!({ "hash": ctl.running().hash }))
}

/// Hands the configuration to the main loop and waits for it to run (or be refused).
pub(super) async fn apply(ctl: &ServerControl, config: Option<Json>) -> Result<(), String> {
    let (reply, done) = oneshot::channel();
    ctl.ops
        .send(Op::Apply { config, reply })
        .map_err(|_| "the server is shutting down".to_string())?;
    done.await
        .map_err(|_| "the server is shutting down".to_string())?
}

/// Writes the running configuration (as `config-get`, without `hash`) through a temporary file and a
/// rename, so a crash leaves the old file or the new one, never half of one (CTL-122).
fn config_write(ctl: &ServerControl, cmd: &Command) -> Result<Response, Response> {
    let file = match args::map(cmd)?.and_then(|m| m.get("filename")) {
        None => ctl.config_path.clone(),
        Some(Json::String(s)) if !s.is_empty() => PathBuf::from(s),
        Some(Json::String(_)) => {
            return Err(Response::error(
                "Unable to determine filename. Please specify valid filename.",
            ))
        }
        Some(_) => return Err(Response::error("Argument 'filename' is not a string")),
    };
    let text = serde_json::to_string_pretty(&ctl.running().config)
        .map_err(|e| Response::error(format!("Error during config-write: {e}")))?;
    write_atomically(&file, text.as_bytes())
        .map_err(|e| Response::error(format!("Error during config-write: {e}")))?;
    Ok(Response::ok(format!(
        "Configuration written to {} successful",
        file.display()
    ))
    .with_arguments(json!({ "filename": file.display().to_string(), "size": text.len() })))
}

fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = file
        .file_name()
        .ok_or_else(|| std::io::Error::other("no file name"))?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(".tmp");
    let tmp = file.with_file_name(tmp_name);
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, file)
}
