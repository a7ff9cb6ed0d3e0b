//! A loaded plugin list: callouts per point in library order, commands, parking lots (HK-012..HK-078).

use crate::args::{Args, Slot};
use crate::context::RequestContext;
use crate::host::Invocation;
use crate::loader::{Checked, Family, LoadError};
use crate::object::Arena;
use crate::park::{Lot, Parcel, ParkWait};
use crate::point::Point;
use parking_lot::Mutex;
use ruru_hook_api::abi::*;
use ruru_hook_api::names::arg;
use serde_json::{json, Value as Json};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The multi-threading mode of the configuration whose plugins were loaded last (HK-085).
static MULTI_THREADING: AtomicBool = AtomicBool::new(false);

/// Whether the configuration in force runs multi-threaded, as plugins are told.
pub(crate) fn multi_threading() -> bool {
    MULTI_THREADING.load(Ordering::Acquire)
}

/// What `load` registers through its library handle.
#[derive(Debug)]
pub(crate) struct Registrar {
    pub(crate) index: u32,
    pub(crate) params: Option<Json>,
    pub(crate) params_text: Option<String>,
    pub(crate) callouts: Vec<(Point, RuruCallout)>,
    pub(crate) commands: Vec<(String, RuruCallout)>,
    pub(crate) scratch: Vec<String>,
    pub(crate) family: Family,
}

#[derive(Debug, Clone, Copy)]
struct Registered {
    lib: u32,
    f: RuruCallout,
}

#[derive(Debug)]
struct Loaded {
    path: PathBuf,
    desc: &'static RuruPluginDescriptor,
    /// Present for plugins that are not multi-threading compatible: their callouts run one at a time.
    serial: Option<Mutex<()>>,
}

/// What the callouts of a point decided.
#[derive(Debug)]
pub enum Called {
    /// Proceed.
    Continue,
    /// Skip the guarded step.
    Skip,
    /// Drop the packet.
    Drop,
    /// Wait for the plugins to unpark the packet.
    Park(ParkWait),
    /// The point's parking lot is full: drop the packet and count it (HK-065).
    LotFull,
}

/// The plugins of one configuration, loaded.
#[derive(Debug)]
pub struct HookSet {
    libs: Vec<Loaded>,
    table: Vec<Vec<Registered>>,
    commands: Vec<(String, Vec<Registered>)>,
    lots: Vec<Lot>,
    parked_limit: u32,
    unloaded: AtomicBool,
    family: Family,
}

impl HookSet {
    /// No plugins.
    pub fn empty() -> Self {
        HookSet {
            libs: Vec::new(),
            table: vec![Vec::new(); Point::ALL.len()],
            commands: Vec::new(),
            lots: Point::ALL.iter().map(|_| Lot::default()).collect(),
            parked_limit: 0,
            unloaded: AtomicBool::new(true),
            family: Family::V4,
        }
    }

