//! Lifetime triplets (`valid-lifetime` and, in DHCPv6, `preferred-lifetime`
//! with their `min-` and `max-` forms) of scopes and classes (V4-062,
//! V6-006, V6-076).

use super::ctx::Ctx;
use crate::model::Triplet;
use crate::ConfigError;

/// The triplet of effective values, missing bounds equal to the default,
/// checked min <= default <= max (V4-062, V6-006). `name` is the key
/// (`valid-lifetime`); `default` stands in for an unset value.
pub(crate) fn triplet(
    ctx: &Ctx,
    path: &str,
    name: &str,
    [value, min, max]: [Option<u32>; 3],
    default: u32,
) -> Result<Triplet, ConfigError> {
    let default = value.unwrap_or(default);
    let t = Triplet {
        min: min.unwrap_or(default),
        default,
        max: max.unwrap_or(default),
    };
    if t.default < t.min {
        let msg = format!("{name} ({}) is less than min-{name} ({})", t.default, t.min);
        return Err(ctx.invalid(path, msg));
    }
    // With min <= default, this also covers min > max.
    if t.default > t.max {
        let msg = format!(
            "{name} ({}) is greater than max-{name} ({})",
            t.default, t.max
        );
        return Err(ctx.invalid(path, msg));
    }
    Ok(t)
}

/// A triplet that exists only if one of its three keys is written (classes,
/// and DHCPv6's preferred lifetime, whose absence the engine fills from the
/// valid lifetime, V6-078); without the default, the first bound stands in
/// for it, as in Kea.
pub(crate) fn optional_triplet(
    ctx: &Ctx,
    path: &str,
    name: &str,
    values: [Option<u32>; 3],
) -> Result<Option<Triplet>, ConfigError> {
    match values.iter().flatten().next() {
        None => Ok(None),
        Some(&first) => triplet(ctx, path, name, values, first).map(Some),
    }
}
