//! Message handling: SOLICIT, REQUEST, RENEW, REBIND, RELEASE, DECLINE, CONFIRM, INFORMATION-REQUEST
//! (RFC 8415 §18.3), each answered with one ADVERTISE or REPLY.

use super::client::{self, enterprises, peer_address, vendor_class};
use super::hosts::ClientIds6;
use super::options::Scopes6;
use super::select::select_subnet;
use super::snapshot::Snapshot6;
use super::{DropReason6, Ingress6, Outcome6};
use crate::classes::Classes;
use ruru_config::{ClientClass6, Host6, HostIdType};
use ruru_lease::{HwAddr, Lease6, LeaseStore6, StoreError};
use ruru_proto::v6::{
    code, status, ClientFqdn, MessageType, Packet6, StatusCode, FLAG_N, FLAG_O, FLAG_S,
};
use std::net::SocketAddrV6;

/// Handles one parsed message at time `now` (Unix seconds). Counts the per-type statistics and drops;
/// `pkt6-received`, parse failures and sent counters belong to the transport.
pub async fn process<S: LeaseStore6>(
    snap: &Snapshot6,
    store: &S,
    pkt: &Packet6,
    ing: &Ingress6,
    now: u64,
) -> Result<Outcome6, StoreError> {
    let out = dispatch(snap, store, pkt, ing, now).await?;
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
        MessageType::Confirm => {}
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
    let mut q = match Query6::new(snap, pkt, ing, now) {
        Ok(q) => q,
        Err(reason) => return Ok(Outcome6::Drop(reason)),
    };
    if q.classes.contains("DROP") {
        return Ok(Outcome6::Drop(DropReason6::DropClass));
    }
    match t {
        MessageType::Solicit => q.solicit(store).await,
        MessageType::Request => q.request(store).await,
        MessageType::Renew | MessageType::Rebind => q.extend(store).await,
        MessageType::Release => q.release(store).await,
        MessageType::Decline => q.decline(store).await,
        MessageType::Confirm => Ok(q.confirm()),
        _ => Ok(q.information()),
    }
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
    /// The client's option 39, if sent.
    pub(super) fqdn: Option<ClientFqdn>,
    /// Leases written for this query.
    pub(super) committed: Vec<Lease6>,
}

impl<'a> Query6<'a> {
    fn new(
        snap: &'a Snapshot6,
        pkt: &'a Packet6,
        ing: &'a Ingress6,
        now: u64,
    ) -> Result<Self, DropReason6> {
        let fqdn = match pkt.message.options.typed::<ClientFqdn>(code::CLIENT_FQDN) {
            Some(Ok(f)) => Some(f),
            Some(Err(_)) => return Err(DropReason6::BadFqdn),
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
            fqdn,
            committed: Vec::new(),
        };
        q.subnet = select_subnet(snap, pkt, ing, &q.classes);
        q.find_host();
        Ok(q)
    }

    /// Host lookup (V6-114, V6-115, V6-131): the selected subnet's family in order, then the global list.
    fn find_host(&mut self) {
        let cfg = &self.snap.config;
        let ids = ClientIds6 {
            duid: self.duid,
            hw: self.hw.as_ref().map(|(h, _)| h.as_bytes()),
        };
        let order: &[HostIdType] = &cfg.host_reservation_identifiers;
        let mut found = None;
        if let Some(si) = self.subnet {
            for &m in &self.snap.subnets[si].family {
                let s = &cfg.subnets[m];
                if !s.reservations_in_subnet {
                    continue;
                }
                if let Some(h) = self.snap.subnets[m].hosts.find(&ids, order) {
                    found = Some(&s.reservations[h]);
                    if m != si {
                        // The member holding the reservation serves the client (V6-131).
                        self.subnet = Some(m);
                    }
                    break;
                }
            }
            let global = cfg.subnets[si].reservations_global;
            if found.is_none() && global {
                found = self
                    .snap
                    .global_hosts
                    .find(&ids, order)
                    .map(|h| &cfg.global_reservations[h]);
            }
        } else {
            found = self
                .snap
                .global_hosts
                .find(&ids, order)
                .map(|h| &cfg.global_reservations[h]);
        }
        self.host = found;
        self.classes
            .set_host(found.map(|h| h.client_classes.as_slice()));
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
        let cfg: &'a ruru_config::Dhcp6Config = &self.snap.config;
        let subnet = self.subnet.map(|si| &cfg.subnets[si]);
        let scopes = Scopes6 {
            host: self.host,
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
        let subnet = self.subnet.map(|si| &self.snap.config.subnets[si]);
        let updates = self.snap.config.dhcp_ddns.enable_updates
            && subnet.is_some_and(|s| s.ddns.send_updates);
        let client_s = client.flags & FLAG_S != 0;
        let flags = if !updates {
            FLAG_N | if client_s { FLAG_O } else { 0 }
        } else if client.flags & FLAG_N != 0 && !subnet.is_some_and(|s| s.ddns.override_no_update) {
            FLAG_N
        } else if !client_s && subnet.is_some_and(|s| s.ddns.override_client_update) {
            FLAG_S | FLAG_O
        } else {
            FLAG_S
        };
        Some(ClientFqdn {
            flags,
            name: self.hostname(),
        })
    }

    /// The name recorded in leases: the reservation's, else the client's lower-cased, qualified with
    /// `ddns-qualifying-suffix` and ending in a dot (V6-121, V6-169); empty without option 39.
    pub(super) fn hostname(&self) -> String {
        let Some(client) = self.fqdn.as_ref() else {
            return String::new();
        };
        let suffix = self
            .subnet
            .map(|si| self.snap.config.subnets[si].ddns.qualifying_suffix.as_str())
            .unwrap_or("");
        let name = self
            .host
            .and_then(|h| h.hostname.clone())
            .unwrap_or_else(|| client.name.to_ascii_lowercase());
        qualify(&name, suffix)
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

/// `name` lower-cased, completed with `suffix` when partial, with the trailing dot; empty stays empty.
fn qualify(name: &str, suffix: &str) -> String {
    if name.is_empty() {
        return String::new();
    }
    let name = name.to_ascii_lowercase();
    if name.ends_with('.') {
        return name;
    }
    let suffix = suffix.trim_matches('.');
    if suffix.is_empty() {
        format!("{name}.")
    } else {
        format!("{name}.{suffix}.")
    }
}
