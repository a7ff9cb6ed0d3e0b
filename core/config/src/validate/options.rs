//! `option-def` and `option-data` of both servers: definitions into the
//! registry, entries resolved against it and encoded to wire payloads
//! (V4-105..V4-109, V4-116..V4-119, V4-121; V6-133, V6-134, V6-137,
//! V6-140, V6-144..V6-147). The family decides the main space, the code
//! range and the sub-option header (one byte of code and length in DHCPv4,
//! two in DHCPv6).

use std::str::FromStr;

use ruru_proto::defs::{value, DataType, Family, OptionDef, OptionDefs};

use super::ctx::{index, Ctx};
use super::{fold_comment, kea22};
use crate::model::{ConfiguredOption, OptionSet};
use crate::{wire, ConfigError};

/// The main DHCPv4 option space.
const DHCP4: &str = "dhcp4";
/// `dhcp-server-identifier`.
const SERVER_ID: u16 = 54;
/// Nesting bound for spaces encapsulating spaces.
const MAX_ENCAPSULATION_DEPTH: usize = 8;

/// One `option-def` entry as a definition (mandatory keys, type names).
fn definition(ctx: &Ctx, w: &wire::OptionDef, path: &str) -> Result<OptionDef, ConfigError> {
    // V4-116: name, code and type are mandatory.
    let name = w
        .name
        .as_deref()
        .ok_or_else(|| ctx.invalid(path, "option-def needs a 'name'"))?;
    let code = w
        .code
        .ok_or_else(|| ctx.invalid(path, format!("option-def '{name}' needs a 'code'")))?;
    let ty = w
        .type_
        .as_deref()
        .ok_or_else(|| ctx.invalid(path, format!("option-def '{name}' needs a 'type'")))?;
    let code = u16::try_from(code).map_err(|_| {
        ctx.invalid(
            path,
            format!("option-def '{name}': code {code} is out of range"),
        )
    })?;
    let data_type = DataType::from_str(ty)
        .map_err(|e| ctx.invalid(path, format!("option-def '{name}': {e}")))?;
    let record_types = match w.record_types.as_deref().map(str::trim) {
        None | Some("") => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|t| DataType::from_str(t.trim()))
            .collect::<Result<_, _>>()
            .map_err(|e| ctx.invalid(path, format!("option-def '{name}' record-types: {e}")))?,
    };
    let space = w.space.as_deref().unwrap_or(ctx.profile().main_space());
    let mut def = OptionDef::new(name, code, space, data_type);
    def.array = w.array.unwrap_or(false);
    def.record_types = record_types;
    def.encapsulate = w.encapsulate.clone().unwrap_or_default();
    Ok(def)
}

/// The standard definitions plus the global `option-def` list (V4-109,
/// V6-137: a standard option cannot be redefined).
pub(crate) fn global_defs(ctx: &Ctx, list: &[wire::OptionDef]) -> Result<OptionDefs, ConfigError> {
    let mut defs = OptionDefs::standard(ctx.profile().family);
    for (i, w) in list.iter().enumerate() {
        let path = ctx.index("option-def", i);
        let def = definition(ctx, w, &path)?;
        defs.add(def)
            .map_err(|e| ctx.invalid(&path, e.to_string()))?;
    }
    Ok(defs)
}

/// A DHCPv4 client class's `option-def` list: only option 43 and the
/// private codes 224-254 of space `dhcp4` (V4-121), each valid on its own
/// (DHCPv6 classes have no `option-def`, V6-151).
pub(crate) fn class_defs(
    ctx: &Ctx,
    list: &[wire::OptionDef],
    path: &str,
) -> Result<Vec<OptionDef>, ConfigError> {
    let mut scratch = OptionDefs::empty(ruru_proto::defs::Family::V4);
    let mut out = Vec::new();
    for (i, w) in list.iter().enumerate() {
        let path = index(path, "option-def", i);
        let def = definition(ctx, w, &path)?;
        if def.space != DHCP4 || !(def.code == 43 || (224..=254).contains(&def.code)) {
            return Err(ctx.invalid(
                &path,
                format!(
                    "option-def '{}' code {} in space '{}' is not allowed in a client class \
                     (only code 43 and 224-254 of space dhcp4)",
                    def.name, def.code, def.space
                ),
            ));
        }
        scratch
            .add(def.clone())
            .map_err(|e| ctx.invalid(&path, e.to_string()))?;
        out.push(def);
    }
    Ok(out)
}

/// Where an `option-data` list sits, for the scope-specific rules.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    /// Global, shared network, subnet, pool or an ordinary class.
    Normal,
    /// A host reservation: DHCPv4's `dhcp-server-identifier` is refused there (V4-073).
    Reservation,
    /// An `only-if-required` class: DHCPv4's `dhcp-server-identifier` is refused there (V4-073).
    RequiredClass,
}

