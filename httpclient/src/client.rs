//! `Client`: the pool, the configuration, and the send loop.
//!
//! One call to `send` goes through four nested layers, each a small function here:
//!
//! ```text
//! run          total deadline, and the one goinbox debug line per request; then
//!              `finish_whole` (read the body) or `finish_streaming` (hand it out)
//!  └ follow    redirects, up to the configured limit; the cookie jar, per hop
//!     └ attempts     retries with backoff, for requests safe to repeat
//!        └ round_trip   route (direct, forwarding proxy or CONNECT tunnel), take a pooled
//!                       connection or dial (and, for https, run the TLS handshake),
//!                       write, read the head; once more on another connection if a
//!                       pooled one was dead
//! ```
//!
//! After the head, the body is either read whole (`send`: [`Response`]) or handed to the caller
//! as a stream (`send_streaming`: [`StreamingResponse`]); a gzip/deflate body we asked for is
//! decoded on the way, in both cases.
//!
//! A `Client` is an `Arc` inside: clone it freely, share it between tasks — like Go's
//! `http.Client`, it is meant to be created once and reused, because the pool lives in it.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::header::{
    ACCEPT_ENCODING, AUTHORIZATION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, HOST,
    LOCATION, PROXY_AUTHORIZATION, RANGE,
};
use http::{HeaderValue, Method, StatusCode};

use crate::body::Body;
use crate::builder::{ClientBuilder, Config, ProxyMode};
use crate::conn::{Conn, Failure, ReadLimits, MAX_TRAILER_BYTES};
use crate::cookies::Jar;
use crate::decompress::{self, Coding, Decoder, WholeError};
use crate::dial::{self, Route};
use crate::encode::{write_head, HeadParts};
use crate::error::{Error, ErrorKind, Timeout};
use crate::head::{Framing, Head};
use crate::pool::{Acquired, Pool, PoolStats};
use crate::proxy::Proxy;
use crate::request::{RequestBuilder, RequestParts};
use crate::response::Response;
use crate::retry::{self, RetryPolicy};
use crate::socket;
use crate::stream::{ResponseBody, StreamingResponse};
use crate::tls::Tls;
use crate::tunnel::{self, Tunnel};
use crate::url;

/// A keep-alive HTTP/1.1 client. Cheap to clone; clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    pool: Pool,
    jar: Option<Jar>,
    /// The rustls configuration shared by every https connection (and its session cache).
    tls: Tls,
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

/// A response head and the connection its body is still on.
struct Fetched {
    head: Head,
    conn: Conn,
    /// The body is in this coding and we asked for it: decode it.
    decode: Option<Coding>,
}

/// What a send ends with — a whole [`Response`] or a [`StreamingResponse`] — as the log line
/// sees it.
trait Finished {
    fn status(&self) -> StatusCode;
    fn url(&self) -> &str;
}

impl Finished for Response {
    fn status(&self) -> StatusCode {
        self.status
    }
    fn url(&self) -> &str {
        &self.url
    }
}

