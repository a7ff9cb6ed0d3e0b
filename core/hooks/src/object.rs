//! Server objects handed to plugins: what a field name means on a packet, a lease, a subnet or an IA.
//!
//! An object lives in the invocation's arena and points at the engine's data for the duration of one
//! callout; plugins are told (and the SDK's lifetimes enforce) not to keep it.

use crate::value::{self, bytes, ipv4, num, Input};
use ruru_config::{Subnet4, Subnet6};
use ruru_hook_api::abi::*;
use ruru_lease::{HwAddr, Lease4, Lease6, LeaseState};
use ruru_proto::v4::{code, Options4, Packet4};
use ruru_proto::v6::{Ia, MessageType, Options6, Packet6};
use std::net::Ipv6Addr;

/// What an object points at (`Ia6`: the answer's IA_NA, `code` 3, or IA_PD, 25, lent mutably).
#[derive(Debug)]
pub(crate) enum Target {
    Pkt4 { p: *mut Packet4, writable: bool },
    Wire { buf: *mut Vec<u8>, writable: bool },
    Lease4 { l: *mut Lease4, writable: bool },
    Subnet4 { s: *const Subnet4 },
    Pkt6 { p: *mut Packet6, writable: bool },
    Lease6 { l: *mut Lease6, writable: bool },
    Subnet6 { s: *const Subnet6 },
    Ia6 { ia: *mut Ia, code: u16 },
    List { items: Vec<*mut Obj> },
}

impl Target {
    pub(crate) fn lease4(l: &Lease4) -> Target {
        Target::Lease4 {
            l: std::ptr::from_ref(l).cast_mut(),
            writable: false,
        }
    }
    pub(crate) fn lease6(l: &Lease6) -> Target {
        Target::Lease6 {
            l: std::ptr::from_ref(l).cast_mut(),
            writable: false,
        }
    }
    pub(crate) fn subnet4(s: &Subnet4) -> Target {
        Target::Subnet4 { s }
    }
    pub(crate) fn subnet6(s: &Subnet6) -> Target {
        Target::Subnet6 { s }
    }
}

/// The options of a packet (of either family) or of an IA lent to a plugin: what the option functions
/// act on. A DHCPv6 packet's are those of the client message.
pub(crate) enum OptionsRef<'x> {
    V4(&'x mut Options4),
    V6(&'x mut Options6),
}

impl OptionsRef<'_> {
    /// The payload of the first option `code`.
    pub(crate) fn option(&self, code: u32) -> Option<&[u8]> {
        match self {
            OptionsRef::V4(o) => o.get(u8::try_from(code).ok()?),
            OptionsRef::V6(o) => o.get(u16::try_from(code).ok()?),
        }
    }
    /// Replaces option `code` with one holding `payload`.
    pub(crate) fn set_option(&mut self, code: u32, payload: &[u8]) -> Result<(), i32> {
        match self {
            OptionsRef::V4(o) => match u8::try_from(code) {
                Ok(c) if c != 0 && c != 255 => o.insert(c, payload),
                _ => return Err(RURU_ERR_INVALID),
            },
            OptionsRef::V6(o) => match u16::try_from(code) {
                Ok(c) if c != 0 => o.insert(c, payload),
                _ => return Err(RURU_ERR_INVALID),
            },
        }
        Ok(())
    }
    /// Removes option `code`; whether there was one.
    pub(crate) fn remove_option(&mut self, code: u32) -> bool {
        match self {
            OptionsRef::V4(o) => u8::try_from(code).is_ok_and(|c| o.remove(c)),
            OptionsRef::V6(o) => u16::try_from(code).is_ok_and(|c| o.remove(c) > 0),
        }
    }
}

/// One object reachable from a plugin, with scratch space for the text it returns.
#[derive(Debug)]
pub(crate) struct Obj {
    pub(crate) target: Target,
    pub(crate) kind: u32,
    scratch: Vec<Box<[u8]>>,
}

/// The objects of one callout invocation; boxed so their addresses stay put while the arena grows.
#[derive(Debug, Default)]
pub(crate) struct Arena {
    // Boxed on purpose: plugins hold pointers to objects while later ones are added.
    #[allow(clippy::vec_box)]
    objs: Vec<Box<Obj>>,
}

impl Arena {
    pub(crate) fn add(&mut self, target: Target, kind: u32) -> *mut Obj {
        let mut b = Box::new(Obj {
            target,
            kind,
            scratch: Vec::new(),
        });
        let p: *mut Obj = &mut *b;
        self.objs.push(b);
        p
    }

