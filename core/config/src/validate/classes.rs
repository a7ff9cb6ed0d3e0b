//! `client-classes` of both servers (V4-073, V4-127; V6-155): names unique,
//! `test` and `template-test` exclusive, the keys both families have. Test
//! expressions are kept as text: compiling them is the engine's job.

use std::collections::HashSet;

use super::ctx::Ctx;
use super::fold_comment;
use super::lifetimes::optional_triplet;
use super::options::{option_set, Defs, Level};
use crate::model::fields::{class_parts, part_struct};
use crate::{wire, ConfigError};

class_parts!(part_struct! {
    /// The parts of a class both families have.
    pub(crate) struct ClassBase;
});

/// All classes in config order: each entry's common keys checked through
/// `view`, then built by `build` from the entry, its path and its name.
pub(crate) fn client_classes<W, C>(
    ctx: &Ctx,
    list: &[W],
    view: impl Fn(&W) -> wire::ClassView<'_>,
    build: impl Fn(&W, &str, String) -> Result<C, ConfigError>,
) -> Result<Vec<C>, ConfigError> {
    let mut names = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, w) in list.iter().enumerate() {
        let path = ctx.index("client-classes", i);
        let c = view(w);
        let name = c
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| ctx.invalid(&path, "client class needs a 'name'"))?;
        if !names.insert(name.clone()) {
            return Err(ctx.invalid(&path, format!("client class '{name}' is defined twice")));
        }
        if c.test.is_some() && c.template_test.is_some() {
            return Err(ctx.invalid(
                &path,
                format!("client class '{name}': 'test' and 'template-test' are exclusive"),
            ));
        }
        out.push(build(w, &path, name)?);
    }
    Ok(out)
}

/// The common parts of one class; `defs` are the definitions its
/// `option-data` resolves against.
pub(crate) fn class_base(
    ctx: &Ctx,
    path: &str,
    name: String,
    c: wire::ClassView,
    defs: &Defs,
) -> Result<ClassBase, ConfigError> {
    let only_if_required = c.only_if_required.unwrap_or(false);
    let level = if only_if_required {
        Level::RequiredClass
    } else {
        Level::Normal
    };
    Ok(ClassBase {
        options: option_set(ctx, c.option_data, defs, level, path)?,
        test: c.test.clone(),
        template_test: c.template_test.clone(),
        only_if_required,
        valid_lifetime: optional_triplet(
            ctx,
            path,
            "valid-lifetime",
            [
                *c.valid_lifetime,
                *c.min_valid_lifetime,
                *c.max_valid_lifetime,
            ],
        )?,
        user_context: fold_comment(c.user_context.clone(), c.comment.clone()),
        name,
    })
}
