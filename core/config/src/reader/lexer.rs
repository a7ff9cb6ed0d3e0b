//! Tokens of Kea's JSON dialect: comments are skipped, `<?include "file"?>`
//! splices another file's tokens in place (as Kea's lexer does), and every
//! token carries its true file:line:column.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Loc;
use crate::ConfigError;

/// Kea refuses deeper include chains (ARM §5.2.5: "up to ten nesting levels").
const MAX_INCLUDE_DEPTH: usize = 10;

/// One lexical token.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Colon,
    Comma,
    Str(String),
    /// A number kept as its text; the parser decides integer or float.
    Num(String),
    Bool(bool),
    Null,
    Eof,
}

/// One source file being read, with a cursor.
struct Source {
    name: Arc<str>,
    /// Canonical path when it came from disk (for include-loop detection).
    canonical: Option<PathBuf>,
    text: Vec<char>,
    pos: usize,
    line: u32,
    col: u32,
}

impl Source {
    fn new(name: Arc<str>, canonical: Option<PathBuf>, text: &str) -> Self {
        Source {
            name,
            canonical,
            text: text.chars().collect(),
            pos: 0,
            line: 1,
            col: 1,
        }
    }

    fn peek(&self) -> Option<char> {
        self.text.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.text.get(self.pos + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn loc(&self) -> Loc {
        Loc {
            file: self.name.clone(),
            line: self.line,
            col: self.col,
        }
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c))
    }
}

/// Splits Kea JSON into tokens across a stack of included files.
pub(super) struct Lexer {
    stack: Vec<Source>,
    /// Where the last token of an exhausted file ended, for the final EOF.
    last_loc: Loc,
}

fn syntax(loc: &Loc, msg: impl Into<String>) -> ConfigError {
    ConfigError::Syntax {
        file: loc.file.to_string(),
        line: loc.line as usize,
        col: loc.col as usize,
        msg: msg.into(),
    }
}

impl Lexer {
    /// Lexes `text`, named `name` in positions; `canonical` is its path on disk if any.
    pub(super) fn new(name: &str, canonical: Option<PathBuf>, text: &str) -> Self {
        let src = Source::new(Arc::from(name), canonical, text);
        let last_loc = src.loc();
        Lexer {
            stack: vec![src],
            last_loc,
        }
    }

    /// The next token and where it starts.
    pub(super) fn next_token(&mut self) -> Result<(Tok, Loc), ConfigError> {
        loop {
            let Some(src) = self.stack.last_mut() else {
                return Ok((Tok::Eof, self.last_loc.clone()));
            };
            skip_blanks_and_comments(src)?;
            let loc = src.loc();
            let Some(c) = src.peek() else {
                self.last_loc = loc;
                self.stack.pop();
                continue;
            };
            if src.starts_with("<?") {
                self.include(loc)?;
                continue;
            }
            let tok = match c {
                '{' => single(src, Tok::LBrace),
                '}' => single(src, Tok::RBrace),
                '[' => single(src, Tok::LBracket),
                ']' => single(src, Tok::RBracket),
                ':' => single(src, Tok::Colon),
                ',' => single(src, Tok::Comma),
                '"' => Tok::Str(string(src)?),
                '-' | '.' | '0'..='9' => Tok::Num(number(src)),
                c if c.is_ascii_alphabetic() => word(src)?,
                other => return Err(syntax(&loc, format!("unexpected character '{other}'"))),
            };
            return Ok((tok, loc));
        }
    }

    /// Handles `<?include "path"?>` at the cursor: pushes the named file.
    fn include(&mut self, loc: Loc) -> Result<(), ConfigError> {
        let src = self
            .stack
            .last_mut()
            .ok_or_else(|| syntax(&loc, "no input"))?;
        src.bump();
        src.bump();
        skip_spaces(src);
        if !src.starts_with("include") {
            return Err(syntax(
                &loc,
                "unknown directive: only <?include \"file\"?> exists",
            ));
        }
        for _ in 0.."include".len() {
            src.bump();
        }
        skip_spaces(src);
        if src.peek() != Some('"') {
            return Err(syntax(
                &src.loc(),
                "include directive needs a quoted file name",
            ));
        }
        let path = string(src)?;
        skip_spaces(src);
        if !src.starts_with("?>") {
            return Err(syntax(&src.loc(), "include directive not closed by ?>"));
        }
        src.bump();
        src.bump();
        if self.stack.len() > MAX_INCLUDE_DEPTH {
            return Err(syntax(
                &loc,
                format!("too many nested includes (more than {MAX_INCLUDE_DEPTH}) at \"{path}\""),
            ));
        }
        // ARM §5.2.5: relative paths are taken from the process's working directory.
        let file = Path::new(&path);
        let text = std::fs::read_to_string(file)
            .map_err(|e| syntax(&loc, format!("cannot include \"{path}\": {e}")))?;
        let canonical = std::fs::canonicalize(file).ok();
        if let Some(c) = &canonical {
            if self.stack.iter().any(|s| s.canonical.as_ref() == Some(c)) {
                return Err(syntax(
                    &loc,
                    format!("include loop: \"{path}\" is already being read"),
                ));
            }
        }
        self.stack
            .push(Source::new(Arc::from(path.as_str()), canonical, &text));
        Ok(())
    }
}

