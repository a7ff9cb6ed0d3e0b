//! Reply construction shared by every message type: header fields, server-managed options, T1/T2 and the
//! destination rules of RFC 2131 §4.1 (V4-037, V4-038, V4-042, V4-063, V4-064).

use super::options::Scopes;
use super::{Destination4, Ingress4};
use ruru_config::Subnet4;
use ruru_proto::v4::{code, rai, MessageType, Packet4};
use std::net::{Ipv4Addr, SocketAddrV4};

/// Lease times for options 51, 58 and 59.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Times {
    pub(crate) valid: u32,
    pub(crate) t1: Option<u32>,
    pub(crate) t2: Option<u32>,
}

/// T1/T2 for a lease of `valid` seconds: explicit timers win, else calculated when enabled; each is sent only
/// when smaller than what follows it (V4-063, V4-064).
pub(crate) fn times(s: &Subnet4, valid: u32) -> Times {
    let pct = |p: f64| (f64::from(valid) * p) as u32;
    let calc = s.calculate_tee_times;
    let t2 = s.rebind_timer.or(calc.then(|| pct(s.t2_percent)));
    let t1 = s.renew_timer.or(calc.then(|| pct(s.t1_percent)));
    let t2 = t2.filter(|&t| t < valid);
    let t1 = t1.filter(|&t| t < t2.unwrap_or(valid));
    Times { valid, t1, t2 }
}

/// Starts a reply of type `msg` to `query` with the options every reply carries.
pub(crate) fn start(
    query: &Packet4,
    msg: MessageType,
    server_id: Ipv4Addr,
    echo_cid: bool,
) -> Packet4 {
    let mut r = query.reply_skeleton();
    r.options.insert(code::MESSAGE_TYPE, &[u8::from(msg)]);
    r.options.insert(code::SERVER_ID, &server_id.octets());
    if echo_cid {
        if let Some(cid) = query.options.get(code::CLIENT_ID) {
            r.options.insert(code::CLIENT_ID, cid);
        }
    }
    // V4-041: relay agent information and subnet selection are returned unchanged.
    for c in [code::RELAY_AGENT_INFO, code::SUBNET_SELECTION] {
        if let Some(v) = query.options.get(c) {
            r.options.insert(c, v);
        }
    }
    r
}

/// Adds lease times, the subnet mask and the configured options.
pub(crate) fn finish(
    r: &mut Packet4,
    query: &Packet4,
    subnet: &Subnet4,
    times: Option<Times>,
    scopes: &Scopes<'_>,
) {
    if let Some(t) = times {
        r.options.insert(code::LEASE_TIME, &t.valid.to_be_bytes());
        if let Some(t1) = t.t1 {
            r.options.insert(code::RENEWAL_TIME, &t1.to_be_bytes());
        }
        if let Some(t2) = t.t2 {
            r.options.insert(code::REBINDING_TIME, &t2.to_be_bytes());
        }
    }
    r.options
        .insert(code::SUBNET_MASK, &subnet.netmask().octets());
    scopes.fill(
        query.options.parameter_request_list(),
        query.options.get(code::VIVSO),
        &mut r.options,
    );
}

/// The server identifier for a reply: a configured `dhcp-server-identifier`, else the receiving address (V4-072, V4-073).
pub(crate) fn server_id(scopes: &Scopes<'_>, ing: &Ingress4) -> Ipv4Addr {
    scopes
        .value(code::SERVER_ID)
        .and_then(|v| <[u8; 4]>::try_from(v).ok())
        .map_or(ing.local_addr, Ipv4Addr::from)
}

/// Where the reply to `query` goes (V4-038, V4-039, V4-040).
pub(crate) fn destination(
    query: &Packet4,
    reply: &mut Packet4,
    ing: &Ingress4,
    ports: (u16, u16),
    direct_send: bool,
) -> Destination4 {
    let (server_port, client_port) = ports;
    let src = ing.local_addr;
    let to = |a: Ipv4Addr, port: u16| SocketAddrV4::new(a, port);
    let msg = reply.message_type();
    if !query.giaddr.is_unspecified() {
        if msg == Some(MessageType::Ack) && query.message_type() == Some(MessageType::Inform) {
            if !query.ciaddr.is_unspecified() {
                // V4-039: answered directly, as if not relayed.
                reply.hops = 0;
                reply.giaddr = Ipv4Addr::UNSPECIFIED;
                reply.options.remove(code::RELAY_AGENT_INFO);
                return Destination4 {
                    addr: to(query.ciaddr, client_port),
                    mac: None,
                    src,
                };
            }
            reply.flags |= 0x8000;
        }
        let relay_port = query
            .options
            .get(code::RELAY_AGENT_INFO)
            .is_some_and(|r| rai::find(r, rai::RELAY_PORT).is_some());
        let port = if relay_port {
            ing.src.port()
        } else {
            server_port
        };
        return Destination4 {
            addr: to(query.giaddr, port),
            mac: None,
            src,
        };
    }
    let broadcast = Destination4 {
        addr: to(Ipv4Addr::BROADCAST, client_port),
        mac: None,
        src,
    };
    if msg == Some(MessageType::Nak) {
        return broadcast;
    }
    if !query.ciaddr.is_unspecified() {
        return Destination4 {
            addr: to(query.ciaddr, client_port),
            mac: None,
            src,
        };
    }
    let mac = <[u8; 6]>::try_from(query.hw_addr()).ok();
    match mac {
        Some(m) if !query.broadcast_flag() && direct_send && !reply.yiaddr.is_unspecified() => {
            Destination4 {
                addr: to(reply.yiaddr, client_port),
                mac: Some(m),
                src,
            }
        }
        _ => broadcast,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subnet_with(renew: Option<u32>, rebind: Option<u32>, calc: bool) -> Subnet4 {
        let mut s = crate::v4::process::tests::subnet("10.0.0.0/24");
        s.renew_timer = renew;
        s.rebind_timer = rebind;
        s.calculate_tee_times = calc;
        s
    }

    // V4-063: each timer only when smaller than the next.
    #[test]
    fn explicit_timers() {
        let t = times(&subnet_with(Some(1000), Some(2000), false), 4000);
        assert_eq!((t.t1, t.t2), (Some(1000), Some(2000)));
        let t = times(&subnet_with(Some(1000), Some(5000), false), 4000);
        assert_eq!((t.t1, t.t2), (Some(1000), None));
        let t = times(&subnet_with(None, None, false), 4000);
        assert_eq!((t.t1, t.t2), (None, None));
    }

    // V4-064: calculated from the percentages.
    #[test]
    fn calculated_timers() {
        let t = times(&subnet_with(None, None, true), 4000);
        assert_eq!((t.t1, t.t2), (Some(2000), Some(3500)));
    }
}
