//! `%d{…}` and `%D{…}` (CTL-107): strftime(3) fields, plus log4cplus's `%q` (milliseconds) and
//! `%Q` (milliseconds with microseconds as a fraction), which strftime does not know.
//!
//! libc's strftime is used rather than a date crate: it is what log4cplus calls, so every field and
//! flag an operator may have in a Kea pattern (`%-Y`, `%j`, `%Z`…) formats the same way.

use std::ffi::CString;
use std::fmt::Write;
use std::time::{SystemTime, UNIX_EPOCH};

/// log4cplus's format for `%d`/`%D` without braces.
pub(super) const DEFAULT: &str = "%Y-%m-%d %H:%M:%S";

/// A compiled date format.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TimeFormat {
    utc: bool,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    /// Handed to strftime as is.
    Strftime(CString),
    /// `%q`.
    Millis,
    /// `%Q`.
    Micros,
}

impl TimeFormat {
    /// Splits `format` around `%q`/`%Q`; a NUL (which strftime cannot take) is dropped.
    pub(super) fn compile(format: &str, utc: bool) -> TimeFormat {
        let mut parts = Vec::new();
        let mut pending = Vec::new();
        let mut bytes = format.bytes().filter(|&b| b != 0);
        while let Some(b) = bytes.next() {
            if b != b'%' {
                pending.push(b);
                continue;
            }
            let own = match bytes.next() {
                Some(b'q') => Part::Millis,
                Some(b'Q') => Part::Micros,
                Some(next) => {
                    // `%%` too: both characters go to strftime, so its `%` is not read again here.
                    pending.extend([b'%', next]);
                    continue;
                }
                None => {
                    pending.push(b'%');
                    continue;
                }
            };
            flush(&mut pending, &mut parts);
            parts.push(own);
        }
        flush(&mut pending, &mut parts);
        TimeFormat { utc, parts }
    }

    /// Appends `time` to `out`, in UTC or local time.
    pub(super) fn render(&self, time: SystemTime, out: &mut String) {
        let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
        let micros = since.subsec_micros();
        let tm = broken_down(since.as_secs() as libc::time_t, self.utc);
        for part in &self.parts {
            match part {
                Part::Strftime(format) => strftime(format, &tm, out),
                // Writing into a String cannot fail.
                Part::Millis => {
                    let _ = write!(out, "{:03}", micros / 1000);
                }
                Part::Micros => {
                    let _ = write!(out, "{:03}.{:03}", micros / 1000, micros % 1000);
                }
            }
        }
    }
}

fn flush(pending: &mut Vec<u8>, parts: &mut Vec<Part>) {
    if !pending.is_empty() {
        let bytes = std::mem::take(pending);
        // NULs were filtered out on the way in.
        parts.push(Part::Strftime(CString::new(bytes).unwrap_or_default()));
    }
}

fn broken_down(secs: libc::time_t, utc: bool) -> libc::tm {
    // SAFETY: tm is plain data; the reentrant converters only write the struct they are given.
    unsafe {
        let mut tm = std::mem::zeroed::<libc::tm>();
        if utc {
            libc::gmtime_r(&secs, &mut tm);
        } else {
            libc::localtime_r(&secs, &mut tm);
        }
        tm
    }
}

fn strftime(format: &CString, tm: &libc::tm, out: &mut String) {
    // A stack buffer serves every usual format without allocating; strftime returns 0 both for "too
    // small" and for an empty result, so a longer format gets a few larger tries at most.
    let mut small = [0u8; 256];
    if write_into(&mut small, format, tm, out) {
        return;
    }
    let mut capacity = 2048;
    while capacity <= 32768 {
        if write_into(&mut vec![0u8; capacity], format, tm, out) {
            return;
        }
        capacity *= 4;
    }
}

fn write_into(buf: &mut [u8], format: &CString, tm: &libc::tm, out: &mut String) -> bool {
    // SAFETY: buf has buf.len() writable bytes; format is NUL-terminated; tm is initialised.
    let n = unsafe { libc::strftime(buf.as_mut_ptr().cast(), buf.len(), format.as_ptr(), tm) };
    if n == 0 {
        return false;
    }
    out.push_str(&String::from_utf8_lossy(&buf[..n]));
    true
}
