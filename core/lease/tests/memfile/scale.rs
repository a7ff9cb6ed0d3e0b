//! A million leases: adding, flushing, reloading and querying stay fast. Ignored by default (it
//! takes seconds in release builds); run with
//! `cargo test --release -p ruru-lease --test memfile scale -- --ignored --nocapture`.

use std::net::Ipv4Addr;
use std::time::Duration;

use ruru_lease::{LeaseState, Memfile4};

use crate::support::{dir, lease, options};

const N: u32 = 1_000_000;

/// CPU time of this thread: wall time means little on a shared build machine.
fn cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes only to the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

struct Instant(Duration);

impl Instant {
    fn now() -> Self {
        Self(cpu_time())
    }

    fn elapsed(&self) -> Duration {
        cpu_time() - self.0
    }
}

#[test]
#[ignore = "slow; run by hand in release mode"]
fn a_million_leases() {
    let path = dir("scale").join("leases4.csv");
    let (m, _) = Memfile4::open(options(&path)).unwrap();
    let t = Instant::now();
    for n in 0..N {
        m.add4_sync(&lease(n, u64::from(n)));
        if n % 64 == 63 {
            m.flush_sync().unwrap();
        }
    }
    m.flush_sync().unwrap();
    let add = t.elapsed();
    drop(m);
    let size = std::fs::metadata(&path).unwrap().len();
    let t = Instant::now();
    let (m, report) = Memfile4::open(options(&path)).unwrap();
    let load = t.elapsed();
    assert_eq!(report.leases, N as usize);
    let t = Instant::now();
    for n in (0..N).step_by(97) {
        let l = lease(n, 0);
        assert!(m.get4_sync(l.address).is_some());
        assert_eq!(m.get4_by_hwaddr_sync(&l.hwaddr.unwrap()).len(), 1);
        assert_eq!(
            m.get4_by_client_id_sync(l.client_id.as_ref().unwrap())
                .len(),
            1
        );
    }
    let queries = t.elapsed();
    let t = Instant::now();
    let expired = m.expired4_sync(u64::from(N), 1000);
    assert_eq!(expired.len(), 1000);
    assert!(expired
        .iter()
        .all(|l| l.state != LeaseState::ExpiredReclaimed));
    let page = m.page4_sync(Some(Ipv4Addr::from(0x0a00_0000 + N / 2)), 1000);
    assert_eq!(page.len(), 1000);
    let scans = t.elapsed();
    eprintln!(
        "{N} leases (CPU time): add+flush {add:?} ({:.0}/s), file {} MB, load {load:?}, 3x{} lookups {queries:?}, expired+page {scans:?}",
        f64::from(N) / add.as_secs_f64(),
        size >> 20,
        N / 97 + 1,
    );
}
