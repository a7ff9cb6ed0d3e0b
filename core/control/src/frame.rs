//! Finding where one command ends in a byte stream, and dropping comments on the way.
//!
//! A UNIX control connection carries one JSON value with no length prefix; the client may keep
//! its side open, so neither a newline nor EOF marks the end (CTL-012). Like Kea's `JSONFeed`,
//! the scanner follows strings, escapes and comments (`#`, `//`, `/* */`, CTL-007) and counts
//! brackets: the value is complete when the outermost `{`/`[` is closed. Comments are replaced by
//! a blank so that plain JSON remains for the parser; `<?include?>` is not a thing here (only
//! configuration files have it), so a command can never make the server read a file.

/// Lexical state between two bytes; a chunk may end anywhere, even inside `/*` or an escape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    /// JSON tokens outside strings.
    Code,
    /// Inside a string.
    Str,
    /// After a backslash inside a string.
    Escape,
    /// After a `/` outside a string: a comment starts or the text is not JSON.
    Slash,
    /// In a `#` or `//` comment, up to the end of the line.
    Line,
    /// In a `/* */` comment.
    Block,
    /// After a `*` inside a `/* */` comment.
    BlockStar,
}

/// Why a byte stream cannot hold a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FrameError {
    /// Kea's feed accepts only a map or a list at the top.
    #[error("invalid first character {0}")]
    FirstChar(char),
}

/// Removes comments from `bytes` (one whole value, such as an HTTP body), keeping strings intact.
pub(crate) fn strip_comments(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut lex = Lex::Code;
    for &b in bytes {
        lex = step(lex, b, &mut out);
    }
    if lex == Lex::Slash {
        out.push(b'/');
    }
    out
}

/// Accumulates the chunks of one command until the first complete JSON value.
#[derive(Debug)]
pub(crate) struct Framer {
    lex: Lex,
    depth: usize,
    started: bool,
    received: usize,
    out: Vec<u8>,
}

impl Framer {
    /// An empty framer.
    pub(crate) fn new() -> Self {
        Self {
            lex: Lex::Code,
            depth: 0,
            started: false,
            received: 0,
            out: Vec::new(),
        }
    }

    /// Raw bytes received so far (comments included), for Kea's "discarded partial command" text.
    pub(crate) fn received(&self) -> usize {
        self.received
    }

    /// Feeds one chunk. Returns the value, comments stripped, once it is complete; bytes after it
    /// are discarded as Kea discards them.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<Option<Vec<u8>>, FrameError> {
        for (i, &b) in chunk.iter().enumerate() {
            // A byte after a lone `/` is code too (the text is invalid, but framing stays exact).
            let code = self.lex == Lex::Code || (self.lex == Lex::Slash && b != b'/' && b != b'*');
            if code {
                if !self.started {
                    match b {
                        b'{' | b'[' => self.started = true,
                        b' ' | b'\t' | b'\r' | b'\n' | b'#' | b'/' => {}
                        _ => {
                            self.received += i + 1;
                            return Err(FrameError::FirstChar(char::from(b)));
                        }
                    }
                }
                match b {
                    b'{' | b'[' => self.depth += 1,
                    b'}' | b']' => self.depth = self.depth.saturating_sub(1),
                    _ => {}
                }
            }
            self.lex = step(self.lex, b, &mut self.out);
            if self.started && self.depth == 0 {
                self.received += i + 1;
                return Ok(Some(std::mem::take(&mut self.out)));
            }
        }
        self.received += chunk.len();
        Ok(None)
    }
}

