//! Message handling: SOLICIT, REQUEST, RENEW, REBIND, RELEASE, DECLINE, CONFIRM, INFORMATION-REQUEST
//! (RFC 8415 §18.3), each answered with one ADVERTISE or REPLY.

use super::client::{self, enterprises, peer_address, vendor_class};
use super::hosts::ClientIds6;
use super::options::Scopes6;
use super::select::select_subnet;
use super::snapshot::Snapshot6;
use super::view::Query6View;
use super::{DropReason6, Ingress6, Outcome6};
use crate::callouts::{self, Step};
use crate::classes::{Classes, Phase};
use crate::host_db::{self, Fetched};
use crate::hostname;
use ruru_config::{ClientClass6, Host6, HostIdType};
use ruru_hook_api::names::arg;
use ruru_hooks::{Args, Point, RequestContext, Slot};
use ruru_lease::{HwAddr, Lease6, LeaseStore6, StoreError};
use ruru_proto::v6::{
    code, status, ClientFqdn, MessageType, Packet6, StatusCode, FLAG_N, FLAG_O, FLAG_S,
};
use std::net::SocketAddrV6;
use std::sync::Mutex;

/// Handles one parsed message at time `now` (Unix seconds). Counts the per-type statistics and drops;
/// `pkt6-received`, parse failures and sent counters belong to the transport.
pub async fn process<S: LeaseStore6>(
    snap: &Snapshot6,
    store: &S,
    pkt: &Packet6,
    ing: &Ingress6,
    now: u64,
) -> Result<Outcome6, StoreError> {
    let ctx = Mutex::new(RequestContext::new());
    callouts::in_context(&snap.hooks, &ctx, handle(snap, store, pkt, ing, now, &ctx)).await
}

async fn handle<S: LeaseStore6>(
    snap: &Snapshot6,
    store: &S,
    pkt: &Packet6,
    ing: &Ingress6,
    now: u64,
    ctx: &Mutex<RequestContext>,
) -> Result<Outcome6, StoreError> {
    let received;
    let pkt = if snap.hooks.has(Point::Pkt6Receive) {
        // HK-121: the query is writable; SKIP and DROP both discard it.
        let mut q = pkt.clone();
        let mut args = Args::new().with(arg::QUERY6, Slot::Pkt6Mut(&mut q));
        if callouts::run(&snap.hooks, Point::Pkt6Receive, &mut args, ctx).await != Step::Continue {
            return Ok(Outcome6::Drop(DropReason6::Hook(
                "DHCP6_HOOK_PACKET_RCVD_SKIP",
            )));
        }
        drop(args);
        received = q;
        &received
    } else {
        pkt
    };
    let mut deleted = Vec::new();
    let mut out = dispatch(snap, store, pkt, ing, now, ctx, &mut deleted).await?;
    if !snap.hooks.is_empty() {
        // LC-021: while plugins may hold the exchange (a park), its leases are not for commands.
        let _held: Vec<_> = match &out {
            Outcome6::Reply { committed, .. } => committed
                .iter()
                .map(|l| snap.busy.hold(l.address.into()))
                .collect(),
            Outcome6::Drop(_) => Vec::new(),
        };
        out = super::sending::after_processing(snap, pkt, out, &deleted, ctx).await;
    }
    if let Outcome6::Drop(reason) = out {
        if reason.counted() {
            snap.stats.receive_drop.inc();
        }
        tracing::debug!(target: "kea-dhcp6.bad-packets", id = reason.message_id(), transid = pkt.message.transaction_id, ?reason, "dropped query");
    }
    Ok(out)
}

/// Client-id and server-id presence each message type requires (V6-019): (client-id, server-id), each
/// `Some(true)` = exactly one, `Some(false)` = none, `None` = at most one.
fn required(t: MessageType) -> (Option<bool>, Option<bool>) {
    match t {
        MessageType::Solicit | MessageType::Rebind | MessageType::Confirm => {
            (Some(true), Some(false))
        }
        MessageType::Request | MessageType::Renew | MessageType::Release | MessageType::Decline => {
            (Some(true), Some(true))
        }
        _ => (None, None),
    }
}

