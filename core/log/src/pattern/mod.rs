//! log4cplus's pattern language (CTL-106, CTL-107), compiled once when a configuration is applied
//! into a list of pieces; formatting a line walks the list and never reads the pattern text again.

mod host;
mod time;

use std::fmt::Write;
use std::time::{Duration, SystemTime};

use tracing::Level;

use crate::error::PatternError;
use crate::level;
use time::TimeFormat;

/// The default for stdout, stderr and files (CTL-106).
pub(crate) const DEFAULT: &str = "%D{%Y-%m-%d %H:%M:%S.%q} %-5p [%c/%i.%t] %m\n";

/// The default for syslog, which stamps time and pid itself (CTL-106).
pub(crate) const SYSLOG: &str = "%-5p [%c.%t] %m\n";

/// What one line is made of; the caller reads the clock, pid and thread so tests can fix them.
#[derive(Debug, Clone)]
pub(crate) struct Record<'a> {
    pub(crate) time: SystemTime,
    /// Since logging was installed (`%r`).
    pub(crate) uptime: Duration,
    pub(crate) level: Level,
    /// The logger name (`%c`).
    pub(crate) logger: &'a str,
    /// The message with its ID and fields (`%m`).
    pub(crate) message: &'a str,
    pub(crate) pid: u32,
    /// `pthread_self()` (`%t`), as log4cplus prints it.
    pub(crate) thread: u64,
    /// The kernel thread id (`%T`).
    pub(crate) tid: u64,
    pub(crate) file: Option<&'a str>,
    pub(crate) line: Option<u32>,
    /// The Rust module path, the nearest thing to log4cplus's function name (`%M`).
    pub(crate) module: Option<&'a str>,
}

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pattern {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Field(Conversion, Width),
}

/// The conversions whose value changes from line to line. Those fixed for the process's life
/// (`%h`, `%H`, `%E{…}`) are resolved while compiling and become text.
#[derive(Debug, Clone, PartialEq)]
enum Conversion {
    Time(TimeFormat),
    Severity,
    /// `%c`, or `%c{N}`: the last N dot-separated components.
    Logger(Option<usize>),
    Pid,
    Thread,
    ThreadId,
    Message,
    File,
    FileBase,
    Line,
    Location,
    Function,
    Uptime,
}

/// `%-15.40m`: pad to `min`, keep at most the last `max` characters (log4cplus truncates from the
/// start), align left with `-`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Width {
    min: usize,
    max: Option<usize>,
    left: bool,
}

