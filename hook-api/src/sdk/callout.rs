//! The callout handle: arguments, next-step status, request context and parking.

use crate::abi::*;
use crate::names::arg;
use crate::sdk::host::{host, log, raw_str, Severity};
use crate::sdk::object::{Ia6, Lease4, Lease6, List, Object, Pkt4, Pkt6, Subnet4, Subnet6};
use crate::sdk::value::{bytes_of, HookError, HookResult, Value, EMPTY};
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What the server does after the callouts of a point (HK-053).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Proceed normally.
    Continue,
    /// Skip the step the point guards.
    Skip,
    /// Drop the packet.
    Drop,
    /// Park the packet (take a reference with [`Callout::park`] first).
    Park,
}

impl NextStep {
    fn from_raw(v: i32) -> NextStep {
        match v {
            RURU_NEXT_STEP_SKIP => NextStep::Skip,
            RURU_NEXT_STEP_DROP => NextStep::Drop,
            RURU_NEXT_STEP_PARK => NextStep::Park,
            _ => NextStep::Continue,
        }
    }
    fn raw(self) -> i32 {
        match self {
            NextStep::Continue => RURU_NEXT_STEP_CONTINUE,
            NextStep::Skip => RURU_NEXT_STEP_SKIP,
            NextStep::Drop => RURU_NEXT_STEP_DROP,
            NextStep::Park => RURU_NEXT_STEP_PARK,
        }
    }
}

/// One invocation of a callout point, as a callout sees it.
#[derive(Debug)]
pub struct Callout<'h> {
    raw: *mut RuruCalloutHandle,
    _life: PhantomData<&'h mut ()>,
}

impl Callout<'_> {
    /// # Safety
    /// `raw` must be the handle the server passed to the running callout.
    #[doc(hidden)]
    pub unsafe fn from_raw(raw: *mut RuruCalloutHandle) -> Self {
        Callout {
            raw,
            _life: PhantomData,
        }
    }

    /// The callout point's name.
    pub fn point(&self) -> &str {
        // SAFETY: the handle is live; the name is static in the server.
        let b = unsafe { bytes_of((host().point_name)(self.raw)) };
        std::str::from_utf8(b).unwrap_or("")
    }

    /// The next-step status as left by earlier callouts.
    pub fn status(&self) -> NextStep {
        // SAFETY: the handle is live.
        NextStep::from_raw(unsafe { (host().get_status)(self.raw) })
    }

    /// Sets the next-step status.
    pub fn set_status(&mut self, s: NextStep) {
        // SAFETY: the handle is live.
        unsafe { (host().set_status)(self.raw, s.raw()) };
    }

    /// The names of this point's arguments.
    pub fn argument_names(&self) -> Vec<String> {
        // SAFETY: the handle is live.
        let n = unsafe { (host().argument_count)(self.raw) };
        (0..n)
            .filter_map(|i| {
                let mut s = RuruStr {
                    ptr: std::ptr::null(),
                    len: 0,
                };
                // SAFETY: as above; `s` is a valid place.
                let rc = unsafe { (host().argument_name)(self.raw, i, &mut s) };
                // SAFETY: the server's static name.
                (rc == RURU_OK)
                    .then(|| String::from_utf8_lossy(unsafe { bytes_of(s) }).into_owned())
            })
            .collect()
    }

    /// Reads an argument.
    pub fn arg(&self, name: &str) -> HookResult<Value<'_>> {
        let mut out = EMPTY;
        // SAFETY: the handle is live; `out` is a valid place.
        let rc = unsafe { (host().get_argument)(self.raw, raw_str(name), &mut out) };
        if rc != RURU_OK {
            return Err(HookError::from_code(rc, name));
        }
        // SAFETY: valid while the callout runs, which `&self` bounds.
        Ok(unsafe { Value::from_raw(&out) })
    }

    /// Writes an argument the point lets plugins change.
    pub fn set_arg(&mut self, name: &str, value: Value<'_>) -> HookResult {
        // SAFETY: the handle is live; the value outlives the call.
        let rc = value.with_raw(|v| unsafe { (host().set_argument)(self.raw, raw_str(name), v) });
        match rc {
            RURU_OK => Ok(()),
            rc => Err(HookError::from_code(rc, name)),
        }
    }

    fn object(&self, name: &str) -> HookResult<Object<'_>> {
        match self.arg(name)? {
            Value::Object(o) => Ok(o),
            _ => Err(HookError::Type(name.to_owned())),
        }
    }

    /// A list argument (`leases4`, `deleted_leases4`, `subnet4collection`).
    pub fn list(&self, name: &str) -> HookResult<List<'_>> {
        match self.arg(name)? {
            Value::List(l) => Ok(l),
            _ => Err(HookError::Type(name.to_owned())),
        }
    }

    /// The DHCPv4 query (`query4`).
    pub fn query4(&self) -> HookResult<Pkt4<'_>> {
        self.object(arg::QUERY4).map(Pkt4)
    }

    /// The DHCPv4 response (`response4`).
    pub fn response4(&self) -> HookResult<Pkt4<'_>> {
        self.object(arg::RESPONSE4).map(Pkt4)
    }

    /// The lease (`lease4`).
    pub fn lease4(&self) -> HookResult<Lease4<'_>> {
        self.object(arg::LEASE4).map(Lease4)
    }

    /// The selected subnet (`subnet4`); `None` when there is none.
    pub fn subnet4(&self) -> HookResult<Option<Subnet4<'_>>> {
        match self.arg(arg::SUBNET4)? {
            Value::Object(o) => Ok(Some(Subnet4(o))),
            _ => Ok(None),
        }
    }

    /// The DHCPv6 query (`query6`).
    pub fn query6(&self) -> HookResult<Pkt6<'_>> {
        self.object(arg::QUERY6).map(Pkt6)
    }

    /// The DHCPv6 response (`response6`).
    pub fn response6(&self) -> HookResult<Pkt6<'_>> {
        self.object(arg::RESPONSE6).map(Pkt6)
    }

    /// The DHCPv6 lease (`lease6`).
    pub fn lease6(&self) -> HookResult<Lease6<'_>> {
        self.object(arg::LEASE6).map(Lease6)
    }

    /// The selected DHCPv6 subnet (`subnet6`); `None` when there is none.
    pub fn subnet6(&self) -> HookResult<Option<Subnet6<'_>>> {
        match self.arg(arg::SUBNET6)? {
            Value::Object(o) => Ok(Some(Subnet6(o))),
            _ => Ok(None),
        }
    }

    /// The answer's IA at `lease6_renew`/`lease6_rebind`: `ia_na` for an address lease, `ia_pd` for
    /// a prefix (the point passes one of the two). Since ABI 1.4.
    pub fn ia6(&self) -> HookResult<Ia6<'_>> {
        match self.object(arg::IA_NA) {
            Err(HookError::NotFound(_)) => self.object(arg::IA_PD).map(Ia6),
            found => found.map(Ia6),
        }
    }

    /// An entry of this plugin's context for the current request.
    pub fn context(&self, name: &str) -> Option<Vec<u8>> {
        let mut out = RuruStr {
            ptr: std::ptr::null(),
            len: 0,
        };
        // SAFETY: the handle is live; `out` is a valid place.
        let rc = unsafe { (host().get_context)(self.raw, raw_str(name), &mut out) };
        // SAFETY: valid until the next context write; copied at once.
        (rc == RURU_OK).then(|| unsafe { bytes_of(out) }.to_vec())
    }

    /// Stores an entry in this plugin's context for the current request.
    pub fn set_context(&mut self, name: &str, value: impl AsRef<[u8]>) {
        let v = value.as_ref();
        let s = RuruStr {
            ptr: v.as_ptr(),
            len: v.len(),
        };
        // SAFETY: the handle is live; the bytes outlive the call (the server copies them).
        unsafe { (host().set_context)(self.raw, raw_str(name), s) };
    }

    /// Removes an entry of this plugin's context.
    pub fn delete_context(&mut self, name: &str) {
        // SAFETY: the handle is live.
        unsafe { (host().delete_context)(self.raw, raw_str(name)) };
    }

    /// Takes a reference on the packet and sets the status to PARK: the packet waits until every reference
    /// is released. `None` where the point cannot park.
    pub fn park(&mut self) -> Option<ParkRef> {
        // SAFETY: the handle is live.
        let token = unsafe { (host().park)(self.raw) };
        if token.is_null() {
            return None;
        }
        self.set_status(NextStep::Park);
        Some(ParkRef { token })
    }
}

