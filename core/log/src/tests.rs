//! The layer end to end within one process: which events reach which outputs (CTL-101..CTL-104,
//! CTL-110) and how they read (CTL-106). Each test runs its own subscriber on its thread.

use std::path::{Path, PathBuf};
use std::sync::Once;

use regex::Regex;
use ruru_config::{LogOutput, Logger, Severity};
use tracing::Dispatch;
use tracing_subscriber::layer::SubscriberExt;

use super::*;

/// Local time is UTC+2 in this crate's tests, set once before any of them formats a time: glibc
/// reads TZ once, and a test must not change it while another converts.
pub(crate) fn fixed_timezone() {
    extern "C" {
        // POSIX; the libc crate does not declare it.
        fn tzset();
    }
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("TZ", "UTC-2");
        // SAFETY: tzset only re-reads TZ; no time conversion runs yet (they all wait on ONCE).
        unsafe { tzset() };
    });
}

/// CTL-106's shape of a stdout/file line.
const LINE: &str = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} (FATAL|ERROR|WARN |INFO |DEBUG) \[[a-z0-9.-]+/\d+\.\d+\] \S";

/// A scratch directory, logging installed for the calling thread only, and the startup file.
struct Fixture {
    dir: tempfile::TempDir,
    logging: Logging,
    dispatch: Dispatch,
}

