//! Kea's lease map, the form leases cross the ABI in (`lease4-get`'s answer): keys in Kea's order
//! (sorted), `client-id`, `pool-id` and `user-context` only when set. Reading is strict, so a plugin's
//! mistake is reported rather than stored.

use crate::lease_admin::SubnetInfo4;
use ruru_lease::{ClientId, HwAddr, Lease4, LeaseState};
use serde_json::{json, Map, Value as Json};
use std::io::Write;
use std::net::Ipv4Addr;

/// Kea's name of a lease state, as its messages use it.
fn state_name(s: LeaseState) -> &'static str {
    match s {
        LeaseState::Default => "default",
        LeaseState::Declined => "declined",
        LeaseState::ExpiredReclaimed => "expired-reclaimed",
        LeaseState::Released => "released",
    }
}

/// Appends `lease` as Kea's lease map in JSON. Written directly rather than through a
/// `serde_json::Value`: a page of a thousand leases would otherwise build and free a tree of some
/// twenty thousand allocations per call, the largest cost of paging.
pub(crate) fn write_lease4(lease: &Lease4, out: &mut Vec<u8>) {
    // Writing into a Vec cannot fail.
    let text = |out: &mut Vec<u8>, s: &str| {
        let _ = serde_json::to_writer(&mut *out, s);
    };
    out.push(b'{');
    if let Some(id) = lease
        .client_id
        .as_ref()
        .filter(|c| !c.as_bytes().is_empty())
    {
        let _ = write!(out, "\"client-id\":\"{id}\",");
    }
    let _ = write!(
        out,
        "\"cltt\":{},\"fqdn-fwd\":{},\"fqdn-rev\":{},\"hostname\":",
        lease.cltt, lease.fqdn_fwd, lease.fqdn_rev
    );
    text(out, &lease.hostname);
    out.extend_from_slice(b",\"hw-address\":\"");
    if let Some(hw) = &lease.hwaddr {
        let _ = write!(out, "{hw}");
    }
    let _ = write!(out, "\",\"ip-address\":\"{}\",", lease.address);
    if lease.pool_id != 0 {
        let _ = write!(out, "\"pool-id\":{},", lease.pool_id);
    }
    let _ = write!(
        out,
        "\"state\":{},\"subnet-id\":{},",
        lease.state.as_u32(),
        lease.subnet_id
    );
    if let Some(ctx) = &lease.user_context {
        out.extend_from_slice(b"\"user-context\":");
        let _ = serde_json::to_writer(&mut *out, ctx);
        out.push(b',');
    }
    let _ = write!(out, "\"valid-lft\":{}}}", lease.valid_lifetime);
}

/// `leases` as a JSON list of lease maps.
pub(crate) fn write_leases4(leases: &[Lease4]) -> Vec<u8> {
    let mut out = Vec::with_capacity(leases.len() * 200 + 2);
    out.push(b'[');
    for (i, lease) in leases.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_lease4(lease, &mut out);
    }
    out.push(b']');
    out
}

/// One lease as its JSON map.
pub(crate) fn lease4_json(lease: &Lease4) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write_lease4(lease, &mut out);
    out
}

/// A subnet as its map: `id`, `subnet` (`192.0.2.0/24`), `valid-lft`.
pub(crate) fn subnet4_json(s: &SubnetInfo4) -> Json {
    json!({
        "id": s.id,
        "subnet": format!("{}/{}", s.prefix, s.prefix_len),
        "valid-lft": s.valid_lifetime,
    })
}

