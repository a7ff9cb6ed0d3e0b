//! The global maps only the DHCPv6 server has: `server-id` (V6-089),
//! `mac-sources` (V6-084) and `relay-supplied-options` (V6-050).

use ruru_proto::defs::value::parse_hex;
use ruru_proto::defs::OptionDefs;

use crate::model::{DuidType, MacSource, ServerId};
use crate::validate::{fold_comment, Ctx};
use crate::{wire, ConfigError};

/// `erp-local-domain-name`, which RSOO always carries (RFC 6422, V6-050).
const ERP_LOCAL_DOMAIN_NAME: u16 = 65;

/// `server-id`: `type` mandatory in the map; parts written as 0 or `""`
/// are left to the stored or generated DUID (V6-089). Without the map:
/// a generated, persisted LLT.
pub(crate) fn server_id(ctx: &Ctx, w: Option<&wire::ServerId>) -> Result<ServerId, ConfigError> {
    let Some(w) = w else {
        return Ok(ServerId {
            kind: DuidType::Llt,
            htype: None,
            identifier: None,
            time: None,
            enterprise_id: None,
            persist: true,
            user_context: None,
        });
    };
    let path = ctx.path("server-id");
    let kind = w
        .type_
        .ok_or_else(|| ctx.invalid(&path, "server-id needs a 'type' (LLT, EN or LL)"))?;
    let identifier = match w.identifier.as_deref() {
        None | Some("") => None,
        Some(text) => Some(parse_hex(text).map_err(|_| {
            ctx.invalid(
                &path,
                format!("server-id identifier '{text}' is not a string of hexadecimal digits"),
            )
        })?),
    };
    Ok(ServerId {
        kind,
        htype: w.htype.filter(|&h| h != 0),
        identifier,
        time: w.time.filter(|&t| t != 0),
        enterprise_id: w.enterprise_id.filter(|&e| e != 0),
        persist: w.persist.unwrap_or(true),
        user_context: fold_comment(w.user_context.clone(), w.comment.clone()),
    })
}

/// `mac-sources`: default `any`; an empty list, an unknown method or one
/// given twice (aliases included) is refused, as Kea does (V6-084).
pub(crate) fn mac_sources(
    ctx: &Ctx,
    list: Option<&[String]>,
) -> Result<Vec<MacSource>, ConfigError> {
    let Some(list) = list else {
        return Ok(vec![MacSource::Any]);
    };
    let path = ctx.path("mac-sources");
    if list.is_empty() {
        return Err(ctx.invalid(&path, "mac-sources must not be empty"));
    }
    let mut out = Vec::with_capacity(list.len());
    for name in list {
        let source = MacSource::from_name(name).ok_or_else(|| {
            ctx.invalid(
                &path,
                format!("'{name}' is not a MAC source: use any, raw, duid, ipv6-link-local, client-link-addr-option (rfc6939), remote-id (rfc4649), subscriber-id (rfc4580), docsis-cmts or docsis-modem"),
            )
        })?;
        if out.contains(&source) {
            return Err(ctx.invalid(
                &path,
                format!("the mac-sources value '{name}' is given twice"),
            ));
        }
        out.push(source);
    }
    Ok(out)
}

/// `relay-supplied-options`: option codes, or names of standard `dhcp6`
/// options, after the always enabled 65 (V6-050).
pub(crate) fn relay_supplied_options(
    ctx: &Ctx,
    list: &[String],
    defs: &OptionDefs,
) -> Result<Vec<u16>, ConfigError> {
    let space = ctx.profile().main_space();
    let mut out = vec![ERP_LOCAL_DOMAIN_NAME];
    for (i, entry) in list.iter().enumerate() {
        let by_name = || {
            defs.by_name(space, entry)
                .filter(|d| defs.is_standard(space, d.code))
                .map(|d| d.code)
        };
        let code = match entry.trim().parse::<u16>() {
            Ok(c) => Some(c).filter(|&c| c != 0),
            Err(_) => by_name(),
        }
        .ok_or_else(|| {
            ctx.invalid(
                &ctx.index("relay-supplied-options", i),
                format!("'{entry}' is neither an option code (1..65535) nor the name of a standard DHCPv6 option"),
            )
        })?;
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}
