//! Message handling: DISCOVER, REQUEST (SELECTING, INIT-REBOOT, RENEWING/REBINDING), RELEASE, DECLINE, INFORM.

use super::alloc::{self, AllocFail, Avail};
use super::extended_info;
use super::hosts::ClientIds;
use super::options::Scopes;
use super::reply::{self, Times};
use super::select::select_subnet;
use super::snapshot::Snapshot4;
use super::view::Query4View;
use super::{Client, DropReason, Ingress4, Outcome4};
use crate::callouts::{self, Step};
use crate::classes::{Classes, Phase};
use crate::ddns::DnsData;
use crate::host_db::{self, Fetched};
use crate::hostname;
use ruru_config::{Host4, HostIdType};
use ruru_ddns::ChangeType;
use ruru_hook_api::names::arg;
use ruru_hooks::{Args, Point, RequestContext, Slot};
use ruru_lease::{ClientId, HwAddr, Lease4, LeaseState, LeaseStore4, StoreError};
use ruru_proto::v4::{code, rai, MessageType, Packet4};
use std::net::Ipv4Addr;
use std::sync::Mutex;

/// Handles one parsed query at time `now` (Unix seconds). Counts the per-type statistics and drops;
/// `pkt4-received`, parse failures and sent counters belong to the transport.
pub async fn process<S: LeaseStore4>(
    snap: &Snapshot4,
    store: &S,
    pkt: &Packet4,
    ing: &Ingress4,
    now: u64,
) -> Result<Outcome4, StoreError> {
    let ctx = Mutex::new(RequestContext::new());
    callouts::in_context(&snap.hooks, &ctx, handle(snap, store, pkt, ing, now, &ctx)).await
}

async fn handle<S: LeaseStore4>(
    snap: &Snapshot4,
    store: &S,
    pkt: &Packet4,
    ing: &Ingress4,
    now: u64,
    ctx: &Mutex<RequestContext>,
) -> Result<Outcome4, StoreError> {
    let mut deleted = Vec::new();
    let received;
    let pkt = if snap.hooks.has(Point::Pkt4Receive) {
        let mut q = pkt.clone();
        let mut args = Args::new().with(arg::QUERY4, Slot::Pkt4Mut(&mut q));
        if callouts::run(&snap.hooks, Point::Pkt4Receive, &mut args, ctx).await != Step::Continue {
            return Ok(Outcome4::Drop(DropReason::Hook(
                "DHCP4_HOOK_PACKET_RCVD_SKIP",
            )));
        }
        drop(args);
        received = q;
        &received
    } else {
        pkt
    };
    let mut out = dispatch(snap, store, pkt, ing, now, ctx, &mut deleted).await?;
    if !snap.hooks.is_empty() {
        // LC-021: while plugins may hold the exchange (a park), its leases are not for commands.
        let _held = hold_committed(snap, &out);
        out = after_processing(snap, store, pkt, out, &deleted, ctx, now).await?;
    }
    if let Outcome4::Drop(reason) = out {
        if !matches!(reason, DropReason::Hook(_)) {
            snap.stats.receive_drop.inc();
        }
        tracing::debug!(target: "kea-dhcp4.bad-packets", id = reason.message_id(), xid = pkt.xid, ?reason, "dropped query");
    }
    Ok(out)
}

fn hold_committed<'s>(snap: &'s Snapshot4, out: &Outcome4) -> Vec<crate::busy::Held<'s>> {
    match out {
        Outcome4::Reply { committed, .. } => committed
            .iter()
            .map(|l| snap.busy.hold(l.address.into()))
            .collect(),
        _ => Vec::new(),
    }
}

/// The points after the reply is built: `lease4_offer` or `leases4_committed`, then `pkt4_send`.
async fn after_processing<S: LeaseStore4>(
    snap: &Snapshot4,
    store: &S,
    pkt: &Packet4,
    mut out: Outcome4,
    deleted: &[Lease4],
    ctx: &Mutex<RequestContext>,
    now: u64,
) -> Result<Outcome4, StoreError> {
    let msg = pkt.message_type();
    let hooks = &snap.hooks;
    if msg == Some(MessageType::Discover) && hooks.has(Point::Lease4Offer) {
        if let Outcome4::Reply {
            packet, committed, ..
        } = &out
        {
            let offered = match committed.first() {
                Some(l) => l.clone(),
                None => Lease4::new(packet.yiaddr, 0, 0, now),
            };
            let lifetime = snap
                .subnet_by_id(offered.subnet_id)
                .map_or(0, |si| snap.config.subnets[si].offer_lifetime);
            let leases = [offered];
            let mut args = Args::new()
                .with(arg::QUERY4, Slot::Pkt4(pkt))
                .with(arg::LEASES4, Slot::Leases4(&leases))
                .with(arg::OFFER_LIFETIME, Slot::U64(u64::from(lifetime), false))
                .with(arg::OLD_LEASE, Slot::OptLease4(None))
                .with(arg::OFFER_ADDRESS_IN_USE, Slot::Bool(false, true));
            let step = callouts::run(&snap.hooks, Point::Lease4Offer, &mut args, ctx).await;
            if let Some(dropped) =
                dropped_at(step, Point::Lease4Offer, "DHCP4_HOOK_LEASE4_OFFER_DROP")
            {
                return Ok(dropped);
            }
            if args.bool(arg::OFFER_ADDRESS_IN_USE) == Some(true) {
                drop(args);
                let [lease] = leases;
                withdraw_offer(snap, store, pkt, lease, ctx, !committed.is_empty()).await?;
                return Ok(Outcome4::Drop(DropReason::Hook(
                    "DHCP4_HOOK_LEASE4_OFFER_ADDRESS_IN_USE",
                )));
            }
        }
    }
    let commits = matches!(
        msg,
        Some(MessageType::Request | MessageType::Release | MessageType::Decline)
    );
    if commits && hooks.has(Point::Leases4Committed) && !matches!(out, Outcome4::Drop(_)) {
        let none = Vec::new();
        let leases = match &out {
            Outcome4::Reply { committed, .. } => committed,
            _ => &none,
        };
        let mut args = Args::new()
            .with(arg::QUERY4, Slot::Pkt4(pkt))
            .with(arg::LEASES4, Slot::Leases4(leases))
            .with(arg::DELETED_LEASES4, Slot::Leases4(deleted));
        let step = callouts::run(&snap.hooks, Point::Leases4Committed, &mut args, ctx).await;
        let drop_id = "DHCP4_HOOK_LEASES4_COMMITTED_DROP";
        if let Some(dropped) = dropped_at(step, Point::Leases4Committed, drop_id) {
            return Ok(dropped);
        }
    }
    if let Outcome4::Reply {
        packet, committed, ..
    } = &mut out
    {
        if hooks.has(Point::Pkt4Send) {
            let subnet = committed
                .first()
                .and_then(|l| snap.subnet_by_id(l.subnet_id))
                .map(|si| &snap.config.subnets[si]);
            let mut args = Args::new()
                .with(arg::QUERY4, Slot::Pkt4(pkt))
                .with(arg::RESPONSE4, Slot::Pkt4Mut(packet))
                .with(arg::SUBNET4, Slot::Subnet4(subnet));
            if callouts::run(&snap.hooks, Point::Pkt4Send, &mut args, ctx).await == Step::Drop {
                return Ok(Outcome4::Drop(DropReason::Hook(
                    "DHCP4_HOOK_PACKET_SEND_DROP",
                )));
            }
        }
    }
    Ok(out)
}

