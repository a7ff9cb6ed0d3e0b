//! Kea severities and debug levels against tracing levels (CTL-102, CTL-109).
//!
//! tracing has five levels and Kea has five severities plus 100 debug levels, so the debug levels
//! are split into two bands, each a tracing level, and refined by an optional field:
//!
//! | event | Kea debug level |
//! |---|---|
//! | `debug!(…)` | 0 (the DEBUG band is 0..=49) |
//! | `trace!(…)` | 50 (the TRACE band is 50..=99) |
//! | either with `debuglevel = N` | N |
//!
//! A logger at DEBUG/d turns on the DEBUG band, and the TRACE band too when d >= 50. That part is
//! decided per callsite from its metadata alone, so a disabled `debug!` costs what tracing's cached
//! interest costs. Only an event of an enabled band that carries `debuglevel` is compared with d,
//! while its fields are read for formatting anyway.
//!
//! tracing has nothing above ERROR, so a FATAL threshold admits ERROR events: the events that end
//! the process are logged at ERROR.

use ruru_config::Severity;
use tracing::level_filters::LevelFilter;
use tracing::Level;

/// The first Kea debug level of the TRACE band.
const TRACE_BAND: u8 = 50;

/// The most verbose Kea debug level (`-d`, CTL-103).
pub(crate) const MAX_DEBUG: u8 = 99;

/// What a logger lets through: a severity and, at DEBUG, how fine a debug level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Threshold {
    pub(crate) severity: Severity,
    pub(crate) debuglevel: u8,
}

impl Threshold {
    /// Kea's default (CTL-103).
    pub(crate) const INFO: Threshold = Threshold {
        severity: Severity::Info,
        debuglevel: 0,
    };

    /// `-d` (CTL-103).
    pub(crate) const DEBUG_ALL: Threshold = Threshold {
        severity: Severity::Debug,
        debuglevel: MAX_DEBUG,
    };

    /// The most verbose tracing level this threshold admits.
    pub(crate) fn filter(self) -> LevelFilter {
        match self.severity {
            Severity::Debug if self.debuglevel >= TRACE_BAND => LevelFilter::TRACE,
            Severity::Debug => LevelFilter::DEBUG,
            Severity::Info => LevelFilter::INFO,
            Severity::Warn => LevelFilter::WARN,
            Severity::Error | Severity::Fatal => LevelFilter::ERROR,
            Severity::None => LevelFilter::OFF,
        }
    }

    /// Whether an event at `level` with the optional `debuglevel` field passes (CTL-102).
    pub(crate) fn admits(self, level: Level, debuglevel: Option<u8>) -> bool {
        if self.filter() < level {
            return false;
        }
        match level {
            Level::DEBUG => debuglevel.unwrap_or(0) <= self.debuglevel,
            Level::TRACE => debuglevel.unwrap_or(TRACE_BAND) <= self.debuglevel,
            _ => true,
        }
    }
}

/// `%p`: Kea prints DEBUG whatever the debug level, so both debug bands read DEBUG.
pub(crate) fn name(level: Level) -> &'static str {
    match level {
        Level::ERROR => "ERROR",
        Level::WARN => "WARN",
        Level::INFO => "INFO",
        Level::DEBUG | Level::TRACE => "DEBUG",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(severity: Severity, debuglevel: u8) -> Threshold {
        Threshold {
            severity,
            debuglevel,
        }
    }

    // CTL-102: inclusive thresholds, NONE suppresses all, debug levels compared within DEBUG.
    #[test]
    fn ctl_102_thresholds_are_inclusive() {
        use Level as L;
        use Severity as S;
        let rows: &[(Threshold, Level, Option<u8>, bool)] = &[
            (at(S::Info, 0), L::INFO, None, true),
            (at(S::Info, 0), L::WARN, None, true),
            (at(S::Info, 0), L::DEBUG, None, false),
            (at(S::Warn, 0), L::INFO, None, false),
            (at(S::Error, 0), L::ERROR, None, true),
            (at(S::Error, 0), L::WARN, None, false),
            (at(S::Fatal, 0), L::ERROR, None, true),
            (at(S::None, 0), L::ERROR, None, false),
            (at(S::Debug, 0), L::DEBUG, None, true),
            (at(S::Debug, 0), L::DEBUG, Some(15), false),
            (at(S::Debug, 15), L::DEBUG, Some(15), true),
            (at(S::Debug, 15), L::DEBUG, Some(40), false),
            (at(S::Debug, 49), L::TRACE, None, false),
            (at(S::Debug, 50), L::TRACE, None, true),
            (at(S::Debug, 50), L::TRACE, Some(55), false),
            (at(S::Debug, 99), L::TRACE, Some(55), true),
        ];
        for &(threshold, level, debuglevel, wanted) in rows {
            assert_eq!(
                threshold.admits(level, debuglevel),
                wanted,
                "{threshold:?} {level} {debuglevel:?}"
            );
        }
    }
}
