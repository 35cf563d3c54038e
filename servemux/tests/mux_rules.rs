//! ServeMux rule by rule, as tables: the cases of Go 1.19's own ServeMux tests (`serve_test.go`),
//! restated in our words, each checked twice — in memory through `mux.handler(&r)` and over real
//! HTTP through `servemux::Server` on 127.0.0.1.

mod mux_support;

use std::sync::Arc;

use mux_support::{http, mux_of, request, route, ThreadServer};
use servemux::http::Method;
use servemux::{handler_fn, MuxError, Request, ServeMux};

/// One request and what the mux must do with it.
struct Case {
    method: &'static str,
    host: &'static str,
    target: &'static str,
    status: u16,
    /// What `mux.handler(&r)` reports (for redirects: the pattern after the redirect).
    pattern: &'static str,
    /// `Location` of a 301.
    location: Option<&'static str>,
}

const fn case(
    method: &'static str,
    host: &'static str,
    target: &'static str,
    status: u16,
    pattern: &'static str,
    location: Option<&'static str>,
) -> Case {
    Case {
        method,
        host,
        target,
        status,
        pattern,
        location,
    }
}

/// Checks every case in memory and over HTTP. Matched patterns answer with their own text, so
/// the body tells which handler ran.
fn check(patterns: &[&str], cases: &[Case]) {
    let mux = Arc::new(mux_of(patterns));
    let server = ThreadServer::start(mux.clone());
    for c in cases {
        let what = format!("{} {} (Host {})", c.method, c.target, c.host);
        let method = Method::from_bytes(c.method.as_bytes()).unwrap();

        let (pattern, seen) = route(&mux, request(method, c.host, c.target));
        assert_eq!(pattern, c.pattern, "{what}: pattern");
        assert_eq!(seen.status, c.status, "{what}: status in memory");
        assert_eq!(seen.location.as_deref(), c.location, "{what}: Location");

        let wire = http(server.addr, c.method, c.host, c.target);
        assert_eq!(wire.status, c.status, "{what}: status over HTTP");
        assert_eq!(
            wire.location.as_deref(),
            c.location,
            "{what}: Location over HTTP"
        );
        match c.status {
            200 => assert_eq!(wire.body, c.pattern, "{what}: body"),
            404 => assert_eq!(wire.body, "404 page not found\n", "{what}: body"),
            _ => {}
        }
    }
}

/// Go's `TestServeMuxHandler`: exact, subtree, host-specific patterns, port stripping, cleaning,
/// and CONNECT (redirected to `/tree/` but never cleaned).
#[test]
fn exact_prefix_host_clean_and_connect() {
    let patterns = [
        "/dir/",
        "/search",
        "codesearch.google.com/search",
        "codesearch.google.com/",
        "example.com/",
    ];
    let cases = [
        case("GET", "google.com", "/", 404, "", None),
        case("GET", "google.com", "/dir", 301, "/dir/", Some("/dir/")),
        case("GET", "google.com", "/dir/", 200, "/dir/", None),
        case("GET", "google.com", "/dir/file", 200, "/dir/", None),
        case("GET", "google.com", "/search", 200, "/search", None),
        case("GET", "google.com", "/search/", 404, "", None),
        case("GET", "google.com", "/search/foo", 404, "", None),
        case(
            "GET",
            "codesearch.google.com",
            "/search",
            200,
            "codesearch.google.com/search",
            None,
        ),
        case(
            "GET",
            "codesearch.google.com",
            "/search/",
            200,
            "codesearch.google.com/",
            None,
        ),
        case(
            "GET",
            "codesearch.google.com",
            "/search/foo",
            200,
            "codesearch.google.com/",
            None,
        ),
        case(
            "GET",
            "codesearch.google.com",
            "/",
            200,
            "codesearch.google.com/",
            None,
        ),
        case(
            "GET",
            "codesearch.google.com:443",
            "/",
            200,
            "codesearch.google.com/",
            None,
        ),
        case("GET", "images.google.com", "/search", 200, "/search", None),
        case("GET", "images.google.com", "/search/", 404, "", None),
        case("GET", "images.google.com", "/search/foo", 404, "", None),
        case(
            "GET",
            "google.com",
            "/../search",
            301,
            "/search",
            Some("/search"),
        ),
        case("GET", "google.com", "/dir/..", 301, "", Some("/")),
        case(
            "GET",
            "google.com",
            "/dir/./file",
            301,
            "/dir/",
            Some("/dir/file"),
        ),
        case("CONNECT", "google.com", "/dir", 301, "/dir/", Some("/dir/")),
        case("CONNECT", "google.com", "/../search", 404, "", None),
        case("CONNECT", "google.com", "/dir/..", 200, "/dir/", None),
        case("CONNECT", "google.com", "/dir/./file", 200, "/dir/", None),
    ];
    check(&patterns, &cases);
}

