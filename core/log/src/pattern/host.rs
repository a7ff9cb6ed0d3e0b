//! `%h` and `%H`: the host name and its fully qualified form, read once per compiled pattern.

use std::ffi::{CStr, CString};

/// gethostname(2), empty if it fails.
pub(super) fn name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: buf has buf.len() writable bytes; gethostname NUL-terminates when the name fits.
    if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) } != 0 {
        return String::new();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// The canonical name the resolver gives for the host name, as log4cplus asks for it; the plain
/// host name when the resolver has none.
pub(super) fn fqdn() -> String {
    let host = name();
    let Ok(node) = CString::new(host.clone()) else {
        return host;
    };
    // SAFETY: hints is plain data set as getaddrinfo(3) wants; the list it returns is read only
    // while held and freed once.
    unsafe {
        let mut hints = std::mem::zeroed::<libc::addrinfo>();
        hints.ai_flags = libc::AI_CANONNAME;
        hints.ai_family = libc::AF_UNSPEC;
        let mut list = std::ptr::null_mut();
        if libc::getaddrinfo(node.as_ptr(), std::ptr::null(), &hints, &mut list) != 0 {
            return host;
        }
        let canonical = (*list).ai_canonname;
        let fqdn = if canonical.is_null() {
            host
        } else {
            CStr::from_ptr(canonical).to_string_lossy().into_owned()
        };
        libc::freeaddrinfo(list);
        fqdn
    }
}