impl Pattern {
    /// Compiles `text`.
    pub(crate) fn compile(text: &str) -> Result<Pattern, PatternError> {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if c != '%' {
                literal.push(c);
                continue;
            }
            let mut width = Width::default();
            if chars.next_if(|&(_, c)| c == '-').is_some() {
                width.left = true;
            }
            width.min = number(&mut chars).unwrap_or(0);
            if chars.next_if(|&(_, c)| c == '.').is_some() {
                width.max = Some(number(&mut chars).unwrap_or(0));
            }
            let (_, conversion) = chars.next().ok_or(PatternError::Dangling(at))?;
            let mut option = || option(&mut chars, at);
            let field = match conversion {
                '%' => {
                    literal.push('%');
                    continue;
                }
                'n' => {
                    literal.push('\n');
                    continue;
                }
                'h' | 'H' | 'E' => {
                    let value = match conversion {
                        'h' => host::name(),
                        'H' => host::fqdn(),
                        _ => option()?
                            .and_then(|var| std::env::var(var).ok())
                            .unwrap_or_default(),
                    };
                    let start = literal.len();
                    literal.push_str(&value);
                    width.apply(&mut literal, start);
                    continue;
                }
                'd' | 'D' => {
                    // log4cplus reads `%d{}` as `%d`.
                    let format = option()?
                        .filter(|f| !f.is_empty())
                        .unwrap_or_else(|| time::DEFAULT.to_owned());
                    Conversion::Time(TimeFormat::compile(&format, conversion == 'd'))
                }
                'c' => Conversion::Logger(match option()? {
                    None => None,
                    Some(n) => Some(n.trim().parse().map_err(|_| PatternError::Precision(n))?),
                }),
                'p' => Conversion::Severity,
                'i' => Conversion::Pid,
                't' => Conversion::Thread,
                'T' => Conversion::ThreadId,
                'm' => Conversion::Message,
                'F' => Conversion::File,
                'b' => Conversion::FileBase,
                'L' => Conversion::Line,
                'l' => Conversion::Location,
                'M' => Conversion::Function,
                'r' => Conversion::Uptime,
                other => return Err(PatternError::Unknown { ch: other, at }),
            };
            if !literal.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut literal)));
            }
            pieces.push(Piece::Field(field, width));
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Ok(Pattern { pieces })
    }

    /// Appends the line for `r` to `out`.
    pub(crate) fn render(&self, r: &Record<'_>, out: &mut String) {
        for piece in &self.pieces {
            let (conversion, width) = match piece {
                Piece::Text(text) => {
                    out.push_str(text);
                    continue;
                }
                Piece::Field(conversion, width) => (conversion, width),
            };
            let start = out.len();
            // Writing into a String cannot fail, hence the ignored results.
            let _ = match conversion {
                Conversion::Time(format) => {
                    format.render(r.time, out);
                    Ok(())
                }
                Conversion::Severity => out.write_str(level::name(r.level)),
                Conversion::Logger(None) => out.write_str(r.logger),
                Conversion::Logger(Some(n)) => out.write_str(last_components(r.logger, *n)),
                Conversion::Pid => write!(out, "{}", r.pid),
                Conversion::Thread => write!(out, "{}", r.thread),
                Conversion::ThreadId => write!(out, "{}", r.tid),
                Conversion::Message => out.write_str(r.message),
                Conversion::File => out.write_str(r.file.unwrap_or_default()),
                Conversion::FileBase => out.write_str(basename(r.file.unwrap_or_default())),
                Conversion::Line => write_line(out, r.line),
                Conversion::Location => {
                    let _ = out.write_str(r.file.unwrap_or_default());
                    let _ = out.write_char(':');
                    write_line(out, r.line)
                }
                Conversion::Function => out.write_str(r.module.unwrap_or_default()),
                Conversion::Uptime => write!(out, "{}", r.uptime.as_millis()),
            };
            width.apply(out, start);
        }
    }
}

impl Width {
    /// Fits what was written to `out` since `start`, in place.
    fn apply(self, out: &mut String, start: usize) {
        let mut count = out[start..].chars().count();
        if let Some(max) = self.max.filter(|&max| count > max) {
            let cut = out[start..]
                .char_indices()
                .nth(count - max)
                .map_or(out.len(), |(i, _)| start + i);
            out.replace_range(start..cut, "");
            count = max;
        }
        // Padding is copied from a constant so `%-5p`, in every default line, does not allocate.
        const SPACES: &str = "                                ";
        let mut missing = self.min.saturating_sub(count);
        if self.left {
            out.extend(std::iter::repeat_n(' ', missing));
            return;
        }
        while missing > 0 {
            let n = missing.min(SPACES.len());
            out.insert_str(start, &SPACES[..n]);
            missing -= n;
        }
    }
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

/// The `{…}` after `%c`, `%d`, `%D` or `%E`, if there is one; `at` is the conversion's offset.
fn option(chars: &mut Chars<'_>, at: usize) -> Result<Option<String>, PatternError> {
    if chars.next_if(|&(_, c)| c == '{').is_none() {
        return Ok(None);
    }
    let mut inside = String::new();
    for (_, c) in chars.by_ref() {
        if c == '}' {
            return Ok(Some(inside));
        }
        inside.push(c);
    }
    Err(PatternError::Unclosed(at))
}

fn number(chars: &mut Chars<'_>) -> Option<usize> {
    let mut value: Option<usize> = None;
    while let Some((_, c)) = chars.next_if(|(_, c)| c.is_ascii_digit()) {
        let digit = c as usize - '0' as usize;
        value = Some(value.unwrap_or(0).saturating_mul(10).saturating_add(digit));
    }
    value
}

fn write_line(out: &mut String, line: Option<u32>) -> std::fmt::Result {
    match line {
        Some(line) => write!(out, "{line}"),
        None => Ok(()),
    }
}

fn last_components(logger: &str, n: usize) -> &str {
    match logger.rmatch_indices('.').nth(n.saturating_sub(1)) {
        Some((i, _)) if n > 0 => &logger[i + 1..],
        _ => logger,
    }
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests;
