//! The DHCPv4 half of the packet service ([`crate::service`]): ingress from the listener, reply encoding
//! through `buffer4_send`, and sending through the raw socket when the client has no route yet.

use crate::dhcp4::Dhcp4;
use crate::service::{send_all, ReceiveStats, Service};
use crate::sockets4::Listener4;
use ruru_engine::v4::{process, Destination4, Ingress4, Outcome4, Snapshot4};
use ruru_hooks::Point;
use ruru_lease::StoreError;
use ruru_net::{DatagramSocket, RecvMeta4, SendTarget4, V4};
use ruru_proto::v4::{MessageType, Packet4};
use std::fmt::Display;
use std::future::Future;
use std::net::Ipv4Addr;
use std::sync::Arc;

/// A reply waiting for the batch's durability barrier.
pub(crate) struct Pending {
    out: usize,
    to: Destination4,
    msg: Option<MessageType>,
}

impl Service for Dhcp4 {
    type Ip = V4;
    type Packet = Packet4;
    type Outcome = Outcome4;
    type Pending = Pending;
    const BUFFER_RECEIVE: Point = Point::Buffer4Receive;
    const DISABLED_COUNTS_DROPS: bool = true;
    const PARSE_FAIL_ID: &'static str = "DHCP4_PACKET_DROP_0001";
    const PROCESS_FAIL_ID: &'static str = "DHCP4_PACKET_PROCESS_STD_EXCEPTION";

    fn receiver(l: &Listener4) -> &dyn DatagramSocket<V4> {
        &*l.recv
    }
    fn ifname(l: &Listener4) -> &str {
        &l.ifname
    }
    fn receive_stats(snap: &Snapshot4) -> ReceiveStats<'_> {
        ReceiveStats {
            received: &snap.stats.received,
            parse_failed: &snap.stats.parse_failed,
            receive_drop: &snap.stats.receive_drop,
        }
    }
    fn parse_packet(wire: &[u8]) -> Result<Packet4, impl Display> {
        Packet4::parse(wire)
    }
    fn exchange(
        snap: Arc<Snapshot4>,
        store: Arc<crate::store::Leases4>,
        pkt: Packet4,
        l: &Listener4,
        meta: &RecvMeta4,
        now: u64,
    ) -> impl Future<Output = Result<Outcome4, StoreError>> + Send + 'static {
        let ing = ingress(l, meta);
        async move { process(&snap, &*store, &pkt, &ing, now).await }
    }
    fn queue(
        snap: &Snapshot4,
        done: Result<Outcome4, StoreError>,
        outs: &mut [Vec<u8>],
        pending: &mut Vec<Pending>,
    ) {
        queue_reply(snap, done, outs, pending);
    }
    fn send(l: &Listener4, snap: &Snapshot4, outs: &[Vec<u8>], pending: &[Pending]) {
        send(l, snap, outs, pending);
    }
}

/// Encodes the engine's reply into the next free buffer (through `buffer4_send`) and queues it.
fn queue_reply(
    snap: &Snapshot4,
    done: Result<Outcome4, StoreError>,
    outs: &mut [Vec<u8>],
    pending: &mut Vec<Pending>,
) {
    match done {
        Ok(Outcome4::Reply { packet, to, .. }) => {
            let out = pending.len();
            outs[out].clear();
            packet.encode(&mut outs[out]);
            if snap.hooks.has(Point::Buffer4Send) {
                // HK-113: SKIP or DROP here withholds the reply; the lease change stays.
                match snap
                    .hooks
                    .call_buffer(Point::Buffer4Send, std::mem::take(&mut outs[out]))
                {
                    Some(b) => outs[out] = b,
                    None => return,
                }
            }
            pending.push(Pending {
                out,
                to,
                msg: packet.message_type(),
            });
        }
        Ok(Outcome4::Done | Outcome4::Drop(_)) => {}
        Err(e) => {
            snap.stats.receive_drop.inc();
            tracing::error!(target: "kea-dhcp4.dhcpsrv", id = <Dhcp4 as Service>::PROCESS_FAIL_ID, "lease store failure: {e}");
        }
    }
}

fn ingress(l: &Listener4, meta: &RecvMeta4) -> Ingress4 {
    let local = if l.addrs.contains(&meta.dst) {
        meta.dst
    } else {
        l.addrs.first().copied().unwrap_or(Ipv4Addr::UNSPECIFIED)
    };
    Ingress4 {
        src: meta.src,
        dst: meta.dst,
        ifname: Some(l.ifname.clone()),
        iface_addrs: l.addrs.clone(),
        local_addr: local,
    }
}

/// Sends the batch's replies: through the raw socket when the destination has no IP route yet
/// (broadcast, or unicast to an address-less client), through UDP otherwise.
fn send(l: &Listener4, snap: &Snapshot4, outs: &[Vec<u8>], pending: &[Pending]) {
    let mut via_udp: Vec<(&[u8], SendTarget4)> = Vec::with_capacity(pending.len());
    let mut via_raw: Vec<(&[u8], SendTarget4)> = Vec::new();
    for p in pending {
        let target = SendTarget4 {
            dst: p.to.addr,
            ifindex: l.ifindex,
            src: p.to.src,
            dst_mac: p.to.mac,
        };
        let direct = p.to.mac.is_some() || p.to.addr.ip().is_broadcast();
        match (&l.raw, direct) {
            (Some(_), true) => via_raw.push((&outs[p.out], target)),
            _ => via_udp.push((&outs[p.out], target)),
        }
    }
    let sent_udp = send_all::<Dhcp4>(&*l.udp, &via_udp);
    let sent_raw = l
        .raw
        .as_ref()
        .map_or(0, |r| send_all::<Dhcp4>(&**r, &via_raw));
    let st = &snap.stats;
    st.sent.add((sent_udp + sent_raw) as i64);
    for p in pending {
        match p.msg {
            Some(MessageType::Offer) => st.offer_sent.inc(),
            Some(MessageType::Ack) => st.ack_sent.inc(),
            Some(MessageType::Nak) => st.nak_sent.inc(),
            _ => {}
        }
    }
}
