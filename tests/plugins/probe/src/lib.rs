//! `ruru-test-probe`: a plugin for end-to-end tests of the plugin runtime, driven by its `parameters`:
//!
//! ```json
//! {"tag": "A", "log": "/tmp/x/probe.log", "actions": {"pkt4_receive": "drop"},
//!  "load": "ok", "unload": "ok", "mt": true}
//! ```
//!
//! - It registers one callout on every point of the server's family (DHCPv4 in `ruru-dhcp4`, DHCPv6 in
//!   `ruru-dhcp6`), `command_processed`, `context_create` and `context_destroy`. Each call appends `<tag> <point> <status-before> <argument names>` to `log`
//!   (status in lower case: `continue`, `skip`, `drop`, `park`; argument names comma-separated, `-` when the
//!   point has none), then applies the point's action, if any:
//!   `continue`, `skip`, `drop` (set that status), `park:<ms>` (take a park reference, set PARK, a thread
//!   unparks after `ms` milliseconds; where the point cannot park, PARK is set anyway so tests can check
//!   the server ignores it), `park-drop:<ms>` (same, but the thread drops the packet), `panic`, `error`
//!   (the callout returns an error), `record` (nothing more), `rename` (at `ddns4_update`/`ddns6_update`:
//!   sets `hostname` to `renamed.example.org.` and `rev-update` to false), `subnet-context` (appends
//!   `<tag> <point> subnet-context <the subnet4/subnet6 argument's user context as JSON>`),
//!   `subnet-context:<key>` (appends `<tag> <point> subnet-context:<key> <that key's value as JSON>`,
//!   `none` when absent: one plugin's entry of a shared user context), `subnet-select:<id>` (at
//!   `subnet4_select`/`subnet6_select`: replaces the selected subnet with the one of that id),
//!   `ia-option:<code>:<hex>` (at `lease6_renew`/`lease6_rebind`: sets sub-option `<code>` with that
//!   payload in the answer's IA).
//! - At `pkt4_receive`/`pkt6_receive` it stores the request-context entry `seen` = tag; at
//!   `pkt4_send`/`pkt6_send` it appends `<tag> context <seen or none>`.
//! - Every callout is counted per point with atomics, with the number of distinct threads that ran
//!   this instance's callouts; the command `probe-<tag>-counts` answers
//!   `{"calls": {<point>: <n>, ...}, "threads": <k>}` (points never called left out).
//! - `load` appends `<tag> load` and `<tag> multi-threading on|off` (the server's mode as `load` sees
//!   it), registers its callouts and the commands `probe-<tag>` (lower case; echoes
//!   the command's `arguments` back) and `probe-panic` (panics), then fails for `"load": "fail"` or panics
//!   for `"load": "panic"`; the names listed in `"commands"` are registered with the echo handler too
//!   (to shadow built-in commands). `unload` appends `<tag> multi-threading on|off` (the mode as `unload`
//!   sees it) and `<tag> unload`, and fails for `"unload": "fail"`.
//! - `mt` is accepted and ignored: the descriptor is static (always multi-threading compatible);
//!   `ruru-test-not-mt` is the incompatible plugin.
//!
//! Several instances may be loaded at once (the library listed more than once, possibly sharing one
//! loaded object and so one set of statics): each `load` takes a slot with its own callout functions, and
//! since `unload` receives no handle, each `unload` releases the most recently loaded instance still
//! present — the server unloads in reverse list order and calls `unload` after a failed `load` (HK-020,
//! HK-028), which this pairing relies on.

use ruru_hook_api::abi::RuruCallout;
use ruru_hook_api::names::point;
use ruru_hook_api::{Callout, Command, HookError, HookResult, Library, NextStep, Response};
use std::cell::Cell;
use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

ruru_hook_api::ruru_plugin! {
    name: "probe",
    multi_threading_compatible: true,
    load: load,
    unload: unload,
    callouts: {},
}

/// What a callout does after recording.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Action {
    Continue,
    Skip,
    Drop,
    Park(u64),
    ParkDrop(u64),
    Panic,
    Error,
    Record,
    Rename,
    /// The whole user context, or one key of it.
    SubnetContext(Option<String>),
    SubnetSelect(u32),
    IaOption(u16, Vec<u8>),
}

/// The name the `rename` action gives (HK-108, HK-129).
const RENAMED: &str = "renamed.example.org.";