/// Go's `TestHostHandlers`: the host of an absolute-form target picks host-specific patterns,
/// `%23` decodes to `#` before matching, and tree redirects keep the escaped form.
#[test]
fn host_patterns_win_over_host_less_ones() {
    let patterns = ["/", "/someDir/", "/#/", "someHost.com/someDir/"];
    let cases = [
        case(
            "GET",
            "localhost",
            "http://localhost/someDir/apage",
            200,
            "/someDir/",
            None,
        ),
        case(
            "GET",
            "localhost",
            "http://localhost/%23/apage",
            200,
            "/#/",
            None,
        ),
        case(
            "GET",
            "localhost",
            "http://localhost/otherDir/apage",
            200,
            "/",
            None,
        ),
        case(
            "GET",
            "x",
            "http://someHost.com/someDir/apage",
            200,
            "someHost.com/someDir/",
            None,
        ),
        case(
            "GET",
            "x",
            "http://otherHost.com/someDir/apage",
            200,
            "/someDir/",
            None,
        ),
        case(
            "GET",
            "x",
            "http://otherHost.com/aDir/apage",
            200,
            "/",
            None,
        ),
        case(
            "GET",
            "x",
            "http://localhost/someDir",
            301,
            "/someDir/",
            Some("/someDir/"),
        ),
        case(
            "GET",
            "x",
            "http://localhost/%23",
            301,
            "/#/",
            Some("/%23/"),
        ),
        case(
            "GET",
            "x",
            "http://someHost.com/someDir",
            301,
            "/someDir/",
            Some("/someDir/"),
        ),
        // The Host header, port stripped, when the target is in origin form.
        case(
            "GET",
            "someHost.com:8080",
            "/someDir/x",
            200,
            "someHost.com/someDir/",
            None,
        ),
    ];
    check(&patterns, &cases);
}

/// Go's `TestServeWithSlashRedirectKeepsQueryString`: `/tree -> /tree/` and cleaning redirects
/// carry the raw query along.
#[test]
fn redirects_keep_the_query() {
    let patterns = ["/testOne", "/testTwo/", "/testThree", "/testThree/"];
    let cases = [
        case("GET", "h", "/testOne?this=that", 200, "/testOne", None),
        case(
            "GET",
            "h",
            "/testTwo?foo=bar",
            301,
            "/testTwo/",
            Some("/testTwo/?foo=bar"),
        ),
        case(
            "GET",
            "h",
            "/testTwo?a=1&b=2&a=3",
            301,
            "/testTwo/",
            Some("/testTwo/?a=1&b=2&a=3"),
        ),
        case("GET", "h", "/testTwo?", 301, "/testTwo/", Some("/testTwo/")),
        case("GET", "h", "/testThree?foo", 200, "/testThree", None),
        case("GET", "h", "/testThree/?foo", 200, "/testThree/", None),
        case("CONNECT", "h", "/testThree?foo", 200, "/testThree", None),
        case("CONNECT", "h", "/testThree/?foo", 200, "/testThree/", None),
        case(
            "GET",
            "h",
            "/testOne/foo/..?foo",
            301,
            "/testOne",
            Some("/testOne?foo"),
        ),
        case("CONNECT", "h", "/testOne/foo/..?foo", 404, "", None),
    ];
    check(&patterns, &cases);
}

