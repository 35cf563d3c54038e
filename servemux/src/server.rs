//! The accept loop, connection states and graceful shutdown: Go's `http.Server`.
//!
//! [`Server::serve`] accepts connections and spawns one task per connection (`conn::serve_conn`),
//! as Go starts one goroutine per connection. [`Server::shutdown`] is Go's `Shutdown`: stop
//! accepting, close idle connections, let in-flight requests finish (their responses carry
//! `Connection: close`), and wait, up to a deadline after which the remaining connections are cut.
//!
//! A `Server` is a cheap handle (`Clone`): the same server may serve several listeners at once,
//! and any clone may shut it down.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::conn_registry::{sweep_interval, ConnRegistry, ConnSignal, Phase};
use crate::stream::ConnStream;
use crate::{Config, Handler, TlsConfig};

/// The state of a connection, reported to a [`ConnStateHook`] (Go's `http.ConnState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnState {
    /// Just accepted; no request byte read yet.
    New,
    /// A request is being read or served.
    Active,
    /// Between requests, waiting for the next one.
    Idle,
    /// Closed; reported once, last.
    Closed,
    /// A handler took the connection over ([`ResponseWriter::hijack`](crate::ResponseWriter::hijack)).
    /// Reported once, last: the server no longer tracks it, and never reports it `Closed` (Go's
    /// `StateHijacked`).
    Hijacked,
}

/// Called on every connection state change (Go's `Server.ConnState`).
pub type ConnStateHook = Arc<dyn Fn(SocketAddr, ConnState) + Send + Sync>;

/// State shared by the server handle, its accept loops and its connections.
pub(crate) struct Shared {
    pub handler: Arc<dyn Handler>,
    pub config: Config,
    /// The server's phase, and a signal for each connection and accept loop (see `signal`).
    conns: Arc<ConnRegistry>,
    open: AtomicUsize,
    closed_one: Notify,
    /// Hijacked streams still alive (see `hijack::Hijacked`): not the server's, but a graceful
    /// restart may choose to wait for them.
    hijacked: AtomicUsize,
    hijacked_closed: Notify,
    hook: Option<ConnStateHook>,
}

impl Shared {
    #[cfg(test)]
    pub(crate) fn conns_registry(&self) -> &Arc<ConnRegistry> {
        &self.conns
    }

    pub(crate) fn set_state(&self, addr: SocketAddr, state: ConnState) {
        if let Some(hook) = &self.hook {
            hook(addr, state);
        }
    }

    /// A handler took the connection at `addr` over: it leaves the open count (so `shutdown` no
    /// longer waits for it) and joins the hijacked count until its stream is dropped.
    pub(crate) fn hijack(&self, addr: SocketAddr, signal: &ConnSignal) {
        signal.mark_hijacked();
        self.hijacked.fetch_add(1, Ordering::AcqRel);
        self.set_state(addr, ConnState::Hijacked);
        self.open.fetch_sub(1, Ordering::AcqRel);
        self.closed_one.notify_waiters();
    }

    /// A hijacked stream was dropped.
    pub(crate) fn hijacked_dropped(&self) {
        self.hijacked.fetch_sub(1, Ordering::AcqRel);
        self.hijacked_closed.notify_waiters();
    }
}

/// The shutdown deadline passed before every connection finished; they were closed forcibly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShutdownError {
    /// Connections that were still open at the deadline.
    pub forced: usize,
}

impl std::fmt::Display for ShutdownError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "shutdown deadline passed: {} connection(s) closed forcibly",
            self.forced
        )
    }
}

impl std::error::Error for ShutdownError {}

/// An HTTP/1.1 server (Go's `http.Server`). Clone it to share.
#[derive(Clone)]
pub struct Server {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("open_connections", &self.open_connections())
            .field("hijacked_connections", &self.hijacked_connections())
            .finish_non_exhaustive()
    }
}

impl Server {
    /// A server with the default [`Config`].
    pub fn new(handler: impl Handler) -> Server {
        Server::with_config(handler, Config::default())
    }

    /// A server with the given limits and timeouts.
    pub fn with_config(handler: impl Handler, config: Config) -> Server {
        Server::build(Arc::new(handler), config, None)
    }

    /// A server that reports every connection state change to `hook` (Go's `ConnState`).
    pub fn with_conn_state(handler: impl Handler, config: Config, hook: ConnStateHook) -> Server {
        Server::build(Arc::new(handler), config, Some(hook))
    }