impl Action {
    fn parse(s: &str) -> Result<Action, String> {
        let ms = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("action '{s}': '{v}' is not a number of milliseconds"))
        };
        Ok(match s {
            "continue" => Action::Continue,
            "skip" => Action::Skip,
            "drop" => Action::Drop,
            "panic" => Action::Panic,
            "error" => Action::Error,
            "record" => Action::Record,
            "rename" => Action::Rename,
            "subnet-context" => Action::SubnetContext(None),
            _ => {
                if let Some(v) = s.strip_prefix("park:") {
                    Action::Park(ms(v)?)
                } else if let Some(v) = s.strip_prefix("park-drop:") {
                    Action::ParkDrop(ms(v)?)
                } else if let Some(key) = s.strip_prefix("subnet-context:") {
                    Action::SubnetContext(Some(key.to_owned()))
                } else if let Some(id) = s.strip_prefix("subnet-select:") {
                    Action::SubnetSelect(
                        id.parse()
                            .map_err(|_| format!("action '{s}': '{id}' is not a subnet id"))?,
                    )
                } else if let Some(v) = s.strip_prefix("ia-option:") {
                    let bad = || format!("action '{s}': expected ia-option:<code>:<hex payload>");
                    let (code, hex) = v.split_once(':').ok_or_else(bad)?;
                    let code = code.parse().map_err(|_| bad())?;
                    Action::IaOption(code, from_hex(hex).ok_or_else(bad)?)
                } else {
                    return Err(format!("unknown action '{s}'"));
                }
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LoadMode {
    Ok,
    Fail,
    Panic,
}

/// One loaded instance's settings.
#[derive(Debug, Clone, PartialEq)]
struct Instance {
    tag: String,
    log: Option<PathBuf>,
    actions: HashMap<String, Action>,
    load: LoadMode,
    unload_fails: bool,
    commands: Vec<String>,
}

impl Instance {
    fn from_parameters(p: &serde_json::Value, family: u32) -> Result<Instance, String> {
        let text = |name: &str| -> Result<Option<&str>, String> {
            match p.get(name) {
                None => Ok(None),
                Some(v) => v
                    .as_str()
                    .map(Some)
                    .ok_or_else(|| format!("parameter '{name}' must be a string")),
            }
        };
        let tag = text("tag")?.unwrap_or("probe").to_owned();
        if tag.is_empty() || tag.contains(char::is_whitespace) {
            return Err(format!("parameter 'tag': '{tag}' must be one word"));
        }
        let log = text("log")?.map(PathBuf::from);
        let mut actions = HashMap::new();
        match p.get("actions") {
            None => {}
            Some(serde_json::Value::Object(m)) => {
                for (point, action) in m {
                    if !point_names(family).any(|p| p == point) {
                        return Err(format!("parameter 'actions': unknown point '{point}'"));
                    }
                    let action = action.as_str().ok_or_else(|| {
                        format!("parameter 'actions': '{point}' must map to a string")
                    })?;
                    actions.insert(point.clone(), Action::parse(action)?);
                }
            }
            Some(_) => return Err("parameter 'actions' must be a map".to_owned()),
        }
        let load = match text("load")? {
            None | Some("ok") => LoadMode::Ok,
            Some("fail") => LoadMode::Fail,
            Some("panic") => LoadMode::Panic,
            Some(other) => return Err(format!("parameter 'load': unknown mode '{other}'")),
        };
        let unload_fails = match text("unload")? {
            None | Some("ok") => false,
            Some("fail") => true,
            Some(other) => return Err(format!("parameter 'unload': unknown mode '{other}'")),
        };
        let commands = match p.get("commands") {
            None => Vec::new(),
            Some(serde_json::Value::Array(names)) => names
                .iter()
                .map(|n| n.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| "parameter 'commands' must list strings".to_owned())?,
            Some(_) => return Err("parameter 'commands' must be a list".to_owned()),
        };
        if p.get("mt").is_some_and(|v| !v.is_boolean()) {
            return Err("parameter 'mt' must be a boolean".to_owned());
        }
        Ok(Instance {
            tag,
            log,
            actions,
            load,
            unload_fails,
            commands,
        })
    }

    /// Appends one line to the log file, in a single write so concurrent callouts never interleave.
    fn record(&self, line: &str) {
        if let Some(path) = &self.log {
            let line = format!("{line}\n");
            let written = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| f.write_all(line.as_bytes()));
            if let Err(e) = written {
                ruru_hook_api::sdk::log(
                    "probe",
                    ruru_hook_api::sdk::Severity::Error,
                    &format!("cannot append to {}: {e}", path.display()),
                );
            }
        }
    }
}

/// The points the probe attaches to in a server of `family` (4 or 6): every point of that family and
/// the framework points.
fn point_names(family: u32) -> impl Iterator<Item = &'static str> {
    let other = if family == 6 { '4' } else { '6' };
    // The control agent's own points exist only there (its `family` is 0).
    let agent_only = [point::AUTH, point::CONTROL_COMMAND_RECEIVE];
    point::ALL
        .iter()
        .copied()
        .filter(move |p| !p.contains(other))
        .filter(move |p| family == 0 || !agent_only.contains(p))
}

fn status_name(s: NextStep) -> &'static str {
    match s {
        NextStep::Continue => "continue",
        NextStep::Skip => "skip",
        NextStep::Drop => "drop",
        NextStep::Park => "park",
    }
}

