//! The DHCPv6 lease indexes: the generic [`LeaseIndex`] with v6 leases listed by DUID with IAID
//! and type (how the engine finds a client's lease for an IA) and by DUID alone
//! (`lease6-get-by-duid`).

use std::net::Ipv6Addr;

use crate::index::{IdHasher, Indexed, LeaseIndex, ID_SLOTS};
use crate::{Duid, Lease6, LeaseState, LeaseType};

/// Identifier index slots of a v6 lease.
const DUID_IAID: usize = 0;
const DUID: usize = 1;

fn duid_iaid_key(h: &IdHasher, duid: &Duid, iaid: u32, lease_type: LeaseType) -> u64 {
    h.key((duid.as_bytes(), iaid, lease_type))
}

impl Indexed for Lease6 {
    type Addr = Ipv6Addr;

    fn addr(&self) -> Ipv6Addr {
        self.address
    }

    fn expire(&self) -> u64 {
        Lease6::expire(self)
    }

    fn is_reclaimed(&self) -> bool {
        self.state == LeaseState::ExpiredReclaimed
    }

    fn id_keys(&self, h: &IdHasher) -> [Option<u64>; ID_SLOTS] {
        let mut keys = [None; ID_SLOTS];
        keys[DUID_IAID] = Some(duid_iaid_key(h, &self.duid, self.iaid, self.lease_type));
        keys[DUID] = Some(h.key(self.duid.as_bytes()));
        keys
    }
}

impl LeaseIndex<Lease6> {
    /// Leases of type `lease_type` held by `duid` for IA `iaid`, in `subnet_id` when given, in
    /// address order.
    pub(crate) fn by_duid_iaid(
        &self,
        lease_type: LeaseType,
        duid: &Duid,
        iaid: u32,
        subnet_id: Option<u32>,
    ) -> Vec<Lease6> {
        let key = duid_iaid_key(self.hasher(), duid, iaid, lease_type);
        self.holders(DUID_IAID, key, |l| {
            l.lease_type == lease_type
                && l.iaid == iaid
                && &l.duid == duid
                && subnet_id.is_none_or(|s| s == l.subnet_id)
        })
    }

    /// Leases of every type held by `duid`, in address order.
    pub(crate) fn by_duid(&self, duid: &Duid) -> Vec<Lease6> {
        let key = self.hasher().key(duid.as_bytes());
        self.holders(DUID, key, |l| &l.duid == duid)
    }

