//! The one error type of the client.
//!
//! Go's `http.Client.Do` returns an `*url.Error` that wraps whatever went wrong together with the
//! operation and the URL. We keep that idea — every [`Error`] carries the URL it was about, and its
//! `Display` says it — but make the cause a closed enum, [`ErrorKind`], so a caller (or a test) can
//! `match` on "was it a timeout?" instead of comparing strings.
//!
//! Nothing a server sends can produce a panic: every way a response can be wrong has a variant
//! here, most of them under [`Malformed`].

use std::fmt;
use std::io;

/// An error from building, sending or reading one request, with the URL it concerned.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    url: String,
}

/// What went wrong. `#[non_exhaustive]` so a new failure mode is not a breaking change.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The URL could not be parsed (the reason says which part is wrong).
    InvalidUrl(&'static str),
    /// The URL's scheme is neither `http` nor `https`.
    UnsupportedScheme(String),
    /// A request header given by the caller was not a valid header name or value.
    InvalidHeader,
    /// The TCP connection could not be established (DNS failure, refused, unreachable...).
    Connect(io::Error),
    /// A deadline passed; which one is in [`Timeout`].
    Timeout(Timeout),
    /// An `https://` connection could not be set up: the certificate was refused or the TLS
    /// handshake failed. Which, in [`TlsError`].
    Tls(TlsError),
    /// The server sent bytes that are not an HTTP/1.x response.
    Malformed(Malformed),
    /// The response head or body is larger than the configured limit.
    TooLarge {
        /// `"response head"` or `"response body"`.
        what: &'static str,
        /// The limit in bytes that was exceeded.
        limit: usize,
    },
    /// The server closed the connection before the response was complete.
    Closed(ClosedAt),
    /// More redirects than the configured limit.
    TooManyRedirects(usize),
    /// Serializing a JSON request body or deserializing a JSON response body failed.
    Json(serde_json::Error),
    /// Any other I/O error while writing the request or reading the response (including an
    /// error produced by a streamed request body).
    Io(io::Error),
    /// The proxy setting cannot be used (bad address, a scheme other than `http`, or
    /// `HTTP_PROXY` under CGI).
    InvalidProxy(String),
    /// The proxy answered `CONNECT` with this status instead of 2xx.
    ProxyRefused(http::StatusCode),
    /// A `Content-Encoding: gzip`/`deflate` body could not be decoded (corrupt or truncated).
    Decode(&'static str),
    /// The server answered with a status the client retries on (inside [`ErrorKind::RetriesExhausted`]).
    Status(http::StatusCode),
    /// Every attempt failed: `attempts` in all (the first plus the retries), and the last
    /// failure.
    RetriesExhausted {
        /// How many times the request was sent.
        attempts: u32,
        /// Why the last attempt failed.
        last: Box<ErrorKind>,
    },
}

/// Which deadline passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeout {
    /// Establishing the TCP connection took longer than `connect_timeout`.
    Connect,
    /// The TLS handshake of an `https://` connection took longer than `tls_handshake_timeout`.
    Handshake,
    /// The server sent nothing for longer than `read_timeout`.
    Read,
    /// The whole request (retries and redirects included) took longer than `timeout`.
    Total,
}

/// How a response was malformed. Each variant is one rule of RFC 9112 the server broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// The status line is not `HTTP/1.x NNN reason` (or the code is below 100).
    StatusLine,
    /// The version is not HTTP/1.0 or HTTP/1.1.
    Version,
    /// A header line is not `name: value` with legal characters.
    Header,
    /// More header lines than the client accepts (see `MAX_HEADERS`).
    TooManyHeaders,
    /// `Content-Length` is not a number, or several disagree.
    ContentLength,
    /// A chunk-size line of a chunked body is not hexadecimal (or is absurdly long).
    ChunkSize,
    /// A chunk's data is not followed by CRLF.
    ChunkDelimiter,
    /// The trailer section after the last chunk is not CRLF-terminated lines.
    Trailer,
}

/// Why an `https://` connection was refused. Certificate problems come first, each its own
/// variant, so a caller can tell "install the right CA" from "wrong host in the URL" from
/// "the server's certificate ran out".
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsError {
    /// The certificate chain does not lead to a trusted root: self-signed, signed by a private
    /// CA that was not added with `add_root_certificate*`, or the server omitted an intermediate.
    UnknownIssuer,
    /// The certificate is valid, but for other names than the host in the URL.
    WrongHost {
        /// The host we dialed (and sent as SNI).
        expected: String,
        /// The names the certificate is valid for, when rustls reports them.
        presented: Vec<String>,
    },
    /// The certificate's validity period is over.
    Expired,
    /// The certificate's validity period has not begun.
    NotYetValid,
    /// The certificate was revoked.
    Revoked,
    /// Another certificate problem (bad encoding or signature, not meant for TLS servers...),
    /// in rustls's words.
    BadCertificate(String),
    /// The handshake failed for a reason other than the certificate: the server does not speak
    /// TLS on that port, or no protocol version / cipher suite in common, or it sent an alert.
    Handshake(String),
    /// The URL's host cannot be a TLS server name.
    InvalidServerName(String),
    /// A root certificate given to the builder could not be used (returned by the builder).
    InvalidRootCertificate(String),
}

