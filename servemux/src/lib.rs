//! # servemux — Go's `net/http` server layer, rebuilt on tokio
//!
//! This crate is the bottom layer of the workspace. Every other crate answers HTTP through the
//! [`Handler`] trait defined here, and is served by the [`Server`] defined here.
//!
//! ```
//! use servemux::http::Method;
//! use servemux::{Handler, Recorder, Request, ServeMux};
//!
//! let mux = ServeMux::new();
//! mux.handle_func("/hello/", |w, r| {
//!     Box::pin(async move {
//!         let _ = w.write(format!("hello from {}", r.path()).as_bytes()).await;
//!     })
//! })
//! .unwrap();
//!
//! // `Server::new(mux).serve(listener)` answers on a socket; a Recorder answers in memory.
//! let mut rec = Recorder::new();
//! let mut r = Request::new(Method::GET, "/hello/gopher").unwrap();
//! let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! rt.block_on(mux.serve_http(rec.writer(), &mut r));
//! rec.finish();
//! assert_eq!(rec.body(), b"hello from /hello/gopher");
//! ```
//!
//! It mirrors these pieces of Go's `net/http`:
//!
//! | Go                                   | here                                   |
//! | ------------------------------------ | -------------------------------------- |
//! | `http.Handler`, `http.HandlerFunc`   | [`Handler`], [`handler_fn`]            |
//! | `*http.Request`                      | [`Request`]                            |
//! | `http.ResponseWriter` (`*response`)  | [`ResponseWriter`]                     |
//! | `http.Server`, `Serve`, `conn.serve` | [`Server`], [`Server::serve`], `conn`  |
//! | `http.ServeMux`, `DefaultServeMux`   | [`ServeMux`], [`default_serve_mux`]    |
//! | `http.ServeMux` of Go 1.22 (patterns) | [`PatternMux`], [`Request::path_value`] |
//! | `http.Hijacker`, `StateHijacked`     | [`ResponseWriter::hijack`], [`Hijacked`] |
//! | `r.Context().Done()`                 | [`Request::client_gone`]               |
//! | `http.TimeoutHandler`                | [`timeout_handler`]                    |
//! | `ServeTLS`, `ListenAndServeTLS`, `r.TLS` | [`Server::serve_tls`], [`listen_and_serve_tls`], [`Request::tls`] |
//!
//! The request head is parsed by `httparse`; everything around it (framing the body, deciding
//! whether the connection lives on, writing the response) is in this crate, one idea per module:
//!
//! - `config`   — the limits and timeouts, with their defaults;
//! - `head`     — turning bytes into a validated request head (or the 4xx/5xx it deserves);
//! - `body`     — the request [`Body`]: a stream over the connection, framed by the `wire` crate
//!   so it never reads past its end, with Go's limit (`MaxBytesReader`), deadline and trailers;
//! - `expect`   — `Expect: 100-continue`, the one decision the body and the response share;
//! - `read`     — reading one request: the head, then the body handed over as a stream;
//! - `request`  — the [`Request`] handed to handlers;
//! - `response` — the [`ResponseWriter`]: buffering, `Content-Length` vs chunked, HEAD rules;
//! - `conn`     — the life of one connection, the counterpart of Go's `conn.serve`;
//! - `stream`   — the connection's stream, plain TCP or TLS, shared by the body and the response;
//! - `tls`      — TLS: [`TlsConfig`] from PEM files or a rustls config, the handshake in the
//!   connection's task, Go's answer to plain HTTP on the TLS port, and [`TlsInfo`] (`r.TLS`);
//! - `server`   — the accept loop, connection states and graceful shutdown;
//! - `hijack`   — Go's `Hijacker`: handing the connection (stream plus bytes already read) over to
//!   the handler, after which the server leaves it alone;
//! - `upgrade`  — `Connection: Upgrade` and the WebSocket handshake, answered `101` (or 400);
//! - `cancel`   — [`Request::client_gone`], Go's `r.Context().Done()` for a client that left;
//! - `timeout_handler` — Go's `TimeoutHandler`: 503 when the inner handler is late, which is
//!   dropped;
//! - `conn_registry` — the server's connections and what each is told from outside: shutdown
//!   began, or its idle time ran out (one sweeper thread per server keeps the idle timeout off
//!   tokio's timer);
//! - `mux`      — [`ServeMux`], Go's router: an exact-match map plus the subtree patterns sorted
//!   longest first;
//! - `clean_path` — [`canonical_path`] (Go's `cleanPath`: what the mux matches and redirects to),
//!   [`path_clean`] (Go's `path.Clean`) and `stripHostPort`, the canonical path and host the mux
//!   matches on;
//! - `redirect` — Go's `http.Redirect`, which the mux answers `/tree` and `//a` with;
//! - `not_found` — Go's `http.Error` and `http.NotFound`;
//! - `fs`       — serving files: [`FileServer`], [`serve_file`], [`serve_content`], [`StripPrefix`]
//!   (Go's `net/http/fs.go`);
//! - `pattern_mux` — [`PatternMux`], Go 1.22's router: methods, hosts, `{wildcards}`, the most
//!   specific pattern wins (beside the 1.19 mux, not instead of it);
//! - `default_mux` — Go's `DefaultServeMux` with `handle_func` and `listen_and_serve(addr, None)`.

#![forbid(unsafe_code)]

mod body;
mod cancel;
mod clean_path;
mod config;
mod conn;
mod conn_registry;
mod date;
mod default_mux;
mod expect;
pub mod fs;
mod handler;
mod head;
mod hijack;
mod mux;
mod not_found;
mod panic;
mod pattern_mux;
mod read;
mod recorder;
mod redirect;
mod request;
mod response;
mod server;
mod stream;
mod timeout_handler;
mod tls;
mod upgrade;

pub use body::{Body, BodyError};
pub use clean_path::{canonical_path, path_clean, strip_host_port};
pub use config::Config;
pub use default_mux::{
    default_serve_mux, handle, handle_func, listen_and_serve, listen_and_serve_tls,
};
pub use fs::{serve_content, serve_file, FileServer, StripPrefix};
pub use handler::{handler_fn, BoxFuture, Handler, HandlerFn};
pub use head::{BodyFraming, HeadError};
pub use hijack::{HijackError, Hijacked};
pub use mux::{MuxError, ServeMux};
pub use not_found::{not_found, reply_error, NotFoundHandler};
pub use panic::panic_message;
pub use pattern_mux::{
    compare_paths_and_methods, ParseError, Pattern, PatternError, PatternMux, Relationship,
    RouteMatch, Segment,
};
pub use recorder::Recorder;
pub use redirect::{redirect, redirect_relative_to, url_string, RedirectHandler};
pub use request::{Request, RequestError};
pub use response::ResponseWriter;
pub use server::{ConnState, ConnStateHook, Server, ShutdownError};
pub use stream::TlsStream;
pub use timeout_handler::{timeout_handler, TimeoutHandler};
pub use tls::{TlsConfig, TlsConfigError, TlsInfo};
pub use upgrade::{switch_protocols, upgrade_websocket, websocket_accept, UpgradeError};

/// Re-exported so users name the same `Method`, `StatusCode` and `HeaderMap` types we do.
pub use http;
/// Re-exported so users name the same `ServerConfig`, `ProtocolVersion` and certificate types.
pub use rustls;