/// Definitions visible to an `option-data` list: a class's own ones first.
pub(crate) struct Defs<'a> {
    /// The global registry.
    pub(crate) registry: &'a OptionDefs,
    /// The class's `option-def` entries (empty outside classes).
    pub(crate) local: &'a [OptionDef],
}

impl<'a> Defs<'a> {
    /// The registry alone, outside classes.
    pub(crate) fn global(registry: &'a OptionDefs) -> Self {
        Defs {
            registry,
            local: &[],
        }
    }

    fn by_code(&self, space: &str, code: u16) -> Option<&OptionDef> {
        self.local
            .iter()
            .find(|d| d.space == space && d.code == code)
            .or_else(|| self.registry.by_code(space, code))
    }

    fn by_name(&self, space: &str, name: &str) -> Option<&OptionDef> {
        self.local
            .iter()
            .find(|d| d.space == space && d.name == name)
            .or_else(|| self.registry.by_name(space, name))
    }
}

/// A resolved entry before encapsulation.
struct Resolved<'d> {
    option: ConfiguredOption,
    def: Option<&'d OptionDef>,
}

/// Resolves and encodes one scope's `option-data` list (`path` is the scope's path).
pub(crate) fn option_set(
    ctx: &Ctx,
    list: &[wire::OptionData],
    defs: &Defs,
    level: Level,
    path: &str,
) -> Result<OptionSet, ConfigError> {
    let mut resolved = Vec::with_capacity(list.len());
    for (i, w) in list.iter().enumerate() {
        let path = index(path, "option-data", i);
        let r = resolve(ctx, w, defs, &path)?;
        if r.option.space == DHCP4 && r.option.code == SERVER_ID && level != Level::Normal {
            let place = match level {
                Level::Reservation => "a host reservation",
                _ => "an only-if-required client class",
            };
            return Err(ctx.invalid(
                &path,
                format!("dhcp-server-identifier cannot be set in {place}"),
            ));
        }
        resolved.push(r);
    }
    let mut items = Vec::with_capacity(resolved.len());
    for (i, r) in resolved.iter().enumerate() {
        let path = index(path, "option-data", i);
        let data = with_suboptions(ctx, &resolved, i, 0, &path)?;
        items.push(ConfiguredOption {
            data,
            ..r.option.clone()
        });
    }
    Ok(OptionSet { items })
}

/// Finds the definition of one entry and encodes its own value.
fn resolve<'d>(
    ctx: &Ctx,
    w: &wire::OptionData,
    defs: &'d Defs,
    path: &str,
) -> Result<Resolved<'d>, ConfigError> {
    let family = ctx.profile().family;
    let main = family.main_space();
    let space = w.space.clone().unwrap_or_else(|| main.to_string());
    let max = ctx.profile().max_code;
    let code = match w.code {
        Some(c) if c > max => {
            return Err(ctx.invalid(
                path,
                format!("option code {c} is out of range: it must not be greater than {max}"),
            ))
        }
        Some(c) => {
            // Range checked just above, so the conversion cannot fail.
            let code = c as u16;
            if let Some(what) = reserved(family, code).filter(|_| space == main) {
                return Err(ctx.invalid(path, format!("option code {c} is {what}")));
            }
            Some(code)
        }
        None => None,
    };
    let label = |code: Option<u16>| match (&w.name, code) {
        (Some(n), _) => format!("'{space}.{n}'"),
        (None, Some(c)) => format!("code {c} in space '{space}'"),
        (None, None) => "(unnamed)".to_string(),
    };
    let name = w
        .name
        .as_deref()
        .map(|n| kea22::option_name(ctx, path, &space, n));
    let fallback = kea22::definition_fallback(ctx, path, &space);
    let by_code = |c| {
        defs.by_code(&space, c)
            .or_else(|| fallback.and_then(|f| defs.by_code(f, c)))
    };
    let by_name = |n| {
        defs.by_name(&space, n)
            .or_else(|| fallback.and_then(|f| defs.by_name(f, n)))
    };
    let def = match (name, code) {
        (None, None) => {
            return Err(ctx.invalid(path, "option-data needs one of 'code' or 'name'"));
        }
        (Some(name), Some(code)) => match by_code(code) {
            Some(d) if d.name != name => {
                return Err(ctx.invalid(
                    path,
                    format!(
                    "option name '{name}' does not match the definition of code {code}: '{}.{}'",
                    d.space, d.name
                ),
                ))
            }
            Some(d) => Some(d),
            None => return Err(undefined(ctx, path, &label(Some(code)))),
        },
        (Some(name), None) => {
            Some(by_name(name).ok_or_else(|| undefined(ctx, path, &label(None)))?)
        }
        (None, Some(code)) => by_code(code),
    };
    let csv = w.csv_format.unwrap_or(true);
    let data = w.data.as_deref().unwrap_or("");
    // Without a definition only hex data can be taken (V4-105).
    if def.is_none() && csv {
        return Err(ctx.invalid(
            path,
            format!("option {} has no definition: give 'csv-format': false and hex data, or an option-def", label(code)),
        ));
    }
    let bytes = match def {
        // An array may be configured empty (Kea accepts e.g. routers with no data).
        Some(d) if csv && d.array && d.data_type != DataType::Record && data.trim().is_empty() => {
            Vec::new()
        }
        _ => value::encode_for(family, def, csv, data)
            .map_err(|e| ctx.invalid(path, format!("option {}: {e}", label(code))))?,
    };
    let code = match (code, def) {
        (Some(c), _) => c,
        (None, Some(d)) => d.code,
        (None, None) => return Err(ctx.invalid(path, "option-data needs one of 'code' or 'name'")),
    };
    Ok(Resolved {
        option: ConfiguredOption {
            code,
            space,
            data: bytes,
            always_send: w.always_send.unwrap_or(false),
            never_send: w.never_send.unwrap_or(false),
            user_context: fold_comment(w.user_context.clone(), w.comment.clone()),
        },
        def,
    })
}

