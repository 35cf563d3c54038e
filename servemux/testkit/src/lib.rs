//! # testkit — what the workspace's tests and benches share
//!
//! A dev-dependency of every crate, nested in `servemux/` and depending on no crate of the
//! workspace, so that each layer's tests can use it without reaching into another layer:
//!
//! - [`http`]    — reading one HTTP/1.1 response off a socket (`Content-Length`, chunked, or to
//!   the close), blocking or async, as the raw-TCP tests see the server;
//! - [`alloc`]   — a counting global allocator (each test binary declares it) and its meters;
//! - [`go`]      — the Go differential harness: find a toolchain, build a Go twin in GOPATH
//!   mode, start it (or our example) on a route table and wait for its address;
//! - [`paired`]  — the benches' turn-taking measurement: contenders alternate round by round,
//!   and the median of the per-round ratios (with its quartiles) is the figure to quote;
//! - [`rng`]     — the seeded generator the differentials draw tables and requests from;
//! - [`cargo`]   — an example binary of the calling crate, built on demand;
//! - [`book`]    — the book's generated transcripts: written with a dated header under
//!   `UPDATE_BOOK=1`, otherwise checked against what the program prints today;
//! - [`table`]   — the route-table examples' shared `main` (`mux_table`, `pattern_table`,
//!   `gin_table`: the interface the Go differentials drive);
//! - [`routes`]  — the route sets of the router comparison (julienschmidt's `static` and
//!   `github`, and generated ones).
//!
//! ```
//! use testkit::http::Response;
//!
//! let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
//! let (response, used) = Response::parse(raw, false).unwrap();
//! assert_eq!((response.status, response.text().as_str(), used), (200, "hello", raw.len()));
//! ```

pub mod alloc;
pub mod book;
pub mod cargo;
pub mod go;
pub mod http;
pub mod keep_alive;
pub mod paired;
pub mod rng;
pub mod routes;
pub mod table;

pub use alloc::CountingAlloc;
