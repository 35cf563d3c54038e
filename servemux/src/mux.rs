//! The request multiplexer: Go 1.19's `http.ServeMux`.
//!
//! A [`ServeMux`] is itself a [`Handler`]: the server hands it every request and it forwards each
//! one to the handler registered for the best pattern. Go keeps two structures, and so do we:
//!
//! ```text
//!   m  : HashMap<pattern, entry>   every pattern, for the exact match tried first
//!   es : Vec<entry>                only patterns ending in '/', longest first
//! ```
//!
//! A pattern ending in `/` names a subtree (`/images/` matches `/images/cat.png`); any other
//! pattern names one path. Because `es` is sorted longest first, the first entry that prefixes
//! the path is the longest one, so the search can stop there. That scan is linear in the number
//! of subtree patterns — the price Go pays for a router with no tree at all.
//!
//! Around the lookup sit Go's rules, in the order [`ServeMux::handler`] applies them:
//!
//! 1. CONNECT requests are matched as sent; every other path is first made canonical
//!    ([`canonical_path`](crate::canonical_path)) and the port is stripped from the host;
//! 2. `/tree` with no pattern of its own but a `/tree/` pattern gets a 301 to `/tree/`;
//! 3. a non-canonical path gets a 301 to the canonical one;
//! 4. patterns with a host (`example.com/x/`) are tried before host-less ones;
//! 5. nothing matched: 404 `404 page not found`.
//!
//! Registration takes `&self` behind an [`RwLock`], like Go's `mu sync.RWMutex`, so handlers may
//! be added while the server is already serving: share the mux as an `Arc<ServeMux>`.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock, RwLockReadGuard};

use http::header::{self, HeaderValue};
use http::{Method, StatusCode, Version};
use rustc_hash::FxBuildHasher;

use crate::clean_path::{canonical_path, strip_host_port};
use crate::not_found::NotFoundHandler;
use crate::redirect::{url_string, RedirectHandler};
use crate::{handler_fn, BoxFuture, Handler, Request, ResponseWriter};

/// A pattern could not be registered. Go panics in these cases; we return the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MuxError {
    /// The pattern is the empty string (Go: `http: invalid pattern`).
    EmptyPattern,
    /// The pattern is already registered (Go: `http: multiple registrations for ...`).
    DuplicatePattern(String),
    /// The pattern starts neither with `/` nor with a host: its part before the first `/` holds
    /// a byte no valid `Host` may carry (Go's `httpguts.ValidHostHeader` set), so no request
    /// could ever match it. Go accepts such a pattern and silently never uses it.
    InvalidPattern(String),
}

impl fmt::Display for MuxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MuxError::EmptyPattern => write!(f, "servemux: invalid pattern: empty"),
            MuxError::DuplicatePattern(p) => {
                write!(f, "servemux: multiple registrations for {p}")
            }
            MuxError::InvalidPattern(p) => write!(
                f,
                "servemux: invalid pattern {p:?}: must start with '/' or a host"
            ),
        }
    }
}

impl std::error::Error for MuxError {}

/// One registered pattern and its handler (Go's `muxEntry`).
#[derive(Clone)]
struct MuxEntry {
    h: Arc<dyn Handler>,
    pattern: Arc<str>,
}

/// What the lock protects: Go's `m`, `es` and `hosts`.
#[derive(Default)]
struct Table {
    /// Every pattern, for the exact match. Hashed with Fx, not SipHash: the keys are the
    /// patterns the program registers, and a request only looks up, which cannot lengthen a
    /// bucket chain; so the keyed hash would buy nothing and cost most of an exact-match look-up.
    m: HashMap<Arc<str>, MuxEntry, FxBuildHasher>,
    /// Patterns ending in `/`, longest first.
    es: Vec<MuxEntry>,
    /// Whether any pattern starts with a host; if none does, the host is never looked at.
    hosts: bool,
}

