//! [`PatternMux`]: Go 1.22's `http.ServeMux` — registration with the conflict check, and the
//! lookup around the routing tree (Go's `registerErr`, `findHandler`, `matchOrRedirect`,
//! `exactMatch` and `matchingMethods` in `net/http/server.go`).
//!
//! A lookup, in the order [`PatternMux::handler`] applies the rules:
//!
//! 1. CONNECT requests are matched as sent (host with its port, path not cleaned); every other
//!    request by its host without the port and its escaped path made canonical;
//! 2. no exact match for `/tree`, but `/tree/` would match exactly: a redirect to `/tree/`;
//! 3. a non-canonical path (`//a`, `/a/../b`): a redirect to the canonical one;
//! 4. a match: the handler, with the pattern and the wildcard values put on the request;
//! 5. no match, but some pattern matches the path under other methods: 405 with `Allow`;
//! 6. else 404 `404 page not found`.
//!
//! The redirects answer `307 Temporary Redirect`, as the Go release the differential test runs
//! (1.27.3) does; Go 1.22 answered `301`. Registration takes `&self` behind an [`RwLock`], like
//! Go's `mu`, so patterns may be added while serving.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::{Arc, RwLock, RwLockReadGuard};

use http::header::{self, HeaderValue};
use http::{Method, StatusCode, Version};

use super::conflict::{conflicts, describe_conflict};
use super::index::Index;
use super::pattern::{unescape, ParseError, Pattern};
use super::route::RouteMatch;
use super::tree::Node;
use crate::clean_path::{canonical_path, strip_host_port};
use crate::not_found::{reply_error, NotFoundHandler};
use crate::redirect::{escape_path, RedirectHandler};
use crate::{handler_fn, BoxFuture, Handler, Request, ResponseWriter};

/// A pattern could not be registered. Go panics in these cases; we return the reason, worded as
/// Go's panic message is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternError {
    /// The empty string (Go: `http: invalid pattern`).
    Empty,
    /// Not a pattern (Go: `parsing "P": at offset N: REASON`).
    Parse {
        /// The pattern as given.
        pattern: String,
        /// Where and why parsing failed.
        error: ParseError,
    },
    /// Matches some request that an already registered pattern matches too, and neither is more
    /// specific (Go: `pattern "P" (registered at L) conflicts with pattern "Q" ...`).
    Conflict {
        /// The pattern being registered.
        pattern: String,
        /// Where it was registered (`file:line` of the `handle` call).
        registered_at: String,
        /// The registered pattern it conflicts with.
        existing: String,
        /// Where that one was registered.
        existing_at: String,
        /// Go's explanation: the two match the same requests, or an example path for each.
        description: String,
    },
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatternError::Empty => write!(f, "http: invalid pattern"),
            PatternError::Parse { pattern, error } => write!(f, "parsing {pattern:?}: {error}"),
            PatternError::Conflict {
                pattern,
                registered_at,
                existing,
                existing_at,
                description,
            } => write!(
                f,
                "pattern {pattern:?} (registered at {registered_at}) conflicts with pattern \
                 {existing:?} (registered at {existing_at}):\n{description}"
            ),
        }
    }
}

impl std::error::Error for PatternError {}

/// One registered pattern.
struct Route {
    pattern: Arc<Pattern>,
    /// The pattern text and wildcard names, shared with every [`RouteMatch`] of this route.
    text: Arc<str>,
    names: Arc<[String]>,
    handler: Arc<dyn Handler>,
    registered_at: String,
}

/// What the lock protects: Go's `tree` and `index`, plus the routes by number.
#[derive(Default)]
struct Table {
    tree: Node,
    index: Index,
    routes: Vec<Route>,
    /// `depths[n]`: some pattern has `n` segments. Only such a pattern can match a cleaned path
    /// with `n` slashes exactly, so the trailing-slash redirect's second lookup is skipped for
    /// every other depth (Go always makes it).
    depths: Vec<bool>,
}

/// What a lookup found, before it is turned into a handler.
enum Outcome {
    /// A pattern matched: its number and the wildcard values in pattern order.
    Route(usize, Vec<String>),
    /// A 307 to `url`; `pattern` is what Go reports as the pattern for it.
    Redirect {
        url: String,
        pattern: String,
    },
    /// Only other methods match: the `Allow` header value.
    MethodNotAllowed(String),
    NotFound,
}

