//! Addresses an exchange is working on (LC-021, Kea's resource handler): from the moment a packet
//! commits a lease until its processing ends (parked time included), lease commands on that address
//! are refused rather than racing the packet. Sharded so packet threads rarely meet on a lock.

use std::net::IpAddr;
use std::sync::Mutex;

const SHARDS: usize = 16;

/// The held addresses of one configuration's exchanges.
#[derive(Debug, Default)]
pub struct Busy {
    shards: [Mutex<Vec<IpAddr>>; SHARDS],
}

impl Busy {
    fn shard(&self, a: IpAddr) -> &Mutex<Vec<IpAddr>> {
        let h = match a {
            IpAddr::V4(v) => u32::from(v) as usize,
            IpAddr::V6(v) => u128::from(v) as usize,
        };
        &self.shards[h % SHARDS]
    }

    /// Marks `a` held until the returned guard drops; held twice (two packets of one client) it
    /// stays held until both let go.
    pub(crate) fn hold(&self, a: IpAddr) -> Held<'_> {
        self.shard(a)
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(a);
        Held { busy: self, a }
    }

    /// Whether an exchange holds `a`.
    pub fn is_held(&self, a: IpAddr) -> bool {
        self.shard(a)
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&a)
    }
}

/// An address held by an exchange; released on drop.
#[derive(Debug)]
pub(crate) struct Held<'b> {
    busy: &'b Busy,
    a: IpAddr,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        let mut v = self
            .busy
            .shard(self.a)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(i) = v.iter().position(|x| *x == self.a) {
            v.swap_remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // LC-021: held while a guard lives, by every guard.
    #[test]
    fn held_until_every_guard_drops() {
        let b = Busy::default();
        let a: IpAddr = "192.0.2.5".parse().unwrap();
        assert!(!b.is_held(a));
        let g1 = b.hold(a);
        let g2 = b.hold(a);
        drop(g1);
        assert!(b.is_held(a));
        drop(g2);
        assert!(!b.is_held(a));
    }
}