/// A `lease4_offer` callout found the offered address in use (HK-110): the lease goes into probation
/// and `lease4_server_decline` runs once.
async fn withdraw_offer<S: LeaseStore4>(
    snap: &Snapshot4,
    store: &S,
    pkt: &Packet4,
    mut lease: Lease4,
    ctx: &Mutex<RequestContext>,
    stored: bool,
) -> Result<(), StoreError> {
    let offered = lease.clone();
    lease.state = LeaseState::Declined;
    lease.hwaddr = None;
    lease.client_id = None;
    lease.valid_lifetime = snap.config.decline_probation_period;
    if stored {
        if !store.update4(&lease, &offered).await? {
            // Changed since it was offered (another server sharing the database): not this
            // offer's to withdraw.
            return Ok(());
        }
    } else if snap.subnet_by_id(lease.subnet_id).is_some() {
        store.add4(&lease).await?;
    }
    snap.count_declined(&lease);
    let mut args = Args::new()
        .with(arg::QUERY4, Slot::Pkt4(pkt))
        .with(arg::LEASE4, Slot::Lease4(&lease));
    callouts::run(&snap.hooks, Point::Lease4ServerDecline, &mut args, ctx).await;
    Ok(())
}

/// The drop a park-capable point's DROP or full parking lot imposes, if any.
fn dropped_at(step: Step, p: Point, drop_id: &'static str) -> Option<Outcome4> {
    match step {
        Step::Drop => Some(Outcome4::Drop(DropReason::Hook(drop_id))),
        Step::LotFull => Some(Outcome4::Drop(DropReason::ParkingLotFull(lot_full_id(p)))),
        Step::Continue | Step::Skip => None,
    }
}

fn lot_full_id(p: Point) -> &'static str {
    match p {
        Point::Subnet4Select => "DHCP4_HOOK_SUBNET4_SELECT_PARKING_LOT_FULL",
        Point::Lease4Offer => "DHCP4_HOOK_LEASE4_OFFER_PARKING_LOT_FULL",
        _ => "DHCP4_HOOK_LEASES4_COMMITTED_PARKING_LOT_FULL",
    }
}

async fn dispatch<S: LeaseStore4>(
    snap: &Snapshot4,
    store: &S,
    pkt: &Packet4,
    ing: &Ingress4,
    now: u64,
    ctx: &Mutex<RequestContext>,
    deleted: &mut Vec<Lease4>,
) -> Result<Outcome4, StoreError> {
    let st = &snap.stats;
    let Some(msg) = pkt.message_type() else {
        return Ok(Outcome4::Drop(DropReason::Bootp));
    };
    match msg {
        MessageType::Discover => st.discover_received.inc(),
        MessageType::Request => st.request_received.inc(),
        MessageType::Release => st.release_received.inc(),
        MessageType::Decline => st.decline_received.inc(),
        MessageType::Inform => st.inform_received.inc(),
        MessageType::Offer => st.offer_received.inc(),
        MessageType::Ack => st.ack_received.inc(),
        MessageType::Nak => st.nak_received.inc(),
        MessageType::Other(_) => st.unknown_received.inc(),
    }
    if !matches!(
        msg,
        MessageType::Discover
            | MessageType::Request
            | MessageType::Release
            | MessageType::Decline
            | MessageType::Inform
    ) || pkt.op != 1
    {
        return Ok(Outcome4::Drop(DropReason::NotAQuery));
    }
    if pkt.hw_addr().iter().all(|&b| b == 0)
        && pkt
            .options
            .get(code::CLIENT_ID)
            .is_none_or(<[u8]>::is_empty)
    {
        return Ok(Outcome4::Drop(DropReason::NoClientIdentity));
    }
    if let Some(sid) = pkt.options.get(code::SERVER_ID) {
        if msg == MessageType::Discover || !server_id_is_ours(snap, pkt, sid) {
            return Ok(Outcome4::Drop(DropReason::NotOurServerId));
        }
    }
    let recovered = stash::recover(snap.config.stash_agent_options, store, pkt, now).await?;
    let fetched = Fetched::new();
    let mut q = Query::new(
        snap,
        recovered.as_ref().unwrap_or(pkt),
        ing,
        now,
        ctx,
        &fetched,
    );
    if recovered.is_some() {
        q.classes.add_builtin(stash::CLASS);
    }
    // V4-129: tests independent of KNOWN/UNKNOWN, then the DROP class, before anything else.
    q.classify(Phase::Early);
    if q.is_dropped_by_class() {
        return Ok(Outcome4::Drop(DropReason::DropClass));
    }
    let out = match msg {
        MessageType::Discover => q.discover(store).await,
        MessageType::Request => q.request(store).await,
        MessageType::Release => q.release(store).await,
        MessageType::Decline => q.decline(store).await,
        _ => q.inform().await,
    };
    *deleted = std::mem::take(&mut q.deleted);
    out
}

/// V4-018: option 54 must name one of our addresses, the relay's server-id-override, or a configured identifier.
fn server_id_is_ours(snap: &Snapshot4, pkt: &Packet4, sid: &[u8]) -> bool {
    if snap.config.compatibility.ignore_dhcp_server_identifier {
        return true;
    }
    let Ok(sid) = <[u8; 4]>::try_from(sid).map(Ipv4Addr::from) else {
        return false;
    };
    let override_id = pkt
        .options
        .get(code::RELAY_AGENT_INFO)
        .and_then(|r| rai::find(r, rai::SERVER_ID_OVERRIDE))
        .and_then(|v| <[u8; 4]>::try_from(v).ok())
        .map(Ipv4Addr::from);
    snap.transport.server_addresses.contains(&sid)
        || override_id == Some(sid)
        || snap.configured_server_ids.contains(&sid)
}

/// One query being processed, with what has been learnt about it so far.
struct Query<'a> {
    snap: &'a Snapshot4,
    pkt: &'a Packet4,
    ing: &'a Ingress4,
    now: u64,
    ids: ClientIds<'a>,
    classes: Classes<'a>,
    /// The plugins' per-request context.
    ctx: &'a Mutex<RequestContext>,
    /// Leases this query removed or released (`deleted_leases4`).
    deleted: Vec<Lease4>,
    /// The client's reservation when the host database holds it.
    fetched: &'a Fetched<Host4>,
}