impl Finished for StreamingResponse {
    fn status(&self) -> StatusCode {
        self.status
    }
    fn url(&self) -> &str {
        &self.url
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
        let pool = Pool::new(
            config.max_idle_per_host,
            config.max_conns_per_host,
            config.idle_timeout,
        );
        let jar = config.cookies.then(Jar::default);
        let tls = Tls::new(&config.tls);
        Client {
            inner: Arc::new(Inner {
                config,
                pool,
                jar,
                tls,
            }),
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
        self.inner.pool.stats().idle
    }

    /// Open, idle and waiting counts now, and totals since the client was built.
    pub fn pool_stats(&self) -> PoolStats {
        self.inner.pool.stats()
    }

    /// The cookies the jar would send to `url` (empty when the jar is off).
    pub fn cookies(&self, url: &str) -> Vec<(String, String)> {
        self.inner
            .jar
            .as_ref()
            .map(|j| j.cookies_for(url))
            .unwrap_or_default()
    }

    /// The proxy a request to `url` would use under this client's settings.
    pub fn proxy_for(&self, url: &str) -> Result<Option<Proxy>, Error> {
        self.route(url)
            .map(|p| p.cloned())
            .map_err(|k| Error::new(k, url))
    }

    pub(crate) fn pool(&self) -> &Pool {
        &self.inner.pool
    }

    fn route(&self, url: &str) -> Result<Option<&Proxy>, ErrorKind> {
        match &self.inner.config.proxy {
            ProxyMode::Off => Ok(None),
            ProxyMode::Fixed(p) => Ok(Some(p)),
            ProxyMode::Env(env) => env.proxy_for(url).map_err(|e| e.into_kind()),
        }
    }

    /// A byte stream to `authority` (`host:port`) the way an `https://` request would go:
    /// through a `CONNECT` tunnel when the proxy settings pick a proxy for
    /// `https://authority`, else dialed directly. The TLS handshake is the caller's.
    pub async fn connect_tunnel(&self, authority: &str) -> Result<Tunnel, Error> {
        let url = format!("https://{authority}/");
        let config = &self.inner.config;
        let fail = |k| Error::new(k, url.as_str());
        let limits = ReadLimits {
            read_timeout: config.read_timeout,
            max_body: 0,
        };
        let work = async {
            match self.route(&url)? {
                Some(proxy) => {
                    tunnel::open(
                        proxy,
                        authority,
                        &config.default_headers,
                        config.connect_timeout,
                        limits,
                    )
                    .await
                }
                None => {
                    let target = url::parse(&url)?;
                    let stream =
                        socket::dial(target.host, target.port, config.connect_timeout).await?;
                    Ok(Tunnel::direct(stream))
                }
            }
        };
        match config.timeout {
            Some(d) => tokio::time::timeout(d, work)
                .await
                .map_err(|_| fail(ErrorKind::Timeout(Timeout::Total)))?
                .map_err(fail),
            None => work.await.map_err(fail),
        }
    }

    /// Sends `req`, reads the whole body.
    pub(crate) async fn execute(&self, req: RequestParts) -> Result<Response, Error> {
        self.run(req, |fetched, url, start| {
            self.finish_whole(fetched, url, start)
        })
        .await
    }

    /// Sends `req`, returns after the head.
    pub(crate) async fn execute_streaming(
        &self,
        req: RequestParts,
    ) -> Result<StreamingResponse, Error> {
        self.run(req, |fetched, url, start| async move {
            Ok(self.finish_streaming(fetched, url, start))
        })
        .await
    }

    /// Sends `req` under the total deadline — redirects, retries and `finish` (reading the body,
    /// or wrapping it as a stream) included — and logs goinbox's line for it.
    async fn run<T, F, Fut>(&self, req: RequestParts, finish: F) -> Result<T, Error>
    where
        T: Finished,
        F: FnOnce(Fetched, String, Instant) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let start = Instant::now();
        let timeout = req.timeout.unwrap_or(self.inner.config.timeout);
        let mut req = req;
        let trace_id = req.trace_id.take();
        // Set by `follow` only when it redirects: the URL as first requested, for the log line.
        let mut original = None;
        let work = async {
            let fetched = self.follow(&mut req, &mut original).await?;
            // The URL moves into the response; no copy is made on success.
            let url = std::mem::take(&mut req.url);
            finish(fetched, url, start).await
        };
        let result = match timeout {
            Some(d) => match tokio::time::timeout(d, work).await {
                Ok(result) => result,
                Err(_) => {
                    let url = original.clone().unwrap_or_else(|| req.url.clone());
                    Err(Error::new(ErrorKind::Timeout(Timeout::Total), url))
                }
            },
            None => work.await,
        };
        let elapsed = start.elapsed();
        let log_url = match (&original, &result) {
            (Some(url), _) => url.as_str(),
            (None, Ok(resp)) => resp.url(),
            (None, Err(err)) => err.url(),
        };
        let host = url::authority_of(log_url);
        let trace = TracePrefix(
            trace_id
                .as_deref()
                .or(self.inner.config.trace_id.as_deref()),
        );
        // ANCHOR: log_line
        // goinbox logs `Host: ... URL: ... TimeDuration: ... StatusCode: ...`; Go prints a
        // time.Duration as `986.798µs`, and so does Rust's `Debug` for `Duration`.
        match &result {
            Ok(resp) => tracing::debug!(
                "{}Host: {} URL: {} TimeDuration: {:?} StatusCode: {}",
                trace,
                host,
                log_url,
                elapsed,
                resp.status().as_u16()
            ),
            Err(err) => tracing::debug!(
                "{}Host: {} URL: {} TimeDuration: {:?} Error: {}",
                trace,
                host,
                log_url,
                elapsed,
                err.kind()
            ),
        }
        // ANCHOR_END: log_line
        result
    }

