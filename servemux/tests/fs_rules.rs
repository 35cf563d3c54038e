//! The file-serving rules one by one, over real sockets: `serve_content` with a handler's ETag
//! (the tag preconditions FileServer alone never exercises), ranges, HEAD, `serve_file`'s `..`
//! guard, `StripPrefix`, index pages and listings, and the path-safety answers.

mod fs_support;
mod mux_support;

use std::io::Cursor;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fs_support::{exchange, Reply};
use mux_support::ThreadServer;
use servemux::http::header::{self, HeaderValue};
use servemux::{handler_fn, serve_content, serve_file, FileServer, StripPrefix};

const BODY: &[u8] = b"0123456789abcdefghij";
const MODTIME_SECS: u64 = 1_700_000_000;

fn modtime() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(MODTIME_SECS)
}

/// `serve_content` of BODY named `x.txt`, with `ETag: "v1"` unless the path is `/untagged`.
fn content_server() -> ThreadServer {
    ThreadServer::start(handler_fn(|w, r| {
        Box::pin(async move {
            if r.path() != "/untagged" {
                w.header_mut()
                    .insert(header::ETAG, HeaderValue::from_static("\"v1\""));
            }
            if r.path() == "/gzip" {
                w.header_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            let body = if r.path() == "/gzip" {
                BODY.repeat(500)
            } else {
                BODY.to_vec()
            };
            let mut c = Cursor::new(body);
            serve_content(w, r, "x.txt", Some(modtime()), &mut c).await;
        })
    }))
}

fn get(s: &ThreadServer, target: &str, headers: &[(&str, &str)]) -> Reply {
    let h: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    exchange(s.addr, "GET", target, &h)
}

#[test]
fn whole_content_with_validators() {
    let s = content_server();
    let r = get(&s, "/", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, BODY);
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(r.header("content-length"), Some("20"));
    assert_eq!(r.header("accept-ranges"), Some("bytes"));
    assert_eq!(r.header("etag"), Some("\"v1\""));
    assert_eq!(
        r.header("last-modified"),
        Some(httpdate::fmt_http_date(modtime()).as_str())
    );
    assert!(
        !r.is_chunked(),
        "a file is sent with its length, not chunked"
    );
}

#[test]
fn tag_preconditions() {
    let s = content_server();
    // If-None-Match matches weakly: 304, no body, no Content-Type, Last-Modified dropped since
    // the ETag identifies the version.
    let r = get(&s, "/", &[("If-None-Match", "W/\"v1\"")]);
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    assert_eq!(r.header("content-type"), None);
    assert_eq!(r.header("last-modified"), None);
    assert_eq!(r.header("etag"), Some("\"v1\""));
    assert_eq!(get(&s, "/", &[("If-None-Match", "\"v2\"")]).status, 200);
    // If-Match compares strongly.
    assert_eq!(get(&s, "/", &[("If-Match", "\"v1\"")]).status, 200);
    assert_eq!(get(&s, "/", &[("If-Match", "W/\"v1\"")]).status, 412);
    assert_eq!(get(&s, "/", &[("If-Match", "\"a\", \"v1\"")]).status, 200);
    // If-Match wins over If-Unmodified-Since; If-None-Match over If-Modified-Since.
    let stale = httpdate::fmt_http_date(modtime() - Duration::from_secs(60));
    let r = get(
        &s,
        "/",
        &[("If-Match", "\"v1\""), ("If-Unmodified-Since", &stale)],
    );
    assert_eq!(r.status, 200);
    let now = httpdate::fmt_http_date(modtime());
    let r = get(
        &s,
        "/",
        &[("If-None-Match", "\"v2\""), ("If-Modified-Since", &now)],
    );
    assert_eq!(r.status, 200);
    // A non-GET whose If-None-Match matches fails its precondition.
    let r = exchange(
        s.addr,
        "POST",
        "/",
        &[
            ("If-None-Match".into(), "*".into()),
            ("Content-Length".into(), "0".into()),
        ],
    );
    assert_eq!(r.status, 412);
}

#[test]
fn date_preconditions() {
    let s = content_server();
    let same = httpdate::fmt_http_date(modtime());
    let before = httpdate::fmt_http_date(modtime() - Duration::from_secs(1));
    let r = get(&s, "/untagged", &[("If-Modified-Since", &same)]);
    assert_eq!(r.status, 304);
    assert!(r.header("last-modified").is_some(), "kept without an ETag");
    assert_eq!(get(&s, "/", &[("If-Modified-Since", &before)]).status, 200);
    assert_eq!(
        get(&s, "/", &[("If-Unmodified-Since", &before)]).status,
        412
    );
    assert_eq!(get(&s, "/", &[("If-Unmodified-Since", &same)]).status, 200);
    assert_eq!(
        get(&s, "/", &[("If-Modified-Since", "not a date")]).status,
        200
    );
}

#[test]
fn ranges() {
    let s = content_server();
    let r = get(&s, "/", &[("Range", "bytes=2-5")]);
    assert_eq!(r.status, 206);
    assert_eq!(r.body, b"2345");
    assert_eq!(r.header("content-range"), Some("bytes 2-5/20"));
    assert_eq!(r.header("content-length"), Some("4"));
    let r = get(&s, "/", &[("Range", "bytes=-3")]);
    assert_eq!(r.body, b"hij");

    let r = get(&s, "/", &[("Range", "bytes=0-1,18-")]);
    assert_eq!(r.status, 206);
    let ct = r.header("content-type").unwrap();
    let b = ct.strip_prefix("multipart/byteranges; boundary=").unwrap();
    let want = format!(
        "--{b}\r\nContent-Range: bytes 0-1/20\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n01\
         \r\n--{b}\r\nContent-Range: bytes 18-19/20\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nij\
         \r\n--{b}--\r\n"
    );
    assert_eq!(String::from_utf8_lossy(&r.body), want);
    assert_eq!(
        r.header("content-length"),
        Some(want.len().to_string().as_str())
    );

    let r = get(&s, "/", &[("Range", "bytes=20-")]);
    assert_eq!(r.status, 416);
    assert_eq!(r.header("content-range"), Some("bytes */20"));
    assert_eq!(
        r.header("etag"),
        None,
        "an error does not carry the success's validators"
    );
    assert_eq!(r.header("last-modified"), None);
    assert_eq!(r.body, b"invalid range: failed to overlap\n");
    assert_eq!(get(&s, "/", &[("Range", "bytes=x")]).status, 416);
    // Asking for more bytes than exist: the header is ignored.
    let r = get(&s, "/", &[("Range", "bytes=0-,0-")]);
    assert_eq!((r.status, r.body.len()), (200, 20));
    // If-Range: a matching strong tag keeps the range, anything else voids it.
    let r = get(&s, "/", &[("Range", "bytes=0-0"), ("If-Range", "\"v1\"")]);
    assert_eq!(r.status, 206);
    let r = get(&s, "/", &[("Range", "bytes=0-0"), ("If-Range", "\"v0\"")]);
    assert_eq!(r.status, 200);
    let same = httpdate::fmt_http_date(modtime());
    let r = get(&s, "/", &[("Range", "bytes=0-0"), ("If-Range", &same)]);
    assert_eq!(r.status, 206);
}

#[test]
fn head_sends_the_length_but_no_body() {
    let s = content_server();
    let r = exchange(s.addr, "HEAD", "/", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("20"));
    assert!(r.body.is_empty());
    let r = exchange(s.addr, "HEAD", "/", &[("Range".into(), "bytes=1-2".into())]);
    assert_eq!((r.status, r.header("content-length")), (206, Some("2")));
}

#[test]
fn content_encoding_leaves_the_length_out() {
    let s = content_server();
    let r = get(&s, "/gzip", &[]);
    assert_eq!(r.status, 200);
    // Not declared by serve_content, so the server frames the 10 000 bytes itself: chunked.
    assert_eq!(r.header("content-length"), None);
    assert!(r.is_chunked());
    assert_eq!(r.body, BODY.repeat(500));
}

/// A fresh tree under `name`: each test has its own, since the tests run at once and each
/// starts by removing what a previous run left.
fn tree(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::create_dir_all(root.join("site")).unwrap();
    std::fs::write(root.join("hello.txt"), b"hello\n").unwrap();
    std::fs::write(root.join("noext"), b"<html><p>sniffed").unwrap();
    std::fs::write(root.join("docs/a b.md"), b"# a").unwrap();
    std::fs::write(root.join("site/index.html"), b"<p>home</p>").unwrap();
    root
}

#[test]
fn file_server_rules() {
    let root = tree("fs_rules_tree");
    let s = ThreadServer::start(FileServer::dir(&root));
    let r = get(&s, "/hello.txt", &[]);
    assert_eq!((r.status, r.body.as_slice()), (200, &b"hello\n"[..]));
    assert_eq!(
        get(&s, "/noext", &[]).header("content-type"),
        Some("text/html; charset=utf-8")
    );
    // Directories: the slash is added, index.html served, /index.html redirected to ./
    let r = get(&s, "/site?x=1", &[]);
    assert_eq!((r.status, r.header("location")), (301, Some("site/?x=1")));
    assert_eq!(get(&s, "/site/", &[]).body, b"<p>home</p>");
    let r = get(&s, "/site/index.html", &[]);
    assert_eq!((r.status, r.header("location")), (301, Some("./")));
    let r = get(&s, "/hello.txt/", &[]);
    assert_eq!(
        (r.status, r.header("location")),
        (301, Some("../hello.txt"))
    );
    // A listing in Go's format.
    let r = get(&s, "/docs/", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(
        String::from_utf8_lossy(&r.body),
        "<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n\
         <a href=\"a%20b.md\">a b.md</a>\n</pre>\n"
    );
    assert!(r.header("last-modified").is_some());
    // Paths cannot leave the root.
    for t in [
        "/../fs_rules_tree/hello.txt",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%5c..%5cetc",
    ] {
        let r = get(&s, t, &[]);
        assert!(
            r.status == 404 || r.status == 200 && r.body == b"hello\n",
            "{t}: {}",
            r.status
        );
    }
    assert_eq!(get(&s, "/../../../../etc/passwd", &[]).status, 404);
    assert_eq!(get(&s, "/hello.txt%00", &[]).status, 404);
    assert_eq!(
        get(&s, "/hello.txt/x", &[]).status,
        404,
        "a file is not a directory"
    );
    // An escaped slash cannot be redirected reliably: 404 instead.
    assert_eq!(get(&s, "/site%2Findex.html", &[]).status, 404);
    assert_eq!(
        get(&s, "/docs%2F", &[]).status,
        200,
        "no redirect needed: the listing"
    );
}

#[test]
fn serve_file_refuses_dot_dot_and_strip_prefix_mounts() {
    let root = tree("fs_rules_serve_file_tree");
    let file = root.join("hello.txt").to_string_lossy().into_owned();
    let s = ThreadServer::start(handler_fn(move |w, r| {
        let file = file.clone();
        Box::pin(async move { serve_file(w, r, &file).await })
    }));
    let r = get(&s, "/anything", &[]);
    assert_eq!((r.status, r.body.as_slice()), (200, &b"hello\n"[..]));
    let r = get(&s, "/a/../b", &[]);
    assert_eq!(
        (r.status, r.body.as_slice()),
        (400, &b"invalid URL path\n"[..])
    );
    assert_eq!(get(&s, "/a\\..\\b", &[]).status, 400);

    let s = ThreadServer::start(StripPrefix::new("/static/", FileServer::dir(&root)));
    assert_eq!(get(&s, "/static/hello.txt", &[]).body, b"hello\n");
    assert_eq!(get(&s, "/static/docs/a%20b.md", &[]).body, b"# a");
    assert_eq!(get(&s, "/other/hello.txt", &[]).status, 404);
    let r = get(&s, "/static/site", &[]);
    assert_eq!((r.status, r.header("location")), (301, Some("site/")));
}
