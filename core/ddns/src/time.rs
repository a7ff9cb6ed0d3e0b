//! Unix seconds as the NCR's `yyyymmddHHMMSS` (UTC), without a date library.

/// `secs` since the epoch as `yyyymmddHHMMSS` in UTC.
pub(crate) fn ncr_timestamp(secs: u64) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil conversion (proleptic Gregorian), for days after 1970-01-01.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::ncr_timestamp;

    #[test]
    fn formats_utc() {
        assert_eq!(ncr_timestamp(0), "19700101000000");
        // 2026-11-23 22:47:12 UTC, the expiry of a lease Kea 2.2 reported in an NCR.
        assert_eq!(ncr_timestamp(1_795_474_032), "20261123224712");
        assert_eq!(ncr_timestamp(951_782_400), "20000229000000");
        assert_eq!(ncr_timestamp(4_102_444_799), "20991231235959");
    }
}
