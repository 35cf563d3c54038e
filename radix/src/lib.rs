//! gin's router layer in Rust: the httprouter/gin radix [`Tree`], and on top
//! of it the [`Engine`] (one tree per HTTP method), [`RouterGroup`]s with
//! middleware, the per-request [`Context`] with its `next()`/`abort()` handler
//! chain, and the [`logger`]/[`recovery`] middleware of `gin.Default()`.
//!
//! Beyond routing, the context carries what gin users reach for daily: binding with
//! validation ([`Context::should_bind`]), cookies, [`Context::client_ip`] with trusted proxies,
//! the error chain, the renders (XML, YAML, JSON variants, files, SSE, HTML templates),
//! multipart uploads, and [`basic_auth`].
//!
//! The engine implements [`servemux::Handler`], so it runs on
//! [`servemux::Server`] like any other handler.

mod case_insensitive;
mod error;
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
mod middleware;
mod redirect;
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
pub use group::{join_paths, RouterGroup, ANY_METHODS};
pub use handler::{handler, HandlerFunc, HandlersChain, ABORT_INDEX};
pub use middleware::{logger, recovery};
pub use multipart::{FileHeader, MultipartError, MultipartForm};
pub use render::{
    JSONP_CONTENT_TYPE, JSON_CONTENT_TYPE, SECURE_JSON_PREFIX, XML_CONTENT_TYPE, YAML_CONTENT_TYPE,
};
pub use sse::event_text;
pub use template::TemplateError;
pub use validator::Validate;
