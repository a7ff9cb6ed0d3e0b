//! Identity associations: what each IA_NA and IA_PD of a query gets (V6-027..V6-041, V6-116, V6-117),
//! and how leases are written for it.

use super::alloc::{self, Avail6, Owner, Pick};
use super::grant::Hint;
use super::lifetimes::tee_times;
use super::process::Query6;
use super::{DropReason6, Outcome6};
use crate::callouts::{self, Step};
use ruru_config::OptionSet;
use ruru_hook_api::names::arg;
use ruru_hooks::{Args, Point, Slot};
use ruru_lease::{Duid, Lease6, LeaseState, LeaseStore6, LeaseType, StoreError};
use ruru_proto::v6::{
    code, status, Ia, IaAddr, IaPrefix, MessageType, OptionValue, Options6, StatusCode,
};
use std::net::Ipv6Addr;

/// What an exchange does with the leases it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// SOLICIT: say what would be granted, store nothing (V6-027).
    Offer,
    /// REQUEST, or SOLICIT with rapid commit: grant and store (V6-031, V6-032).
    Commit,
    /// RENEW (`rebind` false) or REBIND: extend, or grant anew; list what is no longer appropriate
    /// (V6-035..V6-038).
    Extend { rebind: bool },
}

/// The first IAADDR or IAPREFIX of an IA: the client's hint (V6-028, V6-074, V6-077).
fn hint_of(t: LeaseType, ia: &Ia) -> Option<Hint> {
    match t {
        LeaseType::Pd => ia
            .options
            .typed::<IaPrefix>(code::IAPREFIX)?
            .ok()
            .map(|p| Hint {
                addr: p.prefix,
                len: p.prefix_len,
                preferred: p.preferred,
                valid: p.valid,
            }),
        _ => ia
            .options
            .typed::<IaAddr>(code::IAADDR)?
            .ok()
            .map(|a| Hint {
                addr: a.address,
                len: 128,
                preferred: a.preferred,
                valid: a.valid,
            }),
    }
}

/// The addresses or prefixes an IA lists (to answer the ones not granted with zero lifetimes).
fn listed(t: LeaseType, ia: &Ia) -> Vec<(Ipv6Addr, u8)> {
    match t {
        LeaseType::Pd => ia
            .options
            .all_typed::<IaPrefix>(code::IAPREFIX)
            .filter_map(Result::ok)
            .map(|p| (p.prefix, p.prefix_len))
            .collect(),
        _ => ia
            .options
            .all_typed::<IaAddr>(code::IAADDR)
            .filter_map(Result::ok)
            .map(|a| (a.address, 128))
            .collect(),
    }
}

/// Pushes an IAADDR or IAPREFIX with its lifetimes (and extra options) into `opts`.
fn push_resource(
    opts: &mut Options6,
    t: LeaseType,
    addr: Ipv6Addr,
    len: u8,
    lt: (u32, u32),
    extra: Options6,
) {
    let _ = match t {
        LeaseType::Pd => opts.push_typed(
            code::IAPREFIX,
            &IaPrefix {
                preferred: lt.0,
                valid: lt.1,
                prefix_len: len,
                prefix: addr,
                options: extra,
            },
        ),
        _ => opts.push_typed(
            code::IAADDR,
            &IaAddr {
                address: addr,
                preferred: lt.0,
                valid: lt.1,
                options: extra,
            },
        ),
    };
}

/// An IA of the answer before anything is put in it (T1 = T2 = 0, as with only a status, V6-029).
fn empty_ia(iaid: u32) -> Ia {
    Ia {
        iaid,
        t1: 0,
        t2: 0,
        options: Options6::new(),
    }
}

/// Adds a status code to an IA of the answer.
fn push_status(ia: &mut Ia, c: u16, text: &str) {
    let _ = ia
        .options
        .push_typed(code::STATUS_CODE, &StatusCode::new(c, text));
}

