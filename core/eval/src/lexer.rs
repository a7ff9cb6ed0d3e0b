//! Tokenizer. Kea's lexical rules: strings in single quotes without escapes, `0x` hex strings (an odd
//! digit count gets a leading 0), dotted IPv4 and colon IPv6 addresses, signed decimal integers, and words
//! (keywords and option names, which may hold `-` and `_`).

use crate::error::{ParseError, ParseErrorKind};
use std::net::{Ipv4Addr, Ipv6Addr};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Dot,
    Comma,
    Equal,
    Plus,
    Star,
    /// `'…'`.
    Str(Vec<u8>),
    /// `0x…`, decoded.
    Hex(Vec<u8>),
    /// An address literal, 4 or 16 bytes.
    Addr(Vec<u8>),
    /// A decimal integer as written (possibly negative).
    Int(String),
    Word(String),
    End,
}

impl Tok {
    /// How the token reads in an error message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::LBracket => "'['".into(),
            Tok::RBracket => "']'".into(),
            Tok::Dot => "'.'".into(),
            Tok::Comma => "','".into(),
            Tok::Equal => "'=='".into(),
            Tok::Plus => "'+'".into(),
            Tok::Star => "'*'".into(),
            Tok::Str(s) => format!("string '{}'", String::from_utf8_lossy(s)),
            Tok::Hex(_) => "hex string".into(),
            Tok::Addr(_) => "address".into(),
            Tok::Int(i) => format!("integer {i}"),
            Tok::Word(w) => format!("'{w}'"),
            Tok::End => "end of expression".into(),
        }
    }
}

/// A token and its 1-based character position.
pub(crate) type Spanned = (Tok, usize);

pub(crate) fn tokenize(text: &str) -> Result<Vec<Spanned>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |pos: usize, kind| ParseError { pos: pos + 1, kind };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let single = match c {
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '[' => Some(Tok::LBracket),
            ']' => Some(Tok::RBracket),
            ',' => Some(Tok::Comma),
            '+' => Some(Tok::Plus),
            '*' => Some(Tok::Star),
            _ => None,
        };
        if let Some(t) = single {
            out.push((t, start + 1));
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '=' {
            if chars.get(i + 1) != Some(&'=') {
                return Err(err(i, ParseErrorKind::BadChar('=')));
            }
            out.push((Tok::Equal, start + 1));
            i += 2;
            continue;
        }
        if c == '\'' {
            let Some(len) = chars[i + 1..].iter().position(|&c| c == '\'') else {
                return Err(err(i, ParseErrorKind::UnterminatedString));
            };
            let s: String = chars[i + 1..i + 1 + len].iter().collect();
            out.push((Tok::Str(s.into_bytes()), start + 1));
            i += len + 2;
            continue;
        }
        if c == '0' && matches!(chars.get(i + 1), Some('x' | 'X')) {
            let digits = run(&chars, i + 2, |c| c.is_ascii_hexdigit());
            if digits.is_empty() {
                return Err(err(i, ParseErrorKind::BadLiteral("0x".into())));
            }
            out.push((Tok::Hex(decode_hex(&digits)), start + 1));
            i += 2 + digits.len();
            continue;
        }
        // An address literal: a run of hex digits, ':' and '.' holding a ':' (IPv6), or four dotted
        // decimal parts (IPv4). Anything else starting with a digit is an integer or a word.
        if c.is_ascii_hexdigit() || c == ':' {
            let word = run(&chars, i, |c| c.is_ascii_hexdigit() || c == ':' || c == '.');
            if word.contains(':') {
                let a: Ipv6Addr = word
                    .parse()
                    .map_err(|_| err(i, ParseErrorKind::BadLiteral(word.clone())))?;
                out.push((Tok::Addr(a.octets().to_vec()), start + 1));
                i += word.chars().count();
                continue;
            }
        }
        if c.is_ascii_digit() {
            let dotted = run(&chars, i, |c| c.is_ascii_digit() || c == '.');
            if dotted.split('.').count() == 4 && dotted.split('.').all(|p| !p.is_empty()) {
                let a: Ipv4Addr = dotted
                    .parse()
                    .map_err(|_| err(i, ParseErrorKind::BadLiteral(dotted.clone())))?;
                out.push((Tok::Addr(a.octets().to_vec()), start + 1));
                i += dotted.len();
                continue;
            }
        }
        if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let digits = run(&chars, i + 1, |c| c.is_ascii_digit());
            out.push((Tok::Int(format!("{c}{digits}")), start + 1));
            i += 1 + digits.len();
            continue;
        }
        if c.is_ascii_alphabetic() {
            let word = run(&chars, i, |c| {
                c.is_ascii_alphanumeric() || c == '-' || c == '_'
            });
            i += word.len();
            out.push((Tok::Word(word), start + 1));
            continue;
        }
        if c == '.' {
            out.push((Tok::Dot, start + 1));
            i += 1;
            continue;
        }
        return Err(err(i, ParseErrorKind::BadChar(c)));
    }
    out.push((Tok::End, chars.len() + 1));
    Ok(out)
}

/// The characters from `from` on that satisfy `ok`.
fn run(chars: &[char], from: usize, ok: impl Fn(char) -> bool) -> String {
    chars
        .get(from..)
        .unwrap_or(&[])
        .iter()
        .take_while(|&&c| ok(c))
        .collect()
}

/// Hex digits to bytes, with a leading 0 when the count is odd.
fn decode_hex(digits: &str) -> Vec<u8> {
    let padded = if digits.len() % 2 == 1 {
        format!("0{digits}")
    } else {
        digits.to_owned()
    };
    padded
        .as_bytes()
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap_or("00"), 16).unwrap_or(0))
        .collect()
}