impl Fixture {
    /// Starts with `KEA_LOGGER_DESTINATION` naming `startup.log` in the scratch directory.
    fn new(debug: bool) -> Fixture {
        fixed_timezone();
        let dir = tempfile::tempdir().unwrap();
        let destination = dir.path().join("startup.log");
        let startup = Startup::from_values(
            "kea-dhcp4",
            debug,
            destination.to_str(),
            dir.path().to_str(),
        );
        let (logging, layer) = Logging::new(startup);
        let dispatch = Dispatch::new(tracing_subscriber::registry().with(layer));
        Fixture {
            dir,
            logging,
            dispatch,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, f: impl FnOnce()) {
        tracing::dispatcher::with_default(&self.dispatch, f);
    }
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn file(path: &Path) -> LogOutput {
    LogOutput {
        output: path.to_str().unwrap().to_owned(),
        flush: true,
        maxsize: 10_240_000,
        maxver: 1,
        pattern: Some("%p %c %m\n".into()),
    }
}

fn logger(name: &str, severity: Option<Severity>, debuglevel: Option<u8>) -> Logger {
    Logger {
        name: name.into(),
        severity,
        debuglevel,
        outputs: Vec::new(),
        user_context: None,
    }
}

fn with_output(mut l: Logger, output: LogOutput) -> Logger {
    l.outputs.push(output);
    l
}

// CTL-103 and CTL-110: without a configuration, INFO and above go to KEA_LOGGER_DESTINATION in the
// default layout (CTL-106); debug does not.
#[test]
fn ctl_103_ctl_110_defaults_to_info_on_the_startup_destination() {
    let f = Fixture::new(false);
    f.run(|| {
        tracing::info!(target: "kea-dhcp4.dhcp4", id = "DHCP4_STARTED", "Kea DHCPv4 server version 0.1.0 started");
        tracing::debug!(target: "kea-dhcp4.dhcp4", id = "DHCP4_HIDDEN", "not shown");
    });
    let got = lines(&f.path("startup.log"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(Regex::new(LINE).unwrap().is_match(&got[0]), "{}", got[0]);
    assert!(
        got[0].contains(" INFO  [kea-dhcp4.dhcp4/")
            && got[0].ends_with("] DHCP4_STARTED Kea DHCPv4 server version 0.1.0 started"),
        "{}",
        got[0]
    );
}

// CTL-103: `-d` is DEBUG/99 everywhere whatever the entries say; their outputs still apply.
#[test]
fn ctl_103_debug_flag_forces_debug_99() {
    let f = Fixture::new(true);
    let out = f.path("out.log");
    f.logging.apply(&[
        with_output(logger("kea-dhcp4", Some(Severity::Warn), None), file(&out)),
        logger("kea-dhcp4.packets", Some(Severity::None), None),
    ]);
    f.run(|| {
        tracing::debug!(target: "kea-dhcp4.dhcp4", "debug");
        tracing::trace!(target: "kea-dhcp4.packets", debuglevel = 99, "dump");
    });
    assert_eq!(
        lines(&out),
        [
            "DEBUG kea-dhcp4.dhcp4 debug",
            "DEBUG kea-dhcp4.packets dump"
        ]
    );
}

// CTL-101: root INFO and `kea-dhcp4.bad-packets` DEBUG/15 → only that logger emits debug, up to
// level 15, into the root's output it inherits.
#[test]
fn ctl_101_most_specific_logger_wins() {
    let f = Fixture::new(false);
    let out = f.path("out.log");
    f.logging.apply(&[
        with_output(logger("kea-dhcp4", Some(Severity::Info), None), file(&out)),
        logger("kea-dhcp4.bad-packets", Some(Severity::Debug), Some(15)),
    ]);
    f.run(|| {
        tracing::debug!(target: "kea-dhcp4.bad-packets", debuglevel = 15, id = "DHCP4_PACKET_DROP_0001", "dropped");
        tracing::debug!(target: "kea-dhcp4.bad-packets", debuglevel = 40, "too fine");
        tracing::debug!(target: "kea-dhcp4.packets", "other logger");
        tracing::info!(target: "kea-dhcp4.packets", "info");
    });
    assert_eq!(
        lines(&out),
        [
            "DEBUG kea-dhcp4.bad-packets DHCP4_PACKET_DROP_0001 dropped",
            "INFO kea-dhcp4.packets info"
        ]
    );
}

// HK-036: a plugin's messages belong to `<root>.<its logger>`: setting `kea-dhcp4.lease-cmds-hooks`
// to DEBUG shows that plugin's debug messages only; a plugin logging as `hooks` stays at INFO.
#[test]
fn hk_036_plugin_loggers_are_configurable() {
    let f = Fixture::new(false);
    let out = f.path("out.log");
    f.logging.apply(&[
        with_output(logger("kea-dhcp4", Some(Severity::Info), None), file(&out)),
        logger("kea-dhcp4.lease-cmds-hooks", Some(Severity::Debug), None),
    ]);
    f.run(|| {
        tracing::debug!(target: "kea-dhcp4.plugin", logger = "lease-cmds-hooks", "mine");
        tracing::debug!(target: "kea-dhcp4.plugin", logger = "hooks", "not shown");
        tracing::info!(target: "kea-dhcp4.plugin", logger = "hooks", "shown");
    });
    assert_eq!(
        lines(&out),
        [
            "DEBUG kea-dhcp4.lease-cmds-hooks mine",
            "INFO kea-dhcp4.hooks shown"
        ]
    );
}

// CTL-101 and CTL-104: an entry overrides only what it sets, and loggers with their own outputs
// write there only; DEBUG without a debuglevel is 0, not the parent's.
#[test]
fn ctl_101_entries_override_only_what_they_set() {
    let f = Fixture::new(false);
    let (root, leases) = (f.path("root.log"), f.path("leases.log"));
    f.logging.apply(&[
        with_output(
            logger("kea-dhcp4", Some(Severity::Debug), Some(40)),
            file(&root),
        ),
        // Outputs only: severity and level come from kea-dhcp4.
        with_output(logger("kea-dhcp4.leases", None, None), file(&leases)),
        // DEBUG alone: level 0.
        logger("kea-dhcp4.hosts", Some(Severity::Debug), None),
        // A level alone: the inherited DEBUG at that level.
        logger("kea-dhcp4.options", None, Some(10)),
    ]);
    f.run(|| {
        tracing::debug!(target: "kea-dhcp4.leases", debuglevel = 40, "lease");
        tracing::debug!(target: "kea-dhcp4.leases.sub", debuglevel = 40, "child of leases");
        tracing::debug!(target: "kea-dhcp4.hosts", "host level 0");
        tracing::debug!(target: "kea-dhcp4.hosts", debuglevel = 10, "host level 10");
        tracing::debug!(target: "kea-dhcp4.options", debuglevel = 10, "option level 10");
        tracing::debug!(target: "kea-dhcp4.options", debuglevel = 11, "option level 11");
        tracing::debug!(target: "kea-dhcp4.dhcp4", debuglevel = 40, "root level 40");
    });
    assert_eq!(
        lines(&leases),
        [
            "DEBUG kea-dhcp4.leases lease",
            "DEBUG kea-dhcp4.leases.sub child of leases"
        ]
    );
    assert_eq!(
        lines(&root),
        [
            "DEBUG kea-dhcp4.hosts host level 0",
            "DEBUG kea-dhcp4.options option level 10",
            "DEBUG kea-dhcp4.dhcp4 root level 40"
        ]
    );
}

// CTL-102: NONE silences a logger entirely, ERROR included.
#[test]
fn ctl_102_none_suppresses_a_logger() {
    let f = Fixture::new(false);
    let out = f.path("out.log");
    f.logging.apply(&[
        with_output(logger("kea-dhcp4", None, None), file(&out)),
        logger("kea-dhcp4.leases", Some(Severity::None), None),
        logger("kea-dhcp4.hosts", Some(Severity::Fatal), None),
    ]);
    f.run(|| {
        tracing::error!(target: "kea-dhcp4.leases", "silenced");
        tracing::warn!(target: "kea-dhcp4.hosts", "below fatal");
        tracing::error!(target: "kea-dhcp4.dhcp4", "shown");
    });
    assert_eq!(lines(&out), ["ERROR kea-dhcp4.dhcp4 shown"]);
}

// CTL-106/CTL-108: `ID text key=value`; events of crates logging under their module path belong
// to the root logger.
#[test]
fn ctl_106_messages_read_as_kea_messages() {
    let f = Fixture::new(false);
    let out = f.path("out.log");
    f.logging
        .apply(&[with_output(logger("kea-dhcp4", None, None), file(&out))]);
    let path = Path::new("/var/lib/kea/kea-leases4.csv");
    f.run(|| {
        tracing::warn!(target: "kea-dhcp4.dhcp4", id = "DHCP4_SERVERID_WRITE_FAIL", file = %path.display(), "cannot store the server identifier: {}", "denied");
        tracing::info!(target: "kea-dhcp4.commands", id = "DHCP4_DHCP_DISABLE_COMMAND", origin = "user", max_period = ?Some(5), "DHCPv4 service disabled");
        tracing::warn!(target: "kea-dhcp4.dhcp4", "no id");
        tracing::info!(pid = 42, "lease file cleanup started");
        tracing::info!(target: "kea-dhcp4.dhcp4", id = "ONLY_ID");
    });
    assert_eq!(
        lines(&out),
        [
            "WARN kea-dhcp4.dhcp4 DHCP4_SERVERID_WRITE_FAIL cannot store the server identifier: denied file=/var/lib/kea/kea-leases4.csv",
            "INFO kea-dhcp4.commands DHCP4_DHCP_DISABLE_COMMAND DHCPv4 service disabled origin=\"user\" max_period=Some(5)",
            "WARN kea-dhcp4.dhcp4 no id",
            "INFO kea-dhcp4 lease file cleanup started pid=42",
            "INFO kea-dhcp4.dhcp4 ONLY_ID",
        ]
    );
}

// Reconfiguration: an empty section brings back the startup logging; a bad pattern or an
// unwritable file falls back and says so; several outputs of one logger each get the line.
#[test]
fn reconfiguration_and_fallbacks() {
    let f = Fixture::new(false);
    let (a, b) = (f.path("a.log"), f.path("b.log"));
    let mut bad = file(&b);
    bad.pattern = Some("%Z oops".into());
    let unwritable = LogOutput {
        output: f.path("missing/dir/x.log").to_str().unwrap().into(),
        ..file(&a)
    };
    // Applied on the test's subscriber, so the fallbacks' warnings are written where it writes.
    f.run(|| {
        f.logging.apply(&[
            with_output(with_output(logger("kea-dhcp4", None, None), file(&a)), bad),
            with_output(logger("kea-dhcp4.hosts", None, None), unwritable),
        ]);
        tracing::info!(target: "kea-dhcp4.dhcp4", "both");
        f.logging.apply(&[]);
        tracing::info!(target: "kea-dhcp4.dhcp4", id = "BACK", "startup again");
    });
    let a = lines(&a);
    assert!(a[0].starts_with("WARN kea-dhcp4 LOG_BAD_PATTERN "), "{a:?}");
    assert!(
        a[1].starts_with("WARN kea-dhcp4 LOG_OPEN_OUTPUT_FAIL "),
        "{a:?}"
    );
    assert_eq!(a[2], "INFO kea-dhcp4.dhcp4 both");
    let b = lines(&b);
    assert_eq!(b.len(), 3, "{b:?}");
    assert!(
        Regex::new(LINE).unwrap().is_match(&b[2]) && b[2].ends_with("] both"),
        "{b:?}"
    );
    let startup = lines(&f.path("startup.log"));
    assert!(
        startup.last().unwrap().ends_with("BACK startup again"),
        "{startup:?}"
    );
}

// CTL-110: the variables' values, and their defaults.
#[test]
fn ctl_110_startup_variables() {
    let s = |d, l| Startup::from_values("kea-dhcp4", false, d, l);
    assert_eq!(s(None, None).destination, "stdout");
    assert_eq!(s(Some(""), None).destination, "stdout");
    assert_eq!(s(Some("stderr"), None).destination, "stderr");
    assert_eq!(s(Some("syslog:local1"), None).destination, "syslog:local1");
    assert_eq!(s(Some("/tmp/k.log"), None).destination, "/tmp/k.log");
    assert_eq!(s(None, None).lock_dir, Some(PathBuf::from("/run/kea")));
    assert_eq!(s(None, Some("none")).lock_dir, None);
    assert_eq!(s(None, Some("/x")).lock_dir, Some(PathBuf::from("/x")));
}
