//! The DHCPv6 half of the packet service ([`crate::service`]): parse with the relay levels unwrapped,
//! answer encoding through `buffer6_send`, and sending over the receiving interface.

use crate::dhcp6::Dhcp6;
use crate::service::{send_all, ReceiveStats, Service};
use crate::sockets6::Listener6;
use ruru_engine::v6::{process, Ingress6, Outcome6, Snapshot6};
use ruru_hooks::Point;
use ruru_lease::StoreError;
use ruru_net::{DatagramSocket, RecvMeta6, SendTarget6, V6};
use ruru_proto::v6::{MessageType, Packet6};
use std::fmt::Display;
use std::future::Future;
use std::net::{Ipv6Addr, SocketAddrV6};
use std::sync::Arc;

/// An answer waiting for the batch's durability barrier.
pub(crate) struct Pending {
    out: usize,
    to: SocketAddrV6,
    msg: MessageType,
}

impl Service for Dhcp6 {
    type Ip = V6;
    type Packet = Packet6;
    type Outcome = Outcome6;
    type Pending = Pending;
    const BUFFER_RECEIVE: Point = Point::Buffer6Receive;
    // V6-023: dropped without counting as receive drops.
    const DISABLED_COUNTS_DROPS: bool = false;
    const PARSE_FAIL_ID: &'static str = "DHCP6_PACKET_DROP_PARSE_FAIL";
    const PROCESS_FAIL_ID: &'static str = "DHCP6_PACKET_PROCESS_STD_EXCEPTION";

    fn receiver(l: &Listener6) -> &dyn DatagramSocket<V6> {
        &*l.udp
    }
    fn ifname(l: &Listener6) -> &str {
        &l.ifname
    }
    fn receive_stats(snap: &Snapshot6) -> ReceiveStats<'_> {
        ReceiveStats {
            received: &snap.stats.received,
            parse_failed: &snap.stats.parse_failed,
            receive_drop: &snap.stats.receive_drop,
        }
    }
    fn parse_packet(wire: &[u8]) -> Result<Packet6, impl Display> {
        Packet6::parse(wire)
    }
    fn exchange(
        snap: Arc<Snapshot6>,
        store: Arc<crate::store::Leases6>,
        pkt: Packet6,
        l: &Listener6,
        meta: &RecvMeta6,
        now: u64,
    ) -> impl Future<Output = Result<Outcome6, StoreError>> + Send + 'static {
        let ing = Ingress6 {
            src: meta.src,
            dst: meta.dst,
            ifname: Some(l.ifname.clone()),
        };
        async move { process(&snap, &*store, &pkt, &ing, now).await }
    }
    fn queue(
        snap: &Snapshot6,
        done: Result<Outcome6, StoreError>,
        outs: &mut [Vec<u8>],
        pending: &mut Vec<Pending>,
    ) {
        queue(snap, done, outs, pending);
    }
    fn send(l: &Listener6, snap: &Snapshot6, outs: &[Vec<u8>], pending: &[Pending]) {
        send(l, snap, outs, pending);
    }
}

/// Encodes the engine's answer into the next free buffer and queues it.
fn queue(
    snap: &Snapshot6,
    done: Result<Outcome6, StoreError>,
    outs: &mut [Vec<u8>],
    pending: &mut Vec<Pending>,
) {
    match done {
        Ok(Outcome6::Reply { packet, to, .. }) => {
            let out = pending.len();
            outs[out].clear();
            if let Err(e) = packet.encode(&mut outs[out]) {
                tracing::error!(target: "kea-dhcp6.packets", "cannot encode the answer: {e}");
                return;
            }
            if snap.hooks.has(Point::Buffer6Send) {
                // HK-132: SKIP or DROP here withholds the answer; the lease changes stay.
                match snap
                    .hooks
                    .call_buffer(Point::Buffer6Send, std::mem::take(&mut outs[out]))
                {
                    Some(b) => outs[out] = b,
                    None => return,
                }
            }
            pending.push(Pending {
                out,
                to,
                msg: packet.message.msg_type,
            });
        }
        Ok(Outcome6::Drop(_)) => {}
        Err(e) => {
            snap.stats.receive_drop.inc();
            tracing::error!(target: "kea-dhcp6.dhcpsrv", id = <Dhcp6 as Service>::PROCESS_FAIL_ID, "lease store failure: {e}");
        }
    }
}

/// Sends the batch's answers over the receiving interface (V6-047) and counts them (V6-182).
fn send(l: &Listener6, snap: &Snapshot6, outs: &[Vec<u8>], pending: &[Pending]) {
    let msgs: Vec<(&[u8], SendTarget6)> = pending
        .iter()
        .map(|p| {
            let scope = if p.to.ip().is_unicast_link_local() {
                l.ifindex
            } else {
                0
            };
            let target = SendTarget6 {
                dst: SocketAddrV6::new(*p.to.ip(), p.to.port(), 0, scope),
                ifindex: l.ifindex,
                src: Ipv6Addr::UNSPECIFIED,
                dst_mac: None,
            };
            (outs[p.out].as_slice(), target)
        })
        .collect();
    let sent = send_all::<Dhcp6>(&*l.udp, &msgs);
    let st = &snap.stats;
    st.sent.add(sent as i64);
    for p in pending {
        match p.msg {
            MessageType::Advertise => st.advertise_sent.inc(),
            MessageType::Reply => st.reply_sent.inc(),
            _ => {}
        }
    }
}