/// An HTTP request multiplexer with Go 1.19's matching rules (see the module docs).
///
/// ```
/// use servemux::{ServeMux, Request, http::Method};
///
/// let mux = ServeMux::new();
/// mux.handle_func("/images/", |w, _r| Box::pin(async move { let _ = w.write(b"img").await; }))?;
/// mux.handle_func("/images/logo.png", |w, _r| Box::pin(async move { let _ = w.write(b"logo").await; }))?;
///
/// let (_, pattern) = mux.handler(&Request::new(Method::GET, "/images/cat.png")?);
/// assert_eq!(&*pattern, "/images/");
/// let (_, pattern) = mux.handler(&Request::new(Method::GET, "/images/logo.png")?);
/// assert_eq!(&*pattern, "/images/logo.png");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ServeMux {
    table: RwLock<Table>,
    not_found: Arc<dyn Handler>,
    /// The pattern reported when nothing matched; shared so a 404 costs no allocation.
    no_pattern: Arc<str>,
}

impl Default for ServeMux {
    fn default() -> Self {
        ServeMux::new()
    }
}

impl fmt::Debug for ServeMux {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.read();
        let mut exact: Vec<&str> = t.m.keys().map(|k| &**k).collect();
        exact.sort_unstable();
        f.debug_struct("ServeMux")
            .field("m", &exact)
            .field("es", &t.es.iter().map(|e| &*e.pattern).collect::<Vec<_>>())
            .field("hosts", &t.hosts)
            .finish()
    }
}

impl ServeMux {
    /// An empty mux (Go's `http.NewServeMux()`): every request gets a 404.
    pub fn new() -> ServeMux {
        ServeMux {
            table: RwLock::new(Table::default()),
            not_found: Arc::new(NotFoundHandler),
            no_pattern: Arc::from(""),
        }
    }

    // ANCHOR: handle
    /// Registers `handler` for `pattern` (Go's `Handle`), returning an error where Go panics.
    pub fn handle(&self, pattern: &str, handler: impl Handler) -> Result<(), MuxError> {
        if pattern.is_empty() {
            return Err(MuxError::EmptyPattern);
        }
        if !starts_with_slash_or_host(pattern) {
            return Err(MuxError::InvalidPattern(pattern.to_owned()));
        }
        let mut t = self.table.write().unwrap_or_else(|e| e.into_inner());
        if t.m.contains_key(pattern) {
            return Err(MuxError::DuplicatePattern(pattern.to_owned()));
        }
        let e = MuxEntry {
            h: Arc::new(handler),
            pattern: Arc::from(pattern),
        };
        t.m.insert(e.pattern.clone(), e.clone());
        if pattern.ends_with('/') {
            // Go's appendSorted: after every entry at least as long, so `es` stays longest first.
            let i = t.es.partition_point(|x| x.pattern.len() >= pattern.len());
            t.es.insert(i, e);
        }
        if !pattern.starts_with('/') {
            t.hosts = true;
        }
        Ok(())
    }
    // ANCHOR_END: handle

    /// Registers a closure for `pattern` (Go's `HandleFunc`); see [`handler_fn`].
    pub fn handle_func<F>(&self, pattern: &str, f: F) -> Result<(), MuxError>
    where
        F: for<'a> Fn(&'a mut ResponseWriter, &'a mut Request) -> BoxFuture<'a>
            + Send
            + Sync
            + 'static,
    {
        self.handle(pattern, handler_fn(f))
    }

    // ANCHOR: handler
    /// The handler for `r` and the pattern it was registered with (Go's `mux.Handler(r)`).
    ///
    /// Always returns a handler: for a redirect it is an internal [`RedirectHandler`] and the
    /// pattern is the one that will match after the redirect; when nothing matches it is the
    /// [`NotFoundHandler`] and the pattern is empty.
    pub fn handler(&self, r: &Request) -> (Arc<dyn Handler>, Arc<str>) {
        let t = self.read();
        let path = url_path(r);

        // CONNECT requests are not canonicalized, but the /tree -> /tree/ redirect applies.
        if r.method() == Method::CONNECT {
            if let Some(to) = t.redirect_to_path_slash(url_host(r), path) {
                return moved_permanently(&to, r.raw_query(), Arc::from(to.as_str()));
            }
            return self.lookup(&t, r.host(), path);
        }

        let host = strip_host_port(r.host());
        let clean = canonical_path(path);
        // Fast path for the common case — no host patterns, canonical path — giving the same
        // answer as the rules below with one map probe instead of three.
        if !t.hosts && clean == path && !host.starts_with('/') {
            return self.route_canonical(&t, path, r.raw_query());
        }
        if let Some(to) = t.redirect_to_path_slash(host, &clean) {
            return moved_permanently(&to, r.raw_query(), Arc::from(to.as_str()));
        }
        if clean != path {
            let (_, pattern) = self.lookup(&t, host, &clean);
            return moved_permanently(&clean, r.raw_query(), pattern);
        }
        self.lookup(&t, host, path)
    }
    // ANCHOR_END: handler

