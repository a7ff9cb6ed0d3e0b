//! Who has disabled DHCP service (`dhcp-disable`/`dhcp-enable`, CTL-049/050, V4-021): the service runs
//! only while no origin holds it off.

use parking_lot::Mutex;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Origin of a `dhcp-disable`: Kea's numbering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Origin(pub(crate) u32);

impl Origin {
    /// An administrator (`"origin": "user"`, the default).
    pub(crate) const USER: Origin = Origin(1);
    /// The lease or host database is unreachable: Kea's number, and the first of the range used
    /// when a configuration has several databases ([`Origin::db_connection`]).
    pub(crate) const DB_CONNECTION: Origin = Origin(2);
    /// `"origin": "ha-partner"`: the first HA relationship of a partner.
    pub(crate) const HA_PARTNER: Origin = Origin(2000);

    /// The hold of the `k`-th database of a configuration (the lease database first).
    pub(crate) fn db_connection(k: usize) -> Origin {
        Origin(Self::DB_CONNECTION.0 + u32::try_from(k).unwrap_or(0).min(997))
    }
    fn is_db_connection(self) -> bool {
        (Self::DB_CONNECTION.0..1000).contains(&self.0)
    }
    /// HA services of this server disable with 1000 + service id.
    fn is_local_ha(self) -> bool {
        (1000..2000).contains(&self.0)
    }
    /// HA partners disable with 2000 + service id.
    fn is_remote_ha(self) -> bool {
        self.0 >= 2000
    }
}

/// The set of origins holding the service off, each with an optional automatic re-enable time.
#[derive(Debug, Default)]
pub(crate) struct DhcpState {
    holds: Mutex<BTreeMap<Origin, Option<Instant>>>,
    /// Mirrors `holds.is_empty()` for the packet threads, which read it once per batch.
    disabled: AtomicBool,
}

impl DhcpState {
    /// Whether DHCP packets are processed now. Expired `max-period` holds are released here, so no
    /// timer is needed: the next batch after the deadline re-enables the service.
    pub(crate) fn enabled(&self) -> bool {
        if !self.disabled.load(Ordering::Relaxed) {
            return true;
        }
        let mut holds = self.holds.lock();
        let now = Instant::now();
        holds.retain(|_, until| until.is_none_or(|t| t > now));
        self.disabled.store(!holds.is_empty(), Ordering::Relaxed);
        holds.is_empty()
    }

    /// Holds the service off for `origin`, until `dhcp-enable` or for `until`.
    pub(crate) fn disable(&self, origin: Origin, until: Option<Instant>) {
        self.holds.lock().insert(origin, until);
        self.disabled.store(true, Ordering::Relaxed);
    }

    /// Releases `origin`'s hold; service resumes once nobody holds it.
    pub(crate) fn enable(&self, origin: Origin) {
        let mut holds = self.holds.lock();
        holds.remove(&origin);
        self.disabled.store(!holds.is_empty(), Ordering::Relaxed);
    }

    /// Releases every database's hold (a new configuration watches its databases afresh).
    pub(crate) fn enable_databases(&self) {
        let mut holds = self.holds.lock();
        holds.retain(|o, _| !o.is_db_connection());
        self.disabled.store(!holds.is_empty(), Ordering::Relaxed);
    }

    /// The `dhcp-state` map of `status-get`.
    pub(crate) fn to_json(&self) -> Json {
        self.enabled();
        let holds = self.holds.lock();
        let ids = |f: fn(Origin) -> bool| -> Vec<u32> {
            holds.keys().filter(|o| f(**o)).map(|o| o.0).collect()
        };
        json!({
            "disabled-by-db-connection": holds.keys().any(|o| o.is_db_connection()),
            "disabled-by-local-command": ids(Origin::is_local_ha),
            "disabled-by-remote-command": ids(Origin::is_remote_ha),
            "disabled-by-user": holds.contains_key(&Origin::USER),
            "globally-disabled": !holds.is_empty(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// CTL-050: the service resumes only when every holder has enabled it again.
    #[test]
    fn service_resumes_when_no_origin_holds_it() {
        let s = DhcpState::default();
        assert!(s.enabled());
        s.disable(Origin::USER, None);
        s.disable(Origin(2001), None);
        s.enable(Origin::USER);
        assert!(!s.enabled());
        assert_eq!(s.to_json()["disabled-by-remote-command"], json!([2001]));
        s.enable(Origin(2001));
        assert!(s.enabled());
        assert_eq!(s.to_json()["globally-disabled"], json!(false));
    }

    /// CTL-049: `max-period` re-enables by itself.
    #[test]
    fn max_period_expires() {
        let s = DhcpState::default();
        s.disable(
            Origin::USER,
            Some(Instant::now() + Duration::from_millis(20)),
        );
        assert!(!s.enabled());
        std::thread::sleep(Duration::from_millis(30));
        assert!(s.enabled());
    }
}
