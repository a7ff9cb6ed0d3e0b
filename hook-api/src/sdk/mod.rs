//! The safe Rust SDK: a plugin is a few ordinary functions and one [`crate::ruru_plugin!`] declaration.

mod callout;
mod command;
mod host;
pub mod leases;
mod library;
mod object;
mod value;

pub use callout::{run_callout, Callout, NextStep, ParkRef};
pub use command::{run_command, Command, Response};
pub use host::{family, log, multi_threading_enabled, process_name, set_host, Severity};
pub use library::{run_load, run_plain, FromParameter, Library};
pub use object::{Ia6, Lease4, Lease6, List, Object, Pkt4, Pkt6, Subnet4, Subnet6};
pub use value::{HookError, HookResult, Value};

/// Wraps `fn(&mut Callout) -> HookResult` into a [`crate::abi::RuruCallout`] for
/// [`Library::register_callout`]; panics are caught.
#[macro_export]
macro_rules! callout {
    ($f:path) => {{
        unsafe extern "C" fn __ruru_callout(h: *mut $crate::abi::RuruCalloutHandle) -> i32 {
            // SAFETY: the server passes the live handle of this invocation.
            unsafe { $crate::sdk::run_callout(h, $f) }
        }
        __ruru_callout as $crate::abi::RuruCallout
    }};
}

/// Wraps `fn(&Command) -> Response` into a handler for [`Library::register_command`]; panics become result 1.
#[macro_export]
macro_rules! command {
    ($f:path) => {{
        unsafe extern "C" fn __ruru_command(h: *mut $crate::abi::RuruCalloutHandle) -> i32 {
            // SAFETY: the server passes the live handle of this command.
            unsafe { $crate::sdk::run_command(h, $f) }
        }
        __ruru_command as $crate::abi::RuruCallout
    }};
}

/// Declares the plugin: its name, whether it is multi-threading compatible, optional `load`/`unload`
/// functions and the callouts registered by point name.
///
/// ```ignore
/// ruru_hook_api::ruru_plugin! {
///     name: "hello",
///     multi_threading_compatible: true,
///     load: load,                      // fn(&mut Library) -> HookResult, optional
///     unload: unload,                  // fn() -> HookResult, optional
///     callouts: { pkt4_receive: on_receive },
/// }
/// ```
#[macro_export]
macro_rules! ruru_plugin {
    (
        name: $name:literal,
        multi_threading_compatible: $mt:expr,
        $(load: $load:path,)?
        $(unload: $unload:path,)?
        callouts: { $($point:ident : $f:path),* $(,)? } $(,)?
    ) => {
        /// The plugin's entry point (see `ruru_hook_api::abi::RURU_PLUGIN_SYMBOL`).
        ///
        /// # Safety
        /// Called by the server with its host table.
        #[no_mangle]
        pub unsafe extern "C" fn ruru_plugin_descriptor(
            host: *const $crate::abi::RuruHostApi,
        ) -> *const $crate::abi::RuruPluginDescriptor {
            use $crate::abi::*;
            unsafe extern "C" fn __mt() -> i32 {
                i32::from($mt)
            }
            $(
                unsafe extern "C" fn __load(lib: *mut RuruLibraryHandle) -> i32 {
                    // SAFETY: the server passes the live library handle.
                    unsafe { $crate::sdk::run_load(lib, $load) }
                }
            )?
            $(
                unsafe extern "C" fn __unload() -> i32 {
                    $crate::sdk::run_plain($unload, "unload")
                }
            )?
            static CALLOUTS: &[RuruCalloutDecl] = &[
                $(RuruCalloutDecl {
                    point: $crate::abi_str(stringify!($point)),
                    callout: $crate::callout!($f),
                }),*
            ];
            static DESCRIPTOR: RuruPluginDescriptor = RuruPluginDescriptor {
                abi_major: RURU_HOOK_ABI_MAJOR,
                abi_minor: RURU_HOOK_ABI_MINOR,
                struct_size: ::core::mem::size_of::<RuruPluginDescriptor>(),
                name: $crate::abi_str($name),
                multi_threading_compatible: Some(__mt),
                load: $crate::__ruru_opt!($(__load, $load)?),
                unload: $crate::__ruru_opt!($(__unload, $unload)?),
                callouts: CALLOUTS.as_ptr(),
                callouts_len: CALLOUTS.len(),
            };
            // SAFETY: the server's table lives for the whole process.
            unsafe { $crate::sdk::set_host(host) };
            &DESCRIPTOR
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __ruru_opt {
    () => {
        None
    };
    ($w:ident, $f:path) => {
        Some($w)
    };
}
