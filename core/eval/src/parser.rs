//! Recursive-descent parser over Kea's grammar. Booleans and strings are separate syntactic categories
//! (as in Kea), so type errors are syntax errors: `not 'a'` or `option[1].exists == 'x'` do not parse.
//! Precedence: `not` > `and` > `or` (left-associative); `+` binds tighter than `==`.

use crate::ast::{Bool, Field, IntText, Lit, Repr, Root, Source, Str};
use crate::error::{ParseError, ParseErrorKind};
use crate::lexer::{tokenize, Spanned, Tok};
use crate::{tlv, Env, Expression, Family, Kind};

/// Compiles `text`.
pub(crate) fn parse(text: &str, kind: Kind, env: &Env<'_>) -> Result<Expression, ParseError> {
    let mut p = Parser {
        toks: tokenize(text)?,
        at: 0,
        env,
        members: Vec::new(),
        labels: 0,
    };
    let root = match kind {
        Kind::Bool => Root::Bool(p.bool_expr()?),
        Kind::String => Root::Str(p.str_expr()?),
    };
    p.expect(Tok::End, "end of expression")?;
    Ok(Expression {
        root,
        family: env.defs.family(),
        members: p.members,
    })
}

struct Parser<'e, 'a> {
    toks: Vec<Spanned>,
    at: usize,
    env: &'e Env<'a>,
    members: Vec<String>,
    /// Branch labels numbered so far.
    labels: u32,
}

/// What follows `.` after an option-like source.
enum Suffix {
    Value(Repr),
    Exists,
}

/// Either category, for productions where the suffix decides (`option[1].exists` vs `option[1].hex`).
enum Term {
    Bool(Bool),
    Str(Str),
}

impl Parser<'_, '_> {
    /// The current token; past the end, the final `End` (so stepping back after `next` is always exact).
    fn current(&self) -> &Spanned {
        &self.toks[self.at.min(self.toks.len() - 1)]
    }

    fn peek(&self) -> &Tok {
        &self.current().0
    }

    fn pos(&self) -> usize {
        self.current().1
    }

    fn next(&mut self) -> Tok {
        let t = self.peek().clone();
        self.at += 1;
        t
    }

    fn fail<T>(&self, kind: ParseErrorKind) -> Result<T, ParseError> {
        Err(ParseError {
            pos: self.pos(),
            kind,
        })
    }

    fn expected<T>(&self, expected: &'static str) -> Result<T, ParseError> {
        self.fail(ParseErrorKind::Expected {
            expected,
            found: self.peek().describe(),
        })
    }

    fn expect(&mut self, t: Tok, what: &'static str) -> Result<(), ParseError> {
        if *self.peek() == t {
            self.next();
            Ok(())
        } else {
            self.expected(what)
        }
    }

