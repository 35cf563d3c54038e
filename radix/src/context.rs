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
use serde::Serialize;
use servemux::{BodyError, BoxFuture, Request, ResponseWriter};

use crate::engine::Engine;
use crate::errors::{Error, ErrorType};
use crate::handler::{HandlerFunc, ABORT_INDEX};
use crate::multipart::MultipartForm;
use crate::params::ParamRanges;

/// Everything a handler sees of one request.
pub struct Context<'e> {
    pub(crate) w: &'e mut ResponseWriter,
    pub(crate) r: &'e mut Request,
    /// The engine that dispatched the request: its settings (ClientIP, templates) and, for
    /// `handle_context`, its routes.
    engine: &'e Engine,
    handlers: &'e [HandlerFunc],
    /// gin's `c.index`: position of the running handler; `usize::MAX` before the first.
    index: usize,
    /// Keys borrow the tree, values are ranges of the path (inline: no allocation per request).
    params: ParamRanges<'e>,
    /// Parameter values when they are not ranges of `r.path()` (the route was looked up in the
    /// raw or cleaned path): one per entry of `params`, in order.
    owned_params: Option<Vec<String>>,
    full_path: &'e str,
    keys: HashMap<String, Box<dyn Any + Send + Sync>>,
    errors: Vec<Error>,
    /// gin's `c.sameSite`, used by `set_cookie`.
    pub(crate) same_site: Option<cookie::SameSite>,
    /// The path `handle_context` re-dispatched with, which `path()` then reports.
    path_override: Option<String>,
    /// The parsed multipart form, once read (the stream can be read only once).
    pub(crate) multipart: Option<MultipartForm>,
    /// gin's `serveError` sets the status to 404/405 *before* running the
    /// chain, but a handler may still change it: it is applied lazily, when a
    /// handler touches the writer, unless `status()` replaced it first.
    pending_status: Option<StatusCode>,
    /// The request body, once a binding or form read it (gin caches the parsed form the same
    /// way): the stream can be read only once, and several `post_form` calls need it.
    pub(crate) body: Option<Bytes>,
}

/// The request line, the route, its parameters and the chain's position; the writer, the engine
/// and the stored values (`Any`) are left out.
impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let params: Vec<(&str, &str)> = self.params().collect();
        f.debug_struct("Context")
            .field("method", self.r.method())
            .field("path", &self.path())
            .field("full_path", &self.full_path)
            .field("params", &params)
            .field("index", &(self.index as isize))
            .field("handlers", &self.handlers.len())
            .field("keys", &self.keys.len())
            .field("errors", &self.errors)
            .finish_non_exhaustive()
    }
}

impl<'e> Context<'e> {
    pub(crate) fn new(
        engine: &'e Engine,
        w: &'e mut ResponseWriter,
        r: &'e mut Request,
        handlers: &'e [HandlerFunc],
        params: ParamRanges<'e>,
        full_path: &'e str,
    ) -> Self {
        Context {
            w,
            r,
            engine,
            handlers,
            index: usize::MAX,
            params,
            owned_params: None,
            full_path,
            keys: HashMap::new(),
            errors: Vec::new(),
            same_site: None,
            multipart: None,
            path_override: None,
            pending_status: None,
            body: None,
        }
    }

    /// Parameter values that are not ranges of the request path (see `owned_params`).
    pub(crate) fn with_owned_params(mut self, values: Option<Vec<String>>) -> Self {
        self.owned_params = values;
        self
    }

    pub(crate) fn with_path_override(mut self, path: Option<String>) -> Self {
        self.path_override = path;
        self
    }

