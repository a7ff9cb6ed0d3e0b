//! Server objects reached from a callout: packets, leases, subnets and lists of them.

use crate::abi::*;
use crate::sdk::host::{host, raw_str};
use crate::sdk::value::{bytes_of, HookError, HookResult, Value, EMPTY};
use std::marker::PhantomData;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Any server object, valid while the callout that reached it runs.
#[derive(Debug, Clone, Copy)]
pub struct Object<'h> {
    raw: *mut RuruObject,
    kind: u32,
    _life: PhantomData<&'h ()>,
}

impl<'h> Object<'h> {
    pub(crate) fn new(raw: *mut RuruObject, kind: u32) -> Self {
        Object {
            raw,
            kind,
            _life: PhantomData,
        }
    }
    pub(crate) fn raw(self) -> *mut RuruObject {
        self.raw
    }
    /// One of `RURU_OBJECT_*`.
    pub fn kind(self) -> u32 {
        self.kind
    }

    /// Reads a field.
    pub fn get(self, field: &str) -> HookResult<Value<'h>> {
        let mut out = EMPTY;
        // SAFETY: the object is live for 'h; `out` is a valid place.
        let rc = unsafe { (host().get_field)(self.raw, raw_str(field), &mut out) };
        if rc != RURU_OK {
            return Err(HookError::from_code(rc, field));
        }
        // SAFETY: the host returned a value valid for the callout.
        Ok(unsafe { Value::from_raw(&out) })
    }

    /// Writes a field.
    pub fn set(self, field: &str, value: Value<'_>) -> HookResult {
        // SAFETY: the object is live; the value's bytes outlive the call.
        let rc = value.with_raw(|v| unsafe { (host().set_field)(self.raw, raw_str(field), v) });
        match rc {
            RURU_OK => Ok(()),
            rc => Err(HookError::from_code(rc, field)),
        }
    }

    fn typed<T>(self, field: &str, f: impl FnOnce(Value<'h>) -> Option<T>) -> HookResult<T> {
        f(self.get(field)?).ok_or_else(|| HookError::Type(field.to_owned()))
    }

    /// The payload of the first option `code` of a packet or an IA.
    fn option(self, code: u32) -> Option<&'h [u8]> {
        let mut out = RuruStr {
            ptr: std::ptr::null(),
            len: 0,
        };
        // SAFETY: the packet is live; `out` is a valid place.
        let rc = unsafe { (host().get_option)(self.raw, code, &mut out) };
        // SAFETY: the host returned bytes valid for the callout.
        (rc == RURU_OK).then(|| unsafe { bytes_of(out) })
    }

    /// Sets option `code` of a packet or an IA (replacing any instance).
    fn set_option(self, code: u32, payload: &[u8]) -> HookResult {
        let s = RuruStr {
            ptr: payload.as_ptr(),
            len: payload.len(),
        };
        // SAFETY: the packet is live; the payload outlives the call.
        match unsafe { (host().set_option)(self.raw, code, s) } {
            RURU_OK => Ok(()),
            rc => Err(HookError::from_code(rc, &format!("option {code}"))),
        }
    }

    /// Removes option `code` from a packet or an IA.
    fn remove_option(self, code: u32) -> HookResult {
        // SAFETY: the packet is live.
        match unsafe { (host().delete_option)(self.raw, code) } {
            RURU_OK | RURU_ERR_NOT_FOUND => Ok(()),
            rc => Err(HookError::from_code(rc, &format!("option {code}"))),
        }
    }

    fn u32_field(self, field: &str) -> HookResult<u32> {
        self.typed(field, |v| v.as_u64().and_then(|n| u32::try_from(n).ok()))
    }

    /// A JSON field (`user_context`) parsed; `None` when unset.
    pub fn json(self, field: &str) -> HookResult<Option<serde_json::Value>> {
        match self.get(field)? {
            Value::None => Ok(None),
            v => v
                .as_json()
                .map(Some)
                .ok_or_else(|| HookError::Type(field.to_owned())),
        }
    }
}

/// A list of server objects (`leases4`, `subnet4collection`).
#[derive(Debug, Clone, Copy)]
pub struct List<'h> {
    raw: *mut RuruObject,
    kind: u32,
    _life: PhantomData<&'h ()>,
}

