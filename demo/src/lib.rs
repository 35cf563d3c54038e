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
//!
//! ```
//! // The seed's route table: `/demo/args/123` and `/test/args/123` reach an `args` action.
//! let router = demo::app::router().unwrap();
//! let table = demo::app::route_table(&router);
//! assert!(table.lines().any(|l| l.starts_with("^/demo/args/([0-9]+)$") && l.contains("demo/args")));
//! assert_eq!(router.resolve("/test/args/123").unwrap().args, ["123"]);
//! ```

#![forbid(unsafe_code)]

pub mod app;
pub mod chart;
pub mod duration;
pub mod golog;
pub mod idgen;
pub mod report;
