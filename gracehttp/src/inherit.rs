//! The child's side of the handover: adopt the sockets a parent (or systemd) left at fd 3 and up,
//! and tell the parent when we accept connections.
//!
//! Descriptors arrive as bare numbers. Before wrapping one in an owning type we check that it is
//! what the environment promised (an open, listening, TCP socket), and we set close-on-exec on it
//! again: the parent's `dup2` cleared the flag so the descriptor could cross `exec`, and from here
//! on it must not leak into processes this server starts.
//!
//! The environment is read once per process, the first time anyone asks; the descriptors can be
//! taken once. A second `listen` in the same process binds fresh sockets instead of wrapping the
//! same descriptor twice (which would close it twice).

use std::fs::File;
use std::io::{self, Write};
use std::net::TcpListener;
use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::sync::Mutex;

use nix::fcntl::{fcntl, FcntlArg, FdFlag};
use nix::sys::socket::SockaddrStorage;
use nix::sys::socket::{getsockname, getsockopt, sockopt, AddressFamily, SockType, SockaddrLike};
use nix::unistd::{getpid, getppid};

use crate::protocol::{
    ENV_FDS, ENV_LISTEN_FDS, ENV_LISTEN_PID, ENV_PPID, ENV_READY_FD, FIRST_FD, MAX_FDS, READY_BYTE,
};

/// Who handed us the listening sockets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A gracehttp parent restarting in place.
    Parent,
    /// systemd socket activation (`LISTEN_FDS`/`LISTEN_PID`).
    Systemd,
}

/// What the environment handed us, until someone takes it.
struct Handed {
    origin: Origin,
    listeners: Option<Vec<TcpListener>>,
    ready: Option<OwnedFd>,
}

enum Scan {
    NotYet,
    Done(Option<Handed>),
}

static HANDED: Mutex<Scan> = Mutex::new(Scan::NotYet);

/// Whether this process was started by a gracehttp parent that is waiting for it to be ready
/// (as opposed to started by hand, by a supervisor, or by systemd).
pub fn is_child() -> bool {
    parent_marker().is_some()
}

/// Takes the inherited listening sockets, if any (once per process).
pub(crate) fn take_listeners() -> io::Result<Option<(Origin, Vec<TcpListener>)>> {
    with_handed(|h| h.listeners.take().map(|l| (h.origin, l)))
}

/// Takes the readiness pipe, if a parent gave us one (once per process).
pub(crate) fn take_ready() -> io::Result<Option<OwnedFd>> {
    with_handed(|h| h.ready.take())
}

fn with_handed<T>(f: impl FnOnce(&mut Handed) -> Option<T>) -> io::Result<Option<T>> {
    let mut scan = HANDED.lock().unwrap_or_else(|e| e.into_inner());
    if let Scan::NotYet = *scan {
        // Even when adoption fails, the scan is done: we never retry wrapping the same numbers.
        match scan_env() {
            Ok(handed) => *scan = Scan::Done(handed),
            Err(e) => {
                *scan = Scan::Done(None);
                return Err(e);
            }
        }
    }
    match &mut *scan {
        Scan::Done(Some(handed)) => Ok(f(handed)),
        _ => Ok(None),
    }
}

/// Tells the parent we accept connections: one byte down the pipe, then close it.
pub(crate) fn notify_ready(ready: OwnedFd) -> io::Result<()> {
    let mut pipe = File::from(ready);
    pipe.write_all(&[READY_BYTE])
}

/// `(count, ready fd)` from a marker addressed to this process, or `None`.
fn parent_marker() -> Option<(usize, RawFd)> {
    let ppid: i32 = std::env::var(ENV_PPID).ok()?.parse().ok()?;
    if ppid != getppid().as_raw() {
        return None;
    }
    let count = std::env::var(ENV_FDS).ok()?.parse().ok()?;
    let ready = std::env::var(ENV_READY_FD).ok()?.parse().ok()?;
    Some((count, ready))
}

