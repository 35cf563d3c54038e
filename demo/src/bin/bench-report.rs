//! Turns one run of `cargo bench -p demo --bench routers` into the Benchmarks chapter's results:
//! the figures themselves (`book/src/benchmarks-data.json`), markdown tables
//! (`book/src/benchmarks-results.md`) and an SVG chart (`book/src/benchmarks.svg`), stamped with
//! the machine and the date. `tests/book_outputs.rs` checks that the tables and the chart are
//! what the committed figures give.
//!
//! It reads what criterion left behind, `target/criterion/routers/<router>/<set>/new/estimates.json`
//! (the median time of one lookup pass), and the memory figures the bench writes itself to
//! `target/criterion/routers-memory.json`, since criterion measures time only.
//!
//! Run: `cargo run -p demo --bin bench-report` (after the bench), optionally with the criterion
//! directory and the output directory as arguments.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use demo::{chart, report};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let criterion = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(default_criterion_dir);
    let out_dir = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("book/src"));
    let measurements = match report::load(&criterion) {
        Ok(m) if !m.times.is_empty() => m,
        Ok(_) => {
            eprintln!(
                "no results under {}: run `cargo bench -p demo --bench routers` first",
                criterion.display()
            );
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("reading {}: {e}", criterion.display());
            return ExitCode::from(2);
        }
    };
    let stamp = report::stamp();
    let source = format!("bench-report from {}", criterion.display());
    let data = report::Snapshot::new(&measurements, &stamp, &source).to_json();
    let table = report::markdown(&measurements, &stamp);
    let svg = chart::svg(&measurements, &stamp);
    let outputs = [
        ("benchmarks-data.json", data),
        ("benchmarks-results.md", table),
        ("benchmarks.svg", svg),
    ];
    for (name, text) in outputs {
        let path = out_dir.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("writing {}: {e}", path.display());
            return ExitCode::from(2);
        }
        println!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

fn default_criterion_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
        .join("criterion")
}