/// Advances the lexer by one byte, copying what is not comment to `out`.
fn step(lex: Lex, b: u8, out: &mut Vec<u8>) -> Lex {
    match lex {
        Lex::Code => match b {
            b'"' => {
                out.push(b);
                Lex::Str
            }
            b'#' => Lex::Line,
            b'/' => Lex::Slash,
            _ => {
                out.push(b);
                Lex::Code
            }
        },
        Lex::Str => {
            out.push(b);
            match b {
                b'\\' => Lex::Escape,
                b'"' => Lex::Code,
                _ => Lex::Str,
            }
        }
        Lex::Escape => {
            out.push(b);
            Lex::Str
        }
        Lex::Slash => match b {
            b'/' => Lex::Line,
            b'*' => Lex::Block,
            // Not a comment: keep the slash so that the parser reports the text as invalid.
            _ => {
                out.push(b'/');
                step(Lex::Code, b, out)
            }
        },
        Lex::Line => {
            if b == b'\n' {
                out.push(b'\n');
                Lex::Code
            } else {
                Lex::Line
            }
        }
        Lex::Block => {
            if b == b'*' {
                Lex::BlockStar
            } else {
                Lex::Block
            }
        }
        Lex::BlockStar => match b {
            b'/' => {
                // A blank keeps `1/**/2` two tokens, as the comment separated them.
                out.push(b' ');
                Lex::Code
            }
            b'*' => Lex::BlockStar,
            _ => Lex::Block,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> Option<String> {
        let mut f = Framer::new();
        f.push(text.as_bytes())
            .unwrap()
            .map(|v| String::from_utf8(v).unwrap())
    }

    #[test]
    fn ctl012_value_ends_at_closing_bracket_not_newline() {
        assert_eq!(
            whole(r#"{"command": "a"}"#).as_deref(),
            Some(r#"{"command": "a"}"#)
        );
        assert_eq!(whole("{\"command\":\n\"a\"\n"), None);
        assert_eq!(
            whole(r#"{"a": "}{]"} trailing"#).as_deref(),
            Some(r#"{"a": "}{]"}"#)
        );
        assert_eq!(whole(r#"{"a": "\"}"}"#).as_deref(), Some(r#"{"a": "\"}"}"#));
        assert_eq!(
            whole(r#"{"a":[{}]}{"b":1}"#).as_deref(),
            Some(r#"{"a":[{}]}"#)
        );
        assert_eq!(whole(r#"{"a":1/}"#).as_deref(), Some(r#"{"a":1/}"#));
    }

    #[test]
    fn ctl013_any_fragmentation_gives_the_same_value() {
        let text = "  /* c */ {\"command\": \"x\", # note\n \"arguments\": {\"s\": \"a\\\\\\\"/*\"} // end\n}";
        let expected = whole(text).unwrap();
        for cut in 1..text.len() {
            let mut f = Framer::new();
            let mut got = None;
            for chunk in text.as_bytes().chunks(cut) {
                if let Some(v) = f.push(chunk).unwrap() {
                    got = Some(String::from_utf8(v).unwrap());
                }
            }
            assert_eq!(got.as_deref(), Some(expected.as_str()), "chunks of {cut}");
        }
    }

    #[test]
    fn ctl007_comments_become_blanks_and_strings_stay() {
        let text =
            "{\"a\": \"# not // a /* comment\", # one\n \"b\": 1 // two\n, /* three */ \"c\": 2}";
        let plain = whole(text).unwrap();
        let v: serde_json::Value = serde_json::from_str(&plain).unwrap();
        assert_eq!(v["a"], "# not // a /* comment");
        assert_eq!(v["c"], 2);
        assert_eq!(strip_comments(text.as_bytes()), plain.as_bytes());
    }

    #[test]
    fn ctl003_scalar_at_top_is_refused_at_once() {
        assert_eq!(
            Framer::new().push(b"  x{}"),
            Err(FrameError::FirstChar('x'))
        );
        assert_eq!(
            Framer::new().push(b"\"command\""),
            Err(FrameError::FirstChar('"'))
        );
    }

    #[test]
    fn received_counts_raw_bytes_up_to_the_end_of_the_value() {
        let mut f = Framer::new();
        assert_eq!(f.push(b"{\"a\"").unwrap(), None);
        assert_eq!(f.received(), 4);
        assert!(f.push(b":1}xyz").unwrap().is_some());
        assert_eq!(f.received(), 7);
    }
}