fn scan_env() -> io::Result<Option<Handed>> {
    if let Some((count, ready_fd)) = parent_marker() {
        check_count(ENV_FDS, count)?;
        let end = FIRST_FD + count as RawFd;
        if ready_fd < end {
            return Err(invalid(format!(
                "{ENV_READY_FD}={ready_fd} overlaps the listening sockets at {FIRST_FD}..{end}"
            )));
        }
        let listeners = adopt_listeners(count)?;
        let ready = adopt(ready_fd)?;
        tracing::debug!(count, "adopted listening sockets from the parent process");
        return Ok(Some(Handed {
            origin: Origin::Parent,
            listeners: Some(listeners),
            ready: Some(ready),
        }));
    }
    if std::env::var(ENV_FDS).is_ok() {
        tracing::debug!("ignoring a {ENV_FDS} marker meant for another process");
    }

    // systemd socket activation: believed only when LISTEN_PID names us.
    let for_us = std::env::var(ENV_LISTEN_PID)
        .ok()
        .and_then(|p| p.parse::<i32>().ok())
        .is_some_and(|p| p == getpid().as_raw());
    if !for_us {
        return Ok(None);
    }
    let count: usize = match std::env::var(ENV_LISTEN_FDS).ok().map(|v| v.parse()) {
        Some(Ok(n)) => n,
        Some(Err(_)) => return Err(invalid(format!("{ENV_LISTEN_FDS} is not a count"))),
        None => return Ok(None),
    };
    check_count(ENV_LISTEN_FDS, count)?;
    let listeners = adopt_listeners(count)?;
    tracing::debug!(count, "adopted listening sockets from systemd");
    Ok(Some(Handed {
        origin: Origin::Systemd,
        listeners: Some(listeners),
        ready: None,
    }))
}

fn check_count(var: &str, count: usize) -> io::Result<()> {
    if count == 0 || count > MAX_FDS {
        return Err(invalid(format!(
            "{var}={count} is out of range 1..={MAX_FDS}"
        )));
    }
    Ok(())
}

fn adopt_listeners(count: usize) -> io::Result<Vec<TcpListener>> {
    (0..count as RawFd)
        .map(|i| adopt_listener(FIRST_FD + i))
        .collect()
}

// ANCHOR: adopt
/// Takes ownership of an inherited descriptor, setting close-on-exec on it.
fn adopt(fd: RawFd) -> io::Result<OwnedFd> {
    fcntl(fd, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC))
        .map_err(|e| invalid(format!("inherited fd {fd} is not open: {e}")))?;
    // SAFETY: the fd is open (F_SETFD succeeded), it was handed to this process through exec,
    // and the once-only scan guarantees nothing else in this process has wrapped it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn adopt_listener(fd: RawFd) -> io::Result<TcpListener> {
    let owned = adopt(fd)?;
    match check_listening_tcp(&owned, fd) {
        Ok(()) => Ok(TcpListener::from(owned)),
        Err(e) => {
            // Not what we were promised: leave it open, it is not ours to close.
            let _ = owned.into_raw_fd();
            Err(e)
        }
    }
}

fn check_listening_tcp(owned: &OwnedFd, fd: RawFd) -> io::Result<()> {
    let not = |what: &str| invalid(format!("inherited fd {fd} is not {what}"));
    let ty = getsockopt(owned, sockopt::SockType).map_err(|_| not("a socket"))?;
    let listening = getsockopt(owned, sockopt::AcceptConn).map_err(|_| not("a socket"))?;
    let addr: SockaddrStorage = getsockname(fd).map_err(|_| not("a socket"))?;
    let inet = matches!(
        addr.family(),
        Some(AddressFamily::Inet) | Some(AddressFamily::Inet6)
    );
    if ty != SockType::Stream || !inet {
        return Err(not("a TCP socket"));
    }
    if !listening {
        return Err(not("listening"));
    }
    Ok(())
}
// ANCHOR_END: adopt

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    fn check(fd: &impl std::os::fd::AsFd) -> io::Result<()> {
        let owned = fd.as_fd().try_clone_to_owned()?;
        let raw = owned.as_raw_fd();
        check_listening_tcp(&owned, raw)
    }

    #[test]
    fn accepts_only_listening_tcp_sockets() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        check(&listener).unwrap();

        let stream = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let err = check(&stream).unwrap_err().to_string();
        assert!(err.ends_with("is not listening"), "{err}");

        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let err = check(&udp).unwrap_err().to_string();
        assert!(err.ends_with("is not a TCP socket"), "{err}");

        let (pipe, _w) = nix::unistd::pipe().unwrap();
        let err = check(&pipe).unwrap_err().to_string();
        assert!(err.ends_with("is not a socket"), "{err}");
    }
}
