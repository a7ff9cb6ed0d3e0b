//! Safe views of [`RuruValue`]: what a plugin reads and writes.

use crate::abi::*;
use crate::sdk::object::{List, Object};
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// A value read from or written to the server: an argument, a field or a parameter.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    /// Absent.
    None,
    /// A boolean.
    Bool(bool),
    /// An unsigned integer.
    U64(u64),
    /// A signed integer.
    I64(i64),
    /// Raw bytes.
    Bytes(&'a [u8]),
    /// Text.
    Str(&'a str),
    /// A JSON document.
    Json(&'a str),
    /// An IPv4 address.
    Ipv4(Ipv4Addr),
    /// An IPv6 address.
    Ipv6(Ipv6Addr),
    /// A server object (packet, lease, subnet).
    Object(Object<'a>),
    /// A list of server objects.
    List(List<'a>),
}

/// Why a host call failed; callouts return it with `?` and the SDK logs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookError {
    /// No such argument, field, option, parameter or context entry.
    NotFound(String),
    /// The value has another type.
    Type(String),
    /// The argument or field may not be written here.
    ReadOnly(String),
    /// The value is malformed or out of range.
    Invalid(String),
    /// The call is not allowed now.
    State(String),
    /// The plugin's own failure.
    Plugin(String),
    /// The object already exists (a lease at that address); the text says which.
    Exists(String),
    /// The server's lease backend cannot do this; the text says what.
    Unsupported(String),
    /// The server's lease backend failed; the text is its reason.
    Backend(String),
    /// The server refused a lease service call (a malformed lease, or no lease storage in this
    /// process); the text is its reason.
    Refused(String),
    /// A packet being processed holds the lease's address; the text says which (Kea's
    /// `ResourceBusy`).
    Busy(String),
}

impl HookError {
    pub(crate) fn from_code(code: i32, what: &str) -> HookError {
        let what = what.to_owned();
        match code {
            RURU_ERR_NOT_FOUND => HookError::NotFound(what),
            RURU_ERR_TYPE => HookError::Type(what),
            RURU_ERR_READ_ONLY => HookError::ReadOnly(what),
            RURU_ERR_STATE => HookError::State(what),
            RURU_ERR_EXISTS => HookError::Exists(what),
            RURU_ERR_UNSUPPORTED => HookError::Unsupported(what),
            RURU_ERR_BACKEND => HookError::Backend(what),
            RURU_ERR_BUSY => HookError::Busy(what),
            _ => HookError::Invalid(what),
        }
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HookError::NotFound(w) => write!(f, "'{w}' not found"),
            HookError::Type(w) => write!(f, "'{w}' has another type"),
            HookError::ReadOnly(w) => write!(f, "'{w}' is read-only here"),
            HookError::Invalid(w) => write!(f, "invalid value for '{w}'"),
            HookError::State(w) => write!(f, "'{w}' is not allowed now"),
            HookError::Plugin(w)
            | HookError::Exists(w)
            | HookError::Unsupported(w)
            | HookError::Backend(w)
            | HookError::Refused(w)
            | HookError::Busy(w) => f.write_str(w),
        }
    }
}

impl std::error::Error for HookError {}

impl From<String> for HookError {
    fn from(s: String) -> Self {
        HookError::Plugin(s)
    }
}

impl From<&str> for HookError {
    fn from(s: &str) -> Self {
        HookError::Plugin(s.to_owned())
    }
}

/// The result of a callout, `load` or `unload`.
pub type HookResult<T = ()> = Result<T, HookError>;

pub(crate) const fn str_of(s: &str) -> RuruStr {
    RuruStr {
        ptr: s.as_ptr(),
        len: s.len(),
    }
}

pub(crate) const EMPTY: RuruValue = crate::empty_value();

/// # Safety
/// `s` must point to `len` readable bytes that live for `'a`.
pub(crate) unsafe fn bytes_of<'a>(s: RuruStr) -> &'a [u8] {
    if s.ptr.is_null() || s.len == 0 {
        return &[];
    }
    // SAFETY: the caller vouches for the pointer and length.
    unsafe { std::slice::from_raw_parts(s.ptr, s.len) }
}

impl<'a> Value<'a> {
    /// # Safety
    /// `v` must come from the host and stay valid for `'a`.
    pub(crate) unsafe fn from_raw(v: &RuruValue) -> Value<'a> {
        // SAFETY: the host guarantees the payload for the value's kind.
        let bytes = || unsafe { bytes_of(v.bytes) };
        let text = || std::str::from_utf8(bytes()).unwrap_or("");
        match v.kind {
            RURU_VALUE_BOOL => Value::Bool(v.num != 0),
            RURU_VALUE_U64 => Value::U64(v.num),
            RURU_VALUE_I64 => Value::I64(v.num as i64),
            RURU_VALUE_BYTES => Value::Bytes(bytes()),
            RURU_VALUE_STRING => Value::Str(text()),
            RURU_VALUE_JSON => Value::Json(text()),
            RURU_VALUE_IPV4 => Value::Ipv4(Ipv4Addr::from(v.num as u32)),
            RURU_VALUE_IPV6 => <[u8; 16]>::try_from(bytes())
                .map(|b| Value::Ipv6(Ipv6Addr::from(b)))
                .unwrap_or(Value::None),
            RURU_VALUE_OBJECT => Value::Object(Object::new(v.object, v.object_kind)),
            RURU_VALUE_LIST => Value::List(List::new(v.object, v.object_kind)),
            _ => Value::None,
        }
    }

    /// Calls `f` with the raw form, which borrows this value's bytes (the host copies what it keeps).
    pub(crate) fn with_raw<R>(self, f: impl FnOnce(&RuruValue) -> R) -> R {
        let mut r = EMPTY;
        let octets;
        match self {
            Value::None => {}
            Value::Bool(b) => (r.kind, r.num) = (RURU_VALUE_BOOL, u64::from(b)),
            Value::U64(n) => (r.kind, r.num) = (RURU_VALUE_U64, n),
            Value::I64(n) => (r.kind, r.num) = (RURU_VALUE_I64, n as u64),
            Value::Bytes(b) => (r.kind, r.bytes) = (RURU_VALUE_BYTES, raw_bytes(b)),
            Value::Str(s) => (r.kind, r.bytes) = (RURU_VALUE_STRING, str_of(s)),
            Value::Json(s) => (r.kind, r.bytes) = (RURU_VALUE_JSON, str_of(s)),
            Value::Ipv4(a) => (r.kind, r.num) = (RURU_VALUE_IPV4, u64::from(u32::from(a))),
            Value::Ipv6(a) => {
                octets = a.octets();
                (r.kind, r.bytes) = (RURU_VALUE_IPV6, raw_bytes(&octets));
            }
            Value::Object(o) => {
                (r.kind, r.object_kind, r.object) = (RURU_VALUE_OBJECT, o.kind(), o.raw())
            }
            Value::List(l) => {
                (r.kind, r.object_kind, r.object) = (RURU_VALUE_LIST, l.kind(), l.raw())
            }
        }
        f(&r)
    }

    /// The value as a boolean.
    pub fn as_bool(self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The value as an unsigned integer.
    pub fn as_u64(self) -> Option<u64> {
        match self {
            Value::U64(n) => Some(n),
            Value::I64(n) => u64::try_from(n).ok(),
            _ => None,
        }
    }

    /// The value as bytes (bytes, text or JSON).
    pub fn as_bytes(self) -> Option<&'a [u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            Value::Str(s) | Value::Json(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    /// The value as text.
    pub fn as_str(self) -> Option<&'a str> {
        match self {
            Value::Str(s) | Value::Json(s) => Some(s),
            _ => None,
        }
    }

    /// The value as an IPv4 address.
    pub fn as_ipv4(self) -> Option<Ipv4Addr> {
        match self {
            Value::Ipv4(a) => Some(a),
            _ => None,
        }
    }

    /// The value as an IPv6 address.
    pub fn as_ipv6(self) -> Option<Ipv6Addr> {
        match self {
            Value::Ipv6(a) => Some(a),
            _ => None,
        }
    }

    /// A JSON value parsed.
    pub fn as_json(self) -> Option<serde_json::Value> {
        match self {
            Value::Json(s) => serde_json::from_str(s).ok(),
            _ => None,
        }
    }
}

pub(crate) fn raw_bytes(b: &[u8]) -> RuruStr {
    RuruStr {
        ptr: b.as_ptr(),
        len: b.len(),
    }
}
