//! gin's router layer in Rust: the httprouter/gin radix [`Tree`], and on top
//! of it the [`Engine`] (one tree per HTTP method), [`RouterGroup`]s with
//! middleware, the per-request [`Context`] with its `next()`/`abort()` handler
//! chain, and the [`logger`]/[`recovery`] middleware of `gin.Default()`.
//!
//! A route with a parameter, and one request dispatched to it. The engine is a
//! [`servemux::Handler`], so here a servemux recorder stands in for the connection;
//! on a socket the same engine runs on [`servemux::Server`] like any other handler.
//!
//! ```
//! use futures_util::FutureExt;
//! use radix::Engine;
//! use servemux::http::{Method, StatusCode};
//! use servemux::{Handler, Recorder, Request};
//!
//! let mut engine = Engine::new();
//! engine
//!     .get("/users/:name", |c| {
//!         Box::pin(async move {
//!             let body = format!("hello {}", c.param("name"));
//!             c.string(200, &body).await;
//!         })
//!     })
//!     .expect("the route is valid");
//!
//! let mut w = Recorder::new();
//! let mut r = Request::new(Method::GET, "/users/gopher").expect("a valid target");
//! // Nothing in this chain waits for I/O, so one poll runs it to the end.
//! engine.serve_http(w.writer(), &mut r).now_or_never().expect("done in one poll");
//! w.finish(); // what the server does when the handler returns
//! assert_eq!(w.status(), StatusCode::OK);
//! assert_eq!(w.body(), b"hello gopher");
//!
//! // The tree alone: the value stored for the route and the parameters, borrowed from the path.
//! let mut tree = radix::Tree::new();
//! tree.insert("/repos/:owner/:repo", "repo").expect("the route is valid");
//! let m = tree.get("/repos/rust-lang/rust").expect("the route matches");
//! assert_eq!((*m.value, m.params.by_name("repo")), ("repo", "rust"));
//! ```
//!
//! Beyond routing, the context carries what gin users reach for daily: binding with
//! validation ([`Context::should_bind`]), cookies, [`Context::client_ip`] with trusted proxies,
//! the error chain, the renders (XML, YAML, JSON variants, files, SSE, HTML templates),
//! multipart uploads, and [`basic_auth`].
//!
//! With the `internals` feature, `route_table` (the gin differential's route-table server)
//! is public too; radix's own tests and examples turn it on.

#![forbid(unsafe_code)]

mod case_insensitive;
mod error;
mod inline_list;
mod params;
mod printer;
mod tree;

pub use error::InsertError;
pub use params::{Param, Params, INLINE_PARAMS};
pub use tree::{Match, NodeType, NotFound, Tree};

mod context;
mod engine;
mod group;
mod handler;
mod join_paths;
mod middleware;
mod redirect;
#[cfg(feature = "internals")]
pub mod route_table;
mod static_files;

mod basic_auth;
mod binding;
mod client_ip;
mod cookie;
mod errors;
mod form;
pub mod go_json;
mod go_xml;
pub mod go_yaml;
mod multipart;
mod raw_path;
mod render;
mod sse;
mod template;

pub use basic_auth::{authorization_header, basic_auth, basic_auth_for_realm, AUTH_USER_KEY};
pub use binding::{BindError, Binding};
pub use client_ip::{ClientIpConfig, TrustedProxies, TrustedProxyError};
pub use context::Context;
pub use cookie::{go_set_cookie_line, query_escape, query_unescape};
pub use engine::{default_engine, Engine, RouteError, DEFAULT_404_BODY, DEFAULT_405_BODY};
pub use errors::{by_type, errors_string, Error, ErrorType};
pub use group::{RouterGroup, ANY_METHODS};
pub use handler::{handler, HandlerFunc, HandlersChain, ABORT_INDEX};
pub use join_paths::join_paths;
pub use middleware::{logger, recovery};
pub use multipart::{FileHeader, MultipartError, MultipartForm};
pub use render::{
    JSONP_CONTENT_TYPE, JSON_CONTENT_TYPE, SECURE_JSON_PREFIX, XML_CONTENT_TYPE, YAML_CONTENT_TYPE,
};
pub use sse::event_text;
pub use template::TemplateError;
pub use validator::Validate;
