//! Go's `http.FileServer` rules, request by request, on a small folder the example writes
//! itself: what the "Serving files" chapter's "Try it" shows.
//!
//! ```sh
//! cargo run -p servemux --example files_tour
//! ```
//!
//! It creates a folder under the system's temporary directory (`hello.txt`, `docs/index.html`,
//! `docs/notes.txt`), serves requests for it through `FileServer::dir` in memory (a recording
//! `ResponseWriter` instead of a socket), prints `METHOD TARGET [header] -> STATUS` and the
//! headers that carry the rule, then removes the folder. Dates never appear: the conditional
//! request uses a date far in the future, so the output is the same on every run, and
//! `tests/files_tour.rs` checks that `examples/files_tour.txt` (the book's copy) is what this
//! prints today.

use std::path::{Path, PathBuf};

use servemux::http::header::{HeaderName, HeaderValue};
use servemux::http::{HeaderMap, Method};
use servemux::{FileServer, Handler, Recorder, Request};

/// One request header, name and value.
type Header = (&'static str, &'static str);

/// The requests of the tour: method, target, and one request header (or none).
const REQUESTS: &[(&str, &str, Option<Header>)] = &[
    ("GET", "/hello.txt", None),
    ("HEAD", "/hello.txt", None),
    ("GET", "/hello.txt", Some(("range", "bytes=0-4"))),
    ("GET", "/hello.txt", Some(("range", "bytes=50-60"))),
    (
        "GET",
        "/hello.txt",
        Some(("if-modified-since", "Fri, 01 Jan 2100 00:00:00 GMT")),
    ),
    ("GET", "/docs", None),
    ("GET", "/docs/", None),
    ("GET", "/docs/index.html", None),
    ("GET", "/../../etc/passwd", None),
    ("GET", "/missing.txt", None),
];

/// The response headers worth printing: the ones each rule sets.
const SHOWN: &[&str] = &[
    "content-type",
    "content-length",
    "content-range",
    "accept-ranges",
    "location",
];

fn write_folder(root: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(root.join("docs"))?;
    std::fs::write(root.join("hello.txt"), "hello, files\n")?;
    std::fs::write(root.join("docs/index.html"), "<h1>docs</h1>\n")?;
    std::fs::write(root.join("docs/notes.txt"), "notes\n")
}

/// One request through `server`, as the tour prints it.
async fn show(server: &FileServer, method: &str, target: &str, h: Option<Header>) -> String {
    let method = Method::from_bytes(method.as_bytes()).expect("a method");
    let mut headers = HeaderMap::new();
    if let Some((name, value)) = h {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    let mut r = Request::new(method.clone(), target)
        .expect("a valid target")
        .with_headers(headers);
    let mut w = Recorder::new();
    server.serve_http(w.writer(), &mut r).await;
    w.finish();
    let sent = h.map(|(n, v)| format!(" [{n}: {v}]")).unwrap_or_default();
    let mut out = format!("{method} {target}{sent} -> {}\n", w.status());
    for name in SHOWN {
        if let Some(v) = w.header().get(*name).and_then(|v| v.to_str().ok()) {
            out.push_str(&format!("    {name}: {v}\n"));
        }
    }
    let body = String::from_utf8_lossy(w.body());
    if !body.is_empty() && body.len() < 80 {
        out.push_str(&format!("    body: {:?}\n", body));
    } else if !body.is_empty() {
        out.push_str(&format!("    body: {} bytes\n", body.len()));
    }
    out
}

/// Runs the tour on a fresh folder and returns what `main` prints.
pub fn render() -> String {
    let root: PathBuf = std::env::temp_dir().join(format!("files_tour-{}", std::process::id()));
    write_folder(&root).expect("write the tour's folder");
    let server = FileServer::dir(&root);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let mut out = String::new();
    for (method, target, h) in REQUESTS {
        out.push_str(&rt.block_on(show(&server, method, target, *h)));
    }
    let _ = std::fs::remove_dir_all(&root);
    out
}

fn main() {
    print!("{}", render());
}