    /// An object value.
    pub(crate) fn value(&mut self, target: Target, kind: u32) -> RuruValue {
        let list = matches!(target, Target::List { .. });
        let obj = self.add(target, kind);
        RuruValue {
            kind: if list {
                RURU_VALUE_LIST
            } else {
                RURU_VALUE_OBJECT
            },
            object_kind: kind,
            object: obj.cast(),
            ..value::NONE
        }
    }

    /// A list of read-only objects, one per item.
    pub(crate) fn list<T>(
        &mut self,
        items: &[T],
        target: fn(&T) -> Target,
        kind: u32,
    ) -> RuruValue {
        let items = items.iter().map(|t| self.add(target(t), kind)).collect();
        self.value(Target::List { items }, kind)
    }

    pub(crate) fn clear(&mut self) {
        self.objs.clear();
    }
}

impl Obj {
    fn keep(&mut self, b: Vec<u8>) -> &[u8] {
        self.scratch.push(b.into_boxed_slice());
        self.scratch.last().map_or(&[], |b| &b[..])
    }

    /// An IPv6 address as its 16 octets, kept alive with the object.
    fn ipv6(&mut self, a: Ipv6Addr) -> RuruValue {
        bytes(RURU_VALUE_IPV6, self.keep(a.octets().to_vec()))
    }

    /// A user context as a JSON value kept alive with the object; none when unset.
    fn json(
        &mut self,
        m: Option<&serde_json::Map<String, serde_json::Value>>,
    ) -> Result<RuruValue, i32> {
        Ok(match m {
            Some(m) => {
                let text = serde_json::to_vec(m).map_err(|_| RURU_ERR_INVALID)?;
                bytes(RURU_VALUE_JSON, self.keep(text))
            }
            None => value::NONE,
        })
    }

    /// Reads `field`.
    pub(crate) fn get(&mut self, field: &str) -> Result<RuruValue, i32> {
        match self.target {
            Target::Pkt4 { p, .. } => {
                // SAFETY: the engine's packet outlives the callout.
                let p = unsafe { &*p };
                pkt4_get(p, field)
            }
            Target::Wire { buf, .. } => match field {
                // SAFETY: the engine's buffer outlives the callout.
                "buffer" => Ok(bytes(RURU_VALUE_BYTES, unsafe { &*buf })),
                _ => Err(RURU_ERR_NOT_FOUND),
            },
            Target::Lease4 { l, .. } => {
                // SAFETY: the engine's lease outlives the callout.
                let l = unsafe { &*l };
                lease4_get(self, l, field)
            }
            Target::Subnet4 { s } => {
                // SAFETY: the configuration outlives the callout.
                let s = unsafe { &*s };
                subnet4_get(self, s, field)
            }
            Target::Pkt6 { p, .. } => {
                // SAFETY: the engine's packet outlives the callout.
                let p = unsafe { &*p };
                pkt6_get(self, p, field)
            }
            Target::Lease6 { l, .. } => {
                // SAFETY: the engine's lease outlives the callout.
                let l = unsafe { &*l };
                lease6_get(self, l, field)
            }
            Target::Subnet6 { s } => {
                // SAFETY: the configuration outlives the callout.
                let s = unsafe { &*s };
                subnet6_get(self, s, field)
            }
            Target::Ia6 { ia, code } => match field {
                "code" => Ok(num(RURU_VALUE_U64, u64::from(code))),
                // SAFETY: the engine's IA outlives the callout.
                "iaid" => Ok(num(RURU_VALUE_U64, u64::from(unsafe { &*ia }.iaid))),
                _ => Err(RURU_ERR_NOT_FOUND),
            },
            Target::List { .. } => Err(RURU_ERR_NOT_FOUND),
        }
    }

