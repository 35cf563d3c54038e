//! The `Engine` (gin's `*gin.Engine`): one radix [`Tree`] per HTTP method, the
//! root router group's middleware, the 404/405 chains, and the request
//! dispatch of gin's `handleHTTPRequest`.
//!
//! Dispatch, in gin's order:
//! 1. find the tree of the request method and look the decoded path up;
//! 2. on a match, run the route's chain;
//! 3. on a miss (not for `CONNECT`, not for `/`): if the tree recommends a
//!    trailing-slash redirect and `redirect_trailing_slash` is on, redirect
//!    (301 for GET, 307 otherwise); else if `redirect_fixed_path` is on and a
//!    case-insensitive lookup of the cleaned path succeeds, redirect there;
//! 4. if `handle_method_not_allowed` is on and another method's tree matches,
//!    answer 405 through the `no_method` chain, with an `Allow` header;
//! 5. otherwise 404 through the `no_route` chain.

use http::{HeaderValue, Method, StatusCode};
use servemux::{BoxFuture, Handler, Request, ResponseWriter};

use std::sync::Arc;

use crate::client_ip::{ClientIpConfig, TrustedProxies, TrustedProxyError};
use crate::context::Context;
use crate::error::InsertError;
use crate::group::RouterGroup;
use crate::handler::{HandlerFunc, HandlersChain, ABORT_INDEX};
use crate::join_paths::join_paths;
use crate::middleware::{logger, recovery};
use crate::params::ParamRanges;
use crate::redirect;
use crate::tree::Tree;

/// gin's `default404Body`.
pub const DEFAULT_404_BODY: &str = "404 page not found";
/// gin's `default405Body`.
pub const DEFAULT_405_BODY: &str = "405 method not allowed";

/// Why a route could not be registered (where gin panics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// The tree refused the path.
    Insert(InsertError),
    /// Group middleware plus route handlers reach gin's limit (`abortIndex` = 63).
    TooManyHandlers {
        /// The route.
        route: String,
        /// How many handlers the chain would have.
        count: usize,
    },
    /// A route needs at least one handler.
    NoHandlers {
        /// The route.
        route: String,
    },
    /// A static route's path holds `:` or `*` (gin: "URL parameters can not be used when serving
    /// a static file/folder").
    StaticParams {
        /// The route.
        route: String,
    },
    /// The method is not a valid HTTP method token.
    InvalidMethod {
        /// The method text.
        method: String,
    },
}

impl std::fmt::Display for RouteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RouteError::Insert(e) => e.fmt(f),
            RouteError::TooManyHandlers { route, count } => write!(
                f,
                "too many handlers for '{route}': {count} (must be fewer than {ABORT_INDEX})"
            ),
            RouteError::NoHandlers { route } => {
                write!(f, "there must be at least one handler for '{route}'")
            }
            RouteError::StaticParams { route } => write!(
                f,
                "URL parameters can not be used when serving a static file or folder: '{route}'"
            ),
            RouteError::InvalidMethod { method } => {
                write!(f, "HTTP method '{method}' is not valid")
            }
        }
    }
}

impl std::error::Error for RouteError {}

impl From<InsertError> for RouteError {
    fn from(e: InsertError) -> Self {
        RouteError::Insert(e)
    }
}