    /// The rules for a canonical path when no pattern has a host: an exact hit is never
    /// redirected; on a miss, `path + "/"` being registered means the `/tree` redirect; else the
    /// `es` scan.
    fn route_canonical(&self, t: &Table, path: &str, query: &str) -> (Arc<dyn Handler>, Arc<str>) {
        if let Some(e) = t.m.get(path) {
            return (e.h.clone(), e.pattern.clone());
        }
        if !path.ends_with('/') && concat(path, "/", "", |k| t.m.contains_key(k)) {
            let to = format!("{path}/");
            return moved_permanently(&to, query, Arc::from(to.as_str()));
        }
        match t.es.iter().find(|e| path.starts_with(&*e.pattern)) {
            Some(e) => (e.h.clone(), e.pattern.clone()),
            None => (self.not_found.clone(), self.no_pattern.clone()),
        }
    }

    /// Go's `mux.handler(host, path)`: host-specific patterns first, then host-less ones, else
    /// the not-found handler.
    fn lookup(&self, t: &Table, host: &str, path: &str) -> (Arc<dyn Handler>, Arc<str>) {
        let hit = if t.hosts {
            concat(host, path, "", |key| t.find(key)).or_else(|| t.find(path))
        } else {
            t.find(path)
        };
        match hit {
            Some(e) => (e.h.clone(), e.pattern.clone()),
            None => (self.not_found.clone(), self.no_pattern.clone()),
        }
    }

    /// The patterns ending in `/`, in the order they are tried (Go's `es`): longest first.
    pub fn prefix_patterns(&self) -> Vec<String> {
        self.read()
            .es
            .iter()
            .map(|e| e.pattern.to_string())
            .collect()
    }

    /// Every registered pattern (the keys of Go's `m`), sorted.
    pub fn patterns(&self) -> Vec<String> {
        let mut all: Vec<String> = self.read().m.keys().map(|k| k.to_string()).collect();
        all.sort_unstable();
        all
    }

    /// Number of registered patterns.
    pub fn len(&self) -> usize {
        self.read().m.len()
    }

    /// Whether nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn read(&self) -> RwLockReadGuard<'_, Table> {
        // A panic while holding the write lock leaves the table consistent (every insert is one
        // step), so a poisoned lock is still safe to read.
        self.table.read().unwrap_or_else(|e| e.into_inner())
    }
}

impl Table {
    // ANCHOR: match
    /// Go's `mux.match`: exact match first, else the longest `/`-suffixed prefix.
    fn find(&self, path: &str) -> Option<&MuxEntry> {
        if let Some(e) = self.m.get(path) {
            return Some(e);
        }
        // `es` is sorted longest first, so the first prefix found is the longest.
        self.es.iter().find(|e| path.starts_with(&*e.pattern))
    }
    // ANCHOR_END: match

    // ANCHOR: should_redirect
    /// Go's `shouldRedirectRLocked` + `redirectToPathSlash`: `Some(path + "/")` when `path + "/"`
    /// is registered (with or without the host) but `path` itself is not.
    fn redirect_to_path_slash(&self, host: &str, path: &str) -> Option<String> {
        if path.is_empty() || path.ends_with('/') {
            return None;
        }
        let registered = |a: &str, b: &str, c: &str| concat(a, b, c, |k| self.m.contains_key(k));
        // `host + path` can only name a pattern if some pattern has a host. (A host starting
        // with `/` cannot come from a valid request, but Go would still look it up.)
        let with_host = !host.is_empty() && (self.hosts || host.starts_with('/'));
        if self.m.contains_key(path) || with_host && registered(host, path, "") {
            return None;
        }
        if registered(path, "/", "") || with_host && registered(host, path, "/") {
            return Some(format!("{path}/"));
        }
        None
    }
    // ANCHOR_END: should_redirect
}

