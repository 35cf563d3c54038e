//! A WebSocket echo server on a hijacked connection, plus a Server-Sent Events stream.
//!
//! - `GET /` serves one HTML page whose script opens a WebSocket back to `/ws`, sends what you
//!   type and shows what comes back, and listens to `/events`;
//! - `GET /ws` is upgraded with [`servemux::upgrade_websocket`] (`101 Switching Protocols`, or
//!   400 for a request that is not a WebSocket handshake); the hijacked stream is then handed to
//!   tungstenite, which echoes every text and binary message, answers pings, and completes the
//!   close handshake;
//! - `GET /events` sends a numbered event every 100 ms until the client leaves, which it learns
//!   from [`servemux::Request::client_gone`] — and then stops.
//!
//! Run: `cargo run -p servemux --example websocket_echo` (optional argument: the address), then
//! open `http://127.0.0.1:8080/` in a browser. Its tests (`tests.rs`, a real WebSocket client)
//! run with `cargo test -p servemux --example websocket_echo`, and with every `cargo test`.

#[cfg(test)]
mod tests;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use http::header::{self, HeaderValue};
use servemux::{http, upgrade_websocket, Request, ResponseWriter, ServeMux, Server};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::WebSocketStream;

/// The page: a text box, a log, and the script that connects back.
const PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>servemux WebSocket echo</title></head>
<body>
<h1>WebSocket echo</h1>
<form id="f"><input id="msg" autocomplete="off" value="hello"><button>send</button></form>
<pre id="log"></pre>
<script>
const log = (line) => { document.getElementById("log").textContent += line + "\n"; };
const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
ws.onopen = () => { log("open"); ws.send("hello from the page"); };
ws.onmessage = (e) => log("echo: " + e.data);
ws.onclose = (e) => log("closed: " + e.code);
document.getElementById("f").onsubmit = (e) => {
  e.preventDefault();
  ws.send(document.getElementById("msg").value);
};
const events = new EventSource("/events");
events.onmessage = (e) => { log("event: " + e.data); if (e.data === "5") events.close(); };
</script>
</body></html>
"#;

/// The routes, shared by `main` and the integration test.
pub fn app() -> ServeMux {
    let mux = ServeMux::new();
    mux.handle_func("/", |w, r| Box::pin(page(w, r)))
        .expect("a fresh mux takes /");
    mux.handle_func("/ws", |w, r| Box::pin(echo(w, r)))
        .expect("a fresh mux takes /ws");
    mux.handle_func("/events", |w, r| Box::pin(events(w, r)))
        .expect("a fresh mux takes /events");
    mux
}

async fn page(w: &mut ResponseWriter, r: &mut Request) {
    if r.path() != "/" {
        servemux::not_found(w).await;
        return;
    }
    w.header_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    let _ = w.write(PAGE.as_bytes()).await;
}

// ANCHOR: echo
/// Upgrades, then echoes with tungstenite over the hijacked stream until the client closes.
async fn echo(w: &mut ResponseWriter, r: &mut Request) {
    let conn = match upgrade_websocket(w, r).await {
        Ok(conn) => conn,
        Err(e) => {
            // Already answered (400/405) unless the hijack itself failed.
            tracing::debug!(error = %e, "not a WebSocket handshake");
            return;
        }
    };
    let mut ws = WebSocketStream::from_raw_socket(conn, Role::Server, None).await;
    // tungstenite answers pings and echoes the close frame itself while we read.
    while let Some(Ok(msg)) = ws.next().await {
        if (msg.is_text() || msg.is_binary()) && ws.send(msg).await.is_err() {
            break;
        }
    }
}
// ANCHOR_END: echo

// ANCHOR: events
/// Server-Sent Events: one event every 100 ms, flushed, until the client goes away.
async fn events(w: &mut ResponseWriter, r: &mut Request) {
    w.header_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    w.header_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    for n in 1u64.. {
        let event = format!("data: {n}\n\n");
        if w.write(event.as_bytes()).await.is_err() || w.flush().await.is_err() {
            tracing::info!(sent = n - 1, "event stream: write failed, stopping");
            return;
        }
        tokio::select! {
            () = r.client_gone() => {
                tracing::info!(sent = n, "event stream: client left, stopping");
                return;
            }
            () = tokio::time::sleep(Duration::from_millis(100)) => {}
        }
    }
}
// ANCHOR_END: events

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter("info")
        .init();
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let listener = TcpListener::bind(&addr).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    let server = Server::new(app());
    let stopper = server.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        let _ = stopper.shutdown(Duration::from_secs(5)).await;
    });
    server.serve(listener).await
}