    fn build(handler: Arc<dyn Handler>, config: Config, hook: Option<ConnStateHook>) -> Server {
        let sweep = sweep_interval(
            config
                .read_header_timeout
                .min(config.idle_timeout)
                .min(config.tls_handshake_timeout),
        );
        Server {
            shared: Arc::new(Shared {
                handler,
                config,
                conns: ConnRegistry::new(sweep),
                open: AtomicUsize::new(0),
                closed_one: Notify::new(),
                hijacked: AtomicUsize::new(0),
                hijacked_closed: Notify::new(),
                hook,
            }),
        }
    }

    #[cfg(test)]
    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The server's configuration.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Accepts connections on `listener` until [`shutdown`](Self::shutdown) is called (Go's
    /// `Serve`). Returns `Ok(())` once shutdown has begun; the listener is closed on return.
    pub async fn serve(&self, listener: TcpListener) -> io::Result<()> {
        let registered = self.shared.conns.add();
        self.accept_loop(listener, None, registered.signal()).await
    }

    /// [`serve`](Self::serve) over TLS (Go's `ServeTLS`): each accepted connection's task runs
    /// the handshake with `tls`, then serves the session as a plain connection is served.
    pub async fn serve_tls(&self, listener: TcpListener, tls: TlsConfig) -> io::Result<()> {
        let registered = self.shared.conns.add();
        self.accept_loop(listener, Some(&tls), registered.signal())
            .await
    }

    // ANCHOR: serve
    async fn accept_loop(
        &self,
        listener: TcpListener,
        tls: Option<&TlsConfig>,
        signal: &ConnSignal,
    ) -> io::Result<()> {
        let mut shutdown = signal.reached(Phase::Draining);
        let mut backoff = Duration::ZERO;
        loop {
            let accepted = tokio::select! {
                biased;
                () = &mut shutdown => return Ok(()),
                accepted = listener.accept() => accepted,
            };
            match accepted {
                Ok((stream, remote)) => {
                    backoff = Duration::ZERO;
                    let _ = stream.set_nodelay(true);
                    match tls {
                        None => self.spawn_conn(stream, remote),
                        Some(tls) => self.spawn_tls_conn(stream, remote, tls.clone()),
                    }
                }
                Err(e) if is_per_connection_error(&e) => continue,
                Err(e) => {
                    // Out of file descriptors and the like: Go sleeps 5ms doubling to 1s, then
                    // tries again instead of giving up on the listener.
                    backoff = (backoff * 2).clamp(Duration::from_millis(5), Duration::from_secs(1));
                    tracing::error!(error = %e, ?backoff, "accept failed; retrying");
                    tokio::time::sleep(backoff).await;
                }
            }
        }
    }

    // ANCHOR_END: serve

    /// Serves a listener given as a `std` socket, such as one inherited from a parent process.
    pub async fn serve_std(&self, listener: std::net::TcpListener) -> io::Result<()> {
        listener.set_nonblocking(true)?;
        self.serve(TcpListener::from_std(listener)?).await
    }

    /// [`serve_tls`](Self::serve_tls) on a `std` socket, such as one inherited from a parent
    /// process: the socket crosses `exec` as it is; the TLS configuration is this process's own.
    pub async fn serve_std_tls(
        &self,
        listener: std::net::TcpListener,
        tls: TlsConfig,
    ) -> io::Result<()> {
        listener.set_nonblocking(true)?;
        self.serve_tls(TcpListener::from_std(listener)?, tls).await
    }

    fn spawn_conn(&self, stream: tokio::net::TcpStream, remote: SocketAddr) {
        let shared = self.shared.clone();
        shared.open.fetch_add(1, Ordering::AcqRel);
        shared.set_state(remote, ConnState::New);
        let registered = shared.conns.add();
        tokio::spawn(async move {
            let signal = registered.signal();
            let stream = ConnStream::plain(stream);
            tokio::select! {
                biased;
                () = signal.cut() => {
                    tracing::debug!(%remote, "connection cut at the shutdown deadline");
                }
                () = crate::conn::serve_conn(stream, remote, shared.clone(), signal.clone()) => {}
            }
            Self::conn_ended(&shared, registered, remote);
        });
    }

