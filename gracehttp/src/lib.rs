//! # gracehttp — restart a server in place without closing its port
//!
//! The Rust counterpart of goinbox/gohttp's `gracehttp`. A server started with [`serve`] (or a
//! [`Builder`]) runs a [`servemux::Server`] and watches three signals:
//!
//! - **`SIGUSR2`: restart.** Start a new process from our own executable and arguments, with the
//!   listening sockets at fd 3 and up and a pipe to report readiness. Both processes accept on the
//!   same sockets until the child writes its ready byte; then the old process stops accepting,
//!   finishes its in-flight requests and returns. If the child dies or stays silent past the ready
//!   timeout, it is killed and reaped and the old process keeps serving.
//! - **`SIGTERM`, `SIGINT`: shut down** gracefully, within the shutdown timeout.
//!
//! TLS listeners ([`serve_tls`], [`Builder::tls_files`]) restart the same way: the TCP socket is
//! what crosses `exec`, and the new process builds its own TLS configuration, reading the
//! certificate files again — which is how a certificate is rotated without dropping a request.
//!
//! Each step prints the Go original's log line (`[pid: N] Receive signal SIGUSR2. ...`), see
//! [`Event`].
//!
//! ```
//! use servemux::handler_fn;
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! #[tokio::main]
//! async fn main() -> std::io::Result<()> {
//!     let hello = handler_fn(|w, _r| {
//!         Box::pin(async move {
//!             let _ = w.write(b"hello\n").await;
//!         })
//!     });
//!     // The sockets a restarting parent handed over, or fresh ones: here port 0, any free port.
//!     let listeners = gracehttp::listen(["127.0.0.1:0"])?;
//!     let addr = listeners[0].local_addr()?;
//!     // Serves until SIGTERM or SIGINT, or until a restarted process (SIGUSR2) has taken over.
//!     // `gracehttp::serve("127.0.0.1:8010", hello)` is the same with the Builder's defaults.
//!     let serving = tokio::spawn(gracehttp::Builder::new().listeners(listeners).serve(hello));
//!
//!     let mut conn = tokio::net::TcpStream::connect(addr).await?;
//!     conn.write_all(b"GET / HTTP/1.1\r\nHost: doc\r\nConnection: close\r\n\r\n").await?;
//!     let mut response = String::new();
//!     conn.read_to_string(&mut response).await?;
//!     assert!(response.starts_with("HTTP/1.1 200 OK\r\n"));
//!     assert!(response.ends_with("\r\n\r\nhello\n"));
//!
//!     // What `kill -TERM <pid>` does: the server drains, and `serve` returns Ok.
//!     use nix::sys::signal::{kill, Signal};
//!     kill(nix::unistd::Pid::this(), Signal::SIGTERM)?;
//!     serving.await.expect("the serving task")
//! }
//! ```
//!
//! The signal handlers are installed before the first connection is accepted, so a signal raised
//! after a response has been read always finds them (before that, `SIGTERM`'s default action
//! would end the process).
//!
//! A restarted process runs the same `main` with the same arguments. It must get its sockets
//! through [`listen`] (which [`serve`] and [`Builder::addr`] use): binding the address itself would
//! fail, since its parent still holds it. It tells the parent it is ready from inside
//! [`Builder::serve`], once its accept loops run; a program that never gets there is killed at the
//! ready timeout and the parent keeps serving.
//!
//! One idea per module:
//!
//! - `protocol` — which descriptors and variables a parent hands its child;
//! - `spawn`    — the parent's side: fork+exec with the sockets, wait for the ready byte;
//! - `inherit`  — the child's side (and systemd's socket activation): adopt the sockets, say ready;
//! - `bind`     — binding a fresh socket when nothing was inherited;
//! - `conns`    — counting connections that have not sent their first request yet;
//! - `run`      — the life of the server: signals, restart, drain;
//! - `builder`  — the options, and [`listen`];
//! - `events`   — the Go log lines; `golog` — Go's `log` date prefix on stderr;
//! - `pidfile`  — the optional pid file.

mod bind;
mod builder;
mod conns;
mod events;
mod golog;
mod inherit;
mod pidfile;
mod protocol;
mod run;
mod spawn;

pub use builder::{listen, Builder};
pub use events::{print_line, Event, Logger};
pub use golog::{go_log_line, go_log_prefix};
pub use inherit::{is_child, Origin};

use std::io;
use std::net::{TcpListener, ToSocketAddrs};

use servemux::Handler;

/// Serves `handler` on `addr` (or on the socket inherited from a parent or from systemd) until
/// `SIGTERM`/`SIGINT`, restarting in place on `SIGUSR2`. Go's `gracehttp.ListenAndServe`.
///
/// Uses the [`Builder`] defaults. Returns `Ok(())` once this process has shut down gracefully,
/// whether for good or because a new process took over.
pub async fn serve(addr: impl ToSocketAddrs, handler: impl Handler) -> io::Result<()> {
    Builder::new()
        .listeners(listen([addr])?)
        .serve(handler)
        .await
}

/// Like [`serve`], over TLS with the chain and key read from PEM files (gohttp's
/// `gracehttp.ListenAndServeTLS`). Each process reads the files when it starts, so replacing
/// them and sending `SIGUSR2` rotates the certificate; see [`Builder::tls_files`].
pub async fn serve_tls(
    addr: impl ToSocketAddrs,
    cert_file: impl Into<std::path::PathBuf>,
    key_file: impl Into<std::path::PathBuf>,
    handler: impl Handler,
) -> io::Result<()> {
    Builder::new()
        .listeners(listen([addr])?)
        .tls_files(cert_file, key_file)
        .serve(handler)
        .await
}

/// Like [`serve`], on listeners bound (or inherited through [`listen`]) by the caller.
pub async fn serve_listeners(
    listeners: impl IntoIterator<Item = TcpListener>,
    handler: impl Handler,
) -> io::Result<()> {
    Builder::new().listeners(listeners).serve(handler).await
}
