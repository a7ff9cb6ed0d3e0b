//! Kea's lease maps, the form leases cross the ABI in (`lease4-get`'s and `lease6-get`'s answers):
//! keys in Kea's order (sorted), optional keys only when set. The members both families share
//! (times, DNS flags, host name, hardware address, state, subnet, pool, user context) are written and
//! read by one piece of code; each family adds its own. Reading is strict, so a plugin's mistake is
//! reported rather than stored.

use crate::lease_admin::{SubnetInfo4, SubnetInfo6};
use ruru_lease::{ClientId, Duid, HwAddr, Lease4, Lease6, LeaseState, LeaseType};
use serde_json::{json, Map, Value as Json};
use std::fmt::Display;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Kea's name of a lease state, as its messages use it.
fn state_name(s: LeaseState) -> &'static str {
    match s {
        LeaseState::Default => "default",
        LeaseState::Declined => "declined",
        LeaseState::ExpiredReclaimed => "expired-reclaimed",
        LeaseState::Released => "released",
    }
}

// ---- writing ----

/// A member only one family has: a number, or text that needs no escaping (names, hex, addresses).
#[derive(Clone, Copy)]
enum Own<'a> {
    Num(u64),
    Quoted(&'a dyn Display),
}

/// What Kea's v4 and v6 lease maps share, borrowed from either lease type.
struct Shared<'a> {
    address: IpAddr,
    cltt: u64,
    fqdn_fwd: bool,
    fqdn_rev: bool,
    hostname: &'a str,
    hwaddr: Option<&'a HwAddr>,
    /// `hw-address` is written (empty) even when unknown: v4 maps always have it, v6 ones only when
    /// known.
    hwaddr_always: bool,
    pool_id: u32,
    state: LeaseState,
    subnet_id: u32,
    user_context: Option<&'a Map<String, Json>>,
    valid_lifetime: u32,
}

/// The [`Shared`] view of a [`Lease4`] or [`Lease6`]: both name these fields alike.
macro_rules! shared {
    ($lease:expr, hwaddr_always: $always:expr) => {
        Shared {
            address: $lease.address.into(),
            cltt: $lease.cltt,
            fqdn_fwd: $lease.fqdn_fwd,
            fqdn_rev: $lease.fqdn_rev,
            hostname: &$lease.hostname,
            hwaddr: $lease.hwaddr.as_ref(),
            hwaddr_always: $always,
            pool_id: $lease.pool_id,
            state: $lease.state,
            subnet_id: $lease.subnet_id,
            user_context: $lease.user_context.as_ref(),
            valid_lifetime: $lease.valid_lifetime,
        }
    };
}

/// Writes the members of one JSON map, separating them; callers give keys in sorted order.
struct MapWriter<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

// Writing into a Vec cannot fail, hence the ignored results.
impl<'a> MapWriter<'a> {
    fn open(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        MapWriter { out, first: true }
    }

    fn key(&mut self, k: &str) -> &mut Vec<u8> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        let _ = write!(self.out, "\"{k}\":");
        self.out
    }

    /// A number or boolean.
    fn bare(&mut self, k: &str, v: impl Display) {
        let _ = write!(self.key(k), "{v}");
    }

    /// Text that needs no escaping.
    fn quoted(&mut self, k: &str, v: impl Display) {
        let _ = write!(self.key(k), "\"{v}\"");
    }

    /// Any text, escaped.
    fn text(&mut self, k: &str, v: &str) {
        let _ = serde_json::to_writer(self.key(k), v);
    }

    fn map(&mut self, k: &str, v: &Map<String, Json>) {
        let _ = serde_json::to_writer(self.key(k), v);
    }

    fn own(&mut self, k: &str, v: Own<'_>) {
        match v {
            Own::Num(n) => self.bare(k, n),
            Own::Quoted(t) => self.quoted(k, t),
        }
    }

    fn close(self) {
        self.out.push(b'}');
    }
}

