//! Errors: [`ParseError`] when an expression is compiled (rejects the configuration), [`EvalError`] when
//! one is evaluated (the class is not assigned for that packet).

/// An invalid expression, with the 1-based character position where the fault was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at position {pos}: {kind}")]
pub struct ParseError {
    /// 1-based position (in characters) of the offending token.
    pub pos: usize,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

/// What made an expression invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    /// A character that starts no token.
    #[error("unexpected character '{0}'")]
    BadChar(char),
    /// A `'` with no closing `'`.
    #[error("unterminated string literal")]
    UnterminatedString,
    /// A literal that does not read as what it looks like.
    #[error("invalid literal '{0}'")]
    BadLiteral(String),
    /// The grammar wanted something else here.
    #[error("expected {expected}, found {found}")]
    Expected {
        /// What would have been valid.
        expected: &'static str,
        /// What was there.
        found: String,
    },
    /// A number out of the range its place allows.
    #[error("{what} {value} is out of range")]
    OutOfRange {
        /// Which number (option code, nest level, ...).
        what: &'static str,
        /// The number as written.
        value: String,
    },
    /// `option[name]` with a name no definition has.
    #[error("option '{0}' is not defined")]
    UnknownOption(String),
    /// A token of the other family (`pkt4`/`relay4` in DHCPv6, `pkt6`/`relay6` in DHCPv4).
    #[error("'{0}' is not available in {1}")]
    WrongFamily(String, &'static str),
    /// `member` of a class neither built in nor defined earlier.
    #[error("client class '{0}' is not defined before this one")]
    UndefinedClass(String),
    /// `match` with a regular expression that does not compile.
    #[error("invalid regular expression: {0}")]
    BadRegex(String),
}

/// A failure while evaluating: an operand of the wrong size for a conversion.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// A conversion got a value of a length it does not accept.
    #[error("{op}: {len}-byte value, expected {expected}")]
    BadLength {
        /// The conversion.
        op: &'static str,
        /// The value's length.
        len: usize,
        /// The lengths it accepts.
        expected: &'static str,
    },
}
