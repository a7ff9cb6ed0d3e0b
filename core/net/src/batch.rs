//! Batched datagram I/O with `recvmmsg`/`sendmmsg`, shared by every socket type.
//!
//! All per-call scratch (headers, addresses, control data, hand-built frame headers) lives in
//! fixed arrays on the stack, so a batch costs no heap allocation and no lock; callers with more
//! messages than [`MAX_BATCH`] are served in several system calls.

use std::io;
use std::mem::size_of;
use std::os::fd::RawFd;
use std::ptr;

use crate::sys::{self, Zeroable};
use crate::{family, IpFamily};

/// Messages per system call.
pub(crate) const MAX_BATCH: usize = 64;

/// Room for one control message with a packet-info payload (`in_pktinfo` or `in6_pktinfo`).
const CTRL_WORDS: usize = 8;
/// Room for hand-built link, network and transport headers sent in front of a payload.
pub(crate) const HEAD_MAX: usize = 64;

/// Control-message space, aligned for `cmsghdr` (8 bytes).
#[derive(Clone, Copy)]
struct CtrlBuf([u64; CTRL_WORDS]);

/// One datagram as the kernel delivered it, before its payload is handed to the caller.
pub(crate) struct Datagram<'a> {
    /// The sender's address (`AF_INET`, `AF_PACKET`, ...).
    pub(crate) addr: &'a libc::sockaddr_storage,
    hdr: &'a libc::msghdr,
    /// Bytes written to the buffer.
    pub(crate) len: usize,
    /// The datagram was larger than the buffer.
    pub(crate) truncated: bool,
}

impl Datagram<'_> {
    /// The payload of the first control message with this level and type.
    // The length fields are size_t with glibc but socklen_t with musl: the casts are needed.
    #[allow(clippy::unnecessary_cast)]
    pub(crate) fn control(&self, level: libc::c_int, ty: libc::c_int) -> Option<&[u8]> {
        let end = self.hdr.msg_control as usize + self.hdr.msg_controllen as usize;
        // SAFETY: arithmetic only.
        let data_off = unsafe { libc::CMSG_LEN(0) } as usize;
        // SAFETY: `hdr` is the msghdr the kernel just filled: msg_control points at our live
        // CtrlBuf and msg_controllen says how much of it holds control messages.
        let mut cmsg = unsafe { libc::CMSG_FIRSTHDR(self.hdr) };
        while !cmsg.is_null() {
            // SAFETY: CMSG_FIRSTHDR/CMSG_NXTHDR only return aligned headers inside the buffer.
            let c = unsafe { &*cmsg };
            let data = cmsg.cast::<u8>().cast_const().wrapping_add(data_off);
            let data_len = (c.cmsg_len as usize).saturating_sub(data_off);
            if c.cmsg_level == level && c.cmsg_type == ty && data as usize + data_len <= end {
                // SAFETY: `data..data + data_len` lies inside the control buffer (checked
                // above), which outlives `self`.
                return Some(unsafe { std::slice::from_raw_parts(data, data_len) });
            }
            // SAFETY: as for CMSG_FIRSTHDR; returns null past the last header.
            cmsg = unsafe { libc::CMSG_NXTHDR(self.hdr, cmsg) };
        }
        None
    }
}

/// Whether a receive may block for its first datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wait {
    /// Never block (`MSG_DONTWAIT`).
    No,
    /// Block until one datagram arrives or the socket's receive timeout passes (`MSG_WAITFORONE` on a
    /// blocking descriptor), then take whatever else is queued.
    ForOne,
}

