//! The book's generated files: a program's output, committed under `book/src/transcripts/` with
//! a first line that says when, where and how it was made, and checked against what the program
//! prints today.
//!
//! The first line is `# generated DATE at commit HASH on MACHINE by: COMMAND`. It changes with
//! every regeneration, so the check compares everything after it, and only requires the first
//! line to have that shape. `UPDATE_BOOK=1` rewrites the file instead (header included).

use std::path::PathBuf;
use std::process::Command;
use std::time::SystemTime;

/// Where the book's generated files live (the workspace's `book/`, two folders above this crate).
pub fn transcripts_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../book/src/transcripts"
    ))
}

/// Writes (`UPDATE_BOOK=1`) or checks `book/src/transcripts/NAME`: its body must be `now`, and
/// its first line a header naming `command`.
pub fn check(name: &str, now: &str, command: &str) {
    let path = transcripts_dir().join(name);
    if std::env::var_os("UPDATE_BOOK").is_some() {
        std::fs::write(&path, format!("{}\n{now}", header(command)))
            .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
    let committed =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (first, body) = committed.split_once('\n').unwrap_or((&committed, ""));
    assert!(
        first.starts_with("# generated ") && first.contains(" at commit ") && first.ends_with(&format!(" by: {command}")),
        "book/src/transcripts/{name}: the first line must be a header naming `{command}`, is {first:?}"
    );
    assert!(
        body == now,
        "book/src/transcripts/{name} is stale; regenerate it with `{command}`\n--- printed now ---\n{now}"
    );
}

/// `# generated DATE at commit HASH on MACHINE by: COMMAND`.
pub fn header(command: &str) -> String {
    format!(
        "# generated {} at commit {} on {} by: {command}",
        httpdate::fmt_http_date(SystemTime::now()),
        commit(),
        machine()
    )
}

/// The commit the workspace's working tree was at (`+` when it had uncommitted changes).
fn commit() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let hash = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    if dirty {
        format!("{hash}+")
    } else {
        hash
    }
}

/// The CPU model and how many cores this process may use, from `/proc/cpuinfo`.
fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    format!("{model}, {cores} cores")
}
