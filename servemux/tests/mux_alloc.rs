//! `mux.handler(&r)` allocates nothing on the paths a healthy server takes all day: an exact hit,
//! a subtree hit, a host-specific hit and a 404. Counted with a global allocator wrapper.
//! (Redirects build their `Location`, and so allocate, as Go's do.)

use servemux::http::{header, HeaderMap, HeaderValue, Method};
use servemux::{handler_fn, Request, ServeMux};
use testkit::alloc::count_allocations;

#[global_allocator]
static ALLOC: testkit::CountingAlloc = testkit::CountingAlloc;

#[test]
fn lookups_do_not_allocate() {
    let mux = ServeMux::new();
    for p in ["/", "/a/", "/a/b", "/deep/er/", "example.com/x/"] {
        mux.handle(p, handler_fn(|_w, _r| Box::pin(async {})))
            .unwrap();
    }
    let req = |target: &str, host: &str| {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        Request::new(Method::GET, target).unwrap().with_headers(h)
    };
    let cases = [
        (req("/a/b", "h.org"), "/a/b"),
        (req("/deep/er/x/y", "h.org"), "/deep/er/"),
        (req("/x/y", "example.com:8080"), "example.com/x/"),
        (req("/zz", "h.org"), "/"),
    ];
    let empty = ServeMux::new();
    let not_found = req("/nothing", "h.org");
    for (r, want) in &cases {
        let ((h, pattern), allocations) = count_allocations(|| mux.handler(r));
        assert_eq!(&*pattern, *want);
        assert_eq!(allocations, 0, "{} allocated", r.target());
        drop(h);
    }
    let ((_h, pattern), allocations) = count_allocations(|| empty.handler(&not_found));
    assert_eq!(allocations, 0, "404 allocated");
    assert!(pattern.is_empty());
}