const KEYS: &[&str] = &[
    "client-id",
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

/// Reads a lease map: `ip-address`, `subnet-id`, `cltt` and `valid-lft` are required, the rest default
/// to empty, false or 0. The text of an error names the field.
pub(crate) fn lease4_from_json(text: &[u8]) -> Result<Lease4, String> {
    let m: Map<String, Json> =
        serde_json::from_slice(text).map_err(|e| format!("the lease is not a JSON map: {e}"))?;
    if let Some(k) = m.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!("unknown lease field '{k}'"));
    }
    let f = Fields(&m);
    let address: Ipv4Addr = f
        .text("ip-address")?
        .ok_or("missing 'ip-address'")?
        .parse()
        .map_err(|_| "'ip-address' is not an IPv4 address")?;
    let hwaddr = f
        .text("hw-address")?
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<HwAddr>()
                .map_err(|e| format!("'hw-address': {e}"))
        })
        .transpose()?;
    let client_id = f
        .text("client-id")?
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<ClientId>()
                .map_err(|e| format!("'client-id': {e}"))
        })
        .transpose()?;
    let state = match f.uint("state", u64::from(u32::MAX))? {
        None => LeaseState::Default,
        Some(n) => LeaseState::from_u32(n as u32).ok_or(format!("invalid 'state' {n}"))?,
    };
    if hwaddr.is_none() && client_id.is_none() && state != LeaseState::Declined {
        // Kea's memfile refuses such a lease (it could never be matched to a client).
        return Err(format!(
            "Lease4: {address}, state: {} has neither hardware address or client id",
            state_name(state)
        ));
    }
    let user_context = match m.get("user-context") {
        None | Some(Json::Null) => None,
        Some(Json::Object(ctx)) => Some(ctx.clone()),
        Some(_) => return Err("'user-context' is not a map".into()),
    };
    let u32_max = u64::from(u32::MAX);
    Ok(Lease4 {
        address,
        hwaddr,
        client_id,
        valid_lifetime: f.required_uint("valid-lft", u32_max)? as u32,
        cltt: f.required_uint("cltt", u64::MAX)?,
        subnet_id: f.required_uint("subnet-id", u32_max)? as u32,
        fqdn_fwd: f.flag("fqdn-fwd")?,
        fqdn_rev: f.flag("fqdn-rev")?,
        hostname: f.text("hostname")?.unwrap_or_default().to_owned(),
        state,
        user_context,
        pool_id: f.uint("pool-id", u32_max)?.unwrap_or(0) as u32,
    })
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

    fn flag(&self, k: &str) -> Result<bool, String> {
        match self.0.get(k) {
            None => Ok(false),
            Some(Json::Bool(b)) => Ok(*b),
            Some(_) => Err(format!("'{k}' is not a boolean")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Lease4 {
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

    // LC-013, LC-015, LC-016: Kea's keys and forms; an infinite lifetime round-trips.
    fn to_json(lease: &Lease4) -> Json {
        serde_json::from_slice(&lease4_json(lease)).expect("valid JSON")
    }

    #[test]
    fn lc_013_round_trip_in_keas_shape() {
        let lease = full();
        let j = to_json(&lease);
        let keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, KEYS, "every key, in Kea's (sorted) order");
        assert_eq!(j["hw-address"], "1a:1b:1c:1d:1e:1f");
        assert_eq!(j["valid-lft"], 4_294_967_295u64);
        let back = lease4_from_json(j.to_string().as_bytes()).expect("reads back");
        assert_eq!(back, lease);
        // Optional keys are absent when unset.
        let bare = Lease4 {
            hwaddr: Some(HwAddr::new(1, &[1])),
            ..Lease4::new(Ipv4Addr::new(192, 0, 2, 2), 1, 10, 5)
        };
        let j = to_json(&bare);
        for k in ["client-id", "pool-id", "user-context"] {
            assert!(j.get(k).is_none(), "{k} in {j}");
        }
        assert_eq!(lease4_from_json(j.to_string().as_bytes()), Ok(bare));
    }

    #[test]
    fn an_unknown_hw_address_is_empty() {
        let l = Lease4 {
            state: LeaseState::Declined,
            ..Lease4::new(Ipv4Addr::new(192, 0, 2, 1), 1, 10, 5)
        };
        let j = to_json(&l);
        assert_eq!(j["hw-address"], "");
        assert_eq!(lease4_from_json(j.to_string().as_bytes()), Ok(l));
    }

    #[test]
    fn lists_and_escapes() {
        let odd = Lease4 {
            hostname: "a\"b\\c\n".into(),
            ..full()
        };
        let list: Json =
            serde_json::from_slice(&write_leases4(&[full(), odd.clone()])).expect("JSON");
        assert_eq!(list[1]["hostname"], "a\"b\\c\n");
        assert_eq!(list[0], to_json(&full()));
        assert_eq!(write_leases4(&[]), b"[]");
        assert_eq!(lease4_from_json(list[1].to_string().as_bytes()), Ok(odd));
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
        let mut m = base.clone();
        m.as_object_mut().unwrap().remove("cltt");
        assert_eq!(
            lease4_from_json(m.to_string().as_bytes()),
            Err("missing 'cltt'".into())
        );
        assert!(lease4_from_json(b"[1]").is_err());
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
}
