//! Server objects handed to plugins: what a field name means on a packet, a lease or a subnet.
//!
//! An object lives in the invocation's arena and points at the engine's data for the duration of one
//! callout; plugins are told (and the SDK's lifetimes enforce) not to keep it.

use crate::value::{self, bytes, ipv4, num, Input};
use ruru_config::Subnet4;
use ruru_hook_api::abi::*;
use ruru_lease::{HwAddr, Lease4, LeaseState};
use ruru_proto::v4::{code, Packet4};

/// What an object points at.
#[derive(Debug)]
pub(crate) enum Target {
    Pkt4 { p: *mut Packet4, writable: bool },
    Wire { buf: *mut Vec<u8>, writable: bool },
    Lease4 { l: *mut Lease4, writable: bool },
    Subnet4 { s: *const Subnet4 },
    List { items: Vec<*mut Obj> },
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

    /// A list of leases.
    pub(crate) fn leases4(&mut self, leases: &[Lease4]) -> RuruValue {
        let items = leases
            .iter()
            .map(|l| {
                self.add(
                    Target::Lease4 {
                        l: (l as *const Lease4).cast_mut(),
                        writable: false,
                    },
                    RURU_OBJECT_LEASE4,
                )
            })
            .collect();
        self.value(Target::List { items }, RURU_OBJECT_LEASE4)
    }

    /// A list of subnets.
    pub(crate) fn subnets4(&mut self, subnets: &[Subnet4]) -> RuruValue {
        let items = subnets
            .iter()
            .map(|s| self.add(Target::Subnet4 { s }, RURU_OBJECT_SUBNET4))
            .collect();
        self.value(Target::List { items }, RURU_OBJECT_SUBNET4)
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
            Target::Subnet4 { .. } | Target::List { .. } => Err(RURU_ERR_READ_ONLY),
        }
    }

    pub(crate) fn packet(&mut self, writable: bool) -> Result<&mut Packet4, i32> {
        match self.target {
            Target::Pkt4 { p, writable: w } if w || !writable => {
                // SAFETY: lent by the engine for the callout (mutably when `w`).
                Ok(unsafe { &mut *p })
            }
            Target::Pkt4 { .. } => Err(RURU_ERR_READ_ONLY),
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

fn lease4_get(o: &mut Obj, l: &Lease4, field: &str) -> Result<RuruValue, i32> {
    Ok(match field {
        "address" => ipv4(l.address),
        "hwaddr" => bytes(
            RURU_VALUE_BYTES,
            l.hwaddr.as_ref().map_or(&[], HwAddr::as_bytes),
        ),
        "hwtype" => num(RURU_VALUE_U64, l.hwaddr.map_or(0, |h| u64::from(h.htype()))),
        "client_id" => match &l.client_id {
            Some(c) => bytes(RURU_VALUE_BYTES, c.as_bytes()),
            None => value::NONE,
        },
        "valid_lifetime" => num(RURU_VALUE_U64, u64::from(l.valid_lifetime)),
        "cltt" => num(RURU_VALUE_U64, l.cltt),
        "expire" => num(RURU_VALUE_U64, l.expire()),
        "subnet_id" => num(RURU_VALUE_U64, u64::from(l.subnet_id)),
        "pool_id" => num(RURU_VALUE_U64, u64::from(l.pool_id)),
        "hostname" => bytes(RURU_VALUE_STRING, l.hostname.as_bytes()),
        "state" => num(RURU_VALUE_U64, u64::from(l.state.as_u32())),
        "fqdn_fwd" => value::boolean(l.fqdn_fwd),
        "fqdn_rev" => value::boolean(l.fqdn_rev),
        "user_context" => match &l.user_context {
            Some(m) => {
                let text = serde_json::to_vec(m).map_err(|_| RURU_ERR_INVALID)?;
                bytes(RURU_VALUE_JSON, o.keep(text))
            }
            None => value::NONE,
        },
        _ => return Err(RURU_ERR_NOT_FOUND),
    })
}

fn lease4_set(l: &mut Lease4, field: &str, v: &Input<'_>) -> Result<(), i32> {
    match field {
        "valid_lifetime" => l.valid_lifetime = v.u32()?,
        "cltt" => l.cltt = v.u64()?,
        "hostname" => l.hostname = v.text()?.to_owned(),
        "fqdn_fwd" => l.fqdn_fwd = v.boolean()?,
        "fqdn_rev" => l.fqdn_rev = v.boolean()?,
        "state" => l.state = LeaseState::from_u32(v.u32()?).ok_or(RURU_ERR_INVALID)?,
        "user_context" => {
            l.user_context = match v.json()? {
                None => None,
                Some(serde_json::Value::Object(m)) => Some(m),
                Some(_) => return Err(RURU_ERR_INVALID),
            }
        }
        "address" | "hwaddr" | "hwtype" | "client_id" | "expire" | "subnet_id" | "pool_id" => {
            return Err(RURU_ERR_READ_ONLY)
        }
        _ => return Err(RURU_ERR_NOT_FOUND),
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
        "user_context" => match &s.user_context {
            Some(m) => {
                let text = serde_json::to_vec(m).map_err(|_| RURU_ERR_INVALID)?;
                bytes(RURU_VALUE_JSON, o.keep(text))
            }
            None => value::NONE,
        },
        _ => return Err(RURU_ERR_NOT_FOUND),
    })
}
