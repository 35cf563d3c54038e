//! Limits and timeouts of a [`Server`](crate::Server), with defaults chosen like Go's and hyper's.
//!
//! Go leaves most of these unlimited (a zero `ReadHeaderTimeout` means "no timeout"), which is why
//! every production Go server sets them by hand. We start from values that are safe on the open
//! internet and let each be changed.

use std::time::Duration;

/// Server limits and timeouts. Build with `Config::default()` and change fields as needed.
#[derive(Clone, Debug)]
pub struct Config {
    /// Largest request head (request line plus headers). Larger heads get
    /// `431 Request Header Fields Too Large`. Go's `DefaultMaxHeaderBytes` is 1 MiB.
    pub max_header_bytes: usize,
    /// Most header lines in one request head; more get 431 (httparse needs a fixed slot array).
    pub max_headers: usize,
    /// Longest request target. Longer targets get `414 URI Too Long`.
    pub max_uri_len: usize,
    /// The default limit on what a handler may read of a request body (Go's `MaxBytesReader`,
    /// applied to every request). Reading past it fails; if the handler then said nothing the
    /// answer is `413 Payload Too Large`, and the connection closes. A declared `Content-Length`
    /// past it fails the first read, before `100 Continue` is sent. A handler changes it for its
    /// request with [`Body::set_limit`](crate::Body::set_limit).
    pub max_body_bytes: usize,
    /// Time allowed to read a whole request head once it has started (the slowloris guard).
    pub read_header_timeout: Duration,
    /// Time allowed to read a request body once its head has been read.
    pub read_body_timeout: Duration,
    /// How long a keep-alive connection may sit idle between requests before it is closed.
    pub idle_timeout: Duration,
    /// Time allowed for each write of response bytes to the socket.
    pub write_timeout: Duration,
    /// Time allowed for a TLS handshake, from the accept to its end (TLS listeners only). Go has
    /// no field for it: it uses the smallest of its read-header, read and write timeouts, and no
    /// limit when none is set. A field says what it is for, and its default is what Go's rule
    /// gives for our defaults (the read-header timeout, 10 s): the handshake is the first thing a
    /// client must send, like a request head, and a slowloris can stall it as well.
    pub tls_handshake_timeout: Duration,
}

// ANCHOR: defaults
impl Default for Config {
    fn default() -> Self {
        Config {
            max_header_bytes: 1 << 20,
            max_headers: 100,
            max_uri_len: 8 * 1024,
            max_body_bytes: 8 << 20,
            read_header_timeout: Duration::from_secs(10),
            read_body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(30),
            tls_handshake_timeout: Duration::from_secs(10),
        }
    }
}
// ANCHOR_END: defaults
