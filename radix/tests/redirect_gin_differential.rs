//! Our redirects against gin 1.8.1's, byte for byte: the engine's trailing-slash redirect (with
//! the `X-Forwarded-Prefix` values a proxy may send, relative and odd ones included), the
//! fixed-path redirect, and `Context::redirect` with absolute, relative, escaped and schemed
//! locations. radix builds these on servemux's `url_string` and `redirect_relative_to` (Go's
//! `URL.String()` and `http.Redirect`), so this is also a check that those two are net/http's.
//!
//! Builds `tests/gin/redirect.go` with Debian's Go and gin (like `gin_differential.rs`); without
//! them it prints a notice and checks nothing, unless `REQUIRE_GO` is set.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::http::{request, serve};
use radix::{Context, Engine};
use servemux::BoxFuture;

fn gin_available() -> bool {
    let go = Command::new("go")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    go && Path::new("/usr/share/gocode/src/github.com/gin-gonic/gin").is_dir()
}

fn build_gin_twin() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("redirect_gin_differential");
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("gin_redirect");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gin/redirect.go");
    let out = Command::new("go")
        .arg("build")
        .arg("-o")
        .arg(&bin)
        .arg(&src)
        .env("GO111MODULE", "off")
        .env("GOFLAGS", "")
        .env("GOPROXY", "off")
        .env("GOCACHE", dir.join("gocache"))
        .env("GOPATH", "/usr/share/gocode")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    bin
}

/// The gin program, killed on drop.
struct Gin {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Gin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_gin(bin: &Path) -> Gin {
    let mut child = Command::new(bin)
        .arg("127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("gin did not start: {line:?}"));
    Gin { child, addr }
}

/// A matched route answers its pattern.
fn ok<'a>(c: &'a mut Context<'_>) -> BoxFuture<'a> {
    Box::pin(async move {
        let route = c.full_path().to_owned();
        c.string(200, &route).await;
    })
}

/// The engine of `tests/gin/redirect.go`, route for route.
fn engine() -> Engine {
    let mut e = Engine::new();
    e.redirect_fixed_path = true;
    e.get("/users/", ok).unwrap();
    e.post("/users/", ok).unwrap();
    e.get("/docs/guide", ok).unwrap();
    e.get("/files/:name", ok).unwrap();
    e.get("/go/*rest", |c| {
        Box::pin(async move {
            let code = c.query("code").and_then(|s| s.parse().ok()).unwrap_or(0);
            let to = c.query("to").unwrap_or_default();
            c.redirect(code, &to).await;
        })
    })
    .unwrap();
    e.post("/go/*rest", |c| {
        Box::pin(async move {
            let to = c.query("to").unwrap_or_default();
            c.redirect(307, &to).await;
        })
    })
    .unwrap();
    e.get("/typed", |c| {
        Box::pin(async move {
            c.header("Content-Type", "text/plain");
            c.redirect(302, "/elsewhere").await;
        })
    })
    .unwrap();
    e
}

/// (method, target, X-Forwarded-Prefix)
const CASES: &[(&str, &str, Option<&str>)] = &[
    // Trailing-slash redirects: 301 for GET, 307 otherwise, the query kept.
    ("GET", "/users", None),
    ("POST", "/users", None),
    ("GET", "/users?x=1&y=a%20b", None),
    ("GET", "/files/a/", None),
    ("HEAD", "/users", None),
    // ... behind a proxy's prefix, cleaned by path.Clean and put in front.
    ("GET", "/users", Some("/api")),
    ("GET", "/users", Some("/api/")),
    ("GET", "/users", Some("/x/../y")),
    ("GET", "/users", Some(".")),
    ("GET", "/users", Some("/")),
    ("GET", "/users", Some("//evil.example")),
    ("GET", "/users", Some("api")),
    ("GET", "/users", Some("a:b")),
    ("GET", "/users", Some("/a b")),
    ("POST", "/users?q=1", Some("/api")),
    // Fixed-path redirects (case and cleaning), parameter values keep their case.
    ("GET", "/DOCS/Guide", None),
    ("GET", "/docs//guide", None),
    ("GET", "/Docs/Guide/?q=1", None),
    ("GET", "/USERS", None),
    ("GET", "/FILES/MixedCase", None),
    ("POST", "/Users/", None),
    ("GET", "/nope", None),
    // Context::redirect, gin's c.Redirect: http.Redirect's resolving and cleaning.
    ("GET", "/go/x?code=302&to=/a/../b/", None),
    ("GET", "/go/x/y?code=302&to=rel/z", None),
    ("GET", "/go/x/y?code=302&to=../up", None),
    ("GET", "/go/x?code=302&to=", None),
    ("GET", "/go/x?code=302&to=%3Fq=1", None),
    ("GET", "/go/x?code=301&to=http://h/x/../y", None),
    ("GET", "/go/x?code=303&to=//h/x/../y", None),
    ("GET", "/go/x?code=308&to=/%C3%A9?k=%C3%A9", None),
    ("GET", "/go/x?code=302&to=/a%22%3Cb%3E%26'", None),
    ("GET", "/go/x?code=201&to=/made", None),
    ("POST", "/go/x?to=/posted", None),
    ("GET", "/typed", None),
];

/// What a client sees of one response.
type Seen = (u16, Option<String>, Option<String>, String);

async fn fetch(addr: SocketAddr, method: &str, target: &str, prefix: Option<&str>) -> Seen {
    let headers: Vec<(&str, &str)> = prefix
        .map(|p| ("X-Forwarded-Prefix", p))
        .into_iter()
        .collect();
    let r = request(addr, method, target, &headers, b"").await;
    (
        r.status,
        r.header("location").map(str::to_owned),
        r.header("content-type").map(str::to_owned),
        r.body,
    )
}

#[test]
fn redirects_answer_like_gin_1_8_1() {
    if !gin_available() {
        assert!(
            std::env::var_os("REQUIRE_GO").is_none(),
            "REQUIRE_GO is set but `go` or gin's source is missing"
        );
        println!("SKIPPED: no `go` or gin source; the gin 1.8.1 redirect differential did not run");
        return;
    }
    let gin = start_gin(&build_gin_twin());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let ours = serve(engine()).await;
        let mut redirects = 0;
        for &(method, target, prefix) in CASES {
            let want = fetch(gin.addr, method, target, prefix).await;
            let got = fetch(ours.addr, method, target, prefix).await;
            assert_eq!(
                got, want,
                "{method} {target} (X-Forwarded-Prefix {prefix:?})"
            );
            if want.1.is_some() {
                redirects += 1;
            }
        }
        ours.stop().await;
        // The cases are redirects, bar the 404 and the 201: a broken gin twin answering 404
        // everywhere must not pass.
        assert!(redirects >= CASES.len() - 3, "only {redirects} redirects");
        println!(
            "gin 1.8.1 redirect differential: {} requests agreed, {redirects} with a Location",
            CASES.len()
        );
    });
}
