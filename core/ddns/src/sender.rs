//! The NCR queue: packet workers put requests in without waiting; one thread per `dhcp-ddns`
//! setting sends them to D2 over UDP, in order.

use crate::ncr::Ncr;
use ruru_config::DhcpDdns;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;

/// Logs under the family's `dhcpsrv` logger, where Kea's NCR sender logs.
macro_rules! dlog {
    ($v6:expr, $lvl:ident, $($rest:tt)*) => {
        if $v6 {
            tracing::$lvl!(target: "kea-dhcp6.dhcpsrv", $($rest)*)
        } else {
            tracing::$lvl!(target: "kea-dhcp4.dhcpsrv", $($rest)*)
        }
    };
}

/// Why an NCR was not queued, or a sender not started.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// `enable-updates` is false.
    #[error("DDNS updating is not enabled")]
    Disabled,
    /// `max-queue-size` requests are waiting: this one is dropped (leasing goes on).
    #[error("the NCR queue is full")]
    Full,
    /// The sender thread is gone.
    #[error("the NCR sender has stopped")]
    Stopped,
    /// The sending socket could not be opened.
    #[error("cannot open the NCR sender socket on {addr}: {source}")]
    Socket {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A handle on the NCR sender of one `dhcp-ddns` setting; clones share it. The sender thread ends
/// once the last handle is dropped and what was queued is sent.
#[derive(Debug, Clone, Default)]
pub struct Queue {
    inner: Option<Arc<Inner>>,
}

#[derive(Debug)]
struct Inner {
    tx: SyncSender<Ncr>,
    params: DhcpDdns,
    v6: bool,
}

impl Queue {
    /// A queue that refuses everything: `enable-updates` is false.
    pub fn disabled() -> Queue {
        Queue::default()
    }

    /// The sender for `params`: disabled when `enable-updates` is false, else a socket bound to
    /// `sender-ip`:`sender-port` (any address of the server's family and any port when unset)
    /// and a thread sending to `server-ip`:`server-port`. `v6` picks the logger
    /// (`kea-dhcp6.dhcpsrv`).
    pub fn start(params: &DhcpDdns, v6: bool) -> Result<Queue, QueueError> {
        if !params.enable_updates {
            return Ok(Queue::disabled());
        }
        let server = SocketAddr::new(params.server_ip, params.server_port);
        let any: IpAddr = match params.server_ip {
            IpAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
            IpAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
        };
        let local = SocketAddr::new(params.sender_ip.unwrap_or(any), params.sender_port);
        let socket = UdpSocket::bind(local).map_err(|source| QueueError::Socket {
            addr: local,
            source,
        })?;
        let capacity = usize::try_from(params.max_queue_size)
            .unwrap_or(usize::MAX)
            .max(1);
        let (tx, rx) = sync_channel(capacity);
        std::thread::Builder::new()
            .name("ruru-ncr-sender".into())
            .spawn(move || send_all(&rx, &socket, server, v6))
            .map_err(|source| QueueError::Socket {
                addr: local,
                source,
            })?;
        dlog!(v6, info, id = "DHCPSRV_DHCP_DDNS_SENDER_STARTED", server = %server, sender = %local, max_queue_size = capacity, "NameChangeRequest sender has been started");
        Ok(Queue {
            inner: Some(Arc::new(Inner {
                tx,
                params: params.clone(),
                v6,
            })),
        })
    }

    /// Whether NCRs are sent at all (`enable-updates`).
    pub fn enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// The setting this sender was started with (None when disabled): a new configuration with
    /// the same setting keeps the running sender.
    pub fn params(&self) -> Option<&DhcpDdns> {
        self.inner.as_ref().map(|i| &i.params)
    }

    /// Queues `ncr` without waiting. A full queue drops it (`DHCPSRV_DHCP_DDNS_NCR_REJECTED`):
    /// DNS updates pause until D2 catches up, leasing does not.
    pub fn send(&self, ncr: Ncr) -> Result<(), QueueError> {
        let inner = self.inner.as_ref().ok_or(QueueError::Disabled)?;
        let v6 = inner.v6;
        dlog!(v6, debug, id = "DHCPSRV_QUEUE_NCR", change = ncr.change.as_str(), fqdn = %ncr.fqdn, address = %ncr.address, "name change request queued");
        match inner.tx.try_send(ncr) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(ncr)) => {
                dlog!(v6, error, id = "DHCPSRV_DHCP_DDNS_NCR_REJECTED", fqdn = %ncr.fqdn, address = %ncr.address, "NameChangeRequest rejected by the sender: queue full");
                Err(QueueError::Full)
            }
            Err(TrySendError::Disconnected(_)) => Err(QueueError::Stopped),
        }
    }
}