/// An HTTP request multiplexer with Go 1.22's patterns (see the module docs).
///
/// ```
/// use servemux::{PatternMux, Request, http::Method};
///
/// let mux = PatternMux::new();
/// mux.handle_func("GET /repos/{owner}/{repo}", |w, r| Box::pin(async move {
///     let _ = w.write(r.path_value("repo").unwrap_or("").as_bytes()).await;
/// }))?;
/// let (_, pattern) = mux.handler(&Request::new(Method::GET, "/repos/rust-lang/rust")?);
/// assert_eq!(&*pattern, "GET /repos/{owner}/{repo}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct PatternMux {
    table: RwLock<Table>,
    not_found: Arc<dyn Handler>,
    /// The pattern reported when nothing matched; shared so a 404 costs no allocation.
    no_pattern: Arc<str>,
}

impl Default for PatternMux {
    fn default() -> Self {
        PatternMux::new()
    }
}

impl fmt::Debug for PatternMux {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PatternMux")
            .field("patterns", &self.patterns())
            .finish()
    }
}

impl PatternMux {
    /// An empty mux: every request gets a 404.
    pub fn new() -> PatternMux {
        PatternMux {
            table: RwLock::new(Table::default()),
            not_found: Arc::new(NotFoundHandler),
            no_pattern: Arc::from(""),
        }
    }

    // ANCHOR: handle
    /// Registers `handler` for `pattern` (Go's `Handle`), returning an error where Go panics:
    /// a bad pattern, or one that conflicts with a registered pattern.
    #[track_caller]
    pub fn handle(&self, pattern: &str, handler: impl Handler) -> Result<(), PatternError> {
        let at = std::panic::Location::caller();
        self.register(
            pattern,
            Arc::new(handler),
            format!("{}:{}", at.file(), at.line()),
        )
    }
    // ANCHOR_END: handle

    /// Registers a closure for `pattern` (Go's `HandleFunc`); see [`handler_fn`].
    #[track_caller]
    pub fn handle_func<F>(&self, pattern: &str, f: F) -> Result<(), PatternError>
    where
        F: for<'a> Fn(&'a mut ResponseWriter, &'a mut Request) -> BoxFuture<'a>
            + Send
            + Sync
            + 'static,
    {
        let at = std::panic::Location::caller();
        self.register(
            pattern,
            Arc::new(handler_fn(f)),
            format!("{}:{}", at.file(), at.line()),
        )
    }

    // ANCHOR: register
    fn register(
        &self,
        text: &str,
        handler: Arc<dyn Handler>,
        registered_at: String,
    ) -> Result<(), PatternError> {
        if text.is_empty() {
            return Err(PatternError::Empty);
        }
        let pattern = Pattern::parse(text).map_err(|error| PatternError::Parse {
            pattern: text.to_owned(),
            error,
        })?;
        let mut t = self.table.write().unwrap_or_else(|e| e.into_inner());
        // Compare with the registered patterns the index says might meet this one.
        let t_ref = &*t;
        t_ref.index.candidates(&pattern, |id| {
            let old = &t_ref.routes[id];
            if conflicts(&pattern, &old.pattern) {
                return Err(PatternError::Conflict {
                    pattern: text.to_owned(),
                    registered_at: registered_at.clone(),
                    existing: old.pattern.to_string(),
                    existing_at: old.registered_at.clone(),
                    description: describe_conflict(&pattern, &old.pattern),
                });
            }
            Ok(())
        })?;
        let id = t.routes.len();
        let pattern = Arc::new(pattern);
        t.tree.add(pattern.clone(), id);
        t.index.add(&pattern, id);
        let depth = pattern.segments().len();
        if t.depths.len() <= depth {
            t.depths.resize(depth + 1, false);
        }
        t.depths[depth] = true;
        t.routes.push(Route {
            text: pattern.text_arc().clone(),
            names: pattern.wildcard_names().map(str::to_owned).collect(),
            pattern,
            handler,
            registered_at,
        });
        Ok(())
    }
    // ANCHOR_END: register

    /// The handler for `r` and the pattern Go would report for it (Go's `mux.Handler(r)`):
    /// for a redirect the pattern that matches after it, for a 404 or 405 the empty string.
    pub fn handler(&self, r: &Request) -> (Arc<dyn Handler>, Arc<str>) {
        let (h, m) = self.resolve(r);
        let pattern = m.pattern.unwrap_or_else(|| self.no_pattern.clone());
        (h, pattern)
    }

