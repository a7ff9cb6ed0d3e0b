//! A control agent (`ruru-ctrl-agent`, or Kea's `kea-ctrl-agent` for differential runs) running in a
//! namespace on a configuration file: killed on drop (and with the namespace), its output shown when
//! a test fails while it runs.

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use crate::error::{HarnessError, Result};
use crate::netns::Netns;

/// A running control agent.
#[derive(Debug)]
pub struct Agent {
    child: Child,
    config: PathBuf,
    log: PathBuf,
}

impl Agent {
    /// Starts `program` in `ns` on the configuration file `config`, with Kea's PID and logger lock
    /// files in `dir` and its standard output in `log`. Does not wait for it to answer.
    pub fn spawn(
        ns: &Netns,
        program: &Path,
        config: &Path,
        dir: &Path,
        log: &Path,
    ) -> Result<Agent> {
        let out = std::fs::File::create(log)
            .map_err(|e| HarnessError::io(format!("cannot create {}", log.display()), e))?;
        let child = ns
            .command(program)
            .arg("-c")
            .arg(config)
            .env("KEA_PIDFILE_DIR", dir)
            .env("KEA_LOCKFILE_DIR", dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| HarnessError::io(format!("{} does not start", program.display()), e))?;
        Ok(Agent {
            child,
            config: config.to_path_buf(),
            log: log.to_path_buf(),
        })
    }

    /// The configuration file it was started on.
    pub fn config_file(&self) -> &Path {
        &self.config
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What it has written to standard output so far.
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("---- agent ----\n{}", self.logs());
        }
    }
}
