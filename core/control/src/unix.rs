//! UNIX control sockets (CTL-010..018, CTL-112/113): one command per connection.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use socket2::{Domain, SockAddr, Socket, Type};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};
use tokio::task::JoinHandle;

use crate::command::parse_plain;
use crate::frame::Framer;
use crate::log::commands;
use crate::{json, Context, OpenError, Response};

/// Longest `socket-name`: `sun_path` holds 108 bytes on Linux including the final NUL (CTL-011).
const MAX_NAME: usize = 107;
/// Kea's fixed inactivity limit while a command is incomplete (CTL-014).
const IDLE_TIMEOUT: Duration = Duration::from_secs(10);
/// Read size, as Kea's.
const CHUNK: usize = 32 * 1024;

/// An open UNIX control socket: its lock, its listener, and once started its accept task.
/// Dropping it closes the listener and removes the socket and lock files (CTL-016).
pub(crate) struct UnixSocket {
    path: PathBuf,
    lock_path: PathBuf,
    /// Holds the `flock` for as long as the socket is ours.
    _lock: File,
    listener: Option<UnixListener>,
    task: Option<JoinHandle<()>>,
}

impl UnixSocket {
    /// Locks `<path>.lock`, removes a leftover socket file, binds, and restricts the mode to at
    /// most 0770. Does not accept yet, so that a failure elsewhere can still undo everything.
    pub(crate) fn open(path: &Path) -> Result<Self, OpenError> {
        let len = path.as_os_str().len();
        if len > MAX_NAME {
            return Err(OpenError::NameTooLong { len, max: MAX_NAME });
        }
        let mut lock_name = path.as_os_str().to_owned();
        lock_name.push(".lock");
        let lock_path = PathBuf::from(lock_name);
        let lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&lock_path)
            .map_err(|source| OpenError::Io {
                action: format!("open socket lockfile {}", lock_path.display()),
                source,
            })?;
        // SAFETY: flock on a descriptor this function owns; no memory is involved.
        if unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            return Err(OpenError::Locked {
                lock: lock_path,
                source: io::Error::last_os_error(),
            });
        }
        // From here on the files are ours: removing them on drop is right even if bind fails.
        let mut socket = Self {
            path: path.to_path_buf(),
            lock_path,
            _lock: lock,
            listener: None,
            task: None,
        };
        match fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(OpenError::Io {
                    action: format!("remove the old socket file {}", path.display()),
                    source,
                })
            }
        }
        let bind_error = |source| OpenError::Io {
            action: format!("bind {}", path.display()),
            source,
        };
        let listener = bind_restricted(path).map_err(bind_error)?;
        restrict_mode(path).map_err(|source| OpenError::Io {
            action: format!("set the mode of {}", path.display()),
            source,
        })?;
        socket.listener = Some(UnixListener::from_std(listener).map_err(bind_error)?);
        Ok(socket)
    }

    /// Starts accepting connections.
    pub(crate) fn start(&mut self, ctx: Arc<Context>) {
        let Some(listener) = self.listener.take() else {
            return;
        };
        warn_if_directory_open(&self.path, &ctx);
        commands!(
            ctx.daemon,
            info,
            id = "COMMAND_ACCEPTOR_START",
            "Starting to accept connections via unix domain socket bound to {}",
            self.path.display()
        );
        self.task = Some(tokio::spawn(accept_loop(listener, ctx)));
    }
}

impl Drop for UnixSocket {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        // Connections already accepted run on; only new ones are refused.
        let _ = fs::remove_file(&self.path);
        let _ = fs::remove_file(&self.lock_path);
    }
}

/// A listening, non-blocking socket bound to `path`, its file created without any access for
/// "other" (CTL-113). Linux creates the file with the socket's own mode less the umask, so setting
/// that mode before `bind` leaves no moment in which "other" could connect.
fn bind_restricted(path: &Path) -> io::Result<std::os::unix::net::UnixListener> {
    let socket = Socket::new(Domain::UNIX, Type::STREAM.nonblocking().cloexec(), None)?;
    // SAFETY: fchmod on a descriptor `socket` owns; no memory is involved.
    if unsafe { libc::fchmod(socket.as_raw_fd(), 0o770) } != 0 {
        return Err(io::Error::last_os_error());
    }
    socket.bind(&SockAddr::unix(path)?)?;
    socket.listen(libc::SOMAXCONN)?;
    Ok(OwnedFd::from(socket).into())
}

