//! The life of a graceful server: serve, watch signals, restart or shut down, drain.
//!
//! ```text
//!            SIGUSR2                          child wrote the ready byte
//!  Serving ───────────> Restarting ───────────────────────────────────> Draining ──> return Ok
//!     ^                     │  child exited / closed the pipe / timed out   ^
//!     └─────────────────────┘  (kill, reap, log, keep serving)              │
//!     │                                                                     │
//!     └──────────────── SIGTERM / SIGINT (a pending child is killed) ───────┘
//! ```
//!
//! Draining is the same whichever way we got there: stop the accept loops (the listening sockets
//! stay open in the child, or close for good on shutdown), let just-accepted connections send
//! their first request, then `servemux::Server::shutdown`: idle connections close, in-flight
//! requests finish with `Connection: close`, and the shutdown timeout cuts whatever is left.
//! Connections handlers took over (WebSockets) are not the server's and are not cut: the process
//! stays until they close or their deadline passes (`Builder::hijacked_timeout`).

use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::Arc;
use std::time::Duration;

use servemux::{Handler, Server, TlsConfig};
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::builder::Builder;
use crate::conns::Fresh;
use crate::events::{emit, Event, Logger};
use crate::spawn::{self, Exe, Verdict};
use crate::{inherit, pidfile};

/// Go spares a connection that has not sent its first request for this long when it shuts down.
const NEW_CONN_GRACE: Duration = Duration::from_secs(5);

/// How long a child that closed its readiness pipe unready may take to exit before we kill it.
const CLOSED_PIPE_GRACE: Duration = Duration::from_millis(500);

/// Why the serving loop ended.
enum Stop {
    Restarted,
    Shutdown,
}

// ANCHOR: run
// ANCHOR: run_start
pub(crate) async fn run(
    mut opts: Builder,
    handler: impl Handler,
    tls: Option<TlsConfig>,
) -> io::Result<()> {
    let log = opts.logger.clone();
    let log = log.as_ref();
    let exe = Exe::current()?;
    let fresh = Arc::new(Fresh::default());
    let server = Server::with_conn_state(handler, opts.config.clone(), fresh.hook());

    // Our own close-on-exec copy of each listening socket, to hand to a child: the accept loops
    // own (and close) theirs.
    let handover = opts
        .listeners
        .iter()
        .map(|l| l.as_fd().try_clone_to_owned())
        .collect::<io::Result<Vec<OwnedFd>>>()?;

    // Install the handlers before telling anyone we are ready: the default action of SIGUSR2
    // is to terminate the process.
    let mut signals = Signals::new()?;

    let mut accepting = JoinSet::new();
    for listener in std::mem::take(&mut opts.listeners) {
        listener.set_nonblocking(true)?;
        let listener = TcpListener::from_std(listener)?;
        let (server, tls) = (server.clone(), tls.clone());
        accepting.spawn(async move {
            match tls {
                None => server.serve(listener).await,
                Some(tls) => server.serve_tls(listener, tls).await,
            }
        });
    }

    if let Some(path) = &opts.pid_file {
        pidfile::write(path)?;
    }
    if let Some(ready) = inherit::take_ready()? {
        if let Err(e) = inherit::notify_ready(ready) {
            tracing::warn!(error = %e, "could not tell the parent we are ready; serving anyway");
        }
    }
    tracing::info!(pid = std::process::id(), "serving");
    // ANCHOR_END: run_start
    // ANCHOR: run_stop

    let stop = serve_until_stop(&exe, &handover, &mut signals, &opts, log).await;
    drop(handover);

    let drain = drain(
        &server,
        &fresh,
        accepting,
        (opts.shutdown_timeout, opts.hijacked_timeout),
        log,
    );
    tokio::pin!(drain);
    loop {
        tokio::select! {
            _ = &mut drain => break,
            sig = signals.recv() => emit(log, Event::SignalIgnored {
                signal: sig.name(),
                busy: "the server is shutting down",
            }),
        }
    }
    if let (Stop::Shutdown, Some(path)) = (stop, &opts.pid_file) {
        pidfile::remove_if_ours(path);
    }
    Ok(())
}
// ANCHOR_END: run_stop
// ANCHOR_END: run