/// Go's `TestServeWithSlashRedirectForHostPatterns`: the `/tree/` redirect looks at host-specific
/// patterns too, but the `Location` holds only the path.
#[test]
fn tree_redirect_for_host_patterns() {
    let patterns = [
        "example.com/pkg/foo/",
        "example.com/pkg/bar",
        "example.com/pkg/bar/",
        "example.com:3000/pkg/connect/",
        "example.com:9000/",
        "/pkg/baz/",
    ];
    let cases = [
        case("GET", "x", "http://example.com/", 404, "", None),
        case(
            "GET",
            "x",
            "http://example.com/pkg/foo",
            301,
            "/pkg/foo/",
            Some("/pkg/foo/"),
        ),
        case(
            "GET",
            "x",
            "http://example.com/pkg/bar",
            200,
            "example.com/pkg/bar",
            None,
        ),
        case(
            "GET",
            "x",
            "http://example.com/pkg/bar/",
            200,
            "example.com/pkg/bar/",
            None,
        ),
        case(
            "GET",
            "x",
            "http://example.com/pkg/baz",
            301,
            "/pkg/baz/",
            Some("/pkg/baz/"),
        ),
        case(
            "GET",
            "x",
            "http://example.com:3000/pkg/foo",
            301,
            "/pkg/foo/",
            Some("/pkg/foo/"),
        ),
        // CONNECT keeps the port: `example.com:9000/` matches, `example.com/...` may not.
        case("CONNECT", "x", "http://example.com/", 404, "", None),
        case("CONNECT", "x", "http://example.com:3000/", 404, "", None),
        case(
            "CONNECT",
            "x",
            "http://example.com:9000/",
            200,
            "example.com:9000/",
            None,
        ),
        case(
            "CONNECT",
            "x",
            "http://example.com/pkg/foo",
            301,
            "/pkg/foo/",
            Some("/pkg/foo/"),
        ),
        case(
            "CONNECT",
            "x",
            "http://example.com:3000/pkg/foo",
            404,
            "",
            None,
        ),
        case(
            "CONNECT",
            "x",
            "http://example.com:3000/pkg/baz",
            301,
            "/pkg/baz/",
            Some("/pkg/baz/"),
        ),
        case(
            "CONNECT",
            "x",
            "http://example.com:3000/pkg/connect",
            301,
            "/pkg/connect/",
            Some("/pkg/connect/"),
        ),
    ];
    check(&patterns, &cases);
}

/// Go's `TestMuxRedirectLeadingSlashes` and `TestMuxRedirectRelative`: even an empty mux
/// cleans first, and an absolute-form target with no path is redirected to `/`.
#[test]
fn cleaning_happens_before_matching() {
    let cases = [
        case("GET", "test", "//foo.txt", 301, "", Some("/foo.txt")),
        case("GET", "test", "///foo.txt", 301, "", Some("/foo.txt")),
        case("GET", "test", "/../../foo.txt", 301, "", Some("/foo.txt")),
        case("GET", "test", "/a/./b", 301, "", Some("/a/b")),
        case("GET", "test", "/a/b/../c/", 301, "", Some("/a/c/")),
        case("GET", "test", "http://example.com", 301, "", Some("/")),
    ];
    check(&[], &cases);
}

/// Go's `TestStripPortFromHost`: a port in the request's host never selects a pattern.
#[test]
fn port_is_stripped_from_the_host() {
    let cases = [
        case(
            "GET",
            "x",
            "http://example.com:9000/",
            200,
            "example.com/",
            None,
        ),
        case("GET", "example.com:9000", "/", 200, "example.com/", None),
        case("GET", "[::1]:80", "/", 404, "", None),
    ];
    check(&["example.com/", "example.com:9000/"], &cases);
    // IPv6 literal: brackets and port go, the address stays.
    check(
        &["::1/"],
        &[case("GET", "[::1]:80", "/", 200, "::1/", None)],
    );
}