/// A reference on a parked packet; give it back from any thread. Dropping it unparks.
#[derive(Debug)]
pub struct ParkRef {
    token: *mut RuruParkToken,
}

// SAFETY: the server's park tokens may be released from any thread (HK-069).
unsafe impl Send for ParkRef {}

impl ParkRef {
    /// Releases this reference; the packet resumes when no reference is left.
    pub fn unpark(self) {
        // Drop does the work.
    }
    /// Resumes the packet now, whatever other references remain.
    pub fn unpark_now(mut self) {
        let t = std::mem::replace(&mut self.token, std::ptr::null_mut());
        // SAFETY: the token is ours and used once.
        unsafe { (host().unpark)(t, true) };
    }
    /// Discards the packet: no response is sent.
    pub fn drop_packet(mut self) {
        let t = std::mem::replace(&mut self.token, std::ptr::null_mut());
        // SAFETY: the token is ours and used once.
        unsafe { (host().park_drop)(t) };
    }
}

impl Drop for ParkRef {
    fn drop(&mut self) {
        if !self.token.is_null() {
            // SAFETY: the token is ours and used once.
            unsafe { (host().unpark)(self.token, false) };
        }
    }
}

/// Runs a callout, turning an error into a logged non-zero result and a panic into
/// [`RURU_RESULT_EXCEPTION`] (the server then forces DROP) instead of unwinding into the server.
///
/// # Safety
/// `raw` must be the handle the server passed to the callout.
#[doc(hidden)]
pub unsafe fn run_callout(
    raw: *mut RuruCalloutHandle,
    f: fn(&mut Callout<'_>) -> HookResult,
) -> i32 {
    // SAFETY: forwarded from the caller.
    let mut c = unsafe { Callout::from_raw(raw) };
    match catch_unwind(AssertUnwindSafe(|| f(&mut c))) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            log("hooks", Severity::Error, &format!("{}: {e}", c.point()));
            1
        }
        Err(p) => {
            log(
                "hooks",
                Severity::Error,
                &format!("{}: panic: {}", c.point(), panic_text(&*p)),
            );
            RURU_RESULT_EXCEPTION
        }
    }
}

pub(crate) fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}
