//! Opening plugin files: content-addressed copies, the entry point, ABI and multi-threading checks (HK-040).
//!
//! Libraries are never closed: `dlclose` of a Rust cdylib is unsound (thread-local destructors). Each file
//! is loaded from a copy named by its content, so a rebuilt plugin at the same path is a new object
//! while an unchanged one is reused; the copy is removed once mapped.

use parking_lot::Mutex;
use ruru_hook_api::abi::*;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Which process loads the plugins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `ruru-dhcp4`.
    V4,
    /// `ruru-dhcp6`.
    V6,
    /// `ruru-ctrl-agent`: no DHCP family, no lease storage; `control_command_receive` and `auth`.
    Agent,
}

impl Family {
    /// The point run once a configuration is committed with its plugins (`dhcp4_srv_configured`,
    /// `dhcp6_srv_configured`); the agent has none.
    pub fn srv_configured(self) -> Option<crate::Point> {
        match self {
            Family::V4 => Some(crate::Point::Dhcp4SrvConfigured),
            Family::V6 => Some(crate::Point::Dhcp6SrvConfigured),
            Family::Agent => None,
        }
    }

    pub(crate) fn host(self) -> &'static RuruHostApi {
        match self {
            Family::V4 => &crate::host::HOST4,
            Family::V6 => &crate::host::HOST6,
            Family::Agent => &crate::host::HOST_AGENT,
        }
    }
}

/// Why a plugin was refused; each names the file and Kea's message id.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read or mapped.
    #[error("{path}: cannot be opened: {why} (HOOKS_OPEN_ERROR)")]
    Open {
        /// The library path.
        path: PathBuf,
        /// The reason.
        why: String,
    },
    /// No entry point, or it returned nothing.
    #[error("{path}: not a Ruru plugin: no '{RURU_PLUGIN_SYMBOL}' entry point (HOOKS_NO_VERSION)")]
    NoVersion {
        /// The library path.
        path: PathBuf,
    },
    /// Built for another ABI.
    #[error("{path}: built for hooks ABI {major}.{minor}, this server provides {RURU_HOOK_ABI_MAJOR}.{RURU_HOOK_ABI_MINOR} (HOOKS_INCORRECT_VERSION)")]
    Version {
        /// The library path.
        path: PathBuf,
        /// The plugin's major.
        major: u32,
        /// The plugin's minor.
        minor: u32,
    },
    /// Not multi-threading compatible while multi-threading is on.
    #[error("{path}: not multi-threading compatible, and multi-threading is enabled (HOOKS_LIBRARY_MULTI_THREADING_NOT_COMPATIBLE)")]
    NotMultiThreaded {
        /// The library path.
        path: PathBuf,
    },
    /// `multi_threading_compatible` panicked.
    #[error(
        "{path}: multi_threading_compatible failed (HOOKS_MULTI_THREADING_COMPATIBLE_EXCEPTION)"
    )]
    MultiThreadedPanic {
        /// The library path.
        path: PathBuf,
    },
    /// A declared callout names no known point.
    #[error("{path}: unknown callout point '{point}'")]
    UnknownPoint {
        /// The library path.
        path: PathBuf,
        /// The name.
        point: String,
    },
    /// `load` returned non-zero.
    #[error("{path}: load returned {rc} (HOOKS_LOAD_ERROR); the library has been unloaded")]
    Load {
        /// The library path.
        path: PathBuf,
        /// The return value.
        rc: i32,
    },
    /// `load` panicked.
    #[error("{path}: load failed with an exception (HOOKS_LOAD_EXCEPTION); the library has been unloaded")]
    LoadPanic {
        /// The library path.
        path: PathBuf,
    },
}

/// A plugin that passed the checks, not yet loaded.
#[derive(Debug, Clone)]
pub struct Checked {
    pub(crate) index: u32,
    pub(crate) path: PathBuf,
    pub(crate) params: Option<serde_json::Value>,
    pub(crate) desc: &'static RuruPluginDescriptor,
    pub(crate) multi_threaded: bool,
}

type Key = (u64, u64, usize, usize);

fn cache() -> &'static Mutex<HashMap<Key, RuruPluginEntry>> {
    static CACHE: OnceLock<Mutex<HashMap<Key, RuruPluginEntry>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Two independent 64-bit digests of the content: a reused copy must match both and the length.
fn digest(bytes: &[u8]) -> (u64, u64) {
    let mut sip = DefaultHasher::new();
    sip.write(bytes);
    let fnv = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (sip.finish(), fnv)
}

