//! The per-request `Context` (gin's `*gin.Context`): the request, the response
//! writer, the route's parameters, the handler chain with its cursor, and the
//! per-request key/value store.
//!
//! The chain is run by [`Context::next`], exactly like gin's `c.Next()`:
//!
//! ```text
//! index: -1 ──next()──> 0: logger ──next()──> 1: auth ──next()──> 2: handler
//!                         │ (after next returns:   │                  │
//!                         │  log status, latency)  │ abort() => index = 63,
//!                         ▼                        ▼ later handlers skipped
//! ```
//!
//! A middleware that calls `next().await` runs the rest of the chain *inside*
//! its own call and can act after it; one that does not call it lets the loop
//! in `next` move on when it returns. `abort()` moves the cursor to
//! [`ABORT_INDEX`] so no later handler runs.

use std::any::Any;
use std::collections::HashMap;

use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use servemux::{BodyError, BoxFuture, Request, ResponseWriter};

use crate::handler::{HandlerFunc, ABORT_INDEX};

/// Everything a handler sees of one request.
pub struct Context<'e> {
    w: &'e mut ResponseWriter,
    r: &'e mut Request,
    handlers: &'e [HandlerFunc],
    /// gin's `c.index`: position of the running handler; `usize::MAX` before the first.
    index: usize,
    /// (key, start, end): keys borrow the tree, values are ranges of the path.
    params: Vec<(&'e str, usize, usize)>,
    full_path: &'e str,
    keys: HashMap<String, Box<dyn Any + Send + Sync>>,
    errors: Vec<String>,
    /// gin's `serveError` sets the status to 404/405 *before* running the
    /// chain, but a handler may still change it: it is applied lazily, when a
    /// handler touches the writer, unless `status()` replaced it first.
    pending_status: Option<StatusCode>,
    /// The request body, once a binding or form read it (gin caches the parsed form the same
    /// way): the stream can be read only once, and several `post_form` calls need it.
    body: Option<Bytes>,
}

/// Why [`Context::bind_json`] failed.
#[derive(Debug)]
pub enum BindError {
    /// The body could not be read (too large, malformed framing, the client left).
    Body(BodyError),
    /// The body is not the JSON the type wants.
    Json(serde_json::Error),
}

impl std::fmt::Display for BindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BindError::Body(e) => write!(f, "reading the body: {e}"),
            BindError::Json(e) => write!(f, "invalid JSON body: {e}"),
        }
    }
}

impl std::error::Error for BindError {}

impl<'e> Context<'e> {
    pub(crate) fn new(
        w: &'e mut ResponseWriter,
        r: &'e mut Request,
        handlers: &'e [HandlerFunc],
        params: Vec<(&'e str, usize, usize)>,
        full_path: &'e str,
    ) -> Self {
        Context {
            w,
            r,
            handlers,
            index: usize::MAX,
            params,
            full_path,
            keys: HashMap::new(),
            errors: Vec::new(),
            pending_status: None,
            body: None,
        }
    }

    /// Start with `status` as the response status (used by the 404/405 chains).
    pub(crate) fn with_default_status(mut self, status: StatusCode) -> Self {
        self.pending_status = Some(status);
        self
    }

    // ---- the chain -------------------------------------------------------

    /// Run the remaining handlers of the chain (gin's `c.Next()`; the name is
    /// kept on purpose, `Context` is not an iterator).
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> BoxFuture<'_> {
        Box::pin(async move {
            let handlers = self.handlers;
            self.index = self.index.wrapping_add(1);
            while self.index < handlers.len() {
                (handlers[self.index])(self).await;
                self.index = self.index.wrapping_add(1);
            }
        })
    }

    /// Stop the chain: handlers after the current one will not run.
    pub fn abort(&mut self) {
        self.index = ABORT_INDEX;
    }

    /// `abort()` and set the status (gin's `AbortWithStatus`).
    pub fn abort_with_status(&mut self, code: u16) {
        self.status(code);
        self.abort();
    }

    /// Whether `abort()` was called.
    pub fn is_aborted(&self) -> bool {
        self.index >= ABORT_INDEX
    }

    // ---- request ---------------------------------------------------------

    /// The request.
    pub fn request(&self) -> &Request {
        self.r
    }

    /// The request, mutable (e.g. to change headers seen by later handlers).
    pub fn request_mut(&mut self) -> &mut Request {
        self.r
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        self.r.method()
    }

    /// The decoded request path.
    pub fn path(&self) -> &str {
        self.r.path()
    }

    /// The route that matched, e.g. `/user/:name` (gin's `FullPath()`); empty
    /// for 404/405 chains.
    pub fn full_path(&self) -> &str {
        self.full_path
    }

    /// The value of route parameter `key`, or `""` (gin's `c.Param`). A
    /// catch-all value starts with `/`.
    pub fn param(&self, key: &str) -> &str {
        self.params
            .iter()
            .find(|(k, _, _)| *k == key)
            .and_then(|&(_, s, e)| self.r.path().get(s..e))
            .unwrap_or("")
    }

    /// All route parameters in order, as (key, value).
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> {
        let path = self.r.path();
        self.params
            .iter()
            .map(move |&(k, s, e)| (k, path.get(s..e).unwrap_or("")))
    }

    /// The first value of query parameter `key` (gin's `GetQuery`).
    pub fn query(&self, key: &str) -> Option<String> {
        form_urlencoded::parse(self.r.raw_query().as_bytes())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    }

