//! The session the Graceful restart chapter opens with, produced by the `restart` example run as
//! a real process: start it, ask who serves, start a slow request, `SIGUSR2`, ask again, let the
//! slow request finish on the old process, `SIGTERM` the new one. What the client did is written
//! as `$ ...` lines, what it got and what the server processes printed (their shared stdout)
//! below each.
//!
//! The session goes to `book/src/transcripts/gracehttp_session.txt`, after a header line saying
//! when, at which commit, on which machine and by which command it was made; the test fails if
//! the session it runs differs from the committed one. Ports and pids change from run to run:
//! the port is `PORT`, the pids `P1`, `P2` in order of appearance. Regenerate with
//! `UPDATE_BOOK=1 cargo test -p gracehttp --test book_session`.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::http::{self, read_head, read_response};
use common::{Server, WAIT};
use nix::sys::signal::Signal;

const REGENERATE: &str = "UPDATE_BOOK=1 cargo test -p gracehttp --test book_session";

/// The session as it is being written: what the client did, and each step's new lines.
struct Session<'s> {
    server: &'s Server,
    /// How many of the server's lines are already in the text.
    seen: usize,
    text: String,
}

impl Session<'_> {
    /// The server's stdout so far, line by line.
    fn lines(&self) -> Vec<String> {
        self.server
            .lines
            .dump()
            .lines()
            .map(|l| l.strip_prefix("  | ").unwrap_or(l).to_string())
            .collect()
    }

    /// Waits for a line containing each of `needles`, then appends every line not yet written.
    /// Lines naming `first` (`[pid: N]`) come before the others: two processes print at once
    /// only during a restart, and each one's own lines keep their order.
    fn printed(&mut self, needles: &[String], first: Option<i32>) {
        for needle in needles {
            assert!(
                self.server.lines.wait_for(needle, WAIT).is_some(),
                "no line {needle:?}:\n{}",
                self.server.lines.dump()
            );
        }
        let lines = self.lines();
        let new = &lines[self.seen..];
        let mine = |l: &String| first.is_some_and(|p| l.contains(&format!("[pid: {p}]")));
        for line in new
            .iter()
            .filter(|l| mine(l))
            .chain(new.iter().filter(|l| !mine(l)))
        {
            self.text.push_str(line);
            self.text.push('\n');
        }
        self.seen = lines.len();
    }

    fn did(&mut self, what: &str) {
        self.text.push_str(&format!("$ {what}\n"));
    }

    /// A response body, on lines of its own (the `/` body has no final newline).
    fn got(&mut self, body: &str) {
        self.text.push_str(body);
        if !body.ends_with('\n') {
            self.text.push('\n');
        }
    }
}

/// `text` with the port and the pids named: `PORT`, and `P1`, `P2`, ... in order of appearance.
/// Only whole numbers are replaced, so a pid inside a longer number stays as it is.
fn mask(text: &str, port: u16, pids: &[i32]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..start]);
        let len = rest[start..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len() - start);
        let number = &rest[start..start + len];
        match pids.iter().position(|p| p.to_string() == number) {
            _ if number == port.to_string() => out.push_str("PORT"),
            Some(i) => out.push_str(&format!("P{}", i + 1)),
            None => out.push_str(number),
        }
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

#[test]
fn the_restart_session_in_the_book_is_current() {
    let server = Server::start(&["--addr", "127.0.0.1:0"], &[]);
    let port = server.port();
    let old = server.first_pid;
    let mut s = Session {
        server: &server,
        seen: 0,
        text: String::new(),
    };
    s.did("cargo run -p gracehttp --example restart -- --addr 127.0.0.1:PORT &");
    s.printed(&[format!("with pid {old}.")], None);

    s.did("curl 127.0.0.1:PORT/");
    s.got(&http::get(port, "/").expect("the server answers").body);

    // The handler flushes its first line, then sleeps: once the head is read, it is in flight.
    s.did("curl '127.0.0.1:PORT/slow?ms=1500' &      # a request that spans the restart");
    let mut slow = http::connect(port).expect("connect");
    http::send(&mut slow, "/slow?ms=1500", false).expect("send");
    read_head(&mut slow).expect("the slow request's head");

    s.did(&format!("kill -USR2 {old}"));
    let (new, _) = server.restart(old);
    s.printed(
        &[
            format!("with pid {new}."),
            format!("[pid: {old}] Waiting for connections to be closed."),
        ],
        Some(old),
    );

    s.did("curl 127.0.0.1:PORT/");
    s.got(&http::get(port, "/").expect("the new process answers").body);

    s.text
        .push_str("# the slow request's answer, from the old process:\n");
    s.got(
        &read_response(&mut slow)
            .expect("the slow request's body")
            .body,
    );
    s.printed(
        &[
            format!("[pid: {old}] All connections has been closed."),
            "Server stopped.".to_string(),
        ],
        None,
    );
    server.wait_exit(old);

    s.did(&format!("kill -TERM {new}"));
    server.signal(new, Signal::SIGTERM);
    server.wait_exit(new);
    s.printed(
        &[format!("[pid: {new}] All connections has been closed.")],
        None,
    );

    check(
        "gracehttp_session.txt",
        &mask(&s.text, port, &[old, new]),
        REGENERATE,
    );
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