impl<'h> List<'h> {
    pub(crate) fn new(raw: *mut RuruObject, kind: u32) -> Self {
        List {
            raw,
            kind,
            _life: PhantomData,
        }
    }
    pub(crate) fn raw(self) -> *mut RuruObject {
        self.raw
    }
    /// Kind of the items (`RURU_OBJECT_*`).
    pub fn kind(self) -> u32 {
        self.kind
    }
    /// Number of items.
    pub fn len(self) -> usize {
        // SAFETY: the list is live for 'h.
        unsafe { (host().list_len)(self.raw) }
    }
    /// Whether the list is empty.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
    /// Item `i`.
    pub fn get(self, i: usize) -> Option<Object<'h>> {
        let mut out = EMPTY;
        // SAFETY: the list is live; `out` is a valid place.
        let rc = unsafe { (host().list_get)(self.raw, i, &mut out) };
        (rc == RURU_OK && out.kind == RURU_VALUE_OBJECT)
            .then(|| Object::new(out.object, out.object_kind))
    }
    /// The items in order.
    pub fn iter(self) -> impl Iterator<Item = Object<'h>> {
        (0..self.len()).filter_map(move |i| self.get(i))
    }
}

/// A DHCPv4 packet. Fields: `op`, `htype`, `hlen`, `hops`, `xid`, `secs`, `flags`, `ciaddr`, `yiaddr`,
/// `siaddr`, `giaddr`, `chaddr`, `sname`, `file`, `msg_type`, and at the buffer points `buffer` (the
/// wire bytes).
#[derive(Debug, Clone, Copy)]
pub struct Pkt4<'h>(pub Object<'h>);

impl<'h> Pkt4<'h> {
    /// The payload of the first option `code`.
    pub fn option(self, code: u8) -> Option<&'h [u8]> {
        self.0.option(u32::from(code))
    }
    /// Sets option `code` (replacing any instance).
    pub fn set_option(self, code: u8, payload: &[u8]) -> HookResult {
        self.0.set_option(u32::from(code), payload)
    }
    /// Removes option `code`.
    pub fn remove_option(self, code: u8) -> HookResult {
        self.0.remove_option(u32::from(code))
    }
    /// The client hardware address (`chaddr`, `hlen` bytes).
    pub fn hwaddr(self) -> HookResult<&'h [u8]> {
        self.0.typed("chaddr", Value::as_bytes)
    }
    /// The transaction id.
    pub fn xid(self) -> HookResult<u32> {
        self.0.typed("xid", |v| v.as_u64().map(|n| n as u32))
    }
    /// The DHCP message type (option 53), 0 for BOOTP.
    pub fn msg_type(self) -> HookResult<u8> {
        self.0.typed("msg_type", |v| v.as_u64().map(|n| n as u8))
    }
    /// An IPv4 header field (`ciaddr`, `yiaddr`, `siaddr`, `giaddr`).
    pub fn addr(self, field: &str) -> HookResult<Ipv4Addr> {
        self.0.typed(field, Value::as_ipv4)
    }
    /// Sets an IPv4 header field.
    pub fn set_addr(self, field: &str, a: Ipv4Addr) -> HookResult {
        self.0.set(field, Value::Ipv4(a))
    }
}

/// A DHCPv4 lease. Fields: `address`, `hwaddr`, `hwtype`, `client_id`, `valid_lifetime`, `cltt`, `expire`,
/// `subnet_id`, `pool_id`, `hostname`, `state`, `fqdn_fwd`, `fqdn_rev`, `user_context`.
#[derive(Debug, Clone, Copy)]
pub struct Lease4<'h>(pub Object<'h>);

