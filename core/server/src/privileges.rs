//! Capabilities (CTL-113): a server started with more than it needs — typically as root, with all
//! of them — keeps only those of CTL-117 and gives up the rest for good.
//!
//! Kept: `CAP_NET_BIND_SERVICE` (DHCP ports and control sockets below 1024) for both families, and
//! `CAP_NET_RAW` for DHCPv4, whose `dhcp-socket-type` raw needs packet sockets. Both stay
//! effective for the whole run because every reconfiguration closes and reopens the sockets, and a
//! `config-set` may switch a DHCPv4 server from `udp` to `raw`. Everything else leaves the
//! effective, permitted, inheritable and ambient sets, and — when the process may change it — the
//! bounding set, so that no program it runs (the lease file cleanup, a plugin's helper) gets more
//! back, even as uid 0. The uid stays: files and directories the server owns remain its own.

use std::io;

use thiserror::Error;

/// `CAP_SETPCAP`: needed to shrink the bounding set.
const CAP_SETPCAP: u32 = 8;
/// `CAP_NET_BIND_SERVICE`.
const CAP_NET_BIND_SERVICE: u32 = 10;
/// `CAP_NET_RAW`.
const CAP_NET_RAW: u32 = 13;
/// `_LINUX_CAPABILITY_VERSION_3`: two 32-bit words per set.
const CAPABILITY_VERSION_3: u32 = 0x2008_0522;

/// `struct __user_cap_header_struct`.
#[repr(C)]
struct Header {
    version: u32,
    pid: libc::c_int,
}

/// `struct __user_cap_data_struct`: one 32-bit word of each set.
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct Words {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// A capability set as one 64-bit mask.
type Mask = u64;

fn bit(cap: u32) -> Mask {
    1 << cap
}

/// Why the capabilities could not be limited.
#[derive(Debug, Error)]
pub(crate) enum PrivilegeError {
    /// `capget` failed.
    #[error("cannot read the process's capabilities: {0}")]
    Read(#[source] io::Error),
    /// `PR_CAPBSET_DROP` failed for one capability.
    #[error("cannot drop capability {cap} from the bounding set: {source}")]
    Bounding {
        /// Its number.
        cap: u32,
        /// The system's reason.
        source: io::Error,
    },
    /// `capset` failed.
    #[error("cannot limit the process's capabilities: {0}")]
    Write(#[source] io::Error),
}

/// What [`keep_only_needed`] left.
#[derive(Debug)]
pub(crate) struct Limited {
    /// Names of the capabilities still permitted and effective.
    pub(crate) kept: Vec<&'static str>,
    /// How many permitted capabilities were given up.
    pub(crate) dropped: u32,
    /// Whether the bounding set was limited too (it needs `CAP_SETPCAP`, which an unprivileged
    /// start does not have; its bounding set is then the starter's business).
    pub(crate) bounding: bool,
}

/// The capabilities a server of this family needs (CTL-117), with their names.
fn needed(v6: bool) -> &'static [(u32, &'static str)] {
    if v6 {
        &[(CAP_NET_BIND_SERVICE, "net_bind_service")]
    } else {
        &[
            (CAP_NET_BIND_SERVICE, "net_bind_service"),
            (CAP_NET_RAW, "net_raw"),
        ]
    }
}

/// Limits the process to the capabilities its family needs. Capabilities belong to threads: this
/// must run before the process starts any, so that every thread inherits the limited sets.
pub(crate) fn keep_only_needed(v6: bool) -> Result<Limited, PrivilegeError> {
    let needed = needed(v6);
    let wanted: Mask = needed
        .iter()
        .map(|(cap, _)| bit(*cap))
        .fold(0, |a, b| a | b);
    let (effective, permitted) = current()?;
    let bounding = effective & bit(CAP_SETPCAP) != 0;
    if bounding {
        limit_bounding_set(wanted)?;
    }
    // Ambient capabilities leave with the inheritable ones; clearing them first keeps the order
    // the kernel expects on every version that has them (older kernels answer EINVAL: none).
    // SAFETY: prctl with integer arguments only.
    unsafe {
        libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL,
            0,
            0,
            0,
        )
    };
    let kept = permitted & wanted;
    set(kept, kept, 0)?;
    Ok(Limited {
        kept: needed
            .iter()
            .filter(|(cap, _)| kept & bit(*cap) != 0)
            .map(|(_, name)| *name)
            .collect(),
        dropped: (permitted & !wanted).count_ones(),
        bounding,
    })
}