/// Appends one lease map: the shared members merged, in key order, with the family's own (`own`,
/// sorted by key). Written directly rather than through a `serde_json::Value`: a page of a thousand
/// leases would otherwise build and free a tree of some twenty thousand allocations per call, the
/// largest cost of paging.
fn write_lease(s: &Shared<'_>, own: &[(&str, Option<Own<'_>>)], out: &mut Vec<u8>) {
    let mut w = MapWriter::open(out);
    let mut own = own.iter().peekable();
    // Writes the family's members that sort before `key` (all that are left without one).
    let mut before = |w: &mut MapWriter<'_>, key: Option<&str>| {
        while let Some((k, v)) = own.next_if(|(k, _)| key.is_none_or(|key| *k < key)) {
            if let Some(v) = v {
                w.own(k, *v);
            }
        }
    };
    before(&mut w, Some("cltt"));
    w.bare("cltt", s.cltt);
    before(&mut w, Some("fqdn-fwd"));
    w.bare("fqdn-fwd", s.fqdn_fwd);
    w.bare("fqdn-rev", s.fqdn_rev);
    w.text("hostname", s.hostname);
    before(&mut w, Some("hw-address"));
    match s.hwaddr.filter(|h| !h.is_empty()) {
        Some(hw) => w.quoted("hw-address", hw),
        None if s.hwaddr_always => w.quoted("hw-address", ""),
        None => {}
    }
    before(&mut w, Some("ip-address"));
    w.quoted("ip-address", s.address);
    if s.pool_id != 0 {
        w.bare("pool-id", s.pool_id);
    }
    before(&mut w, Some("state"));
    w.bare("state", s.state.as_u32());
    w.bare("subnet-id", s.subnet_id);
    before(&mut w, Some("user-context"));
    if let Some(ctx) = s.user_context {
        w.map("user-context", ctx);
    }
    w.bare("valid-lft", s.valid_lifetime);
    before(&mut w, None);
    w.close();
}

/// Appends `lease` as Kea's v4 lease map (`client-id` only when set).
pub(crate) fn write_lease4(lease: &Lease4, out: &mut Vec<u8>) {
    let client_id = lease
        .client_id
        .as_ref()
        .filter(|c| !c.as_bytes().is_empty());
    let own = [("client-id", client_id.map(|id| Own::Quoted(id)))];
    write_lease(&shared!(lease, hwaddr_always: true), &own, out);
}

/// Appends `lease` as Kea's v6 lease map (`prefix-len` for prefixes only, `hw-address` when known).
pub(crate) fn write_lease6(lease: &Lease6, out: &mut Vec<u8>) {
    let type_name = lease.lease_type.name();
    let prefix = lease.lease_type == LeaseType::Pd;
    let own = [
        ("duid", Some(Own::Quoted(&lease.duid))),
        ("iaid", Some(Own::Num(lease.iaid.into()))),
        (
            "preferred-lft",
            Some(Own::Num(lease.preferred_lifetime.into())),
        ),
        (
            "prefix-len",
            prefix.then_some(Own::Num(lease.prefix_len.into())),
        ),
        ("type", Some(Own::Quoted(&type_name))),
    ];
    write_lease(&shared!(lease, hwaddr_always: false), &own, out);
}

/// `leases` as a JSON list of lease maps.
fn write_list<L>(leases: &[L], write: fn(&L, &mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::with_capacity(leases.len() * 250 + 2);
    out.push(b'[');
    for (i, lease) in leases.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(lease, &mut out);
    }
    out.push(b']');
    out
}

/// `leases` as a JSON list of v4 lease maps.
pub(crate) fn write_leases4(leases: &[Lease4]) -> Vec<u8> {
    write_list(leases, write_lease4)
}

/// `leases` as a JSON list of v6 lease maps.
pub(crate) fn write_leases6(leases: &[Lease6]) -> Vec<u8> {
    write_list(leases, write_lease6)
}

/// One v4 lease as its JSON map.
pub(crate) fn lease4_json(lease: &Lease4) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write_lease4(lease, &mut out);
    out
}

