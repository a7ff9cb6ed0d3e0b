//! Stage 3: validation of the wire structs into the runtime models
//! [`Dhcp4Config`](crate::Dhcp4Config) and [`Dhcp6Config`](crate::Dhcp6Config).
//!
//! Pure: nothing here opens a file, socket, interface or database. The
//! concept modules (`services`, `options`, `classes`, `hosts`, `subnets`,
//! `subnet_ids`, `kea22`) hold one implementation each for both servers,
//! parameterised by the server's [`profile::Profile`]; `v4` and `v6` only
//! assemble them and add what exists in one family alone.

mod classes;
mod ctx;
mod globals;
mod hosts;
mod kea22;
mod layout;
mod lifetimes;
mod options;
mod profile;
mod reservation;
mod scope;
mod services;
mod subnet_ids;
mod subnets;
mod v4;
mod v6;

use crate::addr::IpAddress;
use crate::model::Map;
use crate::reader::{Node, NodeValue};
use crate::ConfigError;
pub(crate) use ctx::Ctx;
pub(crate) use v4::build as build4;
pub(crate) use v6::build as build6;

/// `user-context` with `comment` folded in as `user-context.comment` (V4-006, V6-007).
pub(crate) fn fold_comment(user_context: Option<Map>, comment: Option<String>) -> Option<Map> {
    match comment {
        None => user_context,
        Some(c) => {
            let mut m = user_context.unwrap_or_default();
            m.insert("comment".into(), serde_json::Value::String(c));
            Some(m)
        }
    }
}

/// An address of family `A` written for `key` of the item at `path`.
pub(crate) fn parse_addr<A: IpAddress>(
    ctx: &Ctx,
    path: &str,
    key: &str,
    text: &str,
) -> Result<A, ConfigError> {
    text.trim().parse().map_err(|_| {
        ctx.invalid(
            path,
            format!("invalid {} address '{text}' for {key}", A::NAME),
        )
    })
}

/// An optional address.
pub(crate) fn opt_addr<A: IpAddress>(
    ctx: &Ctx,
    path: &str,
    key: &str,
    text: Option<&str>,
) -> Result<Option<A>, ConfigError> {
    text.map(|t| parse_addr(ctx, path, key, t)).transpose()
}

/// The raw top-level map as `config-get` shows it: every `comment` moved
/// into its map's `user-context` (V4-006, V6-007), open maps left verbatim.
pub(crate) fn fold_raw(v: &mut serde_json::Value) {
    let serde_json::Value::Object(m) = v else {
        if let serde_json::Value::Array(items) = v {
            items.iter_mut().for_each(fold_raw);
        }
        return;
    };
    if let Some(serde_json::Value::String(c)) = m.get("comment").cloned() {
        m.remove("comment");
        let uc = m
            .entry("user-context")
            .or_insert_with(|| serde_json::Value::Object(Map::new()));
        if let serde_json::Value::Object(uc) = uc {
            uc.insert("comment".into(), serde_json::Value::String(c));
        }
    }
    for (k, child) in m.iter_mut() {
        if !matches!(
            k.as_str(),
            "user-context" | "parameters" | "dhcp-queue-control"
        ) {
            fold_raw(child);
        }
    }
}

/// Whether `a` is written before `b` in the top-level map (subnet order, V4-049).
pub(crate) fn written_before(root: Option<&Node>, a: &str, b: &str) -> bool {
    let Some(NodeValue::Object(entries)) = root.map(|n| &n.value) else {
        return false;
    };
    let pos = |k: &str| entries.iter().position(|e| e.key == k);
    matches!((pos(a), pos(b)), (Some(x), Some(y)) if x < y)
}

#[cfg(test)]
mod tests;

/// What the unit tests of both families share.
#[cfg(test)]
pub(crate) mod testing {
    use crate::ConfigError;

    /// The message of the error `r` must be; `body` names the input when it is not.
    pub(crate) fn expect_err<T>(r: Result<T, ConfigError>, body: &str) -> String {
        match r {
            Ok(_) => panic!("accepted: {body}"),
            Err(e) => e.to_string(),
        }
    }
}