/// Drops every capability outside `wanted` from the bounding set; the kernel's last capability is
/// where `PR_CAPBSET_READ` stops answering.
fn limit_bounding_set(wanted: Mask) -> Result<(), PrivilegeError> {
    for cap in 0..Mask::BITS {
        // SAFETY: prctl with integer arguments only.
        let present = unsafe { libc::prctl(libc::PR_CAPBSET_READ, cap as libc::c_ulong, 0, 0, 0) };
        if present < 0 {
            break;
        }
        if present == 1 && wanted & bit(cap) == 0 {
            // SAFETY: as above.
            let dropped =
                unsafe { libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0) };
            if dropped != 0 {
                return Err(PrivilegeError::Bounding {
                    cap,
                    source: io::Error::last_os_error(),
                });
            }
        }
    }
    Ok(())
}

/// The calling thread's effective and permitted sets.
fn current() -> Result<(Mask, Mask), PrivilegeError> {
    let mut header = Header {
        version: CAPABILITY_VERSION_3,
        pid: 0,
    };
    let mut words = [Words::default(); 2];
    // SAFETY: capget writes two `__user_cap_data_struct`s (version 3) into `words`, which has room
    // for exactly that, and reads the header.
    let rc = unsafe { libc::syscall(libc::SYS_capget, &mut header, words.as_mut_ptr()) };
    if rc != 0 {
        return Err(PrivilegeError::Read(io::Error::last_os_error()));
    }
    let join = |low: u32, high: u32| Mask::from(low) | Mask::from(high) << 32;
    Ok((
        join(words[0].effective, words[1].effective),
        join(words[0].permitted, words[1].permitted),
    ))
}

/// Replaces the calling thread's sets.
fn set(effective: Mask, permitted: Mask, inheritable: Mask) -> Result<(), PrivilegeError> {
    let mut header = Header {
        version: CAPABILITY_VERSION_3,
        pid: 0,
    };
    let word = |mask: Mask, high: bool| (if high { mask >> 32 } else { mask }) as u32;
    let words = [false, true].map(|high| Words {
        effective: word(effective, high),
        permitted: word(permitted, high),
        inheritable: word(inheritable, high),
    });
    // SAFETY: capset reads the header and two `__user_cap_data_struct`s (version 3) from `words`.
    let rc = unsafe { libc::syscall(libc::SYS_capset, &mut header, words.as_ptr()) };
    if rc != 0 {
        return Err(PrivilegeError::Write(io::Error::last_os_error()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A capability set of the calling thread, from `/proc/thread-self/status`.
    fn thread_set(field: &str) -> Mask {
        let text = std::fs::read_to_string("/proc/thread-self/status").expect("status");
        let hex = text
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .unwrap_or_else(|| panic!("no {field}"));
        Mask::from_str_radix(hex.trim(), 16).expect("hex")
    }

    /// CTL-113: from root's full sets, each family keeps exactly what CTL-117 names, in every set
    /// that can give capabilities back; a second call (now without `CAP_SETPCAP`, as an
    /// unprivileged start is) leaves them as they are. Capabilities are per thread, so each case
    /// runs on a thread of its own and the test process keeps its own.
    #[test]
    fn ctl113_keeps_only_what_the_family_needs() {
        // SAFETY: geteuid has no preconditions.
        assert_eq!(unsafe { libc::geteuid() }, 0, "this test needs root");
        let bind = bit(CAP_NET_BIND_SERVICE);
        for (v6, want, names) in [
            (
                false,
                bind | bit(CAP_NET_RAW),
                vec!["net_bind_service", "net_raw"],
            ),
            (true, bind, vec!["net_bind_service"]),
        ] {
            std::thread::spawn(move || {
                assert!(thread_set("CapEff") & bit(CAP_SETPCAP) != 0, "root's sets");
                let first = keep_only_needed(v6).expect("limited");
                assert_eq!(first.kept, names);
                assert!(first.bounding && first.dropped > 0, "{first:?}");
                for (field, expected) in [
                    ("CapEff", want),
                    ("CapPrm", want),
                    ("CapBnd", want),
                    ("CapInh", 0),
                    ("CapAmb", 0),
                ] {
                    assert_eq!(thread_set(field), expected, "{field} (v6: {v6})");
                }
                let again = keep_only_needed(v6).expect("limited again");
                assert!(!again.bounding && again.dropped == 0, "{again:?}");
                assert_eq!((thread_set("CapEff"), thread_set("CapBnd")), (want, want));
            })
            .join()
            .expect("thread");
        }
    }
}
