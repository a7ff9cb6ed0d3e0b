//! A server running `libdhcp_lease_cmds.so` (Ruru's, or Kea 2.2's for the differential tests), driven
//! over its UNIX control socket: what the `lease_cmds` (v4) and `lease_cmds6` suites share.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ruru_e2e::control;
use ruru_e2e::process::wait_until;
use ruru_e2e::subject::Subject;
use ruru_e2e::{Netns, Server};
use serde_json::{json, Value};

use super::plugin;

/// Kea 2.2's own plugin (Debian's kea-common), for the differential tests.
pub(crate) const KEA_PLUGIN: &str = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so";

/// Where `lease4-write`/`lease6-write` put a bare file name (the servers run without
/// `KEA_DHCP_DATA_DIRECTORY`).
pub(crate) const DATA_DIR: &str = "/var/lib/kea";

/// A server with the lease commands and a UNIX control socket.
pub(crate) struct LeaseCmds<'ns> {
    pub(crate) server: Server<'ns>,
    pub(crate) socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl<'ns> LeaseCmds<'ns> {
    /// Starts `subject` in `ns` with the configuration `config` builds from the control socket's path
    /// and the subject's plugin, and waits for the socket.
    pub(crate) fn start(
        ns: &'ns Netns,
        subject: Subject,
        config: impl FnOnce(&Path, &Path) -> Value,
    ) -> LeaseCmds<'ns> {
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = dir.path().join("dhcp.sock");
        let library = match subject {
            Subject::Ruru => plugin("libdhcp_lease_cmds.so"),
            Subject::Kea => PathBuf::from(KEA_PLUGIN),
        };
        let server =
            Server::start_subject(subject, ns, config(&socket, &library)).expect("server starts");
        let c = LeaseCmds {
            server,
            socket,
            _dir: dir,
        };
        c.wait_socket();
        c
    }

    /// Waits for the control socket (after a start or restart).
    pub(crate) fn wait_socket(&self) {
        wait_until("control socket", Duration::from_secs(10), || {
            self.socket.exists()
        })
        .expect("control socket appears");
    }

    /// Restarts the server and waits for its control socket.
    pub(crate) fn restart(&mut self) {
        self.server.restart().expect("restarts");
        self.wait_socket();
    }

    /// Sends one command; the response.
    pub(crate) fn run(&self, name: &str, arguments: Option<Value>) -> Value {
        let mut c = json!({ "command": name });
        if let Some(a) = arguments {
            c["arguments"] = a;
        }
        control::unix(&self.socket, &c).unwrap_or_else(|e| {
            panic!("{c}: {e}\n{}", self.server.logs());
        })
    }

    /// Runs a command that must answer `result` with a text (`arguments` null: none sent); the
    /// response.
    pub(crate) fn expect(&self, name: &str, arguments: Value, result: i64) -> Value {
        let args = (!arguments.is_null()).then_some(arguments);
        let r = self.run(name, args.clone());
        assert_eq!(r["result"], result, "{name} {args:?}: {r}");
        assert!(r["text"].as_str().is_some_and(|t| !t.is_empty()), "{r}");
        r
    }

    /// [`expect`](Self::expect), and the text must be `text`.
    pub(crate) fn expect_text(
        &self,
        name: &str,
        arguments: Value,
        result: i64,
        text: &str,
    ) -> Value {
        let r = self.expect(name, arguments.clone(), result);
        assert_eq!(r["text"], text, "{name} {arguments}");
        r
    }

    /// The lines of the server's log (all its starts) that carry the message id `id`.
    pub(crate) fn logged(&self, id: &str) -> Vec<String> {
        std::fs::read_to_string(self.server.dir().join("stdout.log"))
            .expect("server log")
            .lines()
            .filter(|l| l.split_whitespace().any(|w| w == id))
            .map(str::to_owned)
            .collect()
    }

    /// A statistic's current value.
    pub(crate) fn stat(&self, name: &str) -> i64 {
        let r = self.run("statistic-get", Some(json!({ "name": name })));
        r["arguments"][name][0][0]
            .as_i64()
            .unwrap_or_else(|| panic!("{name}: {r}"))
    }
}

