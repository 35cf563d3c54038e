//! One request through every layer of the demo, told by the layers themselves: what
//! `cargo run -p demo --example request_tour` prints, and the "Putting it together" chapter shows.
//!
//! [`render`] serves the demo application (`demo::app::system()`) on a `servemux::Server` bound to an
//! ephemeral loopback port, sends `GET /demo/args/123` with `httpclient`, and prints every
//! tracing event the request caused, in order, with the module that emitted it. Each module is a
//! layer: `httpclient` on the way out and back, `servemux::conn` reading the request and writing
//! the response, `controller::system` finding the route, `controller::lifecycle` running
//! before -> action -> after -> destruct.
//!
//! Ports and durations change from run to run, so they are replaced by `PORT` and `DURATION`;
//! what is left is the same every time, and `tests/book_outputs.rs` checks that
//! `examples/request_tour.txt` (the copy the book shows) is what this returns today.

use std::io;
use std::sync::{Arc, Mutex};

use httpclient::Client;
use servemux::Server;
use tracing_subscriber::fmt::MakeWriter;

/// The request the tour follows.
pub const PATH: &str = "/demo/args/123";

/// Collects formatted tracing lines in memory, so the tour can print them after the fact.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl io::Write for Lines {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'w> MakeWriter<'w> for Lines {
    type Writer = Lines;

    fn make_writer(&'w self) -> Lines {
        self.clone()
    }
}

// ANCHOR: tour
/// Runs the tour and returns what the book shows: the tracing lines, then the response.
pub fn render() -> String {
    let lines = Lines::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(lines.clone())
        .with_env_filter("servemux=debug,controller=debug,httpclient=debug")
        .with_ansi(false)
        .without_time()
        .finish();
    // Only this thread's events, and one thread for server and client: the order is causal.
    let _guard = tracing::subscriber::set_default(subscriber);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");

    let (status, body) = rt.block_on(async {
        let system = crate::app::system().expect("the demo route table");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind an ephemeral port");
        let addr = listener.local_addr().expect("local address");
        // A `Server` is a handle: clones share one server, so one serves and one shuts down.
        let server = Server::new(system);
        let serving = tokio::spawn({
            let server = server.clone();
            async move { server.serve(listener).await }
        });

        let resp = Client::new()
            .get(format!("http://{addr}{PATH}"))
            .send()
            .await
            .expect("the demo answers");

        let _ = server.shutdown(std::time::Duration::from_secs(1)).await;
        let _ = serving.await;
        (resp.status().as_u16(), resp.text().to_string())
    });

    let log =
        String::from_utf8_lossy(&lines.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned();
    let mut out = String::new();
    for line in log.lines() {
        out.push_str(&wrap(&normalize(line), WIDTH));
    }
    out.push_str(&format!("\n-- response: {status}\n{body}"));
    out
}
// ANCHOR_END: tour

/// The widest line the book's listings hold (see `book/check_html.py`).
const WIDTH: usize = 100;

/// `line` broken at spaces into lines of at most `width` characters, the continuations indented
/// by four, each ending in a newline: a tracing line carries its fields at the end, and a reader
/// must see them without scrolling.
fn wrap(line: &str, width: usize) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    let mut indent = "";
    while indent.len() + rest.chars().count() > width {
        let room = width - indent.len();
        let cut = rest
            .char_indices()
            .take_while(|(i, _)| *i <= room)
            .filter(|(_, c)| *c == ' ')
            .map(|(i, _)| i)
            .last();
        let Some(cut) = cut.filter(|&i| i > 0) else {
            break; // one word longer than the line: leave it whole
        };
        out.push_str(indent);
        out.push_str(&rest[..cut]);
        out.push('\n');
        rest = &rest[cut + 1..];
        indent = "    ";
    }
    out.push_str(indent);
    out.push_str(rest);
    out.push('\n');
    out
}

/// Replaces what changes between runs: loopback ports and the client's measured duration.
fn normalize(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("127.0.0.1:") {
        let (head, tail) = rest.split_at(at + "127.0.0.1:".len());
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(if digits > 0 { "PORT" } else { "" });
        rest = &tail[digits..];
    }
    out.push_str(rest);
    match out.find("TimeDuration: ") {
        Some(at) => {
            let start = at + "TimeDuration: ".len();
            let end = out[start..].find(' ').map_or(out.len(), |n| start + n);
            out.replace_range(start..end, "DURATION");
            out
        }
        None => out,
    }
}
