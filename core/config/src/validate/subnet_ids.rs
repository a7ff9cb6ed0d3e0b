//! Subnet ids (V4-004): explicit ones range-checked, missing ones numbered
//! as Kea 2.2 numbers them, all unique.
//!
//! Kea 2.7.3 makes `id` mandatory (spec §26 #4). Ruru deliberately follows
//! Kea 2.2 and the 2.7.3 ARM §8.4.3 text instead ("if an ID is not specified
//! ... Kea assigns increasing integer values starting from 1"), so Kea 2.2
//! configurations work unchanged; each assigned id is reported as a warning.
//!
//! Kea 2.2's numbering, observed with `config-get` on a running 2.2.0: one
//! counter, restarted at 1 for every configuration, gives the next value to
//! each subnet without `id`, in the order Kea parses them: every
//! `shared-networks` member (networks in order) before the `subnet4` list,
//! whichever is written first. Explicit ids neither advance nor are skipped
//! by the counter, so an explicit id equal to an assigned one is a duplicate,
//! refused on whichever subnet comes later in that order.

use std::collections::HashMap;

use super::ctx::{index, Ctx};
use crate::{wire, ConfigError};

/// Highest subnet id Kea accepts (V4-004).
const MAX_SUBNET_ID: i64 = 4_294_967_294;

/// The id of every subnet, in the shape of the configuration's lists.
pub(crate) struct SubnetIds {
    /// For `Dhcp4/subnet4[i]`.
    pub(crate) plain: Vec<u32>,
    /// For `Dhcp4/shared-networks[n]/subnet4[i]`.
    pub(crate) members: Vec<Vec<u32>>,
}

/// The counter and the ids taken so far.
struct Numbering<'c> {
    ctx: &'c Ctx<'c>,
    next: u32,
    /// Id → (path of the subnet holding it, whether it was assigned).
    taken: HashMap<u32, (String, bool)>,
}

impl Numbering<'_> {
    fn id(&mut self, w: &wire::Subnet4, path: String) -> Result<u32, ConfigError> {
        let text = w.subnet.as_deref().unwrap_or("without 'subnet'");
        let (id, assigned) = match w.id {
            Some(id) if !(1..=MAX_SUBNET_ID).contains(&id) => {
                return Err(self.ctx.invalid(
                    &path,
                    format!("subnet {text}: id {id} is out of range 1..{MAX_SUBNET_ID}"),
                ))
            }
            // In range, checked just above.
            Some(id) => (id as u32, false),
            None => {
                let id = self.next;
                // Unreachable in practice (one subnet per value); never wraps.
                self.next = self.next.saturating_add(1);
                (id, true)
            }
        };
        if let Some((prev, prev_assigned)) = self.taken.get(&id) {
            let how = if *prev_assigned {
                " (assigned there as Kea 2.2 does: that subnet has no \"id\")"
            } else {
                ""
            };
            let msg = if assigned {
                format!("subnet {text} has no \"id\" and gets {id} as Kea 2.2 numbers subnets, but id {id} is already used by {prev}{how}; give it an explicit \"id\"")
            } else {
                format!("subnet {text}: id {id} is already used by {prev}{how}")
            };
            return Err(self.ctx.invalid(&path, msg));
        }
        if assigned {
            self.ctx.warn(
                &path,
                format!(
                    "subnet {text} has no \"id\"; assigned {id} as Kea 2.2 does (Kea 2.7 requires \"id\")"
                ),
            );
        }
        self.taken.insert(id, (path, assigned));
        Ok(id)
    }
}

/// Checks and assigns every subnet id in Kea 2.2's order (see the module
/// comment), warning for each assigned one.
pub(crate) fn subnet_ids(ctx: &Ctx, g: &wire::Dhcp4) -> Result<SubnetIds, ConfigError> {
    let mut n = Numbering {
        ctx,
        next: 1,
        taken: HashMap::new(),
    };
    let mut members = Vec::with_capacity(g.shared_networks.len());
    for (k, net) in g.shared_networks.iter().enumerate() {
        let net_path = index("Dhcp4", "shared-networks", k);
        let ids = net
            .subnet4
            .iter()
            .enumerate()
            .map(|(i, w)| n.id(w, index(&net_path, "subnet4", i)))
            .collect::<Result<Vec<_>, _>>()?;
        members.push(ids);
    }
    let plain = g
        .subnet4
        .iter()
        .enumerate()
        .map(|(i, w)| n.id(w, index("Dhcp4", "subnet4", i)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SubnetIds { plain, members })
}

impl SubnetIds {
    /// Writes the assigned ids into the raw `Dhcp4` map, so `config-get`
    /// shows the ids in use, as Kea 2.2's does.
    pub(crate) fn write_into(&self, raw: &mut serde_json::Value) {
        fill(raw.get_mut("subnet4"), &self.plain);
        let networks = raw
            .get_mut("shared-networks")
            .and_then(serde_json::Value::as_array_mut);
        for (net, ids) in networks.into_iter().flatten().zip(&self.members) {
            fill(net.get_mut("subnet4"), ids);
        }
    }
}

/// Adds `"id"` to each map of a raw `subnet4` list that lacks it.
fn fill(list: Option<&mut serde_json::Value>, ids: &[u32]) {
    let entries = list
        .and_then(serde_json::Value::as_array_mut)
        .into_iter()
        .flatten();
    for (entry, &id) in entries.zip(ids) {
        if let Some(m) = entry.as_object_mut() {
            m.entry("id").or_insert_with(|| id.into());
        }
    }
}
