//! Evaluation. Values borrow from the packet or the expression when they can ([`Value::Slice`]), numbers
//! and addresses live inline, and only operations that build new bytes (concat, case, hexstring, text
//! conversions) allocate.

use crate::ast::{Bool, Field, IntText, Source, Str};
use crate::error::EvalError;
use crate::packet::Packet;
use crate::tlv;
use crate::Family;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ops::Deref;

/// A byte string produced during evaluation.
pub(crate) enum Value<'a> {
    Slice(&'a [u8]),
    Inline([u8; 16], u8),
    Owned(Vec<u8>),
}

impl Deref for Value<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Value::Slice(s) => s,
            Value::Inline(b, n) => &b[..usize::from(*n)],
            Value::Owned(v) => v,
        }
    }
}

impl Value<'_> {
    const EMPTY: Value<'static> = Value::Slice(&[]);

    fn inline(bytes: &[u8]) -> Value<'static> {
        let mut b = [0; 16];
        b[..bytes.len()].copy_from_slice(bytes);
        Value::Inline(b, bytes.len() as u8)
    }

    fn u32(v: u32) -> Value<'static> {
        Value::inline(&v.to_be_bytes())
    }

    fn addr(a: IpAddr) -> Value<'static> {
        match a {
            IpAddr::V4(a) => Value::inline(&a.octets()),
            IpAddr::V6(a) => Value::inline(&a.octets()),
        }
    }

    /// The part `range` of this value, still borrowing when this one does.
    fn slice(self, range: std::ops::Range<usize>) -> Self {
        match self {
            Value::Slice(s) => Value::Slice(&s[range]),
            Value::Inline(b, _) => Value::inline(&b[range]),
            Value::Owned(v) => Value::Owned(v[range].to_vec()),
        }
    }
}

fn text(s: String) -> Value<'static> {
    Value::Owned(s.into_bytes())
}

pub(crate) fn boolean<P: Packet + ?Sized>(b: &Bool, pkt: &P, f: Family) -> Result<bool, EvalError> {
    Ok(match b {
        Bool::Not(x) => !boolean(x, pkt, f)?,
        Bool::And(x, y) => boolean(x, pkt, f)? && boolean(y, pkt, f)?,
        Bool::Or(x, y) => boolean(x, pkt, f)? || boolean(y, pkt, f)?,
        Bool::Equal(x, y) => *string(x, pkt, f)? == *string(y, pkt, f)?,
        Bool::Match(re, v) => re.is_match(&string(v, pkt, f)?),
        Bool::Exists(src) => source(src, pkt, f).is_some(),
        Bool::VendorExists(e) => vendor(pkt, f, false, *e).is_some(),
        Bool::VendorClassExists(e) => vendor(pkt, f, true, *e).is_some(),
        Bool::Member(c) => pkt.member(c),
    })
}

/// Option codes of the vendor (`class` false) and vendor-class options.
fn vendor_code(f: Family, class: bool) -> u16 {
    match (f, class) {
        (Family::V4, false) => 125,
        (Family::V4, true) => 124,
        (Family::V6, false) => 17,
        (Family::V6, true) => 16,
    }
}

/// The vendor or vendor-class option's payload when present and of `enterprise` (0 = any).
fn vendor<P: Packet + ?Sized>(pkt: &P, f: Family, class: bool, enterprise: u32) -> Option<&[u8]> {
    let payload = pkt.option(vendor_code(f, class))?;
    let (e, _) = tlv::vendor_block(f, payload)?;
    (enterprise == 0 || e == enterprise).then_some(payload)
}

/// A relay level by Kea's numbering: 0 nearest the server, negatives from the client's side.
fn relay_level<P: Packet + ?Sized>(pkt: &P, nest: i8) -> Option<usize> {
    let n = pkt.relay6_count();
    let level = if nest >= 0 {
        usize::try_from(nest).ok()?
    } else {
        n.checked_sub(usize::from(nest.unsigned_abs()))?
    };
    (level < n).then_some(level)
}