/// Whether the message's client-id and server-id obey [`required`] and hold 3..130 octets (V6-020).
fn options_valid(pkt: &Packet6) -> bool {
    let (cid, sid) = required(pkt.message.msg_type);
    let check = |c: u16, rule: Option<bool>| {
        let all: Vec<&[u8]> = pkt.message.options.get_all(c).collect();
        let count_ok = match rule {
            Some(true) => all.len() == 1,
            Some(false) => all.is_empty(),
            None => all.len() <= 1,
        };
        count_ok && all.iter().all(|v| (3..=130).contains(&v.len()))
    };
    check(code::CLIENTID, cid) && check(code::SERVERID, sid)
}

async fn dispatch<S: LeaseStore6>(
    snap: &Snapshot6,
    store: &S,
    pkt: &Packet6,
    ing: &Ingress6,
    now: u64,
    ctx: &Mutex<RequestContext>,
    deleted: &mut Vec<Lease6>,
) -> Result<Outcome6, StoreError> {
    let st = &snap.stats;
    let t = pkt.message.msg_type;
    match t {
        MessageType::Solicit => st.solicit_received.inc(),
        MessageType::Request => st.request_received.inc(),
        MessageType::Renew => st.renew_received.inc(),
        MessageType::Rebind => st.rebind_received.inc(),
        MessageType::Release => st.release_received.inc(),
        MessageType::Decline => st.decline_received.inc(),
        MessageType::InformationRequest => st.infrequest_received.inc(),
        MessageType::Advertise => st.advertise_received.inc(),
        MessageType::Reply => st.reply_received.inc(),
        MessageType::Dhcpv4Query => st.dhcpv4_query_received.inc(),
        MessageType::Dhcpv4Response => st.dhcpv4_response_received.inc(),
        MessageType::Confirm => st.confirm_received.inc(),
        MessageType::Reconfigure => st.reconfigure_received.inc(),
        _ => st.unknown_received.inc(),
    }
    let query = matches!(
        t,
        MessageType::Solicit
            | MessageType::Request
            | MessageType::Renew
            | MessageType::Rebind
            | MessageType::Release
            | MessageType::Decline
            | MessageType::Confirm
            | MessageType::InformationRequest
    );
    if !query {
        return Ok(Outcome6::Drop(DropReason6::NotAQuery));
    }
    let multicast_only = matches!(
        t,
        MessageType::Solicit
            | MessageType::Confirm
            | MessageType::Rebind
            | MessageType::InformationRequest
    );
    if multicast_only && pkt.relays.is_empty() && !ing.dst.is_multicast() {
        return Ok(Outcome6::Drop(DropReason6::Unicast));
    }
    if !options_valid(pkt) {
        return Ok(Outcome6::Drop(DropReason6::RequiredOptions));
    }
    if let Some(sid) = pkt.message.options.get(code::SERVERID) {
        if sid != snap.server_duid() {
            return Ok(Outcome6::Drop(DropReason6::ServerIdMismatch));
        }
    }
    let fetched = Fetched::new();
    let mut q = match Query6::new(snap, pkt, ing, now, ctx, &fetched).await? {
        Ok(q) => q,
        Err(reason) => return Ok(Outcome6::Drop(reason)),
    };
    if q.classes.contains("DROP") {
        return Ok(Outcome6::Drop(DropReason6::DropClass));
    }
    let out = match t {
        MessageType::Solicit => q.solicit(store).await,
        MessageType::Request => q.request(store).await,
        MessageType::Renew | MessageType::Rebind => q.extend(store).await,
        MessageType::Release => q.release(store).await,
        MessageType::Decline => q.decline(store).await,
        MessageType::Confirm => Ok(q.confirm()),
        _ => Ok(q.information()),
    };
    *deleted = std::mem::take(&mut q.deleted);
    out
}

