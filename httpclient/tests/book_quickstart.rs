//! What `cargo run -p httpclient --example quickstart` prints, as the HTTP client chapter shows
//! it: the example is built and run as a real process, its stderr (the client's debug lines,
//! through `tracing`) and stdout in one stream, in the order it wrote them.
//!
//! The output goes to `book/src/transcripts/httpclient_quickstart.txt`, after a header line
//! saying when, at which commit, on which machine and by which command it was made; the test
//! fails if a run today prints anything else. Ports and durations change from run to run: the
//! echo server's port is `PORT`, each `TimeDuration` is `DURATION`. Regenerate with
//! `UPDATE_BOOK=1 cargo test -p httpclient --test book_quickstart`.

use std::process::Command;

use testkit::book::check;

const REGENERATE: &str = "UPDATE_BOOK=1 cargo test -p httpclient --test book_quickstart";

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
    let exe = testkit::cargo::example(env!("CARGO_MANIFEST_DIR"), "quickstart");
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