fn source<'a, P: Packet + ?Sized>(src: &Source, pkt: &'a P, f: Family) -> Option<&'a [u8]> {
    match *src {
        Source::Option(code) => pkt.option(code),
        Source::SubOption { code, sub, offset } => {
            tlv::find(f, pkt.option(code)?.get(offset?..)?, sub)
        }
        Source::Relay4(sub) => tlv::find(Family::V4, pkt.option(82)?, u16::from(sub)),
        Source::Relay6 { nest, code } => pkt.relay6_option(relay_level(pkt, nest)?, code),
        Source::VendorOption { enterprise, code } => {
            let (_, data) = tlv::vendor_block(f, vendor(pkt, f, false, enterprise)?)?;
            tlv::find(f, data, code)
        }
    }
}

fn field<'a, P: Packet + ?Sized>(fd: Field, pkt: &'a P) -> Value<'a> {
    let h = pkt.header4();
    let h4 = |get: fn(&crate::Header4<'_>) -> Ipv4Addr| {
        h.map_or(Value::EMPTY, |h| Value::inline(&get(&h).octets()))
    };
    let relay = |nest: i8, peer: bool| {
        relay_level(pkt, nest)
            .and_then(|l| pkt.relay6_addrs(l))
            .map_or(Value::EMPTY, |(link, p)| {
                Value::inline(&if peer { p } else { link }.octets())
            })
    };
    match fd {
        Field::Iface => Value::Slice(pkt.iface().as_bytes()),
        Field::Src => Value::addr(pkt.src()),
        Field::Dst => Value::addr(pkt.dst()),
        Field::Len => Value::u32(u32::try_from(pkt.wire_len()).unwrap_or(u32::MAX)),
        Field::Mac => h.map_or(Value::EMPTY, |h| Value::Slice(h.mac)),
        Field::Hlen => h.map_or(Value::EMPTY, |h| Value::u32(h.hlen.into())),
        Field::Htype => h.map_or(Value::EMPTY, |h| Value::u32(h.htype.into())),
        Field::Ciaddr => h4(|h| h.ciaddr),
        Field::Giaddr => h4(|h| h.giaddr),
        Field::Yiaddr => h4(|h| h.yiaddr),
        Field::Siaddr => h4(|h| h.siaddr),
        Field::MsgType => Value::u32(pkt.msg_type().into()),
        Field::TransId => Value::u32(pkt.transid()),
        Field::PeerAddr(n) => relay(n, true),
        Field::LinkAddr(n) => relay(n, false),
    }
}