    /// The engine serving this request.
    pub fn engine(&self) -> &'e Engine {
        self.engine
    }

    /// Dispatch the request again through the engine with the same response writer, looking
    /// routes up in `path` when given (gin's `c.Request.URL.Path = ..; engine.HandleContext(c)`:
    /// servemux's `Request` has no path setter, so the new path is passed here). The new chain
    /// gets a fresh context; this one keeps its position.
    pub fn handle_context<'a>(&'a mut self, path: Option<&'a str>) -> BoxFuture<'a> {
        let engine = self.engine;
        Box::pin(async move {
            engine.dispatch_boxed(self.w, self.r, path).await;
        })
    }

    /// Start with `status` as the response status (used by the 404/405 chains).
    pub(crate) fn with_default_status(mut self, status: StatusCode) -> Self {
        self.pending_status = Some(status);
        self
    }

    // ---- the chain -------------------------------------------------------

    // ANCHOR: next
    /// Run the remaining handlers of the chain (gin's `c.Next()`; the name is
    /// kept on purpose, `Context` is not an iterator).
    ///
    /// Not boxed: each handler already returns a boxed future, which is what lets a middleware
    /// await `next()` inside its own call, so the loop itself can live in the caller's future
    /// and running a chain costs no allocation of its own.
    #[allow(clippy::should_implement_trait)]
    pub async fn next(&mut self) {
        let handlers = self.handlers;
        self.index = self.index.wrapping_add(1);
        while self.index < handlers.len() {
            (handlers[self.index])(self).await;
            self.index = self.index.wrapping_add(1);
        }
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
    // ANCHOR_END: next

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

    /// The decoded request path (or the one `handle_context` was given).
    pub fn path(&self) -> &str {
        self.path_override
            .as_deref()
            .unwrap_or_else(|| self.r.path())
    }

    /// The route that matched, e.g. `/user/:name` (gin's `FullPath()`); empty
    /// for 404/405 chains.
    pub fn full_path(&self) -> &str {
        self.full_path
    }

    /// The value of route parameter `key`, or `""` (gin's `c.Param`). A
    /// catch-all value starts with `/`.
    pub fn param(&self, key: &str) -> &str {
        self.params()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
            .unwrap_or("")
    }

    /// All route parameters in order, as (key, value).
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> {
        let path = self.r.path();
        let owned = self.owned_params.as_deref();
        self.params
            .as_slice()
            .iter()
            .enumerate()
            .map(move |(i, p)| {
                let v = match owned {
                    Some(values) => values.get(i).map(String::as_str).unwrap_or(""),
                    None => path.get(p.range.0..p.range.1).unwrap_or(""),
                };
                (p.key, v)
            })
    }

    /// The first value of query parameter `key` (gin's `GetQuery`).
    pub fn query(&self, key: &str) -> Option<String> {
        form_urlencoded::parse(self.r.raw_query().as_bytes())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    }

    /// Every value of query parameter `key`, in order (gin's `QueryArray`).
    pub fn query_array(&self, key: &str) -> Vec<String> {
        form_urlencoded::parse(self.r.raw_query().as_bytes())
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .collect()
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

    /// Errors recorded during the request (gin's `c.Errors`).
    pub fn errors(&self) -> &[Error] {
        &self.errors
    }

    /// Attach an error to the request (gin's `c.Error(err)`, type private); middleware such as
    /// the logger reads the list after `next()`.
    pub fn error(&mut self, err: impl std::fmt::Display) -> &mut Error {
        self.error_typed(err, ErrorType::Private)
    }

    /// Attach an error of a given type.
    pub fn error_typed(&mut self, err: impl std::fmt::Display, kind: ErrorType) -> &mut Error {
        self.errors.push(Error {
            message: err.to_string(),
            kind,
            meta: None,
        });
        self.errors.last_mut().expect("just pushed")
    }

    /// `error()` plus `abort_with_status` (gin's `AbortWithError`).
    pub fn abort_with_error(&mut self, code: u16, err: impl std::fmt::Display) -> &mut Error {
        self.abort_with_status(code);
        self.error(err)
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

    /// The response headers, without committing a pending status.
    pub fn writer_headers(&mut self) -> &mut http::HeaderMap {
        self.w.header_mut()
    }

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

    /// Answer with `value` as JSON, bytes as Go's `json.Marshal` writes them (gin's `c.JSON`);
    /// a value that cannot be serialised becomes a 500.
    pub async fn json<T: Serialize + ?Sized>(&mut self, code: u16, value: &T) {
        match crate::go_json::marshal(value) {
            Ok(body) => {
                self.data(code, "application/json; charset=utf-8", &body)
                    .await
            }
            Err(e) => self.render_failed(e),
        }
    }

    /// gin's `c.Render` failure path: a render error aborts with 500.
    pub(crate) fn render_failed(&mut self, e: impl std::fmt::Display) {
        self.error_typed(e, ErrorType::Render);
        self.abort_with_status(500);
    }

    /// Redirect to `location` (gin's `c.Redirect`, which is Go's `http.Redirect`: servemux's
    /// [`redirect_relative_to`](servemux::redirect_relative_to), a relative location resolved
    /// against [`path`](Self::path) like Go's against `Request.URL.Path`). An invalid code is
    /// ignored.
    pub async fn redirect(&mut self, code: u16, location: &str) {
        let Ok(status) = StatusCode::from_u16(code) else {
            return;
        };
        // The redirect's status replaces a pending 404/405, as `status` would.
        self.pending_status = None;
        let base = self
            .path_override
            .as_deref()
            .unwrap_or_else(|| self.r.path());
        servemux::redirect_relative_to(self.w, self.r, base, location, status).await;
    }
}