/// gin's engine: routes, middleware, and the not-found behaviour.
pub struct Engine {
    trees: Vec<(Method, Tree<HandlersChain>)>,
    /// The root group's middleware (gin's `engine.RouterGroup.Handlers`).
    pub(crate) middleware: Vec<HandlerFunc>,
    no_route: Vec<HandlerFunc>,
    no_method: Vec<HandlerFunc>,
    all_no_route: HandlersChain,
    all_no_method: HandlersChain,
    /// Redirect `/foo/` to `/foo` (or back) when only the other exists. Default on.
    pub redirect_trailing_slash: bool,
    /// Try a case-insensitive, cleaned lookup and redirect to it. Default off.
    pub redirect_fixed_path: bool,
    /// Answer 405 (with `Allow`) when another method has the route. Default off.
    pub handle_method_not_allowed: bool,
    /// Look routes up in the cleaned path (`//a/../b` finds `/b`). Default off.
    pub remove_extra_slash: bool,
    /// Look routes up in the path as sent (still percent-encoded) when it differs from the
    /// decoded one, so `%2F` in a parameter is not a separator. Default off.
    pub use_raw_path: bool,
    /// With `use_raw_path`, percent-decode parameter values. Default on.
    pub unescape_path_values: bool,
    /// ClientIP's settings: `ForwardedByClientIP`, `RemoteIPHeaders`, `TrustedPlatform` and the
    /// trusted proxies.
    pub client_ip: ClientIpConfig,
    /// What `secure_json` puts before a JSON array (gin's `SecureJsonPrefix`).
    pub secure_json_prefix: String,
    /// The largest multipart part (a file or a text field) accepted; 32 MiB by default, gin's
    /// `MaxMultipartMemory` figure (there a memory threshold, here a hard cap per part).
    pub max_multipart_field_bytes: u64,
    /// Templates loaded by [`load_html_glob`](Self::load_html_glob).
    pub(crate) templates: Option<Arc<minijinja::Environment<'static>>>,
}

/// The routes per method and the settings; handlers are closures and show as counts.
impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let routes: Vec<(&str, usize)> = self
            .trees
            .iter()
            .map(|(m, t)| (m.as_str(), t.len()))
            .collect();
        f.debug_struct("Engine")
            .field("routes", &routes)
            .field("middleware", &self.middleware.len())
            .field("no_route", &self.no_route.len())
            .field("no_method", &self.no_method.len())
            .field("redirect_trailing_slash", &self.redirect_trailing_slash)
            .field("redirect_fixed_path", &self.redirect_fixed_path)
            .field("handle_method_not_allowed", &self.handle_method_not_allowed)
            .field("remove_extra_slash", &self.remove_extra_slash)
            .field("use_raw_path", &self.use_raw_path)
            .field("unescape_path_values", &self.unescape_path_values)
            .field("client_ip", &self.client_ip)
            .field("secure_json_prefix", &self.secure_json_prefix)
            .field("max_multipart_field_bytes", &self.max_multipart_field_bytes)
            .field("templates", &self.templates.is_some())
            .finish()
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

/// gin's `gin.Default()`: an engine with [`logger`] and [`recovery`].
pub fn default_engine() -> Engine {
    let mut e = Engine::new();
    e.use_handler(logger());
    e.use_handler(recovery());
    e
}

impl Engine {
    /// gin's `gin.New()`: no middleware, gin's default settings.
    pub fn new() -> Self {
        Engine {
            trees: Vec::new(),
            middleware: Vec::new(),
            no_route: Vec::new(),
            no_method: Vec::new(),
            all_no_route: Vec::new().into(),
            all_no_method: Vec::new().into(),
            redirect_trailing_slash: true,
            redirect_fixed_path: false,
            handle_method_not_allowed: false,
            remove_extra_slash: false,
            use_raw_path: false,
            unescape_path_values: true,
            client_ip: ClientIpConfig::default(),
            secure_json_prefix: crate::render::SECURE_JSON_PREFIX.to_string(),
            max_multipart_field_bytes: 32 << 20,
            templates: None,
        }
    }

    /// Trust only these proxies (IPs or CIDRs); an empty list trusts none (gin's
    /// `SetTrustedProxies`). On a bad entry, as in gin, the entries before it are trusted and
    /// the error is returned.
    pub fn set_trusted_proxies(&mut self, proxies: &[&str]) -> Result<(), TrustedProxyError> {
        let (nets, err) = TrustedProxies::parse_prefix(proxies);
        self.client_ip.trusted_proxies = nets;
        match err {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }

    /// The route tree of `method`, if any route uses it (for printing).
    pub fn tree(&self, method: &Method) -> Option<&Tree<HandlersChain>> {
        self.trees.iter().find(|(m, _)| m == method).map(|(_, t)| t)
    }

    /// The root group, to register routes and middleware on.
    pub fn root(&mut self) -> RouterGroup<'_> {
        let handlers = self.middleware.clone();
        RouterGroup::new(self, "/".to_string(), handlers)
    }

