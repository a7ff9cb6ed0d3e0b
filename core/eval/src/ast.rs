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

/// Boolean nodes.
#[derive(Debug, Clone)]
pub(crate) enum Bool {
    Not(Box<Bool>),
    And(Box<Bool>, Box<Bool>),
    Or(Box<Bool>, Box<Bool>),
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

/// String nodes.
#[derive(Debug, Clone)]
pub(crate) enum Str {
    Literal(Box<[u8]>),
    /// `.hex` and `.text` of a source: both yield the option's payload.
    Value(Source),
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
    IfElse(Box<Bool>, Box<Str>, Box<Str>),
    HexString(Box<Str>, Box<Str>),
    Lcase(Box<Str>),
    Ucase(Box<Str>),
    AddrToText(Box<Str>),
    IntToText(IntText, Box<Str>),
}
