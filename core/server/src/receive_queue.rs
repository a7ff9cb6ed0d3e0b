//! `dhcp-queue-control` (V4-176, V6-194): with multi-threading off, the datagrams waiting when the
//! packet thread turns to its socket are all read, and only the newest `capacity` of them are
//! handled. A server that fell behind answers current queries rather than stale ones, whose
//! clients have likely retransmitted already. Datagrams pushed out are not counted anywhere, as
//! in Kea, whose ring drops them before any statistic sees them.

use ruru_net::{IpFamily, RecvMeta};
use std::collections::VecDeque;

/// The newest datagrams received, at most `capacity`.
pub(crate) struct ReceiveQueue<F: IpFamily> {
    capacity: usize,
    bufs: VecDeque<Vec<u8>>,
    metas: VecDeque<RecvMeta<F>>,
}

impl<F: IpFamily> ReceiveQueue<F> {
    pub(crate) fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let room = capacity.min(1024);
        ReceiveQueue {
            capacity,
            bufs: VecDeque::with_capacity(room),
            metas: VecDeque::with_capacity(room),
        }
    }

    /// Queues the received datagrams (`bufs[i][..metas[i].len]`), pushing out the oldest beyond
    /// the capacity; returns how many were pushed out.
    pub(crate) fn push(&mut self, bufs: &[Vec<u8>], metas: &[RecvMeta<F>]) -> usize {
        let mut dropped = 0;
        for (buf, meta) in bufs.iter().zip(metas) {
            if self.bufs.len() == self.capacity {
                self.bufs.pop_front();
                self.metas.pop_front();
                dropped += 1;
            }
            self.bufs.push_back(buf[..meta.len].to_vec());
            self.metas.push_back(*meta);
        }
        dropped
    }

    /// Hands the queued datagrams, oldest first, to `handle` in slices of at most `batch`, and
    /// empties the queue.
    pub(crate) fn drain(
        &mut self,
        batch: usize,
        mut handle: impl FnMut(&[Vec<u8>], &[RecvMeta<F>]),
    ) {
        let (bufs, metas) = (self.bufs.make_contiguous(), self.metas.make_contiguous());
        for (b, m) in bufs.chunks(batch).zip(metas.chunks(batch)) {
            handle(b, m);
        }
        self.bufs.clear();
        self.metas.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruru_net::V4;

    fn datagram(tag: u8) -> (Vec<u8>, RecvMeta<V4>) {
        let meta = RecvMeta::<V4> {
            len: 2,
            ..Default::default()
        };
        (vec![tag, tag, 0xee, 0xee], meta)
    }

    // V4-176, V6-194: a burst of 100 into a queue of 10 leaves the newest 10, in arrival order,
    // each cut to its datagram's length.
    #[test]
    fn burst_keeps_the_newest() {
        let mut q = ReceiveQueue::<V4>::new(10);
        let (bufs, metas): (Vec<_>, Vec<_>) = (0..100).map(datagram).unzip();
        let dropped: usize = bufs
            .chunks(64)
            .zip(metas.chunks(64))
            .map(|(b, m)| q.push(b, m))
            .sum();
        assert_eq!(dropped, 90);
        let mut seen = Vec::new();
        q.drain(4, |b, m| {
            assert!(b.len() <= 4 && b.len() == m.len());
            seen.extend(b.iter().cloned());
        });
        let want: Vec<Vec<u8>> = (90..100).map(|t| vec![t, t]).collect();
        assert_eq!(seen, want);
        q.drain(4, |_, _| panic!("drained twice"));
    }
}
