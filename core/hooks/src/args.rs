//! The named arguments of one callout invocation (HK-052): what each name holds and whether plugins may
//! change it. The engine builds an [`Args`] per invocation and reads changed values back afterwards.

use crate::loader::Family;
use crate::object::{Arena, Obj, Target};
use crate::value::{self, Input};
use ruru_config::{Subnet4, Subnet6};
use ruru_hook_api::abi::*;
use ruru_lease::{Lease4, Lease6};
use ruru_proto::v4::Packet4;
use ruru_proto::v6::{Ia, Packet6};

/// One argument's value and direction.
#[derive(Debug)]
pub enum Slot<'a> {
    /// A packet plugins may read.
    Pkt4(&'a Packet4),
    /// A packet plugins may change.
    Pkt4Mut(&'a mut Packet4),
    /// A wire buffer plugins may rewrite (`buffer4_receive`, `buffer6_send`, ...), of that family.
    Wire(&'a mut Vec<u8>, Family),
    /// A lease plugins may read.
    Lease4(&'a Lease4),
    /// A lease plugins may change.
    Lease4Mut(&'a mut Lease4),
    /// An optional lease (`old_lease`).
    OptLease4(Option<&'a Lease4>),
    /// A list of leases.
    Leases4(&'a [Lease4]),
    /// A subnet, or none.
    Subnet4(Option<&'a Subnet4>),
    /// The selected subnet, replaceable by any of `all` or none (`subnet4_select`).
    SubnetChoice {
        /// Index into `all`.
        chosen: Option<usize>,
        /// The subnets a plugin may choose from.
        all: &'a [Subnet4],
    },
    /// A list of subnets.
    Subnets4(&'a [Subnet4]),
    /// A DHCPv6 message plugins may read.
    Pkt6(&'a Packet6),
    /// A DHCPv6 message plugins may change.
    Pkt6Mut(&'a mut Packet6),
    /// A DHCPv6 lease plugins may read.
    Lease6(&'a Lease6),
    /// A DHCPv6 lease plugins may change.
    Lease6Mut(&'a mut Lease6),
    /// A list of DHCPv6 leases.
    Leases6(&'a [Lease6]),
    /// A DHCPv6 subnet, or none.
    Subnet6(Option<&'a Subnet6>),
    /// The selected DHCPv6 subnet, replaceable by any of `all` or none (`subnet6_select`).
    SubnetChoice6 {
        /// Index into `all`.
        chosen: Option<usize>,
        /// The subnets a plugin may choose from.
        all: &'a [Subnet6],
    },
    /// A list of DHCPv6 subnets.
    Subnets6(&'a [Subnet6]),
    /// The answer's IA being built (`ia_na`: option `code` 3, `ia_pd`: 25), whose sub-options
    /// plugins may change.
    Ia6 {
        /// The IA.
        ia: &'a mut Ia,
        /// Its option code.
        code: u16,
        /// The client's IA payload as received: what plugins built for ABI 1.3 or older read there.
        received: &'a [u8],
    },
    /// A boolean; `writable` when plugins may change it.
    Bool(bool, bool),
    /// An unsigned integer; `writable` when plugins may change it.
    U64(u64, bool),
    /// Bytes plugins may read.
    Bytes(&'a [u8]),
    /// Bytes plugins set (`id_value`).
    BytesOut(Vec<u8>),
    /// Text; `writable` when plugins may change it.
    Text(Option<String>, bool),
    /// A JSON document; `writable` when plugins may change it.
    Json(Option<String>, bool),
}

/// The arguments of one invocation, in the point's order.
#[derive(Debug, Default)]
pub struct Args<'a> {
    slots: Vec<(&'static str, Slot<'a>)>,
}

impl<'a> Args<'a> {
    /// No arguments.
    pub fn new() -> Self {
        Args { slots: Vec::new() }
    }

    /// Adds an argument.
    pub fn with(mut self, name: &'static str, slot: Slot<'a>) -> Self {
        self.slots.push((name, slot));
        self
    }

    /// The argument `name`.
    pub fn slot(&self, name: &str) -> Option<&Slot<'a>> {
        self.slots.iter().find(|(n, _)| *n == name).map(|(_, s)| s)
    }

    /// A boolean argument as left by the callouts.
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.slot(name)? {
            Slot::Bool(b, _) => Some(*b),
            _ => None,
        }
    }

    /// An integer argument as left by the callouts.
    pub fn u64(&self, name: &str) -> Option<u64> {
        match self.slot(name)? {
            Slot::U64(n, _) => Some(*n),
            _ => None,
        }
    }

    /// A bytes argument as left by the callouts.
    pub fn bytes(&self, name: &str) -> Option<&[u8]> {
        match self.slot(name)? {
            Slot::BytesOut(b) => Some(b),
            Slot::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// A text or JSON argument as left by the callouts.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.slot(name)? {
            Slot::Text(t, _) | Slot::Json(t, _) => t.as_deref(),
            _ => None,
        }
    }

    /// The subnet chosen in a [`Slot::SubnetChoice`] as left by the callouts.
    pub fn chosen_subnet(&self, name: &str) -> Option<Option<usize>> {
        match self.slot(name)? {
            Slot::SubnetChoice { chosen, .. } | Slot::SubnetChoice6 { chosen, .. } => Some(*chosen),
            _ => None,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    pub(crate) fn name(&self, i: usize) -> Option<&'static str> {
        self.slots.get(i).map(|(n, _)| *n)
    }

    /// Argument `name` as a plugin built for ABI minor `minor` sees it.
    pub(crate) fn get(
        &mut self,
        name: &str,
        arena: &mut Arena,
        minor: u32,
    ) -> Result<RuruValue, i32> {
        let slot = self
            .slots
            .iter_mut()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s)
            .ok_or(RURU_ERR_NOT_FOUND)?;
        Ok(match slot {
            Slot::Pkt4(p) => arena.value(
                Target::Pkt4 {
                    p: std::ptr::from_ref::<Packet4>(*p).cast_mut(),
                    writable: false,
                },
                RURU_OBJECT_PKT4,
            ),
            Slot::Pkt4Mut(p) => arena.value(
                Target::Pkt4 {
                    p: &mut **p,
                    writable: true,
                },
                RURU_OBJECT_PKT4,
            ),
            Slot::Wire(b, family) => arena.value(
                Target::Wire {
                    buf: &mut **b,
                    writable: true,
                },
                match family {
                    Family::V6 => RURU_OBJECT_PKT6,
                    // The agent has no wire buffers; only the DHCP services build this slot.
                    Family::V4 | Family::Agent => RURU_OBJECT_PKT4,
                },
            ),
            Slot::Lease4(l) | Slot::OptLease4(Some(l)) => arena.value(
                Target::Lease4 {
                    l: std::ptr::from_ref::<Lease4>(*l).cast_mut(),
                    writable: false,
                },
                RURU_OBJECT_LEASE4,
            ),
            Slot::Lease4Mut(l) => arena.value(
                Target::Lease4 {
                    l: &mut **l,
                    writable: true,
                },
                RURU_OBJECT_LEASE4,
            ),
            Slot::OptLease4(None) | Slot::Subnet4(None) | Slot::Subnet6(None) => value::NONE,
            Slot::Leases4(ls) => arena.list(ls, Target::lease4, RURU_OBJECT_LEASE4),
            Slot::Subnet4(Some(s)) => arena.value(Target::Subnet4 { s: *s }, RURU_OBJECT_SUBNET4),
            Slot::SubnetChoice { chosen, all } => match chosen.and_then(|i| all.get(i)) {
                Some(s) => arena.value(Target::Subnet4 { s }, RURU_OBJECT_SUBNET4),
                None => value::NONE,
            },
            Slot::Subnets4(all) => arena.list(all, Target::subnet4, RURU_OBJECT_SUBNET4),
            Slot::Pkt6(p) => arena.value(
                Target::Pkt6 {
                    p: std::ptr::from_ref::<Packet6>(*p).cast_mut(),
                    writable: false,
                },
                RURU_OBJECT_PKT6,
            ),
            Slot::Pkt6Mut(p) => arena.value(
                Target::Pkt6 {
                    p: &mut **p,
                    writable: true,
                },
                RURU_OBJECT_PKT6,
            ),
            Slot::Lease6(l) => arena.value(Target::lease6(l), RURU_OBJECT_LEASE6),
            Slot::Lease6Mut(l) => arena.value(
                Target::Lease6 {
                    l: &mut **l,
                    writable: true,
                },
                RURU_OBJECT_LEASE6,
            ),
            Slot::Leases6(ls) => arena.list(ls, Target::lease6, RURU_OBJECT_LEASE6),
            Slot::Subnet6(Some(s)) => arena.value(Target::Subnet6 { s: *s }, RURU_OBJECT_SUBNET6),
            Slot::SubnetChoice6 { chosen, all } => match chosen.and_then(|i| all.get(i)) {
                Some(s) => arena.value(Target::Subnet6 { s }, RURU_OBJECT_SUBNET6),
                None => value::NONE,
            },
            Slot::Subnets6(all) => arena.list(all, Target::subnet6, RURU_OBJECT_SUBNET6),
            // ABI 1.4 made `ia_na`/`ia_pd` the answer's IA; older plugins keep the bytes they knew.
            Slot::Ia6 { received, .. } if minor < 4 => value::bytes(RURU_VALUE_BYTES, received),
            Slot::Ia6 { ia, code, .. } => arena.value(
                Target::Ia6 {
                    ia: &mut **ia,
                    code: *code,
                },
                RURU_OBJECT_IA6,
            ),
            Slot::Bool(b, _) => value::boolean(*b),
            Slot::U64(n, _) => value::num(RURU_VALUE_U64, *n),
            Slot::Bytes(b) => value::bytes(RURU_VALUE_BYTES, b),
            Slot::BytesOut(b) => value::bytes(RURU_VALUE_BYTES, b),
            Slot::Text(t, _) => t.as_deref().map_or(value::NONE, |t| {
                value::bytes(RURU_VALUE_STRING, t.as_bytes())
            }),
            Slot::Json(t, _) => t
                .as_deref()
                .map_or(value::NONE, |t| value::bytes(RURU_VALUE_JSON, t.as_bytes())),
        })
    }

    pub(crate) fn set(&mut self, name: &str, v: &RuruValue) -> Result<(), i32> {
        let slot = self
            .slots
            .iter_mut()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s)
            .ok_or(RURU_ERR_NOT_FOUND)?;
        let input = Input(v);
        match slot {
            Slot::Bool(b, true) => *b = input.boolean()?,
            Slot::U64(n, true) => *n = input.u64()?,
            Slot::Text(t, true) => *t = Some(input.text()?.to_owned()),
            Slot::BytesOut(b) => *b = input.bytes()?.to_vec(),
            Slot::Json(t, true) => {
                let text = input.text()?;
                // Checked without building a tree: a command's response may be a page of a
                // thousand leases, parsed for real once the callouts are done.
                serde_json::from_str::<serde::de::IgnoredAny>(text)
                    .map_err(|_| RURU_ERR_INVALID)?;
                *t = Some(text.to_owned());
            }
            Slot::SubnetChoice { chosen, all } => {
                *chosen = choose_subnet(
                    all,
                    v,
                    |s| s.id,
                    |t| match t {
                        Target::Subnet4 { s } => Some(*s),
                        _ => None,
                    },
                )?;
            }
            Slot::SubnetChoice6 { chosen, all } => {
                *chosen = choose_subnet(
                    all,
                    v,
                    |s| s.id,
                    |t| match t {
                        Target::Subnet6 { s } => Some(*s),
                        _ => None,
                    },
                )?;
            }
            _ => return Err(RURU_ERR_READ_ONLY),
        }
        Ok(())
    }
}

/// A plugin's choice of subnet: a subnet object of the collection, a subnet id, or none.
fn choose_subnet<T>(
    all: &[T],
    v: &RuruValue,
    id: impl Fn(&T) -> u32,
    target: impl Fn(&Target) -> Option<*const T>,
) -> Result<Option<usize>, i32> {
    match v.kind {
        RURU_VALUE_NONE => Ok(None),
        RURU_VALUE_U64 => all
            .iter()
            .position(|s| u64::from(id(s)) == v.num)
            .map(Some)
            .ok_or(RURU_ERR_INVALID),
        RURU_VALUE_OBJECT => {
            // SAFETY: objects handed to plugins live in the invocation's arena until it ends.
            let obj = unsafe { &*v.object.cast::<Obj>() };
            let s = target(&obj.target).ok_or(RURU_ERR_TYPE)?;
            all.iter()
                .position(|x| std::ptr::eq(x, s))
                .map(Some)
                .ok_or(RURU_ERR_INVALID)
        }
        _ => Err(RURU_ERR_TYPE),
    }
}