/// One v6 lease as its JSON map.
pub(crate) fn lease6_json(lease: &Lease6) -> Vec<u8> {
    let mut out = Vec::with_capacity(320);
    write_lease6(lease, &mut out);
    out
}

/// A v4 subnet as its map: `id`, `subnet` (`192.0.2.0/24`), `valid-lft`.
pub(crate) fn subnet4_json(s: &SubnetInfo4) -> Json {
    json!({
        "id": s.id,
        "subnet": format!("{}/{}", s.prefix, s.prefix_len),
        "valid-lft": s.valid_lifetime,
    })
}

/// A v6 subnet as its map: `id`, `subnet` (`2001:db8::/64`), `valid-lft`, `preferred-lft`.
pub(crate) fn subnet6_json(s: &SubnetInfo6) -> Json {
    json!({
        "id": s.id,
        "subnet": format!("{}/{}", s.prefix, s.prefix_len),
        "valid-lft": s.valid_lifetime,
        "preferred-lft": s.preferred_lifetime,
    })
}

// ---- reading ----

/// Keys both families' maps have.
const SHARED_KEYS: &[&str] = &[
    "cltt",
    "fqdn-fwd",
    "fqdn-rev",
    "hostname",
    "hw-address",
    "ip-address",
    "pool-id",
    "state",
    "subnet-id",
    "user-context",
    "valid-lft",
];

/// Keys only v4 maps have.
const KEYS4: &[&str] = &["client-id"];

/// Keys only v6 maps have.
const KEYS6: &[&str] = &["duid", "iaid", "preferred-lft", "prefix-len", "type"];

/// The shared members of a lease map, read.
struct SharedOwned {
    hwaddr: Option<HwAddr>,
    valid_lifetime: u32,
    cltt: u64,
    subnet_id: u32,
    fqdn_fwd: bool,
    fqdn_rev: bool,
    hostname: String,
    state: LeaseState,
    user_context: Option<Map<String, Json>>,
    pool_id: u32,
}

/// Sets the shared fields of a [`Lease4`] or [`Lease6`] from a [`SharedOwned`].
macro_rules! set_shared {
    ($lease:expr, $s:expr) => {{
        let s = $s;
        $lease.hwaddr = s.hwaddr;
        $lease.fqdn_fwd = s.fqdn_fwd;
        $lease.fqdn_rev = s.fqdn_rev;
        $lease.hostname = s.hostname;
        $lease.state = s.state;
        $lease.user_context = s.user_context;
        $lease.pool_id = s.pool_id;
    }};
}

/// Parses a lease map, refusing keys that are neither shared nor in `own`.
fn parse_map(text: &[u8], own: &[&str]) -> Result<Map<String, Json>, String> {
    let m: Map<String, Json> =
        serde_json::from_slice(text).map_err(|e| format!("the lease is not a JSON map: {e}"))?;
    if let Some(k) = m
        .keys()
        .find(|k| !SHARED_KEYS.contains(&k.as_str()) && !own.contains(&k.as_str()))
    {
        return Err(format!("unknown lease field '{k}'"));
    }
    Ok(m)
}

/// Typed access to the fields of a lease map.
struct Fields<'a>(&'a Map<String, Json>);