    /// The handler for `r` and what the handler will find on the request.
    fn resolve(&self, r: &Request) -> (Arc<dyn Handler>, RouteMatch) {
        let t = self.read();
        match t.find(r) {
            Outcome::Route(id, values) => {
                let route = &t.routes[id];
                (
                    route.handler.clone(),
                    RouteMatch::new(&route.text, &route.names, values),
                )
            }
            Outcome::Redirect { url, pattern } => (
                Arc::new(RedirectHandler::new(url, StatusCode::TEMPORARY_REDIRECT)),
                RouteMatch::pattern_only(pattern),
            ),
            Outcome::MethodNotAllowed(allow) => {
                (Arc::new(MethodNotAllowed(allow)), RouteMatch::default())
            }
            Outcome::NotFound => (self.not_found.clone(), RouteMatch::default()),
        }
    }

    /// Every registered pattern, in registration order.
    pub fn patterns(&self) -> Vec<String> {
        self.read()
            .routes
            .iter()
            .map(|r| r.pattern.to_string())
            .collect()
    }

    /// The routing tree, drawn one node per line (see the `pattern_tree` example).
    pub fn render_tree(&self) -> String {
        self.read().tree.render()
    }

    /// Number of registered patterns.
    pub fn len(&self) -> usize {
        self.read().routes.len()
    }

    /// Whether nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn read(&self) -> RwLockReadGuard<'_, Table> {
        // Every registration is complete before it becomes visible, so a poisoned lock still
        // guards a consistent table.
        self.table.read().unwrap_or_else(|e| e.into_inner())
    }
}

impl Table {
    // ANCHOR: find_handler
    /// Go's `findHandler`, without building handlers.
    fn find(&self, r: &Request) -> Outcome {
        let method = r.method().as_str();
        let escaped = escaped_path(r);
        let query = r.raw_query();
        if r.method() == Method::CONNECT {
            // The /tree -> /tree/ redirect applies to CONNECT, path canonicalization does not;
            // Go reports the redirect's unescaped path as its pattern.
            let host = url_host(r);
            if let Err(to) = self.match_or_redirect(host, method, &escaped, Some(query)) {
                let pattern = unescape(&to).map_or_else(|| to.clone(), Cow::into_owned);
                return Outcome::Redirect {
                    url: url_from_escaped(&to, query),
                    pattern,
                };
            }
            // Matched again with the Host as sent, port included, and no redirect.
            return match self.match_or_redirect(r.host(), method, &escaped, None) {
                Ok(Some(found)) => found,
                _ => self.not_matched(host, &escaped),
            };
        }
        let host = strip_host_port(r.host());
        let path = canonical_path(&escaped);
        let found = match self.match_or_redirect(host, method, &path, Some(query)) {
            Err(to) => {
                let pattern = self.pattern_of(host, method, &to);
                return Outcome::Redirect {
                    url: url_from_escaped(&to, query),
                    pattern,
                };
            }
            Ok(found) => found,
        };
        if *path != *escaped {
            let pattern = match &found {
                Some(Outcome::Route(id, _)) => self.routes[*id].pattern.to_string(),
                _ => String::new(),
            };
            return Outcome::Redirect {
                url: url_from_escaped(&path, query),
                pattern,
            };
        }
        found.unwrap_or_else(|| self.not_matched(host, &path))
    }
    // ANCHOR_END: find_handler

    // ANCHOR: match_or_redirect
    /// Go's `matchOrRedirect`: the match for `path`, or — when that is not an exact match and
    /// `path + "/"` matches exactly — `Err(path + "/")`, the target of a trailing-slash redirect.
    /// `query` is `None` when no redirect may be answered.
    fn match_or_redirect(
        &self,
        host: &str,
        method: &str,
        path: &str,
        query: Option<&str>,
    ) -> Result<Option<Outcome>, String> {
        let mut matches = Vec::new();
        let leaf = self.tree.find(host, method, path, &mut matches);
        let exact = leaf.is_some_and(|l| exact_match(&l.pattern, path));
        if !exact
            && query.is_some()
            && !path.ends_with('/')
            && !path.is_empty()
            && self.has_depth(path.bytes().filter(|&b| b == b'/').count() + 1)
        {
            let with_slash = format!("{path}/");
            let mut scratch = Vec::new();
            let leaf2 = self.tree.find(host, method, &with_slash, &mut scratch);
            if leaf2.is_some_and(|l| exact_match(&l.pattern, &with_slash)) {
                return Err(with_slash);
            }
        }
        Ok(leaf.map(|l| Outcome::Route(l.id, matches.into_iter().map(Cow::into_owned).collect())))
    }
    // ANCHOR_END: match_or_redirect

    /// Whether some pattern has `n` segments (see `depths`).
    fn has_depth(&self, n: usize) -> bool {
        self.depths.get(n).copied().unwrap_or(false)
    }

