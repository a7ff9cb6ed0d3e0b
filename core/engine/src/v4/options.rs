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
    pub(crate) fn fill(&self, prl: &[u8], reply: &mut Options4) {
        let mut value: [Option<&[u8]>; 256] = [None; 256];
        let mut always = [false; 256];
        let mut never = [false; 256];
        for level in self.levels() {
            for o in level.items.iter().filter(|o| o.space == "dhcp4") {
                let Ok(c) = u8::try_from(o.code) else {
                    continue;
                };
                let i = usize::from(c);
                value[i].get_or_insert(o.data.as_slice());
                always[i] |= o.always_send;
                never[i] |= o.never_send;
            }
        }
        for c in SENT_UNREQUESTED {
            always[usize::from(c)] = true;
        }
        let put = |c: u8, reply: &mut Options4| {
            let i = usize::from(c);
            if let (Some(v), false) = (value[i], never[i]) {
                if !reply.contains(c) {
                    reply.insert(c, v);
                }
            }
        };
        for &c in prl {
            put(c, reply);
        }
        for c in 0..=255u8 {
            if always[usize::from(c)] && value[usize::from(c)].is_some() {
                put(c, reply);
            }
        }
    }
}