/// Why a code of the family's main space cannot be configured.
fn reserved(family: Family, code: u16) -> Option<&'static str> {
    match (family, code) {
        (Family::V4, 0) => Some("reserved for PAD"),
        (Family::V4, 255) => Some("reserved for END"),
        (Family::V6, 0) => Some("reserved"),
        _ => None,
    }
}

fn undefined(ctx: &Ctx, path: &str, label: &str) -> ConfigError {
    ctx.invalid(
        path,
        format!("the definition of option {label} does not exist"),
    )
}

/// The payload of entry `i` with the same scope's sub-options appended
/// (V4-118, V4-119, V6-146; V4-122 and V6-147 for the vendor option, whose
/// value names the space `vendor-<enterprise>` of its sub-options).
fn with_suboptions(
    ctx: &Ctx,
    all: &[Resolved],
    i: usize,
    depth: usize,
    path: &str,
) -> Result<Vec<u8>, ConfigError> {
    let r = &all[i];
    let mut data = r.option.data.clone();
    if depth > MAX_ENCAPSULATION_DEPTH {
        return Err(ctx.invalid(path, "option spaces encapsulate each other too deeply"));
    }
    let profile = ctx.profile();
    let family = profile.family;
    let vendor = r.option.space == profile.main_space() && r.option.code == profile.vendor_option;
    let vendor_space;
    let sub_space = match r.def {
        _ if vendor => {
            let id = <[u8; 4]>::try_from(data.as_slice()).map_err(|_| {
                let name = r.def.map_or("the vendor option", |d| d.name.as_str());
                ctx.invalid(path, format!("{name} data must be one enterprise id"))
            })?;
            vendor_space = format!("vendor-{}", u32::from_be_bytes(id));
            vendor_space.as_str()
        }
        // Options that encapsulate the main space (`lq-query`, `client-data`)
        // carry what the server adds at run time, never the configured
        // top-level options, as in Kea.
        Some(def) if !def.encapsulate.is_empty() && def.encapsulate != profile.main_space() => {
            def.encapsulate.as_str()
        }
        _ => return Ok(data),
    };
    let mut subs = Vec::new();
    for (j, sub) in all
        .iter()
        .enumerate()
        .filter(|(_, s)| s.option.space == sub_space)
    {
        let payload = with_suboptions(ctx, all, j, depth + 1, path)?;
        push_suboption(family, sub.option.code, &payload, &mut subs)
            .map_err(|e| ctx.invalid(path, e))?;
    }
    // DHCPv4's vendor block carries its own length (RFC 3925); DHCPv6's does not (RFC 8415).
    if vendor && family == Family::V4 {
        let len = u8::try_from(subs.len()).map_err(|_| {
            ctx.invalid(
                path,
                format!("the sub-options of {sub_space} exceed 255 bytes"),
            )
        })?;
        data.push(len);
    }
    data.extend(subs);
    Ok(data)
}

/// Appends one sub-option with the family's header: DHCPv4 one byte of code
/// and length, a long payload sent as consecutive same-code chunks (RFC
/// 3396); DHCPv6 two bytes each.
fn push_suboption(
    family: Family,
    code: u16,
    payload: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), String> {
    match family {
        Family::V4 => {
            let code = u8::try_from(code)
                .map_err(|_| format!("sub-option code {code} does not fit a DHCPv4 option"))?;
            if payload.is_empty() {
                out.extend([code, 0]);
            }
            for chunk in payload.chunks(255) {
                out.push(code);
                // Chunks are at most 255 bytes long.
                out.push(chunk.len() as u8);
                out.extend_from_slice(chunk);
            }
        }
        Family::V6 => {
            let len = u16::try_from(payload.len())
                .map_err(|_| format!("sub-option {code} exceeds 65535 bytes"))?;
            out.extend(code.to_be_bytes());
            out.extend(len.to_be_bytes());
            out.extend_from_slice(payload);
        }
    }
    Ok(())
}
