//! goinbox/gohttp's `httpclient`, in Rust: a keep-alive HTTP/1.1 client on tokio and httparse.
//!
//! This crate is the client layer of the workspace and depends on none of the others. It is
//! small on purpose — plain `http://`, HTTP/1.1, whole bodies in memory — and fast on purpose,
//! because the project's own load tests are driven by it.
//!
//! ```text
//! Client ── builder.rs   settings (timeouts, pool, limits, redirects)
//!   │       client.rs    send loop: total timeout → redirects → pooled round trip + retry
//!   │       request.rs   RequestBuilder: headers, form / JSON bodies
//!   ├─ pool.rs           idle connections per host:port (LIFO, idle timeout)
//!   └─ conn.rs           one TCP connection: write the head, read one response
//!        ├ encode.rs     request head bytes
//!        ├ head.rs       response head: httparse → status, HeaderMap, body framing
//!        └ wire (crate)  body framing shared with the server: chunked, Content-Length
//! url.rs  http:// URLs and redirect targets      error.rs  typed errors, URL in every message
//! response.rs  the Response                     load.rs   the load generator on top
//! ```
//!
//! Every request logs one `tracing` event at debug level in goinbox's format:
//! `Host: 127.0.0.1:8010 URL: http://127.0.0.1:8010/demo/args/123 TimeDuration: 986.798µs StatusCode: 200`.

mod builder;
mod client;
mod conn;
mod encode;
mod error;
mod head;
pub mod load;
mod pool;
mod request;
mod response;
mod url;

pub use builder::ClientBuilder;
pub use client::Client;
pub use error::{ClosedAt, Error, ErrorKind, Malformed, Timeout};
pub use head::MAX_HEADERS;
pub use request::RequestBuilder;
pub use response::Response;

/// Re-exported so callers name statuses, headers and methods without adding `http` themselves.
pub use http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Version};
