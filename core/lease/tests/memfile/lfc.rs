//! Lease file cleanup with the real `ruru-lfc` binary (V4-085, CTL-090..CTL-093), including runs
//! interrupted at every step.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use ruru_lease::{CleanupFiles, Lease4, LfcStart, Memfile4, StoreError};

use crate::support::{assert_same, contents, dir, files, lease, options, reload};

const LFC: &str = env!("CARGO_BIN_EXE_ruru-lfc");

/// Fills a store with history: adds, renewals, deletions.
fn churn(m: &Memfile4, range: std::ops::Range<u32>, cltt: u64) {
    for n in range.clone() {
        m.add4_sync(&lease(n, cltt));
    }
    for n in range.clone().step_by(2) {
        m.update4_sync(&lease(n, cltt + 100));
    }
    for n in range.step_by(7) {
        m.delete4_sync(lease(n, 0).address);
    }
    m.flush_sync().unwrap();
}

/// The rows of a lease file after its header.
fn rows(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

fn run_lfc(files: &CleanupFiles) -> std::process::Output {
    Command::new(LFC)
        .arg("-4")
        .arg("-x")
        .arg(&files.previous)
        .arg("-i")
        .arg(&files.input)
        .arg("-o")
        .arg(&files.output)
        .arg("-f")
        .arg(&files.finish)
        .arg("-p")
        .arg(&files.pid)
        .args(["-c", "ignored-path"])
        .output()
        .unwrap()
}

// V4-085, CTL-090, CTL-091: two full cycles while the server keeps writing; nothing is lost, the
// previous file holds one row per live lease, the live file only what came after the rotation.
#[test]
fn v4_085_full_cycles() {
    let d = dir("cycle");
    let path = d.join("leases4.csv");
    let (m, _) = Memfile4::open(options(&path)).unwrap();
    churn(&m, 0..200, 1_000);
    // Buffered but not flushed: the rotation must carry these into the rotated file.
    m.add4_sync(&lease(1000, 5));
    let LfcStart::Started { .. } = m.start_lfc().unwrap() else {
        panic!("cleanup not started")
    };
    churn(&m, 300..350, 2_000);
    assert!(m.wait_lfc().unwrap().unwrap().success());
    assert_eq!(files(&d), ["leases4.csv", "leases4.csv.2"]);
    let live_before = contents(&m);
    let prev = rows(&d.join("leases4.csv.2"));
    assert_eq!(
        prev.len(),
        200 - 29 + 1,
        "one row per live lease of the rotated part"
    );
    let addrs: Vec<Ipv4Addr> = prev
        .iter()
        .map(|r| r.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert!(
        addrs.windows(2).all(|w| w[0] < w[1]),
        "rows in address order"
    );
    assert_eq!(
        rows(&path).len(),
        50 + 25 + 8,
        "the live file kept only rows after the rotation"
    );
    assert_same(&reload(&path), &live_before, "reload after the first cycle");

    // Second cycle merges the previous result with the new rows.
    m.delete4_sync(lease(1, 0).address);
    m.update4_sync(&lease(2, 9_999));
    assert!(matches!(m.start_lfc().unwrap(), LfcStart::Started { .. }));
    assert!(m.wait_lfc().unwrap().unwrap().success());
    assert_eq!(files(&d), ["leases4.csv", "leases4.csv.2"]);
    assert_eq!(rows(&path).len(), 0);
    assert_eq!(rows(&d.join("leases4.csv.2")).len(), m.count4_sync());
    let want = contents(&m);
    drop(m);
    assert_same(&reload(&path), &want, "reload after the second cycle");
    assert_eq!(want.get(&lease(2, 0).address).map(|l| l.cltt), Some(9_999));
    assert!(!want.contains_key(&lease(1, 0).address));
}

/// Sets up `previous` and `input` with history, returns the expected lease set and the merge the
/// cleanup produces.
fn leftovers(d: &Path) -> (PathBuf, BTreeMap<Ipv4Addr, Lease4>, Vec<u8>) {
    let path = d.join("leases4.csv");
    let files = CleanupFiles::for_lease_file(&path);
    let (m, _) = Memfile4::open(options(&path)).unwrap();
    churn(&m, 0..100, 1_000);
    assert!(matches!(m.start_lfc().unwrap(), LfcStart::Started { .. }));
    assert!(m.wait_lfc().unwrap().unwrap().success());
    churn(&m, 50..150, 2_000);
    let want = contents(&m);
    drop(m);
    // Rotate by hand and keep copies, then learn what the merge writes.
    std::fs::rename(&path, &files.input).unwrap();
    std::fs::write(
        &path,
        std::fs::read_to_string(&files.previous)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_owned()
            + "\n",
    )
    .unwrap();
    let (prev, input) = (
        std::fs::read(&files.previous).unwrap(),
        std::fs::read(&files.input).unwrap(),
    );
    assert!(run_lfc(&files).status.success());
    let merged = std::fs::read(&files.previous).unwrap();
    std::fs::write(&files.previous, prev).unwrap();
    std::fs::write(&files.input, input).unwrap();
    (path, want, merged)
}

// CTL-091, CTL-092: the process killed after each of its steps; the server finds every lease on
// restart, and the next cleanup completes the job.
#[test]
fn ctl_091_interrupted_at_every_step() {
    type Step = fn(&CleanupFiles, &[u8]);
    let steps: [(&str, Step); 6] = [
        ("before starting", |_, _| {}),
        ("while writing output", |f, merged| {
            std::fs::write(&f.output, &merged[..merged.len() / 2]).unwrap()
        }),
        ("after output -> finish", |f, merged| {
            std::fs::write(&f.finish, merged).unwrap()
        }),
        ("after removing previous", |f, merged| {
            std::fs::write(&f.finish, merged).unwrap();
            std::fs::remove_file(&f.previous).unwrap();
        }),
        ("after removing input", |f, merged| {
            std::fs::write(&f.finish, merged).unwrap();
            std::fs::remove_file(&f.previous).unwrap();
            std::fs::remove_file(&f.input).unwrap();
        }),
        ("with its PID file left", |f, _| {
            std::fs::write(&f.pid, "999999999\n").unwrap()
        }),
    ];
    for (i, (name, interrupt)) in steps.into_iter().enumerate() {
        let d = dir(&format!("interrupted-{i}"));
        let (path, want, merged) = leftovers(&d);
        let lfc_files = CleanupFiles::for_lease_file(&path);
        interrupt(&lfc_files, &merged);
        let (m, _) = Memfile4::open(options(&path)).unwrap();
        assert_same(&contents(&m), &want, &format!("restart {name}"));
        // The next cycle finishes the interrupted run; the live file is rotated only when no input
        // or finished merge is waiting.
        m.add4_sync(&lease(5_000, 7));
        let waiting = lfc_files.input.exists() || lfc_files.finish.exists();
        assert!(
            matches!(m.start_lfc().unwrap(), LfcStart::Started { .. }),
            "{name}"
        );
        assert!(m.wait_lfc().unwrap().unwrap().success(), "{name}");
        let mut want = want.clone();
        want.insert(lease(5_000, 0).address, lease(5_000, 7));
        assert_same(&contents(&m), &want, name);
        drop(m);
        let expect_files: &[&str] = &["leases4.csv", "leases4.csv.2"];
        assert_eq!(files(&d), expect_files, "{name}");
        assert_same(
            &reload(&path),
            &want,
            &format!("reload after cleanup {name}"),
        );
        if waiting {
            assert_eq!(
                rows(&path).len(),
                1,
                "{name}: not rotated, the new row stays live"
            );
        }
    }
}

/// A process whose command line names `pid_file`, as a running cleanup's does.
fn fake_cleanup(pid_file: &Path) -> std::process::Child {
    let child = Command::new("sh")
        .args(["-c", "sleep 30; true"])
        .arg(pid_file)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::fs::write(pid_file, format!("{}\n", child.id())).unwrap();
    // `spawn` returns while the child is still inside execve, when /proc shows an empty command
    // line; a real cleanup writes its PID file only once running, so wait for the same state.
    let cmdline = format!("/proc/{}/cmdline", child.id());
    let name = pid_file.as_os_str().as_encoded_bytes();
    for _ in 0..1000 {
        match std::fs::read(&cmdline) {
            Ok(args) if !args.split(|&b| b == 0).any(|a| a == name) => {
                std::thread::sleep(std::time::Duration::from_millis(1))
            }
            _ => break,
        }
    }
    child
}

// CTL-092, CTL-093: a live cleanup blocks loading and a second cleanup; a PID file naming an
// unrelated live process does not.
#[test]
fn ctl_092_running_cleanup_is_respected() {
    let d = dir("running");
    let path = d.join("leases4.csv");
    let files = CleanupFiles::for_lease_file(&path);
    let (m, _) = Memfile4::open(options(&path)).unwrap();
    churn(&m, 0..10, 1);
    let mut fake = fake_cleanup(&files.pid);
    let pid = fake.id() as i32;
    let err = Memfile4::open(options(&path)).err().unwrap();
    assert!(
        matches!(err, StoreError::LfcRunning { pid: p, .. } if p == pid),
        "{err}"
    );
    assert_eq!(m.start_lfc().unwrap(), LfcStart::AlreadyRunning { pid });
    std::fs::write(
        &files.input,
        "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname\n",
    )
    .unwrap();
    let out = run_lfc(&files);
    assert!(out.status.success());
    assert!(files.input.exists(), "a second cleanup touches nothing");
    fake.kill().unwrap();
    fake.wait().unwrap();

    // A reused PID: alive, but not a cleanup of these files.
    let mut other = Command::new("sleep").arg("30").spawn().unwrap();
    std::fs::write(&files.pid, format!("{}\n", other.id())).unwrap();
    assert!(Memfile4::open(options(&path)).is_ok());
    assert!(run_lfc(&files).status.success());
    assert!(!files.input.exists() && !files.pid.exists());
    other.kill().unwrap();
    other.wait().unwrap();
}

// CTL-093: the command line of kea-lfc.
#[test]
fn ctl_093_command_line() {
    let status = |args: &[&str]| Command::new(LFC).args(args).output().unwrap();
    let help = status(&["-h"]);
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("-x <file>: previous or ex lease file"));
    assert!(status(&["-v"]).status.success());
    assert!(status(&["-V"]).status.success());
    assert!(status(&["-W"]).status.success());
    let missing = status(&["-4", "-x", "a"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("PID file not specified"));
    let all = [
        "-x", "a", "-i", "b", "-o", "c", "-f", "d", "-p", "e", "-c", "f",
    ];
    assert_eq!(status(&all).status.code(), Some(1), "family required");
    assert_eq!(
        status(&[&["-4", "-6"][..], &all].concat()).status.code(),
        Some(1)
    );
    assert_eq!(status(&["-4", "-q"]).status.code(), Some(1));
    assert_eq!(status(&all[..10]).status.code(), Some(1));
}

// A cleanup of files in a directory that does not exist fails and says so.
#[test]
fn cleanup_failure_is_reported() {
    let d = dir("fail").join("missing");
    let out = run_lfc(&CleanupFiles::for_lease_file(&d.join("leases4.csv")));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Service failed"));
}