    /// Writes `field`.
    pub(crate) fn set(&mut self, field: &str, v: &RuruValue) -> Result<(), i32> {
        let v = Input(v);
        match self.target {
            Target::Pkt4 { p, writable } => {
                if !writable {
                    return Err(RURU_ERR_READ_ONLY);
                }
                // SAFETY: the engine lent this packet mutably for the callout.
                pkt4_set(unsafe { &mut *p }, field, &v)
            }
            Target::Wire { buf, writable } => match field {
                "buffer" if writable => {
                    // SAFETY: the engine lent this buffer mutably for the callout.
                    let buf = unsafe { &mut *buf };
                    let new = v.bytes()?.to_vec();
                    *buf = new;
                    Ok(())
                }
                "buffer" => Err(RURU_ERR_READ_ONLY),
                _ => Err(RURU_ERR_NOT_FOUND),
            },
            Target::Lease4 { l, writable } => {
                if !writable {
                    return Err(RURU_ERR_READ_ONLY);
                }
                // SAFETY: the engine lent this lease mutably for the callout.
                lease4_set(unsafe { &mut *l }, field, &v)
            }
            Target::Pkt6 { p, writable } => {
                if !writable {
                    return Err(RURU_ERR_READ_ONLY);
                }
                // SAFETY: the engine lent this packet mutably for the callout.
                pkt6_set(unsafe { &mut *p }, field, &v)
            }
            Target::Lease6 { l, writable } => {
                if !writable {
                    return Err(RURU_ERR_READ_ONLY);
                }
                // SAFETY: the engine lent this lease mutably for the callout.
                lease6_set(unsafe { &mut *l }, field, &v)
            }
            // The server sets T1/T2 and the IAID is the client's: only the sub-options change.
            Target::Ia6 { .. } => match field {
                "code" | "iaid" => Err(RURU_ERR_READ_ONLY),
                _ => Err(RURU_ERR_NOT_FOUND),
            },
            Target::Subnet4 { .. } | Target::Subnet6 { .. } | Target::List { .. } => {
                Err(RURU_ERR_READ_ONLY)
            }
        }
    }

    /// The options of this packet or IA, for the option functions; `writable` asks for changeable ones.
    pub(crate) fn options(&mut self, writable: bool) -> Result<OptionsRef<'_>, i32> {
        match self.target {
            Target::Pkt4 { p, writable: w } if w || !writable => {
                // SAFETY: lent by the engine for the callout (mutably when `w`).
                Ok(OptionsRef::V4(&mut unsafe { &mut *p }.options))
            }
            Target::Pkt6 { p, writable: w } if w || !writable => {
                // SAFETY: lent by the engine for the callout (mutably when `w`).
                Ok(OptionsRef::V6(&mut unsafe { &mut *p }.message.options))
            }
            // SAFETY: lent mutably by the engine for the callout.
            Target::Ia6 { ia, .. } => Ok(OptionsRef::V6(&mut unsafe { &mut *ia }.options)),
            Target::Pkt4 { .. } | Target::Pkt6 { .. } => Err(RURU_ERR_READ_ONLY),
            _ => Err(RURU_ERR_TYPE),
        }
    }

    pub(crate) fn list(&self) -> Result<&[*mut Obj], i32> {
        match &self.target {
            Target::List { items } => Ok(items),
            _ => Err(RURU_ERR_TYPE),
        }
    }
}

fn trimmed(field: &[u8]) -> &[u8] {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    &field[..end]
}

fn pkt4_get(p: &Packet4, field: &str) -> Result<RuruValue, i32> {
    Ok(match field {
        "op" => num(RURU_VALUE_U64, u64::from(p.op)),
        "htype" => num(RURU_VALUE_U64, u64::from(p.htype)),
        "hlen" => num(RURU_VALUE_U64, u64::from(p.hlen)),
        "hops" => num(RURU_VALUE_U64, u64::from(p.hops)),
        "xid" => num(RURU_VALUE_U64, u64::from(p.xid)),
        "secs" => num(RURU_VALUE_U64, u64::from(p.secs)),
        "flags" => num(RURU_VALUE_U64, u64::from(p.flags)),
        "ciaddr" => ipv4(p.ciaddr),
        "yiaddr" => ipv4(p.yiaddr),
        "siaddr" => ipv4(p.siaddr),
        "giaddr" => ipv4(p.giaddr),
        "chaddr" => bytes(RURU_VALUE_BYTES, p.hw_addr()),
        "sname" => bytes(RURU_VALUE_BYTES, trimmed(&p.sname)),
        "file" => bytes(RURU_VALUE_BYTES, trimmed(&p.file)),
        "msg_type" => num(
            RURU_VALUE_U64,
            p.options
                .get(code::MESSAGE_TYPE)
                .and_then(|v| v.first())
                .map_or(0, |&t| u64::from(t)),
        ),
        _ => return Err(RURU_ERR_NOT_FOUND),
    })
}

fn copy_fixed(dst: &mut [u8], src: &[u8]) -> Result<(), i32> {
    if src.len() > dst.len() {
        return Err(RURU_ERR_INVALID);
    }
    dst.fill(0);
    dst[..src.len()].copy_from_slice(src);
    Ok(())
}