/// Whether `pattern` starts with `/` or with a host: every byte before the first `/` is one Go
/// accepts in a `Host` header. A host-only pattern such as `example.com:443` is valid: it
/// matches `CONNECT example.com:443`, whose path is empty.
fn starts_with_slash_or_host(pattern: &str) -> bool {
    let host = pattern.split('/').next().unwrap_or("");
    host.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!$%&'()*+,-.:;=[]_~".contains(&b))
}

/// Calls `f` with `a + b + c`, built on the stack when short: Go concatenates `host + path` on
/// every look-up, we avoid the allocation.
fn concat<R>(a: &str, b: &str, c: &str, f: impl FnOnce(&str) -> R) -> R {
    const STACK: usize = 256;
    let len = a.len() + b.len() + c.len();
    if len <= STACK {
        let mut buf = [0u8; STACK];
        buf[..a.len()].copy_from_slice(a.as_bytes());
        buf[a.len()..a.len() + b.len()].copy_from_slice(b.as_bytes());
        buf[a.len() + b.len()..len].copy_from_slice(c.as_bytes());
        // Joining whole `str`s yields UTF-8, so this never takes the `Err` arm.
        if let Ok(key) = std::str::from_utf8(&buf[..len]) {
            return f(key);
        }
    }
    f(&format!("{a}{b}{c}"))
}

/// A 301 to `path` with the request's query, as Go's `RedirectHandler(u.String(), 301)`.
fn moved_permanently(
    path: &str,
    raw_query: &str,
    pattern: Arc<str>,
) -> (Arc<dyn Handler>, Arc<str>) {
    let to = url_string(path, raw_query);
    (
        Arc::new(RedirectHandler::new(to, StatusCode::MOVED_PERMANENTLY)),
        pattern,
    )
}

/// Go's `r.URL.Path`: empty when the target carried no path (`CONNECT host:443`,
/// `GET http://host`), which our [`Request::path`] reports as `/`.
fn url_path(r: &Request) -> &str {
    if r.raw_path().is_empty() {
        ""
    } else {
        r.path()
    }
}

/// Go's `r.URL.Host`: the authority of an absolute-form or authority-form target, else empty.
fn url_host(r: &Request) -> &str {
    if r.target().starts_with('/') || r.target() == "*" {
        ""
    } else {
        r.host()
    }
}

impl Handler for ServeMux {
    // ANCHOR: serve_http
    fn serve_http<'a>(&'a self, w: &'a mut ResponseWriter, r: &'a mut Request) -> BoxFuture<'a> {
        Box::pin(async move {
            // `OPTIONS *` (or any `*` target) names no resource a pattern could match.
            if r.target() == "*" {
                if r.version() >= Version::HTTP_11 {
                    w.header_mut()
                        .insert(header::CONNECTION, HeaderValue::from_static("close"));
                }
                w.write_header(StatusCode::BAD_REQUEST);
                return;
            }
            let (h, _) = self.handler(r);
            h.serve_http(w, r).await;
        })
    }
    // ANCHOR_END: serve_http
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> impl Handler {
        handler_fn(|_w, _r| Box::pin(async {}))
    }

    #[test]
    fn registration_errors() {
        let mux = ServeMux::new();
        assert_eq!(mux.handle("", ok()), Err(MuxError::EmptyPattern));
        assert_eq!(
            mux.handle("exa mple.com/", ok()),
            Err(MuxError::InvalidPattern("exa mple.com/".into()))
        );
        mux.handle("example.com:443", ok()).unwrap();
        mux.handle("/a/", ok()).unwrap();
        assert_eq!(
            mux.handle("/a/", ok()),
            Err(MuxError::DuplicatePattern("/a/".into()))
        );
        assert_eq!(
            MuxError::DuplicatePattern("/a/".into()).to_string(),
            "servemux: multiple registrations for /a/"
        );
        mux.handle("example.com/", ok()).unwrap();
        assert_eq!(mux.len(), 3);
    }

    #[test]
    fn es_is_sorted_longest_first() {
        let mux = ServeMux::new();
        for p in [
            "/",
            "/a/b/c/",
            "/a/",
            "/exact",
            "/a/b/",
            "/zz/",
            "h.org/a/b/",
        ] {
            mux.handle(p, ok()).unwrap();
        }
        assert_eq!(
            mux.prefix_patterns(),
            ["h.org/a/b/", "/a/b/c/", "/a/b/", "/zz/", "/a/", "/"]
        );
    }
}