/// Receives into `bufs` until they are full or the queue is empty; with [`Wait::ForOne`] the first
/// system call may block, so a whole batch costs one call.
///
/// `decode` turns each datagram (and its buffer, which it may rearrange) into a caller-level
/// meta, or `None` to drop it; kept datagrams are packed to the front, swapping buffers rather
/// than copying bytes. Returns how many of `bufs`/`metas` were filled.
pub(crate) fn recv<M>(
    fd: RawFd,
    bufs: &mut [Vec<u8>],
    metas: &mut [M],
    wait: Wait,
    mut decode: impl FnMut(&Datagram<'_>, &mut [u8]) -> Option<M>,
) -> io::Result<usize> {
    let want = bufs.len().min(metas.len());
    let mut filled = 0;
    while filled < want {
        let chunk = (want - filled).min(MAX_BATCH);
        let mut addrs = [libc::sockaddr_storage::zeroed(); MAX_BATCH];
        let mut iovs = [libc::iovec::zeroed(); MAX_BATCH];
        let mut ctrls = [CtrlBuf([0; CTRL_WORDS]); MAX_BATCH];
        let mut hdrs = [libc::mmsghdr::zeroed(); MAX_BATCH];
        for (iov, buf) in iovs.iter_mut().zip(&mut bufs[filled..filled + chunk]) {
            iov.iov_base = buf.as_mut_ptr().cast();
            iov.iov_len = buf.len();
        }
        let (addr_p, iov_p, ctrl_p) = (addrs.as_mut_ptr(), iovs.as_mut_ptr(), ctrls.as_mut_ptr());
        for (i, h) in hdrs.iter_mut().enumerate().take(chunk) {
            let h = &mut h.msg_hdr;
            h.msg_name = addr_p.wrapping_add(i).cast();
            h.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            h.msg_iov = iov_p.wrapping_add(i);
            h.msg_iovlen = 1;
            h.msg_control = ctrl_p.wrapping_add(i).cast();
            h.msg_controllen = size_of::<CtrlBuf>() as _;
        }
        // SAFETY: the first `chunk` headers point at live address, iovec and control arrays of
        // the sizes given, and each iovec at a distinct caller buffer of its length. The
        // timeout is null (the socket's SO_RCVTIMEO bounds a blocking first call).
        let flags = match wait {
            Wait::ForOne if filled == 0 => libc::MSG_WAITFORONE,
            _ => libc::MSG_DONTWAIT,
        };
        let ret = unsafe {
            libc::recvmmsg(
                fd,
                hdrs.as_mut_ptr(),
                chunk as libc::c_uint,
                flags as _,
                ptr::null_mut(),
            )
        };
        let n = match sys::cvt(ret) {
            Ok(n) => n as usize,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            // What was already received is delivered; a persistent error shows up next call.
            Err(_) if filled > 0 => break,
            Err(e) => return Err(e),
        };
        let mut kept = 0;
        for (i, (h, addr)) in hdrs.iter().zip(&addrs).take(n).enumerate() {
            let dg = Datagram {
                addr,
                hdr: &h.msg_hdr,
                len: h.msg_len as usize,
                truncated: h.msg_hdr.msg_flags & libc::MSG_TRUNC != 0,
            };
            if let Some(meta) = decode(&dg, &mut bufs[filled + i]) {
                bufs.swap(filled + kept, filled + i);
                metas[filled + kept] = meta;
                kept += 1;
            }
        }
        filled += kept;
        if n < chunk {
            break;
        }
    }
    Ok(filled)
}

/// Per-message send scratch that a socket type fills in for one outgoing datagram.
#[derive(Clone, Copy)]
pub(crate) struct SendSlot {
    addr: libc::sockaddr_storage,
    addr_len: libc::socklen_t,
    ctrl: CtrlBuf,
    ctrl_len: usize,
    head: [u8; HEAD_MAX],
    head_len: usize,
}

impl SendSlot {
    fn new() -> Self {
        Self {
            addr: libc::sockaddr_storage::zeroed(),
            addr_len: 0,
            ctrl: CtrlBuf([0; CTRL_WORDS]),
            ctrl_len: 0,
            head: [0; HEAD_MAX],
            head_len: 0,
        }
    }

    /// Sends to this address of family `F` (unconnected sockets).
    pub(crate) fn set_dest<F: IpFamily>(&mut self, addr: F::SockAddr) {
        self.addr_len = family::to_storage::<F>(addr, &mut self.addr);
    }

    /// Attaches one control message; `data` must fit the control buffer (packet-info sized).
    pub(crate) fn set_control(&mut self, level: libc::c_int, ty: libc::c_int, data: &[u8]) {
        let len = data.len() as libc::c_uint;
        // SAFETY: CMSG_SPACE and CMSG_LEN are arithmetic only.
        let (space, data_off) =
            unsafe { (libc::CMSG_SPACE(len) as usize, libc::CMSG_LEN(0) as usize) };
        assert!(
            space <= size_of::<CtrlBuf>(),
            "control message larger than CtrlBuf"
        );
        let mut hdr = libc::cmsghdr::zeroed();
        hdr.cmsg_len = (data_off + data.len()) as _;
        hdr.cmsg_level = level;
        hdr.cmsg_type = ty;
        let base = self.ctrl.0.as_mut_ptr().cast::<u8>();
        // SAFETY: the buffer is 8-byte aligned (u64 words) as cmsghdr requires, and the header
        // plus data (`space` bytes, asserted above) fit inside it.
        unsafe {
            ptr::write(base.cast::<libc::cmsghdr>(), hdr);
            ptr::copy_nonoverlapping(data.as_ptr(), base.add(data_off), data.len());
        }
        self.ctrl_len = space;
    }

    /// The `N` bytes sent in front of the payload (hand-built headers).
    pub(crate) fn head_mut<const N: usize>(&mut self) -> &mut [u8; N] {
        const { assert!(N <= HEAD_MAX, "headers larger than HEAD_MAX") };
        self.head_len = N;
        self.head
            .first_chunk_mut::<N>()
            .expect("N <= HEAD_MAX is checked at compile time")
    }
}

/// Sends `msgs` in order without blocking; `prepare` fills each message's slot from its target.
///
/// Returns how many messages from the front were handed to the kernel. An error (from
/// `prepare` or the kernel) is returned only when it concerns the first message; otherwise the
/// count stops just before the failing message, which the caller retries or skips.
pub(crate) fn send<T>(
    fd: RawFd,
    msgs: &[(&[u8], T)],
    mut prepare: impl FnMut(&[u8], &T, &mut SendSlot) -> io::Result<()>,
) -> io::Result<usize> {
    let mut sent = 0;
    while sent < msgs.len() {
        let chunk = &msgs[sent..msgs.len().min(sent + MAX_BATCH)];
        let mut slots = [SendSlot::new(); MAX_BATCH];
        let mut ready = 0;
        let mut prep_err = None;
        for (slot, (payload, target)) in slots.iter_mut().zip(chunk) {
            if let Err(e) = prepare(payload, target, slot) {
                prep_err = Some(e);
                break;
            }
            ready += 1;
        }
        if ready > 0 {
            match send_prepared(fd, &mut slots[..ready], &chunk[..ready]) {
                Ok(n) => {
                    sent += n;
                    if n < ready {
                        return Ok(sent);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) if sent > 0 => return Ok(sent),
                Err(e) => return Err(e),
            }
        }
        if let Some(e) = prep_err {
            return if sent > 0 { Ok(sent) } else { Err(e) };
        }
    }
    Ok(sent)
}

/// One `sendmmsg` call for prepared slots; returns how many the kernel took.
fn send_prepared<T>(fd: RawFd, slots: &mut [SendSlot], msgs: &[(&[u8], T)]) -> io::Result<usize> {
    let mut iovs = [[libc::iovec::zeroed(); 2]; MAX_BATCH];
    let mut hdrs = [libc::mmsghdr::zeroed(); MAX_BATCH];
    for (((h, iov), slot), (payload, _)) in hdrs
        .iter_mut()
        .zip(&mut iovs)
        .zip(slots.iter_mut())
        .zip(msgs)
    {
        let mut n = 0;
        if slot.head_len > 0 {
            iov[0] = libc::iovec {
                iov_base: slot.head.as_mut_ptr().cast(),
                iov_len: slot.head_len,
            };
            n = 1;
        }
        // sendmmsg never writes through iov_base; the cast to *mut is what the C type requires.
        iov[n] = libc::iovec {
            iov_base: payload.as_ptr().cast_mut().cast(),
            iov_len: payload.len(),
        };
        let h = &mut h.msg_hdr;
        h.msg_iov = iov.as_mut_ptr();
        h.msg_iovlen = n + 1;
        if slot.addr_len > 0 {
            h.msg_name = (&mut slot.addr as *mut libc::sockaddr_storage).cast();
            h.msg_namelen = slot.addr_len;
        }
        if slot.ctrl_len > 0 {
            h.msg_control = slot.ctrl.0.as_mut_ptr().cast();
            h.msg_controllen = slot.ctrl_len as _;
        }
    }
    // SAFETY: the first `slots.len()` headers point at live iovecs, addresses and control data
    // of the lengths given; the payloads are borrowed for the duration of the call.
    let ret = unsafe {
        libc::sendmmsg(
            fd,
            hdrs.as_mut_ptr(),
            slots.len() as libc::c_uint,
            libc::MSG_DONTWAIT as _,
        )
    };
    sys::cvt(ret).map(|n| n as usize)
}