/// Where in the response the connection was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedAt {
    /// Before a single byte of the response arrived. On a pooled connection this is the
    /// "server closed an idle connection" case, which is retried for idempotent requests.
    BeforeResponse,
    /// In the middle of the status line or headers.
    InHead,
    /// In the middle of a body framed by `Content-Length` or chunked encoding.
    InBody,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, url: impl Into<String>) -> Error {
        Error {
            kind,
            url: url.into(),
        }
    }

    /// What went wrong, by value.
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The URL of the request that failed (after redirects: the hop that failed).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// True for any of the three timeouts (also when it was the last of several attempts).
    pub fn is_timeout(&self) -> bool {
        matches!(self.kind.last(), ErrorKind::Timeout(_))
    }

    /// True when the connection could not be established (also when that was the last of
    /// several attempts).
    pub fn is_connect(&self) -> bool {
        matches!(self.kind.last(), ErrorKind::Connect(_))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Go: `Get "http://host/path": dial tcp ...: connection refused`.
        // We put the URL first too, so every log line can be grepped by URL.
        write!(f, "request to {}: {}", self.url, self.kind)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::InvalidUrl(why) => write!(f, "invalid url: {why}"),
            ErrorKind::UnsupportedScheme(s) => write!(
                f,
                "unsupported scheme {s:?}: this client speaks http:// and https:// (HTTP/1.1) only"
            ),
            ErrorKind::InvalidHeader => f.write_str("invalid request header name or value"),
            ErrorKind::Connect(e) => write!(f, "connect failed: {e}"),
            ErrorKind::Timeout(Timeout::Connect) => f.write_str("connect timeout"),
            ErrorKind::Timeout(Timeout::Handshake) => f.write_str("TLS handshake timeout"),
            ErrorKind::Timeout(Timeout::Read) => f.write_str("read timeout"),
            ErrorKind::Tls(e) => write!(f, "{e}"),
            ErrorKind::Timeout(Timeout::Total) => f.write_str("request timeout"),
            ErrorKind::Malformed(m) => write!(f, "malformed response: {m}"),
            ErrorKind::TooLarge { what, limit } => {
                write!(f, "{what} larger than the limit of {limit} bytes")
            }
            ErrorKind::Closed(ClosedAt::BeforeResponse) => {
                f.write_str("connection closed by the server before the response")
            }
            ErrorKind::Closed(ClosedAt::InHead) => {
                f.write_str("connection closed by the server in the middle of the response head")
            }
            ErrorKind::Closed(ClosedAt::InBody) => {
                f.write_str("connection closed by the server in the middle of the response body")
            }
            ErrorKind::TooManyRedirects(n) => write!(f, "stopped after {n} redirects"),
            ErrorKind::Json(e) => write!(f, "json: {e}"),
            ErrorKind::Io(e) => write!(f, "i/o error: {e}"),
            ErrorKind::InvalidProxy(why) => write!(f, "invalid proxy: {why}"),
            ErrorKind::ProxyRefused(status) => {
                write!(f, "proxy refused the CONNECT tunnel: {status}")
            }
            ErrorKind::Decode(why) => write!(f, "cannot decode the response body: {why}"),
            ErrorKind::Status(status) => write!(f, "server answered {status}"),
            ErrorKind::RetriesExhausted { attempts, last } => write!(
                f,
                "gave up after {attempts} attempts (1 try + {} retries); last attempt: {last}",
                attempts - 1
            ),
        }
    }
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Malformed::StatusLine => "invalid status line",
            Malformed::Version => "unsupported HTTP version",
            Malformed::Header => "invalid header line",
            Malformed::TooManyHeaders => "too many headers",
            Malformed::ContentLength => "invalid Content-Length",
            Malformed::ChunkSize => "invalid chunk size line",
            Malformed::ChunkDelimiter => "chunk data not followed by CRLF",
            Malformed::Trailer => "invalid chunked trailer",
        })
    }
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsError::UnknownIssuer => f.write_str(
                "TLS: the server's certificate is not signed by a trusted root (unknown issuer)",
            ),
            TlsError::WrongHost {
                expected,
                presented,
            } if presented.is_empty() => {
                write!(
                    f,
                    "TLS: the server's certificate is not valid for {expected:?}"
                )
            }
            TlsError::WrongHost {
                expected,
                presented,
            } => write!(
                f,
                "TLS: the server's certificate is valid for {}, not for {expected:?}",
                presented.join(", ")
            ),
            TlsError::Expired => f.write_str("TLS: the server's certificate has expired"),
            TlsError::NotYetValid => f.write_str("TLS: the server's certificate is not valid yet"),
            TlsError::Revoked => f.write_str("TLS: the server's certificate was revoked"),
            TlsError::BadCertificate(why) => write!(f, "TLS: bad server certificate: {why}"),
            TlsError::Handshake(why) => write!(f, "TLS handshake failed: {why}"),
            TlsError::InvalidServerName(host) => {
                write!(f, "TLS: {host:?} cannot be used as a server name")
            }
            TlsError::InvalidRootCertificate(why) => write!(f, "invalid root certificate: {why}"),
        }
    }
}

impl std::error::Error for TlsError {}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.kind.last() {
            ErrorKind::Connect(e) | ErrorKind::Io(e) => Some(e),
            ErrorKind::Json(e) => Some(e),
            ErrorKind::Tls(e) => Some(e),
            _ => None,
        }
    }
}

impl ErrorKind {
    /// The failure itself: for `RetriesExhausted`, the last attempt's; otherwise `self`.
    pub fn last(&self) -> &ErrorKind {
        match self {
            ErrorKind::RetriesExhausted { last, .. } => last.last(),
            other => other,
        }
    }
}

impl From<Malformed> for ErrorKind {
    fn from(m: Malformed) -> ErrorKind {
        ErrorKind::Malformed(m)
    }
}
