//! gin's router layer in Rust: the httprouter/gin radix [`Tree`], and on top
//! of it the [`Engine`] (one tree per HTTP method), [`RouterGroup`]s with
//! middleware, the per-request [`Context`] with its `next()`/`abort()` handler
//! chain, and the [`logger`]/[`recovery`] middleware of `gin.Default()`.
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

pub use context::{BindError, Context};
pub use engine::{default_engine, Engine, RouteError, DEFAULT_404_BODY, DEFAULT_405_BODY};
pub use group::{join_paths, RouterGroup, ANY_METHODS};
pub use handler::{handler, HandlerFunc, HandlersChain, ABORT_INDEX};
pub use middleware::{logger, recovery};