/// The socket never grants anything to "other", whatever the umask (CTL-113), also where the
/// kernel ignores the mode given before `bind`; what the umask already removed stays removed
/// (CTL-112).
fn restrict_mode(path: &Path) -> io::Result<()> {
    let mode = fs::metadata(path)?.permissions().mode() & 0o7777;
    if mode & !0o770 != 0 {
        fs::set_permissions(path, fs::Permissions::from_mode(mode & 0o770))?;
    }
    Ok(())
}

/// CTL-113: anyone who can write the directory can replace the socket.
fn warn_if_directory_open(path: &Path, ctx: &Context) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(meta) = fs::metadata(dir) {
        let mode = meta.permissions().mode();
        if mode & 0o002 != 0 && mode & 0o1000 == 0 {
            commands!(
                ctx.daemon,
                warn,
                "the directory {} of control socket {} is writable by others without the sticky bit",
                dir.display(),
                path.display()
            );
        }
    }
}

async fn accept_loop(listener: UnixListener, ctx: Arc<Context>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                commands!(
                    ctx.daemon,
                    debug,
                    "accepted a connection on the unix control socket"
                );
                tokio::spawn(serve(stream, ctx.clone()));
            }
            Err(e) => {
                // Out of descriptors, typically: let some connections finish.
                commands!(ctx.daemon, warn, "cannot accept a control connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// What the reading phase of a connection produced.
enum Received {
    /// One complete value, comments removed.
    Command(Vec<u8>),
    /// Something to answer without running anything.
    Refused(Response),
    /// The peer left before sending anything (or the socket failed): nothing to answer.
    Nothing,
}

/// One connection: read one command, run it, write the whole response, close (CTL-012).
async fn serve(mut stream: UnixStream, ctx: Arc<Context>) {
    let response = match receive(&mut stream, &ctx).await {
        Received::Command(bytes) => match parse_plain(&bytes) {
            Ok(command) => ctx.execute(command).await,
            Err(refusal) => refusal,
        },
        Received::Refused(refusal) => refusal,
        Received::Nothing => return,
    };
    let wire = json::response_to_kea_wire(&response);
    for chunk in wire.writes() {
        if let Err(e) = stream.write_all(chunk).await {
            commands!(
                ctx.daemon,
                debug,
                "control connection closed while writing the response: {e}"
            );
            return;
        }
    }
    commands!(
        ctx.daemon,
        debug,
        "sent {} bytes over the unix control socket",
        wire.len()
    );
    let _ = stream.shutdown().await;
}

/// Reads until one complete value arrived, with the inactivity timer running (CTL-014).
async fn receive(stream: &mut UnixStream, ctx: &Context) -> Received {
    let mut framer = Framer::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match tokio::time::timeout(IDLE_TIMEOUT, stream.read(&mut buf)).await {
            Err(_) => {
                let mut text = String::from("Connection over control channel timed out");
                if framer.received() > 0 {
                    text.push_str(&format!(
                        ", discarded partial command of {} bytes",
                        framer.received()
                    ));
                }
                return Received::Refused(Response::error(text));
            }
            Ok(Err(e)) => {
                commands!(ctx.daemon, debug, "control connection read failed: {e}");
                return Received::Nothing;
            }
            Ok(Ok(0)) if framer.received() == 0 => return Received::Nothing,
            Ok(Ok(0)) => {
                return Received::Refused(Response::error(format!(
                    "incomplete command: the connection was closed after {} bytes",
                    framer.received()
                )))
            }
            Ok(Ok(n)) => n,
        };
        commands!(
            ctx.daemon,
            debug,
            "received {n} bytes over the unix control socket"
        );
        match framer.push(&buf[..n]) {
            Ok(Some(value)) => return Received::Command(value),
            Ok(None) => {}
            Err(e) => return Received::Refused(Response::error(e.to_string())),
        }
    }
}
