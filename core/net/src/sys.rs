//! Small wrappers around libc calls and kernel structures shared by the socket types.

use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

/// Plain kernel structures for which all-zero bytes are a valid value.
///
/// # Safety
/// Implement only for `repr(C)` types made of integers, arrays of integers and raw pointers.
pub(crate) unsafe trait Zeroable: Sized {
    /// An all-zero value.
    fn zeroed() -> Self {
        // SAFETY: the trait's contract says all-zero bytes are a valid `Self`.
        unsafe { std::mem::zeroed() }
    }
}

// SAFETY: each is a repr(C) struct of integers, integer arrays and raw pointers (null is valid).
unsafe impl Zeroable for libc::sockaddr_storage {}
// SAFETY: as above.
unsafe impl Zeroable for libc::sockaddr_ll {}
// SAFETY: as above.
unsafe impl Zeroable for libc::mmsghdr {}
// SAFETY: as above.
unsafe impl Zeroable for libc::iovec {}
// SAFETY: as above.
unsafe impl Zeroable for libc::cmsghdr {}

/// Maps a libc return value of -1 to the thread's `errno`.
pub(crate) fn cvt(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// Sets an integer socket option.
pub(crate) fn setsockopt_int(
    fd: RawFd,
    level: libc::c_int,
    name: libc::c_int,
    value: libc::c_int,
) -> io::Result<()> {
    let len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `value` lives across the call and `len` is its exact size.
    let ret =
        unsafe { libc::setsockopt(fd, level, name, (&value as *const libc::c_int).cast(), len) };
    cvt(ret).map(drop)
}

/// Socket buffer size asked for each way: room for bursts of thousands of DHCP messages.
const SOCKET_BUFFER_BYTES: libc::c_int = 4 << 20;

/// Asks for 4 MiB socket buffers each way, beyond `rmem_max`/`wmem_max` when the process has
/// `CAP_NET_ADMIN`; without it the kernel quietly caps the plain request, which is fine.
pub(crate) fn enlarge_buffers(fd: RawFd) {
    for (force, plain) in [
        (libc::SO_RCVBUFFORCE, libc::SO_RCVBUF),
        (libc::SO_SNDBUFFORCE, libc::SO_SNDBUF),
    ] {
        if setsockopt_int(fd, libc::SOL_SOCKET, force, SOCKET_BUFFER_BYTES).is_err() {
            // A smaller buffer costs drops under load, not correctness: carry on without it.
            let _ = setsockopt_int(fd, libc::SOL_SOCKET, plain, SOCKET_BUFFER_BYTES);
        }
    }
}

/// Waits until `fd` is readable or `timeout` passes; `false` on timeout or signal.
pub(crate) fn wait_readable(fd: RawFd, timeout: Option<Duration>) -> io::Result<bool> {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // Round up so that a sub-millisecond timeout still waits rather than spinning.
    let ms = timeout.map_or(-1, |t| {
        let ms = t.as_micros().div_ceil(1000);
        libc::c_int::try_from(ms).unwrap_or(libc::c_int::MAX)
    });
    // SAFETY: `pfd` is one valid pollfd, and we pass a count of 1.
    let ret = unsafe { libc::poll(&mut pfd, 1, ms) };
    match cvt(ret) {
        Ok(n) => Ok(n > 0),
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(false),
        Err(e) => Err(e),
    }
}

/// Reads a link-layer socket address out of a kernel-filled `sockaddr_storage`.
pub(crate) fn storage_to_ll(ss: &libc::sockaddr_storage) -> Option<libc::sockaddr_ll> {
    if libc::c_int::from(ss.ss_family) != libc::AF_PACKET {
        return None;
    }
    // SAFETY: the family says the storage holds a sockaddr_ll; sockaddr_storage is larger than
    // and at least as aligned as sockaddr_ll.
    Some(unsafe {
        std::ptr::read((ss as *const libc::sockaddr_storage).cast::<libc::sockaddr_ll>())
    })
}

/// Binds an `AF_PACKET` socket to one interface and EtherType (host byte order).
pub(crate) fn bind_packet(fd: RawFd, ifindex: u32, ethertype: u16) -> io::Result<()> {
    let mut sll = libc::sockaddr_ll::zeroed();
    sll.sll_family = libc::AF_PACKET as libc::c_ushort;
    sll.sll_protocol = ethertype.to_be();
    sll.sll_ifindex = libc::c_int::try_from(ifindex)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "interface index out of range"))?;
    let len = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
    // SAFETY: `sll` is a complete sockaddr_ll that lives across the call, `len` its size.
    let ret = unsafe { libc::bind(fd, (&sll as *const libc::sockaddr_ll).cast(), len) };
    cvt(ret).map(drop)
}