/// One query being processed, with what has been learnt about it so far.
pub(super) struct Query6<'a> {
    pub(super) snap: &'a Snapshot6,
    pub(super) pkt: &'a Packet6,
    pub(super) ing: &'a Ingress6,
    pub(super) now: u64,
    /// The client-id payload (empty for an INFORMATION-REQUEST without one).
    pub(super) duid: &'a [u8],
    pub(super) hw: Option<(HwAddr, u32)>,
    pub(super) classes: Classes<'a>,
    pub(super) subnet: Option<usize>,
    pub(super) host: Option<&'a Host6>,
    /// The subnet whose reservations hold `host`; `None` for a global one.
    pub(super) host_subnet: Option<usize>,
    /// The client's option 39, if sent, or the empty one `ddns-replace-client-name` stands in for it
    /// (V6-167).
    pub(super) fqdn: Option<ClientFqdn>,
    /// The first address granted to an IA_NA: what a generated name is made from (V6-168).
    pub(super) first_na: Option<std::net::Ipv6Addr>,
    /// An ADVERTISE is being built: no name is generated for it (V6-168).
    pub(super) advertising: bool,
    /// `require-client-classes` of the pools and pd-pools the granted leases came from (V6-158).
    pub(super) pool_requires: Vec<&'a [String]>,
    /// Leases written for this query.
    pub(super) committed: Vec<Lease6>,
    /// Leases this query released or revoked (`deleted_leases6`).
    pub(super) deleted: Vec<Lease6>,
    /// What a `ddns6_update` callout changed (HK-129).
    pub(super) ddns_override: Option<super::ddns::DdnsOverride>,
    /// The IA_NA leases a committing answer grants, for its NCRs (only with DDNS on).
    pub(super) na_grants: Vec<super::ddns::NaGrant>,
    /// The plugins' per-request context.
    pub(super) ctx: &'a Mutex<RequestContext>,
    /// The client's reservation when the host database holds it.
    fetched: &'a Fetched<Host6>,
}

impl<'a> Query6<'a> {
    async fn new(
        snap: &'a Snapshot6,
        pkt: &'a Packet6,
        ing: &'a Ingress6,
        now: u64,
        ctx: &'a Mutex<RequestContext>,
        fetched: &'a Fetched<Host6>,
    ) -> Result<Result<Self, DropReason6>, StoreError> {
        let fqdn = match pkt.message.options.typed::<ClientFqdn>(code::CLIENT_FQDN) {
            Some(Ok(f)) => Some(f),
            Some(Err(_)) => return Ok(Err(DropReason6::BadFqdn)),
            None => None,
        };
        let peer = peer_address(pkt, *ing.src.ip());
        let mut q = Query6 {
            snap,
            pkt,
            ing,
            now,
            duid: pkt.message.options.get(code::CLIENTID).unwrap_or(&[]),
            hw: client::hardware_address(pkt, peer, &snap.config.mac_sources),
            classes: Classes::new(vendor_class(pkt)),
            subnet: None,
            host: None,
            host_subnet: None,
            fqdn,
            first_na: None,
            advertising: false,
            pool_requires: Vec::new(),
            committed: Vec::new(),
            deleted: Vec::new(),
            ddns_override: None,
            na_grants: Vec::new(),
            ctx,
            fetched,
        };
        // V6-157: tests independent of KNOWN/UNKNOWN, then the DROP class, before subnet selection.
        q.classify(Phase::Early);
        if q.classes.contains("DROP") {
            return Ok(Err(DropReason6::DropClass));
        }
        q.subnet = select_subnet(snap, pkt, ing, &q.classes);
        if let Err(reason) = q.subnet_hook().await {
            return Ok(Err(reason));
        }
        q.find_host().await?;
        q.stand_in_fqdn();
        q.ddns_hook().await;
        Ok(Ok(q))
    }

