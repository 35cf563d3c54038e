//! The route-table server behind `examples/route_table.rs` (see DESIGN.md):
//! each line `METHOD PATH` becomes a route of an [`Engine`] with gin's
//! defaults, answering 200 with `METHOD FULLPATH` and then `\nKEY=VALUE` for
//! each parameter in order. The same table served by gin 1.8.1 must give the
//! same status, `Location` and body for every request.

use crate::engine::{Engine, RouteError};

/// Why a table was refused.
#[derive(Debug)]
pub enum TableError {
    /// A line is not `METHOD PATH`.
    Syntax {
        /// 1-based line number.
        line: usize,
        /// The line.
        text: String,
    },
    /// The engine refused a route (conflict, bad wildcard, ...).
    Route {
        /// 1-based line number.
        line: usize,
        /// The reason.
        error: Box<RouteError>,
    },
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TableError::Syntax { line, text } => {
                write!(f, "line {line}: expected 'METHOD PATH', got '{text}'")
            }
            TableError::Route { line, error } => write!(f, "line {line}: {error}"),
        }
    }
}

impl std::error::Error for TableError {}

/// The (method, path) routes of a table, with line numbers.
pub fn parse_table(table: &str) -> Result<Vec<(usize, String, String)>, TableError> {
    let mut out = Vec::new();
    for (i, raw) in table.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        match (parts.next(), parts.next(), parts.next()) {
            (Some(m), Some(p), None) => out.push((i + 1, m.to_string(), p.to_string())),
            _ => {
                return Err(TableError::Syntax {
                    line: i + 1,
                    text: line.to_string(),
                })
            }
        }
    }
    Ok(out)
}

// ANCHOR: table
/// An engine (gin's defaults, no middleware) serving every route of `table`.
pub fn engine_from_table(table: &str) -> Result<Engine, TableError> {
    let mut engine = Engine::new();
    for (line, method, path) in parse_table(table)? {
        engine
            .handle(&method, &path, |c| {
                Box::pin(async move {
                    let mut body = format!("{} {}", c.method(), c.full_path());
                    for (key, value) in c.params() {
                        body.push_str(&format!("\n{key}={value}"));
                    }
                    c.string(200, &body).await;
                })
            })
            .map_err(|error| TableError::Route {
                line,
                error: Box::new(error),
            })?;
    }
    Ok(engine)
}
// ANCHOR_END: table
