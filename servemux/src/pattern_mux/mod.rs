//! Go 1.22's `http.ServeMux`: patterns with methods, hosts and wildcards, most specific wins.
//!
//! The 1.19 mux ([`ServeMux`](crate::ServeMux)) stays as it is; this one lives beside it as
//! [`PatternMux`], a separate type a program picks by name (where Go switches one type with
//! `GODEBUG=httpmuxgo121`). One idea per file:
//!
//! - `pattern`  — parsing `[METHOD ][HOST]/[PATH]` into segments (Go's `parsePattern`);
//! - `conflict` — comparing two patterns: more specific, more general, or in conflict;
//! - `index`    — which registered patterns a new one must be compared with;
//! - `children` — a node's literal children: a short vector, a hash map when many;
//! - `tree`     — the routing tree keyed by host, method and segments, and the lookup;
//! - `mux`      — [`PatternMux`]: registration, redirects, 405 with `Allow`, 404;
//! - `route`    — [`RouteMatch`] and `Request::path_value` / `pattern`.

mod children;
mod conflict;
mod index;
mod mux;
mod pattern;
mod route;
mod tree;

pub use conflict::{compare_paths_and_methods, Relationship};
pub use mux::{PatternError, PatternMux};
pub use pattern::{ParseError, Pattern, Segment};
pub use route::RouteMatch;
