//! The sample clock and Kea's timestamp text.

use std::cell::RefCell;

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
    let mut out = String::with_capacity(26);
    write_timestamp(&mut out, at_micros);
    out
}

/// Appends [`format_timestamp`]'s text to `out` without allocating.
///
/// `statistic-get-all` writes one per sample, hundreds of thousands with many subnets (CTL-068):
/// the local date and time of the last second written is kept per thread, and the rest is plain
/// digit writing.
pub(crate) fn write_timestamp(out: &mut String, at_micros: i64) {
    thread_local! {
        static LAST_SECOND: RefCell<(i64, String)> = const { RefCell::new((i64::MIN, String::new())) };
    }
    let secs = at_micros.div_euclid(1_000_000);
    let micros = at_micros.rem_euclid(1_000_000);
    LAST_SECOND.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != secs {
            last.1.clear();
            local_second(&mut last.1, secs);
            last.0 = secs;
        }
        out.push_str(&last.1);
    });
    out.push('.');
    push_digits(out, micros, 6);
}

/// Appends `YYYY-MM-DD HH:MM:SS` of `secs` since the epoch, in local time.
fn local_second(out: &mut String, secs: i64) {
    // SAFETY: an all-zero `tm` is a valid value; localtime_r writes only into it.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let t: libc::time_t = secs;
    // SAFETY: both pointers refer to live locals; localtime_r is the thread-safe variant.
    unsafe { libc::localtime_r(&t, &mut tm) };
    for (value, width, separator) in [
        (tm.tm_year + 1900, 4, '-'),
        (tm.tm_mon + 1, 2, '-'),
        (tm.tm_mday, 2, ' '),
        (tm.tm_hour, 2, ':'),
        (tm.tm_min, 2, ':'),
        (tm.tm_sec, 2, '\0'),
    ] {
        push_digits(out, i64::from(value), width);
        if separator != '\0' {
            out.push(separator);
        }
    }
}

/// `value` (not negative) in decimal, zero-padded to `width` (at most 20) digits at least.
fn push_digits(out: &mut String, mut value: i64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    let start = start.min(digits.len() - width);
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&digits[start..]).unwrap_or_default());
}
