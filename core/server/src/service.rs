//! The packet service of both families: batched receive → parse → engine → durability barrier → batched
//! send. `service4` and `service6` implement [`Service`] with what differs (ingress, encoding, how
//! replies are addressed and counted).
//!
//! One thread per listening socket. A batch is whatever the socket holds when the first datagram arrives
//! (up to [`BATCH`]); its lease writes reach the store's durable medium with one `flush` before any reply of the
//! batch leaves, so an ACKed lease survives `kill -9` at the cost of one write per batch.

use crate::family::{flog_at, Family, SharedOf};
use crate::receive_queue::ReceiveQueue;
use ruru_hooks::Point;
use ruru_lease::StoreError;
use ruru_net::{DatagramSocket, IpFamily, RecvMeta, SendTarget};
use ruru_stats::Counter;
use std::fmt::Display;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// Datagrams read per system call and handled per durability barrier.
const BATCH: usize = 64;
/// Receive buffer size: larger than any DHCP datagram on Ethernet.
const BUF: usize = 4096;
/// How long a receive waits before the thread checks whether it should stop.
const STOP_POLL: Duration = Duration::from_millis(100);

/// The receive counters a batch moves before the engine sees a packet.
pub(crate) struct ReceiveStats<'a> {
    pub(crate) received: &'a Counter,
    pub(crate) parse_failed: &'a Counter,
    pub(crate) receive_drop: &'a Counter,
}

/// What the packet service needs of a family beyond [`Family`].
pub(crate) trait Service: Family<Listener: Sync> {
    /// The IP family of the listeners' sockets.
    type Ip: IpFamily;
    type Packet: Send + 'static;
    type Outcome: Send + 'static;
    /// A reply waiting for the batch's durability barrier.
    type Pending: Send + 'static;
    /// `buffer4_receive`, `buffer6_receive`.
    const BUFFER_RECEIVE: Point;
    /// Whether datagrams received while service is disabled count as receive drops (DHCPv4); DHCPv6
    /// drops them without counting (V6-023).
    const DISABLED_COUNTS_DROPS: bool;
    /// Kea's message id for a datagram that does not parse.
    const PARSE_FAIL_ID: &'static str;
    /// Kea's message id for a query dropped because processing failed (V6-026): the lease store.
    const PROCESS_FAIL_ID: &'static str;

    /// The socket batches are received from.
    fn receiver(l: &Self::Listener) -> &dyn DatagramSocket<Self::Ip>;
    fn ifname(l: &Self::Listener) -> &str;
    fn receive_stats(snap: &Self::Snapshot) -> ReceiveStats<'_>;
    fn parse_packet(wire: &[u8]) -> Result<Self::Packet, impl Display>;
    /// The engine's exchange for one parsed query received on `l`.
    fn exchange(
        snap: Arc<Self::Snapshot>,
        store: Arc<Self::Store>,
        pkt: Self::Packet,
        l: &Self::Listener,
        meta: &RecvMeta<Self::Ip>,
        now: u64,
    ) -> impl Future<Output = Result<Self::Outcome, StoreError>> + Send + 'static;
    /// Encodes the engine's reply into the next free buffer of `outs` (through `buffer*_send`) and
    /// queues it.
    fn queue(
        snap: &Self::Snapshot,
        done: Result<Self::Outcome, StoreError>,
        outs: &mut [Vec<u8>],
        pending: &mut Vec<Self::Pending>,
    );
    /// Sends the queued replies (at least one) and counts them.
    fn send(l: &Self::Listener, snap: &Self::Snapshot, outs: &[Vec<u8>], pending: &[Self::Pending]);
}

