//! `ClientBuilder`: every knob of the client, with goinbox's defaults.
//!
//! goinbox's `Config` has `Timeout` (30 s, used both for dialing and for the whole request),
//! `KeepAliveTime`, `MaxIdleConnsPerHost` (10) and `IdleConnTimeout` (30 s). We keep those
//! defaults and split the timeout into the three deadlines a caller actually reasons about:
//! dialing, waiting for the server to say something, and the request as a whole.

use std::time::Duration;

use http::header::USER_AGENT;
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::client::Client;

/// The settings a [`Client`] was built with. Cloned into the client; immutable afterwards.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub connect_timeout: Option<Duration>,
    pub read_timeout: Option<Duration>,
    pub timeout: Option<Duration>,
    pub max_idle_per_host: usize,
    pub idle_timeout: Duration,
    pub default_headers: HeaderMap,
    pub max_response_size: usize,
    pub max_redirects: usize,
    pub retry_non_idempotent: bool,
}

/// Builds a [`Client`]. Start from [`Client::builder`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    config: Config,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// goinbox's defaults: 30 s to connect, 30 s for the whole request, no per-read deadline,
    /// 10 idle connections per host kept for 30 s, redirects not followed, 16 MiB bodies.
    pub fn new() -> ClientBuilder {
        let mut default_headers = HeaderMap::new();
        default_headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("httpclient/", env!("CARGO_PKG_VERSION"))),
        );
        ClientBuilder {
            config: Config {
                connect_timeout: Some(Duration::from_secs(30)),
                read_timeout: None,
                timeout: Some(Duration::from_secs(30)),
                max_idle_per_host: 10,
                idle_timeout: Duration::from_secs(30),
                default_headers,
                max_response_size: 16 * 1024 * 1024,
                max_redirects: 0,
                retry_non_idempotent: false,
            },
        }
    }

    /// Deadline for establishing a TCP connection. `None` waits as long as the OS does.
    pub fn connect_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.config.connect_timeout = d.into();
        self
    }

    /// Deadline for each read from the server: the longest silence tolerated while waiting for
    /// the response head or the next piece of the body. Off by default.
    pub fn read_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.config.read_timeout = d.into();
        self
    }

    /// Deadline for the whole request: connecting, sending, reading the full body, and any
    /// retry or redirect. Go's `http.Client.Timeout`. A request can override it.
    pub fn timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.config.timeout = d.into();
        self
    }

    /// How many idle keep-alive connections to keep per `host:port`. 0 disables keep-alive:
    /// every request then sends `Connection: close` and uses a fresh connection.
    pub fn pool_max_idle_per_host(mut self, n: usize) -> Self {
        self.config.max_idle_per_host = n;
        self
    }

    /// How long an idle connection may wait in the pool before it is closed instead of reused.
    pub fn pool_idle_timeout(mut self, d: Duration) -> Self {
        self.config.idle_timeout = d;
        self
    }

    /// A header sent with every request unless the request sets the same name.
    /// The default set is just `user-agent: httpclient/VERSION`.
    pub fn default_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.config.default_headers.insert(name, value);
        self
    }

    /// Largest response body accepted, in bytes; a larger one fails with `TooLarge`.
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.config.max_response_size = bytes;
        self
    }

    /// Follow up to `limit` redirects (301, 302, 303, 307, 308); 0 (the default) returns the
    /// redirect response itself. Go's client follows 10 by default; goinbox's demo wants to
    /// *see* its `302 Found`, hence off here.
    pub fn follow_redirects(mut self, limit: usize) -> Self {
        self.config.max_redirects = limit;
        self
    }

    /// Also retry non-idempotent requests (POST, PATCH) when a pooled connection turns out
    /// to be closed. Off by default: the server may have acted on the first attempt.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.config.retry_non_idempotent = yes;
        self
    }

    /// The client. Building cannot fail: every setting above is valid by construction.
    pub fn build(self) -> Client {
        Client::from_config(self.config)
    }
}
