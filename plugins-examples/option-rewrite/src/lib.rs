//! Example plugin: sets one option in every DHCPv4 response, adding it or replacing the server's.
//!
//! ```json
//! "hooks-libraries": [{
//!     "library": "/usr/lib/ruru/libruru_example_option_rewrite.so",
//!     "parameters": { "code": 252, "text": "http://wpad.example.org/wpad.dat" }
//! }]
//! ```
//! `"hex": "0a0b0c"` gives the payload as hexadecimal bytes instead of `"text"`.

use ruru_hook_api::{Callout, HookResult, Library};
use std::sync::{PoisonError, RwLock};

/// The option to set: code and payload. Filled by `load`, emptied by `unload` (the library may be reused).
static OPTION: RwLock<Option<(u8, Vec<u8>)>> = RwLock::new(None);

ruru_hook_api::ruru_plugin! {
    name: "option-rewrite",
    multi_threading_compatible: true,
    load: load,
    unload: unload,
    callouts: { pkt4_send: pkt4_send },
}

fn load(lib: &mut Library) -> HookResult {
    let code: i64 = lib
        .parameter_as("code")
        .map_err(|_| "parameter 'code' must be an integer")?
        .ok_or("parameter 'code' is required")?;
    let code = option_code(code)?;
    let text: Option<String> = lib
        .parameter_as("text")
        .map_err(|_| "parameter 'text' must be a string")?;
    let hex: Option<String> = lib
        .parameter_as("hex")
        .map_err(|_| "parameter 'hex' must be a string")?;
    let payload = match (text, hex) {
        (Some(text), None) => text.into_bytes(),
        (None, Some(hex)) => parse_hex(&hex)?,
        _ => return Err("exactly one of the parameters 'text' and 'hex' is required".into()),
    };
    *OPTION.write().unwrap_or_else(PoisonError::into_inner) = Some((code, payload));
    Ok(())
}

fn unload() -> HookResult {
    *OPTION.write().unwrap_or_else(PoisonError::into_inner) = None;
    Ok(())
}

fn pkt4_send(c: &mut Callout) -> HookResult {
    let option = OPTION.read().unwrap_or_else(PoisonError::into_inner);
    if let Some((code, payload)) = option.as_ref() {
        c.response4()?.set_option(*code, payload)?;
    }
    Ok(())
}

/// An option code a plugin may set: 1..=254 (0 is padding, 255 ends the options).
fn option_code(code: i64) -> Result<u8, String> {
    match u8::try_from(code) {
        Ok(c @ 1..=254) => Ok(c),
        _ => Err(format!(
            "parameter 'code': {code} is not an option code (1 to 254)"
        )),
    }
}

/// Parses `0a0B1c` into bytes.
fn parse_hex(hex: &str) -> Result<Vec<u8>, String> {
    let bad = || format!("parameter 'hex': '{hex}' is not an even number of hexadecimal digits");
    if hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_payloads() {
        assert_eq!(parse_hex("0a0B1c"), Ok(vec![0x0a, 0x0b, 0x1c]));
        assert_eq!(parse_hex(""), Ok(vec![]));
        for bad in ["0", "0g", "0a0", " 0a", "+a"] {
            assert!(parse_hex(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn option_codes() {
        assert_eq!(option_code(252), Ok(252));
        assert_eq!(option_code(1), Ok(1));
        for bad in [0, 255, 256, -1] {
            assert!(option_code(bad).is_err(), "{bad}");
        }
    }
}