    /// With updates on and `ddns-replace-client-name` `always` or `when-not-present`, a query without
    /// option 39 is handled as if it carried an empty one with S set, so the answer names the client
    /// (V6-167).
    fn stand_in_fqdn(&mut self) {
        if self.fqdn.is_some() || !self.updates_on() {
            return;
        }
        let Some(si) = self.subnet else { return };
        if matches!(
            self.snap.config.subnets[si].ddns.replace_client_name,
            ruru_config::ReplaceClientName::Always | ruru_config::ReplaceClientName::WhenNotPresent
        ) {
            self.fqdn = Some(ClientFqdn {
                flags: FLAG_S,
                name: String::new(),
            });
        }
    }

    /// The server's answer to option 39 (V6-166), the rule both families share.
    pub(super) fn fqdn_flags(&self, client: &ClientFqdn) -> hostname::FqdnAnswer {
        if let Some(o) = &self.ddns_override {
            return hostname::FqdnAnswer::for_directions(
                o.forward,
                o.reverse,
                client.flags & FLAG_S != 0,
            );
        }
        let updates = self.updates_on();
        match self.subnet {
            Some(si) => hostname::FqdnAnswer::new(
                &self.snap.config.subnets[si].ddns,
                updates,
                client.flags & FLAG_S != 0,
                client.flags & FLAG_N != 0,
            ),
            None => hostname::FqdnAnswer {
                s: false,
                o: client.flags & FLAG_S != 0,
                n: true,
            },
        }
    }

    /// The DNS updates for this client's name: as a `ddns6_update` callout left them, else what the
    /// answer's flags say (forward when S, reverse unless N). The flags cannot say "forward only".
    pub(super) fn dns_directions(&self, client: &ClientFqdn) -> (bool, bool) {
        match &self.ddns_override {
            Some(o) => (o.forward, o.reverse),
            None => self.fqdn_flags(client).directions(),
        }
    }

    /// Whether the server would update DNS for this client (`enable-updates` and `ddns-send-updates`).
    fn updates_on(&self) -> bool {
        self.snap.config.dhcp_ddns.enable_updates
            && self
                .subnet
                .is_some_and(|si| self.snap.config.subnets[si].ddns.send_updates)
    }

    /// `subnet6_select` (HK-122): plugins may replace the subnet or, with SKIP, leave the client
    /// without one; DROP drops; the point may park.
    async fn subnet_hook(&mut self) -> Result<(), DropReason6> {
        let snap = self.snap;
        if !snap.hooks.has(Point::Subnet6Select) {
            return Ok(());
        }
        let all = &snap.config.subnets[..];
        let mut args = Args::new()
            .with(arg::QUERY6, Slot::Pkt6(self.pkt))
            .with(
                arg::SUBNET6,
                Slot::SubnetChoice6 {
                    chosen: self.subnet,
                    all,
                },
            )
            .with(arg::SUBNET6_COLLECTION, Slot::Subnets6(all));
        match callouts::run(&snap.hooks, Point::Subnet6Select, &mut args, self.ctx).await {
            Step::Continue => self.subnet = args.chosen_subnet(arg::SUBNET6).flatten(),
            Step::Skip => self.subnet = None,
            Step::Drop => return Err(DropReason6::Hook("DHCP6_HOOK_SUBNET6_SELECT_DROP")),
            Step::LotFull => {
                return Err(DropReason6::ParkingLotFull(
                    "DHCP6_HOOK_SUBNET6_SELECT_PARKING_LOT_FULL",
                ))
            }
        }
        Ok(())
    }

    /// `host6_identifier` (HK-123): the flex-id a plugin derives from the query, when `flex-id` is
    /// among the host reservation identifiers.
    async fn flex_id_hook(&self, order: &[HostIdType]) -> Option<Vec<u8>> {
        if !order.contains(&HostIdType::FlexId) || !self.snap.hooks.has(Point::Host6Identifier) {
            return None;
        }
        let mut args = Args::new()
            .with(arg::QUERY6, Slot::Pkt6(self.pkt))
            .with(arg::ID_TYPE, Slot::U64(FLEX_ID, true))
            .with(arg::ID_VALUE, Slot::BytesOut(Vec::new()));
        let step = callouts::run(
            &self.snap.hooks,
            Point::Host6Identifier,
            &mut args,
            self.ctx,
        )
        .await;
        let id = args.bytes(arg::ID_VALUE).unwrap_or_default();
        (step == Step::Continue && args.u64(arg::ID_TYPE) == Some(FLEX_ID) && !id.is_empty())
            .then(|| id.to_vec())
    }

