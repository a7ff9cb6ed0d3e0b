//! The durability barrier against `kill -9`: every lease flushed before the kill is found on
//! restart. The writer is this test binary re-run as a child (`child_writer`).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use ruru_lease::Memfile4;

use crate::support::{dir, lease, options, reload};

const PATH_VAR: &str = "RURU_LEASE_KILL_TEST_FILE";
const BATCH: u32 = 64;

/// Run only as the child of `flushed_leases_survive_sigkill`: adds leases in batches, flushing
/// each batch and then reporting it on stdout, until killed.
#[test]
#[ignore = "child process of flushed_leases_survive_sigkill"]
fn child_writer() {
    let Some(path) = std::env::var_os(PATH_VAR) else {
        return;
    };
    let (m, _) = Memfile4::open(options(std::path::Path::new(&path))).unwrap();
    for batch in 0u32.. {
        for n in batch * BATCH..(batch + 1) * BATCH {
            m.add4_sync(&lease(n, 1_000));
        }
        m.flush_sync().unwrap();
        // Unflushed rows of the next batch are in memory only when the kill lands.
        m.add4_sync(&lease(1_000_000 + batch, 1_000));
        println!("flushed {}", (batch + 1) * BATCH);
        if batch > 10_000 {
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
    }
}

#[test]
fn flushed_leases_survive_sigkill() {
    let path = dir("sigkill").join("leases4.csv");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "kill::child_writer",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(PATH_VAR, &path)
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
    let got = reload(&path);
    for n in 0..flushed {
        assert_eq!(
            got.get(&lease(n, 0).address),
            Some(&lease(n, 1_000)),
            "lease {n} of {flushed} lost"
        );
    }
}
