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