    /// A group below `relative` that inherits the engine's middleware.
    pub fn group(&mut self, relative: &str) -> RouterGroup<'_> {
        let base = join_paths("/", relative);
        let handlers = self.middleware.clone();
        RouterGroup::new(self, base, handlers)
    }

    /// Add global middleware, also used by the 404/405 chains (gin's `engine.Use`).
    pub fn use_<F>(&mut self, f: F) -> &mut Self
    where
        F: for<'a, 'e> Fn(&'a mut Context<'e>) -> BoxFuture<'a> + Send + Sync + 'static,
    {
        self.use_handler(crate::handler::handler(f))
    }

    /// [`use_`](Self::use_) for an already boxed handler.
    pub fn use_handler(&mut self, h: HandlerFunc) -> &mut Self {
        self.middleware.push(h);
        self.rebuild_error_chains();
        self
    }

    /// Handlers for requests no route matches (gin's `NoRoute`).
    pub fn no_route(&mut self, handlers: Vec<HandlerFunc>) {
        self.no_route = handlers;
        self.rebuild_error_chains();
    }

    /// Handlers for 405s when `handle_method_not_allowed` is on (gin's `NoMethod`).
    pub fn no_method(&mut self, handlers: Vec<HandlerFunc>) {
        self.no_method = handlers;
        self.rebuild_error_chains();
    }

    fn rebuild_error_chains(&mut self) {
        self.all_no_route = self
            .middleware
            .iter()
            .chain(&self.no_route)
            .cloned()
            .collect();
        self.all_no_method = self
            .middleware
            .iter()
            .chain(&self.no_method)
            .cloned()
            .collect();
    }

    /// Register a route handler on the root group.
    pub fn handle<F>(&mut self, method: &str, path: &str, f: F) -> Result<(), RouteError>
    where
        F: for<'a, 'e> Fn(&'a mut Context<'e>) -> BoxFuture<'a> + Send + Sync + 'static,
    {
        self.root().handle(method, path, f)
    }

    /// Register `GET path`.
    pub fn get<F>(&mut self, path: &str, f: F) -> Result<(), RouteError>
    where
        F: for<'a, 'e> Fn(&'a mut Context<'e>) -> BoxFuture<'a> + Send + Sync + 'static,
    {
        self.root().get(path, f)
    }

    /// Register `POST path`.
    pub fn post<F>(&mut self, path: &str, f: F) -> Result<(), RouteError>
    where
        F: for<'a, 'e> Fn(&'a mut Context<'e>) -> BoxFuture<'a> + Send + Sync + 'static,
    {
        self.root().post(path, f)
    }

    /// gin's `engine.addRoute`: put a full chain into the method's tree.
    pub(crate) fn add_route(
        &mut self,
        method: &str,
        path: &str,
        chain: Vec<HandlerFunc>,
    ) -> Result<(), RouteError> {
        let method =
            Method::from_bytes(method.as_bytes()).map_err(|_| RouteError::InvalidMethod {
                method: method.to_string(),
            })?;
        if chain.is_empty() {
            return Err(RouteError::NoHandlers {
                route: path.to_string(),
            });
        }
        if chain.len() >= ABORT_INDEX {
            return Err(RouteError::TooManyHandlers {
                route: path.to_string(),
                count: chain.len(),
            });
        }
        let idx = match self.trees.iter().position(|(m, _)| *m == method) {
            Some(i) => i,
            None => {
                self.trees.push((method, Tree::new()));
                self.trees.len() - 1
            }
        };
        tracing::debug!(route = path, "route registered");
        self.trees[idx].1.insert(path, chain.into())?;
        Ok(())
    }

    /// [`dispatch`](Self::dispatch) boxed, so that a handler can re-enter it (`handle_context`).
    pub(crate) fn dispatch_boxed<'a>(
        &'a self,
        w: &'a mut ResponseWriter,
        r: &'a mut Request,
        path: Option<&'a str>,
    ) -> BoxFuture<'a> {
        Box::pin(self.dispatch(w, r, path))
    }

    /// The path routes are looked up in, and whether parameter values must be percent-decoded
    /// (gin's `rPath` and `unescape`).
    fn lookup_path(&self, r: &Request, path: Option<&str>) -> (String, bool) {
        let mut unescape = false;
        let mut p = match path {
            Some(p) => p.to_string(),
            None if self.use_raw_path && crate::raw_path::go_raw_path(r).is_some() => {
                unescape = self.unescape_path_values;
                r.raw_path().to_string()
            }
            None => r.path().to_string(),
        };
        if self.remove_extra_slash {
            p = servemux::canonical_path(&p).into_owned();
        }
        (p, unescape)
    }

    /// gin's `handleHTTPRequest`; `path_override` replaces the request's path (for
    /// `handle_context`).
    async fn dispatch(&self, w: &mut ResponseWriter, r: &mut Request, path_override: Option<&str>) {
        let method = r.method().clone();
        // The common case looks up the request path itself, and parameters are ranges of it.
        let plain = path_override.is_none() && !self.use_raw_path && !self.remove_extra_slash;
        let (owned_path, unescape) = if plain {
            (String::new(), false)
        } else {
            self.lookup_path(r, path_override)
        };
        let owned = !plain && owned_path != r.path();
        if let Some((_, tree)) = self.trees.iter().find(|(m, _)| *m == method) {
            // Look up, then keep only what outlives the borrow of `r`: the chain and the route
            // (borrowed from the tree) and where each parameter lies in the path.
            let path: &str = if owned { &owned_path } else { r.path() };
            let mut params = ParamRanges::new();
            match tree.lookup(path, &mut params) {
                Ok((chain, full_path)) => {
                    // Looked up in a path other than `r.path()`: the values are copied out.
                    let values = owned.then(|| {
                        params
                            .as_slice()
                            .iter()
                            .map(|p| {
                                let value = owned_path.get(p.range.0..p.range.1).unwrap_or("");
                                if unescape {
                                    crate::raw_path::path_unescape(value)
                                } else {
                                    value.to_string()
                                }
                            })
                            .collect()
                    });
                    let mut c = Context::new(self, w, r, chain, params, full_path)
                        .with_owned_params(values)
                        .with_path_override(path_override.map(str::to_string));
                    c.next().await;
                    return;
                }
                Err(not_found) => {
                    if method != Method::CONNECT && path != "/" {
                        if not_found.tsr && self.redirect_trailing_slash {
                            redirect::trailing_slash(w, r).await;
                            return;
                        }
                        if self.redirect_fixed_path && redirect::fixed_path(w, r, tree).await {
                            return;
                        }
                    }
                }
            }
        }

        if self.handle_method_not_allowed {
            let rpath = if owned { owned_path.as_str() } else { r.path() };
            let allowed: Vec<&str> = self
                .trees
                .iter()
                .filter(|(m, t)| *m != method && t.get(rpath).is_ok())
                .map(|(m, _)| m.as_str())
                .collect();
            if !allowed.is_empty() {
                if let Ok(v) = HeaderValue::from_str(&allowed.join(", ")) {
                    w.header_mut().insert(http::header::ALLOW, v);
                }
                serve_error(
                    self,
                    w,
                    r,
                    &self.all_no_method,
                    StatusCode::METHOD_NOT_ALLOWED,
                    DEFAULT_405_BODY,
                )
                .await;
                return;
            }
        }
        serve_error(
            self,
            w,
            r,
            &self.all_no_route,
            StatusCode::NOT_FOUND,
            DEFAULT_404_BODY,
        )
        .await;
    }
}

impl Handler for Engine {
    fn serve_http<'a>(&'a self, w: &'a mut ResponseWriter, r: &'a mut Request) -> BoxFuture<'a> {
        Box::pin(self.dispatch(w, r, None))
    }
}

/// gin's `serveError`: run the 404/405 chain; if it wrote nothing and left the
/// status alone, answer `code` with gin's plain-text body.
async fn serve_error(
    engine: &Engine,
    w: &mut ResponseWriter,
    r: &mut Request,
    chain: &[HandlerFunc],
    code: StatusCode,
    body: &str,
) {
    {
        let mut c =
            Context::new(engine, w, r, chain, ParamRanges::new(), "").with_default_status(code);
        c.next().await;
    }
    if w.bytes_written() > 0 {
        return;
    }
    if !w.wrote_header() {
        w.write_header(code);
    }
    if w.status() == code {
        w.header_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain"),
        );
        if let Err(e) = w.write(body.as_bytes()).await {
            tracing::debug!(error = %e, "response write failed");
        }
    }
}
