//! `syslog` and `syslog:<name>` outputs (CTL-104) through libc's openlog(3)/syslog(3), which is
//! what log4cplus's syslog appender uses, so the messages reach the same socket with the same
//! framing as Kea's.
//!
//! openlog keeps one identity per process. Outputs with different names therefore take a lock and
//! call openlog again when the identity changes; the facility travels with each message.

use std::ffi::{c_int, CStr, CString};

use parking_lot::Mutex;
use tracing::Level;

/// The facility when none is named, as Kea's (CTL-110).
pub(crate) const DEFAULT_FACILITY: c_int = libc::LOG_LOCAL0;

/// Serialises openlog + syslog, and remembers which identity openlog holds.
static CURRENT: Mutex<usize> = Mutex::new(0);

/// Identities handed to openlog, which keeps the pointer: they live as long as the process.
static IDENTS: Mutex<Vec<&'static CStr>> = Mutex::new(Vec::new());

/// One syslog output.
#[derive(Debug)]
pub(crate) struct Syslog {
    ident: &'static CStr,
    facility: c_int,
}

impl Syslog {
    pub(crate) fn new(ident: &str, facility: c_int) -> Syslog {
        Syslog {
            ident: intern(ident),
            facility,
        }
    }

    /// Sends one message; a NUL inside it would end it early, so it becomes a space.
    pub(crate) fn send(&self, level: Level, text: &str) {
        let message = CString::new(text.replace('\0', " ")).unwrap_or_default();
        let priority = self.facility
            | match level {
                Level::ERROR => libc::LOG_ERR,
                Level::WARN => libc::LOG_WARNING,
                Level::INFO => libc::LOG_INFO,
                Level::DEBUG | Level::TRACE => libc::LOG_DEBUG,
            };
        let mut current = CURRENT.lock();
        let ident = self.ident.as_ptr();
        // SAFETY: ident points to a leaked (static) C string; "%s" takes exactly the one
        // NUL-terminated argument given.
        unsafe {
            if *current != ident as usize {
                libc::openlog(ident, libc::LOG_PID, self.facility);
                *current = ident as usize;
            }
            libc::syslog(priority, c"%s".as_ptr(), message.as_ptr());
        }
    }
}

/// `syslog:<name>`: a facility name (`local3`, `daemon`…) picks the facility, as in
/// `KEA_LOGGER_DESTINATION`; any other name is the identity the messages carry.
pub(crate) fn facility(name: &str) -> Option<c_int> {
    let lower = name.to_ascii_lowercase();
    let facilities = [
        ("user", libc::LOG_USER),
        ("mail", libc::LOG_MAIL),
        ("daemon", libc::LOG_DAEMON),
        ("auth", libc::LOG_AUTH),
        ("syslog", libc::LOG_SYSLOG),
        ("lpr", libc::LOG_LPR),
        ("news", libc::LOG_NEWS),
        ("uucp", libc::LOG_UUCP),
        ("cron", libc::LOG_CRON),
        ("authpriv", libc::LOG_AUTHPRIV),
        ("ftp", libc::LOG_FTP),
        ("local0", libc::LOG_LOCAL0),
        ("local1", libc::LOG_LOCAL1),
        ("local2", libc::LOG_LOCAL2),
        ("local3", libc::LOG_LOCAL3),
        ("local4", libc::LOG_LOCAL4),
        ("local5", libc::LOG_LOCAL5),
        ("local6", libc::LOG_LOCAL6),
        ("local7", libc::LOG_LOCAL7),
    ];
    facilities
        .iter()
        .find(|(n, _)| *n == lower)
        .map(|&(_, f)| f)
}

fn intern(ident: &str) -> &'static CStr {
    let wanted = CString::new(ident.replace('\0', " ")).unwrap_or_default();
    let mut idents = IDENTS.lock();
    if let Some(known) = idents.iter().find(|k| **k == wanted.as_c_str()) {
        return known;
    }
    let leaked: &'static CStr = Box::leak(wanted.into_boxed_c_str());
    idents.push(leaked);
    leaked
}