    /// The pattern that matches `path` (for a redirect's reported pattern).
    fn pattern_of(&self, host: &str, method: &str, path: &str) -> String {
        let mut scratch = Vec::new();
        self.tree
            .find(host, method, path, &mut scratch)
            .map(|l| l.pattern.to_string())
            .unwrap_or_default()
    }

    /// No pattern matched: 405 if other methods would match `path` (or `path/`), else 404
    /// (Go's `matchingMethods`; the `Allow` list is sorted and comma-separated).
    fn not_matched(&self, host: &str, path: &str) -> Outcome {
        let mut methods = BTreeSet::new();
        self.tree.matching_methods(host, path, &mut methods);
        if !path.ends_with('/') {
            self.tree
                .matching_methods(host, &format!("{path}/"), &mut methods);
        }
        if methods.is_empty() {
            return Outcome::NotFound;
        }
        Outcome::MethodNotAllowed(methods.into_iter().collect::<Vec<_>>().join(", "))
    }
}

/// Go's `exactMatch`: whether `path` matched `p` itself rather than only through its trailing
/// multi wildcard — a pattern without one always does; `/a/` matched by `/a/` does too, but not
/// by `/a/b`.
fn exact_match(p: &Pattern, path: &str) -> bool {
    if !p.ends_in_multi() {
        return true;
    }
    if !path.is_empty() && !path.ends_with('/') {
        return false;
    }
    p.segments().len() == path.bytes().filter(|&b| b == b'/').count()
}

/// Go's `r.URL.EscapedPath()`: the path as sent when it is a valid encoding, else the decoded
/// path escaped again; empty when the target had no path (`CONNECT host:443`, `GET http://h`).
fn escaped_path(r: &Request) -> Cow<'_, str> {
    let raw = r.raw_path();
    if raw.is_empty() || valid_encoded(raw) {
        return Cow::Borrowed(raw);
    }
    if r.path() == "*" {
        return Cow::Borrowed("*");
    }
    let mut s = String::with_capacity(raw.len() + 8);
    escape_path(r.path(), &mut s);
    Cow::Owned(s)
}

/// Go's `validEncoded(s, encodePath)`: every byte is one a path may carry unescaped, or `%`.
fn valid_encoded(s: &str) -> bool {
    s.bytes().all(|b| PATH_BYTE[b as usize])
}

/// The bytes `valid_encoded` lets through, one lookup per byte of every request's path.
static PATH_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric();
        b += 1;
    }
    let extra = b"-_.~$&+,/:;=@!'()*[]%";
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    t
};

/// Go's `urlFromEscaped(escaped, query).String()`: the redirect target.
fn url_from_escaped(escaped: &str, query: &str) -> String {
    let mut s = if valid_encoded(escaped) && unescape(escaped).is_some() {
        escaped.to_owned()
    } else {
        let mut s = String::new();
        escape_path(&unescape(escaped).unwrap_or(Cow::Borrowed(escaped)), &mut s);
        s
    };
    if !query.is_empty() {
        s.push('?');
        s.push_str(query);
    }
    s
}

/// Go's `r.URL.Host`: the authority of an absolute-form or authority-form target, else empty.
fn url_host(r: &Request) -> &str {
    if r.target().starts_with('/') || r.target() == "*" {
        ""
    } else {
        r.host()
    }
}

/// The 405 answer: `Allow` with the methods that would match, then Go's `http.Error` body.
struct MethodNotAllowed(String);

impl Handler for MethodNotAllowed {
    fn serve_http<'a>(&'a self, w: &'a mut ResponseWriter, _r: &'a mut Request) -> BoxFuture<'a> {
        Box::pin(async move {
            if let Ok(v) = HeaderValue::from_str(&self.0) {
                w.header_mut().insert(header::ALLOW, v);
            }
            reply_error(w, "Method Not Allowed", StatusCode::METHOD_NOT_ALLOWED).await;
        })
    }
}

impl Handler for PatternMux {
    // ANCHOR: serve_http
    fn serve_http<'a>(&'a self, w: &'a mut ResponseWriter, r: &'a mut Request) -> BoxFuture<'a> {
        Box::pin(async move {
            // `OPTIONS *` names no resource a pattern could match.
            if r.target() == "*" {
                if r.version() >= Version::HTTP_11 {
                    w.header_mut()
                        .insert(header::CONNECTION, HeaderValue::from_static("close"));
                }
                w.write_header(StatusCode::BAD_REQUEST);
                return;
            }
            let (h, route) = self.resolve(r);
            r.route = route;
            h.serve_http(w, r).await;
        })
    }
    // ANCHOR_END: serve_http
}