/// Maps the library at `path` (the `occurrence`-th listing of that content gets its own copy, HK-010).
fn open(path: &Path, occurrence: usize) -> Result<RuruPluginEntry, LoadError> {
    let err = |why: String| LoadError::Open {
        path: path.to_owned(),
        why,
    };
    let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    let (a, b) = digest(&bytes);
    let key = (a, b, bytes.len(), occurrence);
    let mut cache = cache().lock();
    if let Some(entry) = cache.get(&key) {
        return Ok(*entry);
    }
    let dir = std::env::temp_dir().join(format!("ruru-hooks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| err(e.to_string()))?;
    let copy = dir.join(format!("{a:016x}{b:016x}-{occurrence}.so"));
    std::fs::write(&copy, &bytes).map_err(|e| err(e.to_string()))?;
    // SAFETY: loading runs the library's initialisers; operators vouch for the plugins they configure.
    let lib = unsafe {
        libloading::os::unix::Library::open(
            Some(&copy),
            libloading::os::unix::RTLD_NOW | libloading::os::unix::RTLD_LOCAL,
        )
    };
    let _ = std::fs::remove_file(&copy);
    let lib = lib.map_err(|e| err(e.to_string()))?;
    // SAFETY: the symbol's type is fixed by the ABI.
    let entry = unsafe { lib.get::<RuruPluginEntry>(RURU_PLUGIN_SYMBOL.as_bytes()) }
        .map(|s| *s)
        .map_err(|_| LoadError::NoVersion {
            path: path.to_owned(),
        })?;
    // Never closed: see the module comment.
    std::mem::forget(lib);
    cache.insert(key, entry);
    Ok(entry)
}

/// Opens and checks every library of a list without calling `load` (HK-040); the errors of all failing
/// libraries are returned together.
pub fn check(
    libs: &[ruru_config::HookLibrary],
    family: Family,
    multi_threading: bool,
) -> Result<Vec<Checked>, Vec<LoadError>> {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for (i, lib) in libs.iter().enumerate() {
        let occurrence = libs[..i]
            .iter()
            .filter(|l| l.library == lib.library)
            .count();
        match check_one(lib, i as u32 + 1, occurrence, family, multi_threading) {
            Ok(c) => ok.push(c),
            Err(e) => {
                hooks_log!(family, error, "{e}");
                errors.push(e);
            }
        }
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(errors)
    }
}

fn check_one(
    lib: &ruru_config::HookLibrary,
    index: u32,
    occurrence: usize,
    family: Family,
    multi_threading: bool,
) -> Result<Checked, LoadError> {
    let path = lib.library.clone();
    let entry = open(&path, occurrence)?;
    // SAFETY: the entry point's contract: it returns a static descriptor (or null).
    let desc = unsafe { entry(family.host()) };
    if desc.is_null() {
        return Err(LoadError::NoVersion { path });
    }
    // SAFETY: non-null descriptors are static in the plugin, which is never unmapped.
    let desc: &'static RuruPluginDescriptor = unsafe { &*desc };
    if desc.abi_major != RURU_HOOK_ABI_MAJOR
        || desc.abi_minor > RURU_HOOK_ABI_MINOR
        || desc.struct_size < std::mem::size_of::<RuruPluginDescriptor>()
    {
        return Err(LoadError::Version {
            path,
            major: desc.abi_major,
            minor: desc.abi_minor,
        });
    }
    hooks_log!(family, debug, id = "HOOKS_LIBRARY_VERSION", debuglevel = 45, library = %path.display(), major = desc.abi_major, minor = desc.abi_minor, "library version");
    let multi_threaded = match desc.multi_threading_compatible {
        // SAFETY: a plugin function taking no arguments.
        Some(f) => match unsafe { f() } {
            RURU_RESULT_EXCEPTION if multi_threading => {
                return Err(LoadError::MultiThreadedPanic { path })
            }
            rc => rc > 0,
        },
        None => false,
    };
    hooks_log!(family, debug, id = "HOOKS_LIBRARY_MULTI_THREADING_COMPATIBLE", debuglevel = 45, library = %path.display(), compatible = multi_threaded, "multi-threading compatibility");
    if multi_threading && !multi_threaded {
        return Err(LoadError::NotMultiThreaded { path });
    }
    Ok(Checked {
        index,
        path,
        params: lib.parameters.clone(),
        desc,
        multi_threaded,
    })
}
