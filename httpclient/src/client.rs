//! `Client`: the pool, the configuration, and the send loop (timeout → redirects → retry).
//!
//! One call to `send` goes through three nested layers, each a small function here:
//!
//! ```text
//! execute      total deadline, and the one goinbox debug line per request
//!  └ follow    redirects, up to the configured limit
//!     └ round_trip   take a pooled connection (or dial), write, read;
//!                    retry once on a fresh connection if the pooled one was dead
//! ```
//!
//! A `Client` is an `Arc` inside: clone it freely, share it between tasks — like Go's
//! `http.Client`, it is meant to be created once and reused, because the pool lives in it.

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, HOST, LOCATION, PROXY_AUTHORIZATION};
use http::{HeaderMap, Method, StatusCode};

use crate::builder::{ClientBuilder, Config};
use crate::conn::{Conn, Failure, RawResponse, ReadLimits};
use crate::encode::{write_head, HeadParts};
use crate::error::{Error, ErrorKind, Timeout};
use crate::pool::Pool;
use crate::request::{RequestBuilder, RequestParts};
use crate::response::Response;
use crate::url::{self, Target};

/// A keep-alive HTTP/1.1 client. Cheap to clone; clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    pool: Pool,
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

impl Client {
    /// A client with the default settings (see [`ClientBuilder::new`]).
    pub fn new() -> Client {
        ClientBuilder::new().build()
    }