/// Serves one listener on the calling thread until `stop` is set.
///
/// The receive blocks for the first datagram of a batch and takes whatever else is queued in the same
/// system call. The batch's engine futures run on a thread-local runtime: memfile's complete without
/// waiting; a database backend's may wait without other threads being involved.
pub(crate) fn serve<F: Service>(
    shared: Arc<SharedOf<F>>,
    l: F::Listener,
    stop: Arc<AtomicBool>,
    waiting: tokio::runtime::Handle,
) -> io::Result<()> {
    let l = Arc::new(l);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let sock = F::receiver(&l);
    sock.set_wait_timeout(STOP_POLL)?;
    let mut bufs: Vec<Vec<u8>> = (0..BATCH).map(|_| vec![0u8; BUF]).collect();
    let mut metas = vec![RecvMeta::<F::Ip>::default(); BATCH];
    let mut outs: Vec<Vec<u8>> = (0..BATCH).map(|_| Vec::with_capacity(1024)).collect();
    let mut pending: Vec<F::Pending> = Vec::with_capacity(BATCH);
    let mut queue = F::settings(F::config_of(&shared.snapshot()))
        .receive_queue
        .map(ReceiveQueue::new);
    while !stop.load(Ordering::Relaxed) {
        let n = match sock.recv_batch_wait(&mut bufs, &mut metas) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                flog_at!(
                    F::V6,
                    warn,
                    "packets",
                    "receive failed on {}: {e}",
                    F::ifname(&l)
                );
                std::thread::sleep(STOP_POLL);
                continue;
            }
        };
        if n == 0 {
            continue;
        }
        let batch = Batch::<F> {
            shared: &shared,
            l: &l,
            waiting: &waiting,
        };
        let Some(queue) = queue.as_mut() else {
            rt.block_on(batch.handle(&bufs[..n], &metas[..n], &mut outs, &mut pending));
            continue;
        };
        // Everything waiting is read first; the queue keeps the newest.
        let mut dropped = queue.push(&bufs[..n], &metas[..n]);
        loop {
            match sock.recv_batch(&mut bufs, &mut metas) {
                Ok(0) => break,
                Ok(m) => dropped += queue.push(&bufs[..m], &metas[..m]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        if dropped > 0 {
            flog_at!(
                F::V6,
                debug,
                "packets",
                dropped,
                "receive queue full: the oldest datagrams dropped"
            );
        }
        queue.drain(BATCH, |b, m| {
            rt.block_on(batch.handle(b, m, &mut outs, &mut pending));
        });
    }
    Ok(())
}

/// Counts one exchange running off its socket thread for as long as it lives.
struct WaitingGuard(Arc<std::sync::atomic::AtomicUsize>);

impl WaitingGuard {
    fn enter(count: Arc<std::sync::atomic::AtomicUsize>) -> WaitingGuard {
        count.fetch_add(1, Ordering::Relaxed);
        WaitingGuard(count)
    }
}

impl Drop for WaitingGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What one batch is handled with.
struct Batch<'a, F: Service> {
    shared: &'a SharedOf<F>,
    l: &'a Arc<F::Listener>,
    waiting: &'a tokio::runtime::Handle,
}

