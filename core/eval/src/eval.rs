//! Evaluation. Values borrow from the packet or the expression when they can ([`Value::Slice`]), numbers
//! and addresses live inline, and only operations that build new bytes (concat, case, hexstring, text
//! conversions) allocate.

use crate::ast::{Bool, Field, IntText, Lit, Repr, Source, Str};
use crate::error::EvalError;
use crate::packet::Packet;
use crate::tlv;
use crate::Family;
use std::fmt::{self, Write as _};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ops::Deref;

/// Kea's debug level of the per-token messages (`EVAL_DBG_STACK`).
const DEBUGLEVEL: u8 = 55;

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// Kea's per-token debug log (V4-142, V6-164): with the family's `eval` logger (`kea-dhcp4.eval`,
/// `kea-dhcp6.eval`) at debug level 55, each token logs what it pops and pushes with Kea's
/// `EVAL_DEBUG_*` message. Whether that logger can take such messages is asked once per evaluation;
/// when it cannot, a token costs one test of [`Trace::label`] and formats nothing.
pub(crate) struct Trace {
    pub(crate) family: Family,
    /// The packet's label while logging is on (Kea's messages start with it).
    label: Option<String>,
}

impl Trace {
    pub(crate) fn new<P: Packet + ?Sized>(family: Family, pkt: &P) -> Trace {
        let on = match family {
            Family::V4 => tracing::enabled!(target: "kea-dhcp4.eval", tracing::Level::TRACE),
            Family::V6 => tracing::enabled!(target: "kea-dhcp6.eval", tracing::Level::TRACE),
        };
        Trace {
            family,
            label: on.then(|| pkt.label()),
        }
    }

    pub(crate) fn on(&self) -> bool {
        self.label.is_some()
    }

    /// Emits message `id`; `labelled` ones start with the packet's label.
    pub(crate) fn emit(&self, id: &'static str, labelled: bool, text: fmt::Arguments<'_>) {
        let Some(label) = &self.label else { return };
        let prefix = if labelled && !label.is_empty() {
            format!("{label}: ")
        } else {
            String::new()
        };
        match self.family {
            Family::V4 => {
                tracing::trace!(target: "kea-dhcp4.eval", debuglevel = DEBUGLEVEL, id, "{prefix}{text}")
            }
            Family::V6 => {
                tracing::trace!(target: "kea-dhcp6.eval", debuglevel = DEBUGLEVEL, id, "{prefix}{text}")
            }
        }
    }
}

/// Logs a token's message, prefixed with the packet's label; its arguments are evaluated only when
/// logging is on.
macro_rules! token {
    ($t:expr, $id:literal, $($fmt:tt)+) => {
        if $t.on() {
            $t.emit($id, true, format_args!($($fmt)+));
        }
    };
}

/// Logs a branch's message (Kea's have no label).
macro_rules! branch {
    ($t:expr, $id:literal, $($fmt:tt)+) => {
        if $t.on() {
            $t.emit($id, false, format_args!($($fmt)+));
        }
    };
}

/// A value as Kea's `toHex` shows it: `0x` and upper-case digits.
struct Hex<'a>(&'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        self.0.iter().try_for_each(|b| write!(f, "{b:02X}"))
    }
}

/// An option's value as Kea pushes it: `.hex` in hex, `.text` quoted, `.exists` (no `repr`) as the
/// quoted boolean.
struct Shown<'a>(Option<&'a [u8]>, Option<Repr>);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            None => f.write_str(tf(self.0.is_some())),
            Some(Repr::Hex) => Hex(self.0.unwrap_or_default()).fmt(f),
            Some(Repr::Text) => {
                write!(
                    f,
                    "'{}'",
                    String::from_utf8_lossy(self.0.unwrap_or_default())
                )
            }
        }
    }
}

/// A `substring` length as Kea pushes it: the number, or `all`.
struct Length(Option<i64>);

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => write!(f, "{n}"),
            None => f.write_str("all"),
        }
    }
}

/// A boolean as Kea pushes it.
fn tf(b: bool) -> &'static str {
    if b {
        "'true'"
    } else {
        "'false'"
    }
}

/// The pattern of a `match`, without the anchors the parser added.
fn pattern(re: &regex::bytes::Regex) -> &str {
    let s = re.as_str();
    s.strip_prefix("^(?:")
        .and_then(|s| s.strip_suffix(")$"))
        .unwrap_or(s)
}

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

