//! One request through every layer of the stack, told by the layers themselves: the book's
//! second chapter ("One request, every layer") shows what this prints.
//!
//! ```sh
//! cargo run -p demo --example request_tour
//! ```
//!
//! Four scenes, on one current-thread runtime so the events come out in causal order:
//!
//! 1. start-up: the controller router reads the demo's route table;
//! 2. `GET /demo/args/123` served by the demo application (`demo::app::system()`) on a
//!    `servemux::Server` bound to an ephemeral loopback port, sent by `httpclient`: the accept
//!    (the server's `ConnState` hook), the connection loop, the controller's dispatch and
//!    lifecycle, the response, and the client's log line;
//! 3. the same request through the two other routers, Go 1.19's `ServeMux` and gin's radix
//!    `Engine`, each in front of a handler that writes the same greeting;
//! 4. what a restart does to the client's keep-alive connection: a second server starts
//!    accepting on the *same* listening socket (as the child of a `gracehttp` restart does) and
//!    the first one drains (`Server::shutdown`, the call `gracehttp`'s parent makes once its
//!    child is ready). The fork and exec themselves are the Graceful restart chapter's; here the
//!    two servers are two values in one process, so the trace fits on a page.
//!
//! Ports and durations change from run to run, so they are replaced by `PORT`, `DURATION` and
//! `LATENCY`; what is left is the same every time, and `tests/book_outputs.rs` checks that the
//! book's copy (`book/src/transcripts/request_tour.txt`) is what this prints today.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use httpclient::Client;
use servemux::{Config, ConnState, Handler, ServeMux, Server};
use tracing_subscriber::fmt::MakeWriter;

/// The request the tour follows.
const PATH: &str = "/demo/args/123";

/// Collects formatted tracing lines in memory, so the tour can print them after the fact.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl Lines {
    /// Everything collected since the last call, normalized and wrapped for the book. Ports are
    /// named in the order they first appear in this batch (`PORT1`, `PORT2`, ...), so a reader
    /// can tell the server's port from the client's, and one connection from the next.
    fn take(&self) -> String {
        let bytes = std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()));
        let mut ports = Vec::new();
        let mut out = String::new();
        for line in String::from_utf8_lossy(&bytes).lines() {
            out.push_str(&wrap(&normalize(line, &mut ports), WIDTH));
        }
        out
    }
}

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

// ANCHOR: traced_server
/// A server whose `ConnState` hook (Go's `Server.ConnState`) reports each connection's states
/// as events of target `conn_state`, naming the server: the accept is the `New` state.
fn traced_server(name: &'static str, handler: impl Handler) -> Server {
    let hook = Arc::new(move |remote: SocketAddr, state: ConnState| {
        tracing::debug!(target: "conn_state", server = name, %remote, ?state);
    });
    Server::with_conn_state(handler, Config::default(), hook)
}
// ANCHOR_END: traced_server

/// The greeting the seed's `ArgsAction` writes, from a handler outside the controller layer.
async fn greet(w: &mut servemux::ResponseWriter, id: &str) {
    let _ = w
        .write(format!("Hi, Client! Your data is: {id}\n").as_bytes())
        .await;
}

/// Go 1.19's ServeMux in front of the greeting: `/demo/args/` is a subtree pattern, so the
/// path's last segment is the argument.
fn mux() -> ServeMux {
    let mux = ServeMux::new();
    mux.handle_func("/demo/args/", |w, r| {
        Box::pin(async move {
            let id = r.path().rsplit('/').next().unwrap_or("").to_string();
            tracing::debug!(target: "tour::handler", pattern = "/demo/args/", %id, "mux handler");
            greet(w, &id).await;
        })
    })
    .expect("a valid pattern");
    mux
}

/// gin's engine in front of the greeting: `:id` is a parameter; `logger()` is gin's Logger.
fn engine() -> radix::Engine {
    let mut engine = radix::Engine::new();
    engine.use_handler(radix::logger());
    engine
        .get("/demo/args/:id", |c| {
            Box::pin(async move {
                let id = c.param("id").to_string();
                tracing::debug!(target: "tour::handler", route = "/demo/args/:id", %id, "gin handler");
                c.string(200, &format!("Hi, Client! Your data is: {id}\n")).await;
            })
        })
        .expect("a valid route");
    engine
}

/// A std listener on an ephemeral loopback port, and a second handle to the same socket (what
/// a `gracehttp` child inherits on descriptor 3).
fn shared_socket() -> (std::net::TcpListener, std::net::TcpListener) {
    let first = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    first.set_nonblocking(true).expect("non-blocking");
    let second = first.try_clone().expect("a second handle to the socket");
    (first, second)
}

fn tokio_listener(l: std::net::TcpListener) -> tokio::net::TcpListener {
    tokio::net::TcpListener::from_std(l).expect("a tokio listener")
}

/// Serves `handler` on a fresh port while `client` sends one GET for `PATH`; returns status
/// and body.
async fn one_request(server: Server, client: &Client) -> (u16, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind an ephemeral port");
    let addr = listener.local_addr().expect("local address");
    // A `Server` is a handle: clones share one server, so one serves and one shuts down.
    let serving = tokio::spawn({
        let server = server.clone();
        async move { server.serve(listener).await }
    });
    let resp = client
        .get(format!("http://{addr}{PATH}"))
        .send()
        .await
        .expect("the server answers");
    let _ = server.shutdown(Duration::from_secs(1)).await;
    let _ = serving.await;
    (resp.status().as_u16(), resp.text().to_string())
}