    /// A builder to change timeouts, pool size, default headers, limits and redirects.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    pub(crate) fn from_config(config: Config) -> Client {
        let pool = Pool::new(config.max_idle_per_host, config.idle_timeout);
        Client {
            inner: Arc::new(Inner { config, pool }),
        }
    }

    /// A `GET` request.
    pub fn get(&self, url: impl Into<String>) -> RequestBuilder<'_> {
        self.request(Method::GET, url)
    }

    /// A `POST` request with a body (use `.form(..)` or `.json(..)` to replace it).
    pub fn post(&self, url: impl Into<String>, body: impl Into<Bytes>) -> RequestBuilder<'_> {
        self.request(Method::POST, url).body(body)
    }

    /// A `HEAD` request: the response has headers and an empty body.
    pub fn head(&self, url: impl Into<String>) -> RequestBuilder<'_> {
        self.request(Method::HEAD, url)
    }

    /// A request with any method.
    pub fn request(&self, method: Method, url: impl Into<String>) -> RequestBuilder<'_> {
        RequestBuilder::new(self, method, url.into())
    }

    /// How many idle keep-alive connections the pool holds right now, over all hosts.
    pub fn idle_connections(&self) -> usize {
        self.inner.pool.idle_count()
    }

    /// Sends `req` under the total deadline and logs goinbox's line for it.
    pub(crate) async fn execute(&self, req: RequestParts) -> Result<Response, Error> {
        let start = Instant::now();
        let timeout = req.timeout.unwrap_or(self.inner.config.timeout);
        let mut req = req;
        // Set by `follow` only when it redirects: the URL as first requested, for the log line.
        let mut original = None;
        let result = match timeout {
            Some(d) => {
                let follow = self.follow(&mut req, &mut original, start);
                match tokio::time::timeout(d, follow).await {
                    Ok(result) => result,
                    Err(_) => {
                        let url = original.clone().unwrap_or_else(|| req.url.clone());
                        Err(Error::new(ErrorKind::Timeout(Timeout::Total), url))
                    }
                }
            }
            None => self.follow(&mut req, &mut original, start).await,
        };
        let elapsed = start.elapsed();
        // On success without redirects the URL now lives in the response; no copy was made.
        let log_url = match (&original, &result) {
            (Some(url), _) => url.as_str(),
            (None, Ok(resp)) => resp.url.as_str(),
            (None, Err(_)) => req.url.as_str(),
        };
        let host = url::authority_of(log_url);
        // goinbox logs `Host: ... URL: ... TimeDuration: ... StatusCode: ...`; Go prints a
        // time.Duration as `986.798µs`, and so does Rust's `Debug` for `Duration`.
        match &result {
            Ok(resp) => tracing::debug!(
                "Host: {} URL: {} TimeDuration: {:?} StatusCode: {}",
                host,
                log_url,
                elapsed,
                resp.status.as_u16()
            ),
            Err(err) => tracing::debug!(
                "Host: {} URL: {} TimeDuration: {:?} Error: {}",
                host,
                log_url,
                elapsed,
                err.kind()
            ),
        }
        result
    }

    /// Sends the request, following redirects when enabled. Works on the caller's `req` in
    /// place (a redirect rewrites its URL, method, body); `original` receives the first URL
    /// when that happens.
    async fn follow(
        &self,
        req: &mut RequestParts,
        original: &mut Option<String>,
        start: Instant,
    ) -> Result<Response, Error> {
        let config = &self.inner.config;
        let mut redirects = 0;
        loop {
            let target = url::parse(&req.url).map_err(|k| Error::new(k, &req.url))?;
            let retry = req
                .retry
                .unwrap_or(config.retry_non_idempotent || req.method.is_idempotent());
            let raw = self
                .round_trip(&target, &req.method, &req.headers, &req.body, retry)
                .await
                .map_err(|k| Error::new(k, &req.url))?;

            let location = match raw.headers.get(LOCATION) {
                Some(loc) if config.max_redirects > 0 && is_followed(raw.status) => loc,
                _ => {
                    return Ok(Response {
                        status: raw.status,
                        version: raw.version,
                        headers: raw.headers,
                        body: raw.body,
                        url: std::mem::take(&mut req.url),
                        elapsed: start.elapsed(),
                    })
                }
            };
            if redirects == config.max_redirects {
                return Err(Error::new(
                    ErrorKind::TooManyRedirects(config.max_redirects),
                    req.url.as_str(),
                ));
            }
            redirects += 1;
            let next = location
                .to_str()
                .map_err(|_| ErrorKind::InvalidUrl("Location header is not ASCII"))
                .and_then(|loc| url::resolve(&req.url, loc))
                .map_err(|k| Error::new(k, &req.url))?;

            // 301/302/303 turn a POST (anything but GET/HEAD) into a body-less GET, as browsers
            // and Go do; 307/308 repeat the request as it was.
            let downgrade = matches!(raw.status.as_u16(), 301..=303);
            if downgrade && req.method != Method::GET && req.method != Method::HEAD {
                req.method = Method::GET;
                req.body = Bytes::new();
                req.headers.remove(CONTENT_TYPE);
            }
            // Credentials and an explicit Host are for the original host only.
            if !same_host(&req.url, &next) {
                for name in [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE, HOST] {
                    req.headers.remove(name);
                }
            }
            let previous = std::mem::replace(&mut req.url, next);
            original.get_or_insert(previous);
        }
    }

    // ANCHOR: round_trip
    /// One request on one connection: pooled if possible, retried once on a fresh connection
    /// when a pooled one proves dead before answering (and the request may be retried).
    async fn round_trip(
        &self,
        target: &Target<'_>,
        method: &Method,
        headers: &HeaderMap,
        body: &Bytes,
        retry: bool,
    ) -> Result<RawResponse, ErrorKind> {
        let pool = &self.inner.pool;
        let (mut conn, reused) = match pool.take(target.host, target.port) {
            Some(conn) => (conn, true),
            None => (self.dial(target).await?, false),
        };
        let mut result = self
            .exchange(&mut conn, target, method, headers, body)
            .await;
        if let Err(Failure {
            nothing_received: true,
            ..
        }) = result
        {
            if reused && retry {
                tracing::trace!(
                    url = target.authority,
                    "pooled connection was closed; retrying"
                );
                conn = self.dial(target).await?;
                result = self
                    .exchange(&mut conn, target, method, headers, body)
                    .await;
            }
        }
        let raw = result.map_err(|f| f.kind)?;
        if raw.reusable {
            pool.put(target.host, target.port, conn);
        }
        Ok(raw)
    }

    // ANCHOR_END: round_trip

    async fn dial(&self, target: &Target<'_>) -> Result<Conn, ErrorKind> {
        Conn::connect(target.host, target.port, self.inner.config.connect_timeout).await
    }

    async fn exchange(
        &self,
        conn: &mut Conn,
        target: &Target<'_>,
        method: &Method,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> Result<RawResponse, Failure> {
        let config = &self.inner.config;
        write_head(
            conn.head_buf(),
            &HeadParts {
                method,
                target,
                defaults: &config.default_headers,
                headers,
                body_len: body.len(),
                keep_alive: self.inner.pool.enabled(),
            },
        );
        let limits = ReadLimits {
            read_timeout: config.read_timeout,
            max_body: config.max_response_size,
        };
        conn.exchange(body, method == Method::HEAD, limits).await
    }
}

fn is_followed(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

fn same_host(a: &str, b: &str) -> bool {
    match (url::parse(a), url::parse(b)) {
        (Ok(a), Ok(b)) => a.port == b.port && a.host.eq_ignore_ascii_case(b.host),
        _ => false,
    }
}
