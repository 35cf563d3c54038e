//! Our transparent gzip against Go 1.19's transport, request by request.
//!
//! When a `go` toolchain is on PATH, this test builds `tests/go/gzip_client.go` (stdlib only) and
//! sends the same requests with it and with our client to one local server that answers gzip
//! when asked (and some paths always, or broken). What the caller sees must be the same: status,
//! whether the body was decoded (Go's `Response.Uncompressed`), the `Content-Encoding` and
//! `Content-Length` headers left, the body length — or an error. Without `go` it prints a notice
//! and checks nothing, unless `REQUIRE_GO` is set.

mod support;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use flate2::write::GzEncoder;
use flate2::Compression;
use httpclient::{Client, Method};
use support::{ok_bytes, Action, Seen, TestServer};
use testkit::go;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn plain() -> Vec<u8> {
    b"0123456789abcdef".repeat(300)
}

/// Answers by path; "asked" means the request's Accept-Encoding mentions gzip.
fn answer(seen: &Seen) -> Action {
    let asked = seen
        .header("accept-encoding")
        .is_some_and(|v| v.contains("gzip"));
    let gz = |body: &[u8]| ok_bytes("Content-Encoding: gzip\r\n", body);
    match (seen.path(), asked) {
        ("/gz", true) => gz(&gzip(&plain())),
        ("/always", _) => gz(&gzip(&plain())),
        ("/upper", true) => ok_bytes("Content-Encoding: GZIP\r\n", &gzip(&plain())),
        ("/xgzip", true) => ok_bytes("Content-Encoding: x-gzip\r\n", &gzip(&plain())),
        ("/list", true) => ok_bytes("Content-Encoding: gzip, identity\r\n", &gzip(&plain())),
        ("/multi", true) => gz(&[gzip(b"first "), gzip(b"second")].concat()),
        ("/empty", true) => gz(b""),
        ("/trunc", true) => {
            let whole = gzip(&plain());
            gz(&whole[..whole.len() - 3])
        }
        ("/corrupt", true) => gz(b"definitely not gzip"),
        ("/nocontent", _) => {
            Action::Reply(b"HTTP/1.1 204 No Content\r\nContent-Encoding: gzip\r\n\r\n".to_vec())
        }
        _ => ok_bytes("", &plain()),
    }
}

const REQUESTS: &[&str] = &[
    "GET /gz",
    "GET /gz Accept-Encoding=gzip",
    "GET /gz Accept-Encoding=identity",
    "GET /gz Range=bytes=0-10",
    "HEAD /gz",
    "GET /always Accept-Encoding=identity",
    "GET /upper",
    "GET /xgzip",
    "GET /list",
    "GET /multi",
    "GET /empty",
    "GET /trunc",
    "GET /corrupt",
    "GET /nocontent",
    "GET /plain",
    "POST /gz",
];

/// The Go twin, built now; `None` without `go` on PATH.
fn go_binary() -> Option<PathBuf> {
    if !go::go_on_path() {
        return None;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("gzip_client_go");
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/go/gzip_client.go");
    Some(go::build(Path::new("go"), &src, &dir, go::Imports::Std))
}

async fn ours(client: &Client, base: &str, line: &str) -> String {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let method = Method::from_bytes(fields[0].as_bytes()).unwrap();
    let mut req = client.request(method, format!("{base}{}", fields[1]));
    for h in &fields[2..] {
        let (k, v) = h.split_once('=').unwrap();
        req = req.header(k, v);
    }
    match req.send().await {
        Err(_) => "ERROR".into(),
        Ok(resp) => {
            let header = |name: &str| {
                resp.headers()
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_string())
                    .unwrap_or_default()
            };
            format!(
                "status={} uncompressed={} ce={:?} cl={:?} len={}",
                resp.status().as_u16(),
                resp.uncompressed(),
                header("content-encoding"),
                header("content-length"),
                resp.body().len()
            )
        }
    }
}

#[tokio::test]
async fn what_the_caller_sees_matches_go() {
    let Some(bin) = go_binary() else {
        assert!(
            std::env::var_os("REQUIRE_GO").is_none(),
            "REQUIRE_GO is set but `go` is not on PATH"
        );
        eprintln!("go not found on PATH: differential gzip test skipped");
        return;
    };
    let server = TestServer::start(answer).await;
    let base = server.url("");
    let mut child = Command::new(&bin)
        .arg(&base)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in REQUESTS {
        writeln!(stdin, "{line}").unwrap();
    }
    drop(stdin);
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let theirs: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(theirs.len(), REQUESTS.len(), "go printed {theirs:?}");
    let client = Client::builder().no_proxy().build();
    for (line, go) in REQUESTS.iter().zip(&theirs) {
        assert_eq!(&ours(&client, &base, line).await, go, "request {line:?}");
    }
    println!("{} requests seen alike by Go and by us", REQUESTS.len());
}
