//! What `cargo run -p httpclient --example quickstart` prints, as the HTTP client chapter shows
//! it: the example is built and run as a real process, its stderr (the client's debug lines,
//! through `tracing`) and stdout in one stream, in the order it wrote them.
//!
//! The output goes to `book/src/transcripts/httpclient_quickstart.txt`, after a header line
//! saying when, at which commit, on which machine and by which command it was made; the test
//! fails if a run today prints anything else. Ports and durations change from run to run: the
//! echo server's port is `PORT`, each `TimeDuration` is `DURATION`. Regenerate with
//! `UPDATE_BOOK=1 cargo test -p httpclient --test book_quickstart`.

use std::path::PathBuf;
use std::process::{Command, Stdio};

const REGENERATE: &str = "UPDATE_BOOK=1 cargo test -p httpclient --test book_quickstart";

/// `cargo build --example quickstart`, asking cargo where it put the binary (examples get no
/// `CARGO_BIN_EXE_*` variable, and `cargo test --test x` does not build them).
fn build_example() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--quiet", "--example", "quickstart"])
        .args(["--message-format=json", "--manifest-path", manifest]);
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .expect("run cargo build");
    assert!(out.status.success(), "cargo build failed: {}", out.status);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"name\":\"quickstart\"") && l.contains("\"kind\":[\"example\"]"))
        .find_map(|l| {
            let start = l.find("\"executable\":\"")? + "\"executable\":\"".len();
            let end = l[start..].find('"')? + start;
            Some(PathBuf::from(&l[start..end]))
        })
        .expect("cargo reports the example's executable")
}

/// `line` with the log's timestamp, the loopback port and the measured duration replaced.
fn mask(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    // tracing's timestamp, as `2026-12-02T01:02:43.222124Z `.
    let mut rest = match line.split_once("Z ") {
        Some((stamp, after)) if stamp.len() > 19 && stamp.as_bytes()[10] == b'T' => {
            out.push_str("TIME ");
            after
        }
        _ => line,
    };
    while let Some(at) = rest.find("127.0.0.1:") {
        let (head, tail) = rest.split_at(at + "127.0.0.1:".len());
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(if digits > 0 { "PORT" } else { "" });
        rest = &tail[digits..];
    }
    out.push_str(rest);
    if let Some(at) = out.find("TimeDuration: ") {
        let start = at + "TimeDuration: ".len();
        let end = out[start..].find(' ').map_or(out.len(), |n| start + n);
        out.replace_range(start..end, "DURATION");
    }
    out
}

#[test]
fn the_quickstart_output_in_the_book_is_current() {
    let exe = build_example();
    // One pipe for both streams, so the order is the order of the writes.
    let out = Command::new("sh")
        .arg("-c")
        .arg("\"$0\" 2>&1")
        .arg(&exe)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .output()
        .expect("run the example");
    assert!(out.status.success(), "quickstart failed: {out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let now: String = text.lines().map(|l| mask(l) + "\n").collect();
    check("httpclient_quickstart.txt", &now, REGENERATE);
}

/// Writes (`UPDATE_BOOK=1`) or checks `book/src/transcripts/NAME`: a header line
/// (`# generated DATE at commit HASH on MACHINE by: COMMAND`, the shape `demo`'s generated files
/// have), then `now`.
fn check(name: &str, now: &str, command: &str) {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../book/src/transcripts"
    ))
    .join(name);
    if std::env::var_os("UPDATE_BOOK").is_some() {
        std::fs::write(&path, format!("{}\n{now}", header(command)))
            .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
    let committed =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (first, body) = committed.split_once('\n').unwrap_or((&committed, ""));
    assert!(
        first.starts_with("# generated ") && first.ends_with(&format!(" by: {command}")),
        "{name}: the first line must be a header naming `{command}`, is {first:?}"
    );
    assert!(
        body == now,
        "{name} is stale; regenerate it with `{command}`\n--- printed now ---\n{now}"
    );
}

fn header(command: &str) -> String {
    let run = |cmd: &str, args: &[&str]| {
        Command::new(cmd)
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_else(|| "unknown".into())
    };
    let date = run("date", &["-u", "+%a, %d %b %Y %H:%M:%S GMT"]);
    let mut commit = run("git", &["rev-parse", "--short", "HEAD"]);
    if !run("git", &["status", "--porcelain", "--untracked-files=no"]).is_empty() {
        commit.push('+');
    }
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            let line = info.lines().find(|l| l.starts_with("model name"))?;
            Some(line.split_once(':')?.1.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    format!("# generated {date} at commit {commit} on {model}, {cores} cores by: {command}")
}
