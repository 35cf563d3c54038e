//! A tour of PatternMux (Go 1.22's ServeMux) on one sample table, printed as the book shows it:
//! the routing tree, which pattern answers which request, how two patterns compare, and the
//! message for a conflict.
//!
//! Run: `cargo run -p servemux --example pattern_tour`. The output is kept in
//! `pattern_tour.txt` beside this file (a test checks the two agree) and included in the book's
//! "ServeMux, Go 1.22" chapter. Every request goes through the mux as a handler, in memory.

use servemux::http::{header, HeaderMap, HeaderValue, Method};
use servemux::{
    compare_paths_and_methods, Handler, Pattern, PatternError, PatternMux, Recorder, Request,
};

/// Routes one request and prints `METHOD HOST TARGET -> STATUS` and what came back.
fn show(mux: &PatternMux, method: &str, host: &str, target: &str) {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(host) {
        headers.insert(header::HOST, v);
    }
    let Ok(method) = Method::from_bytes(method.as_bytes()) else {
        return;
    };
    let Ok(r) = Request::new(method.clone(), target) else {
        println!("  {target}: not a valid request target");
        return;
    };
    let mut r = r.with_headers(headers);
    let mut w = Recorder::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    rt.block_on(mux.serve_http(w.writer(), &mut r));
    w.finish();
    let header = |name| {
        w.header()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let outcome = if let Some(loc) = header(header::LOCATION) {
        format!("Location: {loc}")
    } else if let Some(allow) = header(header::ALLOW) {
        format!("Allow: {allow}")
    } else {
        // The pattern text, then NAME=VALUE per wildcard, on one line.
        String::from_utf8_lossy(w.body())
            .trim_end()
            .replace('\n', "  ")
    };
    println!(
        "  {:<5} {:<16} {:<30} -> {}  {outcome}",
        method.as_str(),
        host,
        target,
        w.status().as_u16()
    );
}

fn main() -> Result<(), PatternError> {
    // ANCHOR: table
    let mux = PatternMux::new();
    for pattern in [
        "GET /repos/{owner}/{repo}",
        "GET /repos/rust-lang/rust",
        "GET /repos/{owner}/{repo}/issues/{id}",
        "POST /repos/{owner}/{repo}/issues",
        "/static/",
        "/{$}",
        "api.example.com/v2/{path...}",
    ] {
        mux.handle_func(pattern, |w, r| {
            Box::pin(async move {
                let mut body = r.pattern().unwrap_or("").to_owned();
                for (name, value) in r.route_match().values() {
                    body.push_str(&format!("\n{name}={value}"));
                }
                let _ = w.write(body.as_bytes()).await;
            })
        })?;
    }
    // ANCHOR_END: table

    println!("The routing tree (host, then method, then one level per segment):");
    print!("{}", mux.render_tree());

    println!("\nRequests:");
    // ANCHOR: requests
    for (method, host, target) in [
        ("GET", "example.com", "/repos/rust-lang/rust"),
        ("GET", "example.com", "/repos/tokio-rs/tokio"),
        ("HEAD", "example.com", "/repos/tokio-rs/tokio"),
        ("GET", "example.com", "/repos/a%2Fb/c"),
        ("GET", "example.com", "/repos/tokio-rs/tokio/issues/7"),
        ("PUT", "example.com", "/repos/tokio-rs/tokio/issues"),
        ("GET", "example.com", "/static"),
        ("GET", "example.com", "/static/css/site.css"),
        ("GET", "example.com", "/repos/a/../b/c"),
        ("GET", "example.com", "/"),
        ("GET", "example.com", "/about"),
        ("GET", "api.example.com", "/v2/users/42"),
    ] {
        show(&mux, method, host, target);
    }
    // ANCHOR_END: requests

    println!("\nHow pairs of patterns compare:");
    // ANCHOR: compare
    for (a, b) in [
        ("GET /repos/{owner}/{repo}", "GET /repos/rust-lang/rust"),
        ("/static/", "GET /static/{file}"),
        ("GET /repos/{owner}/{repo}", "/repos/{owner}/{repo}"),
        ("GET /repos/rust-lang/{repo}", "GET /repos/{owner}/rust"),
        ("/static/", "/static/{rest...}"),
    ] {
        let (pa, pb) = (Pattern::parse(a), Pattern::parse(b));
        if let (Ok(pa), Ok(pb)) = (pa, pb) {
            let rel = compare_paths_and_methods(&pa, &pb);
            println!("  {a:<28} vs {b:<28} : {rel:?}");
        }
    }
    // ANCHOR_END: compare

    println!("\nA conflict:");
    // ANCHOR: conflict
    let h = || servemux::handler_fn(|_w, _r| Box::pin(async {}));
    mux.handle("GET /repos/rust-lang/{repo}", h())?;
    if let Err(e) = mux.handle("GET /repos/{owner}/rust", h()) {
        println!("{e}");
    }
    // ANCHOR_END: conflict
    Ok(())
}