fn pkt4_set(p: &mut Packet4, field: &str, v: &Input<'_>) -> Result<(), i32> {
    match field {
        "op" => p.op = v.u8()?,
        "htype" => p.htype = v.u8()?,
        "hops" => p.hops = v.u8()?,
        "xid" => p.xid = v.u32()?,
        "secs" => p.secs = u16::try_from(v.u64()?).map_err(|_| RURU_ERR_INVALID)?,
        "flags" => p.flags = u16::try_from(v.u64()?).map_err(|_| RURU_ERR_INVALID)?,
        "ciaddr" => p.ciaddr = v.ipv4()?,
        "yiaddr" => p.yiaddr = v.ipv4()?,
        "siaddr" => p.siaddr = v.ipv4()?,
        "giaddr" => p.giaddr = v.ipv4()?,
        "chaddr" => {
            let b = v.bytes()?;
            copy_fixed(&mut p.chaddr, b)?;
            p.hlen = b.len() as u8;
        }
        "sname" => copy_fixed(&mut p.sname, v.bytes()?)?,
        "file" => copy_fixed(&mut p.file, v.bytes()?)?,
        "msg_type" => p.options.insert(code::MESSAGE_TYPE, &[v.u8()?]),
        _ => return Err(RURU_ERR_NOT_FOUND),
    }
    Ok(())
}

/// Reads a field both lease types have (same names, same meaning); used by `lease4_get`/`lease6_get`.
macro_rules! shared_lease_get {
    ($o:expr, $l:expr, $field:expr) => {
        match $field {
            "hwaddr" => bytes(
                RURU_VALUE_BYTES,
                $l.hwaddr.as_ref().map_or(&[], HwAddr::as_bytes),
            ),
            "hwtype" => num(
                RURU_VALUE_U64,
                $l.hwaddr.map_or(0, |h| u64::from(h.htype())),
            ),
            "valid_lifetime" => num(RURU_VALUE_U64, u64::from($l.valid_lifetime)),
            "cltt" => num(RURU_VALUE_U64, $l.cltt),
            "expire" => num(RURU_VALUE_U64, $l.expire()),
            "subnet_id" => num(RURU_VALUE_U64, u64::from($l.subnet_id)),
            "pool_id" => num(RURU_VALUE_U64, u64::from($l.pool_id)),
            "hostname" => bytes(RURU_VALUE_STRING, $l.hostname.as_bytes()),
            "state" => num(RURU_VALUE_U64, u64::from($l.state.as_u32())),
            "fqdn_fwd" => value::boolean($l.fqdn_fwd),
            "fqdn_rev" => value::boolean($l.fqdn_rev),
            "user_context" => $o.json($l.user_context.as_ref())?,
            _ => return Err(RURU_ERR_NOT_FOUND),
        }
    };
}

/// Writes a field both lease types let plugins change; the others are read-only or unknown.
macro_rules! shared_lease_set {
    ($l:expr, $field:expr, $v:expr) => {
        match $field {
            "valid_lifetime" => $l.valid_lifetime = $v.u32()?,
            "cltt" => $l.cltt = $v.u64()?,
            "hostname" => $l.hostname = $v.text()?.to_owned(),
            "fqdn_fwd" => $l.fqdn_fwd = $v.boolean()?,
            "fqdn_rev" => $l.fqdn_rev = $v.boolean()?,
            "state" => $l.state = LeaseState::from_u32($v.u32()?).ok_or(RURU_ERR_INVALID)?,
            "user_context" => $l.user_context = user_context($v)?,
            "address" | "hwaddr" | "hwtype" | "expire" | "subnet_id" | "pool_id" => {
                return Err(RURU_ERR_READ_ONLY)
            }
            _ => return Err(RURU_ERR_NOT_FOUND),
        }
    };
}

fn lease4_get(o: &mut Obj, l: &Lease4, field: &str) -> Result<RuruValue, i32> {
    Ok(match field {
        "address" => ipv4(l.address),
        "client_id" => match &l.client_id {
            Some(c) => bytes(RURU_VALUE_BYTES, c.as_bytes()),
            None => value::NONE,
        },
        other => shared_lease_get!(o, l, other),
    })
}

fn lease4_set(l: &mut Lease4, field: &str, v: &Input<'_>) -> Result<(), i32> {
    match field {
        "client_id" => return Err(RURU_ERR_READ_ONLY),
        other => shared_lease_set!(l, other, v),
    }
    Ok(())
}

