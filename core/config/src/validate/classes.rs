//! `client-classes` of both servers (V4-073, V4-127; V6-155): names unique,
//! `test` and `template-test` exclusive and compiled here (V4-128, V6-156), the
//! keys both families have.

use std::collections::HashMap;

use ruru_eval::{Env, Expression, Kind};
use ruru_proto::defs::OptionDefs;

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

/// A class's compiled `test` or `template-test`, and whether it waits for host
/// lookup.
pub(crate) struct Compiled {
    pub(crate) expression: Option<Expression>,
    pub(crate) depends_on_known: bool,
}

/// All classes in config order: each entry's common keys checked through
/// `view` and its expression compiled against `registry` and the classes
/// defined before it, then built by `build` from the entry, its path, its name
/// and the compiled expression.
pub(crate) fn client_classes<W, C>(
    ctx: &Ctx,
    list: &[W],
    registry: &OptionDefs,
    view: impl Fn(&W) -> wire::ClassView<'_>,
    build: impl Fn(&W, &str, String, Compiled) -> Result<C, ConfigError>,
) -> Result<Vec<C>, ConfigError> {
    // Classes defined so far, and whether each depends on KNOWN/UNKNOWN.
    let mut earlier: HashMap<String, bool> = HashMap::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, w) in list.iter().enumerate() {
        let path = ctx.index("client-classes", i);
        let c = view(w);
        let name = c
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| ctx.invalid(&path, "client class needs a 'name'"))?;
        if earlier.contains_key(&name) {
            return Err(ctx.invalid(&path, format!("client class '{name}' is defined twice")));
        }
        if c.test.is_some() && c.template_test.is_some() {
            return Err(ctx.invalid(
                &path,
                format!("client class '{name}': 'test' and 'template-test' are exclusive"),
            ));
        }
        let compiled = compile(ctx, &path, &name, &c, registry, &earlier)?;
        earlier.insert(name.clone(), compiled.depends_on_known);
        out.push(build(w, &path, name, compiled)?);
    }
    Ok(out)
}

/// Compiles the class's `test` (a condition) or `template-test` (a string);
/// `member` may name built-in classes and those in `earlier` only.
fn compile(
    ctx: &Ctx,
    path: &str,
    name: &str,
    c: &wire::ClassView<'_>,
    registry: &OptionDefs,
    earlier: &HashMap<String, bool>,
) -> Result<Compiled, ConfigError> {
    let (text, kind, key) = match (&c.test, &c.template_test) {
        (Some(t), _) => (t, Kind::Bool, "test"),
        (None, Some(t)) => (t, Kind::String, "template-test"),
        (None, None) => {
            return Ok(Compiled {
                expression: None,
                depends_on_known: false,
            })
        }
    };
    let defined = |n: &str| ruru_eval::builtin_class(n) || earlier.contains_key(n);
    let env = Env {
        defs: registry,
        class_defined: &defined,
    };
    let e = Expression::parse(text, kind, &env).map_err(|e| {
        ctx.invalid(
            path,
            format!("client class '{name}': invalid {key} expression '{text}': {e}"),
        )
    })?;
    let depends_on_known = e
        .members()
        .iter()
        .any(|m| matches!(m.as_str(), "KNOWN" | "UNKNOWN") || earlier.get(m) == Some(&true));
    Ok(Compiled {
        expression: Some(e),
        depends_on_known,
    })
}

/// The common parts of one class; `defs` are the definitions its
/// `option-data` resolves against.
pub(crate) fn class_base(
    ctx: &Ctx,
    path: &str,
    name: String,
    c: wire::ClassView,
    defs: &Defs,
    compiled: Compiled,
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
        expression: compiled.expression,
        depends_on_known: compiled.depends_on_known,
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