    /// A TLS connection's task: its handshake first, then the connection loop. The handshake
    /// is this task's alone, so a slow or failed one holds up nobody else; a shutdown that
    /// begins meanwhile ends it (the connection has nothing in flight).
    // ANCHOR: spawn_tls
    fn spawn_tls_conn(&self, stream: tokio::net::TcpStream, remote: SocketAddr, tls: TlsConfig) {
        let shared = self.shared.clone();
        shared.open.fetch_add(1, Ordering::AcqRel);
        shared.set_state(remote, ConnState::New);
        let registered = shared.conns.add();
        tokio::spawn(async move {
            let signal = registered.signal();
            // The handshake's deadline is watched by the sweeper, as an idle wait is: a tokio
            // timer here would be armed, and the runtime's driver woken, for every connection.
            let deadline = Instant::now() + shared.config.tls_handshake_timeout;
            signal.idle_until(deadline);
            let session = tokio::select! {
                biased;
                () = signal.reached(Phase::Draining) => None,
                () = signal.idle_expired() => {
                    tracing::debug!(%remote, "closing: TLS handshake not completed in time");
                    None
                }
                session = crate::tls::accept(stream, &tls, deadline, remote) => session,
            };
            signal.not_idle();
            drop(tls);
            if let Some(stream) = session {
                let serve = crate::conn::serve_conn(stream, remote, shared.clone(), signal.clone());
                tokio::select! {
                    biased;
                    () = signal.cut() => {
                        tracing::debug!(%remote, "connection cut at the shutdown deadline");
                    }
                    () = serve => {}
                }
            }
            Self::conn_ended(&shared, registered, remote);
        });
    }
    // ANCHOR_END: spawn_tls

    /// The books after a connection's task ended.
    fn conn_ended(
        shared: &Shared,
        registered: crate::conn_registry::Registered,
        remote: SocketAddr,
    ) {
        let hijacked = registered.signal().is_hijacked();
        drop(registered);
        // A hijacked connection left the server's books when it was taken over.
        if !hijacked {
            shared.set_state(remote, ConnState::Closed);
            shared.open.fetch_sub(1, Ordering::AcqRel);
            shared.closed_one.notify_waiters();
        }
    }

    /// Number of open connections. A hijacked connection is no longer counted (Go's server
    /// forgets it too); see [`hijacked_connections`](Self::hijacked_connections).
    pub fn open_connections(&self) -> usize {
        self.shared.open.load(Ordering::Acquire)
    }

    /// Number of hijacked streams still alive: connections handlers took over (a WebSocket,
    /// say) whose [`Hijacked`](crate::Hijacked) has not been dropped yet.
    pub fn hijacked_connections(&self) -> usize {
        self.shared.hijacked.load(Ordering::Acquire)
    }

    /// Waits until every hijacked stream is dropped, or `timeout` passed; returns how many are
    /// still alive (0: all closed). [`shutdown`](Self::shutdown) does not wait for them, as Go's
    /// does not; a graceful restart that wants to keep its WebSockets alive calls this after it.
    pub async fn wait_hijacked(&self, timeout: Duration) -> usize {
        let all_closed = async {
            loop {
                let notified = self.shared.hijacked_closed.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if self.hijacked_connections() == 0 {
                    return;
                }
                notified.await;
            }
        };
        let _ = tokio::time::timeout(timeout, all_closed).await;
        self.hijacked_connections()
    }

    /// Whether [`shutdown`](Self::shutdown) has begun.
    pub fn is_shutting_down(&self) -> bool {
        self.shared.conns.phase() != Phase::Running
    }

    /// Shuts down gracefully (Go's `Shutdown`): stops every accept loop, closes idle connections,
    /// lets in-flight requests finish with `Connection: close`, and returns when no connection is
    /// left. At `timeout` the remaining connections are closed and an error says how many.
    pub async fn shutdown(&self, timeout: Duration) -> Result<(), ShutdownError> {
        self.shared.conns.advance(Phase::Draining);
        if tokio::time::timeout(timeout, self.wait_closed())
            .await
            .is_ok()
        {
            return Ok(());
        }
        let forced = self.open_connections();
        self.shared.conns.advance(Phase::Forced);
        self.wait_closed().await;
        Err(ShutdownError { forced })
    }

    async fn wait_closed(&self) {
        loop {
            let notified = self.shared.closed_one.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.open_connections() == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// Accept errors that concern one connection only (it was reset before we got it).
fn is_per_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
