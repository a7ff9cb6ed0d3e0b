//! Ruru's plugin interface.
//!
//! - [`abi`]: the stable C ABI (`include/ruru_hooks.h` for C and C++ plugins). Nothing Rust-shaped crosses it.
//! - [`names`]: callout point and argument names, as Kea spells them.
//! - [`sdk`]: the safe Rust layer: declare a plugin with [`ruru_plugin!`], write callouts as
//!   `fn(&mut Callout) -> HookResult`, commands as `fn(&Command) -> Response`. Panics never cross into
//!   the server. `docs/hooks.md` teaches it. [`leases`] reaches the server's lease storage.

pub mod abi;
pub mod names;
pub mod sdk;

pub use sdk::leases;
pub use sdk::{Callout, Command, HookError, HookResult, Library, NextStep, Response, Value};

/// A static string as an ABI string (for declarations in statics).
#[doc(hidden)]
pub const fn abi_str(s: &'static str) -> abi::RuruStr {
    abi::RuruStr {
        ptr: s.as_ptr(),
        len: s.len(),
    }
}

/// A value of kind `RURU_VALUE_NONE`: the starting point for out-parameters on both sides.
#[doc(hidden)]
pub const fn empty_value() -> abi::RuruValue {
    abi::RuruValue {
        kind: abi::RURU_VALUE_NONE,
        object_kind: 0,
        num: 0,
        bytes: abi::RuruStr {
            ptr: core::ptr::null(),
            len: 0,
        },
        object: core::ptr::null_mut(),
    }
}