fn send_all(rx: &Receiver<Ncr>, socket: &UdpSocket, server: SocketAddr, v6: bool) {
    while let Ok(ncr) = rx.recv() {
        match socket.send_to(&ncr.to_wire(), server) {
            Ok(_) => {
                dlog!(v6, debug, id = "DHCPSRV_DHCP_DDNS_NCR_SENT", ncr = %ncr.to_json(), "NameChangeRequest sent to kea-dhcp-ddns");
            }
            Err(e) => {
                dlog!(v6, error, id = "DHCPSRV_QUEUE_NCR_FAILED", change = ncr.change.as_str(), address = %ncr.address, error = %e, "sending a NameChangeRequest to kea-dhcp-ddns failed");
            }
        }
    }
    dlog!(
        v6,
        info,
        id = "DHCPSRV_DHCP_DDNS_SENDER_STOPPED",
        "NameChangeRequest sender has been stopped."
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ChangeType, Dhcid};
    use ruru_config::ConflictResolutionMode;
    use std::time::Duration;

    fn params(port: u16, max_queue_size: u32) -> DhcpDdns {
        DhcpDdns {
            enable_updates: true,
            server_ip: Ipv4Addr::LOCALHOST.into(),
            server_port: port,
            sender_ip: None,
            sender_port: 0,
            max_queue_size,
            ncr_protocol: "UDP".into(),
            ncr_format: "JSON".into(),
            user_context: None,
        }
    }

    fn ncr(n: u8) -> Ncr {
        Ncr {
            change: ChangeType::Add,
            forward: true,
            reverse: false,
            fqdn: format!("h{n}.example."),
            address: Ipv4Addr::new(192, 0, 2, n).into(),
            dhcid: Dhcid::from_hwaddr(1, &[n; 6], "h.example."),
            expires_on: 0,
            lease_length: 600,
            mode: ConflictResolutionMode::CheckWithDhcid,
        }
    }

    // V4-152: NCRs reach server-ip:server-port over UDP, in order.
    #[test]
    fn v4_152_sends_in_order_to_the_server() {
        let d2 = UdpSocket::bind("127.0.0.1:0").unwrap();
        d2.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let q = Queue::start(&params(d2.local_addr().unwrap().port(), 16), false).unwrap();
        for n in 1..=3 {
            q.send(ncr(n)).unwrap();
        }
        let mut buf = [0u8; 2048];
        for n in 1..=3 {
            let len = d2.recv(&mut buf).unwrap();
            assert_eq!(&buf[..len], &ncr(n).to_wire()[..]);
        }
    }

    #[test]
    fn v4_152_disabled_refuses() {
        let mut p = params(53001, 16);
        p.enable_updates = false;
        let q = Queue::start(&p, false).unwrap();
        assert!(!q.enabled());
        assert!(matches!(q.send(ncr(1)), Err(QueueError::Disabled)));
    }

    // V4-152: a full queue drops the request and refuses; the caller goes on.
    #[test]
    fn v4_152_full_queue_refuses_without_waiting() {
        // A sender socket bound to a port nobody reads, and a queue of one: the thread takes one
        // request at a time, so a burst overflows.
        let q = Queue::start(&params(9, 1), false).unwrap();
        let refused = (0..200u8)
            .map(|n| q.send(ncr(n)))
            .filter(|r| matches!(r, Err(QueueError::Full)))
            .count();
        assert!(refused > 0, "a queue of one never filled up");
    }
}
