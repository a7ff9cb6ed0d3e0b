//! The DHCPv4 packet service: batched receive → parse → engine → durability barrier → batched send.
//!
//! One thread per listening socket. A batch is whatever the socket holds when the first datagram arrives
//! (up to [`BATCH`]); its lease writes reach the store's durable medium with one `flush` before any reply of the
//! batch leaves, so an ACKed lease survives `kill -9` at the cost of one write per batch.

use crate::shared::Shared;
use crate::sockets4::Listener4;
use ruru_engine::v4::{process, Destination4, Ingress4, Outcome4, Snapshot4};
use ruru_hooks::Point;
use ruru_lease::LeaseStore4;
use ruru_net::{RecvMeta4, SendTarget4, Socket4};
use ruru_proto::v4::{MessageType, Packet4};
use std::future::Future;
use std::io;
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// Datagrams read per system call and handled per durability barrier.
const BATCH: usize = 64;
/// Receive buffer size: larger than any DHCPv4 datagram on Ethernet.
const BUF: usize = 4096;

/// A reply waiting for the batch's durability barrier.
struct Pending {
    out: usize,
    to: Destination4,
    msg: Option<MessageType>,
}

/// How long a receive waits before the thread checks whether it should stop.
const STOP_POLL: Duration = Duration::from_millis(100);

/// Serves one listener on the calling thread until `stop` is set.
///
/// The receive blocks for the first datagram of a batch and takes whatever else is queued in the same
/// system call. The batch's engine futures run on a thread-local runtime: memfile's complete without
/// waiting; a database backend's may wait without other threads being involved.
pub(crate) fn serve<S: LeaseStore4 + 'static>(
    shared: Arc<Shared<Snapshot4, S>>,
    l: Listener4,
    stop: Arc<AtomicBool>,
    waiting: tokio::runtime::Handle,
) -> io::Result<()> {
    let l = Arc::new(l);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    l.recv.set_wait_timeout(STOP_POLL)?;
    let mut bufs: Vec<Vec<u8>> = (0..BATCH).map(|_| vec![0u8; BUF]).collect();
    let mut metas = vec![RecvMeta4::default(); BATCH];
    let mut outs: Vec<Vec<u8>> = (0..BATCH).map(|_| Vec::with_capacity(1024)).collect();
    let mut pending: Vec<Pending> = Vec::with_capacity(BATCH);
    while !stop.load(Ordering::Relaxed) {
        let n = match l.recv.recv_batch_wait(&mut bufs, &mut metas) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                tracing::warn!(target: "kea-dhcp4.packets", "receive failed on {}: {e}", l.ifname);
                std::thread::sleep(STOP_POLL);
                continue;
            }
        };
        if n > 0 {
            rt.block_on(handle_batch(
                &shared,
                &l,
                &waiting,
                &bufs[..n],
                &metas[..n],
                &mut outs,
                &mut pending,
            ));
        }
    }
    Ok(())
}

/// Processes one received batch: parse, engine, durability barrier, send.
async fn handle_batch<S: LeaseStore4 + 'static>(
    shared: &Shared<Snapshot4, S>,
    l: &Arc<Listener4>,
    waiting: &tokio::runtime::Handle,
    bufs: &[Vec<u8>],
    metas: &[RecvMeta4],
    outs: &mut [Vec<u8>],
    pending: &mut Vec<Pending>,
) {
    let snap = shared.snapshot();
    let n = metas.len();
    if !shared.service_enabled() {
        snap.stats.received.add(n as i64);
        snap.stats.receive_drop.add(n as i64);
        return;
    }
    let store = shared.store();
    let now = crate::unix_now();
    pending.clear();
    for (buf, meta) in bufs.iter().zip(metas) {
        snap.stats.received.inc();
        let rewritten;
        let mut wire = &buf[..meta.len];
        if snap.hooks.has(Point::Buffer4Receive) {
            match snap.hooks.call_buffer(Point::Buffer4Receive, wire.to_vec()) {
                Some(b) => rewritten = b,
                // HK-100, HK-060: a plugin's drop is not a receive drop.
                None => continue,
            }
            wire = &rewritten;
        }
        let pkt = match Packet4::parse(wire) {
            Ok(p) => p,
            Err(e) => {
                snap.stats.parse_failed.inc();
                snap.stats.receive_drop.inc();
                tracing::debug!(target: "kea-dhcp4.bad-packets", id = "DHCP4_PACKET_DROP_0001", src = %meta.src, "failed to parse packet: {e}");
                continue;
            }
        };
        let ing = ingress(l, meta);
        let (snap2, store2) = (snap.clone(), store.clone());
        let mut exchange =
            Box::pin(async move { process(&snap2, &*store2, &pkt, &ing, now).await });
        // Memfile exchanges complete on the first poll. One that waits (a parked packet, HK-062; a
        // database round trip) finishes on the shared runtime, so this socket keeps serving meanwhile.
        let done = exchange
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()));
        let Poll::Ready(done) = done else {
            let (l, snap, store) = (l.clone(), snap.clone(), store.clone());
            waiting.spawn(async move {
                let done = exchange.await;
                if let Err(e) = store.flush().await {
                    tracing::error!(target: "kea-dhcp4.lease-mgr", "lease file write failed, reply withheld: {e}");
                    return;
                }
                let mut outs = vec![Vec::with_capacity(1024)];
                let mut pending = Vec::with_capacity(1);
                queue_reply(&snap, done, &mut outs, &mut pending);
                if !pending.is_empty() {
                    send(&l, &snap, &outs, &pending);
                }
            });
            continue;
        };
        queue_reply(&snap, done, outs, pending);
    }
    // The durability barrier: no reply leaves before the leases it announces are written, and changes
    // without a reply (RELEASE, DECLINE) reach the file with the same batch.
    if let Err(e) = store.flush().await {
        tracing::error!(target: "kea-dhcp4.lease-mgr", "lease file write failed, {} replies withheld: {e}", pending.len());
        snap.stats.receive_drop.add(pending.len() as i64);
        return;
    }
    if !pending.is_empty() {
        send(l, &snap, outs, pending);
    }
}

/// Encodes the engine's reply into the next free buffer (through `buffer4_send`) and queues it.
fn queue_reply(
    snap: &Snapshot4,
    done: Result<Outcome4, ruru_lease::StoreError>,
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
            tracing::error!(target: "kea-dhcp4.dhcpsrv", id = "DHCP4_PACKET_PROCESS_EXCEPTION", "lease store failure: {e}");
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
    let sent_udp = send_all(&*l.udp, &via_udp);
    let sent_raw = l.raw.as_ref().map_or(0, |r| send_all(&**r, &via_raw));
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

/// Sends every message and returns how many the kernel took; a message the kernel refuses is skipped,
/// a full send buffer is retried briefly.
fn send_all(sock: &dyn Socket4, msgs: &[(&[u8], SendTarget4)]) -> usize {
    let (mut next, mut sent, mut spins) = (0, 0, 0);
    while next < msgs.len() {
        match sock.send_batch(&msgs[next..]) {
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
                tracing::warn!(target: "kea-dhcp4.packets", id = "DHCP4_PACKET_SEND_FAIL", dst = %msgs[next].1.dst, "send failed: {why}");
                next += 1;
            }
        }
    }
    sent
}
