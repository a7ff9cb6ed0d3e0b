//! Which configured options go into a DHCPv6 answer: precedence H > P/PD > S > SN > C > G (V6-135), sent
//! when requested in option 6 or `always-send`, never when `never-send` anywhere in the chain (V6-136),
//! and vendor options (17) per enterprise number the exchange names (V6-148).

use ruru_config::{ClientClass6, Host6, OptionSet, SharedNetwork6, Subnet6};
use ruru_proto::v6::{code, Options6};

/// The option scopes that apply to one answer.
#[derive(Debug, Default)]
pub(crate) struct Scopes6<'a> {
    pub(crate) host: Option<&'a Host6>,
    /// Options of the pools and pd-pools the answer's leases came from, in lease order.
    pub(crate) pools: Vec<&'a OptionSet>,
    pub(crate) subnet: Option<&'a Subnet6>,
    pub(crate) network: Option<&'a SharedNetwork6>,
    pub(crate) classes: Vec<&'a ClientClass6>,
    pub(crate) global: Option<&'a OptionSet>,
}

/// Codes the server manages itself; configured values are never sent for them.
const SERVER_MANAGED: [u16; 12] = [
    code::CLIENTID,
    code::SERVERID,
    code::IA_NA,
    code::IA_TA,
    code::IAADDR,
    code::ORO,
    code::ELAPSED_TIME,
    code::RELAY_MSG,
    code::STATUS_CODE,
    code::RAPID_COMMIT,
    code::IA_PD,
    code::IAPREFIX,
];

impl<'a> Scopes6<'a> {
    /// Option sets in precedence order.
    fn levels(&self) -> impl Iterator<Item = &'a OptionSet> + '_ {
        self.host
            .map(|h| &h.options)
            .into_iter()
            .chain(self.pools.iter().copied())
            .chain(self.subnet.map(|s| &s.options))
            .chain(self.network.map(|n| &n.options))
            .chain(self.classes.iter().map(|c| &c.options))
            .chain(self.global)
    }

    /// Adds every configured `dhcp6` option the client requested in `oro` or that is always sent, unless
    /// never-send; vendor options for the enterprise numbers in `vendors`. Options already in `reply`
    /// are left alone.
    pub(crate) fn fill(&self, oro: &[u16], vendors: &[u32], reply: &mut Options6) {
        let mut decided: Vec<u16> = Vec::with_capacity(oro.len() + 4);
        for &c in oro {
            if c != code::VENDOR_OPTS {
                self.offer(c, &mut decided, reply);
            }
        }
        for level in self.levels() {
            for o in &level.items {
                if o.space == "dhcp6" && o.always_send && o.code != code::VENDOR_OPTS {
                    self.offer(o.code, &mut decided, reply);
                }
            }
        }
        self.vendor(oro.contains(&code::VENDOR_OPTS), vendors, reply);
    }

    fn offer(&self, c: u16, decided: &mut Vec<u16>, reply: &mut Options6) {
        if decided.contains(&c) || SERVER_MANAGED.contains(&c) || reply.contains(c) {
            return;
        }
        decided.push(c);
        let mut value = None;
        for level in self.levels() {
            if let Some(o) = level.get_in("dhcp6", c) {
                if o.never_send {
                    return;
                }
                value.get_or_insert(o.data.as_slice());
            }
        }
        if let Some(v) = value {
            reply.push(c, v);
        }
    }

    /// One option 17 per enterprise number: the first scope's configured value for it, sent when the
    /// client named the number in its own 16/17 (`vendors`), asked for 17 without naming any, or the
    /// value is always-send.
    fn vendor(&self, requested: bool, vendors: &[u32], reply: &mut Options6) {
        let mut done: Vec<u32> = Vec::new();
        for level in self.levels() {
            for o in level
                .items
                .iter()
                .filter(|o| o.code == code::VENDOR_OPTS && o.space == "dhcp6")
            {
                let Some(enterprise) = o
                    .data
                    .get(..4)
                    .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                else {
                    continue;
                };
                if done.contains(&enterprise) {
                    continue;
                }
                done.push(enterprise);
                let wanted = o.always_send
                    || vendors.contains(&enterprise)
                    || (requested && vendors.is_empty());
                if wanted && !o.never_send && o.data.len() > 4 {
                    reply.push(code::VENDOR_OPTS, &o.data);
                }
            }
        }
    }
}
