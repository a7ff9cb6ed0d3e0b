//! RELEASE (V6-040) and DECLINE (V6-041): per IA, the client gives back or refuses what it holds.

use super::process::Query6;
use super::{DropReason6, Outcome6};
use crate::callouts::{self, Step};
use ruru_hook_api::names::arg;
use ruru_hooks::{Args, Point, Slot};
use ruru_lease::{Duid, Lease6, LeaseState, LeaseStore6, LeaseType, StoreError};
use ruru_proto::v6::{
    code, status, Ia, IaAddr, IaPrefix, MessageType, OptionValue, Options6, StatusCode,
};

fn with_status(iaid: u32, c: u16, text: &str) -> Ia {
    let mut options = Options6::new();
    let _ = options.push_typed(code::STATUS_CODE, &StatusCode::new(c, text));
    Ia {
        iaid,
        t1: 0,
        t2: 0,
        options,
    }
}

impl Query6<'_> {
    /// The lease at `addr` if it belongs to this DUID and `iaid`, else the reason it does not.
    async fn own_lease<S: LeaseStore6>(
        &self,
        store: &S,
        t: LeaseType,
        addr: std::net::Ipv6Addr,
        iaid: u32,
    ) -> Result<Result<Lease6, &'static str>, StoreError> {
        Ok(match store.get6(t, addr).await? {
            None => Err("DHCP6_DECLINE_FAIL_NO_LEASE"),
            Some(l) if l.duid.as_bytes() != self.duid => Err("DHCP6_DECLINE_FAIL_DUID_MISMATCH"),
            Some(l) if l.iaid != iaid => Err("DHCP6_DECLINE_FAIL_IAID_MISMATCH"),
            Some(l) if l.state != LeaseState::Default => Err("DHCP6_DECLINE_FAIL_NO_LEASE"),
            Some(l) => Ok(l),
        })
    }

    /// RELEASE → REPLY: each IA's first address or prefix is released when it is this client's.
    pub(super) async fn release<S: LeaseStore6>(
        &mut self,
        store: &S,
    ) -> Result<Outcome6, StoreError> {
        let mut reply = self.answer(MessageType::Reply);
        let mut top = status::SUCCESS;
        let pkt = self.pkt;
        for (c, data) in pkt.message.options.iter() {
            let t = match c {
                code::IA_NA => LeaseType::Na,
                code::IA_PD => LeaseType::Pd,
                _ => continue,
            };
            let Ok(ia) = Ia::decode(data) else { continue };
            let first = match t {
                LeaseType::Pd => ia
                    .options
                    .typed::<IaPrefix>(code::IAPREFIX)
                    .and_then(Result::ok)
                    .map(|p| p.prefix),
                _ => ia
                    .options
                    .typed::<IaAddr>(code::IAADDR)
                    .and_then(Result::ok)
                    .map(|a| a.address),
            };
            let found = match first {
                Some(a) => self.own_lease(store, t, a, ia.iaid).await?,
                None => Err("DHCP6_RELEASE_NA_FAIL"),
            };
            let released = match found {
                Ok(read) => {
                    let mut lease = read.clone();
                    let step = self.give_back_hook(Point::Lease6Release, &mut lease).await;
                    if step == Step::Continue {
                        Ok(self.release_lease(store, lease, &read).await?)
                    } else {
                        // HK-127: a plugin keeps this lease; the client hears the release failed.
                        let id = if t == LeaseType::Pd {
                            "DHCP6_HOOK_LEASE6_RELEASE_PD_SKIP"
                        } else {
                            "DHCP6_HOOK_LEASE6_RELEASE_NA_SKIP"
                        };
                        tracing::debug!(target: "kea-dhcp6.hooks", id, address = %lease.address, "release skipped by a plugin");
                        Ok(false)
                    }
                }
                Err(why) => Err(why),
            };
            let answer = match released {
                Ok(true) => with_status(
                    ia.iaid,
                    status::SUCCESS,
                    "Lease released. Thank you, please come again.",
                ),
                Ok(false) => {
                    top = status::UNSPEC_FAIL;
                    with_status(
                        ia.iaid,
                        status::UNSPEC_FAIL,
                        "Server failed to release a lease",
                    )
                }
                Err(why) => {
                    tracing::debug!(target: "kea-dhcp6.leases", id = why, iaid = ia.iaid, "release refused");
                    top = status::NO_BINDING;
                    with_status(ia.iaid, status::NO_BINDING, "No binding for this IA.")
                }
            };
            let _ = reply.message.options.push_typed(c, &answer);
        }
        let text = if top == status::SUCCESS {
            "Leases released."
        } else {
            "Some leases were not released."
        };
        let _ = reply
            .message
            .options
            .push_typed(code::STATUS_CODE, &StatusCode::new(top, text));
        Ok(self.bare(reply))
    }

    /// Deletes a released lease, or keeps it expired for its owner when lease affinity is on (V6-040);
    /// false when the lease changed since it was `read` (another server sharing the database,
    /// LC-116): nothing is counted then.
    async fn release_lease<S: LeaseStore6>(
        &mut self,
        store: &S,
        mut lease: Lease6,
        read: &Lease6,
    ) -> Result<bool, StoreError> {
        let exp = &self.snap.config.expired_leases;
        let affinity = exp.hold_reclaimed_time > 0
            && exp.flush_reclaimed_timer_wait_time > 0
            && lease.valid_lifetime != u32::MAX;
        let written = if affinity {
            lease.state = LeaseState::Released;
            lease.preferred_lifetime = 0;
            lease.valid_lifetime = 0;
            lease.cltt = self.now;
            store.update6(&lease, read).await?
        } else {
            store.delete6(read).await?
        };
        if !written {
            let id = if lease.lease_type == LeaseType::Pd {
                "DHCP6_RELEASE_PD_FAIL"
            } else {
                "DHCP6_RELEASE_NA_FAIL"
            };
            tracing::debug!(target: "kea-dhcp6.leases", id, address = %lease.address, "released lease changed since it was read");
            return Ok(false);
        }
        self.snap.count_unassigned(&lease);
        self.snap.queue_ncr(ruru_ddns::ChangeType::Remove, &lease);
        tracing::info!(target: "kea-dhcp6.leases", id = "DHCP6_RELEASE_NA", address = %lease.address, "lease released");
        self.deleted.push(lease);
        Ok(true)
    }

    /// `lease6_release` or `lease6_decline` on one lease of this client (writable); the step the
    /// plugins chose.
    async fn give_back_hook(&self, point: Point, lease: &mut Lease6) -> Step {
        let hooks = &self.snap.hooks;
        if !hooks.has(point) {
            return Step::Continue;
        }
        let mut args = Args::new()
            .with(arg::QUERY6, Slot::Pkt6(self.pkt))
            .with(arg::LEASE6, Slot::Lease6Mut(lease));
        callouts::run(hooks, point, &mut args, self.ctx).await
    }

    /// DECLINE → REPLY (IA_NA only): each listed address of this client goes into probation.
    pub(super) async fn decline<S: LeaseStore6>(
        &mut self,
        store: &S,
    ) -> Result<Outcome6, StoreError> {
        let mut reply = self.answer(MessageType::Reply);
        let pkt = self.pkt;
        for ia in pkt
            .message
            .options
            .all_typed::<Ia>(code::IA_NA)
            .filter_map(Result::ok)
        {
            let addrs: Vec<_> = ia
                .options
                .all_typed::<IaAddr>(code::IAADDR)
                .filter_map(Result::ok)
                .collect();
            let mut declined = 0;
            let mut refused = false;
            for a in &addrs {
                match self
                    .own_lease(store, LeaseType::Na, a.address, ia.iaid)
                    .await?
                {
                    Ok(read) => {
                        let mut lease = read.clone();
                        match self.give_back_hook(Point::Lease6Decline, &mut lease).await {
                            // HK-128: DROP drops the whole exchange; what was declined stays so.
                            Step::Drop | Step::LotFull => {
                                tracing::debug!(target: "kea-dhcp6.hooks", id = "DHCP6_HOOK_DECLINE_DROP", address = %lease.address, "decline dropped by a plugin");
                                return Ok(Outcome6::Drop(DropReason6::Hook(
                                    "DHCP6_HOOK_DECLINE_DROP",
                                )));
                            }
                            // SKIP: the lease is kept, the client is answered as if it were declined.
                            Step::Skip => {
                                tracing::debug!(target: "kea-dhcp6.hooks", id = "DHCP6_HOOK_DECLINE_SKIP", address = %lease.address, "decline skipped by a plugin");
                                declined += 1;
                            }
                            Step::Continue => {
                                if self.decline_lease(store, lease, &read).await? {
                                    declined += 1;
                                } else {
                                    refused = true;
                                }
                            }
                        }
                    }
                    Err(why) => {
                        tracing::info!(target: "kea-dhcp6.leases", id = why, address = %a.address, "decline refused");
                        refused = true;
                    }
                }
            }
            let answer = if declined > 0 && !refused {
                with_status(
                    ia.iaid,
                    status::SUCCESS,
                    "Lease declined. Hopefully the next one will be better.",
                )
            } else {
                with_status(ia.iaid, status::NO_BINDING, "No binding for this IA.")
            };
            let _ = reply.message.options.push_typed(code::IA_NA, &answer);
        }
        Ok(self.bare(reply))
    }

    /// Puts a declined lease into probation; false when it changed since it was `read` (another
    /// server sharing the database).
    async fn decline_lease<S: LeaseStore6>(
        &mut self,
        store: &S,
        mut lease: Lease6,
        read: &Lease6,
    ) -> Result<bool, StoreError> {
        // Its DNS records go once the decline is stored; they are named by the lease as it was.
        let given_back = lease.clone();
        lease.state = LeaseState::Declined;
        lease.duid = Duid::new(&[0, 0, 0]);
        lease.hwaddr = None;
        lease.hwaddr_source = 0;
        lease.hostname.clear();
        lease.fqdn_fwd = false;
        lease.fqdn_rev = false;
        lease.preferred_lifetime = 0;
        lease.valid_lifetime = self.snap.config.decline_probation_period;
        lease.cltt = self.now;
        if !store.update6(&lease, read).await? {
            tracing::debug!(target: "kea-dhcp6.leases", id = "DHCP6_DECLINE_FAIL", address = %lease.address, "declined lease changed since it was read");
            return Ok(false);
        }
        self.snap
            .queue_ncr(ruru_ddns::ChangeType::Remove, &given_back);
        self.snap.count_declined(&lease);
        tracing::info!(target: "kea-dhcp6.leases", id = "DHCP6_DECLINE_LEASE", address = %lease.address, "address declined");
        self.committed.push(lease);
        Ok(true)
    }
}