// ANCHOR: tour
/// Runs the tour: each scene's name, and its events followed by its response, as the book shows
/// them.
fn scenes() -> Vec<(&'static str, String)> {
    let lines = Lines::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(lines.clone())
        .with_env_filter(
            "servemux=debug,controller=debug,httpclient=debug,radix=info,conn_state=debug,\
             tour=debug",
        )
        .with_ansi(false)
        .without_time()
        .finish();
    // Only this thread's events, and one thread for server and client: the order is causal.
    let _guard = tracing::subscriber::set_default(subscriber);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut scenes = Vec::new();
    let mut out = String::new();

    out.push_str("== 1. start-up: the controller router reads the demo's route table\n");
    let system = demo::app::system().expect("the demo route table");
    out.push_str(&lines.take());
    scenes.push(("startup", std::mem::take(&mut out)));

    out.push_str(
        "== 2. GET /demo/args/123: accept, connection loop, controller, response, client\n",
    );
    let client = Client::new();
    let (status, body) = rt.block_on(one_request(traced_server("demo", system), &client));
    out.push_str(&lines.take());
    out.push_str(&format!("-- response: {status}\n{body}"));
    scenes.push(("request", std::mem::take(&mut out)));

    out.push_str("== 3. the same request through Go 1.19's ServeMux, then gin's radix engine\n");
    for server in [Server::new(mux()), Server::new(engine())] {
        let (status, body) = rt.block_on(one_request(server, &client));
        out.push_str(&lines.take());
        out.push_str(&format!("-- response: {status}\n{body}"));
    }
    scenes.push(("routers", std::mem::take(&mut out)));

    // ANCHOR: restart
    out.push_str("== 4. a restart: a new server takes the socket, the old one drains\n");
    // Both processes' route tables, built before the scene: their start-up lines are scene 1's.
    let old_system = demo::app::system().expect("the demo route table");
    let new_system = demo::app::system().expect("the demo route table");
    let _ = lines.take();
    let (status, body) = rt.block_on(async {
        let (old_socket, new_socket) = shared_socket();
        let addr = old_socket.local_addr().expect("local address");
        let url = format!("http://{addr}{PATH}");
        let old = traced_server("old", old_system);
        let old_serving = tokio::spawn({
            let old = old.clone();
            let listener = tokio_listener(old_socket);
            async move { old.serve(listener).await }
        });
        let _ = client
            .get(&url)
            .send()
            .await
            .expect("the old server answers");
        tracing::debug!(target: "tour", "-- restart: the new server accepts on the same socket");
        let new = traced_server("new", new_system);
        let new_serving = tokio::spawn({
            let new = new.clone();
            let listener = tokio_listener(new_socket);
            async move { new.serve(listener).await }
        });
        tracing::debug!(target: "tour", "-- the old server drains");
        let _ = old.shutdown(Duration::from_secs(1)).await;
        let _ = old_serving.await;
        tracing::debug!(target: "tour", "-- the client's next request");
        let resp = client
            .get(&url)
            .send()
            .await
            .expect("the new server answers");
        let _ = new.shutdown(Duration::from_secs(1)).await;
        let _ = new_serving.await;
        (resp.status().as_u16(), resp.text().to_string())
    });
    // ANCHOR_END: restart
    out.push_str(&lines.take());
    out.push_str(&format!("-- response: {status}\n{body}"));
    scenes.push(("restart", out));
    scenes
}

/// What `main` prints: the scenes, a blank line between two.
fn render() -> String {
    let scenes: Vec<String> = scenes().into_iter().map(|(_, text)| text).collect();
    scenes.join("\n")
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

/// Replaces what changes between runs: loopback ports, the client's measured duration and gin's
/// logged latency.
/// `ports` holds the ports named so far, in order.
fn normalize(line: &str, ports: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("127.0.0.1:") {
        let (head, tail) = rest.split_at(at + "127.0.0.1:".len());
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            let port = &tail[..digits];
            let n = match ports.iter().position(|p| p == port) {
                Some(i) => i + 1,
                None => {
                    ports.push(port.to_string());
                    ports.len()
                }
            };
            out.push_str(&format!("PORT{n}"));
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    let out = replace_value(out, "TimeDuration: ", ' ', "DURATION");
    replace_value(out, "latency_us=", ' ', "LATENCY")
}

/// `line` with the value after `key` (up to `end` or the end of the line) replaced by `with`.
fn replace_value(mut line: String, key: &str, end: char, with: &str) -> String {
    if let Some(at) = line.find(key) {
        let start = at + key.len();
        let stop = line[start..].find(end).map_or(line.len(), |n| start + n);
        line.replace_range(start..stop, with);
    }
    line
}

/// Prints the tour; with `--book`, each scene between `ANCHOR: NAME` / `ANCHOR_END: NAME`
/// lines, so a chapter can include one scene at a time (the book's copy is this form).
fn main() {
    if std::env::args().any(|a| a == "--book") {
        for (name, text) in scenes() {
            print!("# ANCHOR: {name}\n{text}# ANCHOR_END: {name}\n");
        }
    } else {
        print!("{}", render());
    }
}