pub(crate) fn boolean<P: Packet + ?Sized>(b: &Bool, pkt: &P, t: &Trace) -> Result<bool, EvalError> {
    Ok(match b {
        Bool::Not(x) => {
            let v = boolean(x, pkt, t)?;
            token!(t, "EVAL_DEBUG_NOT", "Popping {} pushing {}", tf(v), tf(!v));
            !v
        }
        Bool::And(x, y, label) => {
            if boolean(x, pkt, t)? {
                boolean(y, pkt, t)?
            } else {
                branch!(
                    t,
                    "EVAL_DEBUG_POP_OR_BRANCH_FALSE",
                    "Value is false: keeping it and branching to {label}"
                );
                false
            }
        }
        Bool::Or(x, y, label) => {
            if boolean(x, pkt, t)? {
                branch!(
                    t,
                    "EVAL_DEBUG_POP_OR_BRANCH_TRUE",
                    "Value is true: keeping it and branching to {label}"
                );
                true
            } else {
                boolean(y, pkt, t)?
            }
        }
        Bool::Equal(x, y) => {
            let (a, b) = (string(x, pkt, t)?, string(y, pkt, t)?);
            let r = *a == *b;
            token!(
                t,
                "EVAL_DEBUG_EQUAL",
                "Popping {} and {} pushing result {}",
                Hex(&b),
                Hex(&a),
                tf(r)
            );
            r
        }
        Bool::Match(re, v) => {
            let v = string(v, pkt, t)?;
            let r = re.is_match(&v);
            branch!(
                t,
                "EVAL_DEBUG_MATCH",
                "Matching '{}' on {}, result {}",
                pattern(re),
                Hex(&v),
                tf(r)
            );
            r
        }
        Bool::Exists(src) => source(src, pkt, t, None).is_some(),
        Bool::VendorExists(e) => vendor_exists(pkt, t, false, *e),
        Bool::VendorClassExists(e) => vendor_exists(pkt, t, true, *e),
        Bool::Member(c) => {
            let r = pkt.member(c);
            token!(
                t,
                "EVAL_DEBUG_MEMBER",
                "Checking membership of '{c}', pushing result {}",
                tf(r)
            );
            r
        }
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

/// The vendor or vendor-class option's payload and first enterprise number, when present.
fn vendor_option<P: Packet + ?Sized>(pkt: &P, f: Family, class: bool) -> Option<(u32, &[u8])> {
    let payload = pkt.option(vendor_code(f, class))?;
    let (e, _) = tlv::vendor_block(f, payload)?;
    Some((e, payload))
}

/// The vendor or vendor-class option's payload when present and of `enterprise` (0 = any).
fn vendor<P: Packet + ?Sized>(pkt: &P, f: Family, class: bool, enterprise: u32) -> Option<&[u8]> {
    vendor_option(pkt, f, class)
        .filter(|(e, _)| enterprise == 0 || *e == enterprise)
        .map(|(_, p)| p)
}

/// `vendor[e].exists` and `vendor-class[e].exists`.
fn vendor_exists<P: Packet + ?Sized>(pkt: &P, t: &Trace, class: bool, enterprise: u32) -> bool {
    let f = t.family;
    let found = vendor_option(pkt, f, class);
    let r = found.is_some_and(|(e, _)| enterprise == 0 || e == enterprise);
    if t.on() {
        match (found, class) {
            (None, false) => token!(
                t,
                "EVAL_DEBUG_VENDOR_NO_OPTION",
                "Option with code {} missing, pushing result 'false'",
                vendor_code(f, class)
            ),
            (None, true) => token!(
                t,
                "EVAL_DEBUG_VENDOR_CLASS_NO_OPTION",
                "Option with code {} missing, pushing result 'false'",
                vendor_code(f, class)
            ),
            (Some((e, _)), false) if !r => token!(
                t,
                "EVAL_DEBUG_VENDOR_ENTERPRISE_ID_MISMATCH",
                "Was looking for {enterprise}, option had {e}, pushing result 'false'"
            ),
            (Some((e, _)), true) if !r => token!(
                t,
                "EVAL_DEBUG_VENDOR_CLASS_ENTERPRISE_ID_MISMATCH",
                "Was looking for {enterprise}, option had {e}, pushing result 'false'"
            ),
            (Some((e, _)), false) => token!(
                t,
                "EVAL_DEBUG_VENDOR_EXISTS",
                "Option with enterprise-id {e} found, pushing result 'true'"
            ),
            (Some((e, _)), true) => token!(
                t,
                "EVAL_DEBUG_VENDOR_CLASS_EXISTS",
                "Option with enterprise-id {e} found, pushing result 'true'"
            ),
        }
    }
    r
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

/// The payload `src` names, if present; logged as Kea pushes it: in `repr`, or as the `.exists`
/// result when `repr` is `None`.
fn source<'a, P: Packet + ?Sized>(
    src: &Source,
    pkt: &'a P,
    t: &Trace,
    repr: Option<Repr>,
) -> Option<&'a [u8]> {
    let f = t.family;
    let found = match *src {
        Source::Option(code) => pkt.option(code),
        Source::SubOption { code, sub, offset } => {
            let parent = pkt.option(code);
            if parent.is_none() {
                let result = if repr.is_none() { "false" } else { "" };
                token!(t, "EVAL_DEBUG_SUB_OPTION_NO_OPTION", "Requested option {code} sub-option {sub}, but the parent option is not present, pushing result '{result}'");
                return None;
            }
            let found = parent
                .and_then(|p| p.get(offset?..))
                .and_then(|d| tlv::find(f, d, sub));
            token!(
                t,
                "EVAL_DEBUG_SUB_OPTION",
                "Pushing option {code} sub-option {sub} with value {}",
                Shown(found, repr)
            );
            return found;
        }
        Source::Relay4(sub) => pkt
            .option(82)
            .and_then(|r| tlv::find(Family::V4, r, u16::from(sub))),
        Source::Relay6 { nest, code } => {
            relay_level(pkt, nest).and_then(|l| pkt.relay6_option(l, code))
        }
        Source::VendorOption { enterprise, code } => vendor(pkt, f, false, enterprise)
            .and_then(|p| tlv::vendor_block(f, p))
            .and_then(|(_, data)| tlv::find(f, data, code)),
    };
    let code = match *src {
        Source::Option(c)
        | Source::Relay6 { code: c, .. }
        | Source::VendorOption { code: c, .. } => c,
        Source::Relay4(sub) => u16::from(sub),
        Source::SubOption { .. } => unreachable!("returned above"),
    };
    token!(
        t,
        "EVAL_DEBUG_OPTION",
        "Pushing option {code} with value {}",
        Shown(found, repr)
    );
    found
}

fn field<'a, P: Packet + ?Sized>(fd: Field, pkt: &'a P, t: &Trace) -> Value<'a> {
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
    let v = match fd {
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
    };
    if t.on() {
        let name = fd.name();
        match fd {
            Field::Iface => token!(
                t,
                "EVAL_DEBUG_PKT",
                "Pushing PKT meta data {name} with value {}",
                String::from_utf8_lossy(&v)
            ),
            Field::Src | Field::Dst | Field::Len => token!(
                t,
                "EVAL_DEBUG_PKT",
                "Pushing PKT meta data {name} with value {}",
                Hex(&v)
            ),
            Field::MsgType | Field::TransId if t.family == Family::V6 => token!(
                t,
                "EVAL_DEBUG_PKT6",
                "Pushing PKT6 field {name} with value {}",
                Hex(&v)
            ),
            Field::PeerAddr(n) | Field::LinkAddr(n) => match relay_level(pkt, n) {
                Some(_) => token!(
                    t,
                    "EVAL_DEBUG_RELAY6",
                    "Pushing PKT6 relay field {name} nest {n} with value {}",
                    Hex(&v)
                ),
                None => token!(
                    t,
                    "EVAL_DEBUG_RELAY6_RANGE",
                    "Pushing PKT6 relay field {name} nest {n} with value {}",
                    Hex(&v)
                ),
            },
            _ => token!(
                t,
                "EVAL_DEBUG_PKT4",
                "Pushing PKT4 field {name} with value {}",
                Hex(&v)
            ),
        }
    }
    v
}

