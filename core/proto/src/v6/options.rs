//! DHCPv6 options: the ordered container, the TLV reader, and the [`OptionValue`] trait the typed
//! options implement.

use super::{EncodeError, OptionError};
use crate::arena::Arena;
use std::fmt;
use std::net::Ipv6Addr;

/// Length of an option header: 16-bit code, 16-bit length (RFC 8415 §21.1).
const HEADER_LEN: usize = 4;

/// The options of a message, relay level or encapsulating option, in wire order. A code may repeat
/// (several IA_NA, several VENDOR_OPTS...), unlike DHCPv4 where instances are fused.
///
/// All option data lives in one byte arena with a small index beside it, so a parsed option list costs
/// two allocations however many options it carries.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Options6(Arena<u16>);

impl Options6 {
    /// An empty container; allocates nothing until the first push.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads an option list. A list cut short (a header or data running past the end) keeps the
    /// options before the faulty one and drops the rest, as Kea does (it reads "liberally", V6-018);
    /// the second value says why reading stopped early.
    pub fn parse(bytes: &[u8]) -> (Options6, Option<OptionError>) {
        let mut options = Self(Arena::with_capacity(bytes.len(), 8));
        for tlv in Tlvs::new(bytes) {
            match tlv {
                Ok((code, data)) => options.push(code, data),
                Err(e) => return (options, Some(e)),
            }
        }
        (options, None)
    }

    /// The data of the first instance of `code`.
    pub fn get(&self, code: u16) -> Option<&[u8]> {
        self.0.find(code)
    }

    /// The data of every instance of `code`, in order.
    pub fn get_all(&self, code: u16) -> impl Iterator<Item = &[u8]> {
        self.iter().filter(move |&(c, _)| c == code).map(|(_, d)| d)
    }

    /// Whether `code` is present.
    pub fn contains(&self, code: u16) -> bool {
        self.0.position(code).is_some()
    }

    /// Appends an instance of `code`, after any existing ones.
    pub fn push(&mut self, code: u16, data: &[u8]) {
        self.0.push(code, data);
    }

    /// Makes `data` the only instance of `code`: the first instance is replaced where it stands and
    /// the others removed; appended when absent.
    pub fn insert(&mut self, code: u16, data: &[u8]) {
        match self.0.position(code) {
            Some(i) => {
                self.0.set(i, data);
                let mut seen = 0;
                self.0.retain(|c| {
                    seen += usize::from(c == code);
                    c != code || seen == 1
                });
            }
            None => self.0.push(code, data),
        }
    }

    /// Removes every instance of `code`; returns how many there were.
    pub fn remove(&mut self, code: u16) -> usize {
        self.0.retain(|c| c != code)
    }

    /// Options in order, as `(code, data)`.
    pub fn iter(&self) -> impl Iterator<Item = (u16, &[u8])> {
        self.0.iter()
    }

    /// Number of options.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no option.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every option, keeping the allocations for reuse.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The first instance of `code` decoded as `T`.
    pub fn typed<T: OptionValue>(&self, code: u16) -> Option<Result<T, OptionError>> {
        self.get(code).map(T::decode)
    }

    /// Every instance of `code` decoded as `T`, in order.
    pub fn all_typed<'a, T: OptionValue + 'a>(
        &'a self,
        code: u16,
    ) -> impl Iterator<Item = Result<T, OptionError>> + 'a {
        self.get_all(code).map(T::decode)
    }

    /// Appends `value` as an instance of `code`.
    pub fn push_typed<T: OptionValue>(&mut self, code: u16, value: &T) -> Result<(), EncodeError> {
        let mut data = Vec::new();
        value.encode(&mut data)?;
        self.push(code, &data);
        Ok(())
    }

    /// The option codes the option request option (6) lists, empty when absent or malformed.
    pub fn oro(&self) -> Vec<u16> {
        self.typed::<Vec<u16>>(super::code::ORO)
            .and_then(Result::ok)
            .unwrap_or_default()
    }

    /// Length of the wire form written by [`Options6::encode`].
    pub fn wire_len(&self) -> usize {
        self.iter().map(|(_, d)| HEADER_LEN + d.len()).sum()
    }

    /// Appends every option as code, length, data. Fails, leaving `out` as it was, when an option holds
    /// more than 65535 bytes.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let start = out.len();
        out.reserve(self.wire_len());
        for (code, data) in self.iter() {
            if let Err(e) = put_option(out, code, data) {
                out.truncate(start);
                return Err(e);
            }
        }
        Ok(())
    }
}

