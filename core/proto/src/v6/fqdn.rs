//! The client FQDN option (39, RFC 4704 §4).

use super::options::Reader;
use super::{EncodeError, OptionError, OptionValue};

/// S: the server should perform the AAAA (forward) update.
pub const FLAG_S: u8 = 0x01;
/// O: the server overrode the client's S bit.
pub const FLAG_O: u8 = 0x02;
/// N: the server should perform no update.
pub const FLAG_N: u8 = 0x04;

/// Longest domain name in wire form (RFC 1035 §2.3.4).
const MAX_NAME: usize = 255;
/// Longest label (RFC 1035 §2.3.4).
const MAX_LABEL: usize = 63;

/// CLIENT_FQDN (39): flags, then a domain name in DNS wire form without compression. The name may be
/// partial (no root label), which the server completes with its qualifying suffix (V6-168).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ClientFqdn {
    /// [`FLAG_S`], [`FLAG_O`], [`FLAG_N`].
    pub flags: u8,
    /// The name as dotted text: with a trailing dot when fully qualified, without when partial,
    /// empty when the client sent none.
    pub name: String,
}

impl ClientFqdn {
    /// Whether the name is fully qualified (ends with the root label).
    pub fn is_fully_qualified(&self) -> bool {
        self.name.ends_with('.')
    }
}

impl OptionValue for ClientFqdn {
    /// Fails on N and S both set (V6-165: Kea drops such a query), on compression pointers, on labels
    /// that are not UTF-8 text or contain a dot, and on bytes after the root label.
    fn decode(data: &[u8]) -> Result<Self, OptionError> {
        let mut r = Reader::new("CLIENT_FQDN", data);
        let flags = r.u8()?;
        if flags & (FLAG_N | FLAG_S) == FLAG_N | FLAG_S {
            return Err(r.invalid("the N and S flags are both set"));
        }
        if data.len() - 1 > MAX_NAME {
            return Err(r.invalid("the name is longer than 255 bytes"));
        }
        let mut name = String::new();
        while !r.at_end() {
            let len = usize::from(r.u8()?);
            if len == 0 {
                name.push('.');
                if !r.at_end() {
                    return Err(r.invalid("bytes after the root label"));
                }
                break;
            }
            if len > MAX_LABEL {
                return Err(r.invalid("label longer than 63 bytes (compression is not allowed)"));
            }
            let label = std::str::from_utf8(r.take(len)?)
                .ok()
                .filter(|l| !l.contains('.'))
                .ok_or_else(|| r.invalid("a label is not UTF-8 text or contains a dot"))?;
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(label);
        }
        // "." alone is the root name: a fully qualified empty name.
        Ok(Self { flags, name })
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let invalid = |reason| EncodeError::Invalid {
            what: "CLIENT_FQDN",
            reason,
        };
        let start = out.len();
        out.push(self.flags);
        let (labels, full) = match self.name.strip_suffix('.') {
            Some(labels) => (labels, true),
            None => (self.name.as_str(), false),
        };
        if !labels.is_empty() {
            for label in labels.split('.') {
                if label.is_empty() || label.len() > MAX_LABEL {
                    out.truncate(start);
                    return Err(invalid("each label must be 1 to 63 bytes"));
                }
                // Checked just above: 1..=63 fits a byte.
                out.push(label.len() as u8);
                out.extend_from_slice(label.as_bytes());
            }
        }
        if full {
            out.push(0);
        }
        if out.len() - start - 1 > MAX_NAME {
            out.truncate(start);
            return Err(invalid("the name is longer than 255 bytes"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(fqdn: &ClientFqdn) -> Vec<u8> {
        let mut out = Vec::new();
        fqdn.encode(&mut out).unwrap();
        assert_eq!(&ClientFqdn::decode(&out).unwrap(), fqdn);
        out
    }

    #[test]
    fn full_partial_and_empty_names() {
        let full = ClientFqdn {
            flags: FLAG_S,
            name: "host.example.org.".into(),
        };
        assert_eq!(round_trip(&full), b"\x01\x04host\x07example\x03org\x00");
        assert!(full.is_fully_qualified());
        let partial = ClientFqdn {
            flags: 0,
            name: "Some-Computer".into(),
        };
        assert_eq!(round_trip(&partial), b"\x00\x0dSome-Computer");
        assert!(!partial.is_fully_qualified());
        assert_eq!(round_trip(&ClientFqdn::default()), [0]);
        let root = ClientFqdn::decode(&[0, 0]).unwrap();
        assert_eq!(root.name, ".");
        assert_eq!(round_trip(&root), [0, 0]);
    }

    // V6-165: N and S both set does not parse.
    #[test]
    fn v6_165_n_and_s_together_fail() {
        assert!(ClientFqdn::decode(&[FLAG_N | FLAG_S]).is_err());
        assert!(ClientFqdn::decode(&[FLAG_N | FLAG_O]).is_ok());
    }

    #[test]
    fn malformed_names_fail() {
        for bad in [
            &[][..],
            &[0, 3, b'a'],
            &[0, 0xc0, 0x0c],
            &[0, 1, b'a', 0, 1],
            &[0, 1, b'.'],
            &[0, 1, 0xff],
        ] {
            assert!(ClientFqdn::decode(bad).is_err(), "{bad:?}");
        }
        let mut out = Vec::new();
        for name in [
            "a..b",
            ".a",
            &"x".repeat(64),
            &vec!["x".repeat(60); 5].join("."),
        ] {
            let f = ClientFqdn {
                flags: 0,
                name: name.to_owned(),
            };
            assert!(f.encode(&mut out).is_err(), "{name}");
            assert!(out.is_empty());
        }
    }
}