/// The line a callout records.
fn callout_line(tag: &str, point: &str, status: NextStep, args: &[String]) -> String {
    let args = if args.is_empty() {
        "-".to_owned()
    } else {
        args.join(",")
    };
    format!("{tag} {point} {} {args}", status_name(status))
}

/// Loaded instances, by slot; each slot has its own callout function.
static SLOTS: [RwLock<Option<Arc<Instance>>>; SLOT_COUNT] =
    [const { RwLock::new(None) }; SLOT_COUNT];
/// Occupied slots in load order; `unload` releases the last.
static LOADED: Mutex<Vec<usize>> = Mutex::new(Vec::new());

macro_rules! slots {
    ($($i:literal => $f:ident),* $(,)?) => {
        const SLOT_COUNT: usize = [$($i),*].len();
        $(fn $f(c: &mut Callout) -> HookResult { on_callout($i, c) })*
        fn slot_callout(slot: usize) -> RuruCallout {
            match slot {
                $($i => ruru_hook_api::callout!($f),)*
                _ => unreachable!("slot {slot} out of range"),
            }
        }
    };
}

slots! {
    0 => slot0, 1 => slot1, 2 => slot2, 3 => slot3, 4 => slot4, 5 => slot5, 6 => slot6, 7 => slot7,
    8 => slot8, 9 => slot9, 10 => slot10, 11 => slot11, 12 => slot12, 13 => slot13, 14 => slot14,
    15 => slot15,
}

/// HK-084: one instance's callouts counted per point, and the threads that ran them, with atomics
/// only, so counting adds no lock to the server's packet path.
struct Tally {
    calls: [AtomicU64; POINT_COUNT],
    threads: AtomicU64,
    /// Bumped when the slot is taken again, so every thread counts once per instance.
    generation: AtomicU64,
}

const POINT_COUNT: usize = point::ALL.len();

static TALLIES: [Tally; SLOT_COUNT] = [const { Tally::new() }; SLOT_COUNT];

thread_local! {
    /// Per slot, the generation whose thread count already includes this thread (0: none).
    static COUNTED: [Cell<u64>; SLOT_COUNT] = const { [const { Cell::new(0) }; SLOT_COUNT] };
}

impl Tally {
    const fn new() -> Tally {
        Tally {
            calls: [const { AtomicU64::new(0) }; POINT_COUNT],
            threads: AtomicU64::new(0),
            generation: AtomicU64::new(0),
        }
    }

