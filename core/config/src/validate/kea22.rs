//! Kea 2.2 spellings that Kea 2.7.3's grammar renamed or moved, accepted
//! with a deprecation warning so Kea 2.2 configurations (Debian's packaged
//! Kea) load unchanged, each read with the meaning Kea 2.2 gives it:
//! - the DDNS behaviour keys inside `dhcp-ddns`, moved to their global form
//!   unless that is set (2.2 then ignores them);
//! - option 85's 2.2 name `nds-servers` (2.7.3: `nds-server`);
//! - option spaces `docsis3-v4` and `docsis3-v6`, which Kea 2.2 defines like
//!   `vendor-4491` but never sends from (checked on 2.2.0 with a DOCSIS
//!   INFORM asking for `tftp-servers`: configured in `vendor-4491` it is sent
//!   in option 125, in `docsis3-v4` it is not; Kea 2.2's DHCPv6 server keeps
//!   `docsis3-v6` options the same way, out of its vendor option store); Ruru
//!   keeps such options in that space, which nothing sends from either.
//!
//! Subnets without `id` and relay `ip-address` are handled where subnets
//! are built (`subnet_ids`, `subnets`).

use serde_json::Value;

use super::ctx::{join, Ctx};
use crate::wire::{self, CommonScope};

/// The space whose standard definitions Kea 2.2's `docsis3-v4` and
/// `docsis3-v6` share.
const DOCSIS3_DEFINITIONS: &str = "vendor-4491";

/// Standard options Kea 2.7.3 renamed: (space, Kea 2.2 name, Kea 2.7 name).
const RENAMED_OPTIONS: &[(&str, &str, &str)] = &[("dhcp4", "nds-servers", "nds-server")];

/// Moves Kea 2.2's DDNS keys from `dhcp-ddns` into the `global` scope, as
/// Kea 2.2 does: a global key already written wins and the old one is
/// ignored. `raw` (the top-level map) is changed the same way, as Kea 2.2's
/// `config-get` shows it.
pub(crate) fn ddns_into_global(
    ctx: &Ctx,
    ddns: Option<&wire::DhcpDdns>,
    global: &mut CommonScope,
    raw: &mut Value,
) {
    let Some(d) = ddns else { return };
    let mut m = Mover { ctx, raw };
    m.field(
        "generated-prefix",
        "ddns-generated-prefix",
        &d.generated_prefix,
        &mut global.ddns_generated_prefix,
    );
    m.field(
        "qualifying-suffix",
        "ddns-qualifying-suffix",
        &d.qualifying_suffix,
        &mut global.ddns_qualifying_suffix,
    );
    m.field(
        "override-no-update",
        "ddns-override-no-update",
        &d.override_no_update,
        &mut global.ddns_override_no_update,
    );
    m.field(
        "override-client-update",
        "ddns-override-client-update",
        &d.override_client_update,
        &mut global.ddns_override_client_update,
    );
    m.field(
        "replace-client-name",
        "ddns-replace-client-name",
        &d.replace_client_name,
        &mut global.ddns_replace_client_name,
    );
    m.field(
        "hostname-char-set",
        "hostname-char-set",
        &d.hostname_char_set,
        &mut global.hostname_char_set,
    );
    m.field(
        "hostname-char-replacement",
        "hostname-char-replacement",
        &d.hostname_char_replacement,
        &mut global.hostname_char_replacement,
    );
}

/// Moves one key, in the typed scope and in the raw map.
struct Mover<'a, 'c> {
    ctx: &'a Ctx<'c>,
    raw: &'a mut Value,
}

impl Mover<'_, '_> {
    fn field<T: Clone>(
        &mut self,
        key: &str,
        global_key: &str,
        from: &Option<T>,
        to: &mut Option<T>,
    ) {
        let Some(v) = from else { return };
        let path = join(&self.ctx.path("dhcp-ddns"), key);
        let moved = self
            .raw
            .get_mut("dhcp-ddns")
            .and_then(Value::as_object_mut)
            .and_then(|m| m.remove(key));
        if to.is_some() {
            self.ctx.warn(
                &path,
                format!("\"{key}\" here is Kea 2.2's form; ignored as Kea 2.2 does, because the global \"{global_key}\" is set (Kea 2.7 accepts only the global key)"),
            );
            return;
        }
        *to = Some(v.clone());
        if let (Some(m), Some(value)) = (self.raw.as_object_mut(), moved) {
            m.insert(global_key.to_string(), value);
        }
        self.ctx.warn(
            &path,
            format!("\"{key}\" here is Kea 2.2's form; used as the global \"{global_key}\" as Kea 2.2 does (Kea 2.7 accepts only the global key)"),
        );
    }
}

/// The standard name `name` of an `option-data` entry stands for in `space`:
/// Kea 2.2's name of a renamed option is read as the 2.7 name, with a warning.
pub(crate) fn option_name<'n>(ctx: &Ctx, path: &str, space: &str, name: &'n str) -> &'n str {
    match RENAMED_OPTIONS
        .iter()
        .find(|(s, old, _)| *s == space && *old == name)
    {
        Some((_, old, new)) => {
            ctx.warn(
                path,
                format!("option \"{old}\" is Kea 2.2's name; read as \"{new}\" as Kea 2.2 means it (Kea 2.7 requires \"{new}\")"),
            );
            new
        }
        None => name,
    }
}

/// The space whose standard definitions also serve `space`: Kea 2.2's
/// `docsis3-v4` (`docsis3-v6`) shares those of `vendor-4491` (with a warning
/// that its options are never sent, as in Kea 2.2).
pub(crate) fn definition_fallback(ctx: &Ctx, path: &str, space: &str) -> Option<&'static str> {
    let profile = ctx.profile();
    let old = profile.kea22_docsis_space;
    (space == old).then(|| {
        ctx.warn(
            path,
            format!("option space \"{old}\" is Kea 2.2's; accepted, and like Kea 2.2 Ruru never sends its options (Kea 2.7 names the DOCSIS3 space \"{DOCSIS3_DEFINITIONS}\", whose options are sent in option {})", profile.vendor_option),
        );
        DOCSIS3_DEFINITIONS
    })
}

/// Rewrites relay `ip-address` as `ip-addresses` in the raw top-level map
/// (of a configuration already validated), as Kea 2.2's `config-get` shows it.
pub(crate) fn relay_in_raw(ctx: &Ctx, raw: &mut Value) {
    let key = ctx.profile().subnets;
    let networks = raw
        .get_mut("shared-networks")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten();
    for net in networks {
        one_relay(net);
        subnets_relay(net, key);
    }
    subnets_relay(raw, key);
}

/// Each subnet of `parent`'s subnet list `key`.
fn subnets_relay(parent: &mut Value, key: &str) {
    let subnets = parent
        .get_mut(key)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten();
    subnets.for_each(one_relay);
}

/// The `relay` map of one subnet or shared network.
fn one_relay(scope: &mut Value) {
    let relay = scope.get_mut("relay").and_then(Value::as_object_mut);
    if let Some(r) = relay {
        if let Some(one) = r.remove("ip-address") {
            r.insert("ip-addresses".into(), Value::Array(vec![one]));
        }
    }
}