fn subnet4_get(o: &mut Obj, s: &Subnet4, field: &str) -> Result<RuruValue, i32> {
    Ok(match field {
        "id" => num(RURU_VALUE_U64, u64::from(s.id)),
        "subnet" => bytes(RURU_VALUE_STRING, s.text.as_bytes()),
        "prefix" => ipv4(s.prefix),
        "prefix_len" => num(RURU_VALUE_U64, u64::from(s.prefix_len)),
        "valid_lifetime" => num(RURU_VALUE_U64, u64::from(s.valid_lifetime.default)),
        "user_context" => o.json(s.user_context.as_ref())?,
        _ => return Err(RURU_ERR_NOT_FOUND),
    })
}

/// A user context a plugin sets: a JSON map, or none.
fn user_context(v: &Input<'_>) -> Result<Option<serde_json::Map<String, serde_json::Value>>, i32> {
    match v.json()? {
        None => Ok(None),
        Some(serde_json::Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(RURU_ERR_INVALID),
    }
}

fn pkt6_get(o: &mut Obj, p: &Packet6, field: &str) -> Result<RuruValue, i32> {
    let outer = p.relays.first();
    Ok(match field {
        "msg_type" => num(RURU_VALUE_U64, u64::from(u8::from(p.message.msg_type))),
        "transid" => num(RURU_VALUE_U64, u64::from(p.message.transaction_id)),
        "relay_count" => num(RURU_VALUE_U64, p.relays.len() as u64),
        // The relay nearest the server (`relay6[0]` in Kea's expressions).
        "link_addr" => outer.map_or(value::NONE, |r| o.ipv6(r.link_address)),
        "peer_addr" => outer.map_or(value::NONE, |r| o.ipv6(r.peer_address)),
        _ => return Err(RURU_ERR_NOT_FOUND),
    })
}

fn pkt6_set(p: &mut Packet6, field: &str, v: &Input<'_>) -> Result<(), i32> {
    match field {
        "msg_type" => p.message.msg_type = MessageType::from(v.u8()?),
        "transid" => {
            let id = v.u32()?;
            if id > 0x00ff_ffff {
                return Err(RURU_ERR_INVALID);
            }
            p.message.transaction_id = id;
        }
        "relay_count" | "link_addr" | "peer_addr" => return Err(RURU_ERR_READ_ONLY),
        _ => return Err(RURU_ERR_NOT_FOUND),
    }
    Ok(())
}

fn lease6_get(o: &mut Obj, l: &Lease6, field: &str) -> Result<RuruValue, i32> {
    Ok(match field {
        "address" => o.ipv6(l.address),
        "prefix_len" => num(RURU_VALUE_U64, u64::from(l.prefix_len)),
        "type" => num(RURU_VALUE_U64, u64::from(l.lease_type.as_u32())),
        "duid" => bytes(RURU_VALUE_BYTES, l.duid.as_bytes()),
        "iaid" => num(RURU_VALUE_U64, u64::from(l.iaid)),
        "preferred_lifetime" => num(RURU_VALUE_U64, u64::from(l.preferred_lifetime)),
        other => shared_lease_get!(o, l, other),
    })
}

fn lease6_set(l: &mut Lease6, field: &str, v: &Input<'_>) -> Result<(), i32> {
    match field {
        "preferred_lifetime" => l.preferred_lifetime = v.u32()?,
        "prefix_len" | "type" | "duid" | "iaid" => return Err(RURU_ERR_READ_ONLY),
        other => shared_lease_set!(l, other, v),
    }
    Ok(())
}

fn subnet6_get(o: &mut Obj, s: &Subnet6, field: &str) -> Result<RuruValue, i32> {
    Ok(match field {
        "id" => num(RURU_VALUE_U64, u64::from(s.id)),
        "subnet" => bytes(RURU_VALUE_STRING, s.text.as_bytes()),
        "prefix" => o.ipv6(s.prefix),
        "prefix_len" => num(RURU_VALUE_U64, u64::from(s.prefix_len)),
        "valid_lifetime" => num(RURU_VALUE_U64, u64::from(s.valid_lifetime.default)),
        "preferred_lifetime" => num(
            RURU_VALUE_U64,
            u64::from(s.preferred_lifetime.map_or(0, |t| t.default)),
        ),
        "user_context" => o.json(s.user_context.as_ref())?,
        _ => return Err(RURU_ERR_NOT_FOUND),
    })
}