/// Serves until a restart has succeeded or a shutdown signal arrived.
// ANCHOR: signals
// ANCHOR: signals_recv
async fn serve_until_stop(
    exe: &Exe,
    handover: &[OwnedFd],
    signals: &mut Signals,
    opts: &Builder,
    log: Option<&Logger>,
) -> Stop {
    let mut restarting: Option<(spawn::Child, Instant)> = None;
    loop {
        tokio::select! {
            sig = signals.recv() => match sig {
                Sig::Usr2 if restarting.is_some() => emit(log, Event::SignalIgnored {
                    signal: sig.name(),
                    busy: "a restart is in progress",
                }),
                Sig::Usr2 => {
                    emit(log, Event::RestartSignal);
                    match spawn::start(exe, handover, opts.ready_timeout) {
                        Ok(child) => restarting = Some((child, Instant::now())),
                        Err(e) => emit(log, Event::RestartFailed {
                            reason: format!("{}: {e}", exe.path().display()),
                        }),
                    }
                }
                Sig::Term | Sig::Int => {
                    emit(log, Event::ShutdownSignal { signal: sig.name() });
                    if let Some((child, _)) = restarting.take() {
                        let pid = child.pid();
                        let (status, _) = child.reap(Duration::ZERO).await;
                        tracing::info!(pid, ?status, "shutting down: the pending child was killed");
                    }
                    return Stop::Shutdown;
                }
            },
            // ANCHOR_END: signals_recv
            // ANCHOR: signals_verdict
            verdict = pending_verdict(&mut restarting) => {
                let Some((child, started)) = restarting.take() else { continue };
                let pid = child.pid();
                if let Verdict::Ready = verdict {
                    tracing::info!(pid, elapsed = ?started.elapsed(), "the new process is ready");
                    emit(log, Event::ChildStarted { pid });
                    return Stop::Restarted;
                }
                // A child that closed the pipe is usually on its way out: give it a moment to
                // exit by itself, so the log says how it ended rather than that we killed it.
                let grace = match verdict {
                    Verdict::ClosedPipe => CLOSED_PIPE_GRACE,
                    _ => Duration::ZERO,
                };
                let (status, killed) = child.reap(grace).await;
                let status = match status {
                    Ok(status) => status.to_string(),
                    Err(e) => format!("exit status unknown: {e}"),
                };
                let reason = match verdict {
                    Verdict::TimedOut => format!(
                        "process {pid} was not ready within {:?} and was killed, {status}",
                        opts.ready_timeout
                    ),
                    Verdict::ClosedPipe if killed => format!(
                        "process {pid} closed its readiness pipe without reporting ready \
                         and was killed, {status}"
                    ),
                    _ => format!("process {pid} exited before it was ready, {status}"),
                };
                emit(log, Event::RestartFailed { reason });
            }
        }
    }
}
// ANCHOR_END: signals_verdict
// ANCHOR_END: signals

/// The pending child's verdict, or never if there is no pending child.
async fn pending_verdict(restarting: &mut Option<(spawn::Child, Instant)>) -> Verdict {
    match restarting {
        Some((child, _)) => child.verdict().await,
        None => std::future::pending().await,
    }
}

// ANCHOR: drain
// ANCHOR: drain_new
/// Stops accepting, lets in-flight requests finish, closes every connection, and waits for the
/// hijacked ones (WebSockets) to close, up to their own deadline. `timeouts` is the shutdown
/// timeout and the hijacked timeout (`None`: the shutdown deadline).
async fn drain(
    server: &Server,
    fresh: &Fresh,
    mut accepting: JoinSet<io::Result<()>>,
    timeouts: (Duration, Option<Duration>),
    log: Option<&Logger>,
) {
    let start = Instant::now();
    let deadline = start + timeouts.0;
    // Aborting an accept loop drops its listener. A connection it already accepted lives on in
    // its own task; one still in the kernel's queue waits for the child, which shares the queue.
    accepting.shutdown().await;
    emit(log, Event::ServerShutDown);
    emit(log, Event::WaitingForConnections);

    // Let just-accepted connections send their first request before shutdown() treats them as
    // idle and closes them.
    let left = fresh
        .wait_none(NEW_CONN_GRACE.min(deadline - Instant::now()))
        .await;
    if left > 0 {
        tracing::debug!(left, "connections sent no request within the grace period");
    }
    match server.shutdown(deadline - Instant::now()).await {
        Ok(()) => {}
        Err(e) => emit(log, Event::ShutdownTimedOut { forced: e.forced }),
    }
    // ANCHOR_END: drain_new
    // ANCHOR: drain_hijacked
    // A hijacked connection is not the server's: `shutdown` neither waited for it nor cut it.
    // Its handler still runs in this process, so returning (and exiting) would cut it.
    let hijacked_deadline = timeouts.1.map_or(deadline, |t| start + t);
    let open = server.hijacked_connections();
    if open > 0 {
        tracing::info!(open, "waiting for hijacked connections to close");
        let left = server
            .wait_hijacked(hijacked_deadline.saturating_duration_since(Instant::now()))
            .await;
        if left > 0 {
            tracing::warn!(
                left,
                "drain deadline passed: exiting under hijacked connections"
            );
        }
    }
    emit(log, Event::AllConnectionsClosed);
}
// ANCHOR_END: drain_hijacked
// ANCHOR_END: drain

/// The signals we act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sig {
    Usr2,
    Term,
    Int,
}

impl Sig {
    fn name(self) -> &'static str {
        match self {
            Sig::Usr2 => "SIGUSR2",
            Sig::Term => "SIGTERM",
            Sig::Int => "SIGINT",
        }
    }
}

struct Signals {
    usr2: Signal,
    term: Signal,
    int: Signal,
}

impl Signals {
    fn new() -> io::Result<Signals> {
        Ok(Signals {
            usr2: signal(SignalKind::user_defined2())?,
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    /// The next signal. (tokio coalesces repeats of one signal that arrive before we look, as the
    /// kernel does.)
    async fn recv(&mut self) -> Sig {
        tokio::select! {
            Some(()) = self.usr2.recv() => Sig::Usr2,
            Some(()) = self.term.recv() => Sig::Term,
            Some(()) = self.int.recv() => Sig::Int,
        }
    }
}