/// The name a lease gets and the DNS updates the server does for it (V4-096, V4-143..V4-148),
/// as `ddns4_update` callouts may have changed them (HK-108).
#[derive(Debug, Clone)]
struct Naming {
    name: String,
    forward: bool,
    reverse: bool,
}

impl Naming {
    fn dns(&self) -> DnsData<'_> {
        DnsData {
            hostname: &self.name,
            forward: self.forward,
            reverse: self.reverse,
        }
    }
}

/// The subnet and reservation a client is served from.
struct Placement<'a> {
    subnet: usize,
    family: &'a [usize],
    host: Option<&'a Host4>,
    /// The subnet whose reservations hold `host`; `None` for a global one.
    host_subnet: Option<usize>,
}

impl<'a> Placement<'a> {
    /// The reservation that applies to a client served from subnet `si`: a global one, or one of
    /// `si` itself (Kea's current host); a sibling's reservation only made the client `KNOWN`.
    fn host_in(&self, si: usize) -> Option<&'a Host4> {
        self.host
            .filter(|_| self.host_subnet.is_none_or(|hs| hs == si))
    }
}

impl<'a> Query<'a> {
    fn new(
        snap: &'a Snapshot4,
        pkt: &'a Packet4,
        ing: &'a Ingress4,
        now: u64,
        ctx: &'a Mutex<RequestContext>,
        fetched: &'a Fetched<Host4>,
    ) -> Self {
        Query {
            snap,
            pkt,
            ing,
            now,
            ids: ClientIds::of(pkt),
            classes: Classes::new(pkt.options.get(code::VENDOR_CLASS_ID)),
            ctx,
            deleted: Vec::new(),
            fetched,
        }
    }

    /// `subnet4_select` (HK-102): plugins may replace the subnet, remove it (SKIP), drop or park.
    async fn subnet_hook(&self, selected: Option<usize>) -> Result<Option<usize>, DropReason> {
        let snap = self.snap;
        if !snap.hooks.has(Point::Subnet4Select) {
            return Ok(selected);
        }
        let all = &snap.config.subnets;
        let mut args = Args::new()
            .with(arg::QUERY4, Slot::Pkt4(self.pkt))
            .with(
                arg::SUBNET4,
                Slot::SubnetChoice {
                    chosen: selected,
                    all,
                },
            )
            .with(arg::SUBNET4_COLLECTION, Slot::Subnets4(all));
        match callouts::run(&snap.hooks, Point::Subnet4Select, &mut args, self.ctx).await {
            Step::Continue => Ok(args.chosen_subnet(arg::SUBNET4).flatten()),
            Step::Skip => Ok(None),
            Step::Drop => Err(DropReason::Hook("DHCP4_HOOK_SUBNET4_SELECT_DROP")),
            Step::LotFull => Err(DropReason::ParkingLotFull(lot_full_id(
                Point::Subnet4Select,
            ))),
        }
    }

    /// `host4_identifier` (HK-103): the flex-id a plugin derives from the query, when `flex-id` is among
    /// the reservation identifiers; a plugin that does not CONTINUE leaves the query without one.
    async fn flex_id_hook(&self, order: &[ruru_config::HostIdType]) -> Option<Vec<u8>> {
        if !order.contains(&ruru_config::HostIdType::FlexId)
            || !self.snap.hooks.has(Point::Host4Identifier)
        {
            return None;
        }
        // Kea's identifier type code for flex-id.
        const FLEX_ID: u64 = 4;
        let mut args = Args::new()
            .with(arg::QUERY4, Slot::Pkt4(self.pkt))
            .with(arg::ID_TYPE, Slot::U64(FLEX_ID, true))
            .with(arg::ID_VALUE, Slot::BytesOut(Vec::new()));
        let step = callouts::run(
            &self.snap.hooks,
            Point::Host4Identifier,
            &mut args,
            self.ctx,
        )
        .await;
        let id = args.bytes(arg::ID_VALUE).filter(|v| !v.is_empty())?;
        (step == Step::Continue && args.u64(arg::ID_TYPE) == Some(FLEX_ID)).then(|| id.to_vec())
    }

    /// `lease4_select` (HK-104): plugins may change the lease or refuse it (SKIP → `false`).
    async fn lease_hook(&self, lease: &mut Lease4, si: usize, fake: bool) -> bool {
        let snap = self.snap;
        if !snap.hooks.has(Point::Lease4Select) {
            return true;
        }
        let mut args = Args::new()
            .with(arg::QUERY4, Slot::Pkt4(self.pkt))
            .with(arg::SUBNET4, Slot::Subnet4(Some(&snap.config.subnets[si])))
            .with(arg::FAKE_ALLOCATION, Slot::Bool(fake, false))
            .with(arg::LEASE4, Slot::Lease4Mut(lease));
        callouts::run(&snap.hooks, Point::Lease4Select, &mut args, self.ctx).await != Step::Skip
    }

    /// `lease4_renew` (HK-105) for an active lease about to be extended: `false` when a plugin said SKIP.
    async fn renew_hook(&self, old: &Lease4, si: usize, valid: u32, client: &Client<'_>) -> bool {
        if !self.snap.hooks.has(Point::Lease4Renew) {
            return true;
        }
        let mut lease = old.clone();
        lease.valid_lifetime = valid;
        lease.cltt = self.now;
        let mut args = Args::new()
            .with(arg::QUERY4, Slot::Pkt4(self.pkt))
            .with(
                arg::SUBNET4,
                Slot::Subnet4(Some(&self.snap.config.subnets[si])),
            )
            .with(
                arg::CLIENTID,
                Slot::Bytes(client.client_id.unwrap_or_default()),
            )
            .with(arg::HWADDR, Slot::Bytes(client.hw))
            .with(arg::LEASE4, Slot::Lease4Mut(&mut lease));
        callouts::run(&self.snap.hooks, Point::Lease4Renew, &mut args, self.ctx).await != Step::Skip
    }

    /// `lease4_release` / `lease4_decline`: whether plugins let the change happen.
    async fn change_hook(&self, p: Point, lease: &Lease4) -> Step {
        if !self.snap.hooks.has(p) {
            return Step::Continue;
        }
        let mut args = Args::new()
            .with(arg::QUERY4, Slot::Pkt4(self.pkt))
            .with(arg::LEASE4, Slot::Lease4(lease));
        callouts::run(&self.snap.hooks, p, &mut args, self.ctx).await
    }