    /// Starts counting for a new instance.
    fn reset(&self) {
        for c in &self.calls {
            c.store(0, Ordering::Relaxed);
        }
        self.threads.store(0, Ordering::Relaxed);
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Counts one callout of slot `slot` at `point` on the calling thread.
    fn count(&self, slot: usize, point: &str) {
        if let Some(i) = point::ALL.iter().position(|p| *p == point) {
            self.calls[i].fetch_add(1, Ordering::Relaxed);
        }
        let generation = self.generation.load(Ordering::Acquire);
        COUNTED.with(|seen| {
            if seen[slot].replace(generation) != generation {
                self.threads.fetch_add(1, Ordering::Relaxed);
            }
        });
    }

    /// `{"calls": {<point>: <n>, ...}, "threads": <k>}`, points never called left out.
    fn to_json(&self) -> serde_json::Value {
        let calls: serde_json::Map<String, serde_json::Value> = point::ALL
            .iter()
            .zip(&self.calls)
            .map(|(p, c)| (*p, c.load(Ordering::Relaxed)))
            .filter(|(_, n)| *n > 0)
            .map(|(p, n)| (p.to_owned(), n.into()))
            .collect();
        serde_json::json!({"calls": calls, "threads": self.threads.load(Ordering::Relaxed)})
    }
}

fn slot(i: usize) -> std::sync::RwLockWriteGuard<'static, Option<Arc<Instance>>> {
    SLOTS[i].write().unwrap_or_else(PoisonError::into_inner)
}

fn load(lib: &mut Library) -> HookResult {
    let parameters = lib.parameters()?.unwrap_or(serde_json::Value::Null);
    let family = ruru_hook_api::sdk::family();
    let parsed = Instance::from_parameters(&parameters, family);
    // A slot is taken even when the parameters are bad: the server calls `unload` after a failed `load`.
    let mut loaded = LOADED.lock().unwrap_or_else(PoisonError::into_inner);
    let free = (0..SLOT_COUNT).find(|&i| slot(i).is_none());
    let Some(i) = free else {
        return Err(HookError::Plugin(format!(
            "probe: more than {SLOT_COUNT} instances loaded"
        )));
    };
    let instance = Arc::new(parsed.clone().unwrap_or_else(|_| Instance {
        tag: "invalid".to_owned(),
        log: None,
        actions: HashMap::new(),
        load: LoadMode::Fail,
        unload_fails: false,
        commands: Vec::new(),
    }));
    TALLIES[i].reset();
    *slot(i) = Some(instance.clone());
    loaded.push(i);
    drop(loaded);
    parsed?;

    instance.record(&format!("{} load", instance.tag));
    instance.record(&mode_line(&instance.tag)?);
    for point in point_names(family) {
        lib.register_callout(point, slot_callout(i))?;
    }
    let echo = format!("probe-{}", instance.tag.to_lowercase());
    lib.register_command(&echo, ruru_hook_api::command!(echo_command))?;
    lib.register_command(
        &format!("{echo}-counts"),
        ruru_hook_api::command!(counts_command),
    )?;
    lib.register_command("probe-panic", ruru_hook_api::command!(panic_command))?;
    for name in &instance.commands {
        lib.register_command(name, ruru_hook_api::command!(echo_command))?;
    }
    match instance.load {
        LoadMode::Ok => Ok(()),
        LoadMode::Fail => Err(HookError::Plugin(format!(
            "probe {}: load fails as configured",
            instance.tag
        ))),
        LoadMode::Panic => panic!("probe {}: load panics as configured", instance.tag),
    }
}

fn unload() -> HookResult {
    let last = LOADED.lock().unwrap_or_else(PoisonError::into_inner).pop();
    let Some(instance) = last.and_then(|i| slot(i).take()) else {
        return Ok(());
    };
    instance.record(&mode_line(&instance.tag)?);
    instance.record(&format!("{} unload", instance.tag));
    if instance.unload_fails {
        return Err(HookError::Plugin(format!(
            "probe {}: unload fails as configured",
            instance.tag
        )));
    }
    Ok(())
}

/// `<tag> multi-threading on|off`: the server's mode now (HK-085).
fn mode_line(tag: &str) -> Result<String, HookError> {
    let mode = if ruru_hook_api::sdk::multi_threading_enabled()? {
        "on"
    } else {
        "off"
    };
    Ok(format!("{tag} multi-threading {mode}"))
}