    /// Host lookup (V6-114, V6-115, V6-131): the selected subnet's family in order, then the global
    /// list; then the classes that depend on it (V6-119, V6-157).
    async fn find_host(&mut self) -> Result<(), StoreError> {
        let cfg = &self.snap.config;
        let order: &[HostIdType] = &cfg.host_reservation_identifiers;
        let flex = self.flex_id_hook(order).await;
        let ids = ClientIds6 {
            duid: self.duid,
            hw: self.hw.as_ref().map(|(h, _)| h.as_bytes()),
            flex: flex.as_deref(),
        };
        let mut found = None;
        let global = self
            .subnet
            .is_none_or(|si| cfg.subnets[si].reservations_global);
        if let Some(si) = self.subnet {
            for &m in &self.snap.subnets[si].family {
                if !cfg.subnets[m].reservations_in_subnet {
                    continue;
                }
                if let Some(h) = self.reservation(Some(m), &ids, order).await? {
                    found = Some(h);
                    self.host_subnet = Some(m);
                    if m != si {
                        // The member holding the reservation serves the client (V6-131).
                        self.subnet = Some(m);
                    }
                    break;
                }
            }
        }
        if found.is_none() && global {
            found = self.reservation(None, &ids, order).await?;
        }
        self.host = found;
        let steering = self
            .host_subnet
            .is_none_or(|hs| cfg.subnets[hs].shared_network.is_none());
        let view = Query6View {
            pkt: self.pkt,
            ing: self.ing,
        };
        self.classes.set_host(
            found.map(|h| h.client_classes.as_slice()),
            steering,
            &cfg.client_classes,
            &view,
        );
        Ok(())
    }

