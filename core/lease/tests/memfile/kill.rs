//! The durability barrier against `kill -9`, for both families: every lease flushed before the
//! kill is found on restart. The writer is this test binary re-run as a child (`child_writer`).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::support::{dir, options, reload, Family, V4, V6};

const PATH_VAR: &str = "RURU_LEASE_KILL_TEST_FILE";
const FAMILY_VAR: &str = "RURU_LEASE_KILL_TEST_FAMILY";
const BATCH: u32 = 64;

/// Run only as the child of `flushed_leases_survive_sigkill`: adds leases in batches, flushing
/// each batch and then reporting it on stdout, until killed.
#[test]
#[ignore = "child process of flushed_leases_survive_sigkill"]
fn child_writer() {
    let Some(path) = std::env::var_os(PATH_VAR) else {
        return;
    };
    match std::env::var(FAMILY_VAR).as_deref() {
        Ok("-6") => write_until_killed::<V6>(std::path::Path::new(&path)),
        _ => write_until_killed::<V4>(std::path::Path::new(&path)),
    }
}

fn write_until_killed<F: Family>(path: &std::path::Path) {
    let (m, _) = F::open(options(path)).unwrap();
    for batch in 0u32.. {
        for n in batch * BATCH..(batch + 1) * BATCH {
            F::add(&m, &F::lease(n, 1_000));
        }
        F::flush(&m).unwrap();
        // Unflushed rows of the next batch are in memory only when the kill lands.
        F::add(&m, &F::lease(1_000_000 + batch, 1_000));
        println!("flushed {}", (batch + 1) * BATCH);
        if batch > 10_000 {
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
    }
}

fn flushed_leases_survive<F: Family>() {
    let path = dir(&format!("sigkill{}", F::FLAG)).join(F::FILE);
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "kill::child_writer",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(PATH_VAR, &path)
        .env(FAMILY_VAR, F::FLAG)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut flushed = 0;
    for line in BufReader::new(stdout).lines() {
        if let Some(n) = line.unwrap().strip_prefix("flushed ") {
            flushed = n.parse().unwrap();
            if flushed >= 40 * BATCH {
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL: no destructor, no flush.
    child.wait().unwrap();
    assert!(flushed >= 40 * BATCH, "child reported {flushed} leases");
    let got = reload::<F>(&path);
    for n in 0..flushed {
        assert_eq!(
            got.get(&F::addr(&F::lease(n, 0))),
            Some(&F::lease(n, 1_000)),
            "lease {n} of {flushed} lost"
        );
    }
}

#[test]
fn flushed_leases_survive_sigkill() {
    flushed_leases_survive::<V4>();
}

// V6-101: the same barrier for DHCPv6 leases.
#[test]
fn flushed_leases_survive_sigkill_v6() {
    flushed_leases_survive::<V6>();
}