/// LC-120..LC-124 for family `v` (4 or 6): wipes subnet 7, which holds one lease, then every subnet,
/// which hold `rest` more (subnet 1); empty is 3. `assigned` names the statistic that counts them
/// (`assigned-addresses`, `assigned-nas`). LC-122: every call warns that the command is deprecated,
/// and each one that ran, whether it deleted something or not, logs `LEASE_CMDS_WIPE<v>` at info.
pub(crate) fn wipe_subnets(c: &LeaseCmds<'_>, v: u8, assigned: &str, rest: usize) {
    let cmd = format!("lease{v}-wipe");
    let deleted = |n: usize, ids: &str| {
        format!("Deleted {n} IPv{v} lease(s) from subnet(s) {ids} WARNING: lease{v}-wipe is deprecated!")
    };
    assert_eq!(c.stat(&format!("subnet[7].{assigned}")), 1);
    c.expect(&cmd, json!({"subnet-id": "x"}), 1);
    let r = c.expect(&cmd, json!({"subnet-id": 99}), 3);
    assert_eq!(r["text"], deleted(0, "99"));
    let r = c.expect(&cmd, json!({"subnet-id": 7}), 0);
    assert_eq!(r["text"], deleted(1, "7"));
    assert_eq!(c.stat(&format!("subnet[7].{assigned}")), 0);
    c.expect(&cmd, json!({"subnet-id": 7}), 3);
    let r = c.expect(&cmd, Value::Null, 0);
    assert_eq!(r["text"], deleted(rest, "1 7"));
    c.expect(&cmd, json!({}), 3);
    assert_eq!(c.stat(&format!("subnet[1].{assigned}")), 0);

    let id = format!("LEASE_CMDS_WIPE{v}");
    let severities = |suffix: &str, severity: &str, n: usize| {
        let lines = c.logged(&format!("{id}{suffix}"));
        assert_eq!(lines.len(), n, "{id}{suffix}: {lines:#?}");
        assert!(lines.iter().all(|l| l.contains(severity)), "{lines:#?}");
    };
    severities("", "INFO", 5);
    severities("_FAILED", "ERROR", 1);
    severities("_DEPRECATED", "WARN", 6);
}

/// Checks a list answer as Kea gives it (LC-083): `<n> IPv<v> lease(s) found.`, result 0, or 3 with
/// an empty list; `arguments` holds `leases` and, for a page (`page`), `count`, and nothing else.
pub(crate) fn assert_found(r: &Value, v: u8, n: usize, page: bool) {
    assert_eq!(r["result"], if n > 0 { 0 } else { 3 }, "{r}");
    assert_eq!(r["text"], format!("{n} IPv{v} lease(s) found."), "{r}");
    let args = r["arguments"].as_object().expect("arguments");
    let mut keys: Vec<&str> = args.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let expected: &[&str] = if page {
        &["count", "leases"]
    } else {
        &["leases"]
    };
    assert_eq!(keys, expected, "{r}");
    assert_eq!(args["leases"].as_array().map(Vec::len), Some(n), "{r}");
    if page {
        assert_eq!(args["count"], n, "{r}");
    }
}

/// LC-071, LC-081, LC-092: the argument errors of `lease<v>-get-all`, `lease<v>-get-page` and
/// `lease<v>-get-by-hostname`, each result 1 with Kea's text (`other` is an address of the other
/// family); and a `subnets` integer that is no subnet id selects nothing (3), as in Kea.
pub(crate) fn list_argument_errors(c: &LeaseCmds<'_>, v: u8, other: &str) {
    let all = format!("lease{v}-get-all");
    c.expect_text(&all, json!({}), 1, "'subnets' parameter not specified");
    c.expect_text(
        &all,
        json!({"subnets": 5}),
        1,
        "'subnets' parameter must be a list",
    );
    for bad in [json!(["1"]), json!([1, 2.5])] {
        c.expect_text(
            &all,
            json!({ "subnets": bad }),
            1,
            "listed subnet identifiers must be numbers",
        );
    }
    let r = c.expect(&all, json!({"subnets": [-1]}), 3);
    assert_found(&r, v, 0, false);

    let page = format!("lease{v}-get-page");
    c.expect_text(
        &page,
        Value::Null,
        1,
        &format!("no parameters specified for the {page} command"),
    );
    let family = format!("IPv{v}");
    for (args, text) in [
        (
            json!({"limit": 2}),
            "'from' parameter not specified".to_owned(),
        ),
        (
            json!({"from": 5, "limit": 2}),
            "'from' parameter must be a string".into(),
        ),
        (
            json!({"from": "foo", "limit": 2}),
            format!(
                "'from' parameter value is neither 'start' keyword nor a valid {family} address"
            ),
        ),
        (
            json!({"from": other, "limit": 2}),
            format!("'from' parameter value {other} is not an {family} address"),
        ),
        (
            json!({"from": "start"}),
            "'limit' parameter not specified".into(),
        ),
        (
            json!({"from": "start", "limit": "2"}),
            "'limit' parameter must be a number".into(),
        ),
        (
            json!({"from": "start", "limit": 0}),
            "page size of retrieved leases must not be 0".into(),
        ),
        (
            json!({"from": "start", "limit": -1}),
            "page size of retrieved leases must not be greater than 4294967295".into(),
        ),
        (
            json!({"from": "start", "limit": 4_294_967_296u64}),
            "page size of retrieved leases must not be greater than 4294967295".into(),
        ),
    ] {
        c.expect_text(&page, args, 1, &text);
    }

    c.expect_text(
        &format!("lease{v}-get-by-hostname"),
        json!({"hostname": ""}),
        1,
        "'hostname' parameter is empty",
    );
}

