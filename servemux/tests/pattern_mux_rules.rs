//! PatternMux (Go 1.22's ServeMux) rule by rule: precedence, `{$}`, `{name...}`, trailing-slash
//! subtrees, hosts, HEAD, 405 with `Allow`, the redirects, per-segment unescaping, registration
//! errors, and the path values handlers see. Each case runs the mux in memory, as a handler.

use std::sync::Arc;

use servemux::http::{header, HeaderMap, HeaderValue, Method};
use servemux::{handler_fn, Handler, PatternError, PatternMux, Recorder, Request};

/// A mux where each pattern answers with its text and `\nNAME=VALUE` per path value (like the
/// `pattern_table` example).
fn mux_of(patterns: &[&str]) -> PatternMux {
    let mux = PatternMux::new();
    for p in patterns {
        mux.handle_func(p, |w, r| {
            Box::pin(async move {
                let mut body = r.pattern().unwrap_or("").to_owned();
                for (name, value) in r.route_match().values() {
                    body.push_str(&format!("\n{name}={value}"));
                }
                let _ = w.write(body.as_bytes()).await;
            })
        })
        .unwrap_or_else(|e| panic!("registering {p:?}: {e}"));
    }
    mux
}

/// Status, body, `Allow` and `Location` of `method target` with `Host: host`.
fn serve(
    h: &dyn Handler,
    method: &str,
    host: &str,
    target: &str,
) -> (u16, String, Option<String>, Option<String>) {
    let mut headers = HeaderMap::new();
    headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut r = Request::new(method, target).unwrap().with_headers(headers);
    let mut w = Recorder::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(h.serve_http(w.writer(), &mut r));
    w.finish();
    let get = |n| {
        w.header()
            .get(n)
            .map(|v: &HeaderValue| v.to_str().unwrap().to_owned())
    };
    (
        w.status().as_u16(),
        String::from_utf8_lossy(w.body()).into_owned(),
        get(header::ALLOW),
        get(header::LOCATION),
    )
}

/// The body a request gets (status 200 asserted).
fn body(mux: &PatternMux, method: &str, target: &str) -> String {
    let (status, body, _, _) = serve(mux, method, "h.org", target);
    assert_eq!(status, 200, "{method} {target}: {body}");
    body
}

fn status(mux: &PatternMux, method: &str, target: &str) -> u16 {
    serve(mux, method, "h.org", target).0
}

#[test]
fn the_more_specific_pattern_wins_whatever_the_order() {
    for patterns in [
        [
            "/b/{bucket}/o/{obj...}",
            "/b/{bucket}/o/default",
            "/b/{bucket}/{x}",
        ],
        [
            "/b/{bucket}/{x}",
            "/b/{bucket}/o/default",
            "/b/{bucket}/o/{obj...}",
        ],
    ] {
        let mux = mux_of(&patterns);
        assert_eq!(
            body(&mux, "GET", "/b/k/o/default"),
            "/b/{bucket}/o/default\nbucket=k"
        );
        assert_eq!(
            body(&mux, "GET", "/b/k/o/a/b"),
            "/b/{bucket}/o/{obj...}\nbucket=k\nobj=a/b"
        );
        assert_eq!(
            body(&mux, "GET", "/b/k/p"),
            "/b/{bucket}/{x}\nbucket=k\nx=p"
        );
        assert_eq!(
            body(&mux, "GET", "/b/k/o"),
            "/b/{bucket}/{x}\nbucket=k\nx=o"
        );
    }
    // Neither of these two is more specific ("/b/k/o/z" matches both): a conflict.
    let mux = mux_of(&["/b/{bucket}/o/{obj...}"]);
    assert!(mux
        .handle(
            "/b/{bucket}/{x}/{y}",
            handler_fn(|_w, _r| Box::pin(async {}))
        )
        .is_err());
    // A method makes a pattern more specific than the same path without one.
    let mux = mux_of(&["/items/{id}", "POST /items/{id}"]);
    assert_eq!(body(&mux, "POST", "/items/7"), "POST /items/{id}\nid=7");
    assert_eq!(body(&mux, "PUT", "/items/7"), "/items/{id}\nid=7");
}