/// The longest subtree wins, whatever the registration order; an exact pattern beats any
/// subtree; `/tree/` itself is matched by `/tree/`.
#[test]
fn longest_prefix_and_exact_first() {
    let patterns = ["/", "/a/b/", "/a/", "/a/b/c", "/a/b/c/d/"];
    let cases = [
        case("GET", "h", "/x", 200, "/", None),
        case("GET", "h", "/a/x", 200, "/a/", None),
        case("GET", "h", "/a/b/x", 200, "/a/b/", None),
        case("GET", "h", "/a/b/c", 200, "/a/b/c", None),
        case("GET", "h", "/a/b/c/", 200, "/a/b/", None),
        case("GET", "h", "/a/b/c/d", 301, "/a/b/c/d/", Some("/a/b/c/d/")),
        case("GET", "h", "/a/b/c/d/e", 200, "/a/b/c/d/", None),
        case("GET", "h", "/a/b", 301, "/a/b/", Some("/a/b/")),
    ];
    check(&patterns, &cases);
}

/// Redirect targets are escaped as Go's `url.URL.String` escapes a path.
#[test]
fn redirect_locations_are_escaped() {
    let cases = [
        case("GET", "h", "//a%20b", 301, "", Some("/a%20b")),
        case("GET", "h", "//a!b'c", 301, "", Some("/a%21b%27c")),
        case("GET", "h", "//%3Cx%3E?q=<", 301, "", Some("/%3Cx%3E?q=<")),
        case("GET", "h", "//caf%C3%A9", 301, "", Some("/caf%C3%A9")),
        case("GET", "h", "/x%3Fy", 301, "/x?y/", Some("/x%3Fy/")),
    ];
    check(&["/x?y/"], &cases);
}

/// The exact bytes of the 404 and of the 301 for each method, as Go's `http.Error` and
/// `http.Redirect` write them.
#[test]
fn not_found_and_redirect_responses_match_go_byte_for_byte() {
    let mux = Arc::new(mux_of(&["/tree/"]));
    let server = ThreadServer::start(mux);

    let nf = http(server.addr, "GET", "h", "/nope");
    assert_eq!(nf.status, 404);
    assert_eq!(nf.body, "404 page not found\n");
    assert_eq!(
        nf.content_type.as_deref(),
        Some("text/plain; charset=utf-8")
    );
    let raw = raw_head(
        server.addr,
        "GET /nope HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
    );
    assert!(
        raw.contains("\r\nx-content-type-options: nosniff\r\n"),
        "{raw}"
    );

    let get = http(server.addr, "GET", "h", "/tree?a=1");
    assert_eq!(get.status, 301);
    assert_eq!(get.location.as_deref(), Some("/tree/?a=1"));
    assert_eq!(
        get.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        get.body,
        "<a href=\"/tree/?a=1\">Moved Permanently</a>.\n\n"
    );

    let head = http(server.addr, "HEAD", "h", "/tree");
    assert_eq!(head.status, 301);
    assert_eq!(
        head.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );

    let post = http(server.addr, "POST", "h", "/tree");
    assert_eq!(post.status, 301);
    assert_eq!(post.location.as_deref(), Some("/tree/"));
    assert_eq!(post.content_type, None);
    assert_eq!(post.body, "");
}

fn raw_head(addr: std::net::SocketAddr, req: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out.to_ascii_lowercase()
}

/// `OPTIONS *` names no resource: the mux answers 400 and closes, as Go's `ServeMux.ServeHTTP`.
#[test]
fn star_target_is_a_bad_request() {
    let mux = mux_of(&["/"]);
    let r = Request::new(Method::OPTIONS, "*").unwrap();
    let seen = mux_support::record(&mux, r);
    assert_eq!(seen.status, 400);
    let mut w = servemux::Recorder::new();
    let mut r = Request::new(Method::OPTIONS, "*").unwrap();
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(servemux::Handler::serve_http(&mux, w.writer(), &mut r));
    assert_eq!(w.header()["connection"], "close");
    // `handler()` alone, like Go's mux.Handler, cleans `*` to `/*`.
    let (_, pattern) = mux.handler(&Request::new(Method::OPTIONS, "*").unwrap());
    assert_eq!(&*pattern, "/");
}

