//! # demo — every layer of the workspace, put together
//!
//! The binaries of this crate are the seed's `server_demo.go` (`server`), its client session
//! (`client`) and a load generator (`load`). The library holds what they share, and `report`,
//! which turns the router comparison bench into the Benchmarks chapter's table and chart.

pub mod report;
pub mod routes;
