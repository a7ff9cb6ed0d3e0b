//! Where lines go (CTL-104): stdout, stderr, syslog or a file, each output with its own pattern.

mod file;
mod syslog;

use std::collections::HashMap;
use std::ffi::c_int;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::Mutex;
use ruru_config::LogOutput;

use crate::error::LogError;
use crate::pattern::{self, Pattern, Record};
use file::{FileSink, LockFile, Rotation};
use syslog::Syslog;

/// What an `output` value names; `KEA_LOGGER_DESTINATION` uses the same words (CTL-110).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Destination {
    Stdout,
    Stderr,
    /// `syslog`, `syslog:<facility>` or `syslog:<name>` (the process's root logger name when none).
    Syslog {
        ident: Option<String>,
        facility: c_int,
    },
    File(PathBuf),
}

impl Destination {
    pub(crate) fn parse(output: &str) -> Destination {
        match output {
            "stdout" => Destination::Stdout,
            "stderr" => Destination::Stderr,
            "syslog" => Destination::Syslog {
                ident: None,
                facility: syslog::DEFAULT_FACILITY,
            },
            _ => match output.strip_prefix("syslog:") {
                Some(name) => match syslog::facility(name) {
                    Some(facility) => Destination::Syslog {
                        ident: None,
                        facility,
                    },
                    None => Destination::Syslog {
                        ident: Some(name.to_owned()),
                        facility: syslog::DEFAULT_FACILITY,
                    },
                },
                None => Destination::File(PathBuf::from(output)),
            },
        }
    }
}

/// An opened destination, shared by the outputs that name it.
#[derive(Debug)]
enum Sink {
    Stdout,
    Stderr,
    Syslog(Syslog),
    File(Mutex<FileSink>),
}

/// One `output-options` entry in force.
#[derive(Debug)]
pub(crate) struct Output {
    sink: Arc<Sink>,
    pattern: Pattern,
    flush: bool,
}

impl Output {
    /// Formats `record` into `line` (a reused buffer) and sends it. A failed write is dropped:
    /// a logger has nowhere to report its own failure.
    pub(crate) fn write(&self, record: &Record<'_>, line: &mut String) {
        line.clear();
        self.pattern.render(record, line);
        match &*self.sink {
            Sink::Stdout => console(io::stdout().lock(), line, self.flush),
            Sink::Stderr => console(io::stderr().lock(), line, self.flush),
            Sink::Syslog(syslog) => syslog.send(record.level, line),
            Sink::File(file) => {
                let _ = file.lock().write(line.as_bytes(), self.flush);
            }
        }
    }

    /// Writes lines a file output holds back (`flush` off).
    pub(crate) fn drain(&self) {
        if let Sink::File(file) = &*self.sink {
            let _ = file.lock().drain();
        }
    }
}

fn console(mut out: impl Write, line: &str, flush: bool) {
    let _ = out.write_all(line.as_bytes());
    if flush {
        let _ = out.flush();
    }
}

/// Opens the outputs of one configuration: one sink per file however many outputs name it (the
/// first output naming a file sets its rotation), and the lock file once, when a file needs it.
pub(crate) struct Opener<'a> {
    root: &'a str,
    lock_dir: Option<&'a Path>,
    lock: Option<Option<Arc<LockFile>>>,
    files: HashMap<PathBuf, Arc<Sink>>,
    /// What could not be set up as configured, to be logged once the configuration is in force.
    pub(crate) errors: Vec<LogError>,
}

impl<'a> Opener<'a> {
    /// `root` names syslog messages by default; `lock_dir` is `KEA_LOCKFILE_DIR` (`None`: no lock).
    pub(crate) fn new(root: &'a str, lock_dir: Option<&'a Path>) -> Opener<'a> {
        Opener {
            root,
            lock_dir,
            lock: None,
            files: HashMap::new(),
            errors: Vec::new(),
        }
    }

    /// Puts `o`, an output of the logger entry `logger`, in force. A bad pattern falls back to the
    /// output's default and a file that cannot be opened to stdout, both reported in `errors`.
    pub(crate) fn open(&mut self, logger: &str, o: &LogOutput) -> Output {
        let destination = Destination::parse(&o.output);
        let default = match destination {
            Destination::Syslog { .. } => pattern::SYSLOG,
            _ => pattern::DEFAULT,
        };
        let text = o.pattern.as_deref().unwrap_or(default);
        let pattern = Pattern::compile(text).unwrap_or_else(|source| {
            self.errors.push(LogError::Pattern {
                logger: logger.to_owned(),
                output: o.output.clone(),
                source,
            });
            Pattern::compile(default).expect("the default patterns compile")
        });
        let sink = match destination {
            Destination::Stdout => Arc::new(Sink::Stdout),
            Destination::Stderr => Arc::new(Sink::Stderr),
            Destination::Syslog { ident, facility } => Arc::new(Sink::Syslog(Syslog::new(
                ident.as_deref().unwrap_or(self.root),
                facility,
            ))),
            Destination::File(path) => self.file(path, Rotation::new(o.maxsize, o.maxver)),
        };
        Output {
            sink,
            pattern,
            flush: o.flush,
        }
    }

    fn file(&mut self, path: PathBuf, rotation: Option<Rotation>) -> Arc<Sink> {
        if let Some(open) = self.files.get(&path) {
            return open.clone();
        }
        let lock = self.lock();
        match FileSink::open(&path, rotation, lock) {
            Ok(sink) => {
                let sink = Arc::new(Sink::File(Mutex::new(sink)));
                self.files.insert(path, sink.clone());
                sink
            }
            Err(source) => {
                self.errors.push(LogError::Open { path, source });
                Arc::new(Sink::Stdout)
            }
        }
    }

    fn lock(&mut self) -> Option<Arc<LockFile>> {
        let lock_dir = self.lock_dir;
        let errors = &mut self.errors;
        self.lock
            .get_or_insert_with(|| {
                let dir = lock_dir?;
                LockFile::open(dir)
                    .map(Arc::new)
                    .map_err(|source| {
                        errors.push(LogError::Lock {
                            path: dir.join(file::LOCK_FILE),
                            source,
                        })
                    })
                    .ok()
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // CTL-104 and CTL-110: the words of `output` and `KEA_LOGGER_DESTINATION`.
    #[test]
    fn ctl_104_ctl_110_destinations() {
        let syslog = |ident: Option<&str>, facility| Destination::Syslog {
            ident: ident.map(str::to_owned),
            facility,
        };
        let rows = [
            ("stdout", Destination::Stdout),
            ("stderr", Destination::Stderr),
            ("syslog", syslog(None, libc::LOG_LOCAL0)),
            ("syslog:local3", syslog(None, libc::LOG_LOCAL3)),
            ("syslog:DAEMON", syslog(None, libc::LOG_DAEMON)),
            (
                "syslog:kea-dhcp4-a",
                syslog(Some("kea-dhcp4-a"), libc::LOG_LOCAL0),
            ),
            (
                "/var/log/kea.log",
                Destination::File("/var/log/kea.log".into()),
            ),
            ("kea.log", Destination::File("kea.log".into())),
        ];
        for (text, wanted) in rows {
            assert_eq!(Destination::parse(text), wanted, "{text}");
        }
    }
}
