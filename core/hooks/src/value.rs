//! Building and reading [`RuruValue`]s on the server side.

use ruru_hook_api::abi::*;
use std::net::Ipv4Addr;

pub(crate) const NONE: RuruValue = ruru_hook_api::empty_value();

pub(crate) fn raw_str(b: &[u8]) -> RuruStr {
    RuruStr {
        ptr: b.as_ptr(),
        len: b.len(),
    }
}

pub(crate) fn num(kind: u32, n: u64) -> RuruValue {
    RuruValue {
        kind,
        num: n,
        ..NONE
    }
}

pub(crate) fn boolean(b: bool) -> RuruValue {
    num(RURU_VALUE_BOOL, u64::from(b))
}

pub(crate) fn ipv4(a: Ipv4Addr) -> RuruValue {
    num(RURU_VALUE_IPV4, u64::from(u32::from(a)))
}

pub(crate) fn bytes(kind: u32, b: &[u8]) -> RuruValue {
    RuruValue {
        kind,
        bytes: raw_str(b),
        ..NONE
    }
}

/// # Safety
/// `s` must be valid for reads of `len` bytes for `'a`.
pub(crate) unsafe fn slice<'a>(s: RuruStr) -> &'a [u8] {
    if s.ptr.is_null() || s.len == 0 {
        return &[];
    }
    // SAFETY: the caller vouches for the pointer and length.
    unsafe { std::slice::from_raw_parts(s.ptr, s.len) }
}

/// # Safety
/// `p` must point to `n` valid items (or `n` be 0) that live for `'a`.
pub(crate) unsafe fn raw_slice<'a, T>(p: *const T, n: usize) -> &'a [T] {
    if p.is_null() || n == 0 {
        return &[];
    }
    // SAFETY: the caller vouches for the pointer and length.
    unsafe { std::slice::from_raw_parts(p, n) }
}

/// Reads a plugin-supplied value as one of the kinds a setter accepts.
pub(crate) struct Input<'a>(pub(crate) &'a RuruValue);

impl<'a> Input<'a> {
    pub(crate) fn u64(&self) -> Result<u64, i32> {
        match self.0.kind {
            RURU_VALUE_U64 | RURU_VALUE_BOOL => Ok(self.0.num),
            RURU_VALUE_I64 => u64::try_from(self.0.num as i64).map_err(|_| RURU_ERR_INVALID),
            _ => Err(RURU_ERR_TYPE),
        }
    }
    pub(crate) fn u32(&self) -> Result<u32, i32> {
        u32::try_from(self.u64()?).map_err(|_| RURU_ERR_INVALID)
    }
    pub(crate) fn u8(&self) -> Result<u8, i32> {
        u8::try_from(self.u64()?).map_err(|_| RURU_ERR_INVALID)
    }
    pub(crate) fn boolean(&self) -> Result<bool, i32> {
        match self.0.kind {
            RURU_VALUE_BOOL | RURU_VALUE_U64 => Ok(self.0.num != 0),
            _ => Err(RURU_ERR_TYPE),
        }
    }
    pub(crate) fn ipv4(&self) -> Result<Ipv4Addr, i32> {
        match self.0.kind {
            RURU_VALUE_IPV4 => u32::try_from(self.0.num)
                .map(Ipv4Addr::from)
                .map_err(|_| RURU_ERR_INVALID),
            RURU_VALUE_STRING => self.text()?.parse().map_err(|_| RURU_ERR_INVALID),
            _ => Err(RURU_ERR_TYPE),
        }
    }
    pub(crate) fn bytes(&self) -> Result<&'a [u8], i32> {
        match self.0.kind {
            RURU_VALUE_BYTES | RURU_VALUE_STRING | RURU_VALUE_JSON => {
                // SAFETY: the plugin passes bytes valid for the call.
                Ok(unsafe { slice(self.0.bytes) })
            }
            _ => Err(RURU_ERR_TYPE),
        }
    }
    pub(crate) fn text(&self) -> Result<&'a str, i32> {
        match self.0.kind {
            RURU_VALUE_STRING | RURU_VALUE_JSON => {
                std::str::from_utf8(self.bytes()?).map_err(|_| RURU_ERR_INVALID)
            }
            _ => Err(RURU_ERR_TYPE),
        }
    }
    /// A JSON value; `None` for `RURU_VALUE_NONE`.
    pub(crate) fn json(&self) -> Result<Option<serde_json::Value>, i32> {
        match self.0.kind {
            RURU_VALUE_NONE => Ok(None),
            RURU_VALUE_JSON => serde_json::from_str(self.text()?)
                .map(Some)
                .map_err(|_| RURU_ERR_INVALID),
            _ => Err(RURU_ERR_TYPE),
        }
    }
}
