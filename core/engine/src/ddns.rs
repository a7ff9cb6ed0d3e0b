//! When leases become NameChangeRequests (V4-149..V4-151, V6-172..V6-175), both families: the
//! lease's name and directions decide, the subnet's DDNS parameters set TTL and conflict mode.
//! Building and sending the message is `ruru-ddns`'s; deciding which events send one is the
//! message handlers'.

use ruru_config::{ConflictResolutionMode, DdnsParams};
use ruru_ddns::{ttl, ChangeType, Dhcid, Ncr, Queue};
use ruru_lease::{Lease4, Lease6, LeaseType};
use std::net::IpAddr;

/// The DNS data of a lease: what D2 was (or will be) asked to maintain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DnsData<'l> {
    pub(crate) hostname: &'l str,
    pub(crate) forward: bool,
    pub(crate) reverse: bool,
}

impl<'l> DnsData<'l> {
    pub(crate) fn of4(l: &'l Lease4) -> Self {
        DnsData {
            hostname: &l.hostname,
            forward: l.fqdn_fwd,
            reverse: l.fqdn_rev,
        }
    }

    pub(crate) fn of6(l: &'l Lease6) -> Self {
        DnsData {
            hostname: &l.hostname,
            forward: l.fqdn_fwd,
            reverse: l.fqdn_rev,
        }
    }

    /// Whether there is anything in DNS for it: a name and at least one direction.
    fn any(self) -> bool {
        !self.hostname.is_empty() && (self.forward || self.reverse)
    }

    /// Kea's "identical FQDN": same name (ignoring case) and directions.
    pub(crate) fn same_as(self, other: DnsData<'_>) -> bool {
        self.hostname.eq_ignore_ascii_case(other.hostname)
            && self.forward == other.forward
            && self.reverse == other.reverse
    }
}

/// The NCR parameters of a lease's subnet; Kea's defaults when the subnet is gone.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NcrParams {
    pub(crate) ttl_percent: Option<f64>,
    pub(crate) mode: ConflictResolutionMode,
}

impl NcrParams {
    pub(crate) fn of(ddns: Option<&DdnsParams>) -> Self {
        NcrParams {
            ttl_percent: ddns.and_then(|d| d.ttl_percent),
            mode: ddns.map_or(ConflictResolutionMode::CheckWithDhcid, |d| {
                d.conflict_resolution_mode
            }),
        }
    }
}

/// Where an NCR's identity and timing come from.
struct Subject<'l> {
    dns: DnsData<'l>,
    address: IpAddr,
    dhcid: Dhcid,
    valid: u32,
    /// The records' expiry base: the lease's cltt, or None for Kea's DHCPv6 adds, which send 0.
    cltt: Option<u64>,
}

fn queue(q: &Queue, change: ChangeType, s: Subject<'_>, p: NcrParams) -> bool {
    let lease_length = ttl(s.valid, p.ttl_percent);
    let ncr = Ncr {
        change,
        forward: s.dns.forward,
        reverse: s.dns.reverse,
        // D2 takes names as absolute; Kea's NCRs always end in the root dot (DHCPv4 lease names
        // from option 12 have none).
        fqdn: if s.dns.hostname.ends_with('.') {
            s.dns.hostname.to_owned()
        } else {
            format!("{}.", s.dns.hostname)
        },
        address: s.address,
        dhcid: s.dhcid,
        expires_on: s
            .cltt
            .map_or(0, |c| c.saturating_add(u64::from(lease_length))),
        lease_length,
        mode: p.mode,
    };
    // A refusal (full queue) is logged by the queue; leasing goes on.
    q.send(ncr).is_ok()
}

/// Queues an NCR for a DHCPv4 lease when DDNS is on and the lease has DNS data; the DHCID comes
/// from the client identifier, else the hardware address. Whether one was queued.
pub(crate) fn lease4(q: &Queue, change: ChangeType, l: &Lease4, p: NcrParams) -> bool {
    let dns = DnsData::of4(l);
    if !q.enabled() || !dns.any() {
        return false;
    }
    let dhcid = match (&l.client_id, &l.hwaddr) {
        (Some(c), _) if !c.as_bytes().is_empty() => {
            Dhcid::from_client_id(c.as_bytes(), &l.hostname)
        }
        (_, Some(h)) if !h.is_empty() => Dhcid::from_hwaddr(h.htype(), h.as_bytes(), &l.hostname),
        _ => return false,
    };
    let s = Subject {
        dns,
        address: l.address.into(),
        dhcid,
        valid: l.valid_lifetime,
        cltt: Some(l.cltt),
    };
    queue(q, change, s, p)
}