#[test]
fn a_host_pattern_beats_every_host_less_one() {
    let mux = mux_of(&["a.com/", "/b/c", "GET a.com/x/{y}"]);
    // "/b/c" is more specific as a path, but host patterns are tried first.
    let (_, b, _, _) = serve(&mux, "GET", "a.com:8080", "/b/c");
    assert_eq!(b, "a.com/");
    let (_, b, _, _) = serve(&mux, "GET", "other.org", "/b/c");
    assert_eq!(b, "/b/c");
    // GET patterns serve HEAD (the server, not the mux, then drops the body).
    let (_, b, _, _) = serve(&mux, "HEAD", "a.com", "/x/1");
    assert_eq!(b, "GET a.com/x/{y}\ny=1");
}

#[test]
fn dollar_multi_and_trailing_slash() {
    let mux = mux_of(&["/a/{$}", "/files/{path...}", "/static/", "/{$}"]);
    assert_eq!(body(&mux, "GET", "/a/"), "/a/{$}");
    assert_eq!(status(&mux, "GET", "/a/b"), 404);
    assert_eq!(body(&mux, "GET", "/"), "/{$}");
    assert_eq!(status(&mux, "GET", "/x"), 404, "/{{$}} is not a catch-all");
    assert_eq!(body(&mux, "GET", "/files/"), "/files/{path...}\npath=");
    assert_eq!(
        body(&mux, "GET", "/files/a/b%2Fc"),
        "/files/{path...}\npath=a/b/c"
    );
    assert_eq!(body(&mux, "GET", "/static/css/x.css"), "/static/");
}

#[test]
fn segments_are_unescaped_one_at_a_time() {
    let mux = mux_of(&["/a/{x}/b", "/a%2Fb"]);
    // %2F stays inside its segment: one segment "1/2", not two.
    assert_eq!(body(&mux, "GET", "/a/1%2F2/b"), "/a/{x}/b\nx=1/2");
    assert_eq!(body(&mux, "GET", "/a%2fb"), "/a%2Fb");
    assert_eq!(status(&mux, "GET", "/a/b"), 404);
    assert_eq!(body(&mux, "GET", "/%61/%20/b"), "/a/{x}/b\nx= ");
}

#[test]
fn get_serves_head_and_other_methods_get_405_with_allow() {
    let mux = mux_of(&["GET /r/{id}", "POST /r/{id}", "DELETE /r/", "HEAD /h"]);
    assert_eq!(body(&mux, "GET", "/r/1"), "GET /r/{id}\nid=1");
    assert_eq!(status(&mux, "HEAD", "/r/1"), 200);
    let (code, text, allow, _) = serve(&mux, "PUT", "h.org", "/r/1");
    assert_eq!(code, 405);
    assert_eq!(text, "Method Not Allowed\n");
    // Sorted, comma and space; HEAD because GET; DELETE because "/r/1/" would match "/r/".
    assert_eq!(allow.as_deref(), Some("DELETE, GET, HEAD, POST"));
    let (code, _, allow, _) = serve(&mux, "GET", "h.org", "/h");
    assert_eq!((code, allow.as_deref()), (405, Some("HEAD")));
    let (code, text, allow, _) = serve(&mux, "GET", "h.org", "/nothing");
    assert_eq!(
        (code, text.as_str(), allow),
        (404, "404 page not found\n", None)
    );
}

#[test]
fn trailing_slash_and_clean_path_redirects() {
    let mux = mux_of(&["/tree/", "/exact", "GET /dir/{x}/"]);
    let redirect = |target: &str| {
        let (code, _, _, location) = serve(&mux, "GET", "h.org", target);
        (code, location)
    };
    assert_eq!(redirect("/tree"), (307, Some("/tree/".into())));
    assert_eq!(redirect("/tree?q=1"), (307, Some("/tree/?q=1".into())));
    assert_eq!(redirect("/dir/7"), (307, Some("/dir/7/".into())));
    assert_eq!(redirect("/a/../exact"), (307, Some("/exact".into())));
    assert_eq!(redirect("//tree/x"), (307, Some("/tree/x".into())));
    assert_eq!(redirect("/tree/./a%2Fb"), (307, Some("/tree/a%2Fb".into())));
    assert_eq!(status(&mux, "GET", "/exact"), 200);
    assert_eq!(status(&mux, "GET", "/exact/"), 404);
    // What mux.handler reports for a redirect: the pattern that will match after it.
    let r = Request::new(Method::GET, "/tree").unwrap();
    assert_eq!(&*mux.handler(&r).1, "/tree/");
    // CONNECT paths are not cleaned, so no redirect: "/tree/../exact" is under "/tree/".
    let (code, b, _, _) = serve(&mux, "CONNECT", "h.org", "/tree/../exact");
    assert_eq!((code, b.as_str()), (200, "/tree/"));
}

