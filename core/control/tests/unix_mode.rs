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
