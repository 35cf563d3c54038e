//! The options of a graceful server, and `listen`, which inherits or binds its sockets.

use std::io;
use std::net::{TcpListener, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use servemux::{Config, Handler, TlsConfig};

use crate::events::{print_line, Event, Logger};
use crate::inherit::{self, Origin};

/// Listening sockets for `addrs`: the ones this process inherited, if a gracehttp parent or
/// systemd handed any over, otherwise freshly bound ones.
///
/// Inherited sockets replace the addresses as a whole and keep the order the parent had, which
/// is the order of the parent's own `addrs` (a child runs with the same arguments). This is the
/// call that makes a server restartable: a process that binds its address itself would find it
/// taken by its parent.
pub fn listen<A: ToSocketAddrs>(
    addrs: impl IntoIterator<Item = A>,
) -> io::Result<Vec<TcpListener>> {
    let addrs: Vec<A> = addrs.into_iter().collect();
    if let Some((origin, inherited)) = inherit::take_listeners()? {
        if inherited.len() != addrs.len() && origin == Origin::Parent {
            tracing::warn!(
                inherited = inherited.len(),
                configured = addrs.len(),
                "the parent handed over a different number of sockets than addresses are configured; serving the inherited ones"
            );
        }
        return Ok(inherited);
    }
    addrs.iter().map(crate::bind::bind_addr).collect()
}

/// A graceful server's options. Start with [`Builder::new`], finish with [`Builder::serve`].
///
/// ```no_run
/// # async fn run(handler: impl servemux::Handler) -> std::io::Result<()> {
/// use std::time::Duration;
///
/// gracehttp::Builder::new()
///     .addr("127.0.0.1:8010")
///     .shutdown_timeout(Duration::from_secs(10))
///     .pid_file("/run/demo.pid")
///     .serve(handler)
///     .await
/// # }
/// ```
pub struct Builder {
    pub(crate) addrs: Vec<String>,
    pub(crate) listeners: Vec<TcpListener>,
    pub(crate) config: Config,
    pub(crate) shutdown_timeout: Duration,
    pub(crate) hijacked_timeout: Option<Duration>,
    pub(crate) ready_timeout: Duration,
    pub(crate) pid_file: Option<PathBuf>,
    pub(crate) logger: Option<Logger>,
    pub(crate) tls: Option<TlsSource>,
}

/// Where the TLS configuration comes from: built by the caller, or read from PEM files when
/// [`Builder::serve`] starts — in every process, so a restarted one reads the files again.
#[derive(Clone)]
pub(crate) enum TlsSource {
    Config(TlsConfig),
    Files { cert: PathBuf, key: PathBuf },
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("addrs", &self.addrs)
            .field("listeners", &self.listeners)
            .field("config", &self.config)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("hijacked_timeout", &self.hijacked_timeout)
            .field("ready_timeout", &self.ready_timeout)
            .field("pid_file", &self.pid_file)
            .field("custom_logger", &self.logger.is_some())
            .finish()
    }
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// No address yet; 30 s to drain, 10 s for a child to become ready, the Go lines on stdout.
    pub fn new() -> Builder {
        Builder {
            addrs: Vec::new(),
            listeners: Vec::new(),
            config: Config::default(),
            shutdown_timeout: Duration::from_secs(30),
            hijacked_timeout: None,
            ready_timeout: Duration::from_secs(10),
            pid_file: None,
            logger: Some(Arc::new(print_line)),
            tls: None,
        }
    }

    /// An address to serve, bound at [`serve`](Self::serve) through [`listen`] (so a restarted
    /// process inherits it instead). May be given several times.
    pub fn addr(mut self, addr: impl Into<String>) -> Self {
        self.addrs.push(addr.into());
        self
    }

    /// An already-bound listener to serve, for example one returned by [`listen`]. It is handed
    /// to the child at restart like the others.
    pub fn listener(mut self, listener: TcpListener) -> Self {
        self.listeners.push(listener);
        self
    }

    /// Several listeners at once.
    pub fn listeners(mut self, listeners: impl IntoIterator<Item = TcpListener>) -> Self {
        self.listeners.extend(listeners);
        self
    }

    /// Limits and timeouts of the underlying [`servemux::Server`].
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// How long in-flight requests may take to finish once this process stops (after a restart
    /// or on `SIGTERM`/`SIGINT`); then the remaining connections are cut.
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// How long this process stays, once its own connections are closed, for the connections
    /// handlers took over (WebSockets: see `servemux::ResponseWriter::hijack`) to close; then it
    /// returns, and exiting closes them. Counted, like the shutdown timeout, from the moment
    /// the drain begins; by default it is the [`shutdown_timeout`](Self::shutdown_timeout).
    /// `Duration::ZERO` is Go's behaviour, which exits under them at once.
    pub fn hijacked_timeout(mut self, timeout: Duration) -> Self {
        self.hijacked_timeout = Some(timeout);
        self
    }

    /// How long a child may take to report ready before it is killed and the restart abandoned.
    pub fn ready_timeout(mut self, timeout: Duration) -> Self {
        self.ready_timeout = timeout;
        self
    }

    /// A file that always holds the pid of the process currently serving.
    pub fn pid_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.pid_file = Some(path.into());
        self
    }

    /// Where the restart and shutdown [`Event`]s go (besides `tracing`, which always gets them).
    pub fn logger(mut self, logger: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        self.logger = Some(Arc::new(logger));
        self
    }

    /// Serve TLS on every listener, with the certificate chain and key read from these PEM files
    /// when [`serve`](Self::serve) starts (Go's `ListenAndServeTLS(certFile, keyFile)`).
    ///
    /// A restarted process runs `serve` again and so reads the files again: to rotate a
    /// certificate, replace the files and send `SIGUSR2`. The listening sockets cross `exec`;
    /// no TLS state does (the new process has its own keys in memory, its own session tickets).
    /// Files the new process cannot use make it fail before it is ready, and the old process
    /// goes on serving with the certificate it has.
    pub fn tls_files(mut self, cert: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Self {
        self.tls = Some(TlsSource::Files {
            cert: cert.into(),
            key: key.into(),
        });
        self
    }

    /// Serve TLS on every listener with a configuration built by the caller. A restarted process
    /// builds its own, by running the same code.
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(TlsSource::Config(tls));
        self
    }

    /// Do not print the Go lines on stdout; `tracing` still gets every event.
    pub fn quiet(mut self) -> Self {
        self.logger = None;
        self
    }

    /// Serves `handler` until `SIGTERM`/`SIGINT`, or until a restarted child has taken over.
    ///
    /// Returns `Ok(())` after the graceful shutdown in both cases; the caller should then let the
    /// process exit. Fails if the sockets cannot be bound or adopted, or the signal handlers
    /// cannot be installed.
    pub async fn serve(mut self, handler: impl Handler) -> io::Result<()> {
        if !self.addrs.is_empty() || self.listeners.is_empty() {
            let bound = listen(&self.addrs)?;
            self.listeners.extend(bound);
        }
        if self.listeners.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "nothing to serve: give an address or a listener",
            ));
        }
        // ANCHOR: tls_load
        // Read before anything is served or a parent is told we are ready: a certificate this
        // process cannot load fails its start, and a parent restarting into it keeps serving.
        let tls = match self.tls.take() {
            None => None,
            Some(TlsSource::Config(tls)) => Some(tls),
            Some(TlsSource::Files { cert, key }) => Some(TlsConfig::from_pem_files(cert, key)?),
        };
        // ANCHOR_END: tls_load
        crate::run::run(self, handler, tls).await
    }
}