    /// The next branch label: Kea numbers them from 1 in the order the parser meets `and`, `or` and
    /// `ifelse`'s commas.
    fn label(&mut self) -> u32 {
        self.labels += 1;
        self.labels
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Word(x) if x == w)
    }

    fn word(&mut self, w: &'static str) -> Result<(), ParseError> {
        if self.is_word(w) {
            self.next();
            Ok(())
        } else {
            self.expected(w)
        }
    }

    fn family(&self) -> Family {
        self.env.defs.family()
    }

    /// Rejects the current word when it belongs to the other family.
    fn only(&self, family: Family, name: &str) -> Result<(), ParseError> {
        if self.family() == family {
            return Ok(());
        }
        let other = match self.family() {
            Family::V4 => "DHCPv4",
            Family::V6 => "DHCPv6",
        };
        self.fail(ParseErrorKind::WrongFamily(name.into(), other))
    }

    // ---- booleans -------------------------------------------------------------------------------

    fn bool_expr(&mut self) -> Result<Bool, ParseError> {
        let mut left = self.and_expr()?;
        while self.is_word("or") {
            self.next();
            let label = self.label();
            let right = self.and_expr()?;
            left = Bool::Or(Box::new(left), Box::new(right), label);
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Bool, ParseError> {
        let mut left = self.not_expr()?;
        while self.is_word("and") {
            self.next();
            let label = self.label();
            let right = self.not_expr()?;
            left = Bool::And(Box::new(left), Box::new(right), label);
        }
        Ok(left)
    }

    fn not_expr(&mut self) -> Result<Bool, ParseError> {
        if self.is_word("not") {
            self.next();
            return Ok(Bool::Not(Box::new(self.not_expr()?)));
        }
        self.bool_primary()
    }

    fn bool_primary(&mut self) -> Result<Bool, ParseError> {
        if *self.peek() == Tok::LParen {
            self.next();
            let b = self.bool_expr()?;
            self.expect(Tok::RParen, "')'")?;
            return Ok(b);
        }
        if let Tok::Word(w) = self.peek().clone() {
            match w.as_str() {
                "match" => {
                    self.next();
                    return self.match_call();
                }
                "member" => {
                    self.next();
                    self.expect(Tok::LParen, "'('")?;
                    let pos = self.pos();
                    let Tok::Str(name) = self.next() else {
                        self.at -= 1;
                        return self.expected("a class name in quotes");
                    };
                    let name = String::from_utf8_lossy(&name).into_owned();
                    if !(self.env.class_defined)(&name) {
                        return Err(ParseError {
                            pos,
                            kind: ParseErrorKind::UndefinedClass(name),
                        });
                    }
                    self.expect(Tok::RParen, "')'")?;
                    self.members.push(name.clone());
                    return Ok(Bool::Member(name));
                }
                "known" | "unknown" => {
                    self.next();
                    self.members.push("KNOWN".into());
                    let m = Bool::Member("KNOWN".into());
                    return Ok(if w == "known" {
                        m
                    } else {
                        Bool::Not(Box::new(m))
                    });
                }
                _ => {}
            }
        }
        let left = match self.term()? {
            Term::Bool(b) => return Ok(b),
            Term::Str(s) => self.concat_tail(s)?,
        };
        self.expect(Tok::Equal, "'=='")?;
        let right = self.str_expr()?;
        Ok(Bool::Equal(left, right))
    }

    fn match_call(&mut self) -> Result<Bool, ParseError> {
        self.expect(Tok::LParen, "'('")?;
        let pos = self.pos();
        let Tok::Str(pattern) = self.next() else {
            self.at -= 1;
            return self.expected("a regular expression in quotes");
        };
        let pattern = String::from_utf8_lossy(&pattern).into_owned();
        // Kea matches the whole value; bytes, not Unicode, as its std::regex does.
        let re = regex::bytes::RegexBuilder::new(&format!("^(?:{pattern})$"))
            .unicode(false)
            .build()
            .map_err(|e| ParseError {
                pos,
                kind: ParseErrorKind::BadRegex(e.to_string()),
            })?;
        self.expect(Tok::Comma, "','")?;
        let value = self.str_expr()?;
        self.expect(Tok::RParen, "')'")?;
        Ok(Bool::Match(re, value))
    }

    // ---- strings --------------------------------------------------------------------------------

    fn str_expr(&mut self) -> Result<Str, ParseError> {
        let first = self.str_term()?;
        self.concat_tail(first)
    }

    /// `a + b + c` = `concat(concat(a, b), c)`.
    fn concat_tail(&mut self, mut left: Str) -> Result<Str, ParseError> {
        while *self.peek() == Tok::Plus {
            self.next();
            let right = self.str_term()?;
            left = Str::Concat(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn str_term(&mut self) -> Result<Str, ParseError> {
        match self.term()? {
            Term::Str(s) => Ok(s),
            Term::Bool(_) => self.expected("a string value, not a condition"),
        }
    }

    /// A value or an `.exists` test.
    fn term(&mut self) -> Result<Term, ParseError> {
        let pos = self.pos();
        let s = match self.next() {
            Tok::Str(s) => Str::Literal(s.into(), Lit::Text),
            Tok::Hex(s) => Str::Literal(s.into(), Lit::Hex),
            Tok::Addr(s) => Str::Literal(s.into(), Lit::Addr),
            Tok::Int(i) => {
                let v: u32 = i.parse().map_err(|_| ParseError {
                    pos,
                    kind: ParseErrorKind::OutOfRange {
                        what: "integer",
                        value: i.clone(),
                    },
                })?;
                Str::Literal(v.to_be_bytes().into(), Lit::Int)
            }
            Tok::Word(w) => return self.word_term(&w),
            _ => {
                self.at -= 1;
                return self.expected("a value");
            }
        };
        Ok(Term::Str(s))
    }

    fn word_term(&mut self, w: &str) -> Result<Term, ParseError> {
        let s = match w {
            "option" => {
                let code = self.option_code()?;
                return self.option_tail(code);
            }
            "relay4" => {
                self.at -= 1;
                self.only(Family::V4, w)?;
                self.next();
                let sub = self.bracket_int("sub-option code", 0, 255)? as u8;
                return self.source(Source::Relay4(sub));
            }
            "relay6" => {
                self.at -= 1;
                self.only(Family::V6, w)?;
                self.next();
                let nest = self.bracket_int("nest level", -32, 31)? as i8;
                self.expect(Tok::Dot, "'.'")?;
                let t = self.next();
                match t {
                    Tok::Word(x) if x == "peeraddr" => Str::Field(Field::PeerAddr(nest)),
                    Tok::Word(x) if x == "linkaddr" => Str::Field(Field::LinkAddr(nest)),
                    Tok::Word(x) if x == "option" => {
                        let code = self.option_code()?;
                        return self.source(Source::Relay6 { nest, code });
                    }
                    _ => {
                        self.at -= 1;
                        return self.expected("'option', 'peeraddr' or 'linkaddr'");
                    }
                }
            }
            "pkt" | "pkt4" | "pkt6" => {
                self.at -= 1;
                match w {
                    "pkt4" => self.only(Family::V4, w)?,
                    "pkt6" => self.only(Family::V6, w)?,
                    _ => {}
                }
                self.next();
                Str::Field(self.pkt_field(w)?)
            }
            "vendor" => return self.vendor(),
            "vendor-class" => return self.vendor_class(),
            "substring" => {
                self.expect(Tok::LParen, "'('")?;
                let v = self.str_expr()?;
                self.expect(Tok::Comma, "','")?;
                let start = self.int("start", i64::from(i32::MIN), i64::from(i32::MAX))?;
                self.expect(Tok::Comma, "','")?;
                let len = if self.is_word("all") {
                    self.next();
                    None
                } else {
                    Some(self.int("length", i64::from(i32::MIN), i64::from(i32::MAX))?)
                };
                self.expect(Tok::RParen, "')'")?;
                Str::Substring(Box::new(v), start, len)
            }
            "split" => {
                self.expect(Tok::LParen, "'('")?;
                let v = self.str_expr()?;
                self.expect(Tok::Comma, "','")?;
                let delims = self.str_expr()?;
                self.expect(Tok::Comma, "','")?;
                let n = self.int("field number", i64::from(i32::MIN), i64::from(i32::MAX))?;
                self.expect(Tok::RParen, "')'")?;
                Str::Split(Box::new(v), Box::new(delims), n)
            }
            "concat" | "hexstring" => {
                let (a, b) = self.two_args()?;
                if w == "concat" {
                    Str::Concat(a, b)
                } else {
                    Str::HexString(a, b)
                }
            }
            "ifelse" => {
                self.expect(Tok::LParen, "'('")?;
                let c = self.bool_expr()?;
                self.expect(Tok::Comma, "','")?;
                let first = self.label();
                let a = self.str_expr()?;
                self.expect(Tok::Comma, "','")?;
                let second = self.label();
                let b = self.str_expr()?;
                self.expect(Tok::RParen, "')'")?;
                Str::IfElse(Box::new(c), Box::new(a), Box::new(b), [first, second])
            }
            "lcase" => Str::Lcase(self.one_arg()?),
            "ucase" => Str::Ucase(self.one_arg()?),
            "addrtotext" => Str::AddrToText(self.one_arg()?),
            "int8totext" => Str::IntToText(IntText::I8, self.one_arg()?),
            "int16totext" => Str::IntToText(IntText::I16, self.one_arg()?),
            "int32totext" => Str::IntToText(IntText::I32, self.one_arg()?),
            "uint8totext" => Str::IntToText(IntText::U8, self.one_arg()?),
            "uint16totext" => Str::IntToText(IntText::U16, self.one_arg()?),
            "uint32totext" => Str::IntToText(IntText::U32, self.one_arg()?),
            _ => {
                self.at -= 1;
                return self.expected("a value");
            }
        };
        Ok(Term::Str(s))
    }

    fn one_arg(&mut self) -> Result<Box<Str>, ParseError> {
        self.expect(Tok::LParen, "'('")?;
        let a = self.str_expr()?;
        self.expect(Tok::RParen, "')'")?;
        Ok(Box::new(a))
    }

    fn two_args(&mut self) -> Result<(Box<Str>, Box<Str>), ParseError> {
        self.expect(Tok::LParen, "'('")?;
        let a = self.str_expr()?;
        self.expect(Tok::Comma, "','")?;
        let b = self.str_expr()?;
        self.expect(Tok::RParen, "')'")?;
        Ok((Box::new(a), Box::new(b)))
    }

    /// A signed integer literal within `lo..=hi`.
    fn int(&mut self, what: &'static str, lo: i64, hi: i64) -> Result<i64, ParseError> {
        let pos = self.pos();
        let Tok::Int(i) = self.peek().clone() else {
            return self.expected("an integer");
        };
        self.next();
        match i.parse::<i64>() {
            Ok(v) if (lo..=hi).contains(&v) => Ok(v),
            _ => Err(ParseError {
                pos,
                kind: ParseErrorKind::OutOfRange { what, value: i },
            }),
        }
    }

    fn bracket_int(&mut self, what: &'static str, lo: i64, hi: i64) -> Result<i64, ParseError> {
        self.expect(Tok::LBracket, "'['")?;
        let v = self.int(what, lo, hi)?;
        self.expect(Tok::RBracket, "']'")?;
        Ok(v)
    }

    fn max_code(&self) -> i64 {
        match self.family() {
            Family::V4 => 255,
            Family::V6 => 65535,
        }
    }

    /// `[code]` or `[name]` (a name of the family's main option space).
    fn option_code(&mut self) -> Result<u16, ParseError> {
        self.expect(Tok::LBracket, "'['")?;
        let code = if let Tok::Word(name) = self.peek().clone() {
            let defs = self.env.defs;
            let Some(def) = defs.by_name(defs.family().main_space(), &name) else {
                return self.fail(ParseErrorKind::UnknownOption(name));
            };
            self.next();
            def.code
        } else {
            self.int("option code", 0, self.max_code())? as u16
        };
        self.expect(Tok::RBracket, "']'")?;
        Ok(code)
    }

    /// After `option[code]`: `.option[sub]…`, or a representation.
    fn option_tail(&mut self, code: u16) -> Result<Term, ParseError> {
        if self.toks.get(self.at + 1).map(|t| &t.0) == Some(&Tok::Word("option".into()))
            && *self.peek() == Tok::Dot
        {
            self.next();
            self.next();
            let sub = self.bracket_int("sub-option code", 0, self.max_code())? as u16;
            let offset = tlv::suboption_offset(self.env.defs, code);
            return self.source(Source::SubOption { code, sub, offset });
        }
        self.source(Source::Option(code))
    }

    fn suffix(&mut self) -> Result<Suffix, ParseError> {
        self.expect(Tok::Dot, "'.'")?;
        let r = match self.peek() {
            Tok::Word(w) if w == "hex" => Suffix::Value(Repr::Hex),
            Tok::Word(w) if w == "text" => Suffix::Value(Repr::Text),
            Tok::Word(w) if w == "exists" => Suffix::Exists,
            _ => return self.expected("'hex', 'text' or 'exists'"),
        };
        self.next();
        Ok(r)
    }

    fn source(&mut self, src: Source) -> Result<Term, ParseError> {
        Ok(match self.suffix()? {
            Suffix::Value(r) => Term::Str(Str::Value(src, r)),
            Suffix::Exists => Term::Bool(Bool::Exists(src)),
        })
    }

    fn pkt_field(&mut self, scope: &str) -> Result<Field, ParseError> {
        self.expect(Tok::Dot, "'.'")?;
        let Tok::Word(f) = self.peek().clone() else {
            return self.expected("a packet field");
        };
        let field = match (scope, f.as_str()) {
            ("pkt", "iface") => Field::Iface,
            ("pkt", "src") => Field::Src,
            ("pkt", "dst") => Field::Dst,
            ("pkt", "len") => Field::Len,
            ("pkt4", "mac") => Field::Mac,
            ("pkt4", "hlen") => Field::Hlen,
            ("pkt4", "htype") => Field::Htype,
            ("pkt4", "ciaddr") => Field::Ciaddr,
            ("pkt4", "giaddr") => Field::Giaddr,
            ("pkt4", "yiaddr") => Field::Yiaddr,
            ("pkt4", "siaddr") => Field::Siaddr,
            ("pkt4" | "pkt6", "msgtype") => Field::MsgType,
            ("pkt4" | "pkt6", "transid") => Field::TransId,
            _ => return self.expected("a packet field"),
        };
        self.next();
        Ok(field)
    }

    /// `[*]` or `[enterprise]`; `*` and 0 both mean any enterprise.
    fn enterprise(&mut self) -> Result<u32, ParseError> {
        self.expect(Tok::LBracket, "'['")?;
        let e = if *self.peek() == Tok::Star {
            self.next();
            0
        } else {
            self.int("enterprise id", 0, i64::from(u32::MAX))? as u32
        };
        self.expect(Tok::RBracket, "']'")?;
        Ok(e)
    }

    /// `vendor.enterprise`, `vendor[e].exists`, `vendor[e].option[c].hex|text|exists`.
    fn vendor(&mut self) -> Result<Term, ParseError> {
        if *self.peek() == Tok::Dot {
            self.next();
            self.word("enterprise")?;
            return Ok(Term::Str(Str::Enterprise { class: false }));
        }
        let enterprise = self.enterprise()?;
        self.expect(Tok::Dot, "'.'")?;
        if self.is_word("exists") {
            self.next();
            return Ok(Term::Bool(Bool::VendorExists(enterprise)));
        }
        self.word("option")?;
        let code = self.bracket_int("option code", 0, self.max_code())? as u16;
        self.source(Source::VendorOption { enterprise, code })
    }

    /// `vendor-class.enterprise`, `vendor-class[e].exists`, `vendor-class[e].data[i]`.
    fn vendor_class(&mut self) -> Result<Term, ParseError> {
        if *self.peek() == Tok::Dot {
            self.next();
            self.word("enterprise")?;
            return Ok(Term::Str(Str::Enterprise { class: true }));
        }
        let enterprise = self.enterprise()?;
        self.expect(Tok::Dot, "'.'")?;
        if self.is_word("exists") {
            self.next();
            return Ok(Term::Bool(Bool::VendorClassExists(enterprise)));
        }
        self.word("data")?;
        let index = if *self.peek() == Tok::LBracket {
            self.bracket_int("data index", 0, i64::from(u32::MAX))? as u32
        } else {
            0
        };
        Ok(Term::Str(Str::VendorClassData { enterprise, index }))
    }
}
