//! The compiled form: a tree of boolean and string nodes, checked for family, arity and types when built,
//! so evaluation never meets a malformed node.

use regex::bytes::Regex;

/// The top of an expression.
#[derive(Debug, Clone)]
pub(crate) enum Root {
    Bool(Bool),
    Str(Str),
}

/// Where an option-like value comes from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// `option[code]`.
    Option(u16),
    /// `option[code].option[sub]`: `offset` is where the parent's sub-options start (`None`: the parent
    /// carries none, so the sub-option is never there).
    SubOption {
        code: u16,
        sub: u16,
        offset: Option<usize>,
    },
    /// `relay4[sub]`: a sub-option of option 82.
    Relay4(u8),
    /// `relay6[nest].option[code]`.
    Relay6 { nest: i8, code: u16 },
    /// `vendor[enterprise].option[code]` (enterprise 0 = any).
    VendorOption { enterprise: u32, code: u16 },
}

/// Boolean nodes. `and`, `or` and `ifelse` skip what their first operand decides, as Kea 2.7
/// compiles them (a branch to a label); the label's number, counted through the expression in the
/// order Kea numbers them, is what the debug log names.
#[derive(Debug, Clone)]
pub(crate) enum Bool {
    Not(Box<Bool>),
    And(Box<Bool>, Box<Bool>, u32),
    Or(Box<Bool>, Box<Bool>, u32),
    Equal(Str, Str),
    /// `match(regex, value)`: the regex anchored at both ends, as Kea matches the whole value.
    Match(Regex, Str),
    Exists(Source),
    /// `vendor[enterprise].exists`.
    VendorExists(u32),
    /// `vendor-class[enterprise].exists`.
    VendorClassExists(u32),
    Member(String),
}

/// Fields of the packet (`pkt.*`, `pkt4.*`, `pkt6.*`) and of relays (`relay6[n].peeraddr|linkaddr`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Field {
    Iface,
    Src,
    Dst,
    Len,
    Mac,
    Hlen,
    Htype,
    Ciaddr,
    Giaddr,
    Yiaddr,
    Siaddr,
    MsgType,
    TransId,
    PeerAddr(i8),
    LinkAddr(i8),
}

impl Field {
    /// The field's name in the language (and in the debug log).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Iface => "iface",
            Field::Src => "src",
            Field::Dst => "dst",
            Field::Len => "len",
            Field::Mac => "mac",
            Field::Hlen => "hlen",
            Field::Htype => "htype",
            Field::Ciaddr => "ciaddr",
            Field::Giaddr => "giaddr",
            Field::Yiaddr => "yiaddr",
            Field::Siaddr => "siaddr",
            Field::MsgType => "msgtype",
            Field::TransId => "transid",
            Field::PeerAddr(_) => "peeraddr",
            Field::LinkAddr(_) => "linkaddr",
        }
    }
}

/// The integer conversions `int8totext` .. `uint32totext`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IntText {
    I8,
    I16,
    I32,
    U8,
    U16,
    U32,
}

/// How a literal was written: the debug log shows it that way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lit {
    /// `'text'`.
    Text,
    /// `0x...`.
    Hex,
    /// An IPv4 or IPv6 address.
    Addr,
    /// A decimal integer (its value as 4 bytes).
    Int,
}

/// `.hex` or `.text`: both yield the option's payload; the debug log shows it in that form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repr {
    Hex,
    Text,
}

/// String nodes.
#[derive(Debug, Clone)]
pub(crate) enum Str {
    Literal(Box<[u8]>, Lit),
    Value(Source, Repr),
    Field(Field),
    /// `vendor.enterprise` (option 125/17) or `vendor-class.enterprise` (124/16).
    Enterprise {
        class: bool,
    },
    /// `vendor-class[enterprise].data[index]`.
    VendorClassData {
        enterprise: u32,
        index: u32,
    },
    Substring(Box<Str>, i64, Option<i64>),
    Split(Box<Str>, Box<Str>, i64),
    Concat(Box<Str>, Box<Str>),
    /// `ifelse(c, a, b)` and its two labels (after `c`, after `a`).
    IfElse(Box<Bool>, Box<Str>, Box<Str>, [u32; 2]),
    HexString(Box<Str>, Box<Str>),
    Lcase(Box<Str>),
    Ucase(Box<Str>),
    AddrToText(Box<Str>),
    IntToText(IntText, Box<Str>),
}
