//! The file side of a memfile store, for any lease family: loading at startup (CTL-092), the live
//! file (appends and the durability barrier) and starting the cleanup process (CTL-090).

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};

use parking_lot::Mutex;

use crate::cleanup::CleanupFiles;
use crate::csv::{header_line, Codec};
use crate::journal::Journal;
use crate::load::{read_file, upgrade_file, LeaseSet, RowErrors};
use crate::StoreError;

/// How to open a memfile store (Kea's `lease-database` of type `memfile`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemfileOptions {
    /// `false`: memory only, no file is read or written (CTL-089).
    pub persist: bool,
    /// The lease file (`name`).
    pub path: PathBuf,
    /// Invalid rows tolerated while loading; 0 = no limit (`max-row-errors`).
    pub max_row_errors: u32,
    /// The lease file cleanup program (`ruru-lfc`).
    pub lfc_program: PathBuf,
    /// Passed to the cleanup program's `-c` (it does not read it).
    pub config_path: Option<PathBuf>,
}

impl MemfileOptions {
    /// A store that keeps leases in memory only.
    pub fn in_memory() -> Self {
        Self {
            persist: false,
            path: PathBuf::new(),
            max_row_errors: 0,
            lfc_program: PathBuf::from("ruru-lfc"),
            config_path: None,
        }
    }

    /// A store persisted in `path`, with Kea's defaults otherwise (`ruru-lfc` found on `PATH`).
    pub fn persistent(path: impl Into<PathBuf>) -> Self {
        Self {
            persist: true,
            path: path.into(),
            ..Self::in_memory()
        }
    }
}

/// What loading the lease files found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Files read, in load order.
    pub files: Vec<PathBuf>,
    /// Rows read (valid or not), header lines excluded.
    pub rows: u64,
    /// Rows skipped as invalid.
    pub row_errors: u64,
    /// Leases in memory after loading.
    pub leases: usize,
    /// The live file had another version's layout and was rewritten in this version's (CTL-088).
    pub upgraded: bool,
}

/// Outcome of starting a lease file cleanup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LfcStart {
    /// The cleanup process was spawned.
    Started {
        /// Its process id.
        pid: u32,
    },
    /// A previous cleanup process is still running; nothing was done.
    AlreadyRunning {
        /// The running process.
        pid: i32,
    },
    /// Persistence is off: there is no file to clean.
    NotPersistent,
}

/// The lease files of one store.
pub(crate) struct Persistence {
    journal: Journal,
    files: CleanupFiles,
    lfc_program: PathBuf,
    config_path: Option<PathBuf>,
    /// `-4` or `-6` for the cleanup program.
    family_flag: &'static str,
    /// The cleanup we spawned, reaped on the next start.
    child: Mutex<Option<Child>>,
}

impl Persistence {
    /// Loads every lease of `opts.path` and the files an interrupted cleanup left, then opens the
    /// live file for appending. Refused while a cleanup process is running (CTL-092).
    pub(crate) fn open<C: Codec>(
        opts: &MemfileOptions,
        family_flag: &'static str,
    ) -> Result<(Self, LeaseSet<C>, LoadReport), StoreError> {
        let files = CleanupFiles::for_lease_file(&opts.path);
        if let Some(pid) = files.running_pid() {
            return Err(StoreError::LfcRunning {
                pid_file: files.pid,
                pid,
            });
        }
        let mut errors = RowErrors {
            count: 0,
            max: opts.max_row_errors,
        };
        let mut set = LeaseSet::<C>::new();
        let mut report = LoadReport::default();
        // A finished merge holds everything of previous and input; later files' rows win.
        let leftovers = if files.finish.exists() {
            vec![files.finish.clone()]
        } else {
            vec![files.previous.clone(), files.input.clone()]
        };
        for path in leftovers {
            if let Some(scan) = read_file::<C>(&path, &mut errors, |l| set.apply(l))? {
                report.rows += scan.rows;
                report.files.push(path);
            }
        }
        if let Some(scan) = read_file::<C>(&opts.path, &mut errors, |l| set.apply(l))? {
            report.rows += scan.rows;
            report.files.push(opts.path.clone());
            if scan.has_header && !scan.header_current {
                upgrade_file::<C>(&opts.path)?;
                report.upgraded = true;
            }
        }
        report.row_errors = errors.count;
        report.leases = set.leases.len();
        let journal = Journal::open(&opts.path, &header_line::<C>())?;
        let persistence = Self {
            journal,
            files,
            lfc_program: opts.lfc_program.clone(),
            config_path: opts.config_path.clone(),
            family_flag,
            child: Mutex::new(None),
        };
        Ok((persistence, set, report))
    }