/// Appends one option: code, length, data.
pub(crate) fn put_option(out: &mut Vec<u8>, code: u16, data: &[u8]) -> Result<(), EncodeError> {
    put_header(out, code, data.len())?;
    out.extend_from_slice(data);
    Ok(())
}

/// Appends an option header for `len` bytes of data.
pub(crate) fn put_header(out: &mut Vec<u8>, code: u16, len: usize) -> Result<(), EncodeError> {
    let len16 = u16::try_from(len).map_err(|_| EncodeError::TooLong { code, len })?;
    out.extend_from_slice(&code.to_be_bytes());
    out.extend_from_slice(&len16.to_be_bytes());
    Ok(())
}

/// A map of code to data, in order (codes may repeat).
impl fmt::Debug for Options6 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The options of a buffer as `(code, data)`, in order; yields one error and stops at an option that
/// runs past the end.
pub(crate) struct Tlvs<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Tlvs<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }
}

impl<'a> Iterator for Tlvs<'a> {
    type Item = Result<(u16, &'a [u8]), OptionError>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.bytes.get(self.at..).filter(|r| !r.is_empty())?;
        let offset = self.at;
        let parsed = rest
            .split_first_chunk::<HEADER_LEN>()
            .and_then(|(h, tail)| {
                let code = u16::from_be_bytes([h[0], h[1]]);
                let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
                tail.get(..len).map(|data| (code, data))
            });
        match parsed {
            Some((code, data)) => {
                self.at += HEADER_LEN + data.len();
                Some(Ok((code, data)))
            }
            None => {
                self.at = self.bytes.len();
                Some(Err(OptionError::Truncated { offset }))
            }
        }
    }
}

/// A typed view of one DHCPv6 option's data (without the code and length header). Read with
/// [`Options6::typed`], written with [`Options6::push_typed`].
pub trait OptionValue: Sized {
    /// Decodes the option data.
    fn decode(data: &[u8]) -> Result<Self, OptionError>;
    /// Appends the option data.
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError>;
}

/// Reads the fixed fields of an option's data, front to back; any read past the end is
/// [`OptionError::Short`] naming the option type.
pub(crate) struct Reader<'a> {
    what: &'static str,
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(what: &'static str, data: &'a [u8]) -> Self {
        Self { what, data, at: 0 }
    }

    /// The error this reader reports for `data` that does not fit the type.
    pub(crate) fn short(&self) -> OptionError {
        OptionError::Short {
            what: self.what,
            len: self.data.len(),
        }
    }

    /// An [`OptionError::Invalid`] naming this reader's option type.
    pub(crate) fn invalid(&self, reason: &'static str) -> OptionError {
        OptionError::Invalid {
            what: self.what,
            reason,
        }
    }

    pub(crate) fn bytes<const N: usize>(&mut self) -> Result<[u8; N], OptionError> {
        let chunk = self
            .data
            .get(self.at..)
            .and_then(|r| r.first_chunk::<N>())
            .copied()
            .ok_or_else(|| self.short())?;
        self.at += N;
        Ok(chunk)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, OptionError> {
        self.bytes::<1>().map(|[b]| b)
    }

    pub(crate) fn u16(&mut self) -> Result<u16, OptionError> {
        self.bytes().map(u16::from_be_bytes)
    }

    pub(crate) fn u32(&mut self) -> Result<u32, OptionError> {
        self.bytes().map(u32::from_be_bytes)
    }

    pub(crate) fn u64(&mut self) -> Result<u64, OptionError> {
        self.bytes().map(u64::from_be_bytes)
    }

    pub(crate) fn addr(&mut self) -> Result<Ipv6Addr, OptionError> {
        self.bytes::<16>().map(Ipv6Addr::from)
    }

    /// `n` bytes, or the error of a short read.
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], OptionError> {
        let data = self.data;
        let chunk = data
            .get(self.at..)
            .and_then(|r| r.get(..n))
            .ok_or_else(|| self.short())?;
        self.at += n;
        Ok(chunk)
    }

    /// Whether everything was read.
    pub(crate) fn at_end(&self) -> bool {
        self.at >= self.data.len()
    }

    /// Everything not read yet.
    pub(crate) fn rest(self) -> &'a [u8] {
        self.data.get(self.at..).unwrap_or_default()
    }

    /// Succeeds only when everything was read (for types of a fixed length).
    pub(crate) fn finish(self) -> Result<(), OptionError> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.short())
        }
    }
}