#[test]
fn options_star_is_a_bad_request() {
    let mux = mux_of(&["/"]);
    let (code, _, _, _) = serve(&mux, "OPTIONS", "h.org", "*");
    assert_eq!(code, 400);
}

#[test]
fn conflicts_and_bad_patterns_are_registration_errors() {
    let mux = mux_of(&["/a/{x}", "GET /b"]);
    let err = mux
        .handle("/{y}/b", handler_fn(|_w, _r| Box::pin(async {})))
        .unwrap_err();
    let PatternError::Conflict {
        pattern,
        existing,
        description,
        registered_at,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((pattern.as_str(), existing.as_str()), ("/{y}/b", "/a/{x}"));
    // Where `handle` was called, as Go names the caller of `Handle`.
    assert!(registered_at.starts_with("servemux/tests/pattern_mux_rules.rs:"));
    assert_eq!(
        description,
        "/{y}/b and /a/{x} both match some paths, like \"/a/b\".\n\
         But neither is more specific than the other.\n\
         /{y}/b matches \"/y/b\", but /a/{x} doesn't.\n\
         /a/{x} matches \"/a/x\", but /{y}/b doesn't."
    );
    assert!(err
        .to_string()
        .starts_with("pattern \"/{y}/b\" (registered at "));
    assert!(err
        .to_string()
        .contains(") conflicts with pattern \"/a/{x}\" (registered at "));
    // The refused pattern is not registered.
    assert_eq!(mux.len(), 2);
    assert_eq!(status(&mux, "GET", "/y/b"), 404);

    let refuse = |p: &str| {
        mux.handle(p, handler_fn(|_w, _r| Box::pin(async {})))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(refuse(""), "http: invalid pattern");
    assert_eq!(
        refuse("/{x"),
        "parsing \"/{x\": at offset 1: bad wildcard segment (must end with '}')"
    );
    assert!(refuse("/a/{z}").ends_with(":\n/a/{z} matches the same requests as /a/{x}"));
    assert!(refuse("GET /{q}/{r}").ends_with(
        ":\nGET /{q}/{r} matches fewer methods than /a/{x}, but has a more general path pattern"
    ));
    // Different hosts never conflict; neither do disjoint methods.
    mux.handle("h.com/{y}/b", handler_fn(|_w, _r| Box::pin(async {})))
        .unwrap();
    mux.handle("POST /b", handler_fn(|_w, _r| Box::pin(async {})))
        .unwrap();
}

#[test]
fn handlers_read_and_set_path_values() {
    let mux = PatternMux::new();
    mux.handle_func("GET /repos/{owner}/{repo}/issues/{id}", |w, r| {
        Box::pin(async move {
            assert_eq!(r.pattern(), Some("GET /repos/{owner}/{repo}/issues/{id}"));
            assert_eq!(r.path_value("nope"), None);
            r.set_path_value("id", "changed");
            r.set_path_value("extra", "x");
            let text = format!(
                "{} {} {} {}",
                r.path_value("owner").unwrap(),
                r.path_value("repo").unwrap(),
                r.path_value("id").unwrap(),
                r.path_value("extra").unwrap()
            );
            let _ = w.write(text.as_bytes()).await;
        })
    })
    .unwrap();
    let mux = Arc::new(mux);
    assert_eq!(
        body(&mux, "GET", "/repos/rust-lang/rust/issues/42"),
        "rust-lang rust changed x"
    );
    // A request no PatternMux routed has no pattern and no values.
    let r = Request::new(Method::GET, "/x").unwrap();
    assert_eq!((r.pattern(), r.path_value("id")), (None, None));
}
