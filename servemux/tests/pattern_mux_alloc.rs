//! What a PatternMux lookup allocates, counted with a global allocator wrapper: an exact hit on
//! a pattern without wildcards allocates nothing (the pattern text and the wildcard names are
//! shared `Arc`s); a wildcard hit allocates its values and nothing else.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use servemux::http::{header, HeaderMap, HeaderValue, Method};
use servemux::{handler_fn, PatternMux, Request};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above, i.e. from the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

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
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let (h, pattern) = mux.handler(r);
        let after = ALLOCATIONS.load(Ordering::Relaxed);
        assert_eq!(&*pattern, want);
        drop(h);
        after - before
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