    /// Leases whose hostname is `name` ignoring ASCII case, in address order (Kea keeps names in
    /// lower case; the engine may not). A scan, as for v4: only administrators look names up.
    pub(crate) fn by_hostname(&self, name: &str) -> Vec<Lease6> {
        self.filter(|l| l.hostname.eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// Deterministic dice, so failures replay: SipHash with fixed keys over a counter.
    #[derive(Default)]
    struct Dice(u64);

    impl Dice {
        /// A number below `n`.
        fn roll(&mut self, n: u64) -> u64 {
            self.0 += 1;
            let mut h = std::hash::DefaultHasher::new();
            std::hash::Hash::hash(&self.0, &mut h);
            std::hash::Hasher::finish(&h) % n
        }
    }

    const TYPES: [LeaseType; 3] = [LeaseType::Na, LeaseType::Ta, LeaseType::Pd];

    fn random_lease(r: &mut Dice) -> Lease6 {
        Lease6 {
            lease_type: TYPES[r.roll(3) as usize],
            hostname: ["", "a", "b.example."][r.roll(3) as usize].into(),
            state: LeaseState::from_u32(r.roll(4) as u32).unwrap_or_default(),
            ..Lease6::new(
                Ipv6Addr::from(0x2001_0db8_u128 << 96 | u128::from(r.roll(40))),
                Duid::new(&[0, 3, r.roll(4) as u8]),
                r.roll(3) as u32,
                1 + r.roll(2) as u32,
                r.roll(50) as u32,
                r.roll(50),
            )
        }
    }

    /// What identifier index `slot` must hold: each key with its addresses, ascending.
    fn expected(
        model: &BTreeMap<Ipv6Addr, Lease6>,
        index: &LeaseIndex<Lease6>,
        slot: usize,
    ) -> BTreeMap<u64, Vec<Ipv6Addr>> {
        let mut want: BTreeMap<u64, Vec<Ipv6Addr>> = BTreeMap::new();
        for l in model.values() {
            if let Some(key) = l.id_keys(index.hasher())[slot] {
                want.entry(key).or_default().push(l.address);
            }
        }
        want
    }

    fn scan(model: &BTreeMap<Ipv6Addr, Lease6>, keep: impl Fn(&Lease6) -> bool) -> Vec<Lease6> {
        model.values().filter(|l| keep(l)).cloned().collect()
    }

    // Every index answers what a scan of all leases answers, after any sequence of changes; the
    // identifier indexes are also compared entry by entry, since lookups filter their hits and
    // would hide a stale entry.
    #[test]
    fn indexes_agree_with_a_scan() {
        let mut r = Dice::default();
        let mut index = LeaseIndex::<Lease6>::default();
        let mut model = BTreeMap::new();
        for step in 0..4000 {
            let lease = random_lease(&mut r);
            if r.roll(4) == 0 {
                assert_eq!(index.remove(lease.address), model.remove(&lease.address));
            } else {
                assert_eq!(
                    index.insert(lease.clone()),
                    model.insert(lease.address, lease)
                );
            }
            if step % 40 != 0 {
                continue;
            }
            let rebuilt = LeaseIndex::from_map(model.clone());
            for idx in [&index, &rebuilt] {
                // DUID byte 4 and IAID 3 are never leased: the miss paths.
                for b in 0..5u8 {
                    let duid = Duid::new(&[0, 3, b]);
                    assert_eq!(idx.by_duid(&duid), scan(&model, |l| l.duid == duid));
                    for (t, iaid, subnet) in [
                        (TYPES[usize::from(b) % 3], 1, None),
                        (LeaseType::Pd, 3, None),
                        (LeaseType::Na, 0, Some(2)),
                    ] {
                        let want = scan(&model, |l| {
                            (l.lease_type, l.iaid, &l.duid) == (t, iaid, &duid)
                                && subnet.is_none_or(|s| s == l.subnet_id)
                        });
                        assert_eq!(
                            idx.by_duid_iaid(t, &duid, iaid, subnet),
                            want,
                            "step {step}"
                        );
                    }
                }
                for name in ["", "A", "b.example.", "c"] {
                    let want = scan(&model, |l| l.hostname.eq_ignore_ascii_case(name));
                    assert_eq!(idx.by_hostname(name), want, "step {step}");
                }
                let now = r.roll(120);
                let mut want = scan(&model, |l| !l.is_reclaimed() && l.expire() <= now);
                want.sort_by_key(|l| (l.expire(), l.address));
                assert_eq!(idx.expired(now, 0), want, "step {step}");
                let mut want: Vec<_> = scan(&model, |l| l.is_reclaimed() && l.expire() <= now)
                    .iter()
                    .map(|l| (l.expire(), l.address))
                    .collect();
                want.sort();
                let want: Vec<_> = want.into_iter().map(|(_, a)| a).collect();
                assert_eq!(idx.reclaimed_until(now), want);
                assert_eq!(idx.len(), model.len());
                for slot in 0..ID_SLOTS {
                    let got: BTreeMap<u64, Vec<Ipv6Addr>> =
                        idx.id_entries(slot).map(|(k, a)| (k, a.to_vec())).collect();
                    assert_eq!(got, expected(&model, idx, slot), "slot {slot} step {step}");
                }
            }
        }
        for addr in model.keys() {
            index.remove(*addr);
        }
        assert!((0..ID_SLOTS).all(|slot| index.id_entries(slot).count() == 0));
        assert!(index.expired(u64::MAX, 0).is_empty());
        assert!(index.reclaimed_until(u64::MAX).is_empty());
    }

    // Keys are hashes: a lease listed under another identifier's key is not returned for it.
    #[test]
    fn lookups_check_hits_against_the_lease() {
        let mut index = LeaseIndex::default();
        let lease = Lease6 {
            hostname: "mine".into(),
            ..Lease6::new(Ipv6Addr::LOCALHOST, Duid::new(&[1, 2, 3]), 5, 1, 10, 0)
        };
        index.insert(lease.clone());
        let other = Duid::new(&[9, 9, 9]);
        // Stand-ins for colliding hashes.
        let h = index.hasher();
        let keys = [
            (DUID_IAID, duid_iaid_key(h, &lease.duid, 6, LeaseType::Na)),
            (DUID, h.key(other.as_bytes())),
        ];
        for (slot, key) in keys {
            index.collide(slot, key, lease.address);
        }
        assert!(index.by_duid(&other).is_empty());
        assert!(index
            .by_duid_iaid(LeaseType::Na, &lease.duid, 6, None)
            .is_empty());
        assert!(index
            .by_duid_iaid(LeaseType::Pd, &lease.duid, 5, None)
            .is_empty());
        assert!(index
            .by_duid_iaid(LeaseType::Na, &lease.duid, 5, Some(2))
            .is_empty());
        assert_eq!(
            index.by_duid_iaid(LeaseType::Na, &lease.duid, 5, Some(1)),
            std::slice::from_ref(&lease)
        );
        assert_eq!(index.by_hostname("MINE"), [lease]);
    }
}
