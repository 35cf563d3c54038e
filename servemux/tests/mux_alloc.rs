//! `mux.handler(&r)` allocates nothing on the paths a healthy server takes all day: an exact hit,
//! a subtree hit, a host-specific hit and a 404. Counted with a global allocator wrapper.
//! (Redirects build their `Location`, and so allocate, as Go's do.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use servemux::http::{header, HeaderMap, HeaderValue, Method};
use servemux::{handler_fn, Request, ServeMux};

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
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let (h, pattern) = mux.handler(r);
        let after = ALLOCATIONS.load(Ordering::Relaxed);
        assert_eq!(&*pattern, *want);
        assert_eq!(after - before, 0, "{} allocated", r.target());
        drop(h);
    }
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let (_h, pattern) = empty.handler(&not_found);
    assert_eq!(
        ALLOCATIONS.load(Ordering::Relaxed) - before,
        0,
        "404 allocated"
    );
    assert!(pattern.is_empty());
}
