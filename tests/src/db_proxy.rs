//! A TCP relay from a namespace's loopback to the host's database server, for servers under test
//! that use a SQL lease backend: inside a namespace `127.0.0.1` is the namespace's own, so the
//! relay listens there and connects out from the host. [`DbProxy::cut`] drops every connection and
//! refuses new ones (the database "goes away"), [`DbProxy::restore`] lets them through again:
//! how the tests take the database from a server without stopping the machine's shared one.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::Duration;

use crate::error::{HarnessError, Result};
use crate::netns::Netns;

/// A running relay; stops accepting when dropped.
#[derive(Debug)]
pub struct DbProxy {
    port: u16,
    shared: Arc<Relay>,
}

#[derive(Debug, Default)]
struct Relay {
    down: AtomicBool,
    stopped: AtomicBool,
    open: Mutex<Vec<TcpStream>>,
}

impl Relay {
    fn drop_all(&self) {
        for s in self
            .open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
        {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

impl DbProxy {
    /// Listens on `127.0.0.1:<port>` inside `ns` and relays each connection to `target` (reached
    /// from the host's namespace).
    pub fn start(ns: &Netns, target: SocketAddr) -> Result<DbProxy> {
        let (tx, rx) = mpsc::channel();
        let entered = ns.name().to_owned();
        let ns_path = format!("/run/netns/{entered}");
        // The listener is created by a thread that moved into the namespace; the socket stays there
        // while the relay threads, started from this (host) thread, connect out from the host.
        thread::spawn(move || {
            let bound = enter(&ns_path).and_then(|()| TcpListener::bind("127.0.0.1:0"));
            let _ = tx.send(bound);
        });
        let listener = rx
            .recv()
            .map_err(|_| HarnessError::Config("proxy thread ended".into()))?
            .map_err(|e| HarnessError::io(format!("cannot listen in {entered}"), e))?;
        let port = listener
            .local_addr()
            .map_err(|e| HarnessError::io("proxy address", e))?
            .port();
        listener
            .set_nonblocking(true)
            .map_err(|e| HarnessError::io("proxy listener", e))?;
        let shared = Arc::new(Relay::default());
        let relay = shared.clone();
        thread::spawn(move || accept_loop(listener, target, relay));
        Ok(DbProxy { port, shared })
    }

    /// The port servers in the namespace connect to (host `127.0.0.1`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Drops every relayed connection and refuses new ones until [`DbProxy::restore`].
    pub fn cut(&self) {
        self.shared.down.store(true, Ordering::SeqCst);
        self.shared.drop_all();
    }

    /// Relays new connections again.
    pub fn restore(&self) {
        self.shared.down.store(false, Ordering::SeqCst);
    }
}

impl Drop for DbProxy {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
        self.shared.drop_all();
    }
}

fn enter(ns_path: &str) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open(ns_path)?;
    // SAFETY: setns(2) on a descriptor owned here; it moves only this thread.
    if unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

fn accept_loop(listener: TcpListener, target: SocketAddr, relay: Arc<Relay>) {
    while !relay.stopped.load(Ordering::SeqCst) {
        let client = match listener.accept() {
            Ok((c, _)) => c,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(10));
                continue;
            }
            Err(_) => return,
        };
        if relay.down.load(Ordering::SeqCst) {
            drop(client);
            continue;
        }
        let Ok(server) = TcpStream::connect_timeout(&target, Duration::from_secs(2)) else {
            continue;
        };
        let _ = client.set_nonblocking(false);
        let pipes = (
            client.try_clone(),
            server.try_clone(),
            client.try_clone(),
            server.try_clone(),
        );
        let (Ok(c1), Ok(s1), Ok(c2), Ok(s2)) = pipes else {
            continue;
        };
        {
            let mut open = relay.open.lock().unwrap_or_else(|e| e.into_inner());
            open.push(client);
            open.push(server);
        }
        thread::spawn(move || pipe(c1, s1));
        thread::spawn(move || pipe(s2, c2));
    }
}

/// Copies `from` to `to` until either side closes.
fn pipe(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
}
