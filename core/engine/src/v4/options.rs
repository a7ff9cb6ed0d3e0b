//! Which configured options go into a reply, by Kea's precedence H > P > S > SN > C > G (V4-107) and the
//! `always-send`/`never-send` rules (V4-108). Uses fixed tables indexed by code: no per-reply allocation.

use ruru_config::{ClientClass, Host4, OptionSet, Pool4, SharedNetwork4, Subnet4};
use ruru_proto::v4::{code, Options4};

/// The option scopes that apply to one reply.
#[derive(Debug, Default)]
pub(crate) struct Scopes<'a> {
    pub(crate) host: Option<&'a Host4>,
    pub(crate) pool: Option<&'a Pool4>,
    pub(crate) subnet: Option<&'a Subnet4>,
    pub(crate) network: Option<&'a SharedNetwork4>,
    pub(crate) classes: Vec<&'a ClientClass>,
    pub(crate) global: Option<&'a OptionSet>,
}

/// Options the server adds when configured even if the client didn't ask (the `*` entries of spec §15.1).
const SENT_UNREQUESTED: [u8; 4] = [
    code::ROUTERS,
    code::DOMAIN_NAME_SERVERS,
    code::DOMAIN_NAME,
    code::SERVER_ID,
];

impl<'a> Scopes<'a> {
    /// Option sets in precedence order.
    fn levels(&self) -> impl Iterator<Item = &'a OptionSet> + '_ {
        self.host
            .map(|h| &h.options)
            .into_iter()
            .chain(self.pool.map(|p| &p.options))
            .chain(self.subnet.map(|s| &s.options))
            .chain(self.network.map(|n| &n.options))
            .chain(self.classes.iter().map(|c| &c.options))
            .chain(self.global)
    }