    /// Sends the request, following redirects when enabled, up to the final response head.
    /// Works on the caller's `req` in place (a redirect rewrites its URL, method, body);
    /// `original` receives the first URL when that happens.
    async fn follow(
        &self,
        req: &mut RequestParts,
        original: &mut Option<String>,
    ) -> Result<Fetched, Error> {
        let config = &self.inner.config;
        let mut redirects = 0;
        loop {
            let jar_cookie = self.inner.jar.as_ref().and_then(|j| j.header_for(&req.url));
            let fetched = self
                .attempts(req, jar_cookie.as_ref())
                .await
                .map_err(|k| Error::new(k, &req.url))?;
            if let Some(jar) = &self.inner.jar {
                jar.store_from(&req.url, &fetched.head.headers);
            }
            let status = fetched.head.status;
            // 301/302/303 turn a POST (anything but GET/HEAD) into a body-less GET, as browsers
            // and Go do; 307/308 repeat the request as it was — which a stream body cannot be.
            let downgrade = matches!(status.as_u16(), 301..=303)
                && req.method != Method::GET
                && req.method != Method::HEAD;
            let location = match fetched.head.headers.get(LOCATION) {
                Some(loc)
                    if config.max_redirects > 0
                        && is_followed(status)
                        && (downgrade || req.body.is_replayable()) =>
                {
                    loc.clone()
                }
                _ => return Ok(fetched),
            };
            // The redirect's own body is read (and dropped) so its connection can be reused.
            let _ = self.read_whole(fetched).await;
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

            if downgrade {
                req.method = Method::GET;
                req.body = Body::Bytes(Bytes::new());
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

    /// The final response, read whole.
    async fn finish_whole(
        &self,
        fetched: Fetched,
        url: String,
        start: Instant,
    ) -> Result<Response, Error> {
        let (head, body, uncompressed) = match self.read_whole(fetched).await {
            Ok(done) => done,
            Err(k) => return Err(Error::new(k, url)),
        };
        Ok(Response {
            status: head.status,
            version: head.version,
            headers: head.headers,
            body,
            url,
            elapsed: start.elapsed(),
            uncompressed,
        })
    }

    /// The final response, its body left on the connection to be streamed.
    fn finish_streaming(&self, fetched: Fetched, url: String, start: Instant) -> StreamingResponse {
        let Fetched {
            mut head,
            conn,
            decode,
        } = fetched;
        let framing = match head.framing {
            Framing::Empty => wire::Framing::Empty,
            Framing::Length(n) => wire::Framing::Length(n),
            Framing::Chunked => wire::Framing::Chunked,
            Framing::Close => wire::Framing::UntilClose,
        };
        if decode.is_some() {
            head.headers.remove(CONTENT_ENCODING);
            head.headers.remove(CONTENT_LENGTH);
        }
        let reusable = head.keep_alive
            && head.status != StatusCode::SWITCHING_PROTOCOLS
            && head.framing != Framing::Close;
        StreamingResponse {
            status: head.status,
            version: head.version,
            headers: head.headers,
            elapsed: start.elapsed(),
            uncompressed: decode.is_some(),
            body: ResponseBody {
                conn: Some(conn),
                framing: wire::BodyDecoder::new(framing, MAX_TRAILER_BYTES),
                reusable,
                client: self.clone(),
                decoder: decode.map(Decoder::new),
                pending: Bytes::new(),
                read_timeout: self.inner.config.read_timeout,
                url: url.clone(),
                failed: false,
            },
            url,
        }
    }

    /// Reads the body whole (bounded by `max_response_size`, after decoding too), returns the
    /// connection to the pool when it can carry another request.
    async fn read_whole(&self, fetched: Fetched) -> Result<(Head, Bytes, bool), ErrorKind> {
        let Fetched {
            mut head,
            mut conn,
            decode,
        } = fetched;
        let limits = self.limits();
        let (body, reusable) = conn.read_body(&head, limits).await.map_err(|f| f.kind)?;
        if reusable {
            self.inner.pool.put(conn);
        }
        let Some(coding) = decode else {
            return Ok((head, body, false));
        };
        // ANCHOR: decode_whole
        let decoded =
            decompress::decode_all(coding, &body, limits.max_body).map_err(|e| match e {
                WholeError::Decode(why) => ErrorKind::Decode(why),
                WholeError::TooLarge => ErrorKind::TooLarge {
                    what: "decoded response body",
                    limit: limits.max_body,
                },
            })?;
        // Go's `Response.Uncompressed`: the headers describe the body the caller gets.
        head.headers.remove(CONTENT_ENCODING);
        head.headers.remove(CONTENT_LENGTH);
        // ANCHOR_END: decode_whole
        Ok((head, Bytes::from(decoded), true))
    }

    fn limits(&self) -> ReadLimits {
        ReadLimits {
            read_timeout: self.inner.config.read_timeout,
            max_body: self.inner.config.max_response_size,
        }
    }

    // ANCHOR: attempts
    /// Sends the request, again after a retryable failure while the policy allows (see
    /// `retry.rs`): a response with a retry status has its body read and dropped, then the
    /// request waits out the backoff and goes again.
    async fn attempts(
        &self,
        req: &mut RequestParts,
        jar_cookie: Option<&HeaderValue>,
    ) -> Result<Fetched, ErrorKind> {
        let config = &self.inner.config;
        let policy: &RetryPolicy = &config.retry;
        let opt_in = req.retry.unwrap_or(config.retry_non_idempotent);
        let safe = retry::is_safe(&req.method, &req.headers, &req.body, opt_in);
        let retries = if safe {
            req.retries.unwrap_or(policy.retries)
        } else {
            0
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last_try = attempt > retries;
            let failure = match self.round_trip(req, jar_cookie, safe).await {
                Ok(fetched) if retries == 0 || !policy.retries_status(fetched.head.status) => {
                    return Ok(fetched)
                }
                Ok(fetched) => {
                    let status = fetched.head.status;
                    let _ = self.read_whole(fetched).await;
                    ErrorKind::Status(status)
                }
                Err(kind) if retries > 0 && retry::is_retryable(&kind) => kind,
                Err(kind) => return Err(kind),
            };
            if last_try {
                return Err(ErrorKind::RetriesExhausted {
                    attempts: attempt,
                    last: Box::new(failure),
                });
            }
            let pause = policy.delay(attempt);
            tracing::debug!(url = req.url, attempt, ?pause, "retrying after: {failure}");
            tokio::time::sleep(pause).await;
        }
    }
    // ANCHOR_END: attempts

    /// One request on one connection, up to its response head: pooled if possible (the pool
    /// key holds the scheme: a TLS connection is only reused for https, a plain one for http),
    /// sent once more on another connection when a pooled one proves dead before answering
    /// (and the request is safe to repeat) — Go's `shouldRetryRequest` for a reused connection.
    async fn round_trip(
        &self,
        req: &mut RequestParts,
        jar_cookie: Option<&HeaderValue>,
        safe: bool,
    ) -> Result<Fetched, ErrorKind> {
        let config = &self.inner.config;
        let RequestParts {
            method,
            url,
            headers,
            body,
            ..
        } = req;
        let target = url::parse(url)?;
        let route = Route::new(&target, self.route(url)?);
        let key = route.key(&target);
        let forward = route.forward_proxy();
        // Go's rule for transparent gzip: on, the caller named no encoding, no Range, not HEAD.
        let compress = config.compression
            && !headers.contains_key(ACCEPT_ENCODING)
            && !config.default_headers.contains_key(ACCEPT_ENCODING)
            && !headers.contains_key(RANGE)
            && *method != Method::HEAD;
        let mut stale_retries = 0;
        loop {
            let (mut conn, reused) = match self.inner.pool.acquire(key).await {
                Acquired::Idle(conn) => (conn, true),
                Acquired::Dial(lease) => {
                    let mut conn = dial::connect(route, &target, config, &self.inner.tls).await?;
                    conn.set_lease(lease);
                    (conn, false)
                }
            };
            write_head(
                conn.head_buf(),
                &HeadParts {
                    method,
                    target: &target,
                    defaults: &config.default_headers,
                    headers,
                    body_len: body.known_len(),
                    keep_alive: self.inner.pool.enabled(),
                    absolute: forward.is_some(),
                    proxy_auth: forward.and_then(Proxy::authorization),
                    accept_encoding: compress,
                    jar_cookie,
                },
            );
            let result = match conn.send(body).await {
                Ok(()) => conn.read_head(*method == Method::HEAD, self.limits()).await,
                Err(f) => Err(f),
            };
            // ANCHOR: round_trip
            match result {
                Ok(head) => {
                    // Go decodes only a body that exists (not HEAD, 204, 304, length 0).
                    let decode = if compress && head.framing != Framing::Empty {
                        head.headers
                            .get(CONTENT_ENCODING)
                            .and_then(|v| Coding::from_header(v.as_bytes()))
                    } else {
                        None
                    };
                    return Ok(Fetched { head, conn, decode });
                }
                Err(Failure {
                    nothing_received: true,
                    ..
                }) if reused
                    && safe
                    && body.is_replayable()
                    && stale_retries <= config.max_idle_per_host =>
                {
                    stale_retries += 1;
                    tracing::trace!(
                        url = target.authority,
                        "pooled connection was closed; retrying"
                    );
                }
                Err(f) => return Err(f.kind),
            }
            // ANCHOR_END: round_trip
        }
    }
}

/// gohttp's `fmtLog` prefix, `<trace id> [HttpClient] `, when a trace id is set — the `-` in
/// the seed's `[Debug] [2020-12-13 22:31:03] - [HttpClient] Host: …` is its default. Without
/// one the line starts at `Host:`, as it always has here.
struct TracePrefix<'a>(Option<&'a str>);

impl std::fmt::Display for TracePrefix<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(id) => write!(f, "{id} [HttpClient] "),
            None => Ok(()),
        }
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