/// LC-091, LC-092: each lookup `(command, key)` refuses missing arguments, a missing key and a
/// value that is not a string with result 1 and Kea's texts.
pub(crate) fn lookup_argument_errors(c: &LeaseCmds<'_>, lookups: &[(&str, &str)]) {
    for (cmd, key) in lookups {
        c.expect_text(
            cmd,
            Value::Null,
            1,
            "Command arguments missing or a not a map.",
        );
        c.expect_text(
            cmd,
            json!({}),
            1,
            &format!("'{key}' parameter not specified"),
        );
        c.expect_text(
            cmd,
            json!({ *key: 5 }),
            1,
            &format!("'{key}' parameter must be a string"),
        );
    }
}

/// The callout points the probe plugin logged to `log`, in order.
pub(crate) fn probe_points(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .expect("probe log")
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1).map(str::to_owned))
        .collect()
}

/// Unloads the plugin with a `config-set` of `cfg` (its `family` map, `Dhcp4` or `Dhcp6`, without
/// `hooks-libraries`); then none of `commands` is known (2).
pub(crate) fn unload(c: &LeaseCmds<'_>, mut cfg: Value, family: &str, commands: &[&str]) {
    cfg[family]["hooks-libraries"] = json!([]);
    c.expect("config-set", cfg, 0);
    for name in commands {
        c.expect(name, json!({}), 2);
    }
}

/// The addresses of a list answer (`arguments.leases`), in order.
pub(crate) fn addresses(response: &Value) -> Vec<String> {
    response["arguments"]["leases"]
        .as_array()
        .unwrap_or_else(|| panic!("no leases in {response}"))
        .iter()
        .map(|l| l["ip-address"].as_str().expect("address").to_owned())
        .collect()
}

/// A found lease without its `cltt` (the time each server added it), for comparing servers.
pub(crate) fn without_cltt(response: &Value) -> Value {
    let mut v = response["arguments"].clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("cltt");
    }
    v
}

/// One step of a differential sequence (the same commands sent to Kea 2.2 with its own plugin and to
/// Ruru): a command, and the result Ruru gives where it differs from Kea 2.2 on purpose (the suites
/// say why at each step; mostly where Kea 2.7.3, the version Ruru follows, changed the answer).
pub(crate) struct Step {
    pub(crate) command: &'static str,
    pub(crate) arguments: Value,
    pub(crate) ruru: Option<i64>,
    /// Whether the texts must be equal too.
    pub(crate) same_text: bool,
}

/// A step both servers answer with the same result.
pub(crate) fn step(command: &'static str, arguments: Value) -> Step {
    Step {
        command,
        arguments,
        ruru: None,
        same_text: false,
    }
}

/// A step both servers answer with the same result and the same text.
pub(crate) fn same_text(command: &'static str, arguments: Value) -> Step {
    Step {
        same_text: true,
        ..step(command, arguments)
    }
}

/// A step Ruru answers with `ruru`, and Kea 2.2 with something else.
pub(crate) fn differs(command: &'static str, arguments: Value, ruru: i64) -> Step {
    Step {
        ruru: Some(ruru),
        ..step(command, arguments)
    }
}

/// Runs `steps` on `c`, each with its arguments (none where they are null); the responses.
pub(crate) fn run_steps(c: &LeaseCmds<'_>, steps: &[Step]) -> Vec<Value> {
    steps
        .iter()
        .map(|s| {
            c.run(
                s.command,
                (!s.arguments.is_null()).then(|| s.arguments.clone()),
            )
        })
        .collect()
}

/// Where the answers of Kea (`kea`) and Ruru (`ruru`) to `steps` disagree other than as the steps
/// say, one text each: a result code, a text where the step wants the same one, a marked difference
/// that is none (any more), or a lease that
/// `get` (`lease4-get`, `lease6-get`) found on both sides but reads differently once passed through
/// `comparable`.
pub(crate) fn mismatches(
    steps: &[Step],
    kea: &[Value],
    ruru: &[Value],
    get: &str,
    comparable: impl Fn(&Value) -> Value,
) -> Vec<String> {
    let mut found = Vec::new();
    for ((s, k), r) in steps.iter().zip(kea).zip(ruru) {
        let what = format!(
            "{} {}\n  kea 2.2: {k}\n  ruru:    {r}",
            s.command, s.arguments
        );
        match s.ruru {
            None if k["result"] != r["result"] => found.push(what.clone()),
            Some(ours) if r["result"] != json!(ours) || k["result"] == json!(ours) => {
                found.push(format!("(marked as a difference) {what}"))
            }
            _ => {}
        }
        if s.same_text && k["text"] != r["text"] {
            found.push(format!("(text differs) {what}"));
        }
        let both_found = r["result"] == 0 && k["result"] == 0;
        if s.command == get && both_found && comparable(k) != comparable(r) {
            found.push(format!("(lease differs) {what}"));
        }
    }
    found
}