    /// The client's reservation in subnet `scope`, or among the global ones for `None`: identifier
    /// types in `order` (V6-114), each looked up in the configuration, then in the host database.
    async fn reservation(
        &self,
        scope: Option<usize>,
        ids: &ClientIds6<'_>,
        order: &[HostIdType],
    ) -> Result<Option<&'a Host6>, StoreError> {
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
            return Ok(index.find(ids, order).map(|h| &list[h]));
        };
        for &t in order {
            let Some(id) = ids.get(t) else { continue };
            if let Some(h) = index.get(t, id) {
                return Ok(Some(&list[h]));
            }
            if let Some(h) = db.0.get6(subnet_id, t, id).await? {
                return Ok(Some(host_db::keep(self.fetched, h)));
            }
        }
        Ok(None)
    }

    /// The reservation that applies to the client served from the current subnet: a global one, or
    /// one of that subnet itself (Kea's current host); a sibling's reservation only made the client
    /// `KNOWN`.
    fn current_host(&self) -> Option<&'a Host6> {
        self.host
            .filter(|_| self.host_subnet.is_none_or(|hs| Some(hs) == self.subnet))
    }

    /// Evaluates the class tests of `phase` (V6-157).
    fn classify(&mut self, phase: Phase) {
        let view = Query6View {
            pkt: self.pkt,
            ing: self.ing,
        };
        let defined = &self.snap.config.client_classes;
        self.classes.evaluate(defined, phase, &view);
    }

    /// After allocation: the classes required by the network, the subnet and the pools of the granted
    /// leases, in that order (V6-158).
    fn require_classes(&mut self) {
        let Some(si) = self.subnet else { return };
        let cfg = &self.snap.config;
        let s = &cfg.subnets[si];
        let network = s
            .shared_network
            .map(|n| &cfg.shared_networks[n].require_client_classes);
        let pools = std::mem::take(&mut self.pool_requires);
        let names = network
            .into_iter()
            .flatten()
            .chain(&s.require_client_classes)
            .chain(pools.into_iter().flatten());
        let view = Query6View {
            pkt: self.pkt,
            ing: self.ing,
        };
        self.classes.require(&cfg.client_classes, names, &view);
    }

    /// The configured classes of the client, in priority order.
    pub(super) fn configured_classes(&self) -> Vec<&'a ClientClass6> {
        let cfg: &'a ruru_config::Dhcp6Config = &self.snap.config;
        self.classes.configured(&cfg.client_classes, |c| &c.name)
    }

    /// The answer skeleton (V6-046): transaction id, RELAY-REPL levels, client-id, server-id.
    pub(super) fn answer(&self, t: MessageType) -> Packet6 {
        let mut reply = self.pkt.reply_skeleton(t);
        if !self.duid.is_empty() {
            reply.message.options.push(code::CLIENTID, self.duid);
        }
        reply
            .message
            .options
            .push(code::SERVERID, self.snap.server_duid());
        reply
    }

    /// Where the answer goes (V6-047, V6-049): the source, on the client port when direct, on the
    /// server port (or the relay's own source port with option 135) when relayed; `-P` overrides.
    fn destination(&self) -> SocketAddrV6 {
        let tr = &self.snap.transport;
        let port = if tr.client_port_forced {
            tr.client_port
        } else if let Some(outer) = self.pkt.relays.first() {
            if outer.options.contains(code::RELAY_SOURCE_PORT) {
                self.ing.src.port()
            } else {
                tr.server_port
            }
        } else {
            tr.client_port
        };
        SocketAddrV6::new(*self.ing.src.ip(), port, 0, 0)
    }

    /// Adds the configured options (and option 39) and wraps up the outcome.
    pub(super) fn finish(
        &mut self,
        mut reply: Packet6,
        pool_options: Vec<&'a ruru_config::OptionSet>,
    ) -> Outcome6 {
        // The reservation's classes, now that the subnet is known (V6-119).
        let host = self.current_host();
        if let Some(h) = host {
            self.classes.add_reserved(&h.client_classes);
        }
        self.require_classes();
        let cfg: &'a ruru_config::Dhcp6Config = &self.snap.config;
        let subnet = self.subnet.map(|si| &cfg.subnets[si]);
        let scopes = Scopes6 {
            host,
            pools: pool_options,
            subnet,
            network: subnet
                .and_then(|s| s.shared_network)
                .map(|n| &cfg.shared_networks[n]),
            classes: self.configured_classes(),
            global: Some(&cfg.options),
        };
        if let Some(f) = self.answer_fqdn() {
            let _ = reply.message.options.push_typed(code::CLIENT_FQDN, &f);
        }
        let oro = self.pkt.message.options.oro();
        scopes.fill(&oro, &enterprises(self.pkt), &mut reply.message.options);
        self.relay_supplied(&mut reply);
        self.bare(reply)
    }

    /// The outcome for `reply` as it is: RELEASE and DECLINE answers carry no configured options (V6-046).
    pub(super) fn bare(&mut self, reply: Packet6) -> Outcome6 {
        Outcome6::Reply {
            packet: reply,
            to: self.destination(),
            committed: std::mem::take(&mut self.committed),
        }
    }

    /// RSOO (V6-050): options relays offered in option 66 that are enabled and not already answered,
    /// client-side levels first.
    fn relay_supplied(&self, reply: &mut Packet6) {
        let enabled = &self.snap.config.relay_supplied_options;
        for r in self.pkt.relays.iter().rev() {
            let Some(rsoo) = r.options.get(code::RSOO) else {
                continue;
            };
            let (inner, _) = ruru_proto::v6::Options6::parse(rsoo);
            for (c, data) in inner.iter() {
                if enabled.contains(&c) && !reply.message.options.contains(c) {
                    reply.message.options.push(c, data);
                }
            }
        }
    }

    /// Option 39 in the answer (V6-166, V6-169, V6-171): the client's name lower-cased and qualified,
    /// or the reserved hostname; flags say whether the server updates DNS.
    pub(super) fn answer_fqdn(&self) -> Option<ClientFqdn> {
        let client = self.fqdn.as_ref()?;
        let a = self.fqdn_flags(client);
        let flags = if a.s { FLAG_S } else { 0 }
            | if a.o { FLAG_O } else { 0 }
            | if a.n { FLAG_N } else { 0 };
        Some(ClientFqdn {
            flags,
            name: self.hostname(),
        })
    }

    /// The name recorded in leases and answered in option 39 (V6-121, V6-167..V6-170): the
    /// reservation's; else a generated one (`ddns-replace-client-name`) from the first IA_NA address,
    /// `addr` standing in while that IA is served, never in an ADVERTISE; else the client's, scrubbed,
    /// lower-cased and qualified with the trailing dot. Empty without option 39.
    pub(super) fn hostname_for(&self, addr: Option<std::net::Ipv6Addr>) -> String {
        let Some(client) = self.fqdn.as_ref() else {
            return String::new();
        };
        let as_is = hostname::Qualify::Partial { full: true };
        if let Some(o) = &self.ddns_override {
            return hostname::fully_qualified(&o.name, "", as_is);
        }
        let Some(si) = self.subnet else {
            return hostname::fully_qualified(&client.name, "", as_is);
        };
        let ddns = &self.snap.config.subnets[si].ddns;
        if let Some(reserved) = self.host.and_then(|h| h.hostname.as_deref()) {
            return hostname::fully_qualified(
                reserved,
                &ddns.qualifying_suffix,
                hostname::Qualify::Always,
            );
        }
        let named = hostname::client_name(ddns, &self.snap.subnets[si].char_set, &client.name);
        if hostname::generates(ddns.replace_client_name, named.is_some()) {
            return match self.first_na.or(addr) {
                Some(a) if !self.advertising => hostname::generated6(ddns, a),
                _ => String::new(),
            };
        }
        // A fully qualified name (root label sent) is kept; a partial one gets the suffix.
        let rule = hostname::Qualify::Partial {
            full: client.is_fully_qualified(),
        };
        named.map_or_else(String::new, |n| {
            hostname::fully_qualified(&n, &ddns.qualifying_suffix, rule)
        })
    }

    /// [`Self::hostname_for`] once the IAs are served.
    pub(super) fn hostname(&self) -> String {
        self.hostname_for(None)
    }

    /// CONFIRM (V6-042): Success when the selected subnet holds every listed address, else NotOnLink.
    fn confirm(&mut self) -> Outcome6 {
        let addrs: Vec<std::net::Ipv6Addr> = self
            .pkt
            .message
            .options
            .all_typed::<ruru_proto::v6::Ia>(code::IA_NA)
            .filter_map(Result::ok)
            .flat_map(|ia| {
                ia.options
                    .all_typed::<ruru_proto::v6::IaAddr>(code::IAADDR)
                    .filter_map(Result::ok)
                    .map(|a| a.address)
                    .collect::<Vec<_>>()
            })
            .collect();
        if addrs.is_empty() {
            return Outcome6::Drop(DropReason6::NothingToConfirm);
        }
        let on_link = self.subnet.is_some_and(|si| {
            addrs
                .iter()
                .all(|&a| self.snap.config.subnets[si].contains(a))
        });
        let mut reply = self.answer(MessageType::Reply);
        let (c, text) = if on_link {
            (status::SUCCESS, "All addresses are on-link.")
        } else {
            (status::NOT_ON_LINK, "Some addresses are not on-link.")
        };
        let _ = reply
            .message
            .options
            .push_typed(code::STATUS_CODE, &StatusCode::new(c, text));
        self.finish(reply, Vec::new())
    }

    /// INFORMATION-REQUEST (V6-043): configuration options only.
    fn information(&mut self) -> Outcome6 {
        let reply = self.answer(MessageType::Reply);
        self.finish(reply, Vec::new())
    }
}

/// Kea's identifier type code for flex-id (`host6_identifier`'s `id_type`).
const FLEX_ID: u64 = 4;