    /// The query value of `key` or `default` (gin's `DefaultQuery`).
    pub fn default_query(&self, key: &str, default: &str) -> String {
        self.query(key).unwrap_or_else(|| default.to_string())
    }

    /// The whole request body, read from the stream the first time and kept for later calls.
    /// Bounded by the body's limit (the server's `max_body_bytes` unless a handler changed it).
    pub async fn body_bytes(&mut self) -> Result<&Bytes, BodyError> {
        if self.body.is_none() {
            self.body = Some(self.r.body_mut().read_to_end(u64::MAX).await?);
        }
        Ok(self.body.get_or_insert_with(Bytes::new))
    }

    /// The first value of form field `key` in a
    /// `application/x-www-form-urlencoded` body (gin's `GetPostForm`).
    pub async fn post_form(&mut self, key: &str) -> Option<String> {
        let is_form = self
            .r
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return None;
        }
        let body = self.body_bytes().await.ok()?;
        form_urlencoded::parse(body)
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    }

    /// Decode the body as JSON; on failure answer 400 and abort (gin's `BindJSON`).
    pub async fn bind_json<T: DeserializeOwned>(&mut self) -> Result<T, BindError> {
        match self.should_bind_json().await {
            Ok(v) => Ok(v),
            Err(e) => {
                self.errors.push(e.to_string());
                self.abort_with_status(400);
                Err(e)
            }
        }
    }

    /// Decode the body as JSON without touching the response (gin's `ShouldBindJSON`).
    pub async fn should_bind_json<T: DeserializeOwned>(&mut self) -> Result<T, BindError> {
        let body = self.body_bytes().await.map_err(BindError::Body)?;
        serde_json::from_slice(body).map_err(BindError::Json)
    }

    /// Errors recorded during the request (gin's `c.Errors`).
    pub fn errors(&self) -> &[String] {
        &self.errors
    }

    // ---- per-request keys ----------------------------------------------

    /// Store a value for later handlers (gin's `c.Set`).
    pub fn set<V: Any + Send + Sync>(&mut self, key: &str, value: V) {
        self.keys.insert(key.to_string(), Box::new(value));
    }

    /// A value stored with [`set`](Self::set), if it has type `V` (gin's `c.Get`).
    pub fn get<V: Any>(&self, key: &str) -> Option<&V> {
        self.keys.get(key).and_then(|v| v.downcast_ref())
    }

    // ---- response --------------------------------------------------------

    /// The response writer.
    pub fn writer(&mut self) -> &mut ResponseWriter {
        if let Some(status) = self.pending_status.take() {
            if !self.w.wrote_header() {
                self.w.write_header(status);
            }
        }
        self.w
    }

    /// The writer (with any pending status applied, as [`writer`](Self::writer)) and the
    /// request at once, for handing both to a servemux handler.
    pub(crate) fn writer_and_request(&mut self) -> (&mut ResponseWriter, &mut Request) {
        self.writer();
        (&mut *self.w, &mut *self.r)
    }

    /// Set the response status (gin's `c.Status`). An invalid code is ignored.
    pub fn status(&mut self, code: u16) {
        self.pending_status = None;
        if let Ok(code) = StatusCode::from_u16(code) {
            if !self.w.wrote_header() {
                self.w.write_header(code);
            }
        }
    }

    /// Set a response header (gin's `c.Header`); invalid values are ignored.
    pub fn header(&mut self, key: &'static str, value: &str) {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.w.header_mut().insert(key, v);
        }
    }

    /// Write `body` with a content type and status.
    pub async fn data(&mut self, code: u16, content_type: &str, body: &[u8]) {
        if let Ok(ct) = HeaderValue::from_str(content_type) {
            self.w
                .header_mut()
                .entry(http::header::CONTENT_TYPE)
                .or_insert(ct);
        }
        self.status(code);
        if let Err(e) = self.w.write(body).await {
            tracing::debug!(error = %e, "response write failed");
        }
    }

    /// Answer with plain text (gin's `c.String`).
    pub async fn string(&mut self, code: u16, body: &str) {
        self.data(code, "text/plain; charset=utf-8", body.as_bytes())
            .await;
    }

    /// Answer with `value` as JSON (gin's `c.JSON`); a value that cannot be
    /// serialised becomes a 500.
    pub async fn json<T: Serialize + ?Sized>(&mut self, code: u16, value: &T) {
        match serde_json::to_vec(value) {
            Ok(body) => {
                self.data(code, "application/json; charset=utf-8", &body)
                    .await
            }
            Err(e) => {
                self.errors.push(e.to_string());
                self.abort_with_status(500);
            }
        }
    }

    /// Redirect to `location` (gin's `c.Redirect`, via Go's `http.Redirect`).
    pub async fn redirect(&mut self, code: u16, location: &str) {
        let Ok(status) = StatusCode::from_u16(code) else {
            return;
        };
        if let Ok(v) = HeaderValue::from_str(location) {
            self.w.header_mut().insert(http::header::LOCATION, v);
        }
        let is_get = self.r.method() == Method::GET;
        let is_head = self.r.method() == Method::HEAD;
        if is_get || is_head {
            self.w.header_mut().insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
        }
        self.status(status.as_u16());
        if is_get {
            let body = crate::redirect::html_body(location, status);
            if let Err(e) = self.w.write(body.as_bytes()).await {
                tracing::debug!(error = %e, "response write failed");
            }
        }
    }
}
