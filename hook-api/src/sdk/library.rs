//! What `load` sees: the plugin's parameters and registration of callouts and commands.

use crate::abi::*;
use crate::sdk::host::{host, raw_str};
use crate::sdk::value::{bytes_of, HookError, HookResult, EMPTY};
use std::marker::PhantomData;

/// The plugin being loaded.
#[derive(Debug)]
pub struct Library<'l> {
    raw: *mut RuruLibraryHandle,
    _life: PhantomData<&'l mut ()>,
}

impl Library<'_> {
    /// # Safety
    /// `raw` must be the handle the server passed to `load`.
    #[doc(hidden)]
    pub unsafe fn from_raw(raw: *mut RuruLibraryHandle) -> Self {
        Library {
            raw,
            _life: PhantomData,
        }
    }

    fn json(rc: i32, out: &RuruValue, what: &str) -> HookResult<Option<serde_json::Value>> {
        match rc {
            RURU_OK => {
                // SAFETY: the host returned JSON bytes valid during the call.
                let text = unsafe { bytes_of(out.bytes) };
                serde_json::from_slice(text)
                    .map(Some)
                    .map_err(|_| HookError::Invalid(what.to_owned()))
            }
            RURU_ERR_NOT_FOUND => Ok(None),
            rc => Err(HookError::from_code(rc, what)),
        }
    }

    /// The entry's `parameters` map; `None` when the entry has none.
    pub fn parameters(&self) -> HookResult<Option<serde_json::Value>> {
        let mut out = EMPTY;
        // SAFETY: the handle is live during `load`.
        let rc = unsafe { (host().library_parameters)(self.raw, &mut out) };
        Self::json(rc, &out, "parameters")
    }

    /// One parameter; `None` when absent (HK-034).
    pub fn parameter(&self, name: &str) -> HookResult<Option<serde_json::Value>> {
        let mut out = EMPTY;
        // SAFETY: the handle is live during `load`.
        let rc = unsafe { (host().library_parameter)(self.raw, raw_str(name), &mut out) };
        Self::json(rc, &out, name)
    }

    /// The plugin's position in `hooks-libraries`, from 1.
    pub fn index(&self) -> u32 {
        // SAFETY: the handle is live during `load`.
        unsafe { (host().library_index)(self.raw) }
    }

    fn check(rc: i32, what: &str) -> HookResult {
        match rc {
            RURU_OK => Ok(()),
            rc => Err(HookError::from_code(rc, what)),
        }
    }

    /// Registers a callout (made with [`crate::callout!`]) on a point, after this plugin's earlier ones there.
    pub fn register_callout(&mut self, point: &str, callout: RuruCallout) -> HookResult {
        // SAFETY: the handle is live during `load`.
        Self::check(
            unsafe { (host().register_callout)(self.raw, raw_str(point), callout) },
            point,
        )
    }

    /// Removes one registration of `callout` from `point`.
    pub fn deregister_callout(&mut self, point: &str, callout: RuruCallout) -> HookResult {
        // SAFETY: the handle is live during `load`.
        Self::check(
            unsafe { (host().deregister_callout)(self.raw, raw_str(point), callout) },
            point,
        )
    }

    /// Removes all of this plugin's callouts from `point`.
    pub fn deregister_all_callouts(&mut self, point: &str) -> HookResult {
        // SAFETY: the handle is live during `load`.
        Self::check(
            unsafe { (host().deregister_all_callouts)(self.raw, raw_str(point)) },
            point,
        )
    }

    /// Registers a control command handler (made with [`crate::command!`]).
    pub fn register_command(&mut self, name: &str, handler: RuruCallout) -> HookResult {
        // SAFETY: the handle is live during `load`.
        Self::check(
            unsafe { (host().register_command)(self.raw, raw_str(name), handler) },
            name,
        )
    }

    /// A parameter as a typed value: convenient for strings, numbers and lists of them.
    pub fn parameter_as<T: FromParameter>(&self, name: &str) -> HookResult<Option<T>> {
        match self.parameter(name)? {
            None => Ok(None),
            Some(v) => T::from_parameter(&v)
                .map(Some)
                .ok_or_else(|| HookError::Type(name.to_owned())),
        }
    }
}

/// Types a parameter converts to.
pub trait FromParameter: Sized {
    /// The conversion; `None` on a type mismatch.
    fn from_parameter(v: &serde_json::Value) -> Option<Self>;
}

impl FromParameter for String {
    fn from_parameter(v: &serde_json::Value) -> Option<Self> {
        v.as_str().map(str::to_owned)
    }
}
impl FromParameter for i64 {
    fn from_parameter(v: &serde_json::Value) -> Option<Self> {
        v.as_i64()
    }
}
impl FromParameter for bool {
    fn from_parameter(v: &serde_json::Value) -> Option<Self> {
        v.as_bool()
    }
}
impl<T: FromParameter> FromParameter for Vec<T> {
    fn from_parameter(v: &serde_json::Value) -> Option<Self> {
        v.as_array()?.iter().map(T::from_parameter).collect()
    }
}

/// `load` through the SDK: an error is logged and refuses the configuration; a panic is caught.
///
/// # Safety
/// `raw` must be the handle the server passed to `load`.
#[doc(hidden)]
pub unsafe fn run_load(raw: *mut RuruLibraryHandle, f: fn(&mut Library<'_>) -> HookResult) -> i32 {
    use crate::sdk::host::{log, Severity};
    // SAFETY: forwarded from the caller.
    let mut lib = unsafe { Library::from_raw(raw) };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut lib))) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            log("hooks", Severity::Error, &format!("load failed: {e}"));
            1
        }
        Err(p) => {
            let why = crate::sdk::callout::panic_text(&*p);
            log("hooks", Severity::Error, &format!("load panicked: {why}"));
            RURU_RESULT_EXCEPTION
        }
    }
}

/// `unload` and `multi_threading_compatible` through the SDK, with panics caught.
#[doc(hidden)]
pub fn run_plain(f: fn() -> HookResult, what: &str) -> i32 {
    use crate::sdk::host::{log, Severity};
    match std::panic::catch_unwind(f) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            log("hooks", Severity::Error, &format!("{what} failed: {e}"));
            1
        }
        Err(p) => {
            let why = crate::sdk::callout::panic_text(&*p);
            log("hooks", Severity::Error, &format!("{what} panicked: {why}"));
            RURU_RESULT_EXCEPTION
        }
    }
}