    /// The durability barrier; see [`Journal::flush`].
    pub(crate) fn flush(&self, take: impl FnOnce(&mut Vec<u8>)) -> Result<(), StoreError> {
        self.journal.flush(take)
    }

    /// The live lease file.
    pub(crate) fn live_file(&self) -> &std::path::Path {
        self.journal.path()
    }

    /// Replaces the live file by a fresh one holding the rows `take` returns, keeping the old one as
    /// `backup`; see [`Journal::replace`].
    pub(crate) fn rewrite(
        &self,
        backup: &std::path::Path,
        take: impl FnOnce(&mut Vec<u8>) -> Vec<u8>,
    ) -> Result<(), StoreError> {
        self.journal.replace(backup, take)
    }

    /// Rotates the live file and spawns the cleanup program unless a cleanup is running
    /// (CTL-090). `take` hands over rows buffered for the old file.
    pub(crate) fn start_lfc(
        &self,
        take: impl FnOnce(&mut Vec<u8>),
    ) -> Result<LfcStart, StoreError> {
        let mut child = self.child.lock();
        if let Some(running) = child.as_mut() {
            match running.try_wait() {
                Ok(None) => {
                    return Ok(LfcStart::AlreadyRunning {
                        pid: running.id() as i32,
                    })
                }
                Ok(Some(status)) if !status.success() => {
                    tracing::warn!(%status, "the previous lease file cleanup failed");
                }
                _ => {}
            }
            *child = None;
        }
        if let Some(pid) = self.files.running_pid() {
            return Ok(LfcStart::AlreadyRunning { pid });
        }
        // An input file left by an interrupted run is cleaned first; moving the live file over it
        // would lose it. While a finished merge waits for its rotation, input must not appear
        // either: the finishing step deletes input, and the loader ignores input beside it.
        if !self.files.input.exists() && !self.files.finish.exists() {
            self.journal.rotate(&self.files.input, take)?;
        }
        let config = self
            .config_path
            .clone()
            .unwrap_or_else(|| PathBuf::from("ignored-path"));
        let spawned = Command::new(&self.lfc_program)
            .arg(self.family_flag)
            .arg("-x")
            .arg(&self.files.previous)
            .arg("-i")
            .arg(&self.files.input)
            .arg("-o")
            .arg(&self.files.output)
            .arg("-f")
            .arg(&self.files.finish)
            .arg("-p")
            .arg(&self.files.pid)
            .arg("-c")
            .arg(config)
            .stdin(Stdio::null())
            .spawn()
            .map_err(|source| StoreError::Spawn {
                program: self.lfc_program.clone(),
                source,
            })?;
        let pid = spawned.id();
        tracing::info!(pid, program = %self.lfc_program.display(), "lease file cleanup started");
        *child = Some(spawned);
        Ok(LfcStart::Started { pid })
    }

    /// Waits for the cleanup this store started, if any; returns its exit status.
    pub(crate) fn wait_lfc(&self) -> Result<Option<ExitStatus>, StoreError> {
        let Some(mut child) = self.child.lock().take() else {
            return Ok(None);
        };
        child.wait().map(Some).map_err(|source| StoreError::Spawn {
            program: self.lfc_program.clone(),
            source,
        })
    }
}
