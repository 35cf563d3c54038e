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

use common::http::{self, read_head, read_response};
use common::{Server, WAIT};
use nix::sys::signal::Signal;
use testkit::book::check;

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
