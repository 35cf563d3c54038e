//! `RequestBuilder`: one request being put together, then sent.
//!
//! goinbox builds a request with `NewRequest(method, url, body, ip, extHeaders)` and sends it
//! with `client.Do(req, retry)`. Here the same information is given by chained calls —
//! `client.post(url, body).header(k, v).send().await` — and a mistake in a header name is
//! remembered and reported by `send`, so the chain never has to stop for a `?`.

use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::Serialize;

use crate::body::Body;
use crate::client::Client;
use crate::error::{Error, ErrorKind};
use crate::response::Response;
use crate::stream::StreamingResponse;

/// A request under construction. Created by [`Client::get`], [`Client::post`],
/// [`Client::head`] or [`Client::request`]; finished by [`RequestBuilder::send`].
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder<'c> {
    client: &'c Client,
    pub(crate) parts: RequestParts,
    error: Option<ErrorKind>,
}

/// The finished request, as the client's send loop sees it.
#[derive(Debug)]
pub(crate) struct RequestParts {
    pub method: Method,
    pub url: String,
    pub headers: HeaderMap,
    pub body: Body,
    /// `Some` overrides the client's total timeout (`Some(None)` disables it).
    pub timeout: Option<Option<Duration>>,
    /// `Some` overrides "retry only idempotent methods".
    pub retry: Option<bool>,
    /// `Some` overrides the client's retry count.
    pub retries: Option<u32>,
    /// `Some` overrides the client's trace id in the log line.
    pub trace_id: Option<String>,
}

impl<'c> RequestBuilder<'c> {
    pub(crate) fn new(client: &'c Client, method: Method, url: String) -> Self {
        RequestBuilder {
            client,
            parts: RequestParts {
                method,
                url,
                headers: HeaderMap::new(),
                body: Body::Bytes(Bytes::new()),
                timeout: None,
                retry: None,
                retries: None,
                trace_id: None,
            },
            error: None,
        }
    }

    /// Adds a header. An invalid name or value makes `send` fail with `InvalidHeader`.
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        HeaderName: TryFrom<K>,
        HeaderValue: TryFrom<V>,
    {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(n), Ok(v)) => {
                self.parts.headers.append(n, v);
            }
            _ => self.error = Some(ErrorKind::InvalidHeader),
        }
        self
    }

    /// Adds all of `headers` (goinbox's `extHeaders`).
    pub fn headers(mut self, headers: HeaderMap) -> Self {
        self.parts.headers.extend(headers);
        self
    }

    /// Sets the body. `Content-Length` is always computed from it.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.parts.body = Body::Bytes(body.into());
        self
    }

    /// Sends the body from a stream, with `Transfer-Encoding: chunked`. Such a request is sent
    /// at most once: it is not retried and a 307/308 redirect is returned, not followed.
    pub fn body_stream<S>(mut self, stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        self.parts.body = Body::Stream(Box::pin(stream));
        self
    }

    /// Sets a form body, `application/x-www-form-urlencoded` (goinbox's
    /// `MakeRequestBodyUrlEncoded`). Pairs keep their order; keys may repeat.
    pub fn form<I, K, V>(mut self, pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.parts.body = Body::Bytes(Bytes::from(encoded));
        self.parts.headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        self
    }

    /// Sets a JSON body from any `Serialize` value, with `Content-Type: application/json`.
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => {
                self.parts.body = Body::Bytes(Bytes::from(bytes));
                self.parts
                    .headers
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            Err(e) => self.error = Some(ErrorKind::Json(e)),
        }
        self
    }

    /// Overrides the client's total timeout for this request (`None` for no deadline).
    pub fn timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.parts.timeout = Some(d.into());
        self
    }

    /// Whether to retry once on a fresh connection if the pooled connection this request was
    /// sent on turns out to have been closed by the server — and, with `retries(n)`, whether
    /// the request may be retried at all. Default: Go's `isReplayable` — yes for GET, HEAD,
    /// OPTIONS, TRACE and for requests with an `Idempotency-Key` header, no otherwise. A stream
    /// body is never sent twice, whatever this says.
    pub fn retry_if_closed(mut self, yes: bool) -> Self {
        self.parts.retry = Some(yes);
        self
    }

    /// Retries this request up to `n` more times (overrides the client's `retries`).
    pub fn retries(mut self, n: u32) -> Self {
        self.parts.retries = Some(n);
        self
    }

    /// The trace id this request's debug line starts with (`<id> [HttpClient] Host: …`),
    /// overriding the client's.
    pub fn trace_id(mut self, id: impl Into<String>) -> Self {
        self.parts.trace_id = Some(id.into());
        self
    }

    /// Sends the request and reads the whole response.
    pub async fn send(self) -> Result<Response, Error> {
        if let Some(kind) = self.error {
            return Err(Error::new(kind, self.parts.url));
        }
        self.client.execute(self.parts).await
    }

    /// Sends the request and returns as soon as the response head is in; the body is then
    /// read piece by piece from the [`StreamingResponse`].
    pub async fn send_streaming(self) -> Result<StreamingResponse, Error> {
        if let Some(kind) = self.error {
            return Err(Error::new(kind, self.parts.url));
        }
        self.client.execute_streaming(self.parts).await
    }
}