fn single(src: &mut Source, tok: Tok) -> Tok {
    src.bump();
    tok
}

fn skip_spaces(src: &mut Source) {
    while matches!(src.peek(), Some(c) if c.is_whitespace()) {
        src.bump();
    }
}

/// Skips whitespace and the three comment forms: `#…`, `//…`, `/* … */`.
fn skip_blanks_and_comments(src: &mut Source) -> Result<(), ConfigError> {
    loop {
        skip_spaces(src);
        if src.peek() == Some('#') || src.starts_with("//") {
            while !matches!(src.peek(), None | Some('\n')) {
                src.bump();
            }
        } else if src.starts_with("/*") {
            let start = src.loc();
            src.bump();
            src.bump();
            loop {
                if src.starts_with("*/") {
                    src.bump();
                    src.bump();
                    break;
                }
                if src.bump().is_none() {
                    return Err(syntax(&start, "comment not closed"));
                }
            }
        } else {
            return Ok(());
        }
    }
}

/// A JSON string with its escapes decoded; the cursor is on the opening quote.
fn string(src: &mut Source) -> Result<String, ConfigError> {
    let start = src.loc();
    src.bump();
    let mut out = String::new();
    loop {
        let here = src.loc();
        match src.bump() {
            None => return Err(syntax(&start, "string not closed")),
            Some('"') => return Ok(out),
            Some('\\') => out.push(escape(src, &here)?),
            Some(c) if (c as u32) < 0x20 => {
                return Err(syntax(&here, "control character inside a string"))
            }
            Some(c) => out.push(c),
        }
    }
}

fn escape(src: &mut Source, at: &Loc) -> Result<char, ConfigError> {
    Ok(match src.bump() {
        Some('"') => '"',
        Some('\\') => '\\',
        Some('/') => '/',
        Some('b') => '\u{8}',
        Some('f') => '\u{c}',
        Some('n') => '\n',
        Some('r') => '\r',
        Some('t') => '\t',
        Some('u') => {
            let hi = hex4(src, at)?;
            if (0xD800..0xDC00).contains(&hi) && src.starts_with("\\u") {
                src.bump();
                src.bump();
                let lo = hex4(src, at)?;
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF);
                char::from_u32(c).ok_or_else(|| syntax(at, "invalid \\u surrogate pair"))?
            } else {
                char::from_u32(hi).ok_or_else(|| syntax(at, "invalid \\u escape"))?
            }
        }
        _ => return Err(syntax(at, "invalid escape in string")),
    })
}

fn hex4(src: &mut Source, at: &Loc) -> Result<u32, ConfigError> {
    let mut v = 0;
    for _ in 0..4 {
        let d = src
            .bump()
            .and_then(|c| c.to_digit(16))
            .ok_or_else(|| syntax(at, "\\u needs four hex digits"))?;
        v = v * 16 + d;
    }
    Ok(v)
}

/// Number text (validated by the parser).
fn number(src: &mut Source) -> String {
    let mut s = String::new();
    while let Some(c) = src.peek() {
        if c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E') {
            s.push(c);
            src.bump();
        } else {
            break;
        }
    }
    s
}

fn word(src: &mut Source) -> Result<Tok, ConfigError> {
    let loc = src.loc();
    let mut s = String::new();
    while let Some(c) = src
        .peek()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
    {
        s.push(c);
        src.bump();
    }
    match s.as_str() {
        "true" => Ok(Tok::Bool(true)),
        "false" => Ok(Tok::Bool(false)),
        "null" => Ok(Tok::Null),
        _ => Err(syntax(
            &loc,
            format!("unexpected word '{s}' (strings need double quotes)"),
        )),
    }
}
