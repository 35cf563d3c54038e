//! goinbox/gohttp's `httpclient`, in Rust: a keep-alive HTTP/1.1 client on tokio and httparse.
//!
//! This crate is the client layer of the workspace; of the others it uses only `wire`, the
//! shared HTTP/1.1 framing. It speaks HTTP/1.1 over plain TCP (`http://`) and over TLS
//! (`https://`, rustls with the ring provider, certificates verified against the web PKI roots
//! plus any the caller adds), and is fast on purpose, because the project's own load tests are
//! driven by it.
//!
//! ```
//! use std::io::{Read, Write};
//!
//! // A one-shot server on a loopback port, answering one request.
//! let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
//! let addr = listener.local_addr().unwrap();
//! std::thread::spawn(move || {
//!     let (mut s, _) = listener.accept().unwrap();
//!     let mut head = [0u8; 1024];
//!     let _ = s.read(&mut head).unwrap();
//!     s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello").unwrap();
//! });
//!
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! let client = httpclient::Client::builder().build();
//! let url = format!("http://{addr}/greeting");
//! let response = rt.block_on(client.get(url.as_str()).send()).unwrap();
//! assert_eq!(response.status().as_u16(), 200);
//! assert_eq!(response.text(), "hello");
//! ```
//!
//! ```text
//! Client ── builder.rs   settings (timeouts, pool, limits, redirects, proxy, retries, ...)
//!   │       client.rs    send loop: deadline → redirects → retries → round trip
//!   │       request.rs   RequestBuilder: headers, form / JSON / streamed bodies
//!   │       proxy.rs     explicit proxy, or Go's ProxyFromEnvironment (NO_PROXY rules)
//!   │       retry.rs     which requests are safe to repeat, which failures, backoff
//!   │       cookies.rs   the optional cookie jar (cookie_store)
//!   ├─ pool.rs           per route (scheme, host, port, proxy): idle stack, limit, counters
//!   ├─ dial.rs           route → new connection: TCP, CONNECT tunnel, TLS
//!   │    ├ socket.rs     the byte stream: plain TCP or TLS over TCP, one enum
//!   │    ├ tls.rs        rustls config (roots, ALPN), handshake, certificate errors
//!   │    └ tunnel.rs     CONNECT through a proxy → a byte stream
//!   └─ conn.rs           one connection: write head + body, read the response head/body
//!        ├ encode.rs     request head bytes           body.rs     request body, chunked upload
//!        ├ head.rs       response head → framing      stream.rs   response body as a stream
//!        ├ decompress.rs gzip / deflate, bounded      wire (crate) chunked, Content-Length
//! url.rs  http(s):// URLs, redirect targets      error.rs  typed errors, URL in every message
//! response.rs  the Response                     load.rs   the load generator on top
//! ```
//!
//! Every request logs one `tracing` event at debug level in goinbox's format:
//! `Host: 127.0.0.1:8010 URL: http://127.0.0.1:8010/demo/args/123 TimeDuration: 986.798µs StatusCode: 200`.
//! With a trace id set (gohttp's `SetTraceId`, here `ClientBuilder::trace_id` or
//! `RequestBuilder::trace_id`) the line starts with gohttp's prefix: `<id> [HttpClient] Host: …`.

#![forbid(unsafe_code)]

mod body;
mod builder;
mod client;
mod conn;
mod cookies;
mod decompress;
mod dial;
mod encode;
mod error;
mod head;
pub mod load;
mod pool;
mod proxy;
mod request;
mod response;
mod retry;
mod socket;
mod stream;
mod tls;
mod tunnel;
mod url;

pub use builder::ClientBuilder;
pub use client::Client;
pub use error::{ClosedAt, Error, ErrorKind, Malformed, Timeout, TlsError};
pub use head::MAX_HEADERS;
pub use pool::PoolStats;
pub use proxy::{Proxy, ProxyEnv};
pub use request::RequestBuilder;
pub use response::Response;
pub use stream::{ResponseBody, StreamingResponse};
pub use tunnel::Tunnel;

/// Re-exported so a caller can build a `rustls::ClientConfig` of the same rustls version
/// (for [`ClientBuilder::tls_config`]) without depending on rustls themselves.
pub use rustls;
/// A DER certificate, for [`ClientBuilder::add_root_certificate`].
pub use rustls_pki_types::CertificateDer;

/// Re-exported so callers name statuses, headers and methods without adding `http` themselves.
pub use http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Version};
