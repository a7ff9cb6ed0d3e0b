//! The DHCPv6 packet service: batched receive → parse (relay levels unwrapped) → engine → durability
//! barrier → batched send over the receiving interface.
//!
//! One thread per interface socket, as in `service4`: a batch's lease writes reach the store's durable
//! medium with one `flush` before any answer of the batch leaves.

use crate::shared::Shared;
use crate::sockets6::Listener6;
use ruru_engine::v6::{process, Ingress6, Outcome6, Snapshot6};
use ruru_hooks::Point;
use ruru_lease::{LeaseStore6, StoreError};
use ruru_net::{DatagramSocket, RecvMeta6, SendTarget6};
use ruru_proto::v6::{MessageType, Packet6};
use std::future::Future;
use std::io;
use std::net::{Ipv6Addr, SocketAddrV6};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// Datagrams read per system call and handled per durability barrier.
const BATCH: usize = 64;
/// Receive buffer: larger than any DHCPv6 datagram on Ethernet.
const BUF: usize = 4096;
/// How long a receive waits before the thread checks whether it should stop.
const STOP_POLL: Duration = Duration::from_millis(100);

/// An answer waiting for the batch's durability barrier.
struct Pending {
    out: usize,
    to: SocketAddrV6,
    msg: MessageType,
}

/// Serves one listener on the calling thread until `stop` is set.
pub(crate) fn serve<S: LeaseStore6 + 'static>(
    shared: Arc<Shared<Snapshot6, S>>,
    l: Listener6,
    stop: Arc<AtomicBool>,
    waiting: tokio::runtime::Handle,
) -> io::Result<()> {
    let l = Arc::new(l);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    l.udp.set_wait_timeout(STOP_POLL)?;
    let mut bufs: Vec<Vec<u8>> = (0..BATCH).map(|_| vec![0u8; BUF]).collect();
    let mut metas = vec![RecvMeta6::default(); BATCH];
    let mut outs: Vec<Vec<u8>> = (0..BATCH).map(|_| Vec::with_capacity(1024)).collect();
    let mut pending: Vec<Pending> = Vec::with_capacity(BATCH);
    while !stop.load(Ordering::Relaxed) {
        let n = match l.udp.recv_batch_wait(&mut bufs, &mut metas) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                tracing::warn!(target: "kea-dhcp6.packets", "receive failed on {}: {e}", l.ifname);
                std::thread::sleep(STOP_POLL);
                continue;
            }
        };
        if n > 0 {
            let batch = Batch {
                shared: &shared,
                l: &l,
                waiting: &waiting,
            };
            rt.block_on(batch.handle(&bufs[..n], &metas[..n], &mut outs, &mut pending));
        }
    }
    Ok(())
}

/// What one batch is handled with.
struct Batch<'a, S> {
    shared: &'a Shared<Snapshot6, S>,
    l: &'a Arc<Listener6>,
    waiting: &'a tokio::runtime::Handle,
}

impl<S: LeaseStore6 + 'static> Batch<'_, S> {
    async fn handle(
        &self,
        bufs: &[Vec<u8>],
        metas: &[RecvMeta6],
        outs: &mut [Vec<u8>],
        pending: &mut Vec<Pending>,
    ) {
        let snap = self.shared.snapshot();
        snap.stats.received.add(metas.len() as i64);
        if !self.shared.service_enabled() {
            // V6-023: dropped without counting as receive drops.
            return;
        }
        let store = self.shared.store();
        let now = crate::unix_now();
        pending.clear();
        for (buf, meta) in bufs.iter().zip(metas) {
            let rewritten;
            let mut wire = &buf[..meta.len];
            if snap.hooks.has(Point::Buffer6Receive) {
                match snap.hooks.call_buffer(Point::Buffer6Receive, wire.to_vec()) {
                    Some(b) => rewritten = b,
                    // HK-120, HK-060: a plugin's drop is not a receive drop.
                    None => continue,
                }
                wire = &rewritten;
            }
            let pkt = match Packet6::parse(wire) {
                Ok(p) => p,
                Err(e) => {
                    snap.stats.parse_failed.inc();
                    snap.stats.receive_drop.inc();
                    tracing::debug!(target: "kea-dhcp6.bad-packets", id = "DHCP6_PACKET_DROP_PARSE_FAIL", src = %meta.src, "failed to parse packet: {e}");
                    continue;
                }
            };
            let ing = Ingress6 {
                src: meta.src,
                dst: meta.dst,
                ifname: Some(self.l.ifname.clone()),
            };
            let (snap2, store2) = (snap.clone(), store.clone());
            let mut exchange =
                Box::pin(async move { process(&snap2, &*store2, &pkt, &ing, now).await });
            // Memfile exchanges complete on the first poll; one that waits finishes on the shared
            // runtime so this socket keeps serving meanwhile.
            let Poll::Ready(done) = exchange
                .as_mut()
                .poll(&mut Context::from_waker(Waker::noop()))
            else {
                let (l, snap, store) = (self.l.clone(), snap.clone(), store.clone());
                self.waiting.spawn(async move {
                    let done = exchange.await;
                    if let Err(e) = store.flush().await {
                        tracing::error!(target: "kea-dhcp6.lease-mgr", "lease file write failed, reply withheld: {e}");
                        return;
                    }
                    let (mut outs, mut pending) = (vec![Vec::new()], Vec::with_capacity(1));
                    queue(&snap, done, &mut outs, &mut pending);
                    send(&l, &snap, &outs, &pending);
                });
                continue;
            };
            queue(&snap, done, outs, pending);
        }
        // The durability barrier: no answer leaves before the leases it announces are written.
        if let Err(e) = store.flush().await {
            tracing::error!(target: "kea-dhcp6.lease-mgr", "lease file write failed, {} replies withheld: {e}", pending.len());
            snap.stats.receive_drop.add(pending.len() as i64);
            return;
        }
        send(self.l, &snap, outs, pending);
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
            tracing::error!(target: "kea-dhcp6.dhcpsrv", id = "DHCP6_PACKET_PROCESS_EXCEPTION", "lease store failure: {e}");
        }
    }
}

/// Sends the batch's answers over the receiving interface (V6-047) and counts them (V6-182).
fn send(l: &Listener6, snap: &Snapshot6, outs: &[Vec<u8>], pending: &[Pending]) {
    if pending.is_empty() {
        return;
    }
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
    let (mut next, mut sent, mut spins) = (0, 0, 0);
    while next < msgs.len() {
        match l.udp.send_batch(&msgs[next..]) {
            Ok(k) if k > 0 => {
                next += k;
                sent += k;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && spins < 100 => {
                spins += 1;
                std::thread::yield_now();
            }
            res => {
                let why = res
                    .err()
                    .map_or("nothing sent".to_owned(), |e| e.to_string());
                tracing::warn!(target: "kea-dhcp6.packets", id = "DHCP6_PACKET_SEND_FAIL", dst = %msgs[next].1.dst, "send failed: {why}");
                next += 1;
            }
        }
    }
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