impl<'a> Fields<'a> {
    fn text(&self, k: &str) -> Result<Option<&'a str>, String> {
        match self.0.get(k) {
            None => Ok(None),
            Some(Json::String(s)) => Ok(Some(s)),
            Some(_) => Err(format!("'{k}' is not a string")),
        }
    }

    /// A text field parsed as `T`; `None` when absent or empty.
    fn parsed<T: std::str::FromStr>(&self, k: &str) -> Result<Option<T>, String>
    where
        T::Err: Display,
    {
        self.text(k)?
            .filter(|t| !t.is_empty())
            .map(|t| t.parse::<T>().map_err(|e| format!("'{k}': {e}")))
            .transpose()
    }

    fn uint(&self, k: &str, max: u64) -> Result<Option<u64>, String> {
        match self.0.get(k) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .filter(|&n| n <= max)
                .map(Some)
                .ok_or_else(|| format!("'{k}' is not an integer from 0 to {max}")),
        }
    }

    fn required_uint(&self, k: &str, max: u64) -> Result<u64, String> {
        self.uint(k, max)?.ok_or_else(|| format!("missing '{k}'"))
    }

    fn u32(&self, k: &str) -> Result<Option<u32>, String> {
        Ok(self.uint(k, u64::from(u32::MAX))?.map(|n| n as u32))
    }

    fn required_u32(&self, k: &str) -> Result<u32, String> {
        self.u32(k)?.ok_or_else(|| format!("missing '{k}'"))
    }

    fn flag(&self, k: &str) -> Result<bool, String> {
        match self.0.get(k) {
            None => Ok(false),
            Some(Json::Bool(b)) => Ok(*b),
            Some(_) => Err(format!("'{k}' is not a boolean")),
        }
    }

    /// `ip-address`, required, as an address of the family `T`.
    fn address<T: std::str::FromStr>(&self, family: &str) -> Result<T, String> {
        self.text("ip-address")?
            .ok_or("missing 'ip-address'")?
            .parse()
            .map_err(|_| format!("'ip-address' is not an {family} address"))
    }

    /// The members both families share.
    fn shared(&self) -> Result<SharedOwned, String> {
        let state = match self.u32("state")? {
            None => LeaseState::Default,
            Some(n) => LeaseState::from_u32(n).ok_or(format!("invalid 'state' {n}"))?,
        };
        let user_context = match self.0.get("user-context") {
            None | Some(Json::Null) => None,
            Some(Json::Object(ctx)) => Some(ctx.clone()),
            Some(_) => return Err("'user-context' is not a map".into()),
        };
        Ok(SharedOwned {
            hwaddr: self.parsed("hw-address")?,
            valid_lifetime: self.required_u32("valid-lft")?,
            cltt: self.required_uint("cltt", u64::MAX)?,
            subnet_id: self.required_u32("subnet-id")?,
            fqdn_fwd: self.flag("fqdn-fwd")?,
            fqdn_rev: self.flag("fqdn-rev")?,
            hostname: self.text("hostname")?.unwrap_or_default().to_owned(),
            state,
            user_context,
            pool_id: self.u32("pool-id")?.unwrap_or(0),
        })
    }
}

/// Reads a v4 lease map: `ip-address`, `subnet-id`, `cltt` and `valid-lft` are required, the rest
/// default to empty, false or 0. The text of an error names the field.
pub(crate) fn lease4_from_json(text: &[u8]) -> Result<Lease4, String> {
    let m = parse_map(text, KEYS4)?;
    let f = Fields(&m);
    let address: Ipv4Addr = f.address("IPv4")?;
    let client_id: Option<ClientId> = f.parsed("client-id")?;
    let shared = f.shared()?;
    if shared.hwaddr.is_none() && client_id.is_none() && shared.state != LeaseState::Declined {
        // Kea's memfile refuses such a lease (it could never be matched to a client).
        return Err(format!(
            "Lease4: {address}, state: {} has neither hardware address or client id",
            state_name(shared.state)
        ));
    }
    let mut lease = Lease4::new(
        address,
        shared.subnet_id,
        shared.valid_lifetime,
        shared.cltt,
    );
    lease.client_id = client_id;
    set_shared!(lease, shared);
    Ok(lease)
}