pub(crate) fn string<'a, P: Packet + ?Sized>(
    s: &'a Str,
    pkt: &'a P,
    t: &Trace,
) -> Result<Value<'a>, EvalError> {
    let f = t.family;
    Ok(match s {
        Str::Literal(b, kind) => {
            match kind {
                Lit::Text => token!(
                    t,
                    "EVAL_DEBUG_STRING",
                    "Pushing text string '{}'",
                    String::from_utf8_lossy(b)
                ),
                Lit::Int => token!(
                    t,
                    "EVAL_DEBUG_STRING",
                    "Pushing text string '{}'",
                    u32::from_be_bytes(<[u8; 4]>::try_from(&b[..]).unwrap_or_default())
                ),
                Lit::Hex => token!(t, "EVAL_DEBUG_HEXSTRING", "Pushing hex string {}", Hex(b)),
                Lit::Addr => token!(t, "EVAL_DEBUG_IPADDRESS", "Pushing IPAddress {}", Hex(b)),
            }
            Value::Slice(b)
        }
        Str::Value(src, repr) => Value::Slice(source(src, pkt, t, Some(*repr)).unwrap_or_default()),
        Str::Field(fd) => field(*fd, pkt, t),
        Str::Enterprise { class } => {
            let found = vendor_option(pkt, f, *class);
            if t.on() {
                let c = vendor_code(f, *class);
                match (found, class) {
                    (Some((e, _)), false) => token!(
                        t,
                        "EVAL_DEBUG_VENDOR_ENTERPRISE_ID",
                        "Pushing enterprise-id {e} as result 0x{e:08X}"
                    ),
                    (Some((e, _)), true) => token!(
                        t,
                        "EVAL_DEBUG_VENDOR_CLASS_ENTERPRISE_ID",
                        "Pushing enterprise-id {e} as result 0x{e:08X}"
                    ),
                    (None, false) => token!(
                        t,
                        "EVAL_DEBUG_VENDOR_NO_OPTION",
                        "Option with code {c} missing, pushing result ''"
                    ),
                    (None, true) => token!(
                        t,
                        "EVAL_DEBUG_VENDOR_CLASS_NO_OPTION",
                        "Option with code {c} missing, pushing result ''"
                    ),
                }
            }
            found.map_or(Value::EMPTY, |(e, _)| Value::u32(e))
        }
        Str::VendorClassData { enterprise, index } => {
            let found = vendor_option(pkt, f, true);
            let data = found
                .filter(|(e, _)| *enterprise == 0 || e == enterprise)
                .and_then(|(_, p)| tlv::vendor_class_chunk(f, p, *index));
            if t.on() {
                match found {
                    None => token!(
                        t,
                        "EVAL_DEBUG_VENDOR_CLASS_NO_OPTION",
                        "Option with code {} missing, pushing result ''",
                        vendor_code(f, true)
                    ),
                    Some((e, _)) if *enterprise != 0 && e != *enterprise => token!(
                        t,
                        "EVAL_DEBUG_VENDOR_CLASS_ENTERPRISE_ID_MISMATCH",
                        "Was looking for {enterprise}, option had {e}, pushing result ''"
                    ),
                    Some((e, p)) => {
                        let n = tlv::vendor_class_chunks(f, p);
                        match data {
                            Some(d) => token!(t, "EVAL_DEBUG_VENDOR_CLASS_DATA", "Data {index} (out of {n} received) in vendor class found, pushing result '{}'", String::from_utf8_lossy(d)),
                            None => token!(t, "EVAL_DEBUG_VENDOR_CLASS_DATA_NOT_FOUND", "Requested data index {index}, but option with enterprise-id {e} has only {n} data tuple(s), pushing result ''"),
                        }
                    }
                }
            }
            Value::Slice(data.unwrap_or_default())
        }
        Str::Substring(v, start, len) => {
            let v = string(v, pkt, t)?;
            token!(t, "EVAL_DEBUG_STRING", "Pushing text string '{start}'");
            token!(
                t,
                "EVAL_DEBUG_STRING",
                "Pushing text string '{}'",
                Length(*len)
            );
            let range = substring(v.len(), *start, *len);
            if t.on() {
                let r = &v[range.clone()];
                let n = v.len() as i64;
                if v.is_empty() {
                    token!(
                        t,
                        "EVAL_DEBUG_SUBSTRING_EMPTY",
                        "Popping length {}, start {start}, string {} pushing result {}",
                        Length(*len),
                        Hex(&v),
                        Hex(r)
                    );
                } else if *start < -n || *start >= n {
                    token!(
                        t,
                        "EVAL_DEBUG_SUBSTRING_RANGE",
                        "Popping length {}, start {start}, string {} pushing result {}",
                        Length(*len),
                        Hex(&v),
                        Hex(r)
                    );
                } else {
                    token!(
                        t,
                        "EVAL_DEBUG_SUBSTRING",
                        "Popping length {}, start {start}, string {} pushing result {}",
                        Length(*len),
                        Hex(&v),
                        Hex(r)
                    );
                }
            }
            v.slice(range)
        }
        Str::Split(v, delims, n) => {
            let v = string(v, pkt, t)?;
            let d = string(delims, pkt, t)?;
            token!(t, "EVAL_DEBUG_STRING", "Pushing text string '{n}'");
            let range = split(&v, &d, *n);
            if t.on() {
                let r = &v[range.clone()];
                let d = String::from_utf8_lossy(&d);
                if d.is_empty() {
                    token!(
                        t,
                        "EVAL_DEBUG_SPLIT_DELIM_EMPTY",
                        "Popping field {n}, delimiters {d}, string {}, pushing result {}",
                        Hex(&v),
                        Hex(r)
                    );
                } else if v.is_empty() {
                    token!(
                        t,
                        "EVAL_DEBUG_SPLIT_EMPTY",
                        "Popping field {n}, delimiters {d}, string {}, pushing result {}",
                        Hex(&v),
                        Hex(r)
                    );
                } else if *n < 1
                    || *n as usize > 1 + v.iter().filter(|b| d.as_bytes().contains(b)).count()
                {
                    token!(
                        t,
                        "EVAL_DEBUG_SPLIT_FIELD_OUT_OF_RANGE",
                        "Popping field {n}, delimiters {d}, string {}, pushing result {}",
                        Hex(&v),
                        Hex(r)
                    );
                } else {
                    token!(
                        t,
                        "EVAL_DEBUG_SPLIT",
                        "Popping field {n}, delimiters {d}, string {}, pushing result {}",
                        Hex(&v),
                        Hex(r)
                    );
                }
            }
            v.slice(range)
        }
        Str::Concat(a, b) => {
            let a = string(a, pkt, t)?;
            let b = string(b, pkt, t)?;
            token!(
                t,
                "EVAL_DEBUG_CONCAT",
                "Popping {} and {} pushing {}",
                Hex(&b),
                Hex(&a),
                Hex(&[&*a, &*b].concat())
            );
            if b.is_empty() {
                a
            } else if a.is_empty() {
                b
            } else {
                Value::Owned([&*a, &*b].concat())
            }
        }
        Str::IfElse(c, a, b, [first, second]) => {
            if boolean(c, pkt, t)? {
                let v = string(a, pkt, t)?;
                branch!(t, "EVAL_DEBUG_BRANCH", "Branching to {second}");
                v
            } else {
                branch!(
                    t,
                    "EVAL_DEBUG_POP_AND_BRANCH_FALSE",
                    "Value is false: branching to {first}"
                );
                string(b, pkt, t)?
            }
        }
        Str::HexString(v, sep) => {
            let v = string(v, pkt, t)?;
            let sep = string(sep, pkt, t)?;
            let mut out = Vec::with_capacity(v.len() * (2 + sep.len()));
            for (i, &b) in v.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(&sep);
                }
                // Kea writes the digits in lower case.
                out.extend_from_slice(&[
                    LOWER_HEX[usize::from(b >> 4)],
                    LOWER_HEX[usize::from(b & 15)],
                ]);
            }
            token!(
                t,
                "EVAL_DEBUG_TOHEXSTRING",
                "Popping binary value {} and separator {}, pushing result {}",
                Hex(&v),
                String::from_utf8_lossy(&sep),
                String::from_utf8_lossy(&out)
            );
            Value::Owned(out)
        }
        Str::Lcase(v) => {
            let v = string(v, pkt, t)?;
            let r = v.to_ascii_lowercase();
            token!(
                t,
                "EVAL_DEBUG_LCASE",
                "Popping string {} and pushing converted value to lower case {}",
                Hex(&v),
                Hex(&r)
            );
            Value::Owned(r)
        }
        Str::Ucase(v) => {
            let v = string(v, pkt, t)?;
            let r = v.to_ascii_uppercase();
            token!(
                t,
                "EVAL_DEBUG_UCASE",
                "Popping string {} and pushing converted value to upper case {}",
                Hex(&v),
                Hex(&r)
            );
            Value::Owned(r)
        }
        Str::AddrToText(v) => {
            let v = string(v, pkt, t)?;
            let r = match v.len() {
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
            };
            token!(
                t,
                "EVAL_DEBUG_IPADDRESSTOTEXT",
                "Pushing IPAddress {}",
                String::from_utf8_lossy(&r)
            );
            r
        }
        Str::IntToText(kind, v) => {
            let r = int_to_text(*kind, &string(v, pkt, t)?)?;
            if t.on() {
                let r = String::from_utf8_lossy(&r);
                match kind {
                    IntText::I8 => token!(t, "EVAL_DEBUG_INT8TOTEXT", "Pushing Int8 {r}"),
                    IntText::I16 => token!(t, "EVAL_DEBUG_INT16TOTEXT", "Pushing Int16 {r}"),
                    IntText::I32 => token!(t, "EVAL_DEBUG_INT32TOTEXT", "Pushing Int32 {r}"),
                    IntText::U8 => token!(t, "EVAL_DEBUG_UINT8TOTEXT", "Pushing UInt8 {r}"),
                    IntText::U16 => token!(t, "EVAL_DEBUG_UINT16TOTEXT", "Pushing UInt16 {r}"),
                    IntText::U32 => token!(t, "EVAL_DEBUG_UINT32TOTEXT", "Pushing UInt32 {r}"),
                }
            }
            r
        }
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
