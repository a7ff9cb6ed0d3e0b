//! `client-classes` (V4-073, V4-121, V4-127). Test expressions are kept as
//! text: compiling them is the engine's job.

use std::collections::HashSet;

use ruru_proto::defs::OptionDefs;

use super::ctx::{index, Ctx};
use super::options::{class_defs, option_set, Defs, Level};
use super::subnets::triplet;
use super::{fold_comment, opt_ipv4};
use crate::model::ClientClass;
use crate::{wire, ConfigError};

/// All classes in config order; names unique, `test` and `template-test` exclusive.
pub(crate) fn client_classes(
    ctx: &Ctx,
    list: &[wire::ClientClass],
    registry: &OptionDefs,
) -> Result<Vec<ClientClass>, ConfigError> {
    let mut names = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        let path = index("Dhcp4", "client-classes", i);
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
        let only_if_required = c.only_if_required.unwrap_or(false);
        let local = class_defs(ctx, &c.option_def, &path)?;
        let defs = Defs {
            registry,
            local: &local,
        };
        let level = if only_if_required {
            Level::RequiredClass
        } else {
            Level::Normal
        };
        let lifetimes = [c.valid_lifetime, c.min_valid_lifetime, c.max_valid_lifetime];
        let valid_lifetime = if lifetimes.iter().any(Option::is_some) {
            let default = c
                .valid_lifetime
                .or(c.min_valid_lifetime)
                .or(c.max_valid_lifetime);
            Some(triplet(
                ctx,
                &path,
                default,
                c.min_valid_lifetime,
                c.max_valid_lifetime,
            )?)
        } else {
            None
        };
        out.push(ClientClass {
            options: option_set(ctx, &c.option_data, &defs, level, &path)?,
            test: c.test.clone(),
            template_test: c.template_test.clone(),
            only_if_required,
            next_server: opt_ipv4(
                ctx,
                &path,
                "next-server",
                c.next_server.as_deref().filter(|s| !s.is_empty()),
            )?,
            server_hostname: c.server_hostname.clone().filter(|s| !s.is_empty()),
            boot_file_name: c.boot_file_name.clone().filter(|s| !s.is_empty()),
            valid_lifetime,
            offer_lifetime: c.offer_lifetime,
            option_defs: local,
            user_context: fold_comment(c.user_context.clone(), c.comment.clone()),
            name,
        });
    }
    Ok(out)
}
