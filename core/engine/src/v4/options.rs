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
    pub(crate) fn fill(&self, prl: &[u8], reply: &mut Options4) {
        let mut decided = CodeSet::default();
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
