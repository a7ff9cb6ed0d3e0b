//! The process's NCR sender (V4-152, V6-176): started for the first configuration that enables
//! updates and kept across reconfigurations while `dhcp-ddns` stays the same, so a fixed
//! `sender-port` is not bound twice.

use parking_lot::Mutex;
use ruru_config::DhcpDdns;
use ruru_ddns::Queue;

static RUNNING: Mutex<Option<Queue>> = Mutex::new(None);

/// The sender for `params`: the running one when its setting is the same, else a new one (the old
/// one stops once the snapshots holding it are gone). A sender that cannot open its socket fails
/// the configuration, so the running one stays.
pub(crate) fn sender_for(params: &DhcpDdns, v6: bool) -> Result<Queue, String> {
    let mut running = RUNNING.lock();
    if let Some(q) = running.as_ref().filter(|q| q.params() == Some(params)) {
        return Ok(q.clone());
    }
    // Our handle on the old sender goes first: with the same sender-port, it must be able to stop.
    *running = None;
    let q = Queue::start(params, v6).map_err(|e| format!("dhcp-ddns: {e}"))?;
    if q.enabled() {
        *running = Some(q.clone());
    }
    Ok(q)
}