fn on_callout(i: usize, c: &mut Callout) -> HookResult {
    let Some(instance) = SLOTS[i]
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
    else {
        return Ok(());
    };
    let tag = instance.tag.as_str();
    let point = c.point().to_owned();
    TALLIES[i].count(i, &point);
    instance.record(&callout_line(tag, &point, c.status(), &c.argument_names()));
    if point == point::PKT4_RECEIVE || point == point::PKT6_RECEIVE {
        c.set_context("seen", tag);
    }
    if point == point::PKT4_SEND || point == point::PKT6_SEND {
        let seen = c.context("seen");
        let seen = seen
            .as_deref()
            .map_or("none".into(), String::from_utf8_lossy);
        instance.record(&format!("{tag} context {seen}"));
    }
    match instance.actions.get(&point).cloned() {
        None | Some(Action::Record) => {}
        Some(Action::Continue) => c.set_status(NextStep::Continue),
        Some(Action::Skip) => c.set_status(NextStep::Skip),
        Some(Action::Drop) => c.set_status(NextStep::Drop),
        Some(Action::Park(ms)) => park(c, ms, false),
        Some(Action::ParkDrop(ms)) => park(c, ms, true),
        Some(Action::Panic) => panic!("probe {tag}: panic at {point} as configured"),
        Some(Action::SubnetContext(key)) => {
            let ctx = match c.subnet4()? {
                Some(s) => s.user_context()?,
                None => c
                    .subnet6()?
                    .map(|s| s.user_context())
                    .transpose()?
                    .flatten(),
            };
            let line = match key {
                None => {
                    let ctx = ctx.map_or("none".into(), |v| v.to_string());
                    format!("{tag} {point} subnet-context {ctx}")
                }
                Some(key) => {
                    let value = ctx.as_ref().and_then(|m| m.get(&key));
                    let value = value.map_or("none".into(), ToString::to_string);
                    format!("{tag} {point} subnet-context:{key} {value}")
                }
            };
            instance.record(&line);
        }
        Some(Action::SubnetSelect(id)) => {
            let name = if point == point::SUBNET6_SELECT {
                "subnet6"
            } else {
                "subnet4"
            };
            c.set_arg(name, ruru_hook_api::Value::U64(u64::from(id)))?;
        }
        Some(Action::IaOption(code, payload)) => c.ia6()?.set_option(code, &payload)?,
        Some(Action::Rename) => {
            c.set_arg("hostname", ruru_hook_api::Value::Str(RENAMED))?;
            c.set_arg("rev-update", ruru_hook_api::Value::Bool(false))?;
        }
        Some(Action::Error) => {
            return Err(HookError::Plugin(format!(
                "probe {tag}: error at {point} as configured"
            )))
        }
    }
    Ok(())
}

/// Parks the packet and releases it (or drops it) from another thread after `ms` milliseconds.
fn park(c: &mut Callout, ms: u64, drop_packet: bool) {
    match c.park() {
        Some(reference) => {
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(ms));
                if drop_packet {
                    reference.drop_packet();
                } else {
                    reference.unpark();
                }
            });
        }
        // The point cannot park: set the status anyway, the server must ignore it.
        None => c.set_status(NextStep::Park),
    }
}

fn echo_command(cmd: &Command) -> Response {
    Response::success(format!("{} echo", cmd.name), cmd.arguments.clone())
}

/// `probe-<tag>-counts`: the instance's [`Tally`].
fn counts_command(cmd: &Command) -> Response {
    let tag = cmd
        .name
        .strip_prefix("probe-")
        .and_then(|n| n.strip_suffix("-counts"))
        .unwrap_or_default();
    let found = (0..SLOT_COUNT).find(|&i| {
        SLOTS[i]
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_some_and(|inst| inst.tag.to_lowercase() == tag)
    });
    match found {
        Some(i) => Response::success(format!("{} counts", cmd.name), Some(TALLIES[i].to_json())),
        None => Response::error(format!("{}: no such probe instance", cmd.name)),
    }
}

/// Bytes of a hexadecimal string (an even number of digits, possibly none).
fn from_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() % 2 != 0 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

fn panic_command(cmd: &Command) -> Response {
    panic!("{} panics as designed", cmd.name)
}