fn ia_code(t: LeaseType) -> u16 {
    match t {
        LeaseType::Pd => code::IA_PD,
        _ => code::IA_NA,
    }
}

/// One IA of a query: its type, its decoded form and its payload as received.
pub(super) struct QueryIa<'p> {
    pub(super) t: LeaseType,
    pub(super) ia: Ia,
    pub(super) raw: &'p [u8],
}

/// The IAs of a query, in order.
fn ias(pkt: &ruru_proto::v6::Packet6) -> Vec<QueryIa<'_>> {
    pkt.message
        .options
        .iter()
        .filter_map(|(c, raw)| {
            let t = match c {
                code::IA_NA => LeaseType::Na,
                code::IA_PD => LeaseType::Pd,
                _ => return None,
            };
            Ia::decode(raw).ok().map(|ia| QueryIa { t, ia, raw })
        })
        .collect()
}

impl<'a> Query6<'a> {
    /// SOLICIT → ADVERTISE, or REPLY with rapid commit (V6-027, V6-032).
    pub(super) async fn solicit<S: LeaseStore6>(
        &mut self,
        store: &S,
    ) -> Result<Outcome6, StoreError> {
        let rapid = self.pkt.message.options.contains(code::RAPID_COMMIT)
            && self
                .subnet
                .is_some_and(|si| self.snap.config.subnets[si].rapid_commit);
        let mut reply = self.answer(if rapid {
            MessageType::Reply
        } else {
            MessageType::Advertise
        });
        if rapid {
            reply.message.options.push(code::RAPID_COMMIT, &[]);
        }
        let mode = if rapid { Mode::Commit } else { Mode::Offer };
        self.advertising = !rapid;
        let pools = self.serve_ias(store, &mut reply, mode).await?;
        self.queue_answer_ncrs();
        Ok(self.finish(reply, pools))
    }

    /// REQUEST → REPLY (V6-031).
    pub(super) async fn request<S: LeaseStore6>(
        &mut self,
        store: &S,
    ) -> Result<Outcome6, StoreError> {
        let mut reply = self.answer(MessageType::Reply);
        let pools = self.serve_ias(store, &mut reply, Mode::Commit).await?;
        self.queue_answer_ncrs();
        Ok(self.finish(reply, pools))
    }

    /// RENEW and REBIND → REPLY (V6-035..V6-038).
    pub(super) async fn extend<S: LeaseStore6>(
        &mut self,
        store: &S,
    ) -> Result<Outcome6, StoreError> {
        let rebind = self.pkt.message.msg_type == MessageType::Rebind;
        if rebind && self.subnet.is_none() && ias(self.pkt).iter().any(|q| q.t == LeaseType::Pd) {
            return Ok(Outcome6::Drop(DropReason6::RebindNoSubnet));
        }
        let mut reply = self.answer(MessageType::Reply);
        let pools = self
            .serve_ias(store, &mut reply, Mode::Extend { rebind })
            .await?;
        self.queue_answer_ncrs();
        Ok(self.finish(reply, pools))
    }

