//! # demo — every layer of the workspace, put together
//!
//! The binaries of this crate are the seed's `server_demo.go` (`server`), its client session
//! (`client`) and a load generator (`load`). The library holds what they share:
//!
//! - `app`    — the demo controllers, their context and the route table;
//! - `golog`, `duration`, `idgen` — the client session's output in the Go client's format, and
//!   goinbox's trace ids for its log line;
//! - `report` — turning the router comparison bench's results into the Benchmarks chapter's tables;
//! - `chart`  — drawing the same results as the chapter's chart;
//! - `tour`   — one request followed through every layer by its tracing events.

pub mod app;
pub mod chart;
pub mod duration;
pub mod golog;
pub mod idgen;
pub mod report;
pub mod tour;
