//! Example plugin: drops DHCPv4 queries whose client hardware address is listed in the `macs` parameter.
//!
//! ```json
//! "hooks-libraries": [{
//!     "library": "/usr/lib/ruru/libruru_example_drop_macs.so",
//!     "parameters": { "macs": ["00:11:22:33:44:55", "aa:bb:cc:dd:ee:ff"] }
//! }]
//! ```

use ruru_hook_api::{Callout, HookResult, Library, NextStep};
use std::collections::BTreeSet;
use std::sync::{PoisonError, RwLock};

/// The addresses to drop. A library may be reused across reloads, so `load` fills it and `unload` empties it.
static MACS: RwLock<BTreeSet<[u8; 6]>> = RwLock::new(BTreeSet::new());

ruru_hook_api::ruru_plugin! {
    name: "drop-macs",
    multi_threading_compatible: true,
    load: load,
    unload: unload,
    callouts: { pkt4_receive: pkt4_receive },
}

fn load(lib: &mut Library) -> HookResult {
    let list: Vec<String> = lib
        .parameter_as("macs")
        .map_err(|_| "parameter 'macs' must be a list of strings")?
        .ok_or("parameter 'macs' is required: a list of \"aa:bb:cc:dd:ee:ff\" strings")?;
    let mut macs = BTreeSet::new();
    for text in &list {
        macs.insert(parse_mac(text).map_err(|e| format!("parameter 'macs': {e}"))?);
    }
    *MACS.write().unwrap_or_else(PoisonError::into_inner) = macs;
    Ok(())
}

fn unload() -> HookResult {
    MACS.write().unwrap_or_else(PoisonError::into_inner).clear();
    Ok(())
}

fn pkt4_receive(c: &mut Callout) -> HookResult {
    let listed = {
        let chaddr = c.query4()?.hwaddr()?;
        let macs = MACS.read().unwrap_or_else(PoisonError::into_inner);
        <[u8; 6]>::try_from(chaddr).is_ok_and(|mac| macs.contains(&mac))
    };
    if listed {
        c.set_status(NextStep::Drop);
    }
    Ok(())
}

/// Parses `aa:bb:cc:dd:ee:ff` (either case) into six bytes.
fn parse_mac(text: &str) -> Result<[u8; 6], String> {
    let bad = || format!("'{text}' is not a MAC address of the form aa:bb:cc:dd:ee:ff");
    let mut mac = [0u8; 6];
    let mut parts = text.split(':');
    for byte in &mut mac {
        let part = parts.next().ok_or_else(bad)?;
        if part.len() != 2 || !part.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        *byte = u8::from_str_radix(part, 16).map_err(|_| bad())?;
    }
    if parts.next().is_some() {
        return Err(bad());
    }
    Ok(mac)
}

#[cfg(test)]
mod tests {
    use super::parse_mac;

    #[test]
    fn parses_both_cases() {
        assert_eq!(
            parse_mac("00:1A:2b:3C:4d:ff"),
            Ok([0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0xff])
        );
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "00:11:22:33:44",
            "00:11:22:33:44:55:66",
            "00:11:22:33:44:5",
            "00:11:22:33:44:555",
            "00-11-22-33-44-55",
            "00:11:22:33:44:gg",
            "00:11:22:33:44:+5",
            "00:11:22:33:44:55:",
        ] {
            let e = parse_mac(bad).unwrap_err();
            assert!(e.contains("aa:bb:cc:dd:ee:ff"), "{bad}: {e}");
        }
    }
}
