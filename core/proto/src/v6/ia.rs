//! Identity associations and their addresses and prefixes (RFC 8415 §21.4-§21.6, §21.21-§21.22) and
//! the prefix exclude option (RFC 6603).

use super::options::Reader;
use super::{EncodeError, OptionError, OptionValue, Options6};
use std::net::Ipv6Addr;

/// IA_NA (3) or IA_PD (25): IAID, T1, T2, then options (IAADDR or IAPREFIX, STATUS_CODE, ...).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Ia {
    /// Identity association identifier, chosen by the client.
    pub iaid: u32,
    /// Renewal time (T1) in seconds.
    pub t1: u32,
    /// Rebinding time (T2) in seconds.
    pub t2: u32,
    /// The IA's options.
    pub options: Options6,
}

/// IA_TA (4): IAID, then options. Kea does not serve it (V6-034) but it must parse.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct IaTa {
    /// Identity association identifier.
    pub iaid: u32,
    /// The IA's options.
    pub options: Options6,
}

/// IAADDR (5): an address with its lifetimes, then options (STATUS_CODE).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IaAddr {
    /// The address.
    pub address: Ipv6Addr,
    /// Preferred lifetime in seconds.
    pub preferred: u32,
    /// Valid lifetime in seconds.
    pub valid: u32,
    /// The address's options.
    pub options: Options6,
}

/// IAPREFIX (26): lifetimes, prefix length, prefix, then options (STATUS_CODE, PD_EXCLUDE).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IaPrefix {
    /// Preferred lifetime in seconds.
    pub preferred: u32,
    /// Valid lifetime in seconds.
    pub valid: u32,
    /// Prefix length in bits.
    pub prefix_len: u8,
    /// The prefix (bits past the length are whatever was sent).
    pub prefix: Ipv6Addr,
    /// The prefix's options.
    pub options: Options6,
}

/// Reads trailing options the way Kea does (a cut-short tail is dropped, V6-018).
fn sub_options(bytes: &[u8]) -> Options6 {
    Options6::parse(bytes).0
}

