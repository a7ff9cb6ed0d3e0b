//! `ruru-test-bad-abi`: exports its descriptor by hand, without `ruru_plugin!`, claiming an ABI major
//! version one newer than the server's. The server must refuse it (HK-021) without calling anything in it.

use ruru_hook_api::abi::{
    RuruCalloutDecl, RuruHostApi, RuruPluginDescriptor, RURU_HOOK_ABI_MAJOR, RURU_HOOK_ABI_MINOR,
};

static NO_CALLOUTS: [RuruCalloutDecl; 0] = [];

static DESCRIPTOR: RuruPluginDescriptor = RuruPluginDescriptor {
    abi_major: RURU_HOOK_ABI_MAJOR + 1,
    abi_minor: RURU_HOOK_ABI_MINOR,
    struct_size: std::mem::size_of::<RuruPluginDescriptor>(),
    name: ruru_hook_api::abi_str("bad-abi"),
    multi_threading_compatible: None,
    load: None,
    unload: None,
    callouts: NO_CALLOUTS.as_ptr(),
    callouts_len: 0,
};

/// The entry point, written out by hand.
///
/// # Safety
/// Called by the server with its host table, which this plugin never uses.
#[no_mangle]
pub unsafe extern "C" fn ruru_plugin_descriptor(
    _host: *const RuruHostApi,
) -> *const RuruPluginDescriptor {
    &DESCRIPTOR
}
