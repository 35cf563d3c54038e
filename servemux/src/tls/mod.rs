//! TLS on the server side: Go's `ServeTLS` and `ListenAndServeTLS`, over rustls.
//!
//! TLS sits between the accept loop and the connection loop. The accept loop hands the socket to
//! a new task, as for plain HTTP; that task runs the handshake (under
//! [`Config::tls_handshake_timeout`](crate::Config::tls_handshake_timeout)) and then the very
//! connection loop plain connections run, over the TLS session instead of the socket:
//!
//! ```text
//!   accept ──> spawn ──> [ handshake ] ──> conn::serve_conn (same loop, TLS stream)
//!                          │  plain HTTP first ──> "400 Client sent an HTTP request ..." + close
//!                          │  garbage, failure ──> close
//!                          └  too slow ──────────> close
//! ```
//!
//! A failed or slow handshake costs its own task only: the accept loop never waits on it.
//!
//! - `config` — [`TlsConfig`]: the certificate chain and key (PEM files, or a rustls
//!   `ServerConfig` built by the caller), with ALPN `http/1.1`;
//! - `accept` — the handshake, and Go's answer to a plain HTTP request on the TLS port;
//! - `info`   — [`TlsInfo`], what a handler learns of the session (Go's `r.TLS`).

mod accept;
mod config;
mod info;

pub(crate) use accept::accept;
pub use config::{TlsConfig, TlsConfigError};
pub use info::TlsInfo;