    /// The winning value of a top-level option, if configured anywhere in the chain.
    pub(crate) fn value(&self, c: u8) -> Option<&'a [u8]> {
        self.levels()
            .find_map(|l| l.get(u16::from(c)))
            .map(|o| o.data.as_slice())
    }

    /// Adds to `reply` every configured option that the client requested in `prl`, is always sent, or is
    /// one of the options sent unrequested; never-send wins. Options already in `reply` are left alone.
    ///
    /// Works over the few configured entries and requested codes with a 256-bit set of codes already
    /// decided, rather than tables indexed by code, so a reply costs no large zeroing.
    pub(crate) fn fill(&self, prl: &[u8], client_vivso: Option<&[u8]>, reply: &mut Options4) {
        let mut decided = CodeSet::default();
        // Options 124 and 125 are assembled per vendor below.
        decided.insert(code::VIVCO);
        decided.insert(code::VIVSO);
        for &c in prl {
            self.offer(c, &mut decided, reply);
        }
        for level in self.levels() {
            for o in &level.items {
                let Ok(c) = u8::try_from(o.code) else {
                    continue;
                };
                if o.space == "dhcp4" && (o.always_send || SENT_UNREQUESTED.contains(&c)) {
                    self.offer(c, &mut decided, reply);
                }
            }
        }
        self.vendor_class(prl.contains(&code::VIVCO), reply);
        self.vendor(prl.contains(&code::VIVSO), client_vivso, reply);
    }

    /// Option 124 (V4-123, RFC 3925): configured instances are told apart by their enterprise
    /// number, so one per vendor is sent (the first in precedence order), each when always-send or
    /// when 124 is requested, unless that vendor's instance is `never-send` anywhere. The instances
    /// go out as one option holding their enterprise blocks in turn: what RFC 3396 makes of several
    /// instances of one code, and RFC 3925's own multi-vendor form.
    fn vendor_class(&self, requested: bool, reply: &mut Options4) {
        if reply.contains(code::VIVCO) {
            return;
        }
        let instances = || {
            self.levels()
                .flat_map(|l| l.items.iter())
                .filter(|o| o.space == "dhcp4" && o.code == u16::from(code::VIVCO))
        };
        let vendor = |o: &ruru_config::ConfiguredOption| o.data.get(..4).map(<[u8]>::to_vec);
        let mut seen: Vec<Vec<u8>> = Vec::new();
        let mut out = Vec::new();
        for o in instances() {
            let Some(id) = vendor(o) else { continue };
            if seen.contains(&id) {
                continue;
            }
            let never = instances().any(|x| x.never_send && vendor(x).as_ref() == Some(&id));
            if (o.always_send || requested) && !never {
                out.extend_from_slice(&o.data);
            }
            seen.push(id);
        }
        if !out.is_empty() {
            reply.insert(code::VIVCO, &out);
        }
    }

    /// Option 125 (V4-122, RFC 3925): one enterprise block per vendor that a configured 125 or the
    /// client's own 125 names. A block holds the sub-options of space `vendor-<id>` that are
    /// always-send, that a DOCSIS client's ORO (vendor 4491, sub-option 1) asks for, or all of them
    /// when that vendor's configured 125 is always-send or requested in option 55; `never-send`
    /// anywhere drops a sub-option, on 125 itself everything.
    fn vendor(&self, requested: bool, client_vivso: Option<&[u8]>, reply: &mut Options4) {
        let configured = |o: &ruru_config::ConfiguredOption| {
            o.space == "dhcp4" && o.code == u16::from(code::VIVSO)
        };
        let any_vendor = self.levels().any(|l| {
            l.items
                .iter()
                .any(|o| configured(o) || o.space.starts_with("vendor-"))
        });
        if !any_vendor || reply.contains(code::VIVSO) {
            return;
        }
        let mut vendors: Vec<(u32, bool)> = Vec::new();
        for o in self
            .levels()
            .flat_map(|l| l.items.iter())
            .filter(|o| configured(o))
        {
            if o.never_send {
                return;
            }
            let Some(id) = o
                .data
                .get(..4)
                .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            else {
                continue;
            };
            if !vendors.iter().any(|(v, _)| *v == id) {
                vendors.push((id, o.always_send || requested));
            }
        }
        let client = client_vivso.map(vendor_blocks).unwrap_or_default();
        for (id, _) in &client {
            if !vendors.iter().any(|(v, _)| v == id) {
                vendors.push((*id, false));
            }
        }
        let docsis_oro = client
            .iter()
            .find(|(id, _)| *id == DOCSIS)
            .and_then(|(_, subs)| sub_option(subs, DOCSIS_ORO))
            .unwrap_or_default();
        let mut out = Vec::new();
        for (id, all) in vendors {
            let space = format!("vendor-{id}");
            let mut subs: Vec<u8> = Vec::new();
            let mut decided = CodeSet::default();
            for o in self.levels().flat_map(|l| l.items.iter()) {
                let Ok(c) = u8::try_from(o.code) else {
                    continue;
                };
                if o.space != space || !decided.insert(c) {
                    continue;
                }
                let never = self
                    .levels()
                    .filter_map(|l| l.get_in(&space, o.code))
                    .any(|x| x.never_send);
                let wanted = all || o.always_send || (id == DOCSIS && docsis_oro.contains(&c));
                if wanted && !never && o.data.len() <= 255 && subs.len() + 2 + o.data.len() <= 255 {
                    subs.push(c);
                    subs.push(o.data.len() as u8);
                    subs.extend_from_slice(&o.data);
                }
            }
            if !subs.is_empty() {
                out.extend_from_slice(&id.to_be_bytes());
                out.push(subs.len() as u8);
                out.extend_from_slice(&subs);
            }
        }
        if !out.is_empty() {
            reply.insert(code::VIVSO, &out);
        }
    }

    /// Puts the winning value of `c` into `reply` unless `c` was decided already, is in the reply,
    /// or is marked never-send anywhere in the chain (V4-108: the flag is sticky).
    fn offer(&self, c: u8, decided: &mut CodeSet, reply: &mut Options4) {
        if !decided.insert(c) || reply.contains(c) {
            return;
        }
        let mut value = None;
        for level in self.levels() {
            if let Some(o) = level.get(u16::from(c)) {
                if o.never_send {
                    return;
                }
                value.get_or_insert(o.data.as_slice());
            }
        }
        if let Some(v) = value {
            reply.insert(c, v);
        }
    }
}

/// CableLabs' enterprise number: its vendor space `vendor-4491` is predefined, and its clients list the
/// sub-options they want in sub-option 1 (the DOCSIS ORO).
const DOCSIS: u32 = 4491;
const DOCSIS_ORO: u8 = 1;

/// The enterprise blocks of an option 125 payload: (enterprise number, sub-options).
fn vendor_blocks(payload: &[u8]) -> Vec<(u32, &[u8])> {
    let mut out = Vec::new();
    let mut rest = payload;
    while rest.len() >= 5 {
        let id = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]);
        let len = usize::from(rest[4]);
        let Some(data) = rest.get(5..5 + len) else {
            break;
        };
        out.push((id, data));
        rest = &rest[5 + len..];
    }
    out
}

/// The payload of sub-option `c` in DHCPv4 sub-option encoding (code, length, data).
fn sub_option(subs: &[u8], c: u8) -> Option<&[u8]> {
    let mut rest = subs;
    while rest.len() >= 2 {
        let len = usize::from(rest[1]);
        let data = rest.get(2..2 + len)?;
        if rest[0] == c {
            return Some(data);
        }
        rest = &rest[2 + len..];
    }
    None
}

/// A set of option codes.
#[derive(Default)]
struct CodeSet([u64; 4]);

impl CodeSet {
    /// Adds `c`; false if it was present.
    fn insert(&mut self, c: u8) -> bool {
        let (word, bit) = (usize::from(c / 64), 1u64 << (c % 64));
        let fresh = self.0[word] & bit == 0;
        self.0[word] |= bit;
        fresh
    }
}
