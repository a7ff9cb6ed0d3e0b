//! Socket file modes (CTL-112/113). Its own test binary: the umask is per process.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::*;
use ruru_control::ControlSockets;

fn mode_with_umask(umask: libc::mode_t) -> u32 {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ctl.sock");
    // SAFETY: umask only swaps the process's file creation mask.
    let previous = unsafe { libc::umask(umask) };
    let mut sockets = ControlSockets::new(handler(), "kea-dhcpv4-server");
    let opened = sockets.reconcile(&[unix(&path)]);
    // SAFETY: as above.
    unsafe { libc::umask(previous) };
    opened.unwrap();
    std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777
}

#[tokio::test]
async fn ctl112_ctl113_mode_follows_umask_and_never_grants_other() {
    assert_eq!(mode_with_umask(0o000), 0o770);
    assert_eq!(mode_with_umask(0o027), 0o750);
    assert_eq!(mode_with_umask(0o077), 0o700);
}

/// CTL-113: a socket in a directory anyone may write to (0777, no sticky bit) can be replaced by
/// anyone: a warning names it; with the sticky bit (as /tmp has) or without write for "other", none.
// A current-thread runtime: the accept task starts on this thread, under its subscriber.
#[tokio::test]
async fn ctl113_warning_for_a_directory_others_may_write() {
    const WARNING: &str = "writable by others without the sticky bit";
    for (mode, warned) in [(0o777, true), (0o1777, false), (0o755, false)] {
        let captured = Captured::default();
        let _guard = captured.install();
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("run");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
        let path = dir.join("ctl.sock");
        let mut sockets = ControlSockets::new(handler(), "kea-dhcpv4-server");
        sockets.reconcile(&[unix(&path)]).unwrap();
        let log = captured.text();
        let line = log.lines().find(|l| l.contains(WARNING));
        assert_eq!(line.is_some(), warned, "mode {mode:o}:\n{log}");
        if let Some(line) = line {
            assert!(line.contains("WARN kea-dhcp4.commands:"), "{line}");
            assert!(line.contains(&path.display().to_string()), "{line}");
        }
    }
}
