//! Subnet ids of both servers (V4-004, V6-004): explicit ones range-checked,
//! missing ones numbered as Kea 2.2 numbers them, all unique.
//!
//! Kea 2.7.3 makes `id` mandatory (dhcp4 spec §26 #4, dhcp6 spec §25 #11).
//! Ruru deliberately follows
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
//! refused on whichever subnet comes later in that order. Kea 2.2.0's DHCPv6
//! server numbers `subnet6` the same way (checked with `config-get`).

use std::collections::HashMap;

use super::ctx::{index, Ctx};
use super::layout::{WireNetwork, WireServer, WireSubnet};
use crate::ConfigError;

/// Highest subnet id Kea accepts (V4-004).
const MAX_SUBNET_ID: i64 = 4_294_967_294;

/// The id of every subnet, in the shape of the configuration's lists.
pub(crate) struct SubnetIds {
    /// For `Dhcp4/subnet4[i]` (`Dhcp6/subnet6[i]`).
    pub(crate) plain: Vec<u32>,
    /// For `Dhcp4/shared-networks[n]/subnet4[i]` (`subnet6` in `Dhcp6`).
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
    fn id(&mut self, w: &impl WireSubnet, path: String) -> Result<u32, ConfigError> {
        let v = w.view();
        let text = v.subnet.as_deref().unwrap_or("without 'subnet'");
        let (id, assigned) = match *v.id {
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
pub(crate) fn subnet_ids(ctx: &Ctx, g: &impl WireServer) -> Result<SubnetIds, ConfigError> {
    let key = ctx.profile().subnets;
    let mut n = Numbering {
        ctx,
        next: 1,
        taken: HashMap::new(),
    };
    let mut members = Vec::with_capacity(g.networks().len());
    for (k, net) in g.networks().iter().enumerate() {
        let net_path = ctx.index("shared-networks", k);
        let ids = net
            .subnets()
            .iter()
            .enumerate()
            .map(|(i, w)| n.id(w, index(&net_path, key, i)))
            .collect::<Result<Vec<_>, _>>()?;
        members.push(ids);
    }
    let plain = g
        .subnets()
        .iter()
        .enumerate()
        .map(|(i, w)| n.id(w, ctx.index(key, i)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SubnetIds { plain, members })
}

impl SubnetIds {
    /// Writes the assigned ids into the raw top-level map, so `config-get`
    /// shows the ids in use, as Kea 2.2's does.
    pub(crate) fn write_into(&self, ctx: &Ctx, raw: &mut serde_json::Value) {
        let key = ctx.profile().subnets;
        fill(raw.get_mut(key), &self.plain);
        let networks = raw
            .get_mut("shared-networks")
            .and_then(serde_json::Value::as_array_mut);
        for (net, ids) in networks.into_iter().flatten().zip(&self.members) {
            fill(net.get_mut(key), ids);
        }
    }
}

/// Adds `"id"` to each map of a raw subnet list that lacks it.
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