    /// Loads checked plugins in list order: named callouts first, then `load` (HK-032, HK-026). All or
    /// nothing: on a failure the plugins already loaded are unloaded again (HK-045).
    ///
    /// `multi_threading` is the new configuration's mode: plugins read it from here on (HK-085), so
    /// call this only once the previous set is unloaded.
    pub fn load(
        checked: Vec<Checked>,
        family: Family,
        parked_limit: u32,
        multi_threading: bool,
    ) -> Result<Arc<HookSet>, LoadError> {
        MULTI_THREADING.store(multi_threading, Ordering::Release);
        let mut set = HookSet::empty();
        set.parked_limit = parked_limit;
        set.family = family;
        set.unloaded = AtomicBool::new(false);
        for c in checked {
            hooks_log!(family, debug, id = "HOOKS_LIBRARY_LOADING", debuglevel = 40, index = c.index, library = %c.path.display(), "loading library");
            let mut reg = Registrar {
                index: c.index,
                params_text: c.params.as_ref().map(Json::to_string),
                params: c.params.clone(),
                callouts: Vec::new(),
                commands: Vec::new(),
                scratch: Vec::new(),
                family,
            };
            // SAFETY: the descriptor's table has `callouts_len` entries in static plugin memory.
            let decls = unsafe { crate::value::raw_slice(c.desc.callouts, c.desc.callouts_len) };
            for d in decls {
                // SAFETY: static names in plugin memory.
                let name =
                    std::str::from_utf8(unsafe { crate::value::slice(d.point) }).unwrap_or("");
                let Some(p) = Point::from_name(name) else {
                    set.unload();
                    return Err(LoadError::UnknownPoint {
                        path: c.path,
                        point: name.to_owned(),
                    });
                };
                hooks_log!(
                    family,
                    debug,
                    id = "HOOKS_STD_CALLOUT_REGISTERED",
                    debuglevel = 45,
                    index = c.index,
                    point = name,
                    "named callout registered"
                );
                reg.callouts.push((p, d.callout));
            }
            let rc = match c.desc.load {
                // SAFETY: the library handle is `reg`, live for the call.
                Some(load) => {
                    let rc = unsafe { load((&mut reg as *mut Registrar).cast()) };
                    if rc == 0 {
                        hooks_log!(family, debug, id = "HOOKS_LOAD_SUCCESS", debuglevel = 40, index = c.index, library = %c.path.display(), "load succeeded");
                    }
                    rc
                }
                // HK-029: valid; the plugin contributes through its named callouts.
                None => {
                    hooks_log!(family, debug, id = "HOOKS_NO_LOAD", debuglevel = 40, index = c.index, library = %c.path.display(), "no load function");
                    0
                }
            };
            if rc != 0 {
                // HK-028: the failed plugin may free what it allocated; its registrations are dropped.
                unload_one(family, c.index, &c.path, c.desc);
                let err = if rc == RURU_RESULT_EXCEPTION {
                    LoadError::LoadPanic { path: c.path }
                } else {
                    LoadError::Load { path: c.path, rc }
                };
                hooks_log!(family, error, "{err}");
                set.unload();
                return Err(err);
            }
            for (p, f) in reg.callouts {
                set.table[p.index()].push(Registered { lib: c.index, f });
            }
            for (name, f) in reg.commands {
                let r = Registered { lib: c.index, f };
                match set.commands.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, hs)) => hs.push(r),
                    None => set.commands.push((name, vec![r])),
                }
            }
            hooks_log!(family, info, id = "HOOKS_LIBRARY_LOADED", index = c.index, library = %c.path.display(), "library loaded");
            set.libs.push(Loaded {
                path: c.path,
                desc: c.desc,
                serial: (!c.multi_threaded).then(|| Mutex::new(())),
            });
        }
        Ok(Arc::new(set))
    }

    /// Whether any callout is registered on `p`: the engine's fast path when it is not.
    #[inline]
    pub fn has(&self, p: Point) -> bool {
        !self.table[p.index()].is_empty()
    }

    /// Whether any plugin is loaded.
    pub fn is_empty(&self) -> bool {
        self.libs.is_empty()
    }

    /// Runs the callouts of `p` in library order on shared arguments (HK-013..HK-016, HK-050, HK-051).
    pub fn call(&self, p: Point, args: &mut Args<'_>, ctx: &mut RequestContext) -> Called {
        let list = &self.table[p.index()];
        if list.is_empty() {
            return Called::Continue;
        }
        let lot = &self.lots[p.index()];
        let parcel = if p.can_park() {
            if self.parked_limit != 0 && lot.len() >= self.parked_limit as usize {
                return Called::LotFull;
            }
            Some(Arc::new(Parcel::default()))
        } else {
            None
        };
        let status = self.invoke(p, list, args, ctx, parcel.clone());
        match status {
            RURU_NEXT_STEP_SKIP => Called::Skip,
            RURU_NEXT_STEP_DROP => Called::Drop,
            RURU_NEXT_STEP_PARK => match parcel {
                Some(pc) if pc.refs() > 0 => Called::Park(ParkWait::new(pc, lot)),
                // PARK without a reference, or where parking is not supported, means CONTINUE (HK-057).
                _ => Called::Continue,
            },
            _ => Called::Continue,
        }
    }

    /// Runs a buffer point (`buffer4_receive`, `buffer4_send`, `buffer6_receive`, `buffer6_send`) on a
    /// wire buffer: the buffer as plugins left it, or `None` when one of them stopped the packet
    /// (HK-100, HK-113, HK-120, HK-132).
    pub fn call_buffer(&self, p: Point, mut wire: Vec<u8>) -> Option<Vec<u8>> {
        let (name, family, send) = match p {
            Point::Buffer4Receive => (arg::QUERY4, Family::V4, false),
            Point::Buffer4Send => (arg::RESPONSE4, Family::V4, true),
            Point::Buffer6Receive => (arg::QUERY6, Family::V6, false),
            Point::Buffer6Send => (arg::RESPONSE6, Family::V6, true),
            _ => return Some(wire),
        };
        let mut args = Args::new().with(name, Slot::Wire(&mut wire, family));
        let called = self.call(p, &mut args, &mut RequestContext::new());
        drop(args);
        match called {
            Called::Drop => None,
            // Receive: SKIP means a plugin did the parsing; the (rewritten) buffer is what it parsed.
            Called::Skip if send => None,
            _ => Some(wire),
        }
    }

    fn invoke(
        &self,
        p: Point,
        list: &[Registered],
        args: &mut Args<'_>,
        ctx: &mut RequestContext,
        parcel: Option<Arc<Parcel>>,
    ) -> i32 {
        let mut inv = Invocation {
            point: p,
            status: RURU_NEXT_STEP_CONTINUE,
            args,
            ctx,
            lib: 0,
            minor: RURU_HOOK_ABI_MINOR,
            arena: Arena::default(),
            parcel,
        };
        // HK-059: clocks are read only when the hooks logger prints debug (a cached check on the
        // packet path otherwise); per-callout lines need its finer band.
        let timed = hooks_enabled!(self.family, DEBUG);
        let per_callout = timed && hooks_enabled!(self.family, TRACE);
        if timed {
            hooks_log!(
                self.family,
                debug,
                id = "HOOKS_CALLOUTS_BEGIN",
                debuglevel = 45,
                point = p.name(),
                "begin all callouts for hook {}",
                p.name()
            );
        }
        let mut total = Duration::ZERO;
        for r in list {
            let lib = &self.libs[r.lib as usize - 1];
            inv.lib = r.lib;
            inv.minor = lib.desc.abi_minor;
            let serial = lib.serial.as_ref().map(|m| m.lock());
            let started = timed.then(Instant::now);
            // SAFETY: the handle is `inv`, live for the call; the plugin is mapped for good.
            let rc = unsafe { (r.f)((&mut inv as *mut Invocation<'_, '_>).cast()) };
            let took = started.map(|t| t.elapsed());
            drop(serial);
            inv.arena.clear();
            total += took.unwrap_or_default();
            if rc == RURU_RESULT_EXCEPTION {
                hooks_log!(
                    self.family,
                    error,
                    id = "HOOKS_CALLOUT_EXCEPTION",
                    point = p.name(),
                    index = r.lib,
                    "callout failed with an exception; the packet is dropped"
                );
                inv.status = RURU_NEXT_STEP_DROP;
            } else if rc != 0 {
                hooks_log!(
                    self.family,
                    error,
                    id = "HOOKS_CALLOUT_ERROR",
                    point = p.name(),
                    index = r.lib,
                    rc,
                    "callout returned an error"
                );
            } else if per_callout {
                hooks_log!(self.family, trace, id = "HOOKS_CALLOUT_CALLED", debuglevel = 55, index = r.lib, point = p.name(), address = ?(r.f as *const ()),
                    "hooks library with index {} has called a callout on hook {} (callout duration: {})", r.lib, p.name(), millis(took.unwrap_or_default()));
            }
        }
        if timed {
            hooks_log!(
                self.family,
                debug,
                id = "HOOKS_CALLOUTS_COMPLETE",
                debuglevel = 45,
                point = p.name(),
                "completed callouts for hook {} (total callouts duration: {})",
                p.name(),
                millis(total)
            );
        }
        inv.status
    }

    /// Names of the commands plugins registered.
    pub fn command_names(&self) -> impl Iterator<Item = &str> {
        self.commands.iter().map(|(n, _)| n.as_str())
    }

    /// Runs the plugin handlers of `request`'s command in plugin order, each seeing the previous one's
    /// response (HK-070..HK-074); `None` when no plugin registered it.
    pub fn run_command(&self, name: &str, request: &Json) -> Option<Json> {
        let (_, handlers) = self.commands.iter().find(|(n, _)| n == name)?;
        let mut response: Option<String> = None;
        for h in handlers {
            let mut args = Args::new()
                .with(arg::COMMAND, Slot::Json(Some(request.to_string()), false))
                .with(arg::RESPONSE, Slot::Json(response.take(), true));
            let mut ctx = RequestContext::new();
            self.invoke(
                Point::CommandProcessed,
                std::slice::from_ref(h),
                &mut args,
                &mut ctx,
                None,
            );
            response = args.text(arg::RESPONSE).map(str::to_owned);
        }
        Some(
            response
                .and_then(|r| serde_json::from_str(&r).ok())
                .unwrap_or_else(|| {
                    json!({"result": 1, "text": format!("command '{name}': the plugin handler gave no response")})
                }),
        )
    }

    /// Runs `command_processed` (HK-077); returns the response, possibly rewritten.
    pub fn command_processed(&self, name: &str, arguments: Option<&Json>, response: Json) -> Json {
        if !self.has(Point::CommandProcessed) {
            return response;
        }
        let mut args = Args::new()
            .with(arg::NAME, Slot::Text(Some(name.to_owned()), false))
            .with(
                arg::ARGUMENTS,
                Slot::Json(arguments.map(Json::to_string), false),
            )
            .with(arg::RESPONSE, Slot::Json(Some(response.to_string()), true));
        let mut ctx = RequestContext::new();
        self.call(Point::CommandProcessed, &mut args, &mut ctx);
        args.text(arg::RESPONSE)
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or(response)
    }

    /// Runs `control_command_receive` on a command the agent received (CTL-036): the response a
    /// callout left with SKIP, which the agent sends instead of answering or forwarding the
    /// command; `None` to go on as usual.
    pub fn control_command_receive(&self, command: &Json) -> Option<Json> {
        if !self.has(Point::ControlCommandReceive) {
            return None;
        }
        let mut args = Args::new()
            .with(arg::COMMAND, Slot::Json(Some(command.to_string()), false))
            .with(arg::RESPONSE, Slot::Json(None, true));
        let called = self.call(
            Point::ControlCommandReceive,
            &mut args,
            &mut RequestContext::new(),
        );
        if !matches!(called, Called::Skip) {
            return None;
        }
        Some(
            args.text(arg::RESPONSE)
                .and_then(|r| serde_json::from_str(r).ok())
                .unwrap_or_else(|| {
                    json!({"result": 1, "text": "a control_command_receive callout took the command but gave no response"})
                }),
        )
    }

    /// Runs `auth` on an HTTP request that passed basic authentication (CTL-036): the refusal a
    /// callout left in `response` (`{"status": 403, "text": ..}`), or `None` to let it through.
    pub fn auth(&self, request: &Json) -> Option<Json> {
        if !self.has(Point::Auth) {
            return None;
        }
        let mut args = Args::new()
            .with(arg::REQUEST, Slot::Json(Some(request.to_string()), false))
            .with(arg::RESPONSE, Slot::Json(None, true));
        self.call(Point::Auth, &mut args, &mut RequestContext::new());
        args.text(arg::RESPONSE)
            .and_then(|r| serde_json::from_str(r).ok())
    }

    /// Discards parked packets, then calls every plugin's `unload` in reverse order (HK-068, HK-020,
    /// HK-030). Runs once; later calls do nothing.
    pub fn unload(&self) {
        if self.unloaded.swap(true, Ordering::AcqRel) {
            return;
        }
        for lot in &self.lots {
            lot.discard_all();
        }
        for (i, l) in self.libs.iter().enumerate().rev() {
            hooks_log!(self.family, debug, id = "HOOKS_LIBRARY_UNLOADING", debuglevel = 40, index = i + 1, library = %l.path.display(), "unloading library");
            unload_one(self.family, i as u32 + 1, &l.path, l.desc);
            hooks_log!(self.family, info, id = "HOOKS_LIBRARY_UNLOADED", index = i + 1, library = %l.path.display(), "library unloaded");
        }
    }
}

impl Drop for HookSet {
    fn drop(&mut self) {
        self.unload();
    }
}

/// A duration as Kea prints callout times: milliseconds with three decimals.
fn millis(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn unload_one(family: Family, index: u32, path: &Path, desc: &RuruPluginDescriptor) {
    let library = path.display();
    let Some(unload) = desc.unload else {
        hooks_log!(family, debug, id = "HOOKS_NO_UNLOAD", debuglevel = 40, index, library = %library, "no unload function");
        return;
    };
    // SAFETY: a plugin function taking no arguments.
    match unsafe { unload() } {
        0 => {
            hooks_log!(family, debug, id = "HOOKS_UNLOAD_SUCCESS", debuglevel = 40, index, library = %library, "unload succeeded")
        }
        RURU_RESULT_EXCEPTION => {
            hooks_log!(family, error, id = "HOOKS_UNLOAD_EXCEPTION", index, library = %library, "unload failed with an exception")
        }
        rc => {
            hooks_log!(family, error, id = "HOOKS_UNLOAD_ERROR", index, library = %library, rc, "unload returned an error")
        }
    }
}
