//! An example binary of the crate under test, for the tests that run an example as other tools
//! do (a route-table server, a tour whose output the book shows).
//!
//! Examples get no `CARGO_BIN_EXE_*` variable, and `cargo test --test x` does not build them, so
//! the test asks cargo to build the example and to say where the binary is; when it is up to
//! date that takes a fraction of a second. Asking cargo (rather than guessing
//! `target/<profile>/examples/NAME`) is right even where two crates have an example of one name.

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// `cargo build --example NAME` for the crate whose manifest folder is `manifest_dir` (pass
/// `env!("CARGO_MANIFEST_DIR")`), in the profile the test was built with; returns the binary.
pub fn example(manifest_dir: &str, name: &str) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "build",
        "--quiet",
        "--message-format=json",
        "--example",
        name,
    ])
    .arg("--manifest-path")
    .arg(format!("{manifest_dir}/Cargo.toml"));
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("running cargo: {e}"));
    assert!(
        out.status.success(),
        "cargo build --example {name} failed: {}",
        out.status
    );
    let name_field = format!("\"name\":\"{name}\"");
    let marker = "\"executable\":\"";
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(&name_field) && l.contains("\"kind\":[\"example\"]"))
        .find_map(|l| {
            let start = l.find(marker)? + marker.len();
            let end = l[start..].find('"')? + start;
            Some(PathBuf::from(&l[start..end]))
        })
        .unwrap_or_else(|| panic!("cargo did not report example {name}'s executable"))
}

/// Runs example `name` with `args` and returns its stdout, failing the test (with its stderr)
/// if it does not exit successfully.
pub fn run_example(manifest_dir: &str, name: &str, args: &[&str]) -> String {
    let out = Command::new(example(manifest_dir, name))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running example {name}: {e}"));
    assert!(
        out.status.success(),
        "example {name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
