//! Our `timeout_handler` and `ResponseWriter::hijack` against Go 1.19's `TimeoutHandler` and
//! `Hijacker`, the same requests to both.
//!
//! When a `go` toolchain is on PATH, this test builds `tests/go/timeout_hijack.go` (stdlib only),
//! starts it, starts the same routes on our server in-process, and demands: the same status and
//! body from `TimeoutHandler` (late with a message, late with Go's default page, in time with
//! the inner handler's status and header), and byte-for-byte the same bytes from a handler that
//! hijacks and answers by itself — the line sent right behind the head reaching it through the
//! bytes the server had already read, and nothing written by the server. Content types are not
//! compared: Go sniffs one from the body, and we add none the handler did not set. Without `go`
//! it prints a notice and checks nothing, unless `REQUIRE_GO` is set.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use servemux::{handler_fn, timeout_handler, Handler, ServeMux, Server};
use testkit::go::{self, Served};
use testkit::http::Response;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

fn build_go_twin() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hijack_go_differential");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/timeout_hijack.go");
    go::build(Path::new("go"), &src, &dir, go::Imports::Std)
}

/// The same routes as the Go twin.
fn ours() -> impl Handler {
    let slow = || {
        handler_fn(|w, _r| {
            Box::pin(async move {
                let _ = w.write(b"never sent").await;
                tokio::time::sleep(Duration::from_secs(2)).await;
            })
        })
    };
    let fast = handler_fn(|w, _r| {
        Box::pin(async move {
            w.header_mut()
                .insert("x-inner", http::HeaderValue::from_static("yes"));
            w.write_header(http::StatusCode::CREATED);
            let _ = w.write(b"made in time").await;
        })
    });
    let mux = ServeMux::new();
    let ms30 = Duration::from_millis(30);
    mux.handle("/slow", timeout_handler(slow(), ms30, "too slow"))
        .unwrap();
    mux.handle("/slow-default", timeout_handler(slow(), ms30, ""))
        .unwrap();
    mux.handle("/fast", timeout_handler(fast, Duration::from_secs(2), ""))
        .unwrap();
    mux.handle_func("/hijack", |w, r| {
        Box::pin(async move {
            let Ok(conn) = w.hijack(r).await else { return };
            let mut conn = BufReader::new(conn);
            let mut line = String::new();
            if conn.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            // Go's %q of a plain ASCII line is the line in double quotes.
            let body = format!("line=\"{}\"", line.trim_end_matches('\n'));
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = conn.get_mut().write_all(answer.as_bytes()).await;
        })
    })
    .unwrap();
    mux
}

async fn raw_exchange(addr: SocketAddr, request: &str) -> Vec<u8> {
    testkit::http::exchange_raw_async(addr, request.as_bytes()).await
}

/// Status, the `X-Inner` header, and the (de-chunked) body.
fn essentials(raw: &[u8]) -> (u16, Option<String>, String) {
    let r = Response::parse_all(raw, false).expect("one whole response");
    (r.status, r.header("x-inner").map(str::to_owned), r.text())
}

#[tokio::test]
async fn timeout_handler_and_hijack_answer_as_go_s_do() {
    let what = "no `go` on PATH; the Go 1.19 differential check did not run";
    if go::skip_unless(go::go_on_path(), "REQUIRE_GO", what) {
        return;
    }
    let twin = Served::start::<&str>(&build_go_twin(), &[], false);
    let go_addr = twin.addr();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let our_addr = listener.local_addr().unwrap();
    let server = Server::new(ours());
    tokio::spawn(async move { server.serve(listener).await });

    for path in ["/slow", "/slow-default", "/fast"] {
        let req = format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        let theirs = essentials(&raw_exchange(go_addr, &req).await);
        let mine = essentials(&raw_exchange(our_addr, &req).await);
        assert_eq!(mine, theirs, "{path}");
    }
    // Sent in one write with the head, so both servers have read the line already.
    let req = "GET /hijack HTTP/1.1\r\nHost: t\r\n\r\nline after the head\n";
    let theirs = raw_exchange(go_addr, req).await;
    let mine = raw_exchange(our_addr, req).await;
    assert_eq!(
        String::from_utf8_lossy(&mine),
        String::from_utf8_lossy(&theirs)
    );
}
