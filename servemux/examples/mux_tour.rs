//! A tour of ServeMux's rules on one sample table, printed as the book shows it.
//!
//! Run: `cargo run -p servemux --example mux_tour`. The output is kept in `mux_tour.txt` beside
//! this file (a test checks the two agree) and included in the book's ServeMux chapter.
//!
//! Every request goes through `mux.handler(&r)` and the handler it returns, in memory: no
//! network, the same code path the server runs.

use std::sync::Arc;

use servemux::http::{header, HeaderMap, HeaderValue, Method};
use servemux::{handler_fn, Handler, MuxError, Recorder, Request, ServeMux};

/// A handler answering 200 with `text`.
fn answer(text: &str) -> impl Handler {
    let body: Arc<[u8]> = text.as_bytes().into();
    handler_fn(move |w, _r| {
        let body = body.clone();
        Box::pin(async move {
            let _ = w.write(&body).await;
        })
    })
}

/// Routes one request and prints `METHOD HOST TARGET -> STATUS PATTERN`, then the body where it
/// is not the pattern's own text (each pattern here answers with its text) or the `Location` of
/// a redirect. Lines stay within 100 columns, the width of a listing in the book.
fn show(mux: &ServeMux, method: Method, host: &str, target: &str) -> (u16, String) {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(host) {
        headers.insert(header::HOST, v);
    }
    let Ok(r) = Request::new(method.clone(), target) else {
        println!("{target}: not a valid request target");
        return (400, String::new());
    };
    let mut r = r.with_headers(headers);
    let (h, pattern) = mux.handler(&r);
    let mut w = Recorder::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    rt.block_on(h.serve_http(w.writer(), &mut r));
    w.finish();
    let status = w.status().as_u16();
    let body = String::from_utf8_lossy(w.body());
    let extra = match w.header().get(header::LOCATION) {
        Some(loc) => format!("Location: {}", loc.to_str().unwrap_or("?")),
        None if body == *pattern => String::new(),
        None => format!("body {body:?}"),
    };
    // A 404 has no pattern: its body takes the pattern's column.
    let shown = if pattern.is_empty() {
        extra
    } else {
        format!("{:<15} {extra}", format!("{pattern:?}"))
    };
    let line = format!(
        "{:<7} {:<16} {:<26} -> {status} {shown}",
        method.as_str(),
        host,
        target,
    );
    println!("{}", line.trim_end());
    (status, pattern.to_string())
}

fn main() -> Result<(), MuxError> {
    // ANCHOR: table
    let mux = ServeMux::new();
    for pattern in [
        "/",
        "/images/",
        "/images/logo.png",
        "/images/thumbnails/",
        "/api/v1/",
        "/api/v1/users",
        "example.com/images/",
        "/tree/",
    ] {
        mux.handle(pattern, answer(pattern))?;
    }
    // ANCHOR_END: table

    // ANCHOR: picture
    println!("m  (exact-match map) holds all {} patterns:", mux.len());
    for p in mux.patterns() {
        println!("     {p:?}");
    }
    println!("es (patterns ending in '/'), longest first:");
    for (i, p) in mux.prefix_patterns().iter().enumerate() {
        println!("     es[{i}] {:<22} len {}", format!("{p:?}"), p.len());
    }
    // ANCHOR_END: picture

    println!("\nexact match first:");
    // ANCHOR: exact
    let (_, p) = show(&mux, Method::GET, "h", "/images/logo.png");
    assert_eq!(p, "/images/logo.png"); // the map hit wins over the "/images/" subtree
    let (_, p) = show(&mux, Method::GET, "h", "/api/v1/users");
    assert_eq!(p, "/api/v1/users");
    // ANCHOR_END: exact

    println!("\nelse the longest subtree pattern that prefixes the path:");
    // ANCHOR: longest
    let (_, p) = show(&mux, Method::GET, "h", "/images/thumbnails/cat.png");
    assert_eq!(p, "/images/thumbnails/");
    let (_, p) = show(&mux, Method::GET, "h", "/images/cat.png");
    assert_eq!(p, "/images/");
    let (_, p) = show(&mux, Method::GET, "h", "/api/v1/users/42");
    assert_eq!(p, "/api/v1/"); // "/api/v1/users" is exact-only: no subtree below it
    let (_, p) = show(&mux, Method::GET, "h", "/anything/else");
    assert_eq!(p, "/");
    // ANCHOR_END: longest

    println!("\nhost-specific patterns first, port stripped:");
    // ANCHOR: host
    let (_, p) = show(&mux, Method::GET, "example.com", "/images/cat.png");
    assert_eq!(p, "example.com/images/");
    let (_, p) = show(&mux, Method::GET, "example.com:8080", "/images/cat.png");
    assert_eq!(p, "example.com/images/");
    let (_, p) = show(&mux, Method::GET, "other.org", "/images/cat.png");
    assert_eq!(p, "/images/");
    // No example.com pattern fits this one: the host-less patterns are tried next.
    let (_, p) = show(&mux, Method::GET, "example.com", "/api/v1/users");
    assert_eq!(p, "/api/v1/users");
    // ANCHOR_END: host

    println!("\n/tree with only /tree/ registered: 301 to /tree/, query kept:");
    // ANCHOR: tree
    let (status, p) = show(&mux, Method::GET, "h", "/tree?page=2");
    assert_eq!((status, p.as_str()), (301, "/tree/"));
    let (status, _) = show(&mux, Method::GET, "h", "/api/v1");
    assert_eq!(status, 301);
    // ANCHOR_END: tree

    println!("\nnon-canonical paths: 301 to the cleaned path:");
    // ANCHOR: clean
    let (status, p) = show(&mux, Method::GET, "h", "//images//cat.png");
    assert_eq!((status, p.as_str()), (301, "/images/"));
    let (status, p) = show(&mux, Method::GET, "h", "/images/../api/v1/users");
    assert_eq!((status, p.as_str()), (301, "/api/v1/users"));
    let (status, _) = show(&mux, Method::GET, "h", "/a/./b?x=1");
    assert_eq!(status, 301);
    // ANCHOR_END: clean

    println!("\nCONNECT is matched as sent (but still gets the /tree redirect):");
    // ANCHOR: connect
    let (status, p) = show(&mux, Method::CONNECT, "h", "/images/../api/v1/users");
    assert_eq!((status, p.as_str()), (200, "/images/"));
    let (status, _) = show(&mux, Method::CONNECT, "h", "/tree");
    assert_eq!(status, 301);
    // ANCHOR_END: connect

    println!("\nno pattern fits: 404 (a mux without \"/\"):");
    // ANCHOR: not_found
    let small = ServeMux::new();
    small.handle("/images/", answer("/images/"))?;
    let (status, p) = show(&small, Method::GET, "h", "/missing");
    assert_eq!((status, p.as_str()), (404, ""));
    // ANCHOR_END: not_found

    println!("\nregistration mistakes are errors, not panics:");
    // ANCHOR: errors
    for pattern in ["/images/", "", "exa mple.com/"] {
        let err = mux.handle(pattern, answer(pattern)).unwrap_err();
        println!("handle({pattern:?}) -> {err}");
    }
    // ANCHOR_END: errors
    Ok(())
}