impl<'h> Lease4<'h> {
    /// The leased address.
    pub fn address(self) -> HookResult<Ipv4Addr> {
        self.0.typed("address", Value::as_ipv4)
    }
    /// The client's hardware address (without type), empty when unknown.
    pub fn hwaddr(self) -> HookResult<&'h [u8]> {
        self.0.typed("hwaddr", Value::as_bytes)
    }
    /// The host name.
    pub fn hostname(self) -> HookResult<&'h str> {
        self.0.typed("hostname", Value::as_str)
    }
    /// Sets the host name (at points where the lease is writable).
    pub fn set_hostname(self, name: &str) -> HookResult {
        self.0.set("hostname", Value::Str(name))
    }
    /// Valid lifetime, seconds.
    pub fn valid_lifetime(self) -> HookResult<u32> {
        self.0
            .typed("valid_lifetime", |v| v.as_u64().map(|n| n as u32))
    }
    /// Sets the valid lifetime.
    pub fn set_valid_lifetime(self, secs: u32) -> HookResult {
        self.0.set("valid_lifetime", Value::U64(u64::from(secs)))
    }
    /// The subnet id.
    pub fn subnet_id(self) -> HookResult<u32> {
        self.0.typed("subnet_id", |v| v.as_u64().map(|n| n as u32))
    }
    /// State: 0 default, 1 declined, 2 expired-reclaimed, 3 released.
    pub fn state(self) -> HookResult<u32> {
        self.0.typed("state", |v| v.as_u64().map(|n| n as u32))
    }
    /// The lease's user context.
    pub fn user_context(self) -> HookResult<Option<serde_json::Value>> {
        self.0.json("user_context")
    }
}

/// A DHCPv4 subnet of the configuration. Fields: `id`, `subnet` (prefix text), `shared_network_name`,
/// `valid_lifetime`, `user_context`.
#[derive(Debug, Clone, Copy)]
pub struct Subnet4<'h>(pub Object<'h>);

impl<'h> Subnet4<'h> {
    /// The subnet id.
    pub fn id(self) -> HookResult<u32> {
        self.0.typed("id", |v| v.as_u64().map(|n| n as u32))
    }
    /// The prefix, as `192.0.2.0/24`.
    pub fn prefix(self) -> HookResult<&'h str> {
        self.0.typed("subnet", Value::as_str)
    }
    /// The subnet's user context.
    pub fn user_context(self) -> HookResult<Option<serde_json::Value>> {
        self.0.json("user_context")
    }
}

/// A DHCPv6 message (the client's or the server's, inside any relay levels). Fields: `msg_type`,
/// `transid`, `relay_count`, `link_addr` and `peer_addr` of the relay nearest the server (none when
/// not relayed), and at the buffer points `buffer` (the wire bytes). Options are the message's own.
#[derive(Debug, Clone, Copy)]
pub struct Pkt6<'h>(pub Object<'h>);

/// The DHCPv6 option accessors of a wrapper around an [`Object`] with options ([`Pkt6`], [`Ia6`]).
macro_rules! options6 {
    () => {
        /// The payload of the first option `code`.
        pub fn option(self, code: u16) -> Option<&'h [u8]> {
            self.0.option(u32::from(code))
        }
        /// Sets option `code` (replacing any instance).
        pub fn set_option(self, code: u16, payload: &[u8]) -> HookResult {
            self.0.set_option(u32::from(code), payload)
        }
        /// Removes option `code`.
        pub fn remove_option(self, code: u16) -> HookResult {
            self.0.remove_option(u32::from(code))
        }
    };
}

impl<'h> Pkt6<'h> {
    options6!();
    /// The message type (1 SOLICIT, 3 REQUEST, 7 REPLY, ...).
    pub fn msg_type(self) -> HookResult<u8> {
        self.0.typed("msg_type", |v| v.as_u64().map(|n| n as u8))
    }
    /// The transaction id (24 bits).
    pub fn transid(self) -> HookResult<u32> {
        self.0.u32_field("transid")
    }
    /// The client's DUID (option 1), if present.
    pub fn client_id(self) -> Option<&'h [u8]> {
        self.option(1)
    }
}

/// A DHCPv6 lease. Fields: `address`, `prefix_len`, `type` (0 IA_NA, 2 IA_PD), `duid`, `iaid`,
/// `preferred_lifetime`, `valid_lifetime`, `cltt`, `expire`, `subnet_id`, `pool_id`, `hostname`,
/// `state`, `fqdn_fwd`, `fqdn_rev`, `hwaddr`, `hwtype`, `user_context`.
#[derive(Debug, Clone, Copy)]
pub struct Lease6<'h>(pub Object<'h>);

