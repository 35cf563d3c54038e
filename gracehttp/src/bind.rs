//! Binding a fresh listening socket, for a process that inherited none.
//!
//! We build the socket by hand rather than with `std::net::TcpListener::bind` for one reason: the
//! accept queue. std asks the kernel for a backlog of 128; during a restart the old process stops
//! accepting while the new one is still warming up, and a burst of connections that overflows the
//! queue is not refused but silently dropped (the client's SYN is retransmitted after a second).
//! We ask for `SOMAXCONN`, as Go and tokio do, and let the kernel cap it.

use std::io;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::os::fd::AsRawFd;

use nix::sys::socket::{
    bind, listen, setsockopt, socket, sockopt, AddressFamily, Backlog, SockFlag, SockType,
    SockaddrStorage,
};

/// Binds `addr` (each address it resolves to, in turn, until one works), like
/// `TcpListener::bind`, with `SO_REUSEADDR`, a `SOMAXCONN` backlog and close-on-exec.
pub(crate) fn bind_addr(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
    let mut last_err = None;
    for addr in addr.to_socket_addrs()? {
        match bind_one(addr) {
            Ok(listener) => return Ok(listener),
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "address resolved to no socket address",
        )
    }))
}

fn bind_one(addr: SocketAddr) -> io::Result<TcpListener> {
    let family = match addr {
        SocketAddr::V4(_) => AddressFamily::Inet,
        SocketAddr::V6(_) => AddressFamily::Inet6,
    };
    // Close-on-exec from birth: the only way a listener reaches a child is the explicit handover.
    let fd = socket(family, SockType::Stream, SockFlag::SOCK_CLOEXEC, None)?;
    // A restarted *service* (not our in-place restart) must be able to bind while old
    // connections linger in TIME_WAIT.
    setsockopt(&fd, sockopt::ReuseAddr, &true)?;
    bind(fd.as_raw_fd(), &SockaddrStorage::from(addr))?;
    listen(&fd, Backlog::MAXCONN)?;
    Ok(TcpListener::from(fd))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::fcntl::{fcntl, FcntlArg, FdFlag};

    #[test]
    fn binds_a_close_on_exec_listener_that_accepts() {
        let listener = bind_addr("127.0.0.1:0").unwrap();
        let flags = fcntl(listener.as_raw_fd(), FcntlArg::F_GETFD).unwrap();
        assert!(FdFlag::from_bits_truncate(flags).contains(FdFlag::FD_CLOEXEC));
        let addr = listener.local_addr().unwrap();
        let _client = std::net::TcpStream::connect(addr).unwrap();
        assert!(listener.accept().is_ok());
    }

    #[test]
    fn reports_an_address_that_cannot_be_bound() {
        let taken = bind_addr("127.0.0.1:0").unwrap();
        let err = bind_addr(taken.local_addr().unwrap()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        assert!(bind_addr("not an address").is_err());
    }
}
