//! The installed (global) subscriber: the startup variables are read from the environment
//! (CTL-110), and each configuration sets tracing's global maximum level, the check a disabled
//! event stops at (CTL-103). One test: the subscriber and the environment are the process's.

use ruru_config::{Logger, Severity};
use ruru_log::{Logging, Startup, DESTINATION_ENV, LOCKFILE_DIR_ENV};
use tracing::level_filters::LevelFilter;

fn entry(name: &str, severity: Severity, debuglevel: u8) -> Logger {
    Logger {
        name: name.into(),
        severity: Some(severity),
        debuglevel: Some(debuglevel),
        outputs: Vec::new(),
        user_context: None,
    }
}

#[test]
fn ctl_110_ctl_103_installed_logging_follows_the_environment_and_configurations() {
    let dir = tempfile::tempdir().unwrap();
    let startup = dir.path().join("startup.log");
    std::env::set_var(DESTINATION_ENV, &startup);
    std::env::set_var(LOCKFILE_DIR_ENV, "none");
    let logging = Logging::install(Startup::from_env("kea-dhcp4", false));
    assert_eq!(LevelFilter::current(), LevelFilter::INFO);
    tracing::info!(target: "kea-dhcp4.dhcp4", id = "DHCP4_STARTED", "started");
    tracing::debug!(target: "kea-dhcp4.dhcp4", "not shown");

    logging.apply(&[entry("kea-dhcp4.bad-packets", Severity::Debug, 15)]);
    assert_eq!(LevelFilter::current(), LevelFilter::DEBUG);
    tracing::debug!(target: "kea-dhcp4.bad-packets", id = "DHCP4_PACKET_DROP_0001", "dropped");
    tracing::debug!(target: "kea-dhcp4.packets", "not shown");

    logging.apply(&[entry("kea-dhcp4.packets", Severity::Debug, 55)]);
    assert_eq!(LevelFilter::current(), LevelFilter::TRACE);

    logging.apply(&[]);
    assert_eq!(LevelFilter::current(), LevelFilter::INFO);
    drop(logging);

    let text = std::fs::read_to_string(&startup).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].ends_with("] DHCP4_STARTED started"), "{text}");
    assert!(
        lines[1].contains(" DEBUG [kea-dhcp4.bad-packets/")
            && lines[1].ends_with("] DHCP4_PACKET_DROP_0001 dropped"),
        "{text}"
    );
}