impl<'h> Lease6<'h> {
    /// The leased address, or the first address of the delegated prefix.
    pub fn address(self) -> HookResult<Ipv6Addr> {
        self.0.typed("address", Value::as_ipv6)
    }
    /// 128 for an address, the delegated length for a prefix.
    pub fn prefix_len(self) -> HookResult<u8> {
        self.0.typed("prefix_len", |v| v.as_u64().map(|n| n as u8))
    }
    /// The client's DUID.
    pub fn duid(self) -> HookResult<&'h [u8]> {
        self.0.typed("duid", Value::as_bytes)
    }
    /// The identity association id.
    pub fn iaid(self) -> HookResult<u32> {
        self.0.u32_field("iaid")
    }
    /// The host name.
    pub fn hostname(self) -> HookResult<&'h str> {
        self.0.typed("hostname", Value::as_str)
    }
    /// Sets the host name (at points where the lease is writable).
    pub fn set_hostname(self, name: &str) -> HookResult {
        self.0.set("hostname", Value::Str(name))
    }
    /// Valid lifetime, seconds.
    pub fn valid_lifetime(self) -> HookResult<u32> {
        self.0.u32_field("valid_lifetime")
    }
    /// Sets the valid lifetime.
    pub fn set_valid_lifetime(self, secs: u32) -> HookResult {
        self.0.set("valid_lifetime", Value::U64(u64::from(secs)))
    }
    /// Preferred lifetime, seconds.
    pub fn preferred_lifetime(self) -> HookResult<u32> {
        self.0.u32_field("preferred_lifetime")
    }
    /// Sets the preferred lifetime.
    pub fn set_preferred_lifetime(self, secs: u32) -> HookResult {
        self.0
            .set("preferred_lifetime", Value::U64(u64::from(secs)))
    }
    /// The subnet id.
    pub fn subnet_id(self) -> HookResult<u32> {
        self.0.u32_field("subnet_id")
    }
    /// State: 0 default, 1 declined, 2 expired-reclaimed, 3 released.
    pub fn state(self) -> HookResult<u32> {
        self.0.u32_field("state")
    }
    /// The lease's user context.
    pub fn user_context(self) -> HookResult<Option<serde_json::Value>> {
        self.0.json("user_context")
    }
}

/// A DHCPv6 subnet of the configuration. Fields: `id`, `subnet` (prefix text), `prefix`, `prefix_len`,
/// `valid_lifetime`, `preferred_lifetime`, `user_context`.
#[derive(Debug, Clone, Copy)]
pub struct Subnet6<'h>(pub Object<'h>);

impl<'h> Subnet6<'h> {
    /// The subnet id.
    pub fn id(self) -> HookResult<u32> {
        self.0.u32_field("id")
    }
    /// The prefix, as `2001:db8:1::/64`.
    pub fn prefix(self) -> HookResult<&'h str> {
        self.0.typed("subnet", Value::as_str)
    }
    /// The subnet's user context.
    pub fn user_context(self) -> HookResult<Option<serde_json::Value>> {
        self.0.json("user_context")
    }
}

/// The IA_NA or IA_PD option of the DHCPv6 answer being built (`ia_na`, `ia_pd` at `lease6_renew` and
/// `lease6_rebind`). Fields: `code` (3 or 25) and `iaid`, read-only. The sub-options a callout sets
/// are sent in the answer's IA, next to the address or prefix and the T1/T2 the server fills in
/// afterwards. Since ABI 1.4.
#[derive(Debug, Clone, Copy)]
pub struct Ia6<'h>(pub Object<'h>);

impl<'h> Ia6<'h> {
    options6!();
    /// The option code: 3 (IA_NA) or 25 (IA_PD).
    pub fn code(self) -> HookResult<u16> {
        self.0
            .typed("code", |v| v.as_u64().and_then(|n| u16::try_from(n).ok()))
    }
    /// The IAID, the client's.
    pub fn iaid(self) -> HookResult<u32> {
        self.0.u32_field("iaid")
    }
}