impl<F: Service> Batch<'_, F> {
    /// Processes one received batch: parse, engine, durability barrier, send.
    async fn handle(
        &self,
        bufs: &[Vec<u8>],
        metas: &[RecvMeta<F::Ip>],
        outs: &mut [Vec<u8>],
        pending: &mut Vec<F::Pending>,
    ) {
        let snap = self.shared.snapshot();
        let stats = F::receive_stats(&snap);
        stats.received.add(metas.len() as i64);
        if !self.shared.service_enabled() {
            if F::DISABLED_COUNTS_DROPS {
                stats.receive_drop.add(metas.len() as i64);
            }
            return;
        }
        let hooks = F::hooks_of(&snap);
        let store = self.shared.store();
        let now = crate::unix_now();
        pending.clear();
        // Kea's `packet-queue-size` (0 = unlimited): a query that finds that many exchanges still
        // waiting (on a database, or parked) is dropped, as Kea drops one its full queue cannot
        // take, so an overloaded server keeps answering in time instead of answering all late.
        let queue = F::settings(F::config_of(&snap))
            .multi_threading
            .packet_queue_size as usize;
        let in_flight = self.shared.waiting();
        for (buf, meta) in bufs.iter().zip(metas) {
            if queue > 0 && in_flight.load(Ordering::Relaxed) >= queue {
                stats.receive_drop.inc();
                continue;
            }
            let rewritten;
            let mut wire = &buf[..meta.len];
            if hooks.has(F::BUFFER_RECEIVE) {
                match hooks.call_buffer(F::BUFFER_RECEIVE, wire.to_vec()) {
                    Some(b) => rewritten = b,
                    // HK-100, HK-120, HK-060: a plugin's drop is not a receive drop.
                    None => continue,
                }
                wire = &rewritten;
            }
            let pkt = match F::parse_packet(wire) {
                Ok(p) => p,
                Err(e) => {
                    stats.parse_failed.inc();
                    stats.receive_drop.inc();
                    let src: SocketAddr = meta.src.into();
                    flog_at!(F::V6, debug, "bad-packets", id = F::PARSE_FAIL_ID, src = %src, "failed to parse packet: {e}");
                    continue;
                }
            };
            let mut exchange = Box::pin(F::exchange(
                snap.clone(),
                store.clone(),
                pkt,
                self.l,
                meta,
                now,
            ));
            // Memfile exchanges complete on the first poll. One that waits (a parked packet, HK-062; a
            // database round trip) finishes on the shared runtime, so this socket keeps serving meanwhile.
            let Poll::Ready(done) = exchange
                .as_mut()
                .poll(&mut Context::from_waker(Waker::noop()))
            else {
                let (l, snap, store) = (self.l.clone(), snap.clone(), store.clone());
                let in_flight = WaitingGuard::enter(in_flight.clone());
                self.waiting.spawn(async move {
                    let done = exchange.await;
                    drop(in_flight);
                    if let Err(e) = F::flush(&store).await {
                        flog_at!(
                            F::V6,
                            error,
                            "lease-mgr",
                            id = F::PROCESS_FAIL_ID,
                            "lease file write failed, reply withheld: {e}"
                        );
                        F::receive_stats(&snap).receive_drop.inc();
                        return;
                    }
                    let (mut outs, mut pending) =
                        (vec![Vec::with_capacity(1024)], Vec::with_capacity(1));
                    F::queue(&snap, done, &mut outs, &mut pending);
                    if !pending.is_empty() {
                        F::send(&l, &snap, &outs, &pending);
                    }
                });
                continue;
            };
            F::queue(&snap, done, outs, pending);
        }
        // The durability barrier: no reply leaves before the leases it announces are written, and changes
        // without a reply (RELEASE, DECLINE) reach the file with the same batch.
        if let Err(e) = F::flush(&store).await {
            flog_at!(
                F::V6,
                error,
                "lease-mgr",
                id = F::PROCESS_FAIL_ID,
                "lease file write failed, {} replies withheld: {e}",
                pending.len()
            );
            stats.receive_drop.add(pending.len() as i64);
            return;
        }
        if !pending.is_empty() {
            F::send(self.l, &snap, outs, pending);
        }
    }
}

/// Sends every message through `sock` and returns how many the kernel took; a message the kernel
/// refuses is skipped, a full send buffer is retried briefly.
pub(crate) fn send_all<F: Service>(
    sock: &dyn DatagramSocket<F::Ip>,
    msgs: &[(&[u8], SendTarget<F::Ip>)],
) -> usize {
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
                let dst: SocketAddr = msgs[next].1.dst.into();
                let id = if F::V6 {
                    "DHCP6_PACKET_SEND_FAIL"
                } else {
                    "DHCP4_PACKET_SEND_FAIL"
                };
                flog_at!(F::V6, warn, "packets", id, dst = %dst, "send failed: {why}");
                next += 1;
            }
        }
    }
    sent
}
