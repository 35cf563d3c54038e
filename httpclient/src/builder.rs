//! `ClientBuilder`: every knob of the client, with goinbox's defaults.
//!
//! goinbox's `Config` has `Timeout` (30 s, used both for dialing and for the whole request),
//! `KeepAliveTime`, `MaxIdleConnsPerHost` (10) and `IdleConnTimeout` (30 s). We keep those
//! defaults and split the timeout into the three deadlines a caller actually reasons about:
//! dialing, waiting for the server to say something, and the request as a whole.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use http::header::USER_AGENT;
use http::{HeaderMap, HeaderName, HeaderValue};
use rustls_pki_types::CertificateDer;

use crate::client::Client;
use crate::error::TlsError;
use crate::proxy::{Proxy, ProxyEnv};
use crate::retry::RetryPolicy;
use crate::tls::TlsSettings;

/// Where requests go: Go's `Transport.Proxy` function, as data.
#[derive(Debug, Clone)]
pub(crate) enum ProxyMode {
    /// `ProxyFromEnvironment` (the default, as gohttp's transport and Go's `DefaultTransport`).
    Env(ProxyEnv),
    /// Every request through this proxy (`http.ProxyURL`), loopback included.
    Fixed(Proxy),
    /// Never a proxy.
    Off,
}

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
    pub proxy: ProxyMode,
    pub compression: bool,
    pub retry: RetryPolicy,
    pub max_conns_per_host: usize,
    pub cookies: bool,
    pub trace_id: Option<String>,
    pub tls: TlsSettings,
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
    /// 10 idle connections per host kept for 30 s, redirects not followed, 16 MiB bodies;
    /// and Go's transport defaults: proxies from the environment (read now), gzip asked for and
    /// decoded, no limit on connections per host, no cookie jar, no retries, 10 s for a TLS
    /// handshake; certificates verified against the web PKI roots (`webpki-roots`).
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
                proxy: ProxyMode::Env(ProxyEnv::from_env()),
                compression: true,
                retry: RetryPolicy::default(),
                max_conns_per_host: 0,
                cookies: false,
                trace_id: None,
                tls: TlsSettings::default(),
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

    /// Also retry requests Go would not repeat (POST, PUT, PATCH, DELETE without an
    /// `Idempotency-Key`), after a dead pooled connection or under `retries(n)`. Off by default:
    /// the server may have acted on the first attempt.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.config.retry_non_idempotent = yes;
        self
    }

    /// Sends every request through `proxy` (Go's `http.ProxyURL`): loopback included, no
    /// `NO_PROXY`. `http://` targets go in absolute form; `https://` targets (and
    /// `connect_tunnel`) through a `CONNECT` tunnel, with TLS to the target inside it.
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.config.proxy = ProxyMode::Fixed(proxy);
        self
    }

    /// Chooses proxies with these environment-style settings instead of the process
    /// environment (see [`ProxyEnv::from_values`]).
    pub fn proxy_env(mut self, env: ProxyEnv) -> Self {
        self.config.proxy = ProxyMode::Env(env);
        self
    }

    /// Never uses a proxy, whatever the environment says.
    pub fn no_proxy(mut self) -> Self {
        self.config.proxy = ProxyMode::Off;
        self
    }

    /// Asks for gzip/deflate and decodes it transparently (default: on). Off is Go's
    /// `DisableCompression`: nothing is added and bodies arrive as the server sent them.
    pub fn compression(mut self, on: bool) -> Self {
        self.config.compression = on;
        self
    }

    /// Retries a failed request up to `n` more times (gohttp's `Do(req, retry)`), when it is
    /// safe to repeat; see the crate's `retry` rules. Default 0.
    pub fn retries(mut self, n: u32) -> Self {
        self.config.retry.retries = n;
        self
    }

    /// The pause before the first retry, doubled for each next one up to `max`.
    /// Default 100 ms up to 2 s.
    pub fn retry_backoff(mut self, base: Duration, max: Duration) -> Self {
        self.config.retry.base = base;
        self.config.retry.max = max.max(base);
        self
    }

    /// The response statuses that count as a failed attempt. Default: 502, 503, 504.
    pub fn retry_statuses(mut self, statuses: &[http::StatusCode]) -> Self {
        self.config.retry.statuses = statuses.to_vec();
        self
    }

    /// At most `n` connections per route (dialing + in use + idle), Go's `MaxConnsPerHost`;
    /// a request beyond waits for one to come back idle or close. 0 (default): no limit.
    pub fn pool_max_conns_per_host(mut self, n: usize) -> Self {
        self.config.max_conns_per_host = n;
        self
    }

    /// Keeps cookies between requests (Go's `Client.Jar` with `net/http/cookiejar`). Off by
    /// default: a client talking to several services should not carry one's cookies around.
    pub fn cookie_store(mut self, on: bool) -> Self {
        self.config.cookies = on;
        self
    }

    /// gohttp's `Client.SetTraceId`: every debug line of this client starts with
    /// `<id> [HttpClient] ` (a request can set its own with `RequestBuilder::trace_id`).
    pub fn trace_id(mut self, id: impl Into<String>) -> Self {
        self.config.trace_id = Some(id.into());
        self
    }

    // ANCHOR: tls_roots
    /// Trusts `cert` (DER) as a root for `https://` servers, besides the built-in web PKI
    /// roots: a private CA, or a self-signed server certificate. Refused if it does not parse.
    pub fn add_root_certificate(mut self, cert: CertificateDer<'static>) -> Result<Self, TlsError> {
        self.config.tls.add_root(cert)?;
        Ok(self)
    }

    /// Trusts every certificate of a PEM text (`-----BEGIN CERTIFICATE-----` sections) as a
    /// root; at least one is required.
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Result<Self, TlsError> {
        self.config.tls.add_pem_roots(pem, "PEM text")?;
        Ok(self)
    }

    /// Reads a PEM file (a CA bundle, `curl --cacert`'s argument) now and trusts every
    /// certificate in it as a root.
    pub fn add_root_certificates_pem_file(
        mut self,
        path: impl AsRef<Path>,
    ) -> Result<Self, TlsError> {
        let path = path.as_ref();
        let origin = path.display().to_string();
        let pem = std::fs::read(path)
            .map_err(|e| TlsError::InvalidRootCertificate(format!("{origin}: {e}")))?;
        self.config.tls.add_pem_roots(&pem, &origin)?;
        Ok(self)
    }
    // ANCHOR_END: tls_roots

    /// Whether the web PKI roots (Mozilla's CA list, from `webpki-roots`) are trusted (default:
    /// yes). Off, only the roots added with `add_root_certificate*` are: a client for one
    /// internal service then refuses a certificate from any public CA.
    pub fn tls_built_in_roots(mut self, on: bool) -> Self {
        self.config.tls.built_in_roots = on;
        self
    }

    /// Uses this rustls configuration for every `https://` connection instead of the one built
    /// from the roots above (a custom verifier, client certificates, other protocol versions).
    /// Its ALPN list is replaced by `http/1.1`, the only protocol this client speaks.
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.config.tls.custom = Some(Arc::new(config));
        self
    }

    /// Deadline for the TLS handshake of a new `https://` connection (after the TCP connect,
    /// which `connect_timeout` bounds). Go's `TLSHandshakeTimeout`; default 10 s.
    pub fn tls_handshake_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.config.tls.handshake_timeout = d.into();
        self
    }

    /// The client. Building cannot fail: every setting above is valid by construction.
    pub fn build(self) -> Client {
        Client::from_config(self.config)
    }
}
