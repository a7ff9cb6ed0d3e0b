//! Lease file cleanup with the real `ruru-lfc` binary (V4-085, V6-104, CTL-090..CTL-093),
//! including runs interrupted at every step; each scenario runs for both families.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use ruru_lease::{CleanupFiles, LfcStart, StoreError};

use crate::support::{
    assert_same, contents, dir, files, options, reload, run_cleanup, Family, V4, V6,
};

const LFC: &str = env!("CARGO_BIN_EXE_ruru-lfc");

/// Fills a store with history: adds, renewals, deletions.
fn churn<F: Family>(m: &F::Store, range: std::ops::Range<u32>, cltt: u64) {
    for n in range.clone() {
        F::add(m, &F::lease(n, cltt));
    }
    for n in range.clone().step_by(2) {
        F::update(m, &F::lease(n, cltt + 100));
    }
    for n in range.step_by(7) {
        F::delete(m, n);
    }
    F::flush(m).unwrap();
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

/// Runs `ruru-lfc` with `flags` (the family, `-d`) on `files`.
fn run_lfc(flags: &[&str], files: &CleanupFiles) -> std::process::Output {
    run_cleanup(Path::new(LFC), flags, files)
}

/// The file names of a store at `F::FILE` and its cleanup result.
fn live_and_previous<F: Family>() -> [String; 2] {
    [F::FILE.to_owned(), format!("{}.2", F::FILE)]
}

// V4-085, V6-104, CTL-090, CTL-091: two full cycles while the server keeps writing; nothing is
// lost, the previous file holds one row per live lease, the live file only what came after the
// rotation.
fn full_cycles<F: Family>(name: &str) {
    let d = dir(name);
    let path = d.join(F::FILE);
    let (m, _) = F::open(options(&path)).unwrap();
    churn::<F>(&m, 0..200, 1_000);
    // Buffered but not flushed: the rotation must carry these into the rotated file.
    F::add(&m, &F::lease(1000, 5));
    let LfcStart::Started { .. } = F::start_lfc(&m).unwrap() else {
        panic!("cleanup not started")
    };
    churn::<F>(&m, 300..350, 2_000);
    assert!(F::wait_lfc(&m).unwrap().unwrap().success());
    assert_eq!(files(&d), live_and_previous::<F>());
    let live_before = contents::<F>(&m);
    let prev = rows(&d.join(format!("{}.2", F::FILE)));
    assert_eq!(
        prev.len(),
        200 - 29 + 1,
        "one row per live lease of the rotated part"
    );
    let addrs: Vec<F::Addr> = prev
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
    assert_same(
        &reload::<F>(&path),
        &live_before,
        "reload after the first cycle",
    );

    // Second cycle merges the previous result with the new rows.
    F::delete(&m, 1);
    F::update(&m, &F::lease(2, 9_999));
    assert!(matches!(
        F::start_lfc(&m).unwrap(),
        LfcStart::Started { .. }
    ));
    assert!(F::wait_lfc(&m).unwrap().unwrap().success());
    assert_eq!(files(&d), live_and_previous::<F>());
    assert_eq!(rows(&path).len(), 0);
    let want = contents::<F>(&m);
    assert_eq!(rows(&d.join(format!("{}.2", F::FILE))).len(), want.len());
    drop(m);
    assert_same(&reload::<F>(&path), &want, "reload after the second cycle");
    assert_eq!(
        want.get(&F::addr(&F::lease(2, 0))),
        Some(&F::lease(2, 9_999))
    );
    assert!(!want.contains_key(&F::addr(&F::lease(1, 0))));
}

#[test]
fn v4_085_full_cycles() {
    full_cycles::<V4>("cycle4");
}

#[test]
fn v6_104_full_cycles() {
    full_cycles::<V6>("cycle6");
}

/// The leases of a store, by address.
type Leases<F> = BTreeMap<<F as Family>::Addr, <F as Family>::Lease>;

/// Sets up `previous` and `input` with history, returns the expected lease set and the merge the
/// cleanup produces.
fn leftovers<F: Family>(d: &Path) -> (PathBuf, Leases<F>, Vec<u8>) {
    let path = d.join(F::FILE);
    let files = CleanupFiles::for_lease_file(&path);
    let (m, _) = F::open(options(&path)).unwrap();
    churn::<F>(&m, 0..100, 1_000);
    assert!(matches!(
        F::start_lfc(&m).unwrap(),
        LfcStart::Started { .. }
    ));
    assert!(F::wait_lfc(&m).unwrap().unwrap().success());
    churn::<F>(&m, 50..150, 2_000);
    let want = contents::<F>(&m);
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
    assert!(run_lfc(&[F::FLAG], &files).status.success());
    let merged = std::fs::read(&files.previous).unwrap();
    std::fs::write(&files.previous, prev).unwrap();
    std::fs::write(&files.input, input).unwrap();
    (path, want, merged)
}

// CTL-091, CTL-092: the process killed after each of its steps; the server finds every lease on
// restart, and the next cleanup completes the job.
fn interrupted_at_every_step<F: Family>() {
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
        let d = dir(&format!("interrupted{}-{i}", F::FLAG));
        let (path, want, merged) = leftovers::<F>(&d);
        let lfc_files = CleanupFiles::for_lease_file(&path);
        interrupt(&lfc_files, &merged);
        let (m, _) = F::open(options(&path)).unwrap();
        assert_same(&contents::<F>(&m), &want, &format!("restart {name}"));
        // The next cycle finishes the interrupted run; the live file is rotated only when no input
        // or finished merge is waiting.
        let new = F::lease(5_000, 7);
        F::add(&m, &new);
        let waiting = lfc_files.input.exists() || lfc_files.finish.exists();
        assert!(
            matches!(F::start_lfc(&m).unwrap(), LfcStart::Started { .. }),
            "{name}"
        );
        assert!(F::wait_lfc(&m).unwrap().unwrap().success(), "{name}");
        let mut want = want.clone();
        want.insert(F::addr(&new), new);
        assert_same(&contents::<F>(&m), &want, name);
        drop(m);
        assert_eq!(files(&d), live_and_previous::<F>(), "{name}");
        assert_same(
            &reload::<F>(&path),
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
fn running_cleanup_is_respected<F: Family>() {
    let d = dir(&format!("running{}", F::FLAG));
    let path = d.join(F::FILE);
    let files = CleanupFiles::for_lease_file(&path);
    let (m, _) = F::open(options(&path)).unwrap();
    churn::<F>(&m, 0..10, 1);
    let mut fake = fake_cleanup(&files.pid);
    let pid = fake.id() as i32;
    let err = F::open(options(&path)).err().unwrap();
    assert!(
        matches!(err, StoreError::LfcRunning { pid: p, .. } if p == pid),
        "{err}"
    );
    assert_eq!(F::start_lfc(&m).unwrap(), LfcStart::AlreadyRunning { pid });
    // A file of the family's oldest layout.
    std::fs::write(&files.input, format!("{}\n", oldest_header::<F>())).unwrap();
    let out = run_lfc(&[F::FLAG], &files);
    assert!(out.status.success());
    assert!(files.input.exists(), "a second cleanup touches nothing");
    fake.kill().unwrap();
    fake.wait().unwrap();

    // A reused PID: alive, but not a cleanup of these files.
    let mut other = Command::new("sleep").arg("30").spawn().unwrap();
    std::fs::write(&files.pid, format!("{}\n", other.id())).unwrap();
    assert!(F::open(options(&path)).is_ok());
    assert!(run_lfc(&[F::FLAG], &files).status.success());
    assert!(!files.input.exists() && !files.pid.exists());
    other.kill().unwrap();
    other.wait().unwrap();
}

/// The shortest header Kea accepts for family `F` (files of Kea 1.x end at `hostname`).
fn oldest_header<F: Family>() -> &'static str {
    if F::FLAG == "-4" {
        "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname"
    } else {
        "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname"
    }
}

#[test]
fn ctl_091_interrupted_at_every_step() {
    interrupted_at_every_step::<V4>();
}

#[test]
fn ctl_091_interrupted_at_every_step_v6() {
    interrupted_at_every_step::<V6>();
}

#[test]
fn ctl_092_running_cleanup_is_respected() {
    running_cleanup_is_respected::<V4>();
}

#[test]
fn ctl_092_running_cleanup_is_respected_v6() {
    running_cleanup_is_respected::<V6>();
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
    for flag in ["-4", "-6"] {
        let out = run_lfc(
            &[flag],
            &CleanupFiles::for_lease_file(&d.join("leases.csv")),
        );
        assert_eq!(out.status.code(), Some(1), "{flag}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("Service failed"));
    }
}

// V6-104, CTL-093: `-6` reads the files with the v6 codec and `-d` names the family; a v4 file
// is not a v6 lease file.
#[test]
fn v6_104_lfc_uses_the_v6_codec() {
    let d = dir("lfc6");
    let files = CleanupFiles::for_lease_file(&d.join(V6::FILE));
    std::fs::write(
        &files.input,
        format!(
            "{}\n2001:db8::1,01:02:03,10,20,1,5,0,1,128,0,0,x\n",
            oldest_header::<V6>()
        ),
    )
    .unwrap();
    let out = run_lfc(&["-6", "-d"], &files);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Protocol version:    DHCPv6"));
    assert_eq!(
        std::fs::read_to_string(&files.previous).unwrap(),
        "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source,pool_id\n\
         2001:db8::1,01:02:03,10,20,1,5,0,1,128,0,0,x,,0,,,,0\n"
    );
    std::fs::write(&files.input, format!("{}\n", oldest_header::<V4>())).unwrap();
    let out = run_lfc(&["-6"], &files);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a lease file header"));
}
