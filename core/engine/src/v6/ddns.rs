//! The DHCPv6 events that send NameChangeRequests (V6-172..V6-175) and the `ddns6_update` point.

use super::process::Query6;
use super::snapshot::Snapshot6;
use crate::callouts;
use crate::ddns::{self, DnsData, NcrParams};
use ruru_ddns::ChangeType;
use ruru_hook_api::names::arg;
use ruru_hooks::{Args, Point, Slot};
use ruru_lease::{Lease6, LeaseState};
use ruru_proto::v6::MessageType;

impl Snapshot6 {
    /// Queues an NCR for address lease `lease` under its subnet's TTL and conflict settings, when
    /// DDNS is on and the lease has a name and a direction; whether one was queued. Also the way in
    /// for lease commands (`lease6-resend-ddns`, `lease6-del` with `update-ddns`).
    pub fn queue_ncr(&self, change: ChangeType, lease: &Lease6) -> bool {
        ddns::lease6(
            &self.ddns,
            change,
            lease,
            None,
            Some(lease.cltt),
            self.ncr_params(lease.subnet_id),
        )
    }

    fn ncr_params(&self, subnet_id: u32) -> NcrParams {
        let subnet = self
            .subnet_by_id(subnet_id)
            .map(|si| &self.config.subnets[si].ddns);
        NcrParams::of(subnet)
    }
}

/// The name and directions a `ddns6_update` callout decided (HK-129).
#[derive(Debug, Clone)]
pub(super) struct DdnsOverride {
    pub(super) name: String,
    pub(super) forward: bool,
    pub(super) reverse: bool,
}

/// An IA_NA lease a REPLY grants, with what the client held at that address before (if DDNS is on).
#[derive(Debug)]
pub(super) struct NaGrant {
    pub(super) lease: Lease6,
    pub(super) prior: Option<Lease6>,
}

impl Query6<'_> {
    /// `ddns6_update` (HK-129): once the subnet and the client's option 39 are known, plugins may
    /// change the name and the directions; the answer's option 39, the leases and the NCRs follow.
    /// Their status is ignored (HK-058).
    pub(super) async fn ddns_hook(&mut self) {
        let (Some(si), Some(client)) = (self.subnet, self.fqdn.as_ref()) else {
            return;
        };
        if !self.snap.hooks.has(Point::Ddns6Update) {
            return;
        }
        let (forward, reverse) = self.fqdn_flags(client).directions();
        let name = self.hostname();
        let preview = self.answer(MessageType::Reply);
        let subnet = &self.snap.config.subnets[si];
        let params = ddns::params_json(&subnet.ddns, self.snap.config.dhcp_ddns.enable_updates);
        let mut args = Args::new()
            .with(arg::QUERY6, Slot::Pkt6(self.pkt))
            .with(arg::RESPONSE6, Slot::Pkt6(&preview))
            .with(arg::SUBNET6, Slot::Subnet6(Some(subnet)))
            .with(arg::DDNS_PARAMS, Slot::Json(Some(params), false))
            .with(arg::HOSTNAME, Slot::Text(Some(name.clone()), true))
            .with(arg::FWD_UPDATE, Slot::Bool(forward, true))
            .with(arg::REV_UPDATE, Slot::Bool(reverse, true));
        callouts::run(&self.snap.hooks, Point::Ddns6Update, &mut args, self.ctx).await;
        let o = DdnsOverride {
            name: args.text(arg::HOSTNAME).unwrap_or_default().to_owned(),
            forward: args.bool(arg::FWD_UPDATE).unwrap_or(forward),
            reverse: args.bool(arg::REV_UPDATE).unwrap_or(reverse),
        };
        drop(args);
        if o.name == name && o.forward == forward && o.reverse == reverse {
            return;
        }
        tracing::debug!(target: "kea-dhcp6.hooks", id = "DHCP6_HOOK_DDNS_UPDATE", from = %name, to = %o.name, forward = o.forward, reverse = o.reverse, "a plugin changed the DNS update");
        self.ddns_override = Some(o);
    }

    /// Remembers an IA_NA lease of a committing answer for its NCRs.
    pub(super) fn note_na_grant(&mut self, lease: &Lease6, prior: Option<Lease6>) {
        if self.snap.ddns.enabled() && lease.valid_lifetime > 0 {
            self.na_grants.push(NaGrant {
                lease: lease.clone(),
                prior,
            });
        }
    }

    /// The NCRs of a committing answer (V6-173, V6-174): one add for the first IA_NA address, named
    /// by the answer's fully qualified option 39 — unless a renewal changed nothing (every renewal
    /// with `ddns-update-on-renew`), in which case the next IA_NA is considered. The client's old
    /// records at an address are removed first when name or directions changed
    /// (`DHCP6_DDNS_REMOVE_OLD_LEASE_FQDN`).
    pub(super) fn queue_answer_ncrs(&mut self) {
        let grants = std::mem::take(&mut self.na_grants);
        let Some(fqdn) = self.answer_fqdn().filter(|_| !grants.is_empty()) else {
            return;
        };
        if !fqdn.name.ends_with('.') {
            return;
        }
        // The answer has option 39 only when the client's (or its stand-in) is there.
        let (forward, reverse) = self
            .fqdn
            .as_ref()
            .map(|client| self.dns_directions(client))
            .unwrap_or_default();
        let dns = DnsData {
            hostname: &fqdn.name,
            forward,
            reverse,
        };
        let snap = self.snap;
        for g in &grants {
            let prior = g.prior.as_ref().filter(|p| p.state == LeaseState::Default);
            let unchanged = prior.is_some_and(|p| DnsData::of6(p).same_as(dns));
            if let Some(p) = prior.filter(|_| !unchanged) {
                tracing::debug!(target: "kea-dhcp6.ddns", id = "DHCP6_DDNS_REMOVE_OLD_LEASE_FQDN", address = %p.address, fqdn = %p.hostname, "removing the DNS records of the lease's old name");
                snap.queue_ncr(ChangeType::Remove, p);
            }
            let params = snap.ncr_params(g.lease.subnet_id);
            let on_renew = snap
                .subnet_by_id(g.lease.subnet_id)
                .is_some_and(|si| snap.config.subnets[si].ddns.update_on_renew);
            if unchanged && !on_renew {
                continue;
            }
            ddns::lease6(
                &snap.ddns,
                ChangeType::Add,
                &g.lease,
                Some(dns),
                None,
                params,
            );
            return;
        }
    }
}
