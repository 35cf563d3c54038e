//! What a PatternMux lookup allocates, counted with a global allocator wrapper: an exact hit on
//! a pattern without wildcards allocates nothing (the pattern text and the wildcard names are
//! shared `Arc`s); a wildcard hit allocates its values and nothing else.

use servemux::http::{header, HeaderMap, HeaderValue, Method};
use servemux::{handler_fn, PatternMux, Request};
use testkit::alloc::count_allocations;

#[global_allocator]
static ALLOC: testkit::CountingAlloc = testkit::CountingAlloc;

#[test]
fn exact_hits_allocate_nothing_and_wildcard_hits_only_their_values() {
    let mux = PatternMux::new();
    for p in [
        "/{$}",
        "GET /a/b",
        "example.com/x/{$}",
        "GET /users/{id}",
        "/files/{path...}",
    ] {
        mux.handle(p, handler_fn(|_w, _r| Box::pin(async {})))
            .unwrap();
    }
    let req = |target: &str, host: &str| {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        Request::new(Method::GET, target).unwrap().with_headers(h)
    };
    let count = |r: &Request, want: &str| {
        let ((h, pattern), allocations) = count_allocations(|| mux.handler(r));
        assert_eq!(&*pattern, want);
        drop(h);
        allocations
    };
    assert_eq!(count(&req("/a/b", "h.org"), "GET /a/b"), 0);
    assert_eq!(count(&req("/", "h.org"), "/{$}"), 0);
    assert_eq!(
        count(&req("/x/", "example.com:8080"), "example.com/x/{$}"),
        0
    );
    // One value: the vector of values and the value itself, at most.
    let n = count(&req("/users/42", "h.org"), "GET /users/{id}");
    assert!((1..=2).contains(&n), "a one-value hit allocated {n} times");
    let n = count(&req("/files/a/b/", "h.org"), "/files/{path...}");
    assert!(
        (1..=2).contains(&n),
        "a rest-of-path hit allocated {n} times"
    );
}