    /// Answers every IA_NA and IA_PD in query order (V6-033); returns the option sets of the pools the
    /// granted leases came from.
    async fn serve_ias<S: LeaseStore6>(
        &mut self,
        store: &S,
        reply: &mut ruru_proto::v6::Packet6,
        mode: Mode,
    ) -> Result<Vec<&'a OptionSet>, StoreError> {
        let mut used = Vec::new();
        let mut pools = Vec::new();
        for q in ias(self.pkt) {
            let answer = self
                .serve_ia(store, &q, mode, &mut used, &mut pools)
                .await?;
            let _ = reply.message.options.push_typed(ia_code(q.t), &answer);
        }
        Ok(pools)
    }

    /// Whether the client may keep lease `l` of subnet `si`: not reserved for another client, and in a
    /// pool its classes allow or reserved for it (V6-038).
    async fn appropriate(
        &self,
        si: usize,
        l: &Lease6,
        owner: &Owner<'_>,
    ) -> Result<bool, StoreError> {
        if alloc::reserved_for_other(self.snap, si, l.address, l.prefix_len, owner).await? {
            return Ok(false);
        }
        let mine = self.host.is_some_and(|h| match l.lease_type {
            LeaseType::Pd => h
                .prefixes
                .iter()
                .any(|p| p.prefix.addr == l.address && p.prefix.len == l.prefix_len),
            _ => h.ip_addresses.contains(&l.address),
        });
        let in_pool = self
            .pool_at(si, l.lease_type, l.address, l.prefix_len)
            .is_some_and(|(pool, _, _)| {
                alloc::class_allows_pool(self.snap, si, l.lease_type, pool, &self.classes)
            });
        Ok(mine || in_pool)
    }

    /// The pool index holding `addr`/`len` in subnet `si`, and its option set.
    pub(super) fn pool_at(
        &self,
        si: usize,
        t: LeaseType,
        addr: Ipv6Addr,
        len: u8,
    ) -> Option<(usize, &'a OptionSet, u32)> {
        let cfg: &'a ruru_config::Dhcp6Config = &self.snap.config;
        let st = &self.snap.subnets[si];
        match t {
            LeaseType::Pd => st.pd_pool_of(addr, len).map(|p| {
                let pool = &cfg.subnets[si].pd_pools[p.index];
                (p.index, &pool.options, pool.pool_id)
            }),
            _ => st.pool_of(addr).map(|p| {
                let pool = &cfg.subnets[si].pools[p.index];
                (p.index, &pool.options, pool.pool_id)
            }),
        }
    }

    /// What one IA gets.
    async fn serve_ia<S: LeaseStore6>(
        &mut self,
        store: &S,
        q: &QueryIa<'_>,
        mode: Mode,
        used: &mut Vec<Ipv6Addr>,
        pools: &mut Vec<&'a OptionSet>,
    ) -> Result<Ia, StoreError> {
        let (t, ia) = (q.t, &q.ia);
        let none_status = match (mode, t) {
            (Mode::Extend { .. }, _) => (status::NO_BINDING, "No binding for this IA."),
            (_, LeaseType::Pd) => (status::NO_PREFIX_AVAIL, "No prefixes available."),
            _ => (status::NO_ADDRS_AVAIL, "No addresses available."),
        };
        // What this IA answers; `lease6_renew`/`lease6_rebind` callouts may add sub-options to it
        // before the server puts in the lease and T1/T2 (HK-125, HK-126).
        let mut answer = empty_ia(ia.iaid);
        let Some(si) = self.subnet else {
            push_status(&mut answer, none_status.0, none_status.1);
            return Ok(answer);
        };
        let snap = self.snap;
        let hint = hint_of(t, ia).filter(|h| !h.addr.is_unspecified());
        let owner = Owner {
            duid: self.duid,
            iaid: ia.iaid,
            classes: &self.classes,
            host: self.host,
        };
        // Borrowed from the snapshot, not the query: no allocation per IA.
        let family: &[usize] = &snap.subnets[si].family;
        // The client's own leases for this IA come first; the rest are revoked (V6-038).
        let own = store
            .get6_by_duid_iaid(t, &Duid::new(self.duid), ia.iaid, None)
            .await?;
        let mut revoked = Vec::new();
        let mut chosen: Option<Pick> = None;
        for l in own {
            if l.state == LeaseState::Declined {
                continue;
            }
            let lsi = snap
                .subnet_by_id(l.subnet_id)
                .filter(|s| family.contains(s));
            let keep = match lsi {
                Some(lsi) => self.appropriate(lsi, &l, &owner).await?,
                None => false,
            };
            match lsi {
                Some(lsi) if keep => {
                    if chosen.is_none() && !used.contains(&l.address) {
                        chosen = Some(Pick {
                            subnet: lsi,
                            addr: l.address,
                            len: l.prefix_len,
                            avail: Avail6::Ours(l),
                        });
                    }
                }
                _ => revoked.push(l),
            }
        }
        if chosen.is_none() {
            chosen = self.reserved(store, t, &owner, family, used).await?;
        }
        if chosen.is_none() {
            if let Some(h) = hint {
                chosen = self.hinted(store, t, h, &owner, family, used).await?;
            }
        }
        let hint_len = hint
            .map(|h| h.len)
            .or_else(|| hint_of(t, ia).map(|h| h.len));
        let mut attempts = 0;
        // What the client held at the granted address, for the NCRs (copied only with DDNS on).
        let mut prior = None;
        let granted = loop {
            attempts += 1;
            let pick = match chosen.take() {
                Some(p) => p,
                None => {
                    match alloc::pick(snap, store, t, si, family, &owner, hint_len, used, self.now)
                        .await?
                    {
                        Ok(p) => p,
                        Err(why) => {
                            self.count_alloc_fail(si, why);
                            break None;
                        }
                    }
                }
            };
            prior = match &pick.avail {
                Avail6::Ours(o) | Avail6::Reclaimable(o)
                    if t == LeaseType::Na && snap.ddns.enabled() =>
                {
                    Some(o.clone())
                }
                _ => None,
            };
            let mut lease = self.lease_for(t, ia.iaid, &pick, hint);
            match self
                .lease_hook(q, mode, &pick, &mut lease, &mut answer)
                .await
            {
                Hooked::Go => {}
                // HK-124: the plugin refused this lease; the IA gets none.
                Hooked::Refused => break None,
                // HK-125, HK-126: not extended; the client is told what it already has.
                Hooked::Kept => match pick.avail {
                    Avail6::Ours(old) => break Some((pick.subnet, old, false)),
                    _ => break None,
                },
            }
            if mode == Mode::Offer {
                break Some((pick.subnet, lease, false));
            }
            if let Avail6::Ours(old) = &pick.avail {
                if let Some(kept) = self.reused(old, &lease) {
                    break Some((pick.subnet, kept, false));
                }
            }
            match self.commit(store, lease, pick.avail).await? {
                Some(l) => break Some((pick.subnet, l, true)),
                // Another worker took it first: pick again.
                None if attempts < 4 => continue,
                None => break None,
            }
        };
        let Some((lsi, lease, written)) = granted else {
            push_status(&mut answer, none_status.0, none_status.1);
            if let Mode::Extend { .. } = mode {
                self.revoke(store, &revoked, mode, &mut answer.options)
                    .await?;
            }
            return Ok(answer);
        };
        if lsi != si {
            tracing::debug!(target: "kea-dhcp6.dhcp6", id = "DHCP6_SUBNET_DYNAMICALLY_CHANGED", from = snap.config.subnets[si].id, to = snap.config.subnets[lsi].id, "serving from a shared-network sibling");
            self.subnet = Some(lsi);
        }
        used.push(lease.address);
        if t == LeaseType::Na && self.first_na.is_none() && lease.valid_lifetime > 0 {
            self.first_na = Some(lease.address);
        }
        if t == LeaseType::Na && mode != Mode::Offer {
            self.note_na_grant(&lease, prior);
        }
        let mut extra = Options6::new();
        if t == LeaseType::Pd && self.pkt.message.options.oro().contains(&code::PD_EXCLUDE) {
            if let Some(x) = self.excluded_prefix(lsi, &lease) {
                let _ = extra.push_typed(code::PD_EXCLUDE, &x);
            }
        }
        push_resource(
            &mut answer.options,
            t,
            lease.address,
            lease.prefix_len,
            (lease.preferred_lifetime, lease.valid_lifetime),
            extra,
        );
        if let Some((pi, opts, _)) = self.pool_at(lsi, t, lease.address, lease.prefix_len) {
            pools.push(opts);
            let s = &self.snap.config.subnets[lsi];
            let requires: &[String] = match t {
                LeaseType::Pd => &s.pd_pools[pi].require_client_classes,
                _ => &s.pools[pi].require_client_classes,
            };
            if !requires.is_empty() {
                self.pool_requires.push(requires);
            }
        }
        if let Mode::Extend { .. } = mode {
            self.revoke(store, &revoked, mode, &mut answer.options)
                .await?;
            // Addresses the client listed that it did not get back: zero lifetimes (V6-038).
            for (a, len) in listed(t, ia) {
                if a != lease.address && !revoked.iter().any(|r| r.address == a) {
                    push_resource(&mut answer.options, t, a, len, (0, 0), Options6::new());
                }
            }
        }
        let subnet = &snap.config.subnets[lsi];
        let (t1, t2) = tee_times(subnet, lease.preferred_lifetime);
        answer.t1 = t1;
        answer.t2 = t2;
        if written {
            self.committed.push(lease);
        }
        Ok(answer)
    }

    /// `lease6_select` for a new lease (HK-124), or `lease6_renew`/`lease6_rebind` when a RENEW or
    /// REBIND extends the client's own (HK-125, HK-126). The lease is writable, and so are the
    /// sub-options of the answer's IA (`ia_na`/`ia_pd`) at the extending points.
    async fn lease_hook(
        &self,
        q: &QueryIa<'_>,
        mode: Mode,
        pick: &Pick,
        lease: &mut Lease6,
        answer: &mut Ia,
    ) -> Hooked {
        let hooks = &self.snap.hooks;
        let extending = match (&pick.avail, mode) {
            (Avail6::Ours(old), Mode::Extend { rebind }) => Some((old, rebind)),
            _ => None,
        };
        let point = match extending {
            Some((_, false)) => Point::Lease6Renew,
            Some((_, true)) => Point::Lease6Rebind,
            None if matches!(pick.avail, Avail6::Ours(_)) => return Hooked::Go,
            None => Point::Lease6Select,
        };
        if !hooks.has(point) {
            return Hooked::Go;
        }
        let subnet = &self.snap.config.subnets[pick.subnet];
        let ia_name = if q.t == LeaseType::Pd {
            arg::IA_PD
        } else {
            arg::IA_NA
        };
        let mut args = Args::new().with(arg::QUERY6, Slot::Pkt6(self.pkt));
        args = match extending {
            Some(_) => args.with(arg::LEASE6, Slot::Lease6Mut(lease)).with(
                ia_name,
                Slot::Ia6 {
                    ia: answer,
                    code: ia_code(q.t),
                    received: q.raw,
                },
            ),
            None => args
                .with(arg::SUBNET6, Slot::Subnet6(Some(subnet)))
                .with(arg::FAKE_ALLOCATION, Slot::Bool(mode == Mode::Offer, false))
                .with(arg::LEASE6, Slot::Lease6Mut(lease)),
        };
        if callouts::run(hooks, point, &mut args, self.ctx).await != Step::Skip {
            return Hooked::Go;
        }
        match extending {
            Some((old, _)) => {
                tracing::debug!(target: "kea-dhcp6.hooks", id = "DHCPSRV_HOOK_LEASE6_EXTEND_SKIP", address = %old.address, "lease not extended: a plugin said skip");
                Hooked::Kept
            }
            None => {
                tracing::debug!(target: "kea-dhcp6.hooks", id = "DHCPSRV_HOOK_LEASE6_SELECT_SKIP", address = %pick.addr, "lease not assigned: a plugin said skip");
                Hooked::Refused
            }
        }
    }
}

/// What the plugins decided about one IA's lease.
enum Hooked {
    /// Proceed with the lease as the plugins left it.
    Go,
    /// `lease6_select` said SKIP: no lease for this IA.
    Refused,
    /// `lease6_renew`/`lease6_rebind` said SKIP: the stored lease stays as it was.
    Kept,
}