/// Reads a v6 lease map: `ip-address`, `duid`, `iaid`, `subnet-id`, `cltt` and `valid-lft` are
/// required; `type` defaults to `IA_NA`; `prefix-len` is required for `IA_PD` and 128 otherwise; the
/// rest default to empty, false or 0.
pub(crate) fn lease6_from_json(text: &[u8]) -> Result<Lease6, String> {
    let m = parse_map(text, KEYS6)?;
    let f = Fields(&m);
    let address: Ipv6Addr = f.address("IPv6")?;
    let lease_type = f.parsed("type")?.unwrap_or(LeaseType::Na);
    let prefix_len = match (lease_type, f.uint("prefix-len", 128)?) {
        (LeaseType::Pd, None) => return Err("missing 'prefix-len'".into()),
        (LeaseType::Pd, Some(0)) => return Err("'prefix-len' is 0".into()),
        (LeaseType::Pd, Some(n)) => n as u8,
        (_, None | Some(128)) => 128,
        (_, Some(_)) => return Err("'prefix-len' of an address lease is not 128".into()),
    };
    let duid: Duid = f.parsed("duid")?.ok_or("missing 'duid'")?;
    let iaid = f.required_u32("iaid")?;
    let preferred = f.u32("preferred-lft")?.unwrap_or(0);
    let shared = f.shared()?;
    let mut lease = Lease6::new(
        address,
        duid,
        iaid,
        shared.subnet_id,
        shared.valid_lifetime,
        shared.cltt,
    );
    lease.lease_type = lease_type;
    lease.prefix_len = prefix_len;
    lease.preferred_lifetime = preferred;
    set_shared!(lease, shared);
    Ok(lease)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full4() -> Lease4 {
        let ctx = json!({"a": [1, {"b": "é"}]});
        Lease4 {
            hwaddr: Some(HwAddr::new(1, &[0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f])),
            client_id: Some(ClientId::new(&[1, 2, 3])),
            fqdn_fwd: true,
            hostname: "h.example.org".into(),
            state: LeaseState::Released,
            user_context: ctx.as_object().cloned(),
            pool_id: 3,
            ..Lease4::new(Ipv4Addr::new(192, 0, 2, 1), 7, u32::MAX, 12_344_678)
        }
    }

    fn full6() -> Lease6 {
        Lease6 {
            lease_type: LeaseType::Pd,
            prefix_len: 48,
            preferred_lifetime: 500,
            fqdn_rev: true,
            hostname: "urania.example.org".into(),
            hwaddr: Some(HwAddr::new(1, &[0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f])),
            state: LeaseState::ExpiredReclaimed,
            user_context: json!({"version": 1}).as_object().cloned(),
            pool_id: 9,
            ..Lease6::new(
                "2001:db8:abcd::".parse().unwrap(),
                Duid::new(&[1, 2, 3, 4, 5, 6, 7, 8]),
                1234,
                66,
                1000,
                12_344_678,
            )
        }
    }

    fn to_json4(lease: &Lease4) -> Json {
        serde_json::from_slice(&lease4_json(lease)).expect("valid JSON")
    }

    fn to_json6(lease: &Lease6) -> Json {
        serde_json::from_slice(&lease6_json(lease)).expect("valid JSON")
    }

    fn keys(j: &Json) -> Vec<&str> {
        j.as_object().unwrap().keys().map(String::as_str).collect()
    }

    // LC-013, LC-015, LC-016: Kea's keys and forms; an infinite lifetime round-trips.
    #[test]
    fn lc_013_round_trip_in_keas_shape() {
        let lease = full4();
        let j = to_json4(&lease);
        let mut all: Vec<&str> = SHARED_KEYS.iter().chain(KEYS4).copied().collect();
        all.sort_unstable();
        assert_eq!(keys(&j), all, "every key, in Kea's (sorted) order");
        assert_eq!(j["hw-address"], "1a:1b:1c:1d:1e:1f");
        assert_eq!(j["valid-lft"], 4_294_967_295u64);
        let back = lease4_from_json(j.to_string().as_bytes()).expect("reads back");
        assert_eq!(back, lease);
        // Optional keys are absent when unset.
        let bare = Lease4 {
            hwaddr: Some(HwAddr::new(1, &[1])),
            ..Lease4::new(Ipv4Addr::new(192, 0, 2, 2), 1, 10, 5)
        };
        let j = to_json4(&bare);
        for k in ["client-id", "pool-id", "user-context"] {
            assert!(j.get(k).is_none(), "{k} in {j}");
        }
        assert_eq!(lease4_from_json(j.to_string().as_bytes()), Ok(bare));
    }

    // LC-014, LC-015, LC-016: the v6 map: every key in Kea's order for a prefix; `prefix-len` only
    // for prefixes, `hw-address` only when known; everything round-trips.
    #[test]
    fn lc_014_v6_round_trip_in_keas_shape() {
        let pd = full6();
        let j = to_json6(&pd);
        let mut all: Vec<&str> = SHARED_KEYS.iter().chain(KEYS6).copied().collect();
        all.sort_unstable();
        assert_eq!(keys(&j), all, "every key, in Kea's (sorted) order");
        assert_eq!(
            (&j["type"], &j["prefix-len"], &j["duid"], &j["ip-address"]),
            (
                &json!("IA_PD"),
                &json!(48),
                &json!("01:02:03:04:05:06:07:08"),
                &json!("2001:db8:abcd::")
            )
        );
        assert_eq!(lease6_from_json(j.to_string().as_bytes()), Ok(pd));

        let na = Lease6::new(
            "2001:db8::3".parse().unwrap(),
            Duid::new(&[0x1a, 0x1b]),
            7,
            1,
            u32::MAX,
            5,
        );
        let j = to_json6(&na);
        assert_eq!(
            keys(&j),
            [
                "cltt",
                "duid",
                "fqdn-fwd",
                "fqdn-rev",
                "hostname",
                "iaid",
                "ip-address",
                "preferred-lft",
                "state",
                "subnet-id",
                "type",
                "valid-lft"
            ]
        );
        assert_eq!(j["type"], "IA_NA");
        assert_eq!(lease6_from_json(j.to_string().as_bytes()), Ok(na));
        // A declined lease carries Kea's empty DUID, which reads back.
        let declined = Lease6 {
            duid: Duid::EMPTY,
            state: LeaseState::Declined,
            ..Lease6::new("2001:db8::9".parse().unwrap(), Duid::EMPTY, 0, 1, 10, 5)
        };
        let j = to_json6(&declined);
        assert_eq!(j["duid"], "00:00:00");
        assert_eq!(lease6_from_json(j.to_string().as_bytes()), Ok(declined));
    }

    #[test]
    fn an_unknown_hw_address_is_empty_in_v4() {
        let l = Lease4 {
            state: LeaseState::Declined,
            ..Lease4::new(Ipv4Addr::new(192, 0, 2, 1), 1, 10, 5)
        };
        let j = to_json4(&l);
        assert_eq!(j["hw-address"], "");
        assert_eq!(lease4_from_json(j.to_string().as_bytes()), Ok(l));
    }

    #[test]
    fn lists_and_escapes() {
        let odd = Lease4 {
            hostname: "a\"b\\c\n".into(),
            ..full4()
        };
        let list: Json =
            serde_json::from_slice(&write_leases4(&[full4(), odd.clone()])).expect("JSON");
        assert_eq!(list[1]["hostname"], "a\"b\\c\n");
        assert_eq!(list[0], to_json4(&full4()));
        assert_eq!(write_leases4(&[]), b"[]");
        assert_eq!(lease4_from_json(list[1].to_string().as_bytes()), Ok(odd));
        let odd6 = Lease6 {
            hostname: "x,\"y\"".into(),
            ..full6()
        };
        let list: Json = serde_json::from_slice(&write_leases6(&[full6(), odd6])).expect("JSON");
        assert_eq!(list[1]["hostname"], "x,\"y\"");
        assert_eq!(list[0], to_json6(&full6()));
        assert_eq!(write_leases6(&[]), b"[]");
    }

    #[test]
    fn malformed_maps_name_the_field() {
        let base = json!({"ip-address": "192.0.2.1", "hw-address": "01:02", "subnet-id": 1,
                          "cltt": 5, "valid-lft": 10});
        let with = |k: &str, v: Json| {
            let mut m = base.clone();
            m[k] = v;
            lease4_from_json(m.to_string().as_bytes()).unwrap_err()
        };
        assert!(with("ip-address", json!("2001:db8::1")).contains("ip-address"));
        assert!(with("hw-address", json!("zz")).contains("hw-address"));
        assert!(with("client-id", json!(5)).contains("client-id"));
        assert!(with("state", json!(4)).contains("state"));
        assert!(with("subnet-id", json!(-1)).contains("subnet-id"));
        assert!(with("valid-lft", json!(4_294_967_296u64)).contains("valid-lft"));
        assert!(with("user-context", json!([1])).contains("user-context"));
        assert!(with("fqdn-fwd", json!("yes")).contains("fqdn-fwd"));
        assert!(with("expire", json!(5)).contains("unknown lease field 'expire'"));
        assert!(with("duid", json!("01:02")).contains("unknown lease field 'duid'"));
        let mut m = base.clone();
        m.as_object_mut().unwrap().remove("cltt");
        assert_eq!(
            lease4_from_json(m.to_string().as_bytes()),
            Err("missing 'cltt'".into())
        );
        assert!(lease4_from_json(b"[1]").is_err());
    }

    #[test]
    fn malformed_v6_maps_name_the_field() {
        let base = json!({"ip-address": "2001:db8::1", "duid": "01:02", "iaid": 1,
                          "subnet-id": 1, "cltt": 5, "valid-lft": 10});
        assert!(lease6_from_json(base.to_string().as_bytes()).is_ok());
        let with = |k: &str, v: Json| {
            let mut m = base.clone();
            m[k] = v;
            lease6_from_json(m.to_string().as_bytes()).unwrap_err()
        };
        let without = |k: &str| {
            let mut m = base.clone();
            m.as_object_mut().unwrap().remove(k);
            lease6_from_json(m.to_string().as_bytes()).unwrap_err()
        };
        assert_eq!(
            with("ip-address", json!("192.0.2.1")),
            "'ip-address' is not an IPv6 address"
        );
        assert!(with("type", json!("IA_XX")).contains("'type'"));
        assert_eq!(with("type", json!("IA_PD")), "missing 'prefix-len'");
        assert_eq!(
            with("prefix-len", json!(64)),
            "'prefix-len' of an address lease is not 128"
        );
        assert!(with("prefix-len", json!(129)).contains("prefix-len"));
        assert!(with("duid", json!("zz")).contains("duid"));
        assert_eq!(with("duid", json!("")), "missing 'duid'");
        assert!(with("iaid", json!(-1)).contains("iaid"));
        assert!(with("preferred-lft", json!("1")).contains("preferred-lft"));
        assert!(with("client-id", json!("01:02")).contains("unknown lease field 'client-id'"));
        assert!(with("state", json!(7)).contains("state"));
        for k in [
            "duid",
            "iaid",
            "subnet-id",
            "cltt",
            "valid-lft",
            "ip-address",
        ] {
            assert_eq!(without(k), format!("missing '{k}'"));
        }
    }

    // Kea's memfile rule: a lease must name its client unless it is declined.
    #[test]
    fn a_lease_needs_a_client_unless_declined() {
        let anonymous = json!({"ip-address": "192.0.2.1", "hw-address": "", "subnet-id": 1, "cltt": 5, "valid-lft": 10});
        assert_eq!(
            lease4_from_json(anonymous.to_string().as_bytes()),
            Err(
                "Lease4: 192.0.2.1, state: default has neither hardware address or client id"
                    .into()
            )
        );
        let mut declined = anonymous.clone();
        declined["state"] = json!(1);
        let lease = lease4_from_json(declined.to_string().as_bytes()).expect("declined is fine");
        assert_eq!((lease.hwaddr, lease.state), (None, LeaseState::Declined));
    }

    #[test]
    fn subnet_maps() {
        let s = SubnetInfo6 {
            id: 3,
            prefix: "2001:db8:1::".parse().unwrap(),
            prefix_len: 64,
            valid_lifetime: 4000,
            preferred_lifetime: 3000,
        };
        assert_eq!(
            subnet6_json(&s).to_string(),
            r#"{"id":3,"subnet":"2001:db8:1::/64","valid-lft":4000,"preferred-lft":3000}"#
        );
    }
}
