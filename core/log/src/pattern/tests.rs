//! CTL-106 and CTL-107: the patterns against lines written for a fixed clock, pid and thread.

use std::time::{Duration, UNIX_EPOCH};

use super::*;
use crate::tests::fixed_timezone;

/// 2019-08-05 14:27:45.871234 UTC, the ARM's example line; local time is UTC+2 (see
/// `fixed_timezone`).
fn record() -> Record<'static> {
    Record {
        time: UNIX_EPOCH + Duration::from_micros(1_565_015_265_871_234),
        uptime: Duration::from_millis(1235),
        level: Level::DEBUG,
        logger: "kea-dhcp4.dhcpsrv",
        message: "DHCPSRV_TIMERMGR_START_TIMER starting timer: reclaim-expired-leases",
        pid: 8475,
        thread: 12345,
        tid: 168_005,
        file: Some("core/server/src/timers.rs"),
        line: Some(179),
        module: Some("ruru_server::timers"),
    }
}

fn render(pattern: &str, r: &Record<'_>) -> String {
    fixed_timezone();
    let mut out = String::new();
    Pattern::compile(pattern)
        .unwrap_or_else(|e| panic!("{pattern:?}: {e}"))
        .render(r, &mut out);
    out
}

// CTL-106: the default layouts, byte for byte.
#[test]
fn ctl_106_default_patterns() {
    let r = record();
    assert_eq!(
        render(DEFAULT, &r),
        "2019-08-05 16:27:45.871 DEBUG [kea-dhcp4.dhcpsrv/8475.12345] \
         DHCPSRV_TIMERMGR_START_TIMER starting timer: reclaim-expired-leases\n"
    );
    assert_eq!(
        render(SYSLOG, &r),
        "DEBUG [kea-dhcp4.dhcpsrv.12345] \
         DHCPSRV_TIMERMGR_START_TIMER starting timer: reclaim-expired-leases\n"
    );
    let info = Record {
        level: Level::INFO,
        ..record()
    };
    assert!(render(DEFAULT, &info).starts_with("2019-08-05 16:27:45.871 INFO  [kea-dhcp4.dhcpsrv/"));
}

// CTL-107: every conversion and modifier.
#[test]
fn ctl_107_conversions_and_modifiers() {
    let rows: &[(&str, &str)] = &[
        // Time: UTC and local, strftime fields, %q, %Q, %% kept for strftime, the default format.
        ("%d{%Y-%m-%d %H:%M:%S.%q}", "2019-08-05 14:27:45.871"),
        ("%D{%H:%M:%S.%q}", "16:27:45.871"),
        ("%d{%Q}", "871.234"),
        ("%d{%j %a %A %b %B %y %w %%q}", "217 Mon Monday Aug August 19 1 %q"),
        ("%d{%-Y/%-m/%-d}", "2019/8/5"),
        ("%d", "2019-08-05 14:27:45"),
        ("[%d{}]", "[2019-08-05 14:27:45]"),
        // Severity with padding either side.
        ("%p|%-7p|%7p", "DEBUG|DEBUG  |  DEBUG"),
        // Logger, whole or its last components.
        ("%c", "kea-dhcp4.dhcpsrv"),
        ("%c{1}", "dhcpsrv"),
        ("%c{2}", "kea-dhcp4.dhcpsrv"),
        ("%c{5}", "kea-dhcp4.dhcpsrv"),
        // Process and threads.
        ("%i.%t/%T", "8475.12345/168005"),
        // Message; precision truncates from the start, as log4cplus does.
        ("%.10m", "red-leases"),
        ("%-15.40m|", "R starting timer: reclaim-expired-leases|"),
        ("%70m", "   DHCPSRV_TIMERMGR_START_TIMER starting timer: reclaim-expired-leases"),
        // Location.
        ("%F|%b|%L|%l|%M", "core/server/src/timers.rs|timers.rs|179|core/server/src/timers.rs:179|ruru_server::timers"),
        ("%r", "1235"),
        // Environment (cargo sets CARGO_PKG_NAME for the test run), an unset variable is empty.
        ("%10.35E{CARGO_PKG_NAME}|", "  ruru-log|"),
        ("%.3E{CARGO_PKG_NAME}", "log"),
        ("<%E{RURU_LOG_TEST_SURELY_UNSET}>", "<>"),
        // Literals.
        ("100%% done%n", "100% done\n"),
        ("{braces} stay", "{braces} stay"),
        ("%p{x}", "DEBUG{x}"),
    ];
    let r = record();
    for (pattern, wanted) in rows {
        assert_eq!(&render(pattern, &r), wanted, "pattern {pattern:?}");
    }
}

// CTL-107: %h is the host name.
#[test]
fn ctl_107_host_name() {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    assert_eq!(render("%h", &record()), host.trim());
}

// CTL-107: what is not a pattern is refused with the place, so the output falls back to the
// default instead of printing garbage.
#[test]
fn ctl_107_bad_patterns() {
    let rows = [
        ("%", PatternError::Dangling(0)),
        ("abc %-5", PatternError::Dangling(4)),
        ("%z", PatternError::Unknown { ch: 'z', at: 0 }),
        ("ok %d{%Y", PatternError::Unclosed(3)),
        ("%c{x}", PatternError::Precision("x".into())),
    ];
    for (pattern, wanted) in rows {
        assert_eq!(Pattern::compile(pattern), Err(wanted), "{pattern:?}");
    }
}

// A line with fields missing (no file or line known) leaves their conversions empty.
#[test]
fn ctl_107_missing_location_is_empty() {
    let r = Record {
        file: None,
        line: None,
        module: None,
        ..record()
    };
    assert_eq!(render("[%F|%L|%l|%M]", &r), "[||:|]");
}