    /// Selects the subnet and looks up the client's reservation: in-subnet reservations across the
    /// shared network (the member holding it wins, V4-104), then global ones (V4-091); then the
    /// classes that depend on the lookup (V4-094, V4-129).
    async fn place(&mut self) -> Result<Result<Option<Placement<'a>>, DropReason>, StoreError> {
        let snap = self.snap;
        let selected = select_subnet(snap, self.pkt, self.ing, &self.classes);
        let selected = match self.subnet_hook(selected).await {
            Ok(Some(si)) => si,
            Ok(None) => return Ok(Ok(None)),
            Err(r) => return Ok(Err(r)),
        };
        let family = snap.subnets[selected].family.as_slice();
        let order = &snap.config.host_reservation_identifiers;
        let flex = self.flex_id_hook(order).await;
        let flex = flex.as_deref();
        let mut found = None;
        for &si in family {
            if !snap.config.subnets[si].reservations_in_subnet {
                continue;
            }
            if let Some(h) = self.reservation(Some(si), order, flex).await? {
                found = Some((si, h, Some(si)));
                break;
            }
        }
        if found.is_none() && snap.config.subnets[selected].reservations_global {
            found = self
                .reservation(None, order, flex)
                .await?
                .map(|h| (selected, h, None));
        }
        let (subnet, host, host_subnet) = match found {
            Some((si, h, hs)) => (si, Some(h), hs),
            None => (selected, None, None),
        };
        let steering =
            host_subnet.is_none() || snap.config.subnets[subnet].shared_network.is_none();
        let view = Query4View {
            pkt: self.pkt,
            ing: self.ing,
        };
        self.classes.set_host(
            host.map(|h| h.client_classes.as_slice()),
            steering,
            &snap.config.client_classes,
            &view,
        );
        Ok(Ok(Some(Placement {
            subnet,
            family,
            host,
            host_subnet,
        })))
    }

    /// The client's reservation in subnet `scope`, or among the global ones for `None`: identifier
    /// types in `order` (V4-090), each looked up in the configuration, then in the host database.
    async fn reservation(
        &self,
        scope: Option<usize>,
        order: &[HostIdType],
        flex: Option<&[u8]>,
    ) -> Result<Option<&'a Host4>, StoreError> {
        let snap = self.snap;
        let (index, list, subnet_id) = match scope {
            Some(si) => (
                &snap.subnets[si].hosts,
                &snap.config.subnets[si].reservations,
                snap.config.subnets[si].id,
            ),
            None => (&snap.global_hosts, &snap.config.global_reservations, 0),
        };
        let Some(db) = &snap.host_db else {
            return Ok(index.find(&self.ids, order, flex).map(|h| &list[h]));
        };
        for &t in order {
            let Some(id) = self.ids.get(t, flex) else {
                continue;
            };
            if let Some(h) = index.get(t, id) {
                return Ok(Some(&list[h]));
            }
            if let Some(h) = db.0.get4(subnet_id, t, id).await? {
                return Ok(Some(host_db::keep(self.fetched, h)));
            }
        }
        Ok(None)
    }

    /// The reservation that applies to the client served from subnet `si` ([`Placement::host_in`]),
    /// with its classes assigned now that the subnet is known (V4-094): before allocation only a
    /// global reservation's, or one outside any shared network, could steer the pool choice.
    fn host_in(&mut self, p: &Placement<'a>, si: usize) -> Option<&'a Host4> {
        let host = p.host_in(si);
        if let Some(h) = host {
            self.classes.add_reserved(&h.client_classes);
        }
        host
    }

    /// Evaluates the class tests of `phase` (V4-129).
    fn classify(&mut self, phase: Phase) {
        let view = Query4View {
            pkt: self.pkt,
            ing: self.ing,
        };
        let defined = &self.snap.config.client_classes;
        self.classes.evaluate(defined, phase, &view);
    }

    /// After allocation: the classes required by the network, the subnet `si` and the pool of `addr`,
    /// in that order (V4-130).
    fn require_classes(&mut self, si: usize, addr: Option<Ipv4Addr>) {
        let snap = self.snap;
        let cfg = &snap.config;
        let s = &cfg.subnets[si];
        let network = s
            .shared_network
            .map(|n| &cfg.shared_networks[n].require_client_classes);
        let pool = addr
            .and_then(|a| snap.subnets[si].pool_of(a))
            .map(|p| &s.pools[p.index].require_client_classes);
        let names = network
            .into_iter()
            .flatten()
            .chain(&s.require_client_classes)
            .chain(pool.into_iter().flatten());
        let view = Query4View {
            pkt: self.pkt,
            ing: self.ing,
        };
        self.classes.require(&cfg.client_classes, names, &view);
    }

    fn client(&'a self, p: &Placement<'a>) -> Client<'a> {
        let s = &self.snap.config.subnets[p.subnet];
        Client {
            hw: self.ids.hw,
            htype: self.pkt.htype,
            client_id: self.ids.client_id.filter(|_| s.match_client_id),
            classes: &self.classes,
            reserved: self.reserved_address(p),
        }
    }

    /// The reserved address, if it lies in a subnet the client may use (global ones only inside, V4-093).
    fn reserved_address(&self, p: &Placement<'a>) -> Option<Ipv4Addr> {
        let a = p.host?.ip_address?;
        p.family
            .iter()
            .any(|&si| self.snap.subnets[si].contains(a))
            .then_some(a)
    }

    fn subnet_of(&self, p: &Placement<'a>, a: Ipv4Addr) -> Option<usize> {
        p.family
            .iter()
            .copied()
            .find(|&si| self.snap.subnets[si].contains(a))
    }

    /// The client's current lease in its network: by client-id first, then hardware address (V4-067).
    async fn current_lease<S: LeaseStore4>(
        &self,
        store: &S,
        p: &Placement<'a>,
        client: &Client<'_>,
    ) -> Result<Option<Lease4>, StoreError> {
        let in_family = |l: &Lease4| {
            p.family
                .iter()
                .any(|&si| self.snap.config.subnets[si].id == l.subnet_id)
                && l.state != LeaseState::Declined
                && client.owns(l)
        };
        if let Some(cid) = client.client_id {
            let found = store.get4_by_client_id(&ClientId::new(cid)).await?;
            if let Some(l) = found.into_iter().find(in_family) {
                return Ok(Some(l));
            }
        }
        if client.hw.is_empty() {
            return Ok(None);
        }
        let found = store
            .get4_by_hwaddr(&HwAddr::new(client.htype, client.hw))
            .await?;
        Ok(found.into_iter().find(in_family))
    }

    /// Whether `a` may be given to this client: inside a subnet of its network, in an allowed pool (or
    /// reserved for it), and not reserved for anyone else.
    async fn grantable(
        &self,
        p: &Placement<'a>,
        client: &Client<'_>,
        a: Ipv4Addr,
    ) -> Result<Option<usize>, StoreError> {
        let Some(si) = self.subnet_of(p, a) else {
            return Ok(None);
        };
        if client.reserved == Some(a) {
            return Ok(Some(si));
        }
        if alloc::reserved_for_other(self.snap, si, a, client.reserved).await? {
            return Ok(None);
        }
        let Some(pool) = self.snap.subnets[si].pool_of(a) else {
            return Ok(None);
        };
        let cfg_pool = &self.snap.config.subnets[si].pools[pool.index];
        Ok(crate::classes::class_allows(&cfg_pool.client_class, &self.classes).then_some(si))
    }

    /// Chooses an address for a client that needs one: reservation, current lease, option 50, allocator (V4-026).
    async fn choose<S: LeaseStore4>(
        &self,
        store: &S,
        p: &Placement<'a>,
        client: &Client<'_>,
    ) -> Result<Result<(usize, Ipv4Addr, Avail), AllocFail>, StoreError> {
        let snap = self.snap;
        if let Some(r) = client.reserved {
            let avail = alloc::availability(store, r, client, self.now).await?;
            if avail.usable() {
                return Ok(Ok((self.subnet_of(p, r).unwrap_or(p.subnet), r, avail)));
            }
            // V4-092: the reserved address is someone else's for now.
            snap.stats.reservation_conflicts.inc();
            snap.subnets[p.subnet].stats.reservation_conflicts.inc();
        }
        if let Some(l) = self.current_lease(store, p, client).await? {
            if let Some(si) = self.grantable(p, client, l.address).await? {
                return Ok(Ok((si, l.address, Avail::Ours(l))));
            }
        }
        if let Some(hint) = self.requested_address() {
            if let Some(si) = self.grantable(p, client, hint).await? {
                let avail = alloc::availability(store, hint, client, self.now).await?;
                if avail.usable() {
                    return Ok(Ok((si, hint, avail)));
                }
            }
        }
        alloc::pick(snap, store, p.subnet, p.family, client, self.now).await
    }

    fn requested_address(&self) -> Option<Ipv4Addr> {
        self.pkt
            .options
            .get(code::REQUESTED_ADDRESS)
            .and_then(|v| <[u8; 4]>::try_from(v).ok())
            .map(Ipv4Addr::from)
    }

    fn count_alloc_fail(&self, si: usize, why: AllocFail) {
        let (g, s) = (&self.snap.stats, &self.snap.subnets[si].stats);
        crate::commit::count_alloc_fail!(g, s, why);
    }

    /// Whether the server would update DNS for clients of subnet `si`.
    fn updates_on(&self, si: usize) -> bool {
        self.snap.config.dhcp_ddns.enable_updates && self.snap.config.subnets[si].ddns.send_updates
    }

    /// The server's answer to the client's option 81 (V4-148): its S (bit 0) and N (bit 3) flags.
    fn fqdn_answer(&self, si: usize, fqdn: &[u8]) -> hostname::FqdnAnswer {
        let flags = fqdn.first().copied().unwrap_or(0);
        hostname::FqdnAnswer::new(
            &self.snap.config.subnets[si].ddns,
            self.updates_on(si),
            flags & 0x01 != 0,
            flags & 0x08 != 0,
        )
    }

    fn scopes(&self, si: usize, host: Option<&'a Host4>, addr: Option<Ipv4Addr>) -> Scopes<'a> {
        let cfg = &self.snap.config;
        let s = &cfg.subnets[si];
        Scopes {
            host,
            pool: addr
                .and_then(|a| self.snap.subnets[si].pool_of(a))
                .map(|p| &s.pools[p.index]),
            subnet: Some(s),
            network: s.shared_network.map(|n| &cfg.shared_networks[n]),
            classes: self.classes.configured(&cfg.client_classes, |c| &c.name),
            global: Some(&cfg.options),
        }
    }

    /// The lifetime for a lease in subnet `si`: the first class defining one, else the subnet's, clamped
    /// to the client's request (V4-062).
    fn lifetime(&self, si: usize, scopes: &Scopes<'_>) -> u32 {
        let triplet = scopes
            .classes
            .iter()
            .find_map(|c| c.valid_lifetime)
            .unwrap_or(self.snap.config.subnets[si].valid_lifetime);
        let asked = self
            .pkt
            .options
            .get(code::LEASE_TIME)
            .and_then(|v| <[u8; 4]>::try_from(v).ok())
            .map(u32::from_be_bytes);
        triplet.clamp(asked)
    }

    /// Builds a positive reply (OFFER or ACK) for `addr` in subnet `si`, with host name handling and fixed fields.
    fn answer(
        &self,
        msg: MessageType,
        si: usize,
        host: Option<&'a Host4>,
        addr: Ipv4Addr,
        times: Option<Times>,
        naming: Option<&Naming>,
    ) -> ruru_proto::v4::Packet4 {
        let cfg = &self.snap.config;
        let scopes = self.scopes(si, host, (!addr.is_unspecified()).then_some(addr));
        let sid = reply::server_id(&scopes, self.ing);
        let mut r = reply::start(self.pkt, msg, sid, cfg.echo_client_id);
        r.yiaddr = addr;
        if msg == MessageType::Ack
            && matches!(
                self.pkt.message_type(),
                Some(MessageType::Request | MessageType::Inform)
            )
        {
            r.ciaddr = self.pkt.ciaddr;
        }
        if let Some(n) = naming {
            let name = n.name.as_str();
            if let Some(fqdn) = self.pkt.options.get(code::CLIENT_FQDN) {
                let client_s = fqdn.first().is_some_and(|f| f & 0x01 != 0);
                let answer = hostname::FqdnAnswer::for_directions(n.forward, n.reverse, client_s);
                r.options
                    .insert(code::CLIENT_FQDN, &hostname::fqdn_reply(fqdn, name, answer));
            } else if self.pkt.options.contains(code::HOST_NAME)
                || self
                    .pkt
                    .options
                    .parameter_request_list()
                    .contains(&code::HOST_NAME)
            {
                r.options.insert(code::HOST_NAME, name.as_bytes());
            }
        }
        let subnet = &cfg.subnets[si];
        reply::finish(&mut r, self.pkt, subnet, times, &scopes);
        // Fixed fields: host > first class defining it > subnet (already inherited from network/global) (V4-075).
        let class_field = |f: fn(&ruru_config::ClientClass) -> Option<&String>| {
            scopes.classes.iter().find_map(|c| f(c)).cloned()
        };
        r.siaddr = host
            .and_then(|h| h.next_server)
            .or_else(|| scopes.classes.iter().find_map(|c| c.next_server))
            .unwrap_or(subnet.next_server);
        let sname = host
            .and_then(|h| h.server_hostname.clone())
            .or_else(|| class_field(|c| c.server_hostname.as_ref()))
            .unwrap_or_else(|| subnet.server_hostname.clone());
        let file = host
            .and_then(|h| h.boot_file_name.clone())
            .or_else(|| class_field(|c| c.boot_file_name.as_ref()))
            .unwrap_or_else(|| subnet.boot_file_name.clone());
        copy_field(&mut r.sname, &sname);
        copy_field(&mut r.file, &file);
        r
    }

    fn nak(&self, si: Option<usize>) -> Outcome4 {
        let sid = si
            .map(|si| reply::server_id(&self.scopes(si, None, None), self.ing))
            .unwrap_or(self.ing.local_addr);
        let mut r = reply::start(
            self.pkt,
            MessageType::Nak,
            sid,
            self.snap.config.echo_client_id,
        );
        r.flags = self.pkt.flags;
        self.send(r, Vec::new())
    }

    fn send(&self, mut packet: Packet4, committed: Vec<Lease4>) -> Outcome4 {
        if self.stashed() {
            packet.options.remove(code::RELAY_AGENT_INFO);
        }
        let t = &self.snap.transport;
        let to = reply::destination(
            self.pkt,
            &mut packet,
            self.ing,
            (t.server_port, t.client_port),
            t.direct_send,
        );
        Outcome4::Reply {
            packet,
            to,
            committed,
        }
    }

    /// The name the client sent: option 81's (with whether it was fully qualified), else option 12's.
    fn client_hostname(&self) -> Option<(String, hostname::Qualify)> {
        if let Some(f) = self.pkt.options.get(code::CLIENT_FQDN) {
            let (name, full) = hostname::fqdn_name(f)?;
            return Some((name, hostname::Qualify::Partial { full }));
        }
        self.pkt.options.get(code::HOST_NAME).map(|h| {
            let name = String::from_utf8_lossy(h).trim_end_matches('\0').to_owned();
            (name, hostname::Qualify::SingleLabel)
        })
    }

    /// The lease's name and DNS directions: from option 81 the server's answer to the client's
    /// flags (V4-148); a name from option 12 is updated both ways when the server does updates.
    fn naming(&self, si: usize, host: Option<&Host4>, addr: Ipv4Addr) -> Option<Naming> {
        let client = self.client_hostname();
        let name = hostname::choose(
            &self.snap.config.subnets[si].ddns,
            &self.snap.subnets[si].char_set,
            host.and_then(|h| h.hostname.as_deref()),
            client
                .as_ref()
                .map(|(name, rule)| hostname::ClientName { name, rule: *rule }),
            addr,
        )?;
        let (forward, reverse) = match self.pkt.options.get(code::CLIENT_FQDN) {
            Some(f) => self.fqdn_answer(si, f).directions(),
            None => (self.updates_on(si), self.updates_on(si)),
        };
        // A name answered in option 81 is fully qualified: Kea stores and sends it with the root
        // dot (option 12 names have none, V4-147).
        let name = match self.pkt.options.contains(code::CLIENT_FQDN) && !name.ends_with('.') {
            true => format!("{name}."),
            false => name,
        };
        Some(Naming {
            name,
            forward,
            reverse,
        })
    }

    /// `ddns4_update` (HK-108): plugins see the reply being built and may change the name and the
    /// directions; their status is ignored (HK-058). An emptied name leaves the lease unnamed.
    async fn ddns_hook(
        &self,
        msg: MessageType,
        si: usize,
        host: Option<&'a Host4>,
        addr: Ipv4Addr,
        naming: Option<Naming>,
    ) -> Option<Naming> {
        let mut n = naming?;
        if !self.snap.hooks.has(Point::Ddns4Update) {
            return Some(n);
        }
        let preview = self.answer(msg, si, host, addr, None, Some(&n));
        let subnet = &self.snap.config.subnets[si];
        let params =
            crate::ddns::params_json(&subnet.ddns, self.snap.config.dhcp_ddns.enable_updates);
        let mut args = Args::new()
            .with(arg::QUERY4, Slot::Pkt4(self.pkt))
            .with(arg::RESPONSE4, Slot::Pkt4(&preview))
            .with(arg::SUBNET4, Slot::Subnet4(Some(subnet)))
            .with(arg::DDNS_PARAMS, Slot::Json(Some(params), false))
            .with(arg::HOSTNAME, Slot::Text(Some(n.name.clone()), true))
            .with(arg::FWD_UPDATE, Slot::Bool(n.forward, true))
            .with(arg::REV_UPDATE, Slot::Bool(n.reverse, true));
        callouts::run(&self.snap.hooks, Point::Ddns4Update, &mut args, self.ctx).await;
        let name = args.text(arg::HOSTNAME).unwrap_or_default();
        if name != n.name {
            tracing::debug!(target: "kea-dhcp4.hooks", id = "DHCP4_HOOK_DDNS_UPDATE", from = %n.name, to = %name, "a plugin changed the host name");
            n.name = name.to_owned();
        }
        n.forward = args.bool(arg::FWD_UPDATE).unwrap_or(n.forward);
        n.reverse = args.bool(arg::REV_UPDATE).unwrap_or(n.reverse);
        (!n.name.is_empty()).then_some(n)
    }

    fn is_dropped_by_class(&self) -> bool {
        self.classes.contains("DROP")
    }

    async fn discover<S: LeaseStore4>(&mut self, store: &S) -> Result<Outcome4, StoreError> {
        let p = match self.place().await? {
            Ok(Some(p)) => p,
            Ok(None) => return Ok(Outcome4::Drop(DropReason::NoSubnet)),
            Err(r) => return Ok(Outcome4::Drop(r)),
        };
        if self.is_dropped_by_class() {
            return Ok(Outcome4::Drop(DropReason::DropClass));
        }
        if let Some(out) = self.v6_only(MessageType::Offer, &p) {
            return Ok(out);
        }
        let client = self.client(&p);
        let (si, addr, avail) = match self.choose(store, &p, &client).await? {
            Ok(found) => found,
            Err(why) => {
                self.count_alloc_fail(p.subnet, why);
                return Ok(Outcome4::Drop(DropReason::NoAddress));
            }
        };
        let host = self.host_in(&p, si);
        let client = self.client(&p);
        let scopes = self.scopes(si, host, Some(addr));
        let valid = self.lifetime(si, &scopes);
        let naming = self.naming(si, host, addr);
        let naming = self
            .ddns_hook(MessageType::Offer, si, host, addr, naming)
            .await;
        let mut committed = Vec::new();
        let offer_lifetime = scopes
            .classes
            .iter()
            .find_map(|c| c.offer_lifetime)
            .unwrap_or(self.snap.config.subnets[si].offer_lifetime);
        if self.snap.hooks.has(Point::Lease4Select) {
            let mut lease = self.new_lease(si, addr, valid, naming.as_ref(), &client);
            if !self.lease_hook(&mut lease, si, true).await {
                return Ok(Outcome4::Drop(DropReason::Hook(
                    "DHCPSRV_HOOK_LEASE4_SELECT_SKIP",
                )));
            }
        }
        if offer_lifetime > 0 {
            // V4-066: the offer itself holds the address for a short while. It has no DNS
            // records yet (no NCR for an OFFER, V4-150), so the REQUEST adds them.
            let mut lease = self.new_lease(si, addr, offer_lifetime, naming.as_ref(), &client);
            lease.fqdn_fwd = false;
            lease.fqdn_rev = false;
            match self.commit(store, lease, avail).await? {
                Some(l) => committed.push(l),
                None => return Ok(Outcome4::Drop(DropReason::NoAddress)),
            }
        }
        Ok(self.grant(
            MessageType::Offer,
            si,
            host,
            addr,
            valid,
            naming.as_ref(),
            committed,
        ))
    }

    async fn request<S: LeaseStore4>(&mut self, store: &S) -> Result<Outcome4, StoreError> {
        let selecting = self.pkt.options.contains(code::SERVER_ID);
        let requested = self.requested_address();
        let init_reboot = !selecting && requested.is_some() && self.pkt.ciaddr.is_unspecified();
        let placed = match self.place().await? {
            Ok(placed) => placed,
            Err(r) => return Ok(Outcome4::Drop(r)),
        };
        let Some(p) = placed else {
            // V4-048: no subnet → NAK, except a non-authoritative server stays silent to INIT-REBOOT.
            let authoritative = self
                .snap
                .config
                .subnets
                .first()
                .is_some_and(|s| s.authoritative);
            return Ok(if init_reboot && !authoritative {
                Outcome4::Drop(DropReason::NoSubnet)
            } else {
                self.nak(None)
            });
        };
        if self.is_dropped_by_class() {
            return Ok(Outcome4::Drop(DropReason::DropClass));
        }
        if let Some(out) = self.v6_only(MessageType::Ack, &p) {
            return Ok(out);
        }
        let client = self.client(&p);
        let authoritative = self.snap.config.subnets[p.subnet].authoritative;
        let wanted = requested.or((!self.pkt.ciaddr.is_unspecified()).then_some(self.pkt.ciaddr));
        let current = self.current_lease(store, &p, &client).await?;
        if init_reboot {
            // V4-029: INIT-REBOOT confirms the client's own lease only.
            match &current {
                Some(l) if Some(l.address) == wanted && !l.is_expired(self.now) => {}
                Some(_) => return Ok(self.nak(Some(p.subnet))),
                None if authoritative => return Ok(self.nak(Some(p.subnet))),
                None => return Ok(Outcome4::Drop(DropReason::UnknownInitReboot)),
            }
        }
        let (si, addr, avail) = match wanted {
            Some(a) => {
                // A reservation for another address sends the client back to DISCOVER.
                let reserved_elsewhere = client.reserved.is_some_and(|r| r != a);
                let grantable = match reserved_elsewhere {
                    true => None,
                    false => self.grantable(&p, &client, a).await?,
                };
                let Some(si) = grantable else {
                    return Ok(self.nak(Some(p.subnet)));
                };
                let avail = match current {
                    Some(l) if l.address == a => Avail::Ours(l),
                    _ => alloc::availability(store, a, &client, self.now).await?,
                };
                if !avail.usable() {
                    return Ok(self.nak(Some(p.subnet)));
                }
                (si, a, avail)
            }
            None => match self.choose(store, &p, &client).await? {
                Ok(found) => found,
                Err(why) => {
                    self.count_alloc_fail(p.subnet, why);
                    return Ok(Outcome4::Drop(DropReason::NoAddress));
                }
            },
        };
        let host = self.host_in(&p, si);
        let client = self.client(&p);
        let scopes = self.scopes(si, host, Some(addr));
        let valid = self.lifetime(si, &scopes);
        let naming = self.naming(si, host, addr);
        let naming = self
            .ddns_hook(MessageType::Ack, si, host, addr, naming)
            .await;
        let mut reused = match &avail {
            Avail::Ours(old) => self.reusable(old, valid, naming.as_ref()),
            _ => None,
        };
        if reused.is_none() {
            if let Avail::Ours(old) = &avail {
                if !old.is_expired(self.now) && !self.renew_hook(old, si, valid, &client).await {
                    // HK-105: SKIP keeps the lease as it was; the client hears what remains of it.
                    reused = u32::try_from(old.expire().saturating_sub(self.now)).ok();
                }
            }
        }
        let (lifetime, committed) = match reused {
            Some(remaining) => {
                // V4-065: the cached lease is reused, nothing is written; times count what remains.
                self.snap.stats.lease_reuses.inc();
                self.snap.subnets[si].stats.lease_reuses.inc();
                (remaining, Vec::new())
            }
            None => {
                let mut lease = self.new_lease(si, addr, valid, naming.as_ref(), &client);
                if !self.lease_hook(&mut lease, si, false).await {
                    return Ok(self.nak(Some(si)));
                }
                // Only what DDNS needs is copied, and only when it is on.
                let old = match &avail {
                    Avail::Ours(o) | Avail::Reclaimable(o) if self.snap.ddns.enabled() => {
                        Some(o.clone())
                    }
                    _ => None,
                };
                let Some(lease) = self.commit(store, lease, avail).await? else {
                    return Ok(self.nak(Some(si)));
                };
                self.snap.ncrs_for_grant(&lease, old.as_ref());
                (valid, vec![lease])
            }
        };
        Ok(self.grant(
            MessageType::Ack,
            si,
            host,
            addr,
            lifetime,
            naming.as_ref(),
            committed,
        ))
    }

    /// An OFFER or ACK of `addr` for `lifetime` seconds (T1/T2 derived from it), sent where RFC 2131 says.
    #[allow(clippy::too_many_arguments)]
    fn grant(
        &mut self,
        msg: MessageType,
        si: usize,
        host: Option<&'a Host4>,
        addr: Ipv4Addr,
        lifetime: u32,
        naming: Option<&Naming>,
        committed: Vec<Lease4>,
    ) -> Outcome4 {
        self.require_classes(si, Some(addr));
        let times = reply::times(&self.snap.config.subnets[si], lifetime);
        let r = self.answer(msg, si, host, addr, Some(times), naming);
        self.send(r, committed)
    }

    /// Remaining lifetime if the lease may be reused from cache instead of rewritten (V4-065).
    fn reusable(&self, old: &Lease4, valid: u32, naming: Option<&Naming>) -> Option<u32> {
        let s = &self.snap.config.subnets[self.snap.subnet_by_id(old.subnet_id)?];
        let unnamed = DnsData {
            hostname: "",
            forward: false,
            reverse: false,
        };
        if old.state != LeaseState::Default
            || old.is_expired(self.now)
            || valid < old.valid_lifetime
            || !DnsData::of4(old).same_as(naming.map_or(unnamed, Naming::dns))
        {
            return None;
        }
        if !crate::cache::reusable(
            s.cache_threshold,
            s.cache_max_age,
            old.cltt,
            old.valid_lifetime,
            self.now,
        ) {
            return None;
        }
        u32::try_from(old.expire().saturating_sub(self.now)).ok()
    }

    fn new_lease(
        &self,
        si: usize,
        addr: Ipv4Addr,
        valid: u32,
        naming: Option<&Naming>,
        client: &Client<'_>,
    ) -> Lease4 {
        let s = &self.snap.config.subnets[si];
        Lease4 {
            address: addr,
            hwaddr: (!client.hw.is_empty()).then(|| HwAddr::new(client.htype, client.hw)),
            client_id: client.client_id.map(ClientId::new),
            valid_lifetime: valid,
            cltt: self.now,
            subnet_id: s.id,
            fqdn_fwd: naming.is_some_and(|n| n.forward),
            fqdn_rev: naming.is_some_and(|n| n.reverse),
            hostname: naming.map(|n| n.name.clone()).unwrap_or_default(),
            state: LeaseState::Default,
            user_context: self
                .pkt
                .options
                .get(code::RELAY_AGENT_INFO)
                .filter(|_| s.store_extended_info)
                .map(extended_info::context),
            pool_id: self.snap.subnets[si]
                .pool_of(addr)
                .map_or(0, |p| s.pools[p.index].pool_id),
        }
    }

    /// Writes `lease`, replacing what `avail` found; `None` if another worker took the address first.
    async fn commit<S: LeaseStore4>(
        &self,
        store: &S,
        lease: Lease4,
        avail: Avail,
    ) -> Result<Option<Lease4>, StoreError> {
        crate::commit::commit(self.snap, store, lease, avail, self.now).await
    }

    async fn release<S: LeaseStore4>(&mut self, store: &S) -> Result<Outcome4, StoreError> {
        let Some(mut lease) = store.get4(self.pkt.ciaddr).await? else {
            tracing::debug!(target: "kea-dhcp4.leases", id = "DHCP4_RELEASE_FAIL_NO_LEASE", "release of unknown address");
            return Ok(Outcome4::Done);
        };
        let match_cid = self
            .snap
            .subnet_by_id(lease.subnet_id)
            .is_none_or(|si| self.snap.config.subnets[si].match_client_id);
        let classes = Classes::default();
        let client = Client {
            hw: self.ids.hw,
            htype: self.pkt.htype,
            client_id: self.ids.client_id.filter(|_| match_cid),
            classes: &classes,
            reserved: None,
        };
        if lease.state != LeaseState::Default || !client.owns(&lease) {
            return Ok(Outcome4::Done);
        }
        if self.change_hook(Point::Lease4Release, &lease).await != Step::Continue {
            tracing::debug!(target: "kea-dhcp4.hooks", id = "DHCP4_HOOK_LEASE4_RELEASE_SKIP", address = %lease.address, "release skipped by a plugin");
            return Ok(Outcome4::Done);
        }
        let exp = &self.snap.config.expired_leases;
        let affinity = exp.hold_reclaimed_time > 0
            && exp.flush_reclaimed_timer_wait_time > 0
            && lease.valid_lifetime != u32::MAX;
        let read = lease.clone();
        let written = if affinity {
            // V4-033: kept for the returning client, already expired.
            lease.state = LeaseState::Released;
            lease.valid_lifetime = 0;
            lease.cltt = self.now;
            store.update4(&lease, &read).await?
        } else {
            store.delete4(&read).await?
        };
        if !written {
            // Renewed or deleted meanwhile by another server sharing the database (LC-116): its
            // lease stays and nothing is counted.
            tracing::debug!(target: "kea-dhcp4.leases", id = "DHCP4_RELEASE_FAIL", address = %lease.address, "released lease changed since it was read");
            return Ok(Outcome4::Done);
        }
        self.snap.count_unassigned(&lease);
        self.snap.queue_ncr(ChangeType::Remove, &lease);
        self.deleted.push(lease.clone());
        tracing::info!(target: "kea-dhcp4.leases", id = "DHCP4_RELEASE", address = %lease.address, "address released");
        Ok(Outcome4::Done)
    }

    async fn decline<S: LeaseStore4>(&mut self, store: &S) -> Result<Outcome4, StoreError> {
        let Some(addr) = self.requested_address() else {
            return Ok(Outcome4::Drop(DropReason::MissingRequestedAddress));
        };
        let Some(mut lease) = store.get4(addr).await? else {
            tracing::info!(target: "kea-dhcp4.leases", id = "DHCP4_DECLINE_LEASE_NOT_FOUND", address = %addr, "declined address has no lease");
            return Ok(Outcome4::Done);
        };
        let classes = Classes::default();
        let client = Client {
            hw: self.ids.hw,
            htype: self.pkt.htype,
            client_id: self.ids.client_id,
            classes: &classes,
            reserved: None,
        };
        if lease.state != LeaseState::Default || !client.owns(&lease) {
            tracing::info!(target: "kea-dhcp4.leases", id = "DHCP4_DECLINE_LEASE_MISMATCH", address = %addr, "declined address leased to another client");
            return Ok(Outcome4::Done);
        }
        match self.change_hook(Point::Lease4Decline, &lease).await {
            Step::Continue => {}
            Step::Drop => return Ok(Outcome4::Drop(DropReason::Hook("DHCP4_HOOK_DECLINE_DROP"))),
            Step::Skip | Step::LotFull => {
                tracing::debug!(target: "kea-dhcp4.hooks", id = "DHCP4_HOOK_DECLINE_SKIP", address = %addr, "decline skipped by a plugin");
                return Ok(Outcome4::Done);
            }
        }
        // V4-034: the address goes into probation and forgets its client and its DNS records.
        let read = lease.clone();
        lease.state = LeaseState::Declined;
        lease.hwaddr = None;
        lease.client_id = None;
        lease.hostname.clear();
        lease.fqdn_fwd = false;
        lease.fqdn_rev = false;
        lease.cltt = self.now;
        lease.valid_lifetime = self.snap.config.decline_probation_period;
        if !store.update4(&lease, &read).await? {
            tracing::debug!(target: "kea-dhcp4.leases", id = "DHCP4_DECLINE_FAIL", address = %addr, "declined lease changed since it was read");
            return Ok(Outcome4::Done);
        }
        self.snap.queue_ncr(ChangeType::Remove, &read);
        self.snap.count_declined(&lease);
        tracing::info!(target: "kea-dhcp4.leases", id = "DHCP4_DECLINE_LEASE", address = %addr, "address declined");
        Ok(Outcome4::Done)
    }

    async fn inform(&mut self) -> Result<Outcome4, StoreError> {
        let p = match self.place().await? {
            Ok(Some(p)) => p,
            Ok(None) => return Ok(Outcome4::Drop(DropReason::NoSubnet)),
            Err(r) => return Ok(Outcome4::Drop(r)),
        };
        if self.is_dropped_by_class() {
            return Ok(Outcome4::Drop(DropReason::DropClass));
        }
        let host = self.host_in(&p, p.subnet);
        self.require_classes(p.subnet, None);
        // V4-035: configuration only; no lease, no lease times.
        let r = self.answer(
            MessageType::Ack,
            p.subnet,
            host,
            Ipv4Addr::UNSPECIFIED,
            None,
            None,
        );
        Ok(self.send(r, Vec::new()))
    }
}

/// Copies a string into a fixed, zero-padded header field, truncating what doesn't fit.
fn copy_field(field: &mut [u8], value: &str) {
    field.fill(0);
    let n = value.len().min(field.len());
    field[..n].copy_from_slice(&value.as_bytes()[..n]);
}

mod stash;
mod v6only;

#[cfg(test)]
pub(crate) mod tests;
