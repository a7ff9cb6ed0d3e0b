use super::*;
use std::time::Duration;

/// The text of `statistic-get-all`'s pieces.
pub(crate) fn joined(pieces: &[bytes::Bytes]) -> String {
    String::from_utf8(pieces.concat()).expect("statistics are UTF-8")
}

/// Waits until the coarse clock has moved on, so the next update opens a new sample.
pub(crate) fn next_tick() {
    let t = now_micros();
    while now_micros() == t {
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn counter_handles_share_the_registered_value() {
    let r = Registry::new();
    let a = r.counter("pkt4-received");
    let b = r.counter("pkt4-received");
    a.inc();
    b.add(2);
    assert_eq!(r.get("pkt4-received"), Some(3));
    assert_eq!(r.get("missing"), None);
}

#[test]
fn remove_prefixed_keeps_globals() {
    let r = Registry::new();
    r.counter("subnet[1].assigned-addresses").inc();
    r.counter("pkt4-sent").inc();
    r.remove_prefixed("subnet[");
    assert_eq!(
        r.snapshot(),
        vec![("pkt4-sent".to_string(), 1)],
        "only the global survives"
    );
}

/// CTL-058: updates apart in time are separate samples, newest first.
#[test]
fn updates_in_separate_ticks_are_separate_samples_newest_first() {
    let r = Registry::new();
    let c = r.counter("pkt4-received");
    for _ in 0..3 {
        next_tick();
        c.inc();
    }
    let s = r.samples("pkt4-received").unwrap();
    let values: Vec<i128> = s.iter().map(|s| s.value).collect();
    assert_eq!(values, vec![3, 2, 1]);
    assert!(s.windows(2).all(|w| w[0].at_micros > w[1].at_micros));
}

#[test]
fn a_burst_within_one_tick_reads_as_its_final_value() {
    let r = Registry::new();
    let c = r.counter("x");
    next_tick();
    c.add(5);
    c.add(5);
    c.add(5);
    let s = r.samples("x").unwrap();
    assert_eq!(s[0].value, 15);
}

/// CTL-062: a count limit trims at once and bounds later samples.
#[test]
fn count_limit_keeps_the_newest() {
    let r = Registry::new();
    let c = r.counter("x");
    for _ in 0..5 {
        next_tick();
        c.inc();
    }
    assert!(r.set_limit("x", Limit::Count(3)));
    assert_eq!(r.samples("x").unwrap().len(), 3);
    for _ in 0..4 {
        next_tick();
        c.inc();
    }
    let v: Vec<i128> = r.samples("x").unwrap().iter().map(|s| s.value).collect();
    assert_eq!(v, vec![9, 8, 7]);
    assert!(!r.set_limit("missing", Limit::Count(3)));
}

/// CTL-062: an age limit drops old samples but keeps the newest.
#[test]
fn age_limit_drops_old_samples() {
    let r = Registry::new();
    let c = r.counter("x");
    c.inc();
    next_tick();
    c.inc();
    r.set_limit("x", Limit::AgeSecs(1));
    std::thread::sleep(Duration::from_millis(1100));
    let s = r.samples("x").unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].value, 2);
}

/// CTL-060, CTL-061: reset keeps the statistic at 0; remove hides it until the next update.
#[test]
fn reset_and_remove() {
    let r = Registry::new();
    let c = r.counter("pkt4-received");
    c.add(7);
    assert!(r.reset("pkt4-received"));
    assert_eq!(r.get("pkt4-received"), Some(0));
    assert_eq!(r.samples("pkt4-received").unwrap().len(), 1);
    assert!(r.remove("pkt4-received"));
    assert_eq!(r.get("pkt4-received"), None);
    assert!(!r.remove("pkt4-received"), "already removed");
    assert!(r.snapshot().is_empty());
    c.inc();
    assert_eq!(r.get("pkt4-received"), Some(1), "reappears when recorded");
    r.remove_all();
    assert!(r.all_samples().is_empty());
}

/// CTL-063: the all-statistics limit also applies to statistics created later.
#[test]
fn set_limit_all_becomes_the_default() {
    let r = Registry::new();
    r.set_limit_all(Limit::Count(1));
    let c = r.counter("later");
    for _ in 0..3 {
        next_tick();
        c.inc();
    }
    assert_eq!(r.samples("later").unwrap().len(), 1);
}

#[test]
fn timestamps_have_keas_shape() {
    let t = format_timestamp(now_micros());
    let b = t.as_bytes();
    assert_eq!(t.len(), 26, "{t}");
    assert_eq!(
        (b[4], b[7], b[10], b[13], b[16], b[19]),
        (b'-', b'-', b' ', b':', b':', b'.')
    );
}

// CTL-066: the text is local time with microseconds, whether the second was formatted just before
// (the per-thread cache, CTL-068) or not; checked against strftime.
#[test]
fn timestamps_are_local_time_with_microseconds() {
    let strftime = |micros: i64| {
        let t: libc::time_t = micros.div_euclid(1_000_000);
        // SAFETY: an all-zero `tm` is valid; localtime_r and strftime write only into our locals.
        let mut tm: libc::tm = unsafe { std::mem::zeroed() };
        let mut buf = [0u8; 32];
        let n = unsafe {
            libc::localtime_r(&t, &mut tm);
            libc::strftime(
                buf.as_mut_ptr().cast(),
                buf.len(),
                c"%Y-%m-%d %H:%M:%S".as_ptr(),
                &tm,
            )
        };
        format!(
            "{}.{:06}",
            std::str::from_utf8(&buf[..n]).unwrap(),
            micros.rem_euclid(1_000_000)
        )
    };
    let now = now_micros();
    for at in [
        now,
        now - now.rem_euclid(1_000_000),
        now - now.rem_euclid(1_000_000) + 999_999,
        now + 86_400_000_000 * 40,
        0,
        1_000_007,
        now,
    ] {
        assert_eq!(format_timestamp(at), strftime(at), "{at}");
    }
}

// V6-066, CTL-066: a value beyond 64 bits is kept exactly, and counts added later go on top of it.
#[test]
fn wide_values_are_exact() {
    let r = Registry::new();
    let c = r.counter("subnet[1].total-nas");
    c.set_wide(1 << 64);
    assert_eq!(
        r.get("subnet[1].total-nas"),
        Some(18_446_744_073_709_551_616)
    );
    c.add(2);
    assert_eq!(c.get(), (1 << 64) + 2);
    assert_eq!(
        r.samples("subnet[1].total-nas").unwrap()[0].value,
        (1 << 64) + 2
    );
    c.set(5);
    assert_eq!(c.get(), 5);
    c.set_wide(1 << 70);
    c.reset();
    assert_eq!(c.get(), 0);
}
