//! The lines the Go original logs during a restart or shutdown, and where they go.
//!
//! goinbox/gohttp's gracehttp prints its progress with `log.Printf("[pid: %d] ...")`. Operators
//! (and the demo's transcript) read those lines, so we keep their wording exactly, including the
//! Go quirk that puts the new pid in brackets: the original passes its argument slice to
//! `Printf`, and `%v` of a one-element slice prints `[31129]`.
//!
//! Each [`Event`] is always emitted as a `tracing` event. It is also handed to a [`Logger`]; the
//! default one prints the line alone on stdout; [`go_log_line`](crate::go_log_line) prints it as
//! the original's `log.Printf` does, with Go's date prefix, on stderr.

use std::fmt;
use std::io::Write;
use std::sync::Arc;

/// A step of a restart or shutdown, displayed as the Go original's log line
/// (`[pid: N] ...`, where N is this process).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// `SIGUSR2` arrived; a child is being started.
    RestartSignal,
    /// The child reported that it accepts connections; this process now shuts down.
    ChildStarted {
        /// The child's pid.
        pid: u32,
    },
    /// The child could not be started or never became ready; this process keeps serving.
    RestartFailed {
        /// Why, in words.
        reason: String,
    },
    /// A signal that cannot be acted on now (a second `SIGUSR2` during a restart, for instance).
    SignalIgnored {
        /// The signal's name, like `SIGUSR2`.
        signal: &'static str,
        /// What the server is busy with.
        busy: &'static str,
    },
    /// `SIGTERM` or `SIGINT` arrived; this process shuts down.
    ShutdownSignal {
        /// The signal's name.
        signal: &'static str,
    },
    /// The listeners are closed: no new connection is accepted.
    ServerShutDown,
    /// In-flight requests are being finished.
    WaitingForConnections,
    /// The shutdown timeout passed; the remaining connections were cut.
    ShutdownTimedOut {
        /// How many connections were cut.
        forced: usize,
    },
    /// Every connection is closed; `serve` returns next.
    AllConnectionsClosed,
}

// ANCHOR: lines
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[pid: {}] ", std::process::id())?;
        match self {
            Event::RestartSignal => {
                f.write_str("Receive signal SIGUSR2. To restart the server gracefully.")
            }
            Event::ChildStarted { pid } => write!(
                f,
                "A new process [{pid}] has been started successfully. \
                 To shut down the server gracefully."
            ),
            Event::RestartFailed { reason } => {
                write!(
                    f,
                    "Failed to start a new process: [{reason}]. Continue serving."
                )
            }
            Event::SignalIgnored { signal, busy } => {
                write!(f, "Receive signal {signal} while {busy}. Ignored.")
            }
            Event::ShutdownSignal { signal } => {
                write!(
                    f,
                    "Receive signal {signal}. To shut down the server gracefully."
                )
            }
            Event::ServerShutDown => {
                f.write_str("The http server has been shut down successfully.")
            }
            Event::WaitingForConnections => f.write_str("Waiting for connections to be closed."),
            Event::ShutdownTimedOut { forced } => write!(
                f,
                "httpServer.Shutdown error: [shutdown timeout passed, \
                 {forced} connection(s) closed forcibly]"
            ),
            Event::AllConnectionsClosed => f.write_str("All connections has been closed."),
        }
    }
}
// ANCHOR_END: lines

/// Receives every [`Event`]. The default prints it on stdout ([`print_line`]).
pub type Logger = Arc<dyn Fn(&Event) + Send + Sync>;

/// The default [`Logger`]: the Go line on stdout.
///
/// Write errors are ignored, as Go's `log` ignores them: a closed stdout (the terminal went away,
/// the pipe's reader exited) must not stop a shutdown half-way, which `println!` would, by
/// panicking.
pub fn print_line(event: &Event) {
    let _ = writeln!(std::io::stdout().lock(), "{event}");
}

/// Sends an event to `tracing` and to the logger, if any.
pub(crate) fn emit(logger: Option<&Logger>, event: Event) {
    match &event {
        Event::RestartFailed { .. } | Event::ShutdownTimedOut { .. } => {
            tracing::warn!(pid = std::process::id(), "{event}")
        }
        _ => tracing::info!(pid = std::process::id(), "{event}"),
    }
    if let Some(logger) = logger {
        logger(&event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_match_the_go_original() {
        let pid = std::process::id();
        let cases = [
            (
                Event::RestartSignal,
                "Receive signal SIGUSR2. To restart the server gracefully.",
            ),
            (
                Event::ChildStarted { pid: 31129 },
                "A new process [31129] has been started successfully. To shut down the server gracefully.",
            ),
            (
                Event::ServerShutDown,
                "The http server has been shut down successfully.",
            ),
            (
                Event::WaitingForConnections,
                "Waiting for connections to be closed.",
            ),
            (Event::AllConnectionsClosed, "All connections has been closed."),
            (
                Event::ShutdownSignal { signal: "SIGTERM" },
                "Receive signal SIGTERM. To shut down the server gracefully.",
            ),
            (
                Event::RestartFailed {
                    reason: "no such file".into(),
                },
                "Failed to start a new process: [no such file]. Continue serving.",
            ),
        ];
        for (event, text) in cases {
            assert_eq!(event.to_string(), format!("[pid: {pid}] {text}"));
        }
    }
}