impl OptionValue for Ia {
    fn decode(data: &[u8]) -> Result<Self, OptionError> {
        let mut r = Reader::new("IA_NA/IA_PD", data);
        Ok(Self {
            iaid: r.u32()?,
            t1: r.u32()?,
            t2: r.u32()?,
            options: sub_options(r.rest()),
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        for v in [self.iaid, self.t1, self.t2] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        self.options.encode(out)
    }
}

impl OptionValue for IaTa {
    fn decode(data: &[u8]) -> Result<Self, OptionError> {
        let mut r = Reader::new("IA_TA", data);
        Ok(Self {
            iaid: r.u32()?,
            options: sub_options(r.rest()),
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.iaid.to_be_bytes());
        self.options.encode(out)
    }
}

impl OptionValue for IaAddr {
    fn decode(data: &[u8]) -> Result<Self, OptionError> {
        let mut r = Reader::new("IAADDR", data);
        Ok(Self {
            address: r.addr()?,
            preferred: r.u32()?,
            valid: r.u32()?,
            options: sub_options(r.rest()),
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.address.octets());
        out.extend_from_slice(&self.preferred.to_be_bytes());
        out.extend_from_slice(&self.valid.to_be_bytes());
        self.options.encode(out)
    }
}

impl OptionValue for IaPrefix {
    fn decode(data: &[u8]) -> Result<Self, OptionError> {
        let mut r = Reader::new("IAPREFIX", data);
        let preferred = r.u32()?;
        let valid = r.u32()?;
        let prefix_len = r.u8()?;
        if prefix_len > 128 {
            return Err(r.invalid("prefix length over 128"));
        }
        Ok(Self {
            preferred,
            valid,
            prefix_len,
            prefix: r.addr()?,
            options: sub_options(r.rest()),
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.preferred.to_be_bytes());
        out.extend_from_slice(&self.valid.to_be_bytes());
        out.push(self.prefix_len);
        out.extend_from_slice(&self.prefix.octets());
        self.options.encode(out)
    }
}

/// PD_EXCLUDE (67, RFC 6603 §4.2): the excluded prefix's length, then only its bits after the
/// delegated prefix ("IPv6 subnet ID"), left-aligned in whole bytes. Reading or writing the full
/// prefix needs the delegated prefix it sits in (V6-065).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdExclude {
    /// Length of the excluded prefix.
    pub prefix_len: u8,
    /// The excluded prefix's bits between the delegated length and `prefix_len`.
    pub subnet_id: Vec<u8>,
}

impl PdExclude {
    /// Excludes `excluded`/`excluded_len` from a prefix delegated with length `delegated_len`. `None`
    /// unless `delegated_len < excluded_len <= 128`.
    pub fn new(delegated_len: u8, excluded: Ipv6Addr, excluded_len: u8) -> Option<Self> {
        if delegated_len >= excluded_len || excluded_len > 128 {
            return None;
        }
        let bits = u128::from(excluded) << delegated_len;
        let id_bits = u32::from(excluded_len - delegated_len);
        let subnet_id = bits.to_be_bytes()[..id_bits.div_ceil(8) as usize].to_vec();
        let mut pd = Self {
            prefix_len: excluded_len,
            subnet_id,
        };
        // Bits past the excluded length are zero on the wire.
        if let Some(last) = pd.subnet_id.last_mut() {
            *last &= 0xff << ((8 - id_bits % 8) % 8);
        }
        Some(pd)
    }

    /// The excluded prefix inside `delegated`/`delegated_len`; `None` when the lengths do not fit
    /// (`prefix_len` not longer than the delegated length, or a subnet id of the wrong size).
    pub fn excluded(&self, delegated: Ipv6Addr, delegated_len: u8) -> Option<(Ipv6Addr, u8)> {
        let id_bits = self
            .prefix_len
            .checked_sub(delegated_len)
            .filter(|b| *b > 0)?;
        if self.prefix_len > 128 || self.subnet_id.len() != usize::from(id_bits).div_ceil(8) {
            return None;
        }
        let mut id = [0u8; 16];
        id[..self.subnet_id.len()].copy_from_slice(&self.subnet_id);
        let id = u128::from_be_bytes(id) >> delegated_len;
        let keep = u128::MAX
            .checked_shl(u32::from(128 - delegated_len))
            .unwrap_or(0);
        let mask = u128::MAX
            .checked_shl(u32::from(128 - self.prefix_len))
            .unwrap_or(0);
        let addr = ((u128::from(delegated) & keep) | id) & mask;
        Some((Ipv6Addr::from(addr), self.prefix_len))
    }
}

impl OptionValue for PdExclude {
    fn decode(data: &[u8]) -> Result<Self, OptionError> {
        let mut r = Reader::new("PD_EXCLUDE", data);
        let prefix_len = r.u8()?;
        if prefix_len > 128 {
            return Err(r.invalid("prefix length over 128"));
        }
        let subnet_id = r.rest().to_vec();
        if subnet_id.is_empty() || subnet_id.len() > 16 {
            return Err(OptionError::Short {
                what: "PD_EXCLUDE",
                len: data.len(),
            });
        }
        Ok(Self {
            prefix_len,
            subnet_id,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.push(self.prefix_len);
        out.extend_from_slice(&self.subnet_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }

    // V6-065: the ARM §9.2.10 pool (delegated /64, excluded 2001:db8:1:8000:cafe:80::/72) gives
    // payload `48 ca`.
    #[test]
    fn v6_065_pd_exclude_arm_example() {
        let pd = PdExclude::new(64, addr("2001:db8:1:8000:cafe:80::"), 72).unwrap();
        assert_eq!(pd.prefix_len, 72);
        assert_eq!(pd.subnet_id, [0xca]);
        let mut out = Vec::new();
        pd.encode(&mut out).unwrap();
        assert_eq!(out, [0x48, 0xca]);
        assert_eq!(
            pd.excluded(addr("2001:db8:1:8000::"), 64),
            Some((addr("2001:db8:1:8000:ca00::"), 72))
        );
        // V6-111: 2001:db8:0:1::/64 out of 2001:db8::/48: a 16-bit subnet id.
        let pd = PdExclude::new(48, addr("2001:db8:0:1::"), 64).unwrap();
        assert_eq!(pd.subnet_id, [0, 1]);
        assert_eq!(
            pd.excluded(addr("2001:db8::"), 48),
            Some((addr("2001:db8:0:1::"), 64))
        );
        // Odd bit counts: /60 out of /56 keeps the top nibble only.
        let pd = PdExclude::new(56, addr("2001:db8:0:ab::"), 60).unwrap();
        assert_eq!(pd.subnet_id, [0xa0]);
        assert!(PdExclude::new(64, addr("::"), 64).is_none());
        assert!(PdExclude::new(64, addr("::"), 129).is_none());
        assert_eq!(pd.excluded(addr("::"), 60), None);
        assert_eq!(
            PdExclude::decode(&[0x48, 0xca]),
            Ok(PdExclude::new(64, addr("2001:db8:1:8000:cafe:80::"), 72).unwrap())
        );
        assert!(PdExclude::decode(&[0x48]).is_err() && PdExclude::decode(&[200, 1]).is_err());
    }

    #[test]
    fn ia_layouts_round_trip() {
        let mut ia = Ia {
            iaid: 7,
            t1: 1800,
            t2: 2880,
            options: Options6::new(),
        };
        let iaaddr = IaAddr {
            address: addr("2001:db8:1::10"),
            preferred: 3600,
            valid: 7200,
            options: Options6::new(),
        };
        ia.options
            .push_typed(super::super::code::IAADDR, &iaaddr)
            .unwrap();
        let mut wire = Vec::new();
        ia.encode(&mut wire).unwrap();
        assert_eq!(wire.len(), 12 + 4 + 24);
        assert_eq!(Ia::decode(&wire), Ok(ia.clone()));
        assert_eq!(
            ia.options.typed::<IaAddr>(super::super::code::IAADDR),
            Some(Ok(iaaddr))
        );
        assert!(Ia::decode(&wire[..11]).is_err());
        assert!(IaAddr::decode(&[0; 23]).is_err());
        let ta = IaTa {
            iaid: 1,
            options: Options6::new(),
        };
        wire.clear();
        ta.encode(&mut wire).unwrap();
        assert_eq!(IaTa::decode(&wire), Ok(ta));
        let mut prefix = vec![0, 0, 0, 1, 0, 0, 0, 2, 200];
        prefix.extend([0; 16]);
        assert!(IaPrefix::decode(&prefix).is_err(), "prefix length 200");
        prefix[8] = 56;
        let p = IaPrefix::decode(&prefix).unwrap();
        assert_eq!((p.preferred, p.valid, p.prefix_len), (1, 2, 56));
    }
}