pub(crate) fn string<'a, P: Packet + ?Sized>(
    s: &'a Str,
    pkt: &'a P,
    f: Family,
) -> Result<Value<'a>, EvalError> {
    Ok(match s {
        Str::Literal(b) => Value::Slice(b),
        Str::Value(src) => Value::Slice(source(src, pkt, f).unwrap_or_default()),
        Str::Field(fd) => field(*fd, pkt),
        Str::Enterprise { class } => pkt
            .option(vendor_code(f, *class))
            .and_then(|p| tlv::vendor_block(f, p))
            .map_or(Value::EMPTY, |(e, _)| Value::u32(e)),
        Str::VendorClassData { enterprise, index } => Value::Slice(
            vendor(pkt, f, true, *enterprise)
                .and_then(|p| tlv::vendor_class_chunk(f, p, *index))
                .unwrap_or_default(),
        ),
        Str::Substring(v, start, len) => {
            let v = string(v, pkt, f)?;
            let range = substring(v.len(), *start, *len);
            v.slice(range)
        }
        Str::Split(v, delims, n) => {
            let v = string(v, pkt, f)?;
            let d = string(delims, pkt, f)?;
            let range = split(&v, &d, *n);
            v.slice(range)
        }
        Str::Concat(a, b) => {
            let a = string(a, pkt, f)?;
            let b = string(b, pkt, f)?;
            if b.is_empty() {
                a
            } else if a.is_empty() {
                b
            } else {
                Value::Owned([&*a, &*b].concat())
            }
        }
        Str::IfElse(c, a, b) => {
            if boolean(c, pkt, f)? {
                string(a, pkt, f)?
            } else {
                string(b, pkt, f)?
            }
        }
        Str::HexString(v, sep) => {
            let v = string(v, pkt, f)?;
            let sep = string(sep, pkt, f)?;
            let mut out = Vec::with_capacity(v.len() * (2 + sep.len()));
            for (i, b) in v.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(&sep);
                }
                out.extend_from_slice(format!("{b:02X}").as_bytes());
            }
            Value::Owned(out)
        }
        Str::Lcase(v) => Value::Owned(string(v, pkt, f)?.to_ascii_lowercase()),
        Str::Ucase(v) => Value::Owned(string(v, pkt, f)?.to_ascii_uppercase()),
        Str::AddrToText(v) => {
            let v = string(v, pkt, f)?;
            match v.len() {
                0 => Value::EMPTY,
                4 => text(Ipv4Addr::from(<[u8; 4]>::try_from(&*v).unwrap_or_default()).to_string()),
                16 => {
                    text(Ipv6Addr::from(<[u8; 16]>::try_from(&*v).unwrap_or_default()).to_string())
                }
                len => {
                    return Err(EvalError::BadLength {
                        op: "addrtotext",
                        len,
                        expected: "4 or 16",
                    })
                }
            }
        }
        Str::IntToText(kind, v) => int_to_text(*kind, &string(v, pkt, f)?)?,
    })
}

/// Kea's substring: negative `start` counts from the end; a negative `len` takes the bytes before
/// `start`; `None` (`all`) the rest; out of range gives nothing.
fn substring(n: usize, start: i64, len: Option<i64>) -> std::ops::Range<usize> {
    let n = n as i64;
    if n == 0 || start < -n || start >= n {
        return 0..0;
    }
    let mut start = if start < 0 { n + start } else { start };
    let mut len = len.unwrap_or(n);
    if len < 0 {
        len = -len;
        if len <= start {
            start -= len;
        } else {
            len = start;
            start = 0;
        }
    }
    let end = start.saturating_add(len).min(n);
    start as usize..end as usize
}

/// Field `n` (1-based) of `v` split at any byte of `delims`.
fn split(v: &[u8], delims: &[u8], n: i64) -> std::ops::Range<usize> {
    if delims.is_empty() {
        return 0..v.len();
    }
    if v.is_empty() || n < 1 {
        return 0..0;
    }
    let mut start = 0;
    let mut field = 1;
    for (i, b) in v.iter().enumerate() {
        if delims.contains(b) {
            if field == n {
                return start..i;
            }
            field += 1;
            start = i + 1;
        }
    }
    if field == n {
        start..v.len()
    } else {
        0..0
    }
}

fn int_to_text(kind: IntText, v: &[u8]) -> Result<Value<'static>, EvalError> {
    if v.is_empty() {
        return Ok(Value::EMPTY);
    }
    let (size, op) = match kind {
        IntText::I8 => (1, "int8totext"),
        IntText::U8 => (1, "uint8totext"),
        IntText::I16 => (2, "int16totext"),
        IntText::U16 => (2, "uint16totext"),
        IntText::I32 => (4, "int32totext"),
        IntText::U32 => (4, "uint32totext"),
    };
    if v.len() != size {
        return Err(EvalError::BadLength {
            op,
            len: v.len(),
            expected: match size {
                1 => "1",
                2 => "2",
                _ => "4",
            },
        });
    }
    let u = v.iter().fold(0u32, |a, &b| a << 8 | u32::from(b));
    let mut s = String::new();
    let _ = match kind {
        IntText::I8 => write!(s, "{}", u as u8 as i8),
        IntText::I16 => write!(s, "{}", u as u16 as i16),
        IntText::I32 => write!(s, "{}", u as i32),
        _ => write!(s, "{u}"),
    };
    Ok(text(s))
}