/// Queues an NCR for a DHCPv6 address lease (prefixes have no DNS records, V6-174) when DDNS is on
/// and the lease has DNS data. `dns` overrides the lease's own data (an answer's option 39);
/// `cltt` is None for the adds of an answer, which Kea sends with no expiry.
pub(crate) fn lease6(
    q: &Queue,
    change: ChangeType,
    l: &Lease6,
    dns: Option<DnsData<'_>>,
    cltt: Option<u64>,
    p: NcrParams,
) -> bool {
    let dns = dns.unwrap_or(DnsData::of6(l));
    if !q.enabled() || !dns.any() || l.lease_type != LeaseType::Na || l.duid.as_bytes().is_empty() {
        return false;
    }
    let s = Subject {
        dns,
        address: l.address.into(),
        dhcid: Dhcid::from_duid(l.duid.as_bytes(), dns.hostname),
        valid: l.valid_lifetime,
        cltt,
    };
    queue(q, change, s, p)
}

/// The DDNS parameters as the `ddns-params` argument of `ddns4_update`/`ddns6_update` shows them:
/// Kea's key names, the effective values at the client's subnet.
pub(crate) fn params_json(d: &DdnsParams, enable_updates: bool) -> String {
    let mode = match d.conflict_resolution_mode {
        ConflictResolutionMode::CheckWithDhcid => "check-with-dhcid",
        ConflictResolutionMode::NoCheckWithDhcid => "no-check-with-dhcid",
        ConflictResolutionMode::CheckExistsWithDhcid => "check-exists-with-dhcid",
        ConflictResolutionMode::NoCheckWithoutDhcid => "no-check-without-dhcid",
    };
    let replace = match d.replace_client_name {
        ruru_config::ReplaceClientName::Never => "never",
        ruru_config::ReplaceClientName::Always => "always",
        ruru_config::ReplaceClientName::WhenPresent => "when-present",
        ruru_config::ReplaceClientName::WhenNotPresent => "when-not-present",
    };
    serde_json::json!({
        "enable-updates": enable_updates,
        "ddns-send-updates": d.send_updates,
        "ddns-override-no-update": d.override_no_update,
        "ddns-override-client-update": d.override_client_update,
        "ddns-replace-client-name": replace,
        "ddns-generated-prefix": d.generated_prefix,
        "ddns-qualifying-suffix": d.qualifying_suffix,
        "ddns-update-on-renew": d.update_on_renew,
        "ddns-conflict-resolution-mode": mode,
        "ddns-ttl-percent": d.ttl_percent,
        "hostname-char-set": d.hostname_char_set,
        "hostname-char-replacement": d.hostname_char_replacement,
    })
    .to_string()
}

/// A local stand-in for `kea-dhcp-ddns` for the engine's tests: a UDP socket and a queue sending
/// to it with `params`' other settings.
#[cfg(test)]
pub(crate) mod test_d2 {
    use ruru_config::DhcpDdns;
    use ruru_ddns::Queue;
    use serde_json::Value;
    use std::net::UdpSocket;
    use std::time::Duration;

    pub(crate) fn start(params: &DhcpDdns, v6: bool) -> (UdpSocket, Queue) {
        let d2 = UdpSocket::bind("127.0.0.1:0").unwrap();
        d2.set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        let params = DhcpDdns {
            server_port: d2.local_addr().unwrap().port(),
            ..params.clone()
        };
        (d2, Queue::start(&params, v6).unwrap())
    }

    /// Every NCR that arrives (until 300 ms pass without one), as JSON.
    pub(crate) fn received(d2: &UdpSocket) -> Vec<Value> {
        let mut buf = [0u8; 2048];
        let mut out = Vec::new();
        while let Ok(n) = d2.recv(&mut buf) {
            out.push(serde_json::from_slice(&buf[2..n]).unwrap());
        }
        out
    }
}
