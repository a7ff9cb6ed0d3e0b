//! Kea's classification expression language (`test` and `template-test` of `client-classes`), for both
//! DHCPv4 and DHCPv6.
//!
//! Sans-IO: an [`Expression`] is compiled once, when the configuration is loaded ([`Expression::parse`]),
//! so a bad expression rejects the configuration with the position of the fault; it is then evaluated per
//! packet against a [`Packet`] view that the engine implements for its packets. Values are byte strings
//! kept as slices of the packet or of the expression wherever the operation allows, so the common tests
//! (`option[60].text == 'x'`, `.exists`, `member('c')`, `substring(...)`) do not allocate.

mod ast;
mod error;
mod eval;
mod lexer;
mod packet;
mod parser;
mod tlv;

pub use error::{EvalError, ParseError, ParseErrorKind};
pub use packet::{Header4, Packet};
pub use ruru_proto::defs::Family;

use ast::Root;

/// What an expression yields: a `test` is a boolean, a `template-test` a string (the spawned class suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `test`: membership.
    Bool,
    /// `template-test`: the variable part of `SPAWN_<class>_<value>`.
    String,
}

/// What the parser needs from the configuration: the option definitions `option[name]` resolves against
/// (their family decides which tokens are allowed) and which classes `member('…')` may name.
pub struct Env<'a> {
    /// Standard plus custom option definitions of the server's family.
    pub defs: &'a ruru_proto::defs::OptionDefs,
    /// Whether a class name may be referenced here: defined earlier or built in (see [`builtin_class`]).
    pub class_defined: &'a dyn Fn(&str) -> bool,
}

/// A compiled expression.
#[derive(Debug, Clone)]
pub struct Expression {
    root: Root,
    /// The family whose option layouts (vendor blocks, sub-option headers) evaluation reads.
    family: Family,
    /// Classes named by `member`, `known` and `unknown`, in order of appearance.
    members: Vec<String>,
}

impl Expression {
    /// Compiles `text` as a `kind` expression.
    pub fn parse(text: &str, kind: Kind, env: &Env<'_>) -> Result<Expression, ParseError> {
        parser::parse(text, kind, env)
    }

    /// Whether this is a `test` or a `template-test` expression.
    pub fn kind(&self) -> Kind {
        match self.root {
            Root::Bool(_) => Kind::Bool,
            Root::Str(_) => Kind::String,
        }
    }

    /// Classes the expression refers to (`known`/`unknown` appear as `KNOWN`).
    pub fn members(&self) -> &[String] {
        &self.members
    }

    /// Evaluates a `test`; a string expression is true when it yields `true` (Kea's rule). Each
    /// token is logged when the family's `eval` logger is at debug level 55 (V4-142, V6-164).
    pub fn eval_bool<P: Packet + ?Sized>(&self, pkt: &P) -> Result<bool, EvalError> {
        let t = eval::Trace::new(self.family, pkt);
        match &self.root {
            Root::Bool(b) => eval::boolean(b, pkt, &t),
            Root::Str(s) => Ok(&*eval::string(s, pkt, &t)? == b"true"),
        }
    }

    /// Evaluates a `template-test`; a boolean expression yields `true` or `false`. Logged as
    /// [`Expression::eval_bool`] is.
    pub fn eval_string<P: Packet + ?Sized>(&self, pkt: &P) -> Result<Vec<u8>, EvalError> {
        let t = eval::Trace::new(self.family, pkt);
        match &self.root {
            Root::Bool(b) => Ok(if eval::boolean(b, pkt, &t)? {
                b"true".to_vec()
            } else {
                b"false".to_vec()
            }),
            Root::Str(s) => Ok(eval::string(s, pkt, &t)?.to_vec()),
        }
    }
}

/// Classes that exist without being defined (V4-126, V6-154): `ALL`, `KNOWN`, `UNKNOWN`, `BOOTP`,
/// `SKIP_DDNS` and the prefixes `VENDOR_CLASS_`, `HA_`, `SPAWN_`, `AFTER_`, `EXTERNAL_` (a prefix alone
/// is not a class).
pub fn builtin_class(name: &str) -> bool {
    const NAMES: [&str; 5] = ["ALL", "KNOWN", "UNKNOWN", "BOOTP", "SKIP_DDNS"];
    const PREFIXES: [&str; 5] = ["VENDOR_CLASS_", "HA_", "SPAWN_", "AFTER_", "EXTERNAL_"];
    NAMES.contains(&name)
        || PREFIXES
            .iter()
            .any(|p| name.len() > p.len() && name.starts_with(p))
}

#[cfg(test)]
mod tests;
