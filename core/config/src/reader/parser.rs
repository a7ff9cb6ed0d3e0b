//! Recursive-descent JSON parser over the Kea token stream.

use super::lexer::{Lexer, Tok};
use super::{Document, Entry, Loc, Node, NodeValue};
use crate::ConfigError;

/// Nesting bound so hostile input cannot overflow the stack.
const MAX_DEPTH: usize = 128;

struct Parser {
    lexer: Lexer,
    tok: Tok,
    loc: Loc,
    warnings: Vec<String>,
}

fn syntax(loc: &Loc, msg: impl Into<String>) -> ConfigError {
    ConfigError::Syntax {
        file: loc.file.to_string(),
        line: loc.line as usize,
        col: loc.col as usize,
        msg: msg.into(),
    }
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::LBrace => "'{'".into(),
        Tok::RBrace => "'}'".into(),
        Tok::LBracket => "'['".into(),
        Tok::RBracket => "']'".into(),
        Tok::Colon => "':'".into(),
        Tok::Comma => "','".into(),
        Tok::Str(s) => format!("string \"{s}\""),
        Tok::Num(n) => format!("number {n}"),
        Tok::Bool(b) => format!("{b}"),
        Tok::Null => "null".into(),
        Tok::Eof => "end of file".into(),
    }
}

/// Parses one whole document: a single value and nothing after it.
pub(super) fn parse(mut lexer: Lexer) -> Result<Document, ConfigError> {
    let (tok, loc) = lexer.next_token()?;
    let mut p = Parser {
        lexer,
        tok,
        loc,
        warnings: Vec::new(),
    };
    let root = p.value(0)?;
    if p.tok != Tok::Eof {
        return Err(syntax(
            &p.loc,
            format!("unexpected {} after the configuration", describe(&p.tok)),
        ));
    }
    Ok(Document {
        root,
        warnings: p.warnings,
    })
}

impl Parser {
    fn advance(&mut self) -> Result<(), ConfigError> {
        let (tok, loc) = self.lexer.next_token()?;
        self.tok = tok;
        self.loc = loc;
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Node, ConfigError> {
        if depth > MAX_DEPTH {
            return Err(syntax(&self.loc, "nesting too deep"));
        }
        let loc = self.loc.clone();
        let value = match std::mem::replace(&mut self.tok, Tok::Eof) {
            Tok::LBrace => {
                self.advance()?;
                return self.object(loc, depth);
            }
            Tok::LBracket => {
                self.advance()?;
                return self.array(loc, depth);
            }
            Tok::Str(s) => NodeValue::Str(s),
            Tok::Num(n) => number(&n, &loc)?,
            Tok::Bool(b) => NodeValue::Bool(b),
            Tok::Null => NodeValue::Null,
            other => {
                let msg = format!("expected a value, found {}", describe(&other));
                return Err(syntax(&loc, msg));
            }
        };
        self.advance()?;
        Ok(Node { value, loc })
    }

    /// After `{`: entries separated by commas; one trailing comma is tolerated.
    fn object(&mut self, loc: Loc, depth: usize) -> Result<Node, ConfigError> {
        let mut entries: Vec<Entry> = Vec::new();
        loop {
            let key_loc = self.loc.clone();
            let key = match std::mem::replace(&mut self.tok, Tok::Eof) {
                Tok::RBrace => break,
                Tok::Str(s) => s,
                other => {
                    let msg = format!("expected a quoted key or '}}', found {}", describe(&other));
                    return Err(syntax(&key_loc, msg));
                }
            };
            if let Some(prev) = entries.iter().find(|e| e.key == key) {
                return Err(syntax(
                    &key_loc,
                    format!("duplicate key \"{key}\" (previous at {})", prev.key_loc),
                ));
            }
            self.advance()?;
            if self.tok != Tok::Colon {
                return Err(syntax(
                    &self.loc,
                    format!(
                        "expected ':' after \"{key}\", found {}",
                        describe(&self.tok)
                    ),
                ));
            }
            self.advance()?;
            let value = self.value(depth + 1)?;
            entries.push(Entry {
                key,
                key_loc,
                value,
            });
            match self.tok {
                Tok::Comma => {
                    let comma = self.loc.clone();
                    self.advance()?;
                    if self.tok == Tok::RBrace {
                        self.warn_comma(&comma);
                    }
                }
                Tok::RBrace => {}
                _ => {
                    return Err(syntax(
                        &self.loc,
                        format!("expected ',' or '}}', found {}", describe(&self.tok)),
                    ))
                }
            }
        }
        self.advance()?;
        Ok(Node {
            value: NodeValue::Object(entries),
            loc,
        })
    }

    /// After `[`: values separated by commas; one trailing comma is tolerated.
    fn array(&mut self, loc: Loc, depth: usize) -> Result<Node, ConfigError> {
        let mut items = Vec::new();
        while self.tok != Tok::RBracket {
            items.push(self.value(depth + 1)?);
            match self.tok {
                Tok::Comma => {
                    let comma = self.loc.clone();
                    self.advance()?;
                    if self.tok == Tok::RBracket {
                        self.warn_comma(&comma);
                    }
                }
                Tok::RBracket => {}
                _ => {
                    return Err(syntax(
                        &self.loc,
                        format!("expected ',' or ']', found {}", describe(&self.tok)),
                    ))
                }
            }
        }
        self.advance()?;
        Ok(Node {
            value: NodeValue::Array(items),
            loc,
        })
    }

    fn warn_comma(&mut self, at: &Loc) {
        self.warnings.push(format!(
            "{at}: extraneous comma; a piece of configuration may have been omitted"
        ));
    }
}

/// JSON number text into an integer (when it has no fraction or exponent) or a float.
fn number(text: &str, loc: &Loc) -> Result<NodeValue, ConfigError> {
    let bad = || syntax(loc, format!("invalid number '{text}'"));
    let digits = text.strip_prefix('-').unwrap_or(text);
    let int_part_len = digits.find(['.', 'e', 'E']).unwrap_or(digits.len());
    let int_part = &digits[..int_part_len];
    // JSON forbids leading zeros; Kea's lexer also takes a bare fraction (`.5`).
    let bare_fraction = int_part.is_empty() && digits[int_part_len..].starts_with('.');
    if (int_part.is_empty() && !bare_fraction)
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || (int_part.len() > 1 && int_part.starts_with('0'))
    {
        return Err(bad());
    }
    if int_part_len == digits.len() {
        if let Ok(i) = text.parse::<i64>() {
            return Ok(NodeValue::Int(i));
        }
        if let Ok(u) = text.parse::<u64>() {
            return Ok(NodeValue::UInt(u));
        }
        return Err(syntax(loc, format!("integer '{text}' out of range")));
    }
    let rest = &digits[int_part_len..];
    let valid_rest = {
        let (frac, exp) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let frac_ok = frac.is_empty()
            || (frac.len() > 1
                && frac.starts_with('.')
                && frac[1..].bytes().all(|b| b.is_ascii_digit()));
        let exp_ok = exp.is_none_or(|e| {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
        });
        frac_ok && exp_ok
    };
    match text.parse::<f64>() {
        Ok(f) if valid_rest && f.is_finite() => Ok(NodeValue::Float(f)),
        _ => Err(bad()),
    }
}
