//! The sample clock and Kea's timestamp text.

/// Microseconds since the Unix epoch from the coarse real-time clock: a few nanoseconds to read, with
/// the resolution of the kernel tick, which is what makes it the sample granularity.
pub fn now_micros() -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we own; CLOCK_REALTIME_COARSE always exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME_COARSE, &mut ts) };
    ts.tv_sec * 1_000_000 + ts.tv_nsec / 1_000
}

/// Kea's sample timestamp: local time, `YYYY-MM-DD HH:MM:SS.ffffff` (CTL-066).
pub fn format_timestamp(at_micros: i64) -> String {
    let secs = at_micros.div_euclid(1_000_000);
    let micros = at_micros.rem_euclid(1_000_000);
    // SAFETY: an all-zero `tm` is a valid value; localtime_r writes only into it.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let t: libc::time_t = secs;
    // SAFETY: both pointers refer to live locals; localtime_r is the thread-safe variant.
    unsafe { libc::localtime_r(&t, &mut tm) };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        micros
    )
}
