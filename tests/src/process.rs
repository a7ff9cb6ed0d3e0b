//! Prerequisite checks and bounded process handling.
//!
//! Every command the harness runs has a deadline, so a wedged tool fails the test instead of
//! hanging CI.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::{HarnessError, Result};

/// Deadline for short administrative commands (`ip`, `ss`).
pub(crate) const ADMIN_TIMEOUT: Duration = Duration::from_secs(10);

/// How often the harness polls for a condition.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// Directories searched after `PATH`: tests may run without the sbin directories in `PATH`.
const SBIN_DIRS: [&str; 4] = ["/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin"];

/// Fails unless the process runs as root.
pub fn require_root() -> Result<()> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let euid = unsafe { libc::geteuid() };
    if euid == 0 {
        Ok(())
    } else {
        Err(HarnessError::NotRoot(euid))
    }
}

/// Finds `tool` in `PATH` or the sbin directories, or says which Debian package provides it.
pub fn require_tool(tool: &str) -> Result<PathBuf> {
    let from_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    from_path
        .into_iter()
        .chain(SBIN_DIRS.iter().map(PathBuf::from))
        .map(|dir| dir.join(tool))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| HarnessError::MissingTool {
            tool: tool.to_owned(),
            package: package_of(tool),
        })
}

/// The Debian package that ships a tool the harness uses.
fn package_of(tool: &str) -> &'static str {
    match tool {
        "ip" | "ss" => "iproute2",
        "kea-dhcp4" => "kea-dhcp4-server",
        "kea-dhcp6" => "kea-dhcp6-server",
        "perfdhcp" => "kea-admin",
        "dhclient" => "isc-dhcp-client",
        "udhcpc" => "udhcpc",
        "tcpdump" => "tcpdump",
        "setcap" => "libcap2-bin",
        "setpriv" => "util-linux",
        _ => "unknown",
    }
}

/// The command line of `cmd`, for messages.
pub(crate) fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|s| s.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `cmd` to completion within `timeout`, capturing its output; kills it when late.
pub(crate) fn run(cmd: &mut Command, timeout: Duration) -> Result<Output> {
    let line = describe(cmd);
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| HarnessError::io(format!("cannot start `{line}`"), e))?;
    // Readers on their own threads: a chatty child must not block on a full pipe while we poll.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = match wait_timeout(&mut child, timeout)? {
        Some(status) => status,
        None => {
            // Best effort: the child may have exited in between.
            let _ = child.kill();
            let _ = child.wait();
            return Err(HarnessError::Timeout {
                what: format!("`{line}` to finish"),
                secs: timeout.as_secs_f64(),
            });
        }
    };
    Ok(Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// Like [`run`], but a non-zero exit is an error carrying the command's stderr.
pub(crate) fn run_ok(cmd: &mut Command, timeout: Duration) -> Result<Output> {
    let line = describe(cmd);
    let output = run(cmd, timeout)?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(command_failed(line, &output))
    }
}

/// The error for a command that exited unsuccessfully.
pub(crate) fn command_failed(command: String, output: &Output) -> HarnessError {
    let mut text = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    if text.is_empty() {
        text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    }
    HarnessError::CommandFailed {
        command,
        status: output.status.to_string(),
        stderr: text,
    }
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut pipe) = pipe {
            // A read error only truncates what we show; the exit status still decides.
            let _ = pipe.read_to_end(&mut buf);
        }
        buf
    })
}

/// Waits up to `timeout` for `child`; `None` if it is still running.
pub(crate) fn wait_timeout(child: &mut Child, timeout: Duration) -> Result<Option<ExitStatus>> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child
            .try_wait()
            .map_err(|e| HarnessError::io("cannot wait for child", e))?
        {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        thread::sleep(POLL_INTERVAL);
    }
}

/// Calls `probe` until it yields a value or `timeout` passes.
pub(crate) fn poll_until<T>(
    what: &str,
    timeout: Duration,
    mut probe: impl FnMut() -> Result<Option<T>>,
) -> Result<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe()? {
            return Ok(value);
        }
        if Instant::now() >= deadline {
            return Err(HarnessError::Timeout {
                what: what.to_owned(),
                secs: timeout.as_secs_f64(),
            });
        }
        thread::sleep(POLL_INTERVAL);
    }
}

/// Waits (bounded) until `check` holds, polling every few milliseconds.
pub fn wait_until(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) -> Result<()> {
    poll_until(what, timeout, || Ok(check().then_some(())))
}

/// A signal the harness sends to processes it started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Signal {
    /// Graceful stop.
    Term,
    /// Interrupt (tcpdump flushes and prints its counters).
    Int,
    /// No cleanup possible.
    Kill,
}

/// Sends `signal` to `pid`.
pub(crate) fn signal(pid: u32, signal: Signal) -> Result<()> {
    let sig = match signal {
        Signal::Term => libc::SIGTERM,
        Signal::Int => libc::SIGINT,
        Signal::Kill => libc::SIGKILL,
    };
    let pid = libc::pid_t::try_from(pid).map_err(|_| {
        HarnessError::io(
            format!("pid {pid} out of range"),
            std::io::ErrorKind::InvalidInput.into(),
        )
    })?;
    // SAFETY: kill(2) takes plain integers; a stale pid only yields ESRCH.
    if unsafe { libc::kill(pid, sig) } == 0 {
        Ok(())
    } else {
        Err(HarnessError::io(
            format!("kill({pid}, {signal:?})"),
            std::io::Error::last_os_error(),
        ))
    }
}

/// Whether a process with this pid exists.
pub(crate) fn pid_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_captures_output_and_status() {
        let out = run(
            Command::new("sh").args(["-c", "echo hi; echo err >&2; exit 3"]),
            ADMIN_TIMEOUT,
        )
        .expect("sh runs");
        assert_eq!(out.stdout, b"hi\n");
        assert_eq!(out.stderr, b"err\n");
        assert_eq!(out.status.code(), Some(3));
    }

    #[test]
    fn run_ok_reports_stderr_of_failures() {
        let err = run_ok(
            Command::new("sh").args(["-c", "echo boom >&2; exit 1"]),
            ADMIN_TIMEOUT,
        )
        .expect_err("exit 1 is a failure");
        assert!(err.to_string().contains("boom"), "{err}");
    }

    #[test]
    fn run_kills_late_commands() {
        let started = Instant::now();
        let err = run(Command::new("sleep").arg("5"), Duration::from_millis(200))
            .expect_err("sleep 5 is late");
        assert!(matches!(err, HarnessError::Timeout { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn missing_tool_names_its_package() {
        let err = require_tool("no-such-tool-ruru").expect_err("absent");
        assert!(err.to_string().contains("no-such-tool-ruru"), "{err}");
        assert_eq!(package_of("perfdhcp"), "kea-admin");
    }
}