/// A one-field option of a fixed length (PREFERENCE, ELAPSED_TIME, SOL_MAX_RT, UNICAST, ...).
macro_rules! fixed_value {
    ($ty:ty, $what:literal, $read:ident, $write:expr) => {
        impl OptionValue for $ty {
            fn decode(data: &[u8]) -> Result<Self, OptionError> {
                let mut r = Reader::new($what, data);
                let v = r.$read()?;
                r.finish()?;
                Ok(v)
            }

            fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
                out.extend_from_slice(&$write(*self));
                Ok(())
            }
        }
    };
}

fixed_value!(u8, "uint8", u8, u8::to_be_bytes);
fixed_value!(u16, "uint16", u16, u16::to_be_bytes);
fixed_value!(u32, "uint32", u32, u32::to_be_bytes);
fixed_value!(Ipv6Addr, "ipv6-address", addr, |a: Ipv6Addr| a.octets());

/// A list of option codes or other 16-bit values (ORO, ERO, client-arch-type).
impl OptionValue for Vec<u16> {
    fn decode(data: &[u8]) -> Result<Self, OptionError> {
        let mut r = Reader::new("uint16 array", data);
        if data.len() % 2 != 0 {
            return Err(r.short());
        }
        (0..data.len() / 2).map(|_| r.u16()).collect()
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend(self.iter().flat_map(|v| v.to_be_bytes()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_codes_keep_wire_order() {
        let mut o = Options6::new();
        o.push(3, b"a");
        o.push(25, b"b");
        o.push(3, b"c");
        assert_eq!(o.get(3), Some(&b"a"[..]));
        assert_eq!(o.get_all(3).collect::<Vec<_>>(), [b"a", b"c"]);
        o.insert(3, b"xyz");
        assert_eq!(o.iter().collect::<Vec<_>>(), [(3, &b"xyz"[..]), (25, b"b")]);
        assert_eq!(o.remove(25), 1);
        assert_eq!(o.remove(25), 0);
        o.insert(7, &[1]);
        assert_eq!(o.len(), 2);
        o.clear();
        assert!(o.is_empty() && !o.contains(3));
    }

    // V6-018: a truncated option drops itself and what follows; what came before stays.
    #[test]
    fn v6_018_parse_keeps_options_before_a_truncated_one() {
        let wire = [0, 8, 0, 2, 0, 5, 0, 14, 0, 0, 0, 1, 0, 9, 1];
        let (o, err) = Options6::parse(&wire);
        assert_eq!(
            o.iter().collect::<Vec<_>>(),
            [(8, &[0, 5][..]), (14, &[][..])]
        );
        assert_eq!(err, Some(OptionError::Truncated { offset: 10 }));
        let (o, err) = Options6::parse(&wire[..13]);
        assert_eq!(
            (o.len(), err),
            (2, Some(OptionError::Truncated { offset: 10 }))
        );
        assert_eq!(Options6::parse(&[]), (Options6::new(), None));
    }

    #[test]
    fn encode_round_trips_and_refuses_overlong_data() {
        let mut o = Options6::new();
        o.push(6, &[0, 23, 0, 24]);
        o.push(14, &[]);
        let mut out = vec![0xee];
        o.encode(&mut out).unwrap();
        assert_eq!(out, [0xee, 0, 6, 0, 4, 0, 23, 0, 24, 0, 14, 0, 0]);
        assert_eq!(o.wire_len(), 12);
        assert_eq!(Options6::parse(&out[1..]), (o.clone(), None));
        assert_eq!(o.oro(), [23, 24]);
        o.push(99, &vec![0; 65536]);
        let err = o.encode(&mut out).unwrap_err();
        assert_eq!(
            err,
            EncodeError::TooLong {
                code: 99,
                len: 65536
            }
        );
        assert_eq!(out.len(), 13, "nothing written on failure");
    }

    #[test]
    fn fixed_values_need_their_exact_length() {
        assert_eq!(u16::decode(&[1, 2]), Ok(0x0102));
        assert!(u16::decode(&[1]).is_err() && u16::decode(&[1, 2, 3]).is_err());
        assert_eq!(u32::decode(&[0, 0, 0x0e, 0x10]), Ok(3600));
        assert!(u8::decode(&[]).is_err());
        let a: Ipv6Addr = "2001:db8::1".parse().unwrap();
        let mut out = Vec::new();
        a.encode(&mut out).unwrap();
        assert_eq!(Ipv6Addr::decode(&out), Ok(a));
        assert_eq!(Vec::<u16>::decode(&[0, 23, 0, 24]), Ok(vec![23, 24]));
        assert!(Vec::<u16>::decode(&[0, 23, 0]).is_err());
        let err = u16::decode(&[1]).unwrap_err().to_string();
        assert!(err.contains("uint16") && err.contains("1 bytes"), "{err}");
    }
}