#[cfg(test)]
mod mock_host;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn actions_parse() {
        assert_eq!(Action::parse("continue"), Ok(Action::Continue));
        assert_eq!(Action::parse("skip"), Ok(Action::Skip));
        assert_eq!(Action::parse("drop"), Ok(Action::Drop));
        assert_eq!(Action::parse("park:150"), Ok(Action::Park(150)));
        assert_eq!(Action::parse("park-drop:0"), Ok(Action::ParkDrop(0)));
        assert_eq!(Action::parse("panic"), Ok(Action::Panic));
        assert_eq!(Action::parse("error"), Ok(Action::Error));
        assert_eq!(Action::parse("record"), Ok(Action::Record));
        assert_eq!(
            Action::parse("subnet-context"),
            Ok(Action::SubnetContext(None))
        );
        assert_eq!(
            Action::parse("subnet-context:mine"),
            Ok(Action::SubnetContext(Some("mine".to_owned())))
        );
        assert_eq!(
            Action::parse("subnet-select:2"),
            Ok(Action::SubnetSelect(2))
        );
        assert_eq!(
            Action::parse("ia-option:13:00006f6b"),
            Ok(Action::IaOption(13, vec![0, 0, b'o', b'k']))
        );
        assert_eq!(
            Action::parse("ia-option:99:"),
            Ok(Action::IaOption(99, vec![]))
        );
        for bad in [
            "",
            "Drop",
            "park",
            "park:",
            "park:x",
            "park-drop:-1",
            "sleep:3",
            "subnet-select:x",
            "ia-option:13",
            "ia-option:13:0",
            "ia-option:13:zz",
            "ia-option:70000:00",
        ] {
            assert!(Action::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parameters_parse() {
        let i = Instance::from_parameters(&json!({
            "tag": "A", "log": "/tmp/p.log", "load": "fail", "unload": "fail", "mt": false,
            "actions": {"pkt4_receive": "drop", "leases4_committed": "park:20", "context_create": "record"}
        }), 4)
        .unwrap();
        assert_eq!(i.tag, "A");
        assert_eq!(i.log, Some(PathBuf::from("/tmp/p.log")));
        assert_eq!(i.load, LoadMode::Fail);
        assert!(i.unload_fails);
        assert_eq!(i.actions["pkt4_receive"], Action::Drop);
        assert_eq!(i.actions["leases4_committed"], Action::Park(20));
        assert_eq!(i.actions["context_create"], Action::Record);

        let d = Instance::from_parameters(&serde_json::Value::Null, 4).unwrap();
        assert_eq!(
            (d.tag.as_str(), d.log, d.load),
            ("probe", None, LoadMode::Ok)
        );
        assert!(d.actions.is_empty() && !d.unload_fails);

        for bad in [
            json!({"tag": 1}),
            json!({"tag": "two words"}),
            json!({"actions": []}),
            json!({"actions": {"pkt6_receive": "drop"}}),
            json!({"actions": {"pkt4_receive": "explode"}}),
            json!({"load": "maybe"}),
            json!({"unload": "panic"}),
            json!({"mt": "yes"}),
        ] {
            assert!(Instance::from_parameters(&bad, 4).is_err(), "{bad}");
        }
    }

    #[test]
    fn points_are_the_v4_and_framework_ones() {
        let points: Vec<_> = point_names(4).collect();
        assert_eq!(points.len(), 20);
        assert!(points.contains(&"dhcp4_srv_configured"));
        assert!(points.contains(&"pkt4_receive"));
        assert!(points.contains(&"command_processed"));
        assert!(points.contains(&"context_create"));
        assert!(points.contains(&"context_destroy"));
        assert!(!points.iter().any(|p| p.contains('6')));
        let points6: Vec<_> = point_names(6).collect();
        assert!(points6.contains(&"pkt6_receive") && points6.contains(&"context_create"));
        assert!(!points6.iter().any(|p| p.contains('4')));
    }

    #[test]
    fn callout_lines() {
        let args = ["query4".to_owned(), "response4".to_owned()];
        assert_eq!(
            callout_line("A", "pkt4_send", NextStep::Continue, &args),
            "A pkt4_send continue query4,response4"
        );
        assert_eq!(
            callout_line("B", "context_create", NextStep::Drop, &[]),
            "B context_create drop -"
        );
    }

    #[test]
    fn records_append_whole_lines() {
        let path = std::env::temp_dir().join(format!("ruru-probe-{}.log", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let i = Instance {
            log: Some(path.clone()),
            ..Instance::from_parameters(&json!({"tag": "T"}), 4).unwrap()
        };
        i.record("T load");
        i.record("T unload");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "T load\nT unload\n"
        );
        std::fs::remove_file(&path).unwrap();
    }

    /// The whole plugin through the C ABI and the SDK, against the in-process mock host.
    #[test]
    fn runs_against_a_host() {
        use crate::mock_host::{park_events, Handle, HOST, REGISTRY};
        use ruru_hook_api::abi::*;

        let path = std::env::temp_dir().join(format!("ruru-probe-host-{}.log", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let log = path.display().to_string();
        let set_parameters = |p: serde_json::Value| {
            let mut r = REGISTRY.lock().unwrap();
            r.parameters = p.to_string();
            r.callouts.clear();
            r.commands.clear();
        };
        let callout = |point: &str| {
            let r = REGISTRY.lock().unwrap();
            r.callouts.iter().find(|(p, _)| p == point).unwrap().1
        };
        let command = |name: &str| {
            let r = REGISTRY.lock().unwrap();
            r.commands.iter().find(|(c, _)| c == name).unwrap().1
        };

        // SAFETY: the mock table lives for the whole process.
        let d = unsafe { &*ruru_plugin_descriptor(&HOST) };
        assert_eq!(
            (d.abi_major, d.abi_minor),
            (RURU_HOOK_ABI_MAJOR, RURU_HOOK_ABI_MINOR)
        );
        assert_eq!(d.struct_size, std::mem::size_of::<RuruPluginDescriptor>());
        assert_eq!(d.callouts_len, 0);
        // SAFETY: plain functions of the descriptor.
        assert_eq!(unsafe { d.multi_threading_compatible.unwrap()() }, 1);
        let (load, unload) = (d.load.unwrap(), d.unload.unwrap());
        let library = std::ptr::NonNull::<RuruLibraryHandle>::dangling().as_ptr();

        // Instance A.
        set_parameters(json!({"tag": "A", "log": log, "actions": {
            "pkt4_receive": "drop", "leases4_committed": "park:10", "lease4_offer": "park-drop:0",
            "lease4_renew": "park:0", "lease4_select": "panic", "lease4_release": "error",
            "pkt4_send": "record"
        }}));
        // SAFETY: the server-side contract, played by the mock.
        assert_eq!(unsafe { load(library) }, 0);
        {
            let r = REGISTRY.lock().unwrap();
            let points: Vec<&str> = r.callouts.iter().map(|(p, _)| p.as_str()).collect();
            assert_eq!(points, point_names(4).collect::<Vec<_>>());
            let commands: Vec<&str> = r.commands.iter().map(|(c, _)| c.as_str()).collect();
            assert_eq!(commands, ["probe-a", "probe-a-counts", "probe-panic"]);
        }
        let a_receive = callout("pkt4_receive");

        let mut h = Handle::new("pkt4_receive", &["query4"]);
        assert_eq!(h.call(a_receive), 0);
        assert_eq!(h.status, RURU_NEXT_STEP_DROP);
        assert_eq!(h.context["seen"], b"A");
        let mut send = Handle::new("pkt4_send", &["query4", "response4", "subnet4"]);
        send.context = h.context.clone();
        send.status = RURU_NEXT_STEP_SKIP;
        assert_eq!(send.call(callout("pkt4_send")), 0);
        assert_eq!(send.status, RURU_NEXT_STEP_SKIP);

        let events = park_events();
        let mut h = Handle::new(
            "leases4_committed",
            &["query4", "leases4", "deleted_leases4"],
        );
        h.can_park = true;
        assert_eq!(h.call(callout("leases4_committed")), 0);
        assert_eq!(h.status, RURU_NEXT_STEP_PARK);
        assert_eq!(
            events.recv_timeout(Duration::from_secs(5)),
            Ok((true, false))
        );
        let mut h = Handle::new("lease4_offer", &["query4", "leases4"]);
        h.can_park = true;
        assert_eq!(h.call(callout("lease4_offer")), 0);
        assert_eq!(
            events.recv_timeout(Duration::from_secs(5)),
            Ok((false, false))
        );
        let mut h = Handle::new("lease4_renew", &["query4"]);
        assert_eq!(h.call(callout("lease4_renew")), 0);
        assert_eq!(
            h.status, RURU_NEXT_STEP_PARK,
            "PARK set even where the point cannot park"
        );
        assert!(events.try_recv().is_err());

        let mut h = Handle::new("lease4_select", &["query4"]);
        assert_eq!(h.call(callout("lease4_select")), RURU_RESULT_EXCEPTION);
        let mut h = Handle::new("lease4_release", &["query4", "lease4"]);
        assert_eq!(h.call(callout("lease4_release")), 1);
        let mut h = Handle::new("context_create", &[]);
        assert_eq!(h.call(callout("context_create")), 0);

        let mut h = Handle::new("probe-a", &["command", "response"]);
        h.args[0].1 = br#"{"command": "probe-a", "arguments": {"x": [1, "y"]}}"#.to_vec();
        assert_eq!(h.call(command("probe-a")), 0);
        let response: serde_json::Value =
            serde_json::from_str(h.response.as_ref().unwrap()).unwrap();
        assert_eq!(
            response,
            json!({"result": 0, "text": "probe-a echo", "arguments": {"x": [1, "y"]}})
        );
        let mut h = Handle::new("probe-panic", &["command", "response"]);
        h.args[0].1 = br#"{"command": "probe-panic"}"#.to_vec();
        assert_eq!(h.call(command("probe-panic")), RURU_RESULT_EXCEPTION);
        let response: serde_json::Value =
            serde_json::from_str(h.response.as_ref().unwrap()).unwrap();
        assert_eq!(response["result"], 1);
        // HK-084: every callout so far counted once, all on this one thread.
        let mut h = Handle::new("probe-a-counts", &["command", "response"]);
        h.args[0].1 = br#"{"command": "probe-a-counts"}"#.to_vec();
        assert_eq!(h.call(command("probe-a-counts")), 0);
        let response: serde_json::Value =
            serde_json::from_str(h.response.as_ref().unwrap()).unwrap();
        assert_eq!(
            response["arguments"],
            json!({"calls": {
                "pkt4_receive": 1, "lease4_select": 1, "lease4_renew": 1, "lease4_release": 1,
                "leases4_committed": 1, "lease4_offer": 1, "pkt4_send": 1, "context_create": 1
            }, "threads": 1})
        );

        // Instance B, listed after A, loaded from the same object: its own callouts; its load fails.
        set_parameters(json!({"tag": "B", "log": log, "load": "fail", "unload": "fail"}));
        // SAFETY: as above.
        assert_eq!(unsafe { load(library) }, 1);
        let b_receive = callout("pkt4_receive");
        assert_ne!(b_receive as usize, a_receive as usize);
        let mut h = Handle::new("pkt4_receive", &["query4"]);
        h.status = RURU_NEXT_STEP_DROP;
        assert_eq!(h.call(b_receive), 0);
        assert_eq!(h.status, RURU_NEXT_STEP_DROP);

        // Instance C panics in load.
        set_parameters(json!({"tag": "C", "log": log, "load": "panic"}));
        // SAFETY: as above.
        assert_eq!(unsafe { load(library) }, RURU_RESULT_EXCEPTION);

        // Unloaded in reverse order; B's unload fails; a spare unload does nothing.
        // SAFETY: as above.
        unsafe {
            assert_eq!(unload(), 0);
            assert_eq!(unload(), 1);
            assert_eq!(unload(), 0);
            assert_eq!(unload(), 0);
        }
        let mut h = Handle::new("pkt4_receive", &["query4"]);
        assert_eq!(
            h.call(a_receive),
            0,
            "a stale callout of an unloaded instance is inert"
        );

        let lines = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(
            lines.lines().collect::<Vec<_>>(),
            [
                "A load",
                "A multi-threading on",
                "A pkt4_receive continue query4",
                "A pkt4_send skip query4,response4,subnet4",
                "A context A",
                "A leases4_committed continue query4,leases4,deleted_leases4",
                "A lease4_offer continue query4,leases4",
                "A lease4_renew continue query4",
                "A lease4_select continue query4",
                "A lease4_release continue query4,lease4",
                "A context_create continue -",
                "B load",
                "B multi-threading on",
                "B pkt4_receive drop query4",
                "C load",
                "C multi-threading on",
                "C multi-threading on",
                "C unload",
                "B multi-threading on",
                "B unload",
                "A multi-threading on",
                "A unload",
            ]
        );
        let logs = REGISTRY.lock().unwrap().logs.join("\n");
        assert!(
            logs.contains("lease4_select: panic: probe A: panic at lease4_select"),
            "{logs}"
        );
        assert!(
            logs.contains("load failed: probe B: load fails as configured"),
            "{logs}"
        );
        assert!(
            logs.contains("load panicked: probe C: load panics as configured"),
            "{logs}"
        );
        assert!(
            logs.contains("unload failed: probe B: unload fails as configured"),
            "{logs}"
        );
    }
}