/// Registration mistakes are typed errors, never panics.
#[test]
fn registration_errors_are_typed() {
    let mux = ServeMux::new();
    let ok = || handler_fn(|_w, _r| Box::pin(async {}));
    assert_eq!(mux.handle("", ok()), Err(MuxError::EmptyPattern));
    // Before the first `/` only bytes a Host header may carry.
    for bad in ["a b/c", "<x>/", "ex\"ample.com", "caf\u{e9}.fr/"] {
        assert_eq!(
            mux.handle(bad, ok()),
            Err(MuxError::InvalidPattern(bad.into()))
        );
    }
    mux.handle("/a", ok()).unwrap();
    mux.handle("/a/", ok()).unwrap();
    mux.handle("h.org/a", ok()).unwrap();
    for dup in ["/a", "/a/", "h.org/a"] {
        let err = mux.handle(dup, ok()).unwrap_err();
        assert_eq!(err, MuxError::DuplicatePattern(dup.into()));
        assert_eq!(
            err.to_string(),
            format!("servemux: multiple registrations for {dup}")
        );
    }
    assert_eq!(mux.len(), 3);
    assert_eq!(mux.patterns(), ["/a", "/a/", "h.org/a"]);
    // A host with no path is a valid pattern (see `connect_by_authority`).
    assert!(mux.handle("example.com:443", ok()).is_ok());
    assert_eq!(mux.prefix_patterns(), ["/a/"]);
    assert!(mux.handle_func("/f", |_w, _r| Box::pin(async {})).is_ok());
}

/// Patterns may be added while the server is serving (Go's RWMutex): the next request sees them.
#[test]
fn registration_while_serving() {
    let mux = Arc::new(ServeMux::new());
    let server = ThreadServer::start(mux.clone());
    assert_eq!(http(server.addr, "GET", "h", "/late").status, 404);
    mux.handle_func("/late", |w, _r| {
        Box::pin(async move {
            let _ = w.write(b"late").await;
        })
    })
    .unwrap();
    let seen = http(server.addr, "GET", "h", "/late");
    assert_eq!((seen.status, seen.body.as_str()), (200, "late"));

    // Writers and readers at once: 4 threads registering 200 patterns each while 4 threads
    // look up; every lookup sees either nothing or the right pattern.
    std::thread::scope(|s| {
        for t in 0..4 {
            let mux = &mux;
            s.spawn(move || {
                for i in 0..200 {
                    mux.handle(
                        &format!("/t{t}/{i}/"),
                        handler_fn(|_w, _r| Box::pin(async {})),
                    )
                    .unwrap();
                }
            });
            s.spawn(move || {
                for i in 0..200 {
                    let r = Request::new(Method::GET, &format!("/t{t}/{i}/x")).unwrap();
                    let (_, p) = mux.handler(&r);
                    assert!(p.is_empty() || *p == *format!("/t{t}/{i}/"), "{p}");
                }
            });
        }
    });
    assert_eq!(mux.len(), 801);
    assert_eq!(mux.prefix_patterns().len(), 800);
}

/// A host-only pattern matches `CONNECT host:port` (authority form, empty path), as in Go, where
/// `host + path` is then just the authority. Nothing else can reach it.
#[test]
fn connect_by_authority() {
    let patterns = ["example.com:443", "/"];
    let cases = [
        case(
            "CONNECT",
            "example.com:443",
            "example.com:443",
            200,
            "example.com:443",
            None,
        ),
        case("CONNECT", "other.org:443", "other.org:443", 404, "", None),
        case("GET", "example.com:443", "/", 200, "/", None),
    ];
    check(&patterns, &cases);
}
