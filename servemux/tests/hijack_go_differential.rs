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
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use servemux::{handler_fn, timeout_handler, Handler, ServeMux, Server};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

fn go_available() -> bool {
    Command::new("go")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn build_go_twin() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hijack_go_differential");
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("timeout_hijack_go");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/timeout_hijack.go");
    let out = Command::new("go")
        .arg("build")
        .arg("-o")
        .arg(&bin)
        .arg(&src)
        .env("GO111MODULE", "off")
        .env("GOFLAGS", "")
        .env("GOPROXY", "off")
        .env("GOCACHE", dir.join("gocache"))
        .env("GOPATH", dir.join("gopath"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    bin
}

/// The Go twin, killed on drop.
struct GoTwin {
    child: Child,
    addr: SocketAddr,
}

impl Drop for GoTwin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_go(bin: &Path) -> GoTwin {
    use std::io::BufRead;
    let mut child = Command::new(bin)
        .arg("127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .parse()
        .unwrap();
    GoTwin { child, addr }
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
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out))
        .await
        .expect("the server closed within the bound")
        .unwrap();
    out
}

/// Status, the `X-Inner` header, and the (de-chunked) body.
fn essentials(raw: &[u8]) -> (u16, Option<String>, String) {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete head");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut inner = None;
    let mut chunked = false;
    for line in head.split("\r\n").skip(1) {
        let (k, v) = line.split_once(':').unwrap();
        match k.to_ascii_lowercase().as_str() {
            "x-inner" => inner = Some(v.trim().to_owned()),
            "transfer-encoding" => chunked = v.trim().eq_ignore_ascii_case("chunked"),
            _ => {}
        }
    }
    let body = if chunked {
        let mut out = String::new();
        let mut rest = body;
        loop {
            let (size, after) = rest.split_once("\r\n").unwrap();
            let size = usize::from_str_radix(size.trim(), 16).unwrap();
            if size == 0 {
                break out;
            }
            out.push_str(&after[..size]);
            rest = &after[size + 2..];
        }
    } else {
        body.to_owned()
    };
    (status, inner, body)
}

#[tokio::test]
async fn timeout_handler_and_hijack_answer_as_go_s_do() {
    if !go_available() {
        assert!(
            std::env::var_os("REQUIRE_GO").is_none(),
            "REQUIRE_GO is set but there is no `go` on PATH"
        );
        println!("SKIPPED: no `go` on PATH; the Go 1.19 differential check did not run");
        return;
    }
    let go = spawn_go(&build_go_twin());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let our_addr = listener.local_addr().unwrap();
    let server = Server::new(ours());
    tokio::spawn(async move { server.serve(listener).await });

    for path in ["/slow", "/slow-default", "/fast"] {
        let req = format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        let theirs = essentials(&raw_exchange(go.addr, &req).await);
        let mine = essentials(&raw_exchange(our_addr, &req).await);
        assert_eq!(mine, theirs, "{path}");
    }
    // Sent in one write with the head, so both servers have read the line already.
    let req = "GET /hijack HTTP/1.1\r\nHost: t\r\n\r\nline after the head\n";
    let theirs = raw_exchange(go.addr, req).await;
    let mine = raw_exchange(our_addr, req).await;
    assert_eq!(
        String::from_utf8_lossy(&mine),
        String::from_utf8_lossy(&theirs)
    );
}
